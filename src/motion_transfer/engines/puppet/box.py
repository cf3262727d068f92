"""A drawn figure whose torso is a box (a robot's rectangle) moves it as a rigid box.

The body's torso is skinned to the pelvis and the chest frames, blended by height, and the chest frame is an
affine map that takes the rest shoulders and spine to the posed ones, sheared wherever the dancer's shoulder line
is not square to the spine. On a person's torso both read as the body bending; on a box robot's rectangle they
skewed it into a trapezoid whenever the dancer leant or bent (the lead's boxbot and boxbot2 dancing). A box torso
follows one frame whole, the chest's made square: the spine's turn and stretch, the shoulders' span across it, no
shear; the arms hang at the box's shoulders and the pelvis's own bend is left to the hips (the legs hang from the
posed hips, behind the box's lower edge).

Which torsos are boxes: only drawn figures (their skeleton fitted to their silhouette, or drawn lines found), so
that no photograph changes, and only a torso whose outline is a rectangle: its labelled pixels, opened by a square
of a third of its width (which drops a leg's or the neck's stub labelled with it and keeps a rectangle's square
corners), fill their smallest enclosing rectangle. The lead's box robots fill 0.99 and 1.0; the drawn round
torsos (teddy bear, bear, penguin, fox, the cartoon girl, the astronaut) 0.78-0.89.
"""
from __future__ import annotations

import cv2
import numpy as np

from ...pose.retarget import MH, MS
from ...pose.skeleton import J
from .model import PARTS

BOX_FILL = 0.97  # a box torso's opened pixels fill at least this much of their smallest enclosing rectangle
BOX_OPENING = 0.35  # the opening's square, in the torso's widths
SHORTEST = (0.35, 0.4)  # the box is drawn no narrower, no shorter than this many times its rest size (x the width
# scale): as the chest frame's axes (``render._frame``), so a shoulder line seen end on keeps a slab of the box


def is_box_torso(labels: np.ndarray, drawn: bool) -> bool:
    """Whether the torso labelled in ``labels`` (HxW part indices) of a ``drawn`` figure is a box (see the module's
    docstring); a photograph's torso never is."""
    torso = (labels == PARTS.index("torso")).astype(np.uint8)
    if not drawn or not torso.any():
        return False
    n, comp, stats, _ = cv2.connectedComponentsWithStats(torso)
    torso = (comp == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))).astype(np.uint8)
    width = int(stats[1:, cv2.CC_STAT_WIDTH].max())
    k = max(1, round(BOX_OPENING * width))
    opened = cv2.morphologyEx(torso, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    contours, _ = cv2.findContours(opened, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return False
    outline = max(contours, key=cv2.contourArea)
    (_, _), (w, h), _ = cv2.minAreaRect(outline)
    return bool(cv2.contourArea(outline) >= BOX_FILL * max(w * h, 1.0))


def box_frame(rest: np.ndarray, posed: np.ndarray, W: np.ndarray, torso_width: np.ndarray) -> np.ndarray:
    """[T, 2, 3] the chest's map made square: from the rest joints ``rest`` [36, 2] to each frame's ``posed``
    [36, T, 2] (``W`` [T] the width scale, ``torso_width`` [T] the shoulders' drawn span over their joints').
    The rest spine (mid-shoulder to mid-hip) turns onto the posed one and stretches as it does; across it the box
    takes the posed shoulders' span across the posed spine; the mid-shoulder stays on its posed place."""
    s0 = rest[MH] - rest[MS]
    L0 = max(float(np.hypot(*s0)), 1e-9)
    u0 = s0 / L0
    n0 = np.array([-u0[1], u0[0]])
    across0 = max(abs(float((rest[J["left_shoulder"]] - rest[J["right_shoulder"]]) @ n0)), 1e-9)
    s1 = posed[MH] - posed[MS]
    L1 = np.hypot(s1[:, 0], s1[:, 1])
    u1 = np.where((L1 > 1e-9)[:, None], s1 / np.maximum(L1, 1e-9)[:, None], u0)
    n1 = np.stack([-u1[:, 1], u1[:, 0]], axis=1)
    shoulders = (posed[J["left_shoulder"]] - posed[J["right_shoulder"]]) * torso_width[:, None]
    across1 = np.abs(np.einsum("ti,ti->t", shoulders, n1))
    sx = np.maximum(across1 / across0, SHORTEST[0] * W)
    sy = np.maximum(L1 / L0, SHORTEST[1] * W)
    M = sx[:, None, None] * n1[:, :, None] * n0[None, None, :] + sy[:, None, None] * u1[:, :, None] * u0[None, None, :]
    t = posed[MS] - M @ rest[MS]
    return np.concatenate([M, t[:, :, None]], axis=2)
