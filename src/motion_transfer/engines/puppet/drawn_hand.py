"""A hand drawn where the image shows none (an arm the image's border cuts above the wrist).

Drawn as an open hand, fingers together: a palm, four fingers and a thumb, each rounded, so the seams between
the fingers show as the fine shade lines they are. A mitten (a rounded box and a thumb) stayed a mitten when
the actor's fingers made a sign; this hand comes with its 21 joints laid out as MediaPipe numbers a hand's
(:mod:`motion_transfer.pose.fingers`), so the finger rig (:mod:`.hands`) bends its fingers as the actor's.
"""
from __future__ import annotations

import cv2
import numpy as np

from ...pose.fingers import FINGERS
from ...pose.skeleton import shoulder_span, torso_length
from .model import DrawnHand, segment_distance, smoothstep
from .photo_look import grain_along, soften

HAND_LENGTH = 0.5  # a hand's length (wrist to middle fingertip) in body widths (:func:`body_width`): the TikTok
# clips' hands that MediaPipe sees flat on (their knuckles' span a third of their length or more) are 0.50-0.56 of
# the shoulder span long (and 1.0-1.2 of the face's width)
FINGERTIP = 0.1  # (the hand's lengths) ... and the round end of its longest finger past the fingertip joint, at
#                  most (the widest forearm's drawn hand: cut off there, the middle finger ended in a straight edge)
HAND_ROUND = 3.0  # the palm outline's superellipse power (2: an ellipse; larger: a box with rounded corners)
PALM = 0.225  # the palm's half-width, in the hand's lengths: a palm is 0.45 of its hand's length wide (the
# knuckles' span MediaPipe reads, between the joints' middles, is 0.37 of it). Sized from the forearm drawn to it
# (1.6 of its wrist's radius), a thick arm near the camera drew a palm as wide as the hand was long, the two hands
# of one character two sizes (TikTok characters 3 and 4)
WRIST = (0.45, 0.75)  # a drawn forearm's radius at its wrist lies within these shares of the palm's half-width (a
# real wrist is 0.6-0.7 of its palm as wide): a thicker one ended in a hand narrower than itself, a stump with
# fingers; a thinner one (a sleeve's forearm sized by the narrow shoulders of a body seen from the side: character 1
# cut at 60%) a stick holding a paddle
PHOTO_WRIST = (0.8, 0.8)  # ... a photograph's wrist this share of it whatever its forearm, so that the hand is at
# most 1.25 times as wide across its knuckles as its wrist (the palm's width there, 1.95 of its half-width): a wider
# palm, fingers spread beside it, read as a glove too big for the arm and the face (TikTok characters 4, 5); (a real
# wrist's share is 0.6-0.7; at 0.84 the forearm ran into the hand as one tube: character 5's own clip)
TORSO_WIDTH = 0.7  # a body facing the camera is this many times as wide (shoulder to shoulder) as its torso is long

