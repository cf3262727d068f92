"""The character's face: it talks, blinks, raises its brows and turns its head like the video's actor.

The rig's head layer moves rigidly (position, roll, size); this module adds what happens *inside* the face.
The character's own face landmarks (:class:`FaceRig`) are moved each frame to where the actor's expression and
head turn put them (:func:`face_targets`), and the face's box of the head layer's texture is warped by a
triangle mesh over those landmarks (:class:`FaceAnimator`), so every pixel comes from the character's own face.

* Expression: the actor's mesh at frame t, aligned onto its first frame by a similarity fitted to points that
  do not move with expression (forehead, nose, cheekbones), minus that first frame: the expression's motion,
  scaled to the character's face and added to its landmarks (a face the image shows in profile takes only a
  share of it: :func:`expression_within_reach`). Lids follow the actor's eye opening as a ratio (so a character
  with larger eyes still closes them fully, never past each other), opening at most ``EYE_WIDEN`` wider than the
  image's; an actor in profile's far eye takes the near one's opening (:func:`far_eye_as_near`).
* Head turn: the actor's yaw and pitch since its first frame (up to ``MAX_TURN`` degrees) rotate the
  character's landmarks in 3D, using their depth; roll is the head layer's own rotation. The features move
  across the face while its outline moves less and a fixed ring around the face (``RING``) holds hair, ears
  and neck in place, so nothing tears.
* Mouth: where the lips part further than in the image, the inside is painted between them: a dark
  red-brown, lighter towards the tongue, and the teeth the image shows (bright, grey pixels in its open mouth)
  carried with their lips (the upper row with the upper lip, a lower row with the lower one) instead of
  stretched across the gap, or, where it shows none (lips closed), upper teeth painted under the upper lip (and
  the lower row's edge on the lower lip of a mouth opened wide); all only on the face's own pixels, a lip's
  thickness inside the layer's outline (a face in profile has its lips' front on it). The skin just outside the
  lips moves with them (their colour often reaches past the face model's lip line). A closing eye is a lid
  coming down over it: the lash line and the lashes above the upper lid come down whole, the eye under them is
  covered, not squeezed, and the margins around its opening fade to the eyelid's skin as it shuts.
* Faces the face model cannot find (cartoons, animals, masks): a sparse model built from the rig's head joints
  (eye corners, mouth corners, nose) when the pose model located them, driven by the actor's measured eye
  and mouth opening and head turn; otherwise the face stays still and :func:`face_finding` says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import cv2
import numpy as np
from scipy.ndimage import gaussian_filter1d, maximum_filter1d, minimum_filter1d
from scipy.spatial import Delaunay

from ...finding import Finding
from ...pose import facemesh as fm
from ...pose.estimator import native_stderr_silenced
from ...pose.skeleton import J
from ...pose.track import PoseTrack
from .face_style import face_mask, ink_colour, is_drawn
from .gaze import GAZE_MARGIN, GAZE_MIN_EYE, EyeOpening, gaze_drive
from .meshwarp import FRAMES_AT_ONCE, WarpMemo, source_maps
from .model import LAYERS, Rig, smoothstep

MAX_TURN = 30.0  # degrees of yaw / pitch the face is turned at most (beyond, a 2D warp tears)
# a face the image shows turned this far from the camera (degrees of yaw) still turns back towards it fully,
# one turned the second not at all (its far side is hidden): see :func:`turn_within_reach`
TURNED_AWAY = (20.0, 50.0)
# a face the image shows turned this far from the camera (degrees of yaw) takes the actor's expression fully, one
# turned the second ``TURNED_EXPRESSION`` of it: a mouth opened in profile would need its front to leave the face's
# outline (a notch between the lips the layer does not have), so the warp stretches the lips' front across the gap
# and the inside reads as a dark wedge cut through the face's edge (TikTok clip 1's dancer, 54 degrees, driven by
# clip 2's talking); see :func:`expression_within_reach`
MOUTH_TURNED = (25.0, 60.0)
TURNED_EXPRESSION = 0.5
# A turn moves the nose (the face's nearest part) across the face towards the far eye: past that eye's inner corner
# the warp folds the nose's side over the eye, the photograph's frontally lit nose covering it along a straight seam
# (TikTok character 3, turned 19 degrees in her picture, turned a further 29 away and pitched 20 by clip 4's dancer:
# her picture-left eye torn off at its inner corner). The turn is held where the nose's ridge keeps this share of
# its rest gap to either inner corner (:func:`turn_clear_of_nose`), found among this many shares of the turn.
NOSE_CLEAR = 0.3
NOSE_STEPS = 11
RING = 1.35  # the fixed ring around the face, in face-outline radii from its centre
RING_POINTS = 32
OUTLINE_DAMP = 0.85  # share of the head turn's motion the face outline does not take
FEATURE_VIS = 0.8  # rig head joints seen at least this well can carry a sparse face model
EYE_CLOSED = 0.35  # the face model's lid gap for a closed eye, as a share of the open eye's
# ... and for an eye shut beside an open one (a wink): the face model guesses the two eyes alike, so it reads a
# winking eye up to half open (TikTok clip 4's dancer: her wink at 0.43-0.48 of her open eye, her blinks at 0.26-0.32,
# and her character's lid came down only to a slit under a heavy lash band). An eye reading under ``WINK[1]`` of the
# other eye's opening (each a share of its own open gap over the clip) is shut from up to ``WINK_CLOSED`` of its
# open gap, fully so under ``WINK[0]`` of the other's; a blink and a downward look read both eyes alike.
WINK = (0.55, 0.75)
WINK_CLOSED = 0.5
MIN_FACE_PX = 24.0  # eye corner to eye corner, image pixels: smaller faces stay still
MESH_AGREE = 0.6  # a found face mesh whose features lie further than this (face sizes) from the head joints is
# a false find (the face model sees a face in a muzzle or a pattern): it is not used
# The inside of a mouth (never a black hole): the image's own lip colour in shadow, half-way towards a mouth's
# usual red-brown (lipstick does not colour the throat), darkest under the upper lip and in the throat, lighter
# towards the lower middle (the tongue), so it keeps the picture's exposure and white balance; its luminance is
# held between these bounds (a pale, bright face still gets a dark mouth, a dim one a visible one). The lips'
# inner surface darkens into it over a rim (``CAVITY_RIM`` of the gap): a hard-edged dark fill reads as a hole,
# and as a wider opening than the lips make.
CAVITY_RGB = np.array([84.0, 30.0, 30.0])  # the usual inside's hue (its brightness comes from the lips)
CAVITY_DEEP = 0.3  # share of the lips' colour in the deep shadow
CAVITY_TONGUE = 0.62  # ... on the tongue
CAVITY_LUMA = (22.0, 62.0)  # the deep shadow's luminance, at least and at most
CAVITY_RIM = 0.18
DEFAULT_LIP_RGB = np.array([150.0, 70.0, 70.0])  # when the image's lips cannot be read
ROLL_MESH_YAW = 45.0  # degrees (as the mesh reads yaw): a face turned further has its far eye corner guessed
ROLL_FADE_S = 0.05  # seconds over which the roll correction fades out where the mesh is not used
TEETH_MIN_GAP = 3.0  # px: a rest mouth open at least this far may show teeth worth keeping
# ... and closing, the lips cover them: from this share of the image's gap, fully at the second
TEETH_SHUT = (0.6, 0.2)
# The image's lower row of teeth lies below a gap between the rows: a band (one of ``BITE_BINS`` across the
# opening's depth) with teeth in at most the first share of the mouth's columns, teeth in at least the second above
# and below it
BITE_BINS = 10
BITE_GAP = (0.15, 0.5)
# A face whose image shows no teeth (lips closed) gets upper teeth when the mouth opens (a person's open mouth
# shows them; a dark slit reads as a hole): a band under the upper lip ``TEETH_TALL`` face sizes tall at most,
# across the mouth's middle, fading out between ``TEETH_SIDE`` of the way to the corners and them (the dark
# corridors beside the teeth), darker towards the corners and right under the lip (shadow), with a faint line
# between the front teeth (``TEETH_GAPS``, shares of the mouth's width from its middle); off-white, as bright as
# ``TEETH_LUMA`` of the face's skin (within bounds, so a dim picture gets no glowing teeth), tinted by a share of
# the skin's colour (the picture's white balance).
TEETH_TALL = 0.075
TEETH_SIDE = 0.6
# ... and only once the lips part far enough to show them: from ``TEETH_SHOW[0]`` face sizes further than the
# image's lips, solid from the second (lips parted by a few pixels show their dark line, not a white bar: TikTok
# clip 5's actor talks with her teeth in her mouth's shadow), and down to ``TEETH_FILL`` of the lips' gap at most
# (a dark band stays under the teeth: filling a narrow opening to the lower lip, they read as a row of white)
TEETH_SHOW = (0.03, 0.06)
TEETH_FILL = 0.6
TEETH_GAPS = np.array([-0.15, 0.0, 0.15])
TEETH_LUMA = (1.4, 170.0, 238.0)
TEETH_RGB = np.array([1.0, 0.97, 0.9])
TEETH_TINT = 0.15
# A wide-open mouth shows the lower row's edge too: as tall as ``TEETH_LOWER[0]`` of the upper row, across the
# mouth's middle, fading out between ``TEETH_LOWER[1]`` of the way to the corners and ``TEETH_LOWER[2]`` (the
# lower jaw's arch is narrower), ``TEETH_LOWER[3]`` as bright (in the upper jaw's shadow), rising over the lower
# lip as the lips' gap grows from the first to the second share of the upper row's height (a smile or talking
# shows the upper row only)
TEETH_LOWER = (0.5, 0.3, 0.7, 0.62, (1.8, 3.0))
TEETH_LIPS = 0.2  # only a face whose lips have colour (saturation, HSV's) has teeth to show: not a grey robot
# The actor's expression as the character takes it (see :func:`expression_gain`): trusted fully while the
# stable points fit the first frame within the first misfit (face sizes; the generated mannequin's rigid head
# turned by 28 deg reads up to 0.063, a far dancer's small face, TikTok clip 1, 0.07 in a tenth of its frames
# and up to 0.135), not at all beyond the second; its largest landmark motion softened past the knee, never
# past the cap (face sizes: a wide-open mouth moves the chin about 0.3); the mouth's widening (width ratio)
# likewise: a broad smile is about 1.3
EXPR_MISFIT = (0.07, 0.12)
# ... and while the chin drops no further than the lips part, within the first drop beyond it (face sizes), not
# at all beyond the second: the jaw opens the mouth, so a chin dropping under closed lips is no expression but
# the face model's guess of the far side of a face seen from the side, which changes as the head turns (TikTok
# clip 1's dancer, in three-quarter view, keeps her lips shut while her chin "drops" 0.07 face sizes for
# seconds and up to 0.21 as she turns: the character's chin was pulled into a long jaw); the lips part a moment
# before the jaw drops and close before it rises (clip 5, talking: 0.06 past them), so the lips' gap is the
# widest within ``JAW_S`` seconds either side
JAW_ALONE = (0.06, 0.1)
JAW_S = 0.17
EXPR_KNEE, EXPR_CAP = 0.2, 0.3
MOUTH_WIDEN = (1.15, 1.3)
# ... and its narrowing (a pucker, a kiss) likewise, the width ratio softened past the first, never under the
# second: a warp of the image's closed mouth draws narrower lips only by squeezing them, and TikTok clip 4's
# kiss (0.62, its corners gathered and dropped 0.13 face sizes) turned the character's lips into a beak under
# the nose over a bulging chin
MOUTH_NARROW = (0.88, 0.78)
# The character's eye opens at most this much wider than the image's: the warp has no pixels of the eye beyond
# the opening the image shows (its lid's skin and lashes stretch in), and the actor's eye reads wider than its
# usual face by up to 1.3 with a mere tilt of the head (TikTok clip 4), which rolled the character's eyes up
# (the lower lid dropped from under the iris). The lower lid never drops below its place in the image.
EYE_WIDEN = 1.08
# A character whose eyes look up in its image looks ahead: the actor's gaze is taken from its usual one (at the
# camera: :mod:`.gaze`), which a stranger's image shows as its own, while an upward gaze kept all clip long reads as
# eyes rolled up (TikTok character 3, whose irises' centres lie 0.25-0.27 eye widths above her lower lids, a band of
# pale lid and white under them: whoever moved her glared upwards, and as the actor's lids narrowed the upper lid
# covered the high iris and left the white under it). Looking ahead, a photograph's iris rests on its lower lid,
# its centre about its radius above it (TikTok characters 0, 2, 4 and 5, Grace Hopper, the astronaut: 0.12 to 0.21
# eye widths). So both eyes' images come down (:meth:`.gaze.EyeOpening.gazed`: the eyeball slides under the lower
# lid) by as much as their irises' centres lie on average more than ``GAZE_LOW`` eye widths above their lower lids,
# at most ``GAZE_REACH``. Only a photograph's eye, not one from the video's own first frame (its gaze is the
# actor's), nor a drawn one (its gaze is the artist's, and its white reaches past the lids); an eye looking sideways
# or down keeps its gaze.
GAZE_LOW = 0.17
GAZE_REACH = 0.12
# An actor turned from the camera this far (degrees of yaw) has its far eye's opening measured fully, one turned
# the second not at all: that eye is foreshortened to a sliver, partly behind the nose, and the face model guesses
# its lids (TikTok clip 1's dancer, in profile, reads her far eye shut for a second while the near one is open:
# the character winked). The far eye (the one narrower on screen) takes the near eye's opening instead.
EYE_TURNED = (25.0, 45.0)
# A closing eye is a lid coming down over it (to ``LID_MEET``): the landmarks above the upper lid up to
# ``LID_CARRY[0]`` eye widths move down with it (its lash line, false lashes and liner come down whole, never
# stretched into a band or faded into a ghost of themselves), none beyond ``LID_CARRY[1]`` (nor the brows; the
# lid's skin between them stretches). The eye under the lid is covered, not squeezed, until its opening is a
# slit (``2 * LID_SHUT_AT`` of its open gap, then it fades to the lid's skin, fully at ``LID_SHUT_AT``); the
# margins around the opening fade to the eyelid's own skin from ``LID_SHUT_FROM`` of its open gap, fully at
# ``LID_SHUT_AT``. ``LID_MARGIN``: how far around the lid landmarks the opening reaches (eye heights; the white
# often shows just outside them), ``LID_SKIN``: where the lid's skin is sampled above the upper lid (eye heights).
LID_CARRY = (0.35, 0.6)
LID_MEET = 0.3  # where the closed lids meet: this share of the way from the lower lid to the upper one
LID_SHUT_FROM, LID_SHUT_AT = 0.45, 0.1
LID_MARGIN = 0.2
LID_SKIN = (0.6, 1.2)
# Long or false lashes stand above the lid landmarks, past ``LID_MARGIN``: the pixels between the upper lid and
# the skin band darker than ``LASH_DARK`` of the lid skin's luminance are lashes; the opening's skin is filled
# in from around them, not from them.
LASH_DARK = 0.7
# The lips' colour often reaches past the face model's outer lip line (a pout's rolled-out lip, lipstick over the
# line): the landmarks just outside the line up to ``LIP_CARRY[0]`` face sizes move with the lip, none beyond
# ``LIP_CARRY[1]`` (the skin between them stretches). Without it the lip's colour above the line stayed with the
# skin as the lip moved away and was stretched into a pink beak under the nose (TikTok clip 0's pout relaxing;
# her lips' colour reaches the nose's bottom, 0.06 face sizes above the line, which then goes with the lip: held
# at the line, the beak came back, half as tall).
# A lip moving towards them pushes them at most ``LIP_PUSH`` of the band between (so they never fold).
LIP_CARRY = (0.06, 0.13)
LIP_PUSH = 0.5
# The face model reads closed lips as parted: full lips pressed together or pouting by up to 0.045 face sizes
# (TikTok clip 5, whose actor's lips stay shut from 1 to 6 s, read 0.03 to 0.045 there against 0.010 in her first
# frame, 0.006 at their closest; clip 0's shut lips up to 0.04 past her first frame's), while lips really parted
# read 0.06 and more past closed ones (clip 0's talking, the upper teeth showing; clip 4's smile 0.1). So, from a
# neutral with its lips shut (within the first share of the actor's closed gap, its ``LIPS_CLOSED`` percentile
# over the clip), the inner lips' parting opens the character's mouth from the first share (face sizes), in full
# from the second (smoothly: the gap grows without a step); taken as it was read, the character's mouth stood open
# on a row of teeth all through clip 5's pout. From a neutral with its lips apart (the second share past closed:
# clip 2's and 4's first frames) and closing, the lips move as they were read.
LIPS_CLOSED = 5.0
# The character's inner lips cross by at most this much (face sizes: :func:`_unfold_lips`)
LIPS_FOLD = 0.02
LIPS_PARTED = (0.03, 0.07)
LUMA = np.array([0.299, 0.587, 0.114])  # luminance of RGB (Rec. 601)


@dataclass
class RestTeeth:
    """The teeth the image shows in its open mouth, in a box of the face's patch whose top-left is ``corner``
    (x, y): ``rgb`` [h, w, 3] float32, the upper and lower row's alpha [h, w] (each with what lies between it and
    its lip), ``bright`` [h, w] the teeth's own pixels."""

    rgb: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    bright: np.ndarray
    corner: np.ndarray


