"""Stylised characters with known skeletons and known parts: the ground truth for rigging non-photographic art.

Real users animate mascots, cartoon heroes and animals, not only photographed people, and the pose model often
does not see a body in them. These generators draw such characters procedurally (with the mannequin's shaded
ellipsoids and capsules, so they look like rendered cartoon art) and return, with the picture, where every joint
is and which pixels are which part, including the parts a human skeleton has no bone for:

* ``"cartoon_girl"``: a 3D-style cartoon girl (big head and eyes, short legs) with a hair bun and a cape;
* ``"fox"``: a cel-shaded, outlined fox in a hoodie, with an animal head, pointed ears and a big bushy tail;
* ``"robot_boxer"``: a metal robot in a boxing guard (gloves up by its chin), upper body only, with an antenna,
  on a busy background;
* ``"teddy_bear"``: a flat-coloured teddy bear (a third of its height head, no neck, arms against its sides,
  round ears) standing on a green floor before a beige wall: no pose model sees a body in it.

Joints follow MediaPipe's layout and the subject's own left/right (:mod:`motion_transfer.pose.skeleton`).
Region labels are coarse on purpose: which body region a pixel belongs to (``REGIONS``), or which extra part
outside the human plan (``EXTRAS``). Everything is deterministic.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..pose.skeleton import J
from .mannequin import (
    ADULT,
    DEFAULT_PITCH,
    Pose,
    Proportions,
    Style,
    _arms,
    _Canvas,
    _draw_figure,
    _frame,
    _norm,
    _to_pixels,
    _view,
    forward_kinematics,
    head_frame,
    make_background,
)

__all__ = ["CHARACTERS", "EXTRAS", "REGIONS", "StylisedCharacter", "make_stylised"]

CHARACTERS = ("cartoon_girl", "fox", "robot_boxer", "teddy_bear")
REGIONS = ("head", "torso", "left_arm", "right_arm", "left_leg", "right_leg")
EXTRAS = ("bun", "cape", "tail", "ears", "antenna")
_NAMES = REGIONS + EXTRAS


@dataclass
class StylisedCharacter:
    """A drawn character and its ground truth.

    ``image`` HxWx3 uint8 RGB; ``joints`` [33,3] px (x, y; z relative depth, smaller is nearer), the subject's
    left/right; ``in_frame`` [33] whether each joint lies inside the picture (the robot's legs do not);
    ``labels`` HxW int16 index into ``names`` (-1 = background) of the part that is in front at each pixel;
    ``extras`` the parts of this character outside the human plan; ``scale`` its standing height in px.
    """

    name: str
    image: np.ndarray
    joints: np.ndarray
    in_frame: np.ndarray
    labels: np.ndarray
    extras: tuple[str, ...]
    scale: float
    names: tuple[str, ...] = _NAMES

    def mask(self, part: str) -> np.ndarray:
        """HxW bool: the pixels of one region or extra part (``names``)."""
        return self.labels == self.names.index(part)

    @property
    def figure(self) -> np.ndarray:
        """HxW bool: every pixel of the character."""
        return self.labels >= 0


class _LabelledCanvas(_Canvas):
    """The mannequin's canvas that also records which part won each pixel's depth test.

    A primitive's part is the forced ``label`` when set (extras), otherwise the body region whose bone is
    nearest to the primitive's centre (so the mannequin's own drawing code needs no labels)."""

    def __init__(self, bg: np.ndarray, window: tuple[int, int, int, int], joints: np.ndarray) -> None:
        super().__init__(bg, window)
        self.owner = np.full(self.img.shape[:2], -1, np.int16)
        self.label: str | None = None
        self._centre = np.zeros(2)
        j = joints[:, :2]
        mid_sh = 0.5 * (j[J["left_shoulder"]] + j[J["right_shoulder"]])
        mid_hip = 0.5 * (j[J["left_hip"]] + j[J["right_hip"]])
        face = j[:11].mean(axis=0)
        self._bones: list[tuple[str, np.ndarray, np.ndarray]] = [("head", face, face), ("torso", mid_sh, mid_hip)]
        for side in ("left", "right"):
            hand_tip = 0.5 * (j[J[f"{side}_index"]] + j[J[f"{side}_pinky"]])
            for a, b in (("shoulder", "elbow"), ("elbow", "wrist")):
                self._bones.append((f"{side}_arm", j[J[f"{side}_{a}"]], j[J[f"{side}_{b}"]]))
            self._bones.append((f"{side}_arm", j[J[f"{side}_wrist"]], hand_tip))
            for a, b in (("hip", "knee"), ("knee", "ankle"), ("heel", "foot_index")):
                self._bones.append((f"{side}_leg", j[J[f"{side}_{a}"]], j[J[f"{side}_{b}"]]))

    def _region(self) -> int:
        if self.label is not None:
            return _NAMES.index(self.label)
        p = self._centre
        best, name = np.inf, "torso"
        for region, a, b in self._bones:
            ab = b - a
            t = float(np.clip((p - a) @ ab / max(float(ab @ ab), 1e-9), 0.0, 1.0))
            d = float(np.linalg.norm(p - (a + t * ab)))
            if d < best:
                best, name = d, region
        return _NAMES.index(name)

    def ellipsoid(self, c: np.ndarray, R: np.ndarray, radii, color, texture=None, gloss: float = 0.0) -> None:
        self._centre = np.asarray(c, np.float64)[:2]
        super().ellipsoid(c, R, radii, color, texture=texture, gloss=gloss)

    def capsule(self, a: np.ndarray, b: np.ndarray, ra: float, rb: float, color, **kw) -> None:
        self._centre = 0.5 * (np.asarray(a, np.float64)[:2] + np.asarray(b, np.float64)[:2])
        super().capsule(a, b, ra, rb, color, **kw)

    def capsules(self, a: np.ndarray, b: np.ndarray, ra: np.ndarray, rb: np.ndarray, colors: np.ndarray) -> None:
        self._centre = 0.5 * (np.asarray(a, np.float64)[:, :2] + np.asarray(b, np.float64)[:, :2]).mean(axis=0)
        super().capsules(a, b, ra, rb, colors)

    def _composite(self, sl: tuple, alpha: np.ndarray, depth: np.ndarray, rgb: np.ndarray) -> None:
        before = self.z[sl].copy()
        super()._composite(sl, alpha, depth, rgb)
        self.owner[sl][self.z[sl] != before] = self._region()

    def labels(self) -> np.ndarray:
        out = np.full(self.bg.shape[:2], -1, np.int16)
        out[self.y0:self.y1, self.x0:self.x1] = self.owner
        return out


# ----------------------------------------------------------------------------------------------------------------
# Poses and framing
# ----------------------------------------------------------------------------------------------------------------


def _pixels(pose: Pose, props: Proportions, size: tuple[int, int], s: float, c: tuple[float, float]
            ) -> tuple[np.ndarray, np.ndarray]:
    world, hands, _ = forward_kinematics(pose, props)
    body, hands = _view(world, DEFAULT_PITCH), _view(hands, DEFAULT_PITCH)
    mid_z = 0.5 * (body[:, J["left_hip"], 2] + body[:, J["right_hip"], 2])
    return _to_pixels(body, mid_z[:, None], s, c)[0], _to_pixels(hands, mid_z[:, None, None], s, c)[0]


def _tiny_head(props: Proportions) -> Proportions:
    """Drawing proportions without the human head (the character draws its own in the same place)."""
    return dataclasses.replace(props, head_radii=(1e-4, 1e-4, 1e-4))


def _rot_z(deg: float) -> np.ndarray:
    a = math.radians(deg)
    return np.array([[math.cos(a), -math.sin(a), 0.0], [math.sin(a), math.cos(a), 0.0], [0.0, 0.0, 1.0]])


# ----------------------------------------------------------------------------------------------------------------
# Cartoon looks: outlines and cel shading
# ----------------------------------------------------------------------------------------------------------------


def _outline(img: np.ndarray, labels: np.ndarray, width: int, colour: tuple[int, int, int]) -> np.ndarray:
    """Dark anti-aliased lines along the silhouette and between body regions (not inside one region)."""
    import cv2

    edge = np.zeros(labels.shape, bool)
    edge[:, 1:] |= labels[:, 1:] != labels[:, :-1]
    edge[1:] |= labels[1:] != labels[:-1]
    line = cv2.dilate(edge.astype(np.uint8), None, iterations=max(0, width // 2)).astype(np.float32)
    line = cv2.GaussianBlur(line, (0, 0), 0.7)[..., None]
    return np.clip(img * (1 - line) + np.asarray(colour, np.float32) * line + 0.5, 0, 255).astype(np.uint8)


def _cel_shade(img: np.ndarray, figure: np.ndarray, levels: int = 4) -> np.ndarray:
    """Flat bands of light instead of smooth shading, on the figure only (the look of drawn, not rendered, art)."""
    import cv2

    lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB)
    L = lab[:, :, 0].astype(np.float32)
    step = 255.0 / levels
    flat = np.clip((np.floor(L / step) + 0.6) * step, 0, 255)
    lab[:, :, 0] = np.where(figure, flat, L).astype(np.uint8)
    out = cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)
    return np.where(figure[..., None], cv2.medianBlur(out, 3), img)


# ----------------------------------------------------------------------------------------------------------------
# The characters
# ----------------------------------------------------------------------------------------------------------------

# what a character's drawing function returns: picture, joints [33,3], scale (px), labels, its extra parts
_Drawn = tuple[np.ndarray, np.ndarray, float, np.ndarray, set[str]]

_GIRL_PROPS = dataclasses.replace(ADULT, head_radii=(0.1, 0.112, 0.1), head_up=0.14, hand_scale=1.15)
_GIRL_STYLE = Style(skin=(250, 214, 190), hair=(110, 60, 34), shirt=(236, 112, 150), trousers=(92, 66, 140),
                    shoes=(204, 40, 52), lips=(210, 90, 100), iris=(60, 120, 190), socks=(250, 250, 250),
                    build=1.12)


def _girl(size: tuple[int, int], seed: int) -> _Drawn:
    w, h = size
    props = _GIRL_PROPS
    p = Pose.rest(1, props)
    for i, side in enumerate((1, -1)):
        _arms(p, i, side, 38.0, 8.0, 18.0, 0.0)
    s = min(0.76 * h, 1.15 * w)
    c = (w / 2, 0.95 * h - 0.5 * s)
    joints, hands = _pixels(p, props, size, s, c)
    bg = make_background("gradient", size, seed=seed)
    cv = _LabelledCanvas(bg, (0, 0, w, h), joints)
    cv.seam, cv.tie = np.float32(0.012 * s), np.float32(0.002 * s)
    # the cape hangs from the shoulders behind the body, flaring out below the hips
    lsh, rsh = joints[J["left_shoulder"]], joints[J["right_shoulder"]]
    lkn, rkn = joints[J["left_knee"]], joints[J["right_knee"]]
    top, bottom = 0.5 * (lsh + rsh), 0.5 * (lkn + rkn)
    cv.label = "cape"
    back = np.array([0.0, 0.0, 0.26 * s])  # a round cone far enough back that only its rim shows
    cv.capsule(top + back, bottom + 0.1 * (bottom - top) + back, 0.1 * s, 0.2 * s, (40, 84, 190),
               profile=((0.0, 0.1 * s), (0.5, 0.16 * s), (1.0, 0.21 * s)))
    cv.label = None
    _draw_figure(cv, joints, hands, _GIRL_STYLE, scale=s, props=props)
    # the bun: a ball of hair on the crown, behind the head's top
    head_c, Rh, hr = head_frame(joints, props, s)
    cv.label = "bun"
    cv.ellipsoid(head_c + Rh @ (np.array([0.0, -1.02, 0.25]) * hr), Rh, np.array([0.6, 0.55, 0.6]) * hr[0],
                 _GIRL_STYLE.hair, gloss=0.05)
    cv.label = None
    labels = cv.labels()
    return _outline(cv.result(), labels, 2, (60, 36, 40)), joints, s, labels, {"bun", "cape"}


_FOX_PROPS = dataclasses.replace(ADULT, head_radii=(0.085, 0.08, 0.08), head_up=0.115)
_FOX_STYLE = Style(skin=(226, 118, 40), hair=(226, 118, 40), shirt=(46, 150, 150), trousers=(52, 64, 104),
                   shoes=(60, 40, 30), lips=(60, 40, 40), iris=(40, 30, 20), sleeves="long", build=1.05)


def _fox_head(cv: _LabelledCanvas, joints: np.ndarray, s: float) -> None:
    head_c, Rh, hr = head_frame(joints, _FOX_PROPS, s)
    fur, white, dark = (226, 118, 40), (246, 238, 224), (40, 28, 24)
    cv.label = "ears"
    for sx in (1, -1):  # pointed ears: long thin ellipsoids tilted outwards, dark tips inside
        R = Rh @ _rot_z(-sx * 22.0)
        cv.ellipsoid(head_c + Rh @ (np.array([sx * 0.62, -1.05, 0.15]) * hr), R, np.array([0.3, 0.62, 0.14]) * hr,
                     fur)
        cv.ellipsoid(head_c + Rh @ (np.array([sx * 0.62, -1.0, 0.02]) * hr), R, np.array([0.16, 0.42, 0.05]) * hr,
                     dark)
    cv.label = "head"
    cv.ellipsoid(head_c, Rh, np.array([1.05, 0.95, 1.0]) * hr, fur, gloss=0.03)
    for sx in (1, -1):  # white cheek fluff
        cv.ellipsoid(head_c + Rh @ (np.array([sx * 0.55, 0.45, -0.6]) * hr), Rh, np.array([0.5, 0.4, 0.4]) * hr,
                     white)
    snout = head_c + Rh @ (np.array([0.0, 0.3, -0.95]) * hr)
    cv.ellipsoid(snout, Rh, np.array([0.38, 0.3, 0.5]) * hr, white)
    cv.ellipsoid(snout + Rh @ (np.array([0.0, -0.08, -0.5]) * hr), Rh, np.array([0.14, 0.1, 0.1]) * hr, dark,
                 gloss=0.2)
    for sx in (1, -1):
        eye = head_c + Rh @ (np.array([sx * 0.36, -0.12, -0.88]) * hr)
        cv.ellipsoid(eye, Rh, np.array([0.13, 0.17, 0.08]) * hr, dark, gloss=0.3)


def _fox(size: tuple[int, int], seed: int) -> _Drawn:
    w, h = size
    props = _FOX_PROPS
    p = Pose.rest(1, props)
    _arms(p, 0, 1, 32.0, 5.0, 25.0, 10.0)
    _arms(p, 1, -1, 80.0, 10.0, 70.0, 90.0)  # waving
    s = min(0.78 * h, 1.1 * w)
    c = (0.56 * w, 0.95 * h - 0.5 * s)
    joints, hands = _pixels(p, props, size, s, c)
    bg = make_background((248, 240, 222), size)
    cv = _LabelledCanvas(bg, (0, 0, w, h), joints)
    cv.seam, cv.tie = np.float32(0.012 * s), np.float32(0.002 * s)
    # the tail: a bushy curve of fur from behind the hips out to the character's right and up, white at the tip
    hip = 0.5 * (joints[J["left_hip"]] + joints[J["right_hip"]])
    cv.label = "tail"
    path = np.array([[0.0, 0.03, 0.09], [-0.1, 0.09, 0.08], [-0.2, 0.11, 0.06], [-0.28, 0.07, 0.05],
                     [-0.32, -0.01, 0.04], [-0.33, -0.09, 0.03]])
    knots = np.linspace(0.0, 1.0, len(path))
    for t in np.linspace(0.0, 1.0, 11):
        centre = np.array([np.interp(t, knots, path[:, k]) for k in range(3)])
        ahead = np.array([np.interp(min(t + 0.1, 1.0), knots, path[:, k]) for k in range(3)])
        r = (0.04 + 0.045 * math.sin(math.pi * min(1.0, 0.1 + 0.95 * t))) * s
        col = (246, 238, 224) if t > 0.82 else (226, 118, 40)
        R = _frame(ahead - centre + np.array([1e-3, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
        cv.ellipsoid(hip + centre * s, R, np.array([1.25 * r, r, r]), col)
    cv.label = None
    _draw_figure(cv, joints, hands, _FOX_STYLE, scale=s, props=_tiny_head(props))
    _fox_head(cv, joints, s)
    cv.label = None
    labels = cv.labels()
    img = _cel_shade(cv.result(), labels >= 0)
    return _outline(img, labels, 3, (34, 22, 18)), joints, s, labels, {"tail", "ears"}


_ROBOT_STYLE = Style(skin=(150, 158, 170), hair=(150, 158, 170), shirt=(112, 122, 138), trousers=(70, 76, 88),
                     shoes=(50, 50, 56), lips=(40, 40, 40), iris=(40, 200, 230), sleeves="long", build=1.25)


def _robot(size: tuple[int, int], seed: int) -> _Drawn:
    w, h = size
    props = ADULT
    p = Pose.rest(1, props)
    for i, side in enumerate((1, -1)):  # a boxing guard: elbows down and in, gloves up beside the chin
        _arms(p, i, side, 30.0, 55.0, 125.0, 85.0)
    s = min(1.6 * h, 2.4 * w)
    c = (w / 2, 0.1 * h + 0.5 * s)
    joints, hands = _pixels(p, props, size, s, c)
    bg = make_background("cluttered", size, seed=seed + 7)
    cv = _LabelledCanvas(bg, (0, 0, w, h), joints)
    cv.seam, cv.tie = np.float32(0.012 * s), np.float32(0.002 * s)
    _draw_figure(cv, joints, None, _ROBOT_STYLE, hide_hands=True, scale=s, props=_tiny_head(props))
    head_c, Rh, hr = head_frame(joints, props, s)
    metal, visor, glow = (176, 184, 196), (30, 34, 44), (60, 220, 250)
    cv.label = "antenna"
    tip = head_c + Rh @ (np.array([0.3, -1.6, 0.0]) * hr)
    cv.capsule(head_c + Rh @ (np.array([0.2, -0.9, 0.0]) * hr), tip, 0.06 * hr[0], 0.05 * hr[0], metal)
    cv.ellipsoid(tip, Rh, np.full(3, 0.16) * hr[0], (230, 60, 50), gloss=0.3)
    cv.label = "head"
    cv.ellipsoid(head_c, Rh, np.array([1.05, 1.0, 1.0]) * hr, metal, gloss=0.25)
    cv.ellipsoid(head_c + Rh @ (np.array([0.0, -0.05, -0.55]) * hr), Rh, np.array([0.85, 0.3, 0.5]) * hr, visor,
                 gloss=0.4)
    for sx in (1, -1):
        cv.ellipsoid(head_c + Rh @ (np.array([sx * 0.35, -0.05, -1.0]) * hr), Rh, np.array([0.14, 0.1, 0.06]) * hr,
                     glow)
    cv.label = None
    for side in ("left", "right"):  # shoulder pads and boxing gloves
        sh, el, wr = (joints[J[f"{side}_{n}"]] for n in ("shoulder", "elbow", "wrist"))
        cv.ellipsoid(sh + np.array([0, -0.01, 0]) * s, _frame(np.array([1.0, 0, 0]), np.array([0, 1.0, 0])),
                     np.full(3, 0.058) * s, metal, gloss=0.25)
        glove = wr + 0.5 * 0.09 * s * _norm(wr - el)
        cv.ellipsoid(glove, _frame(_norm(wr - el), np.array([0, 1.0, 0])), np.array([0.07, 0.06, 0.06]) * s,
                     (200, 30, 36), gloss=0.35)
    labels = cv.labels()
    return _outline(cv.result(), labels, 1, (30, 30, 36)), joints, s, labels, {"antenna"}


_BEAR_FUR, _BEAR_LIGHT, _BEAR_DARK = (150, 90, 40), (215, 170, 120), (70, 40, 20)
_BEAR_WALL, _BEAR_FLOOR = (240, 225, 200), (120, 170, 120)


def _bear(size: tuple[int, int], seed: int) -> _Drawn:
    """A flat-coloured teddy bear standing on a floor before a wall: a third of its height is head, no neck, arms
    against its sides, short legs. Drawn in the character's units (its standing height ``s``, x from its middle,
    y down from the top of its head)."""
    import cv2

    w, h = size
    s = 0.8 * h
    x0, y0 = w / 2, 0.12 * h

    def px(x: float, y: float) -> tuple[int, int]:
        return round(x0 + x * s), round(y0 + y * s)

    img = np.empty((h, w, 3), np.uint8)
    img[:] = _BEAR_WALL
    img[round(y0 + 0.9 * s):] = _BEAR_FLOOR
    labels = np.full((h, w), -1, np.int16)

    def ellipse(part: str, c: tuple[float, float], axes: tuple[float, float], colour, angle: float = 0.0) -> None:
        centre, radii = px(*c), (round(axes[0] * s), round(axes[1] * s))
        cv2.ellipse(img, centre, radii, angle, 0, 360, colour, -1, cv2.LINE_AA)
        cv2.ellipse(labels, centre, radii, angle, 0, 360, _NAMES.index(part), -1)

    for side, x in (("left", 1.0), ("right", -1.0)):  # the character's left on the image's right
        ellipse(f"{side}_leg", (0.09 * x, 0.8), (0.075, 0.13), _BEAR_FUR)
        ellipse(f"{side}_leg", (0.1 * x, 0.935), (0.08, 0.045), _BEAR_LIGHT)
    ellipse("torso", (0.0, 0.56), (0.2, 0.25), _BEAR_FUR)
    ellipse("torso", (0.0, 0.6), (0.125, 0.17), _BEAR_LIGHT)
    for side, x in (("left", 1.0), ("right", -1.0)):
        ellipse(f"{side}_arm", (0.235 * x, 0.52), (0.06, 0.17), _BEAR_FUR, -25.0 * x)
        ellipse(f"{side}_arm", (0.3 * x, 0.67), (0.05, 0.05), _BEAR_LIGHT)
        ellipse("ears", (0.13 * x, 0.06), (0.065, 0.065), _BEAR_FUR)
        ellipse("ears", (0.13 * x, 0.06), (0.036, 0.036), _BEAR_LIGHT)
    ellipse("head", (0.0, 0.17), (0.17, 0.17), _BEAR_FUR)
    ellipse("head", (0.0, 0.22), (0.08, 0.06), _BEAR_LIGHT)
    ellipse("head", (0.0, 0.2), (0.02, 0.02), _BEAR_DARK)
    for x in (1.0, -1.0):
        ellipse("head", (0.065 * x, 0.14), (0.017, 0.017), _BEAR_DARK)
    joints = np.zeros((33, 3))
    at = {"nose": (0.0, 0.2), "mouth_left": (0.025, 0.235), "mouth_right": (-0.025, 0.235)}
    for side, x in (("left", 1.0), ("right", -1.0)):
        at |= {f"{side}_eye": (0.065 * x, 0.14), f"{side}_eye_inner": (0.045 * x, 0.14),
               f"{side}_eye_outer": (0.085 * x, 0.14), f"{side}_ear": (0.15 * x, 0.16),
               f"{side}_shoulder": (0.17 * x, 0.38), f"{side}_elbow": (0.235 * x, 0.52),
               f"{side}_wrist": (0.28 * x, 0.64), f"{side}_index": (0.31 * x, 0.69), f"{side}_pinky": (0.29 * x, 0.7),
               f"{side}_thumb": (0.27 * x, 0.68), f"{side}_hip": (0.09 * x, 0.72), f"{side}_knee": (0.09 * x, 0.83),
               f"{side}_ankle": (0.095 * x, 0.92), f"{side}_heel": (0.095 * x, 0.95),
               f"{side}_foot_index": (0.12 * x, 0.96)}
    for name, (x, y) in at.items():
        joints[J[name], :2] = px(x, y)
    return img, joints, s, labels, {"ears"}


_BUILDERS = {"cartoon_girl": _girl, "fox": _fox, "robot_boxer": _robot, "teddy_bear": _bear}


def make_stylised(name: str, *, size: tuple[int, int] = (720, 960), seed: int = 0,
                  path: str | Path | None = None) -> StylisedCharacter:
    """Draw a stylised character (one of ``CHARACTERS``) on a ``size=(w, h)`` picture with its ground truth;
    with ``path``, also write the picture there as a PNG."""
    if name not in _BUILDERS:
        raise ValueError(f"unknown stylised character {name!r}; use one of {CHARACTERS}")
    image, joints, s, labels, extras = _BUILDERS[name](size, seed)
    w, h = size
    x, y = joints[:, 0], joints[:, 1]
    in_frame = (x >= 0) & (x < w) & (y >= 0) & (y < h)
    character = StylisedCharacter(name=name, image=image, joints=joints.astype(np.float32), in_frame=in_frame,
                                  labels=labels, extras=tuple(e for e in EXTRAS if e in extras), scale=float(s))
    if path is not None:
        from PIL import Image

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(path)
    return character