# The open hand's 21 joints: along the hand (wrist 0, middle fingertip 1) and across it (the palm's half-widths,
# positive towards the thumb). The thumb lies along the palm's side, the fingers side by side.
OPEN_HAND = np.array([
    (0.0, 0.0),
    (0.08, 0.55), (0.20, 0.98), (0.31, 1.28), (0.41, 1.48),  # thumb: CMC, MCP, IP, tip
    (0.47, 0.70), (0.67, 0.73), (0.79, 0.75), (0.90, 0.76),  # index: MCP, PIP, DIP, tip
    (0.48, 0.23), (0.70, 0.23), (0.85, 0.23), (1.00, 0.23),  # middle
    (0.46, -0.25), (0.66, -0.27), (0.80, -0.28), (0.93, -0.29),  # ring
    (0.42, -0.70), (0.57, -0.75), (0.67, -0.78), (0.77, -0.80),  # pinky
])
# a photograph's open hand, fingers held together: each finger's joints past its knuckle drawn in towards the middle
# finger's line, so that each touches the next along its length, the seams between them soft darker lines (spread
# as OPEN_HAND's, background showing between them widening to their tips, they read as a cartoon glove's: TikTok
# character 5 on clip 0)
TOGETHER = OPEN_HAND.copy()
TOGETHER[[6, 7, 8], 1] = (0.68, 0.66, 0.64)  # index: PIP, DIP, tip
TOGETHER[[10, 11, 12], 1] = (0.22, 0.21, 0.20)  # middle
TOGETHER[[14, 15, 16], 1] = (-0.25, -0.24, -0.23)  # ring
TOGETHER[[18, 19, 20], 1] = (-0.68, -0.65, -0.62)  # pinky
# each digit's radius at its base, in the palm's half-widths (tapering to TIP times that at its tip)
DIGIT_RADIUS = {"thumb": 0.30, "index": 0.25, "middle": 0.26, "ring": 0.24, "pinky": 0.21}
TIP = 0.85
PHOTO_TIP = 0.75  # a photograph's drawn fingers taper further (as even as sausages, they read as a glove's)
PALM_END = 0.5  # the palm reaches this far along the hand (a little past the knuckles: the fingers' bases)
PALM_PAST = 1.04  # ... and its rounded corners a little further
SKIN_SHADE = 0.22  # how much darker the sides of a drawn forearm or finger are than its middle, when the image
# shows too little skin to measure its own shading (:func:`skin_shade`) ...
SHADE_RANGE = (0.78, 0.92)  # ... which is kept within these shares of the lit skin's brightness
SHADE_PCT = (30.0, 70.0)  # the skin's shade and its lit side: these percentiles of its pixels' brightness
SHADE_PIXELS = 50  # the fewest skin pixels its shading is measured from
SOFT = 0.25  # the soft rim outside a drawn forearm and hand, as a share of its radius (a drawn hand's only over
# the skin it is drawn on, blending into it)
FINGER_ROUND = 0.85  # in a photograph, a drawn finger is round: lit along its middle, darkening across it this share
# of the way to the skin's shade at its sides, so two fingers side by side part by a soft darker gap (shaded only
# near its outline, 0.25 of the way, the hand read as one flat colour: TikTok characters 4 and 5)
PALM_ROUND = 0.6  # ... its palm less so, darker towards its sides only (not its ends: across the fingers' bases,
# its rounded end drew a line)
PALM_MERGE = 0.15  # ... and a digit's first bone inside the palm takes the palm's shading, turning to its own over
# this far either side of the palm's outline (its normalised distance): its own rounded base, shaded, drew thin brown
# lines across the palm that read as ink beside the blurry photograph (TikTok character 4)
BASE_BLEND = 0.5  # ... turning to the digit's own shading where its next bone is nearer (normalised distances)
OVER_PALM = 0.5  # ... and its other bones over the palm (a finger curled over it) take this share of the palm's
# shading: their own, all round, drew a ring over the palm where a curled fingertip was seen end-on, a drawn "C"
BASE_BONES = {"thumb": 3}  # (the whole thumb: lying along the palm, its side drew a dark line there)
WARM = (1.02, 0.98, 0.96)  # a photograph's drawn hand's red, green and blue are these times its skin's at its fingers
# (none at its wrist): a little redder than the skin it is coloured from (hands are, beside the face), no darker
ROUND = 0.25  # a photographed character's drawn hand darkens across itself this share of the way to the shade,
ACROSS = 1.5  # ... at this many palm half-widths from its middle line (the thumb's side), as the forearm drawn to it
# does across itself: shaded only along its outline and between its fingers, it read as a flat cut-out beside the
# photographed arm (TikTok characters 1 and 4); (less than halfway: no darker inside than the soft seams allow)
LIGHT_MAX = 0.08  # a drawn hand's lit side is at most this share brighter than its middle (its shaded side darker)
PHOTO_LIGHT = 0.15  # ... a photograph's (a forearm and hand the rig draws) this much: at LIGHT_MAX, its lit and
# shaded sides 16% apart, a photographed arm's 30-40% under the light that lit the face from one side, the drawn
# forearm and hand read as lit from the front, smooth (TikTok character 5, 5<-0 frames 20-22)
LIGHT_FULL = 0.25  # ... when the character's skin brightens by this share per shoulder width towards its light
FORE_ELBOW = 1.0  # a photograph's forearm the image never shows (under a sleeve the border cuts above the elbow):
# its radius below the elbow, in the palm's half-widths (a forearm's muscles are about as wide as its palm: drawn
# 0.085 body widths thick there, 0.76 of the palm, and no thinner at the wrist, it was an even stick that ended in a
# hand wider than itself, a cartoon's arm: TikTok character 5, 5<-0 frames 19-25) ...
FORE_BELLY = 0.3  # ... that wide over this share of its length from the elbow (its muscles' belly), then tapering
FORE_WRIST = 0.72  # ... to this share of the palm's half-width at the wrist (a real wrist is 0.6-0.7 of its palm;
# the hand across its knuckles 1.35 times as wide as the wrist: at 0.8, 1.2, the forearm ran into the palm as one tube)
FORE_LIT = 0.5  # ... and round across itself as a lit cylinder: its middle this share of the way from its skin to
# the skin's shade lighter than the skin ...
FORE_RIM = 2.0  # ... its outline this share of the way darker, darkening as its surface turns from the camera (one
# less the cosine of that turn): darkened as the square of the distance from its middle (:func:`shaded_skin`), only
# its outer rim was shaded, and the forearm read as a flat strip of the face's colour
FINGER_LIGHT = 0.3  # a photograph's drawn finger: its side towards the light this share of the way from its skin to
# the shade lighter, its far side as much darker (its own cylinder, beside the hand's light across itself)
EDGE_PX = 1.5  # a drawn hand's edge over nothing: anti-aliased over this many pixels (its soft rim, a quarter of
# the palm's half-width, drew a brown haze around the palm)
_BONES = tuple((name, c[k], c[k + 1]) for name, c in FINGERS.items() for k in range(3))
_DIGITS = tuple(FINGERS.values())
_NAMES = tuple(FINGERS)
_KNUCKLES = float(OPEN_HAND[[5, 17], 0].mean())  # how far along the hand its knuckles' middle lies