@dataclass
class FaceRig:
    """The character's face in its image's pixels.

    ``points`` [N, 3] landmarks (z in pixels, smaller nearer); ``kind`` "mesh" (MediaPipe's 468 points) or
    "joints" (a sparse model from the head joints, see :func:`sparse_face`); ``ring`` [R, 2] fixed points
    around the face; ``triangles`` [M, 3] over points + ring; ``box`` (x0, y0, x1, y1) the pixels the face
    warp may change; ``groups`` index arrays of the regions the targets treat specially; ``irises`` [2, 2] the
    right and the left iris's centre where the face model found them in the image, else None."""

    points: np.ndarray
    kind: str
    ring: np.ndarray
    triangles: np.ndarray
    box: tuple[int, int, int, int]
    groups: dict[str, tuple[int, ...]] = field(default_factory=dict)
    irises: np.ndarray | None = None

    @cached_property
    def turn_weight(self) -> np.ndarray:
        """[N] how much of the head turn's motion each landmark takes: 1 in the middle of the face, falling
        to ``1 - OUTLINE_DAMP`` on its outline."""
        oval = self.points[list(self.groups["oval"]), :2]
        c = oval.mean(axis=0)
        rel, orel = self.points[:, :2] - c, oval - c
        oa, orad = np.arctan2(orel[:, 1], orel[:, 0]), np.linalg.norm(orel, axis=1)
        k = np.argsort(oa)
        rad = np.interp(np.arctan2(rel[:, 1], rel[:, 0]), oa[k], orad[k], period=2 * np.pi)
        r = np.clip(np.linalg.norm(rel, axis=1) / np.maximum(rad, 1e-6), 0.0, 1.0)
        return 1.0 - OUTLINE_DAMP * r ** 2

    @cached_property
    def lips(self) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """The upper and the lower lip of the mesh (:func:`_lips`)."""
        return _lips(self.points)

    @cached_property
    def lid_carry(self) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """Per eye (right, left): the landmarks above its upper lid (not the brows) that a closing lid carries down
        with it, and [n, len(upper lid)] the share of each upper lid point's move each takes (interpolated along
        the eye, nothing at its corners, falling off with the height above the lid: ``LID_CARRY``). Empty for
        the sparse face model (its only points above the eyes are the brows)."""
        if self.kind != "mesh":
            return ()
        P = self.points[:, :2]
        out = []
        for s in ("r", "l"):
            a, b = self.groups[f"{s}_corners"]
            upper = list(self.groups[f"{s}_upper"])
            u = P[b] - P[a]
            width = max(float(np.linalg.norm(u)), 1e-9)
            u /= width
            n = np.array([-u[1], u[0]])
            if float(((P[upper] - P[a]) @ n).sum()) < 0:
                n = -n  # up, towards the upper lid
            lid_u, lid_v = (P[upper] - P[a]) @ u, (P[upper] - P[a]) @ n
            k = np.argsort(lid_u)
            xs = np.concatenate([[0.0], lid_u[k], [width]])
            qu, qv = (P - P[a]) @ u, (P - P[a]) @ n
            above = qv - np.interp(qu, xs, np.concatenate([[0.0], lid_v[k], [0.0]]))
            fall = np.clip((LID_CARRY[1] * width - above) / ((LID_CARRY[1] - LID_CARRY[0]) * width), 0.0, 1.0)
            sel = (above > 0) & (fall > 0) & (qu > 0) & (qu < width)
            sel[upper + [a, b] + list(self.groups["brows"])] = False
            idx = np.flatnonzero(sel)
            share = np.zeros((len(idx), len(upper)))
            for j, lid in enumerate(k):  # the interpolation's weight of each lid point, along the eye
                share[:, lid] = np.interp(qu[idx], xs, np.eye(len(upper) + 2)[j + 1])
            out.append((idx, share * fall[idx, None]))
        return tuple(out)

    @cached_property
    def lip_carry(self) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...]:
        """Per outer lip contour (upper, lower): (the contour's landmarks, the landmarks outside it that move with
        it, [n, len(contour)] the share of each contour point's move each takes (interpolated along the mouth,
        falling off with the distance from the line: ``LIP_CARRY``), the direction away from the mouth [2]).
        Empty for the sparse face model."""
        if self.kind != "mesh":
            return ()
        P = self.points[:, :2]
        a, b = fm.MOUTH_CORNERS
        u = P[b] - P[a]
        width = max(float(np.linalg.norm(u)), 1e-9)
        u /= width
        n = np.array([-u[1], u[0]])
        # (nor the points that hold the head's rigid pose: the nose's tip and wings stay the nose's)
        held = set(fm.UPPER_LIP_OUTER + fm.LOWER_LIP_OUTER + fm.UPPER_LIP_INNER + fm.LOWER_LIP_INNER + fm.STABLE)
        qu, qv = (P - P[a]) @ u, (P - P[a]) @ n
        size = self.size
        out = []
        for contour in (fm.UPPER_LIP_OUTER, fm.LOWER_LIP_OUTER):
            line = list(contour)
            away = n if float(qv[line].mean() - qv[list(fm.UPPER_LIP_INNER + fm.LOWER_LIP_INNER)].mean()) > 0 else -n
            sign = 1.0 if away is n else -1.0
            k = np.argsort(qu[line])
            xs = qu[line][k]
            beyond = sign * (qv - np.interp(qu, xs, qv[line][k]))
            fall = np.clip((LIP_CARRY[1] * size - beyond) / ((LIP_CARRY[1] - LIP_CARRY[0]) * size), 0.0, 1.0)
            sel = (beyond > 0) & (fall > 0) & (qu > xs[0]) & (qu < xs[-1])
            sel[list(held)] = False
            idx = np.flatnonzero(sel)
            share = np.zeros((len(idx), len(line)))
            for j, lip in enumerate(k):  # the interpolation's weight of each contour point, along the mouth
                share[:, lip] = np.interp(qu[idx], xs, np.eye(len(line))[j])
            out.append((np.array(line), idx, share * fall[idx, None], away))
        return tuple(out)

    @property
    def size(self) -> float:
        a, b = self.groups["eye_outer"]
        return float(np.linalg.norm(self.points[a] - self.points[b]))


def _mesh_groups() -> dict[str, tuple[int, ...]]:
    return {"upper_inner": fm.UPPER_LIP_INNER, "lower_inner": fm.LOWER_LIP_INNER, "oval": fm.OVAL,
            "stable": fm.STABLE, "eye_outer": (fm.RIGHT_EYE_CORNERS[0], fm.LEFT_EYE_CORNERS[0]),
            "r_corners": fm.RIGHT_EYE_CORNERS, "r_upper": fm.RIGHT_UPPER_LID, "r_lower": fm.RIGHT_LOWER_LID,
            "l_corners": fm.LEFT_EYE_CORNERS, "l_upper": fm.LEFT_UPPER_LID, "l_lower": fm.LEFT_LOWER_LID,
            "lip_mid": (13, 14), "lip_outer_mid": (0, 17), "brows": fm.BROWS}


def build_face_rig(points: np.ndarray, kind: str, shape: tuple[int, int],
                   groups: dict[str, tuple[int, ...]] | None = None, irises: np.ndarray | None = None) -> FaceRig:
    """A :class:`FaceRig` from landmarks [N, 3] in an image of ``shape`` (h, w): the fixed ring, the mesh and
    the box. ``groups`` default to the 468-point mesh's regions; ``irises`` see :class:`FaceRig`."""
    groups = groups or _mesh_groups()
    pts = np.asarray(points, np.float64)
    oval = pts[list(groups["oval"]), :2]
    c = oval.mean(axis=0)
    ang = np.linspace(0, 2 * np.pi, RING_POINTS, endpoint=False)
    # the ring follows the outline's shape: its radius in each direction, grown by RING
    rel = oval - c
    oa = np.arctan2(rel[:, 1], rel[:, 0])
    orad = np.linalg.norm(rel, axis=1)
    order = np.argsort(oa)
    rad = np.interp(ang, oa[order], orad[order], period=2 * np.pi)
    ring = c + RING * rad[:, None] * np.stack([np.cos(ang), np.sin(ang)], axis=1)
    h, w = shape
    x0, y0 = np.floor(ring.min(axis=0)).astype(int) - 2
    x1, y1 = np.ceil(ring.max(axis=0)).astype(int) + 3
    box = (int(max(0, x0)), int(max(0, y0)), int(min(w, x1)), int(min(h, y1)))
    tri = Delaunay(np.concatenate([pts[:, :2], ring])).simplices.astype(np.int32)
    return FaceRig(points=pts, kind=kind, ring=ring, triangles=tri, box=box, groups=groups, irises=irises)


# ------------------------------------------------------------------------------------ finding the face