def hand_reach(hand: DrawnHand, shift: np.ndarray | None = None) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """Where a ``hand`` the rig draws itself may reach in any pose (image pixels moved by ``shift``, e.g. a padded
    array's): the half of the disc round its wrist, its length and a fingertip wide, ahead of the line across its
    forearm a palm's half-width behind the wrist (no finger bends back along the forearm). Returns the wrist, the
    disc's radius, the point behind the wrist on that line and the forearm's direction (unit, elbow to wrist)."""
    shift = np.zeros(2) if shift is None else shift
    wrist = hand.joints[0] + shift
    fore = wrist - (hand.elbow + shift)
    u = fore / max(float(np.linalg.norm(fore)), 1e-6)
    return wrist, hand.length * (1.0 + FINGERTIP), wrist - hand.half_width * u, u


def in_hand_reach(hand: DrawnHand, points: np.ndarray) -> np.ndarray:
    """[N] bool: which ``points`` [N, 2] (image pixels) lie where a ``hand`` the rig draws may reach
    (:func:`hand_reach`)."""
    wrist, reach, back, u = hand_reach(hand)
    return (np.hypot(*(points - wrist).T) <= reach) & ((points - back) @ u >= 0)


def body_width(joints: np.ndarray) -> float:
    """The body's width, the unit a drawn hand is sized in: the shoulder span, or TORSO_WIDTH of the torso's length
    when that is more (a body seen from the side has narrow shoulders, and drew a hand a third of the arm's
    width: TikTok character 1)."""
    return max(shoulder_span(joints, 1.0), TORSO_WIDTH * torso_length(joints))


def drawn_hand_size(joints: np.ndarray) -> tuple[float, float]:
    """(length, palm half-width) of a hand the rig draws past the image's border for the body with ``joints``
    [33, 2]: from the body's size alone (:data:`HAND_LENGTH`, :data:`PALM`), so both hands of one character are one
    size, whatever the forearms the image's border cuts show of their thickness."""
    length = HAND_LENGTH * body_width(joints)
    return length, PALM * length


def open_hand_joints(wrist: np.ndarray, knuckles: np.ndarray, thumb: np.ndarray, length: float,
                     half_width: float, together: bool = False) -> np.ndarray:
    """[21, 2] the drawn hand's joints (image pixels): ``length`` from the wrist to the middle fingertip,
    pointing at the pose model's ``knuckles``, ``half_width`` across the palm, its thumb on the side of the
    pose model's ``thumb`` (its guess of a thumb it cannot see would put the thumb anywhere; its side is
    right far more often); its fingers a little spread (:data:`OPEN_HAND`) or held ``together``
    (:data:`TOGETHER`: a photograph's)."""
    layout = TOGETHER if together else OPEN_HAND
    to_knuckles = np.asarray(knuckles, np.float64) - wrist
    u = to_knuckles / max(float(np.linalg.norm(to_knuckles)), 1e-6)
    v = np.array([-u[1], u[0]])
    if float((np.asarray(thumb, np.float64) - wrist) @ v) < 0:
        v = -v
    return wrist + layout[:, :1] * length * u + layout[:, 1:] * half_width * v