def detect_face(rgb: np.ndarray, joints: np.ndarray,
                visibility: np.ndarray) -> tuple[np.ndarray, np.ndarray | None] | None:
    """MediaPipe's face mesh [468, 3] (image pixels) of the character and its irises' centres [2, 2] (right, left;
    None where the model gave none), searched in a crop around its head joints (enlarged to 384 px, so small faces
    get enough pixels), else in the whole image; None if no face was found."""
    try:
        from mediapipe.python.solutions import face_mesh as mp_face
    except ImportError:  # pragma: no cover - mediapipe is a hard dependency
        return None
    h, w = rgb.shape[:2]
    crops = []
    head = [i for i in range(11) if visibility[i] > 0.3 and np.isfinite(joints[i]).all()]
    if len(head) >= 3:
        c = joints[head].mean(axis=0)
        ls, rs = joints[J["left_shoulder"]], joints[J["right_shoulder"]]
        span = max(np.ptp(joints[head, 0]), 0.5 * float(np.linalg.norm(ls - rs)), 16.0)
        half = 1.6 * span
        x0, y0 = int(max(0, c[0] - half)), int(max(0, c[1] - half))
        x1, y1 = int(min(w, c[0] + half)), int(min(h, c[1] + half))
        if x1 - x0 >= 16 and y1 - y0 >= 16:
            crops.append((x0, y0, x1, y1))
    crops.append((0, 0, w, h))
    with native_stderr_silenced(), mp_face.FaceMesh(static_image_mode=True, max_num_faces=1,
                                                     refine_landmarks=True,
                                                     min_detection_confidence=0.5) as model:
        for x0, y0, x1, y1 in crops:
            crop = rgb[y0:y1, x0:x1]
            k = 384.0 / max(crop.shape[:2])
            big = cv2.resize(crop, (max(1, round(crop.shape[1] * k)), max(1, round(crop.shape[0] * k))),
                             interpolation=cv2.INTER_CUBIC if k > 1 else cv2.INTER_AREA)
            res = model.process(np.ascontiguousarray(big))
            if res.multi_face_landmarks:
                cw, ch = x1 - x0, y1 - y0
                lm = res.multi_face_landmarks[0].landmark
                pts = np.array([[x0 + p.x * cw, y0 + p.y * ch, p.z * cw] for p in lm], np.float64)
                irises = pts[list(fm.IRIS_CENTRES), :2] if len(pts) > max(fm.IRIS_CENTRES) else None
                return pts[:468], irises
    return None


# The sparse face: indices into its point list.
_SPARSE = ("nose", "r_out", "r_in", "r_up", "r_low", "l_out", "l_in", "l_up", "l_low", "m_r", "m_l", "m_up",
           "m_low", "in_up", "in_low", "chin", "brow_r", "brow_l")
_S = {n: i for i, n in enumerate(_SPARSE)}
_SPARSE_Z = {"nose": -0.45, "chin": -0.15, "m_up": -0.3, "m_low": -0.3, "in_up": -0.28, "in_low": -0.28,
             "m_r": -0.2, "m_l": -0.2}  # depth in face sizes; the rest -0.1


def sparse_face(joints: np.ndarray, visibility: np.ndarray) -> tuple[np.ndarray, dict] | None:
    """A small face model (points [18, 3], groups) from the rig's head joints, or None when the pose model did
    not locate the eyes and the mouth (then the face cannot be animated)."""
    need = ("nose", "left_eye_inner", "left_eye_outer", "right_eye_inner", "right_eye_outer", "mouth_left",
            "mouth_right")
    if any(visibility[J[n]] < FEATURE_VIS or not np.isfinite(joints[J[n]]).all() for n in need):
        return None
    g = {n: joints[J[n]].astype(np.float64) for n in need}
    across = g["left_eye_outer"] - g["right_eye_outer"]
    size = float(np.linalg.norm(across))
    if size < MIN_FACE_PX:
        return None
    u = across / size
    down = np.array([-u[1], u[0]])
    mouth = (g["mouth_left"] + g["mouth_right"]) / 2
    mw = float(np.linalg.norm(g["mouth_left"] - g["mouth_right"]))
    p = {"nose": g["nose"], "r_out": g["right_eye_outer"], "r_in": g["right_eye_inner"],
         "l_out": g["left_eye_outer"], "l_in": g["left_eye_inner"], "m_r": g["mouth_right"], "m_l": g["mouth_left"],
         "m_up": mouth - 0.12 * mw * down, "m_low": mouth + 0.14 * mw * down,
         "in_up": mouth - 0.01 * mw * down, "in_low": mouth + 0.01 * mw * down}
    for s in ("r", "l"):
        c = (p[f"{s}_out"] + p[f"{s}_in"]) / 2
        ew = float(np.linalg.norm(p[f"{s}_out"] - p[f"{s}_in"]))
        p[f"{s}_up"] = c - 0.17 * ew * down
        p[f"{s}_low"] = c + 0.13 * ew * down
        p[f"brow_{s}"] = c - 0.45 * ew * down
    eyes_c = (g["left_eye_outer"] + g["right_eye_outer"]) / 2
    p["chin"] = mouth + 0.55 * float(np.linalg.norm(mouth - eyes_c)) * down
    pts = np.array([[*p[n], size * _SPARSE_Z.get(n, -0.1)] for n in _SPARSE])
    # an outline: an ellipse through the temples and the chin
    c = (eyes_c + p["chin"]) / 2
    ry = float(np.linalg.norm(p["chin"] - eyes_c)) * 0.75
    rx = 0.72 * size
    ang = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    oval = c + rx * np.cos(ang)[:, None] * u + ry * np.sin(ang)[:, None] * down
    oval3 = np.concatenate([oval, np.full((16, 1), 0.15 * size)], axis=1)
    n0 = len(pts)
    pts = np.concatenate([pts, oval3])
    groups = {"oval": tuple(range(n0, n0 + 16)), "eye_outer": (_S["r_out"], _S["l_out"]),
              "r_corners": (_S["r_out"], _S["r_in"]), "r_upper": (_S["r_up"],), "r_lower": (_S["r_low"],),
              "l_corners": (_S["l_out"], _S["l_in"]), "l_upper": (_S["l_up"],), "l_lower": (_S["l_low"],),
              "upper_inner": (_S["m_r"], _S["in_up"], _S["m_l"]), "lower_inner": (_S["m_r"], _S["in_low"], _S["m_l"]),
              "lip_mid": (_S["in_up"], _S["in_low"]), "lip_outer_mid": (_S["m_up"], _S["m_low"]),
              "mouth_corners": (_S["m_r"], _S["m_l"]), "lower_lip": (_S["m_low"], _S["in_low"]), "chin": (_S["chin"],)}
    return pts, groups


# the face mesh's points that the pose model's head joints also name
_MESH_JOINTS = ((fm.NOSE_TIP, "nose"), (fm.RIGHT_EYE_CORNERS[0], "right_eye_outer"),
                (fm.LEFT_EYE_CORNERS[0], "left_eye_outer"), (fm.MOUTH_CORNERS[0], "mouth_right"),
                (fm.MOUTH_CORNERS[1], "mouth_left"))


def mesh_agrees(mesh: np.ndarray, joints: np.ndarray, visibility: np.ndarray) -> bool:
    """Whether a face mesh found on the image lies where the pose model put the eyes, nose and mouth (mean
    distance under ``MESH_AGREE`` face sizes). On cartoons and animals the face model sometimes "finds" a face
    in a muzzle or a pattern; warping by it turns half the head inside out. True when too few head joints were
    seen to judge."""
    pairs = [(i, J[n]) for i, n in _MESH_JOINTS if visibility[J[n]] >= 0.5 and np.isfinite(joints[J[n]]).all()]
    if len(pairs) < 3:
        return True
    size = float(fm.face_size(mesh))
    d = [np.linalg.norm(mesh[i, :2] - joints[k, :2]) for i, k in pairs]
    return bool(np.mean(d) < MESH_AGREE * max(size, 1e-6))


def face_rig_for(rgb: np.ndarray, joints: np.ndarray, visibility: np.ndarray,
                 mesh: np.ndarray | None = None) -> FaceRig | None:
    """The character's :class:`FaceRig`: from ``mesh`` when given (e.g. the video's own first frame when the
    image is that frame), else MediaPipe's face mesh on the image, else the sparse model from the head joints;
    None when the face can be neither found nor located (it then stays still)."""
    shape = rgb.shape[:2]
    irises = None
    if mesh is None or not np.isfinite(mesh).all():
        found = detect_face(rgb, joints, visibility)
        mesh, irises = found if found is not None and mesh_agrees(found[0], joints, visibility) else (None, None)
    if mesh is not None:
        rig = build_face_rig(mesh, "mesh", shape, irises=irises)
        if rig.size >= MIN_FACE_PX:
            return rig
        return None
    sparse = sparse_face(joints, visibility)
    if sparse is None:
        return None
    return build_face_rig(sparse[0], "joints", shape, sparse[1])


def face_finding(face: FaceRig | None, track_face: np.ndarray, image_name: str = "") -> Finding | None:
    """What the user should know about the face's animation (None when it simply works)."""
    seen = float(np.isfinite(track_face[:, 0, 0]).mean()) if len(track_face) else 0.0
    if face is None:
        return Finding("face_still", "info", "the character's face was not found (no face model match, and the "
                       "pose model did not locate its eyes and mouth): the face keeps its expression and only "
                       "the head moves.", file=image_name or None,
                       fix="use an image where the face is at least ~30 px between the eyes and seen from the front.")
    if seen < 0.5:
        return Finding("face_still", "info", f"the video's face was seen in only {seen:.0%} of the frames: "
                       "the character's expression follows it there and holds elsewhere.", measured=round(seen, 2),
                       limit=0.5)
    if face.kind == "joints":
        return Finding("face_simple", "info", "the character's face is not one the face model reads (a cartoon, "
                       "an animal or a mask): a simple eye and mouth model from its head joints is animated.",
                       file=image_name or None)
    return None


# ------------------------------------------------------------------------------------ driving the face