def _palm_frame(px: np.ndarray, py: np.ndarray, joints: np.ndarray,
                half_width: float) -> tuple[np.ndarray, np.ndarray]:
    """(along, across): the palm's coordinates at ``px``, ``py``, each normalised to its half-extent (within
    -1..1 on the palm): along the line from the wrist to the middle of the index and pinky knuckles (which bent
    fingers leave where they are), from the palm's middle, and across it."""
    wrist = joints[0]
    mid = (joints[5] + joints[17]) / 2
    along = mid - wrist
    span = max(float(np.linalg.norm(along)), 1e-6)
    u = along / span
    a = 0.5 * PALM_END * span / _KNUCKLES
    c = wrist + a * u
    du = (px - c[0]) * u[0] + (py - c[1]) * u[1]
    dv = -(px - c[0]) * u[1] + (py - c[1]) * u[0]
    return du / (a * PALM_PAST), dv / half_width


def _palm_distance(px: np.ndarray, py: np.ndarray, joints: np.ndarray, half_width: float) -> np.ndarray:
    """The palm's normalised distance (< 1 inside): a rounded box from the wrist to a little past the knuckles
    (:func:`_palm_frame`)."""
    return _rounded_box(*_palm_frame(px, py, joints, half_width))


def _rounded_box(along: np.ndarray, across: np.ndarray) -> np.ndarray:
    """The palm's normalised distance at its coordinates (:func:`_palm_frame`): a superellipse (:data:`HAND_ROUND`)."""
    return (np.abs(along) ** HAND_ROUND + np.abs(across) ** HAND_ROUND) ** (1.0 / HAND_ROUND)


def _bone_distance(px: np.ndarray, py: np.ndarray, joints: np.ndarray, half_width: float, k: int,
                   tip: float) -> np.ndarray:
    """Bone ``k``'s normalised distance (< 1 inside): a capsule as thick as its digit there, tapering to ``tip``
    of that at the digit's end (bones numbered finger by finger from the base, as :data:`BONES`)."""
    _, a, b = _BONES[k]
    return segment_distance(px, py, joints[a], joints[b]) / _bone_radius(half_width, k, tip)


def _bone_radius(half_width: float, k: int, tip: float) -> float:
    """Bone ``k``'s radius (pixels; the palm ``half_width`` across): its digit's, tapering to ``tip`` of it at the
    digit's end."""
    return DIGIT_RADIUS[_BONES[k][0]] * half_width * (1.0 - (1.0 - tip) * (k % 3 + 0.5) / 3)


def _piece_box(joints: np.ndarray, half_width: float, piece: int, shape: tuple[int, int]) -> tuple[slice, slice]:
    """The rows and columns of an HxW grid that the hand's ``piece`` (0 the palm, 1.. the digits in
    :data:`FINGERS`' order) and its soft rim can cover."""
    if piece == 0:  # the palm's box reaches past the knuckles
        reach = float(np.abs(joints[[5, 17]] - joints[0]).max()) * PALM_END / _KNUCKLES + half_width
        pts = np.concatenate([joints[[0, 5, 17]], joints[:1] - reach, joints[:1] + reach])
        m = half_width * (1.0 + SOFT) + 1
    else:
        pts = joints[list(_DIGITS[piece - 1])]
        m = 0.5 * half_width * (1.0 + SOFT) + 1
    lo = np.floor(pts.min(axis=0) - m).astype(int)
    hi = np.ceil(pts.max(axis=0) + m).astype(int) + 1
    H, W = shape
    return np.s_[max(0, lo[1]):min(H, hi[1]), max(0, lo[0]):min(W, hi[0])]


def _piece_distance(px: np.ndarray, py: np.ndarray, joints: np.ndarray, half_width: float,
                    piece: int, tip: float = TIP) -> np.ndarray:
    """The normalised distance (< 1 inside) to the palm (``piece`` 0) or to a digit (its three bones, each as
    thick as the digit there, tapering to ``tip``: a digit drawn bone by bone showed a seam at every knuckle)."""
    if piece == 0:
        return _palm_distance(px, py, joints, half_width)
    return _digit_distances(px, py, joints, half_width, piece, tip).min(axis=0)


def _digit_distances(px: np.ndarray, py: np.ndarray, joints: np.ndarray, half_width: float, piece: int,
                     tip: float) -> np.ndarray:
    """[3, ...] the normalised distances to the three bones of digit ``piece`` (1..), from its base."""
    k = 3 * (piece - 1)
    return np.stack([_bone_distance(px, py, joints, half_width, k + i, tip) for i in range(3)])