def _hold(x: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Frames without a measure take the last measured one (the first measured before it)."""
    if not valid.any():
        return x
    idx = np.where(valid, np.arange(len(x)), -1)
    np.maximum.accumulate(idx, out=idx)
    first = int(np.flatnonzero(valid)[0])
    idx[idx < 0] = first
    return x[idx]


@dataclass
class FaceDrive:
    """Per frame what the actor's face does, relative to its neutral (see :func:`face_drive`): ``rotation``
    [T, 3, 3] the head's yaw and pitch (no roll); ``expression`` [T, 468, 3] aligned motion in face sizes
    (mesh only);
    ``eyes`` [T, 2] lid opening (right, left) relative to the first frame's, 0 closed; ``mouth`` [T] inner-lip
    gap change in face sizes; ``width`` [T] mouth width ratio; ``angles`` [T, 3] yaw, pitch, roll (degrees);
    ``turn`` [T, 2] the yaw and pitch ``rotation`` turns by (degrees); ``gaze`` [T, 2] the eyes' look from the
    neutral's (:func:`.gaze.gaze_drive`), None where the track has no irises."""

    rotation: np.ndarray
    expression: np.ndarray | None
    eyes: np.ndarray
    mouth: np.ndarray
    width: np.ndarray
    angles: np.ndarray
    turn: np.ndarray
    gaze: np.ndarray | None = None


def turn_rotation(yaw: np.ndarray, pitch: np.ndarray) -> np.ndarray:
    """Rotations [T, 3, 3] (x right, y down, z away): yaw about the vertical, then pitch about the horizontal,
    with the signs of :func:`facemesh.head_angles`."""
    y, p = np.radians(yaw), np.radians(pitch)
    cy, sy, cp, sp = np.cos(y), np.sin(y), np.cos(p), np.sin(p)
    T = len(y)
    Ry = np.zeros((T, 3, 3))
    Ry[:, 0, 0], Ry[:, 0, 2], Ry[:, 1, 1], Ry[:, 2, 0], Ry[:, 2, 2] = cy, -sy, 1, sy, cy
    Rx = np.zeros((T, 3, 3))
    Rx[:, 0, 0], Rx[:, 1, 1], Rx[:, 1, 2], Rx[:, 2, 1], Rx[:, 2, 2] = 1, cp, sp, -sp, cp
    return Ry @ Rx


def face_drive(track_face: np.ndarray, with_expression: bool = True, neutral: str = "first",
               fps: float = 30.0) -> FaceDrive | None:
    """The actor's face motion from the track's face mesh [T, 468, 3] at ``fps``; None when no face was seen.
    ``neutral``:
    what the expression and the head's turn are measured from: "first", the first seen frame (the image is
    that frame: it shows that expression already), or "typical", the actor's usual face (each landmark's
    median over the clip, the median eye and mouth opening and head angles): a stranger's image shows its own
    resting face, and measured from a first frame caught pursing the lips or winking, the actor's ordinary
    face would widen the character's mouth or open its eye all clip long."""
    track_face = fm.bridged(track_face, fps)  # a face blurred for a moment moves on, is not frozen
    valid = np.isfinite(track_face).all(axis=(1, 2))
    if not valid.any():
        return None
    T = len(track_face)
    f = _hold(track_face.astype(np.float64), valid)
    first = f[int(np.flatnonzero(valid)[0])]

    def ref(x: np.ndarray) -> np.ndarray:
        return x[0] if neutral == "first" else np.median(x[valid], axis=0)

    ang = fm.head_angles(f)
    # the head turns from the neutral's angles too: a stranger's image shows its own head's pose, not the
    # actor's first frame's (TikTok clip 0's dancer looks 8 degrees further down there than usual: measured
    # from it, another character's face was pitched 15 degrees as she faced the camera, leaning in, at the end)
    turn = np.clip(ang[:, :2] - ref(ang[:, :2]), -MAX_TURN, MAX_TURN)
    # lids: the actor's eye opening between its open eye (a high percentile over the clip, so a first frame
    # caught mid-blink does not set it) and a closed one, which the face model reads as ~30 % of open (a wink up to
    # half: :func:`shut_reading`)
    eyes = fm.eye_opening(f)
    eyes = eyes / np.maximum(np.percentile(eyes[valid], 90, axis=0), 0.05)
    closed = shut_reading(eyes, ang[:, 0])
    eyes = np.clip((eyes - closed) / (1.0 - closed), 0.0, 1.3)
    eyes = far_eye_as_near(eyes, f, ang[:, 0])
    eyes = np.clip(eyes / np.maximum(ref(eyes), 0.3), 0.0, EYE_WIDEN)  # the image shows the neutral's eyes
    size0 = float(fm.face_size(first))
    opening, mouth_width = fm.mouth_opening(f), fm.mouth_width(f)
    read = opening - ref(opening)  # the lips' parting past the neutral's, as the face model read it
    mouth = lips_parted(read, float(ref(opening)) - float(np.percentile(opening[valid], LIPS_CLOSED)))
    width = mouth_width / max(float(ref(mouth_width)), 1e-6)
    expr = None
    if with_expression:
        stable = list(fm.STABLE)
        aligned = np.zeros_like(f)
        misfit = np.zeros(T)
        for t in range(T):
            s, R, tt = fm.similarity(f[t, stable], first[stable])
            aligned[t] = s * f[t] @ R.T + tt
            misfit[t] = float(np.linalg.norm(aligned[t, stable] - first[stable], axis=1).mean()) / size0
        _close_lips(aligned, ref(aligned), np.divide(mouth, read, out=np.ones_like(read), where=read > 1e-6))
        neutral_mesh = ref(aligned)
        expr = (aligned - neutral_mesh) / size0
        down = neutral_mesh[fm.CHIN, :2] - neutral_mesh[fm.FOREHEAD, :2]
        drop = expr[:, fm.CHIN, :2] @ (down / max(float(np.linalg.norm(down)), 1e-9))
        # the lips part a moment before the jaw drops and close a moment before it rises (TikTok clip 5, talking):
        # the chin is measured against the lips' widest gap around it
        # (as the face model read them: the chin and the lips are its own guesses, and it guesses them together)
        near = max(1, round(JAW_S * fps))
        lips = maximum_filter1d(np.maximum(read, 0.0), 2 * near + 1, mode="nearest")
        gain = expression_gain(expr, misfit, width, drop - lips, near)
        expr *= gain[:, None, None]
        width = 1.0 + (width - 1.0) * gain
        mouth = mouth * gain
    return FaceDrive(rotation=turn_rotation(turn[:, 0], turn[:, 1]), expression=expr, eyes=eyes, mouth=mouth,
                     width=width, angles=ang, turn=turn)


def shut_reading(eyes: np.ndarray, yaw: np.ndarray) -> np.ndarray:
    """[T, 2] the opening at which the face model's reading of each eye (``eyes`` [T, 2], right and left, each a
    share of that eye's open gap) is a shut eye: ``EYE_CLOSED``, up to ``WINK_CLOSED`` for an eye much narrower
    than the other one (a wink); not on a head turned from the camera (``yaw`` [T] degrees, past ``EYE_TURNED``),
    whose two eyes read unalike as they turn (TikTok clip 1's dancer in profile: both her open eyes were shut)."""
    narrower = eyes / np.maximum(eyes[:, ::-1], 1e-6)
    wink = (1.0 - smoothstep(*WINK, narrower)) * (1.0 - smoothstep(*EYE_TURNED, np.abs(yaw)))[:, None]
    return EYE_CLOSED + (WINK_CLOSED - EYE_CLOSED) * wink


def far_eye_as_near(eyes: np.ndarray, mesh: np.ndarray, yaw: np.ndarray) -> np.ndarray:
    """``eyes`` [T, 2] (right, left openings) with the far eye's taken from the near one's as the head ``yaw``
    [T] (degrees) turns past ``EYE_TURNED``; the far eye is the one the face ``mesh`` [T, 468, 3] shows narrower."""
    share = smoothstep(*EYE_TURNED, np.abs(yaw))
    if not (share > 0).any():
        return eyes
    width = np.stack([np.linalg.norm(mesh[:, a, :2] - mesh[:, b, :2], axis=1)
                      for a, b in (fm.RIGHT_EYE_CORNERS, fm.LEFT_EYE_CORNERS)], axis=1)
    near = np.where(width[:, :1] >= width[:, 1:], eyes[:, :1], eyes[:, 1:])  # [T, 1]
    out = eyes.copy()
    far = np.argmin(width, axis=1)
    rows = np.arange(len(eyes))
    out[rows, far] = eyes[rows, far] + share * (near[:, 0] - eyes[rows, far])
    return out


def lips_parted(read: np.ndarray, neutral_apart: float) -> np.ndarray:
    """How far [T] (face sizes) the character's lips part past the image's, from how far the face model ``read``
    [T] the actor's part past the neutral's, whose lips it read ``neutral_apart`` further apart than the actor's
    closed ones: past shut lips from ``LIPS_PARTED[0]``, fully from ``LIPS_PARTED[1]`` (see there); past lips
    already apart, and closing, as read."""
    apart = float(smoothstep(*LIPS_PARTED, neutral_apart))
    return np.where(read > 0, read * (apart + (1.0 - apart) * smoothstep(*LIPS_PARTED, read)), read)


def _lips(neutral: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The upper and the lower lip of the face mesh ``neutral`` [468, 3]: each as (its landmarks, on and between its
    outer and inner contours, and for each the nearest landmark of its inner contour, as an index into it)."""
    lips = []
    pairs = ((fm.UPPER_LIP_OUTER, fm.UPPER_LIP_INNER, fm.LOWER_LIP_INNER),
             (fm.LOWER_LIP_OUTER, fm.LOWER_LIP_INNER, fm.UPPER_LIP_INNER))
    for outer, inner, other in pairs:
        poly = neutral[list(outer) + list(inner)[::-1], :2]
        lo = np.floor(poly.min(axis=0)) - 2
        size = np.ceil(poly.max(axis=0) - lo).astype(int) + 3
        mask = np.zeros((size[1], size[0]), np.uint8)
        cv2.fillPoly(mask, [np.round((poly - lo) * 4).astype(np.int32)], 1, cv2.LINE_8, 2)
        at = np.clip(np.round(neutral[:, :2] - lo).astype(int), 0, size - 1)
        # (closed lips' inner contours lie on each other: the other lip's is not this one's)
        ids = np.setdiff1d(np.union1d(np.flatnonzero(mask[at[:, 1], at[:, 0]]), list(outer) + list(inner)),
                           other[1:-1])
        d = np.linalg.norm(neutral[ids, None, :2] - neutral[None, list(inner), :2], axis=2)
        lips.append((ids, np.argmin(d, axis=1)))
    return lips[0], lips[1]


def _close_lips(mesh: np.ndarray, neutral: np.ndarray, share: np.ndarray) -> None:
    """The lips of ``mesh`` [T, 468, 3] (changed in place) parted ``share`` [T] as far from the way they lie in
    ``neutral`` [468, 3] as the face model read: the lips' parting as :func:`lips_parted` takes it. Each pair of
    inner lip landmarks is moved about its middle, and each lip moves whole with its inner contour (so a misread
    parting taken back leaves no lip stretched: the line between closed lips stays a line)."""
    up, low = np.array(fm.UPPER_LIP_INNER), np.array(fm.LOWER_LIP_INNER)
    apart = mesh[:, low] - mesh[:, up]
    change = (share[:, None, None] - 1.0) * (apart - (neutral[low] - neutral[up]))
    change[:, [0, -1]] = 0.0  # the corners are shared
    (up_ids, up_near), (low_ids, low_near) = _lips(neutral)
    mesh[:, up_ids] -= 0.5 * change[:, up_near]
    mesh[:, low_ids] += 0.5 * change[:, low_near]


def turn_within_reach(drive: FaceDrive, face: FaceRig) -> FaceDrive:
    """``drive`` with the head's yaw held to what a warp of ``face``'s own pixels can show.

    A face the image shows turned away (three-quarter, profile) hides its far side: turned back towards the
    camera, the warp can only stretch the few pixels it shows of that side across the face (TikTok clip 1's
    dancer, three-quarter in the image, faces the camera later: her chin was pulled into a long jaw and her mouth
    towards her ear). Such a face turns away further freely, back towards the camera less the further it is
    turned (``TURNED_AWAY``); a face that faces the camera turns both ways. Either way, and with the pitch, only
    so far that its nose stays clear of its eyes (:func:`turn_clear_of_nose`)."""
    if face.kind != "mesh":  # the sparse model's depth is assumed, not measured
        return drive
    yaw0 = float(fm.head_angles(face.points)[0])
    far, near = TURNED_AWAY
    allowed = MAX_TURN * float(np.clip((near - abs(yaw0)) / (near - far), 0.0, 1.0))
    yaw = np.clip(drive.turn[:, 0], -allowed if yaw0 > 0 else -MAX_TURN, MAX_TURN if yaw0 > 0 else allowed)
    turn = np.stack([yaw, drive.turn[:, 1]], axis=1)
    return turn_clear_of_nose(replace(drive, turn=turn, rotation=turn_rotation(turn[:, 0], turn[:, 1])), face)


def turn_clear_of_nose(drive: FaceDrive, face: FaceRig) -> FaceDrive:
    """``drive`` with each frame's turn (yaw and pitch together) held where the ridge of ``face``'s nose comes
    within ``NOSE_CLEAR`` of its rest gap to either eye's inner corner (measured along the eye line, at that
    corner's height; ``face`` found as a mesh; the turn alone, without the expression, whose motion is its own).

    The nose is the face's nearest part: a turn moves it across the face towards the far eye, and past that
    eye's inner corner the warp folds the nose's side over the eye, drawn as the photograph's nose (lit from the
    front, no outline of its own) covering the eye along a straight seam."""
    rest = _nose_gaps(face.points[None, :, :2], face)[0]
    still = replace(drive, expression=None)

    def spare(turn: np.ndarray) -> np.ndarray:
        """[T] the least room (pixels) left to the bound by the turns [T, 2], over the eyes with a gap at rest."""
        turned = replace(still, rotation=turn_rotation(turn[:, 0], turn[:, 1]), eyes=np.ones((len(turn), 2)))
        gaps = _nose_gaps(face_targets(face, turned, np.arange(len(turn))), face) - NOSE_CLEAR * rest
        return gaps[:, rest > 0].min(axis=1, initial=np.inf)

    close = np.flatnonzero(spare(drive.turn) < 0)  # only these frames' turns are searched
    if not len(close):
        return drive
    shares = np.linspace(0.0, 1.0, NOSE_STEPS)
    room = np.stack([spare(drive.turn[close] * s) for s in shares])  # [S, frames]
    # the last share before the first too close, and the share between it and that one where the room runs out
    k = np.argmax(room < 0, axis=0)
    cols = np.arange(len(close))
    a, b = room[k - 1, cols], room[k, cols]
    share = shares[k - 1] + (shares[k] - shares[k - 1]) * np.clip(a / np.maximum(a - b, 1e-9), 0.0, 1.0)
    turn = drive.turn.copy()
    turn[close] *= share[:, None]
    return replace(drive, turn=turn, rotation=turn_rotation(turn[:, 0], turn[:, 1]))


def _nose_gaps(pts: np.ndarray, face: FaceRig) -> np.ndarray:
    """[T, 2] how far (pixels, along the eye line) the nose's ridge lies inwards of the right and the left eye's
    inner corner at that corner's height, for landmarks ``pts`` [T, N, 2]: negative once it has crossed it."""
    a, b = face.groups["eye_outer"]
    u = pts[:, b] - pts[:, a]
    u /= np.maximum(np.linalg.norm(u, axis=1), 1e-9)[:, None]
    n = np.stack([-u[:, 1], u[:, 0]], axis=1)
    ridge = pts[:, list(fm.NOSE_RIDGE)]
    gaps = []
    for side, sign in (("r", 1.0), ("l", -1.0)):
        rel = ridge - pts[:, face.groups[f"{side}_corners"][1]][:, None]
        along, across = np.einsum("tki,ti->tk", rel, u), np.einsum("tki,ti->tk", rel, n)
        a0, a1, c0, c1 = along[:, :-1], along[:, 1:], across[:, :-1], across[:, 1:]
        crosses = (c0 <= 0) != (c1 <= 0)  # the segments of the ridge passing the corner's height
        at = a0 + (a1 - a0) * np.divide(-c0, c1 - c0, out=np.zeros_like(c0), where=crosses)
        nearest = along[np.arange(len(pts)), np.argmin(np.abs(across), axis=1)]  # the ridge ends above or below
        gaps.append(sign * np.where(crosses.any(axis=1), at[np.arange(len(pts)), np.argmax(crosses, axis=1)],
                                    nearest))
    return np.stack(gaps, axis=1)


def expression_within_reach(drive: FaceDrive, face: FaceRig) -> FaceDrive:
    """``drive`` with the actor's expression scaled to what a warp of ``face``'s own pixels can show: fully on a
    face the image shows facing the camera, less the further it is turned away (``MOUTH_TURNED``), down to
    ``TURNED_EXPRESSION`` in profile, where an opened mouth has no outline to open into (the mouth still opens,
    never a smear)."""
    if face.kind != "mesh" or drive.expression is None:  # the sparse model's depth is assumed, not measured
        return drive
    yaw0 = abs(float(fm.head_angles(face.points)[0]))
    near, far = MOUTH_TURNED
    k = 1.0 - (1.0 - TURNED_EXPRESSION) * float(np.clip((yaw0 - near) / (far - near), 0.0, 1.0))
    if k >= 1.0:
        return drive
    return replace(drive, expression=drive.expression * k, mouth=drive.mouth * k,
                   width=1.0 + (drive.width - 1.0) * k)


def _soften(x: np.ndarray, knee: float, cap: float) -> np.ndarray:
    """``x`` kept up to ``knee``, then bent smoothly towards ``cap``, never past it."""
    return np.where(x <= knee, x, knee + (cap - knee) * np.tanh((x - knee) / (cap - knee)))


def _softening(x: np.ndarray, knee: float, cap: float) -> np.ndarray:
    """The gain [T] that scales ``x`` down to its :func:`_soften` ed value (1 up to ``knee``)."""
    return np.where(x > knee, _soften(x, knee, cap) / np.maximum(x, 1e-9), 1.0)


def expression_gain(expr: np.ndarray, misfit: np.ndarray, width: np.ndarray,
                    jaw_alone: np.ndarray | None = None, near: int = 1) -> np.ndarray:
    """[T] how much of the actor's aligned expression motion ``expr`` [T, N, 3] (face sizes) the character
    takes: less where the alignment is unsure (``misfit``: the stable points' mean distance after it, face
    sizes; a small, far face or a head turned and rolled far, whose mesh noise and perspective then read as
    the cheeks and jaw moving) or where the face model's mesh changes in a way no face moves (``jaw_alone``:
    how much further the chin drops than the lips part, face sizes; judged over ``near`` frames either side),
    and a big expression softened into a natural range (its largest landmark motion
    and the mouth's widening and narrowing, ``width`` the mouth width ratio): another person's laugh must not swell
    the character's face past what a face does, nor their kiss squeeze its lips into a beak. Small and medium
    expressions pass unchanged."""
    good, bad = EXPR_MISFIT
    trust = np.clip((bad - misfit) / (bad - good), 0.0, 1.0)
    if jaw_alone is not None:
        good, bad = JAW_ALONE
        # over a few frames (a face model unsure now is unsure around it), so the face never snaps between
        # the two
        jaw = minimum_filter1d(np.clip((bad - jaw_alone) / (bad - good), 0.0, 1.0), 2 * near + 1, mode="nearest")
        trust = trust * gaussian_filter1d(jaw, near, mode="nearest")
    largest = trust * np.linalg.norm(expr[:, :, :2], axis=2).max(axis=1)
    g_move = _softening(largest, EXPR_KNEE, EXPR_CAP)
    g_wide = _softening(trust * (width - 1.0), MOUTH_WIDEN[0] - 1.0, MOUTH_WIDEN[1] - 1.0)
    g_narrow = _softening(trust * (1.0 - width), 1.0 - MOUTH_NARROW[0], 1.0 - MOUTH_NARROW[1])
    return trust * np.minimum(np.minimum(g_move, g_wide), g_narrow)


def _set_lids(out: np.ndarray, rest: np.ndarray, groups: dict, ratio: np.ndarray) -> None:
    """Lid points keep their place along the eye and sit at ``ratio`` of their rest distance from the corner
    line (measured in the posed eye's own axis), so an eye closes exactly, never past itself. ``out`` [T, N, 2]
    (changed in place), ``ratio`` [T, 2] (right, left eye)."""
    for k, s in enumerate(("r", "l")):
        a, b = groups[f"{s}_corners"]
        lids = list(groups[f"{s}_upper"]) + list(groups[f"{s}_lower"])
        u0 = rest[b, :2] - rest[a, :2]
        u0 /= max(np.linalg.norm(u0), 1e-9)
        n0 = np.array([-u0[1], u0[0]])
        off = (rest[lids, :2] - rest[a, :2]) @ n0  # rest distance from the corner line
        corner = out[:, a]
        u1 = out[:, b] - corner
        u1 /= np.maximum(np.linalg.norm(u1, axis=1), 1e-9)[:, None]
        n1 = np.stack([-u1[:, 1], u1[:, 0]], axis=1)
        along = np.einsum("tli,ti->tl", out[:, lids] - corner[:, None], u1)
        # the lids meet low in the eye (the upper lid comes down over it, the lower one barely rises), not on
        # the corner line
        lo_mid = float(np.mean(off[len(groups[f"{s}_upper"]):]))
        mid = lo_mid + LID_MEET * (float(np.mean(off[:len(groups[f"{s}_upper"])])) - lo_mid)
        n_up = len(groups[f"{s}_upper"])
        share = np.concatenate([np.broadcast_to(ratio[:, k, None], (len(ratio), n_up)),
                                np.broadcast_to(np.minimum(ratio[:, k, None], 1.0), (len(ratio), len(lids) - n_up))],
                               axis=1)
        height = mid + (off - mid) * share
        out[:, lids] = corner[:, None] + along[:, :, None] * u1[:, None] + height[:, :, None] * n1[:, None]


def face_targets(face: FaceRig, drive: FaceDrive, t, char_roll: float = 0.0) -> np.ndarray:
    """Where the character's landmarks go in frame ``t`` ([N, 2], image pixels, before the head layer's rigid
    move); for frames ``t`` [T], [T, N, 2] (all in one pass: per frame, numpy's call overhead was most of the
    cost). ``char_roll``: the character face's roll minus the actor's first frame's (radians), so the
    expression's motion is turned into the character's face frame."""
    ts = np.atleast_1d(t)
    P = face.points
    size = face.size
    c = P.mean(axis=0)
    rel = np.repeat((P - c)[None], len(ts), axis=0)  # [T, N, 3]
    if face.kind == "mesh" and drive.expression is not None:
        e = drive.expression[ts] * size
        cr, sr = np.cos(char_roll), np.sin(char_roll)
        e = np.stack([cr * e[..., 0] - sr * e[..., 1], sr * e[..., 0] + cr * e[..., 1], e[..., 2]], axis=-1)
        rel = rel + e
        _unfold_lips(rel, face)
        _carry_lip_edges(rel, face)
    elif face.kind == "joints":
        g = face.groups
        down = _down(P, g)
        gap = drive.mouth[ts] * size
        for i in g["lower_lip"] + g["chin"]:
            rel[:, i, :2] += gap[:, None] * down * (0.7 if i in g["chin"] else 1.0)
        mid = P[list(g["mouth_corners"]), :2].mean(axis=0)
        for i in g["mouth_corners"]:
            rel[:, i, :2] = (P[i, :2] - mid) * drive.width[ts][:, None] + mid - c[:2]
    R = drive.rotation[ts]
    turned = (rel @ R.transpose(0, 2, 1))[..., :2]
    # yaw and pitch together tilt the eye line on screen; that tilt is already in the head layer's roll (the
    # actor's eye line, measured on screen), so the turn must not add it a second time
    a, b = face.groups["eye_outer"]
    e0, e1 = rel[:, b] - rel[:, a], turned[:, b] - turned[:, a]
    tilt = np.arctan2(e1[:, 1], e1[:, 0]) - np.arctan2(e0[:, 1], e0[:, 0])
    ct, st = np.cos(tilt), np.sin(tilt)
    back = np.stack([np.stack([ct, -st], axis=1), np.stack([st, ct], axis=1)], axis=1)
    moved = turned @ back - rel[..., :2]  # turned by -tilt
    # the head layer already follows the face's centre: the turn moves features across the face, not the face;
    # and it moves the outline less than the middle (the head's silhouette barely changes as it turns), so the
    # band between the outline and the fixed ring is never squeezed until it folds
    moved -= moved.mean(axis=1, keepdims=True)
    out = c[:2] + rel[..., :2] + moved * face.turn_weight[:, None]
    lids = [list(face.groups[f"{s}_upper"]) for s in ("r", "l")]
    before = [out[:, lid] for lid in lids]
    _set_lids(out, P, face.groups, drive.eyes[ts])
    for lid, was, (idx, share) in zip(lids, before, face.lid_carry):
        out[:, idx] += np.einsum("il,tlc->tic", share, out[:, lid] - was)
    return out if np.ndim(t) else out[0]


def _unfold_lips(rel: np.ndarray, face: FaceRig) -> None:
    """The character's inner lips moved apart where the actor's expression pushed one past the other, each lip
    whole with its inner contour (``rel`` [T, N, 3] relative to the face's centre, changed in place).

    The actor's lips closing from a neutral that has them apart (its usual face, talking) moves the character's
    inner lips towards each other by as much; a character whose image shows them shut then has its upper lip
    drawn over its lower one: the lips doubled, the mouth's outline turned inside out and filled with teeth
    (TikTok character 3 on clip 0: the lips read 0.086 face sizes closer than usual, 3 times her lips' gap).
    The lips may cross by ``LIPS_FOLD``: pressed together (a kiss, a pout), the fold draws the line between shut
    lips a little thicker; held to no crossing at all, that line was squeezed to nothing and the lips blurred
    into one (TikTok character 0 on clip 4's kiss, crossing by 1.3 px, 0.018 face sizes)."""
    down = _down(face.points, face.groups)
    up, low = np.array(fm.UPPER_LIP_INNER), np.array(fm.LOWER_LIP_INNER)
    overlap = np.maximum(-((rel[:, low, :2] - rel[:, up, :2]) @ down) - LIPS_FOLD * face.size, 0.0)  # [T, 11]
    if not overlap.any():
        return
    (up_ids, up_near), (low_ids, low_near) = face.lips
    rel[:, up_ids, :2] -= 0.5 * overlap[:, up_near, None] * down
    rel[:, low_ids, :2] += 0.5 * overlap[:, low_near, None] * down


def _carry_lip_edges(rel: np.ndarray, face: FaceRig) -> None:
    """The landmarks just outside the outer lip lines take the lips' expression motion relative to their own (by
    their share: :attr:`FaceRig.lip_carry`), so the lips' colour past the face model's line moves with the lips.
    ``rel`` [T, N, 3] the landmarks moved by the expression (relative to the face's centre), changed in place;
    the head's turn comes after (it moves the outline less than the features, and so it stays)."""
    P = face.points[:, :2]
    move = rel[..., :2] - (P - face.points[:, :2].mean(axis=0))
    push = LIP_PUSH * (LIP_CARRY[1] - LIP_CARRY[0]) * face.size
    for line, idx, share, away in face.lip_carry:
        if not len(idx):
            continue
        # the lip's move relative to the landmark's own, as much as its share takes
        carried = np.einsum("il,tlc->tic", share, move[:, line]) - move[:, idx] * share.sum(axis=1)[None, :, None]
        outward = carried @ away
        carried -= np.maximum(outward - push, 0.0)[..., None] * away
        rel[:, idx, :2] += carried


def _line_along(line: np.ndarray, u: np.ndarray, n: np.ndarray, width: float, along: np.ndarray) -> np.ndarray:
    """How far along ``n`` a lip contour (``line`` [k, 2], relative to a mouth corner) lies at each ``along``
    (shares of the mouth's ``width`` along ``u``)."""
    k = np.argsort(line @ u)
    return np.interp(along, (line @ u)[k] / width, (line @ n)[k])


def _down(P: np.ndarray, g: dict) -> np.ndarray:
    a, b = g["eye_outer"]
    u = P[b, :2] - P[a, :2]
    u /= max(np.linalg.norm(u), 1e-9)
    return np.array([-u[1], u[0]])


def char_roll_offset(face: FaceRig, track_face: np.ndarray) -> float:
    """The character face's eye-line angle minus the actor's at its first seen frame (radians)."""
    valid = np.isfinite(track_face).all(axis=(1, 2))
    if not valid.any():
        return 0.0
    first = track_face[int(np.flatnonzero(valid)[0])]
    a, b = face.groups["eye_outer"]
    dc = face.points[b, :2] - face.points[a, :2]
    da = first[fm.LEFT_EYE_CORNERS[0], :2] - first[fm.RIGHT_EYE_CORNERS[0], :2]
    return float(np.arctan2(dc[1], dc[0]) - np.arctan2(da[1], da[0]))


# ------------------------------------------------------------------------------------ drawing the face


class FaceAnimator:
    """Warps the face's box of a layer texture each frame (call :meth:`apply` before the layer is drawn).

    ``texture`` HxWx4 uint8 RGBA whose pixel (0, 0) is image pixel ``origin``; it is changed in place, always
    from a kept copy of the rest face, so frames never accumulate."""

    def __init__(self, face: FaceRig, drive: FaceDrive, texture: np.ndarray, origin: tuple[int, int],
                 char_roll: float = 0.0, drawn: bool = False) -> None:
        self.face, self.drive, self.texture, self.drawn = face, drive, texture, drawn
        ox, oy = origin
        self.origin = np.array([ox, oy], np.float64)
        h, w = texture.shape[:2]
        x0, y0, x1, y1 = face.box
        self.box = (max(0, x0 - ox), max(0, y0 - oy), min(w, x1 - ox), min(h, y1 - oy))
        bx0, by0, bx1, by1 = self.box
        self.valid = bx1 - bx0 >= 8 and by1 - by0 >= 8
        self.rest_patch = texture[by0:by1, bx0:bx1].copy() if self.valid else None
        self.char_roll = char_roll
        self.memo = WarpMemo()
        self._block: tuple[int, np.ndarray, np.ndarray] | None = None  # (first frame, landmarks, orders)
        self.rest = np.concatenate([face.points[:, :2], face.ring]) - self.origin
        self.ring_z = np.full(len(face.ring), np.inf)
        g = face.groups
        self.mouth_poly = list(g["upper_inner"]) + list(g["lower_inner"])[::-1][1:-1]
        a, b = g["lip_mid"]
        self.rest_gap = float(np.linalg.norm(face.points[a, :2] - face.points[b, :2]))
        ua, lb = g["lip_outer_mid"]
        self.lip_rim = max(1.5, 0.5 * float(np.linalg.norm(face.points[ua, :2] - face.points[a, :2])
                                            + np.linalg.norm(face.points[lb, :2] - face.points[b, :2])))
        self.teeth = self._rest_teeth() if self.valid else None
        self.new_teeth = (self._teeth_colour() if self.valid and self.teeth is None and face.kind == "mesh"
                          and not drawn else None)
        self.cavity = (self._ink() if drawn else self._cavity_colours()) if self.valid else None
        self.lids = self._closed_eyes() if self.valid else None
        self.shut_teeth = self._closed_teeth() if self.teeth is not None else None
        self.openings = self._openings() if self.valid else None
        self.ahead = self._ahead()

    def targets(self, t) -> np.ndarray:
        """Landmarks of frame ``t`` (image pixels); of frames ``t`` [T]: [T, N, 2]."""
        return face_targets(self.face, self.drive, np.minimum(t, len(self.drive.eyes) - 1), self.char_roll)

    def _posed(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Frame ``t``'s landmarks and its triangles' drawing order, far ones first (where the turned face folds,
        its nearer side covers the farther one), worked out for :data:`FRAMES_AT_ONCE` frames at once."""
        first = t - t % FRAMES_AT_ONCE
        if self._block is None or self._block[0] != first:
            ts = np.minimum(np.arange(first, first + FRAMES_AT_ONCE), len(self.drive.eyes) - 1)
            pts = self.targets(ts)
            turned = (self.face.points - self.face.points.mean(axis=0)) @ self.drive.rotation[ts, 2].T  # [N, T]
            depth = np.concatenate([turned.T, np.broadcast_to(self.ring_z, (len(ts), len(self.ring_z)))], axis=1)
            order = np.argsort(-np.nan_to_num(depth[:, self.face.triangles].mean(axis=2), posinf=1e9), axis=1,
                               kind="stable")
            self._block = (first, pts, order)
        return self._block[1][t - first], self._block[2][t - first]

    def apply(self, t: int) -> None:
        if not self.valid:
            return
        pts, order = self._posed(t)
        posed = np.concatenate([pts - self.origin, self.rest[len(pts):]])
        look = self._look(t)
        if self.memo.same("face", pts, order, look):  # a held face is not warped again
            return
        x0, y0, x1, y1 = self.box
        mapx, mapy = source_maps(self.rest, posed, self.face.triangles, self.box, order)
        mapx -= x0
        mapy -= y0
        ratio = self.drive.eyes[min(t, len(self.drive.eyes) - 1)]
        shut = np.clip((LID_SHUT_FROM - ratio) / (LID_SHUT_FROM - LID_SHUT_AT), 0.0, 1.0)
        slit = np.clip((2 * LID_SHUT_AT - ratio) / LID_SHUT_AT, 0.0, 1.0)
        self._lid_over_eyes(mapx, mapy, pts - self.origin - np.array([x0, y0]), 1.0 - slit)
        self._look_at(mapx, mapy, pts - self.origin - np.array([x0, y0]), look * (1.0 - shut)[:, None])
        source = self.rest_patch
        if self.lids is not None and shut.max() > 0:
            closed, margins, openings = self.lids
            w = (np.tensordot(shut, margins, axes=1) + np.tensordot(slit, openings, axes=1))[:, :, None]
            source = self.rest_patch.copy()
            source[:, :, :3] = np.clip(self.rest_patch[:, :, :3] * (1 - w) + closed * w + 0.5, 0, 255)
        a, b = self.face.groups["lip_mid"]
        closing = (TEETH_SHUT[0] * self.rest_gap - float(np.linalg.norm(pts[a] - pts[b]))) / (
            (TEETH_SHUT[0] - TEETH_SHUT[1]) * max(self.rest_gap, 1e-6))
        if self.shut_teeth is not None and closing > 0:
            lips, where = self.shut_teeth
            w = (min(closing, 1.0) * where)[:, :, None]
            source = source.copy()
            source[:, :, :3] = np.clip(source[:, :, :3] * (1 - w) + lips * w + 0.5, 0, 255)
        patch = cv2.remap(source, mapx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        self._mouth(patch, pts - self.origin - np.array([x0, y0]))
        self.texture[y0:y1, x0:x1] = patch

    def _look(self, t: int) -> np.ndarray:
        """[2 eyes, 2] where each eye looks at frame ``t``: ahead (:meth:`_ahead`) moved by the actor's gaze
        (:attr:`FaceDrive.gaze`; none without it)."""
        if self.openings is None:
            return np.zeros((2, 2))
        if self.drive.gaze is None:
            return self.ahead
        return self.ahead + self.drive.gaze[min(t, len(self.drive.gaze) - 1)]

    def _look_at(self, mapx: np.ndarray, mapy: np.ndarray, pts: np.ndarray, look: np.ndarray) -> None:
        """Each eye looks ``look`` [2 eyes, 2] (the actor's gaze, eye widths; none as it shuts: the lid's skin and
        lashes painted over the opening stay still): the maps (patch pixels, changed in place) read the eye's image
        moved inside its opening (:meth:`.gaze.EyeOpening.gazed`, a warp of the image's own pixels that leaves all
        beyond the opening and its margin where they are), after the lids' warp, so a closing lid covers the moved
        iris as it covered the still one. ``pts`` the posed landmarks in patch pixels."""
        if not look.any():
            return
        h, w = mapx.shape
        for side, eye, eye_look in zip(("r", "l"), self.openings, look):
            if not eye_look.any():
                continue
            poly = self._eye_outline(side, pts)
            pad = int(np.ceil(eye.reach * 1.5)) + 2  # the margin, as the pose may have scaled it
            lo = np.maximum(np.floor(poly.min(axis=0)).astype(int) - pad, 0)
            hi = np.minimum(np.ceil(poly.max(axis=0)).astype(int) + pad + 1, (w, h))
            if (hi - lo < 2).any():
                continue
            region = (slice(lo[1], hi[1]), slice(lo[0], hi[0]))
            mapx[region], mapy[region] = eye.gazed(mapx[region], mapy[region], eye_look)

    def _openings(self) -> tuple[EyeOpening, EyeOpening] | None:
        """Both eyes' openings (right, left) at rest in patch pixels, for the actor's gaze to move them; None on a
        face not found as a mesh (a sparse model has no lids to keep the iris between) or with an eye narrower than
        ``GAZE_MIN_EYE``: it keeps its gaze."""
        if self.face.kind != "mesh":
            return None
        rest = self.rest[:len(self.face.points)] - np.array(self.box[:2])
        g = self.face.groups
        a, b = g["eye_outer"]
        out = []
        for side in ("r", "l"):
            eye = EyeOpening(rest[list(g[f"{side}_corners"])], rest[list(g[f"{side}_upper"])],
                             rest[list(g[f"{side}_lower"])], rest[b] - rest[a], GAZE_MARGIN[int(self.drawn)])
            if eye.width < GAZE_MIN_EYE:
                return None
            out.append(eye)
        return out[0], out[1]

    def _lid_over_eyes(self, mapx: np.ndarray, mapy: np.ndarray, pts: np.ndarray, share: np.ndarray) -> None:
        """Inside each eye's posed opening, the eye as it lies (moved with its corners, not squeezed between its
        lids): the closing lid covers it from above, so a half-closed eye shows the lower half of its iris
        under the lashes, not the whole iris squashed flat. ``mapx``/``mapy`` (patch pixels) changed in place,
        ``pts`` the posed landmarks in patch pixels, ``share`` [2] how much of it each eye takes: none once it
        is a slit (its outline's soft edge would show the iris's middle along the closed lid)."""
        x0, y0 = self.box[:2]
        rest = self.rest[:len(self.face.points)] - np.array([x0, y0])
        h, w = mapx.shape
        for side, part in zip(("r", "l"), share):
            a, b = self.face.groups[f"{side}_corners"]
            poly = self._eye_outline(side, pts)
            if part <= 0:
                continue
            lo = np.maximum(np.floor(poly.min(axis=0)).astype(int) - 1, 0)
            hi = np.minimum(np.ceil(poly.max(axis=0)).astype(int) + 2, (w, h))
            if (hi - lo < 2).any():
                continue
            inside = np.zeros((hi[1] - lo[1], hi[0] - lo[0]), np.uint8)
            cv2.fillPoly(inside, [np.round((poly - lo) * 16).astype(np.int32)], 255, cv2.LINE_AA, 4)
            m = inside.astype(np.float32) * (float(part) / 255.0)
            # the similarity taking the posed corners onto the rest ones (complex numbers: z -> ra + (z - pa) k)
            pa, pb = complex(*pts[a, :2]), complex(*pts[b, :2])
            ra, rb = complex(*rest[a, :2]), complex(*rest[b, :2])
            if abs(pb - pa) < 1e-6:
                continue
            k = (rb - ra) / (pb - pa)
            xs = np.arange(lo[0], hi[0], dtype=np.float32)[None, :] - pa.real
            ys = np.arange(lo[1], hi[1], dtype=np.float32)[:, None] - pa.imag
            sx = ra.real + k.real * xs - k.imag * ys
            sy = ra.imag + k.imag * xs + k.real * ys
            region = (slice(lo[1], hi[1]), slice(lo[0], hi[0]))
            mapx[region] += m * (sx - mapx[region])
            mapy[region] += m * (sy - mapy[region])

    def _ahead(self) -> np.ndarray:
        """[2 eyes, 2] how far (eye widths; along, across: downwards) each eye's image is moved in its opening
        (:meth:`.gaze.EyeOpening.gazed`) for its iris, looking up in the image, to look ahead (see ``GAZE_LOW``);
        both eyes alike (they look together); zero without irises, without the openings, and on a drawn face."""
        ahead = np.zeros((2, 2))
        if self.face.irises is None or self.openings is None or self.drawn:  # a drawn eye's gaze is the artist's
            return ahead
        irises = self.face.irises - self.origin - np.array(self.box[:2])
        high = np.mean([eye.below(iris) for eye, iris in zip(self.openings, irises)]) - GAZE_LOW
        ahead[:, 1] = np.clip(high, 0.0, GAZE_REACH)
        return ahead

    def _eye_outline(self, side: str, pts: np.ndarray) -> np.ndarray:
        """One eye's opening as a polygon: outer corner, upper lid, inner corner, lower lid back."""
        g = self.face.groups
        a, b = g[f"{side}_corners"]
        return pts[[a, *g[f"{side}_upper"], b, *g[f"{side}_lower"][::-1]], :2]

    def _closed_eyes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(the rest patch's RGB with both eyes' openings painted in their lids' skin [h, w, 3] float32, each
        eye's soft masks [2, h, w] of its opening's margins below the upper lid and of the opening), or None
        when the eyes are too small.

        A closing eye collapses its opening's triangles, but the white showing just outside the lid landmarks
        remains and is stretched: painting the opening in the lid's skin (sampled above the lashes, filled in
        from the skin around it so it keeps its shading) leaves skin wherever the warp squeezes it. The lashes
        and liner above the upper lid are not painted over: they come down with the lid (:attr:`FaceRig.lid_carry`);
        a cross-fade of them into skin showed as a pale ghost of the lashes above the closed lid."""
        x0, y0 = self.box[:2]
        rest = self.rest[:len(self.face.points)] - np.array([x0, y0])
        h, w = self.rest_patch.shape[:2]
        rgb = self.rest_patch[:, :, :3].astype(np.float32)
        closed = rgb.copy()
        masks = np.zeros((2, h, w), np.float32)
        openings = np.zeros((2, h, w), np.float32)
        for k, side in enumerate(("r", "l")):
            poly = self._eye_outline(side, rest)
            a, b = self.face.groups[f"{side}_corners"]
            u = rest[b, :2] - rest[a, :2]
            width = float(np.linalg.norm(u))
            if width < 4:
                return None
            u /= width
            n = np.array([-u[1], u[0]])
            up = -n if float((rest[list(self.face.groups[f"{side}_upper"]), :2] - rest[a, :2]).mean(axis=0) @ n) < 0 \
                else n  # towards the upper lid (image y grows downwards)
            height = max(float(np.ptp((poly - poly.mean(axis=0)) @ n)), 0.15 * width)
            eye = np.zeros((h, w), np.uint8)
            cv2.fillPoly(eye, [np.round(poly * 4).astype(np.int32)], 255, cv2.LINE_AA, 2)
            r = max(1, int(round(LID_MARGIN * height)))
            eye = cv2.dilate(eye, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
            # the lid's skin: a band above the upper lid, clear of the lashes; its median, lit like the band
            band = np.zeros((h, w), np.uint8)
            upper = rest[[a, *self.face.groups[f"{side}_upper"], b], :2]
            lo, hi = (upper + up * f * height for f in LID_SKIN)
            cv2.fillPoly(band, [np.round(np.concatenate([lo, hi[::-1]])).astype(np.int32)], 1)
            band &= eye == 0
            if self.rest_patch.shape[2] == 4:
                band &= self.rest_patch[:, :, 3] > 127
            if band.sum() < 4:
                return None
            skin = np.median(rgb[band > 0], axis=0)
            zone = np.zeros((h, w), np.uint8)
            cv2.fillPoly(zone, [np.round(np.concatenate([upper, lo[::-1]])).astype(np.int32)], 1)
            lashes = (zone > 0) & (eye == 0) & (rgb @ LUMA < LASH_DARK * float(skin @ LUMA))
            opening = np.clip(cv2.GaussianBlur(eye.astype(np.float32) / 255.0, (0, 0), max(0.8, 0.5 * r)) * 1.5,
                              0.0, 1.0)
            # below the upper lid (and past the corners) only: what lies above it comes down with the lid
            below = np.zeros((h, w), np.uint8)
            line = np.concatenate([upper[:1] - 2 * r * u, upper, upper[-1:] + 2 * r * u])
            cv2.fillPoly(below, [np.round(np.concatenate([line, line[::-1] - 4 * height * up]) * 4).astype(np.int32)],
                         255, cv2.LINE_AA, 2)
            # filled in from the skin around the eye and its lashes (keeps its shading, takes none of their
            # darkness), pulled half-way to the lid's own colour
            fill_from = (eye > 0) | cv2.dilate(lashes.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
            around = cv2.inpaint(np.ascontiguousarray(self.rest_patch[:, :, :3]), fill_from.astype(np.uint8),
                                 max(2.0, r), cv2.INPAINT_TELEA).astype(np.float32)
            # the opening itself is covered by the lid (:meth:`_lid_over_eyes`) until it is a slit, its margins fade
            inner = np.zeros((h, w), np.uint8)
            cv2.fillPoly(inner, [np.round(poly * 4).astype(np.int32)], 255, cv2.LINE_AA, 2)
            inner = cv2.erode(inner, np.ones((3, 3), np.uint8)).astype(np.float32) / 255.0
            masks[k] = opening * (below.astype(np.float32) / 255.0) * (1.0 - inner)
            openings[k] = opening * (below.astype(np.float32) / 255.0) * inner
            fill = around + 0.5 * opening[:, :, None] * (skin - around)
            whole = (masks[k] + openings[k])[:, :, None]
            closed = closed * (1 - whole) + fill * whole
        return closed, masks, openings

    def _rest_teeth(self) -> RestTeeth | None:
        """The teeth the image shows in its open mouth, or None: bright, greyish pixels inside the rest inner lips.
        The upper row hangs from the upper jaw, the lower row (teeth below a gap between the two:
        :meth:`_lower_row`) stands on the lower one: when the mouth opens further each moves with its own lip, so
        a dropped jaw shows the gap between them widen."""
        if self.rest_gap < TEETH_MIN_GAP:
            return None
        x0, y0 = self.box[:2]
        poly = self.rest[self.mouth_poly] - np.array([x0, y0])
        lo = np.maximum(np.floor(poly.min(axis=0)).astype(int) - 3, 0)
        hi = np.minimum(np.ceil(poly.max(axis=0)).astype(int) + 4, self.rest_patch.shape[1::-1])
        if (hi - lo < 3).any():
            return None
        mask = np.zeros((hi[1] - lo[1], hi[0] - lo[0]), np.uint8)
        cv2.fillPoly(mask, [np.round((poly - lo) * 16).astype(np.int32)], 255, cv2.LINE_AA, 4)
        # the face model's inner lip line often runs along the teeth's edge: look a little beyond it
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
        rgb = self.rest_patch[lo[1]:hi[1], lo[0]:hi[0], :3]
        hsv = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2HSV).astype(np.float32)
        # teeth: clearly brighter than the lips around the mouth, and not saturated like lips or gums
        lips = float(np.median(hsv[..., 2][mask == 0])) if (mask == 0).any() else 128.0
        tooth = (hsv[..., 2] > max(110.0, 0.85 * lips)) & (hsv[..., 1] < 110) & (mask > 0)
        if tooth.sum() < 4:
            return None
        lower = self._lower_row(tooth, lo, hi)
        m = mask.astype(np.float32) / 255.0
        # and what lies between each row and its lip (the teeth's shaded edge, the gum): the jaw's, carried with
        # it, so no dark gap opens between the lip and the teeth
        upper = np.maximum.accumulate((m * (tooth & ~lower))[::-1], axis=0)[::-1] * m
        lower = np.maximum.accumulate(m * lower, axis=0) * m
        upper, lower = (cv2.GaussianBlur(a, (3, 3), 0) for a in (upper, lower))
        return RestTeeth(rgb.astype(np.float32), upper, lower, (m * tooth).astype(np.float32), lo.astype(np.float64))

    def _lower_row(self, tooth: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """[h, w] of the patch's box ``lo``-``hi`` around the mouth: which of the ``tooth`` pixels are the lower
        row's, those below a gap between the rows; none when the image shows no such gap.

        The gap is a band of the opening at one depth all across the teeth (depth: the share of the way from the
        upper inner lip to the lower one), with teeth in few columns (``BITE_GAP[0]``) and teeth in many above
        and below it (``BITE_GAP[1]``): a single column's dark pixel (the shadow between two teeth, a tooth's
        darker tip) is no gap, and its teeth below it no lower row (split column by column, a smile's upper teeth
        were torn into blocks as the mouth opened: skimage's astronaut)."""
        x0, y0 = self.box[:2]
        g = self.face.groups
        xs = np.arange(lo[0], hi[0], dtype=np.float64)
        top, bottom = (_line_along(self.rest[list(g[k])] - np.array([x0, y0]), np.array([1.0, 0.0]),
                                  np.array([0.0, 1.0]), 1.0, xs) for k in ("upper_inner", "lower_inner"))
        depth = (np.arange(lo[1], hi[1], dtype=np.float64)[:, None] - top) / np.maximum(bottom - top, 1.0)
        cols = tooth.any(axis=0) & (bottom - top >= TEETH_MIN_GAP)
        inside = (depth >= 0) & (depth < 1) & cols[None, :]
        bins = np.minimum((depth[inside] * BITE_BINS).astype(int), BITE_BINS - 1)
        seen = np.bincount(bins, minlength=BITE_BINS)
        share = np.bincount(bins, weights=tooth[inside], minlength=BITE_BINS) / np.maximum(seen, 1)
        gap = int(np.argmin(np.where(seen > 0, share, 1.0)))
        few, many = BITE_GAP
        if share[gap] > few or share[:gap].max(initial=0.0) < many or share[gap + 1:].max(initial=0.0) < many:
            return np.zeros_like(tooth)
        return tooth & (depth > (gap + 1) / BITE_BINS)

    def _closed_teeth(self) -> tuple[np.ndarray, np.ndarray]:
        """(the rest patch's RGB with the image's teeth painted in the lips around them [h, w, 3] float32, where
        [h, w]): a mouth closing further than the image's squeezes its teeth into a bright, jagged line between
        the lips (TikTok character 4, smiling in the image, driven by her own clip's closed mouth); closed lips
        cover them."""
        teeth = self.teeth
        where = np.zeros(self.rest_patch.shape[:2], np.float32)
        (lx, ly), (th, tw) = teeth.corner.astype(int), teeth.bright.shape
        where[ly:ly + th, lx:lx + tw] = teeth.bright
        where = cv2.dilate(where, np.ones((3, 3), np.uint8))  # their soft edges too
        lips = cv2.inpaint(np.ascontiguousarray(self.rest_patch[:, :, :3]), (where > 0.1).astype(np.uint8), 3.0,
                           cv2.INPAINT_TELEA).astype(np.float32)
        return lips, cv2.GaussianBlur(where, (3, 3), 0)

    def _teeth_colour(self) -> np.ndarray | None:
        """RGB of teeth for a face whose image shows none: off-white, lit and tinted like the face's skin (the
        median of its opaque pixels inside the face's outline); None for a face without lips (grey where its
        lips would be: a robot's, where the face model still finds a face), which keeps a mouth's dark inside
        only."""
        x0, y0 = self.box[:2]
        oval = self.rest[list(self.face.groups["oval"])] - np.array([x0, y0])
        inside = np.zeros(self.rest_patch.shape[:2], np.uint8)
        cv2.fillPoly(inside, [np.round(oval).astype(np.int32)], 1)
        if self.rest_patch.shape[2] == 4:
            inside &= self.rest_patch[:, :, 3] > 127
        skin = np.median(self.rest_patch[:, :, :3][inside > 0].astype(np.float64), axis=0) if inside.sum() >= 16 \
            else np.array([200.0, 160.0, 140.0])
        lips = self._lip_colour()
        if lips is None or np.ptp(lips) < TEETH_LIPS * max(float(lips.max()), 1.0):
            return None
        gain, lo, hi = TEETH_LUMA
        luma = float(np.clip(gain * float(skin @ LUMA), lo, hi))
        hue = (1 - TEETH_TINT) * TEETH_RGB / float(TEETH_RGB @ LUMA) + TEETH_TINT * skin / max(float(skin @ LUMA), 1.0)
        return np.clip(hue * luma, 0.0, 255.0)

    def _new_teeth(self, region: np.ndarray, pts: np.ndarray, box: tuple[int, int, int, int], inside: np.ndarray,
                   strength: float) -> np.ndarray:
        """``region`` (the mouth's box, float RGB) with upper teeth painted under the upper inner lip, within
        ``inside`` [h, w] (the lips' opening, soft), as opaque as ``strength``, once the lips part far enough to
        show them and never down to the lower lip (``TEETH_SHOW``, ``TEETH_FILL``); a wide-open mouth also shows the
        lower row's edge over the lower lip (``TEETH_LOWER``), never touching the upper row."""
        x0, y0, x1, y1 = box
        g = self.face.groups
        gap = float(np.linalg.norm(pts[g["lip_mid"][1]] - pts[g["lip_mid"][0]]))
        show = float(smoothstep(*TEETH_SHOW, (gap - self.rest_gap) / self.face.size))
        up, low = pts[list(g["upper_inner"])], pts[list(g["lower_inner"])]
        a, b = up[0], up[-1]
        u = b - a
        width = float(np.linalg.norm(u))
        if width < 4 or show <= 0:
            return region
        u /= width
        n = np.array([-u[1], u[0]])
        if float(((low - a) @ n).sum()) < 0:
            n = -n  # down, towards the lower lip
        xs = np.arange(x0, x1, dtype=np.float64)[None, :] - a[0]
        ys = np.arange(y0, y1, dtype=np.float64)[:, None] - a[1]
        along = (xs * u[0] + ys * u[1]) / width  # 0 at one corner, 1 at the other
        depth = xs * n[0] + ys * n[1]
        below = depth - _line_along(up - a, u, n, width, along)  # pixels under the upper inner lip
        above = _line_along(low - a, u, n, width, along) - depth  # ... over the lower inner lip
        tall = TEETH_TALL * self.face.size
        side = np.abs(along - 0.5) * 2.0  # 0 in the middle, 1 at the corners
        across = np.clip((1.0 - side) / (1.0 - TEETH_SIDE), 0.0, 1.0)
        height = np.minimum(tall, TEETH_FILL * (below + above))  # the lips' gap in each column is below + above
        band = np.clip(height - below + 0.5, 0.0, 1.0) * across * inside
        shade = (1.0 - 0.45 * side ** 2) * (0.8 + 0.2 * np.clip(below / max(0.3 * tall, 1.0), 0.0, 1.0))
        gaps = np.abs((along - 0.5)[..., None] - TEETH_GAPS).min(axis=-1) * width  # pixels to the nearest
        shade = shade * (1.0 - 0.12 * np.exp(-(gaps / 0.7) ** 2))
        # the lower row: shorter, narrower and in the upper row's shadow, rising over the lower lip as the jaw drops
        # past the upper row (with a gap between them)
        low_tall, side_from, side_to, low_shade, (start, full) = TEETH_LOWER
        rise = float(np.clip((gap / tall - start) / (full - start), 0.0, 1.0)) * low_tall * tall
        if rise > 0:
            lower = (np.clip(rise - above + 0.5, 0.0, 1.0) * np.clip(below - height - 1.0, 0.0, 1.0)
                     * np.clip((side_to - side) / (side_to - side_from), 0.0, 1.0) * inside)
            over = lower > band
            band = np.maximum(band, lower)
            shade = np.where(over, low_shade * (1.0 - 0.45 * side ** 2), shade)
        alpha = (band * min(1.0, 2.0 * strength) * show)[:, :, None]  # solid well before the inside is
        return region * (1 - alpha) + (self.new_teeth * shade[:, :, None]) * alpha

    def _cavity_colours(self) -> tuple[np.ndarray, np.ndarray]:
        """(deep, tongue) RGB of the mouth's inside, from the image's lips (:meth:`_lip_colour`), darkened."""
        lips = self._lip_colour()
        if lips is None:
            lips = DEFAULT_LIP_RGB
        deep = lips * CAVITY_DEEP
        deep = 0.5 * (deep + CAVITY_RGB * (float(deep @ LUMA) / float(CAVITY_RGB @ LUMA)))
        deep *= np.clip(float(deep @ LUMA), *CAVITY_LUMA) / max(float(deep @ LUMA), 1e-6)
        return deep, deep * (CAVITY_TONGUE / CAVITY_DEEP)

    def _ink(self) -> tuple[np.ndarray, np.ndarray]:
        """(deep, tongue) of a drawn face's opened mouth: both its own darkest colour (a flat shape, as drawn)."""
        x0, y0 = self.box[:2]
        mask = face_mask(self.rest_patch.shape[:2], self.rest[list(self.face.groups["oval"])] - np.array([x0, y0]))
        if self.rest_patch.shape[2] == 4:
            mask &= self.rest_patch[:, :, 3] > 127
        ink = ink_colour(self.rest_patch[:, :, :3], mask)
        return ink, ink

    def _lip_colour(self) -> np.ndarray | None:
        """RGB of the image's lips: the median colour of a band around the rest inner lip line (the lips, on a
        closed or slightly open mouth), or None where it cannot be read."""
        x0, y0 = self.box[:2]
        poly = self.rest[self.mouth_poly] - np.array([x0, y0])
        band = max(2, round(0.05 * self.face.size))
        lo = np.maximum(np.floor(poly.min(axis=0)).astype(int) - band - 1, 0)
        hi = np.minimum(np.ceil(poly.max(axis=0)).astype(int) + band + 2, self.rest_patch.shape[1::-1])
        if (hi - lo < 3).any():
            return None
        inner = np.zeros((hi[1] - lo[1], hi[0] - lo[0]), np.uint8)
        cv2.fillPoly(inner, [np.round(poly - lo).astype(np.int32)], 1)
        cv2.polylines(inner, [np.round(poly - lo).astype(np.int32)], True, 1)
        ring = cv2.dilate(inner, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * band + 1,) * 2)) > inner
        px = self.rest_patch[lo[1]:hi[1], lo[0]:hi[0]]
        if px.shape[2] == 4:
            ring &= px[:, :, 3] > 127
        if ring.sum() < 8:
            return None
        return np.median(px[:, :, :3][ring].astype(np.float64), axis=0)

    def _within_outline(self, patch: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
        """[h, w] of ``box`` in ``patch``: 1 where the face's pixels reach at least one and a half lips' thickness
        further out (to the layer's outline, warped with the face), falling to 0 half a lip's thickness from it.

        A face seen from the side shows its lips' front on its outline: an opened mouth's inside drawn up to the
        outline (the face model puts the far half of the lips there) reads as a dark smear through the face's
        edge, and on its soft, half-transparent rim over the background. The lips' front stays lips."""
        x0, y0, x1, y1 = box
        if patch.shape[2] < 4:
            return np.ones((y1 - y0, x1 - x0), np.float32)
        pad = int(np.ceil(2 * self.lip_rim)) + 1
        px0, py0 = max(0, x0 - pad), max(0, y0 - pad)
        px1, py1 = min(patch.shape[1], x1 + pad), min(patch.shape[0], y1 + pad)
        opaque = (patch[py0:py1, px0:px1, 3] > 127).astype(np.uint8)
        dist = cv2.distanceTransform(opaque, cv2.DIST_L2, 3)[y0 - py0:y1 - py0, x0 - px0:x1 - px0]
        return np.clip(dist / self.lip_rim - 0.5, 0.0, 1.0).astype(np.float32)

    def _mouth(self, patch: np.ndarray, pts: np.ndarray) -> None:
        """Between lips parted further than the image's own: a dark red-brown inside, framed by the lips, as
        opaque as the share of the gap that is new (a slightly parted mouth still shows its lips' inner skin),
        and the image's own teeth (if it shows any) moved with the upper lip. A drawn face's (``drawn``): a flat
        shape in its own ink (:mod:`.face_style`), solid, no teeth painted."""
        a, b = self.face.groups["lip_mid"]
        gap = float(np.linalg.norm(pts[a] - pts[b]))
        strength = float(np.clip((gap - self.rest_gap - 0.5) / max(gap, 1e-6), 0.0, 1.0))
        if strength <= 0.02:
            return
        poly = pts[self.mouth_poly]
        x0, y0 = np.floor(poly.min(axis=0)).astype(int) - 2
        x1, y1 = np.ceil(poly.max(axis=0)).astype(int) + 3
        x0, y0 = max(0, x0), max(0, y0)
        x1, y1 = min(patch.shape[1], x1), min(patch.shape[0], y1)
        if x1 - x0 < 2 or y1 - y0 < 2:
            return
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillPoly(mask, [np.round((poly - [x0, y0]) * 16).astype(np.int32)], 255, cv2.LINE_AA, 4)
        # the lips' inner surface darkens into the inside over the rim; dark under the upper jaw, lighter
        # towards the lower middle (the tongue)
        inside = cv2.distanceTransform((mask > 127).astype(np.uint8), cv2.DIST_L2, 3)
        depth = np.clip(inside / max(CAVITY_RIM * gap, 1.0), 0.0, 1.0)
        ys = np.arange(y0, y1, dtype=np.float64)[:, None]
        top, bottom = float(poly[:, 1].min()), float(poly[:, 1].max())
        low = np.clip((ys - top) / max(bottom - top, 1.0), 0.0, 1.0) ** 2
        light = (low * depth)[:, :, None]
        deep, tongue = self.cavity
        colour = deep + (tongue - deep) * light
        edge = cv2.GaussianBlur(mask, (3, 3), 0).astype(np.float32) / 255.0
        within = self._within_outline(patch, (x0, y0, x1, y1))
        edge = edge * within
        # a mouth open on teeth in the image has no lips' inner skin between them to show: what the warp
        # stretched across the gap there is the teeth, drawn again below; the inside covers it as they are
        solid = min(1.0, 2.0 * strength)
        if self.drawn:  # drawn art's open mouth: a flat shape of its ink, solid as soon as it opens
            share = edge * solid
        else:
            share = edge * (0.35 + 0.65 * depth) * (strength if self.teeth is None else solid)
        m = share.astype(np.float32)[:, :, None]
        region = patch[y0:y1, x0:x1, :3].astype(np.float32)
        region = region * (1 - m) + colour * m
        if self.teeth is not None:
            # the image's teeth, each row moved as its lip's middle moved, inside the lips only
            rgb, lo = self.teeth.rgb, self.teeth.corner
            near = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))  # as found
            for alpha, lip in ((self.teeth.upper, "upper_inner"), (self.teeth.lower, "lower_inner")):
                if not alpha.any():
                    continue
                ids = list(self.face.groups[lip])[1:-1]  # (the corners do not move with the jaw)
                shift = (pts[ids] - (self.rest[ids] - np.array(self.box[:2]))).mean(axis=0)
                M = np.float32([[1, 0, lo[0] + shift[0] - x0], [0, 1, lo[1] + shift[1] - y0]])
                size = (x1 - x0, y1 - y0)
                t_rgb = cv2.warpAffine(rgb, M, size, flags=cv2.INTER_LINEAR, borderValue=0)
                t_a = cv2.warpAffine(alpha, M, size, flags=cv2.INTER_LINEAR, borderValue=0)[:, :, None]
                # opaque well before the inside is: teeth are solid (at the inside's share they were a grey ghost
                # over it as the mouth opened, character 4 driven by clip 5)
                t_a = t_a * (near.astype(np.float32)[:, :, None] / 255.0) * solid * within[:, :, None]
                region = region * (1 - t_a) + t_rgb * t_a
        elif self.new_teeth is not None:
            region = self._new_teeth(region, pts, (x0, y0, x1, y1), edge, strength)
        patch[y0:y1, x0:x1, :3] = np.clip(region + 0.5, 0, 255).astype(np.uint8)