def hand_shape(px: np.ndarray, py: np.ndarray, joints: np.ndarray, half_width: float,
               tip: float = TIP) -> np.ndarray:
    """HxW (``px``, ``py``: the pixel grids, as ``np.mgrid`` makes them): the distance to the drawn hand's
    outline in units of the piece it is nearest (< 1 inside): the palm (``half_width`` across) and the five
    digits (capsules tapering to ``tip``). The nearest piece's own units make each finger rounded on its own, so the
    line where two fingers meet is shaded as the edge of both. Measured only around each piece (infinite
    elsewhere): sixteen distances over a whole padded frame took a second."""
    out = np.full(px.shape, np.inf, np.float32)
    for piece in range(len(FINGERS) + 1):
        box = _piece_box(joints, half_width, piece, px.shape)
        if px[box].size:
            out[box] = np.minimum(out[box], _piece_distance(px[box], py[box], joints, half_width, piece, tip))
    return out


def skin_shade(skin: np.ndarray, pixels: np.ndarray) -> np.ndarray:
    """RGB of the shade a drawn limb of colour ``skin`` turns to at its sides: the skin's own shading range,
    as the character's skin pixels ``pixels`` [N, 3] (the face, the neck, the chest) show it, from their lit
    side to their shade (:data:`SHADE_PCT`), kept within :data:`SHADE_RANGE`. A fixed share drew every
    character's hands with the same flat, dark-rimmed shading, unlike the skin next to them."""
    pixels = np.asarray(pixels, np.float64).reshape(-1, 3)
    if len(pixels) < SHADE_PIXELS:
        return np.asarray(skin, np.float32) * (1.0 - SKIN_SHADE)
    shade, lit = np.percentile(pixels.mean(axis=1), SHADE_PCT)
    return np.asarray(skin, np.float32) * np.float32(np.clip(shade / max(lit, 1.0), *SHADE_RANGE))


def skin_light(points: np.ndarray, lightness: np.ndarray, shoulder_width: float) -> np.ndarray:
    """[2]: where the light on the character's skin comes from (a unit vector in image x, y, times its strength,
    0..1): the plane fitted to its skin pixels' ``lightness`` at ``points`` [N, 2] (the face, the neck, the
    chest), its slope a share of their mean per ``shoulder_width`` (:data:`LIGHT_FULL`: full strength). A hand
    drawn one flat colour, or shaded alike on both sides, lay on the photograph like a sticker; lit from the
    side the face is, it is lit as the skin next to it. No light (zeros) from too few pixels."""
    points = np.asarray(points, np.float64).reshape(-1, 2)
    lightness = np.asarray(lightness, np.float64).ravel()
    if len(points) < SHADE_PIXELS:
        return np.zeros(2, np.float32)
    centred = (points - points.mean(axis=0)) / max(shoulder_width, 1e-6)
    fit = np.linalg.lstsq(np.column_stack([np.ones(len(points)), centred]), lightness, rcond=None)[0]
    slope = fit[1:] / max(float(fit[0]), 1.0)
    norm = float(np.linalg.norm(slope))
    if norm < 1e-9:
        return np.zeros(2, np.float32)
    return (slope / norm * min(1.0, norm / LIGHT_FULL)).astype(np.float32)


def facing(light: np.ndarray, px: np.ndarray, py: np.ndarray, a: np.ndarray, b: np.ndarray,
           radius: float | np.ndarray) -> np.ndarray:
    """HxW, -1..1: how far the surface of a drawn limb (the segment ``a``-``b``, ``radius`` thick) at pixels
    ``px``, ``py`` faces ``light`` (:func:`skin_light`, its strength included): its offset from the limb's axis
    towards the light, in its radii."""
    ab = np.asarray(b, np.float64) - a
    t = np.clip(((px - a[0]) * ab[0] + (py - a[1]) * ab[1]) / max(float(ab @ ab), 1e-6), 0.0, 1.0)
    toward = ((px - a[0] - t * ab[0]) * light[0] + (py - a[1] - t * ab[1]) * light[1]) / np.maximum(radius, 1e-6)
    return np.clip(toward, -1.0, 1.0).astype(np.float32)


def lit(light: np.ndarray, px: np.ndarray, py: np.ndarray, a: np.ndarray, b: np.ndarray, radius: float,
        outlined: bool) -> np.ndarray:
    """HxW: the share a drawn limb (the segment ``a``-``b``, ``radius`` thick) is brightened by ``light``
    (:func:`skin_light`) at pixels ``px``, ``py``: by how far its surface there faces the light (:func:`facing`), at
    most :data:`LIGHT_MAX` (drawn art, ``outlined``) or :data:`PHOTO_LIGHT` (a photograph's)."""
    return (1.0 + (LIGHT_MAX if outlined else PHOTO_LIGHT) * facing(light, px, py, a, b, radius)).astype(np.float32)


def shaded_skin(skin: np.ndarray, shade: np.ndarray, d: np.ndarray) -> np.ndarray:
    """[..., 3] float: the colour of a drawn limb at normalised distance ``d`` from its middle: ``skin`` along
    it, turning to ``shade`` at its sides (and no darker past them), as a round limb lit from the front is."""
    t = (np.clip(d, 0.0, 1.0) ** 2)[..., None]
    return skin + (np.asarray(shade, np.float32) - skin) * t


def forearm_radius(along: np.ndarray, elbow: float, wrist: float) -> np.ndarray:
    """The radius of a forearm the image never shows at ``along`` (0 its elbow, 1 its wrist): ``elbow`` over its
    muscles' belly (:data:`FORE_BELLY`), narrowing smoothly to ``wrist``."""
    return wrist + (elbow - wrist) * (1.0 - smoothstep(FORE_BELLY, 1.0, along))


def cylinder_skin(skin: np.ndarray, shade: np.ndarray, d: np.ndarray) -> np.ndarray:
    """[..., 3] float: the colour of a forearm the image never shows at normalised distance ``d`` from its middle,
    lit as a cylinder facing the camera: lighter than ``skin`` along its middle (:data:`FORE_LIT`), darkening
    towards ``shade`` and past it at its outline (:data:`FORE_RIM`) as its surface turns away, 1 - cos of that turn
    (no darker past the outline)."""
    turn = 1.0 - np.sqrt(1.0 - np.clip(d, 0.0, 1.0) ** 2)
    share = (-FORE_LIT + (FORE_RIM + FORE_LIT) * turn)[..., None]
    return skin + (np.asarray(shade, np.float32) - skin) * share