def face_animator(rig: Rig, track: PoseTrack, image_name: str = "") -> tuple[FaceAnimator | None, Finding | None]:
    """The animator for ``rig``'s head layer driven by ``track``'s face mesh, and what to tell the user.

    When the rig's skeleton was taken from the video's own first frame (the image is that frame), the
    character's landmarks are that frame's mesh too (no second, slightly different measurement)."""
    # the layer that holds the head's pixels (a drape is skinned to the head bone too, but holds no face)
    layer = next((ly for ly in rig.layers if "head" in LAYERS.get(ly.name, ())), None)
    own = rig.meta.get("skeleton") == "video frame 0"  # the image is the video's first frame
    drive = face_drive(track.face, neutral="first" if own else "typical", fps=track.fps)
    if layer is None or rig.image is None:
        return None, None
    mesh = None
    if own and np.isfinite(track.face[0]).all():
        mesh = track.face[0].astype(np.float64) * (rig.width / track.width)
    face = face_rig_for(rig.image, rig.joints, rig.visibility, mesh)
    if own and face is not None:  # the first frame's gaze is the actor's (its mesh may be missing: then it is found)
        face = replace(face, irises=None)
    finding = face_finding(face, track.face, image_name)
    if face is None or drive is None:
        return None, finding
    drive = expression_within_reach(turn_within_reach(drive, face), face)
    drive = replace(drive, gaze=gaze_drive(track.face, track.irises, track.fps, "first" if own else "typical"))
    drawn = is_drawn(rig.image, face_mask(rig.image.shape[:2], face.points[list(face.groups["oval"]), :2]))
    animator = FaceAnimator(face, drive, layer.texture, layer.origin, char_roll_offset(face, track.face), drawn)
    if not animator.valid:  # never silently: the face was found but its layer does not hold it
        return None, Finding("face_still", "info", "the character's face lies outside its head layer: the face "
                             "keeps its expression and only the head moves.", file=image_name or None)
    return animator, finding