def draw_hand(patch: np.ndarray, joints: np.ndarray, depth: np.ndarray, half_width: float,
              skin: np.ndarray, shade: np.ndarray, light: np.ndarray | None = None, outlined: bool = False,
              grain: np.ndarray | None = None, blur: float = 0.0) -> None:
    """Draw the hand with ``joints`` [21, 2] (the ``patch``'s pixels; RGBA, changed in place) piece by piece,
    the palm and the five digits, the farthest first by ``depth`` [16] (the palm's, then the bones'; larger is
    farther), each over what is drawn before it with its soft rim (over nothing, a crisp anti-aliased edge): a
    finger curled towards the camera covers the palm, one seen end-on is the round blob it looks like, and one
    curled away goes behind it. Warping the pixels of a rest hand instead tore a drawn hand into shreds where
    the actor's hand, near the lens, folded several bones at once. In ``skin``, lit from ``light``
    (:func:`skin_light`) and shaded towards ``shade``: drawn art (``outlined``) all the way round each piece, as its
    own limbs; a photograph's round across each tapering finger (:data:`FINGER_ROUND`, :data:`PHOTO_TIP`) and across
    its palm (:data:`PALM_ROUND`), the digits' bases merging into the palm (:func:`_photo_piece`), a little warmer
    towards the fingers (:data:`WARM`), darker across the whole hand away from its middle line (:func:`_round`). The
    clear pixels around a piece take its colour too: the renderer samples the texture bilinearly, and clear black
    pixels there drew a dark outline around every finger. Mottled with a photograph's skin ``grain`` ([3],
    :func:`.photo_look.skin_grain`), fixed to the hand (it turns with it), and as soft as its edges (``blur``,
    :func:`.photo_look.picture_blur`): outline and seams between fingers alike."""
    H, W = patch.shape[:2]
    light = np.zeros(2, np.float32) if light is None else np.asarray(light, np.float32)
    skin = np.asarray(skin, np.float32)
    shade = np.asarray(shade, np.float32)
    depth = np.asarray(depth, np.float64)
    pieces = np.concatenate([depth[:1], depth[1:].reshape(len(FINGERS), 3).mean(axis=1)])
    drawn = np.zeros((H, W), np.float32)
    y0, x0, y1, x1 = H, W, 0, 0  # the box the pieces were drawn in
    # lit as one surface, across the hand's middle line (from the wrist through the knuckles to the fingertips'
    # reach): each finger lit across its own axis stood out from the palm's side it grows from
    reach = joints[0] + ((joints[5] + joints[17]) / 2 - joints[0]) / _KNUCKLES
    boxes = [_piece_box(joints, half_width, piece, (H, W)) for piece in range(len(FINGERS) + 1)]
    # (a photograph's: the palm's coordinates, its distance and its shade over all the pieces' boxes and around
    # them, measured once: per piece, they cost a third of drawing the hand)
    uy, ux = (max(0, min(b[k].start for b in boxes) - 1) for k in (0, 1))
    along, across = _palm_frame(*(v.astype(np.float32) for v in np.ogrid[
        uy:min(H, max(b[0].stop for b in boxes) + 1), ux:min(W, max(b[1].stop for b in boxes) + 1)][::-1]),
        joints, half_width) if not outlined else (None, None)
    palm = () if outlined else (_rounded_box(along, across), _round_across(PALM_ROUND, np.abs(across)))
    for piece in np.argsort(-pieces, kind="stable"):
        box = boxes[piece]
        rows, cols = box
        if rows.stop <= rows.start or cols.stop <= cols.start:
            continue
        py, px = (v.astype(np.float32) for v in np.ogrid[rows, cols])  # (broadcast: a grid's cost, every frame)
        if outlined:
            d = _piece_distance(px, py, joints, half_width, int(piece))
            colour = shaded_skin(skin, shade, d)
            colours = [colour[..., c] for c in range(3)]
        else:
            local = np.s_[rows.start - uy:rows.stop - uy, cols.start - ux:cols.stop - ux]
            d, share = _photo_piece(px, py, joints, half_width, int(piece), *(a[local] for a in palm), light)
            colours = [share * step + base for step, base in zip(shade - skin, skin)]
        b = patch[box][..., 3] / np.float32(255.0)
        edge = EDGE_PX / (half_width * (1.0 if piece == 0 else DIGIT_RADIUS[_NAMES[piece - 1]]))
        a = np.maximum(np.clip((1.0 + SOFT - d) / SOFT, 0.0, 1.0) * b, np.clip((1.0 + edge - d) / edge, 0.0, 1.0))
        if not a.any():
            continue
        _lay_over(patch[box], colours, a, b)
        drawn[box] = np.maximum(drawn[box], a)
        y0, x0, y1, x1 = min(y0, rows.start), min(x0, cols.start), max(y1, rows.stop), max(x1, cols.stop)
    if y1 <= y0:
        return
    rows, cols = np.s_[max(0, y0 - 1):min(H, y1 + 1)], np.s_[max(0, x0 - 1):min(W, x1 + 1)]
    py, px = (v.astype(np.float32) for v in np.ogrid[rows, cols])
    factor = lit(light, px, py, joints[0], reach, half_width, outlined)
    on = drawn[rows, cols]
    if outlined:
        channels = [1.0 + (factor - 1.0) * on] * 3
    else:
        factor *= _round(px, py, joints[0], reach, half_width, float(shade.sum() / max(float(skin.sum()), 1.0)))
        towards = along[rows.start - uy:rows.stop - uy, cols.start - ux:cols.stop - ux]
        warm = factor * on * np.clip(0.5 * (towards + 1.0), 0.0, 1.0)  # (none at the wrist, all from the knuckles on)
        plain = 1.0 + (factor - 1.0) * on
        channels = [plain + (gain - 1.0) * warm for gain in WARM]
    patch[rows, cols] = cv2.multiply(patch[rows, cols], cv2.merge([*channels, np.ones_like(factor)]),
                                     dtype=cv2.CV_8U)  # (numpy's took as long as drawing the hand's pieces)
    soften(patch[rows, cols], drawn[rows, cols], blur)
    if grain is not None and np.any(grain):
        corner = np.array([cols.start, rows.start], np.float64)
        noise = grain_along(factor.shape, joints[0] - corner, reach - joints[0]) * drawn[rows, cols]
        mottled = patch[rows, cols, :3].astype(np.float32) + noise[..., None] * np.asarray(grain, np.float32)
        patch[rows, cols, :3] = np.clip(mottled + 0.5, 0, 255).astype(np.uint8)


def _lay_over(patch: np.ndarray, colours: list[np.ndarray], a: np.ndarray, b: np.ndarray) -> None:
    """Lay ``colours`` (red, green and blue, HxW float32) with coverage ``a`` (HxW) over ``patch`` (RGBA uint8,
    changed in place), ``b`` its pixels' coverage (0..1): over a clear pixel, its colour (clear still). Worked
    channel by channel in place, operation by operation in the order the formula reads (the same floats to the
    bit): as one expression over HxWx3 arrays, its temporaries cost a quarter of drawing a photograph's hand."""
    keep = 1.0 - a
    out_a = b * keep
    out_a += a
    clear = ~(out_a > 0)
    over = np.maximum(out_a, 1e-6)
    for c, colour in enumerate(colours):
        value = patch[..., c] * b
        value *= keep
        value += colour * a
        value /= over
        np.copyto(value, colour, where=clear)
        patch[..., c] = np.rint(np.clip(value, 0, 255, out=value), out=value)
    out_a *= 255.0
    patch[..., 3] = np.rint(np.clip(out_a, 0, 255, out=out_a), out=out_a)


def _photo_piece(px: np.ndarray, py: np.ndarray, joints: np.ndarray, half_width: float, piece: int,
                 inside: np.ndarray, palm: np.ndarray, light: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(normalised distance, shade) of a photograph's drawn hand's ``piece`` (0 the palm, 1.. the digits, tapering
    to :data:`PHOTO_TIP`), its shade the share of the way from the skin to its shade (negative: lighter): a digit
    round across itself (:data:`FINGER_ROUND` of the way at its sides, :func:`_round_across`) and lit across itself
    from ``light`` (:data:`FINGER_LIGHT`, its nearest bone's :func:`facing`: shaded alike on both sides, the fingers
    read as a glove's beside the photograph's light), the palm across
    itself alone (:data:`PALM_ROUND`), and a digit's first bone (the thumb's all, :data:`BASE_BONES`), inside the
    palm, the palm's (:data:`PALM_MERGE`): no line where it grows out of the palm, while a finger curled over the
    palm keeps half its round shading there (:data:`OVER_PALM`). ``inside``, ``palm``: the palm's normalised
    distance and shade there."""
    if piece == 0:
        return inside, palm
    bones = _digit_distances(px, py, joints, half_width, piece, PHOTO_TIP)
    d = bones.min(axis=0)
    k = 3 * (piece - 1)
    towards = np.stack([facing(light, px, py, joints[_BONES[k + i][1]], joints[_BONES[k + i][2]],
                               _bone_radius(half_width, k + i, PHOTO_TIP)) for i in range(3)])
    towards = np.take_along_axis(towards, bones.argmin(axis=0)[None], axis=0)[0]  # (its nearest bone's)
    finger = _round_across(FINGER_ROUND, d) - FINGER_LIGHT * towards
    n = BASE_BONES.get(_NAMES[piece - 1], 1)
    later = bones[n:].min(axis=0) if n < len(bones) else np.inf
    base = np.clip((later - bones[:n].min(axis=0)) / BASE_BLEND + 0.5, 0.0, 1.0)
    over = np.clip((1.0 + PALM_MERGE - inside) / (2.0 * PALM_MERGE), 0.0, 1.0)
    return d, finger + (palm - finger) * over * (OVER_PALM + (1.0 - OVER_PALM) * base)


def _round_across(share: float, d: np.ndarray) -> np.ndarray:
    """A round limb's shade at ``d`` (0 its middle, 1 its sides), as the share of the way from its skin to the
    skin's shade: ``share`` at its sides, growing with d squared, and as much lighter than the skin along its middle
    (negative) as keeps the skin its mean colour (the mean of d squared across it is a third). Darkened at its sides
    alone, a drawn hand came out darker than the arm it was coloured from."""
    return share * (1.5 * np.clip(d, 0.0, 1.0) ** 2 - 0.5)


def _round(px: np.ndarray, py: np.ndarray, wrist: np.ndarray, reach: np.ndarray, half_width: float,
           shade: float) -> np.ndarray:
    """HxW: the factor a drawn hand's skin is darkened by across it, as a round limb's: :data:`ROUND` of the way to
    its ``shade`` (a share of its brightness) at :data:`ACROSS` palm half-widths from its middle line, the segment
    from the ``wrist`` to its fingertips' ``reach``, growing with that distance squared."""
    t = np.clip(segment_distance(px, py, wrist, reach) / (ACROSS * half_width), 0.0, 1.0).astype(np.float32)
    return 1.0 - ROUND * (1.0 - shade) * t * t