def roll_correction(face: FaceRig, track: PoseTrack, rig_joints: np.ndarray) -> np.ndarray:
    """[T] radians to add to the head layer's roll: the retargeting turns the head by the body model's eye line,
    which the face mesh measures more precisely on a face seen from the front; the difference between the two
    (actor's, minus the character's own) is the correction.

    Only where the mesh can be trusted: a face turned further than ``ROLL_MESH_YAW`` (its far eye corner is
    guessed, and the mesh drifts away in the frames before it is lost) gives no correction, and neither does a
    frame without a face: the body's roll, measured on every frame, holds there (holding the last correction
    instead turned the head the wrong way for seconds). The two may disagree by 15 degrees on a close-up,
    where the body model's eye points are the poor ones. It fades out over a few frames, never jumps."""
    def body_roll(pts: np.ndarray) -> np.ndarray:
        d = pts[..., J["left_eye_outer"], :2] - pts[..., J["right_eye_outer"], :2]
        return np.arctan2(d[..., 1], d[..., 0])

    a, b = face.groups["eye_outer"]
    dc = face.points[b, :2] - face.points[a, :2]
    char = float(np.arctan2(dc[1], dc[0]) - body_roll(np.asarray(rig_joints, np.float64)))
    valid = np.isfinite(track.face).all(axis=(1, 2)) & np.isfinite(track.body[:, :11, :2]).all(axis=(1, 2))
    if not valid.any():
        return np.zeros(len(track))
    ang = fm.head_angles(np.where(valid[:, None, None], track.face, 0.0).astype(np.float64))
    diff = np.radians(ang[:, 2]) - body_roll(np.nan_to_num(track.body.astype(np.float64))) - char
    diff = (diff + np.pi) % (2 * np.pi) - np.pi
    valid &= np.abs(ang[:, 0]) < ROLL_MESH_YAW
    fix = np.where(valid, diff, 0.0)
    if len(fix) < 3:
        return fix
    # measured frames keep their own value; the frames around them fade to none
    return np.where(valid, diff, gaussian_filter1d(fix, max(1.0, ROLL_FADE_S * track.fps), mode="nearest"))
