"""The bare belly behind a dark forearm lying across it, in an image a video's sharpening has given a bright rim
along the forearm's edge: once painted, the skin where that rim was looks like the skin beside it (TikTok clip 0:
kept, the rim stood as a pale diagonal streak across the belly where the forearm had lain)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.fill import fill_hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from torso_scene import BODY, H, W, cie_lab, torso

TOP, SKIN, BACKDROP = np.array([28, 24, 30]), np.array([205, 152, 126]), 225
HEM = 180  # the cropped top's hem: the top above it, bare skin below
ELBOW, WRIST = (215, 215), (85, 300)


def _character(blur: float = 1.0, sharpen: float = 1.2,
               chroma: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints, arm mask): a front-facing torso in a black cropped top, its bare belly lit from
    above (lighter towards the hem), a black sleeve lying across the belly from ``ELBOW`` to ``WRIST``; blurred a
    little (``blur``) and sharpened as a video encoder does (``sharpen``), which leaves a bright rim on the skin
    along the sleeve, its colour blurred over ``chroma`` pixels more (a video's colour is coarser than its
    light: a greyish, bluish rim)."""
    joints, image, body = torso(ELBOW, WRIST, BACKDROP)
    x0, y0, x1, y1 = BODY
    py = np.mgrid[0:H, 0:W][0].astype(np.float32)
    shade = np.clip(1.08 - 0.25 * (py - HEM) / (y1 - HEM), 0.0, 1.2)[..., None]
    image[body] = (SKIN * shade)[body]
    image[body & (py < HEM)] = TOP
    arm = np.zeros((H, W), np.uint8)
    cv2.line(arm, ELBOW, WRIST, 1, 28)
    image[arm > 0] = TOP
    image += np.random.default_rng(0).normal(0, 2, image.shape)
    image = cv2.GaussianBlur(np.clip(image, 0, 255), (0, 0), blur)
    image = np.clip(image + sharpen * (image - cv2.GaussianBlur(image, (0, 0), 3.0)) + 0.5, 0, 255).astype(np.uint8)
    if chroma > 0:
        ycc = cv2.cvtColor(image, cv2.COLOR_RGB2YCrCb).astype(np.float32)
        ycc[..., 1:] = cv2.GaussianBlur(ycc[..., 1:], (0, 0), chroma)
        image = cv2.cvtColor(np.clip(ycc + 0.5, 0, 255).astype(np.uint8), cv2.COLOR_YCrCb2RGB)
    labels = np.full((H, W), -1, np.int16)
    labels[body] = PARTS.index("torso")
    labels[arm > 0] = PARTS.index("r_lower_arm")
    return image, labels, joints, arm > 0



def test_no_pale_band_where_the_forearm_lay_across_the_belly():
    """The skin right beside where the sleeve lay (1 to 8 pixels from its edge, below it) is within 1.5 of CIE Lab
    of the skin a little farther out (12 to 20 pixels); the image itself has the rim 4 and more lighter there."""
    image, labels, joints, arm = _character()
    out, hidden = fill_hidden_torso(image, labels, joints)
    assert hidden[arm].mean() > 0.75, "the forearm does not hide the belly"
    body = labels == PARTS.index("torso")
    py, px = np.mgrid[0:H, 0:W]
    # the sleeve's lower side, on the belly, away from the body's outline
    (ex, ey), (wx, wy) = ELBOW, WRIST
    below = (py - ey) * (wx - ex) - (px - ex) * (wy - ey) < 0
    inner = body & below & (py > HEM + 25) & (px > BODY[0] + 25) & (px < BODY[2] - 25)
    d = cv2.distanceTransform((~arm).astype(np.uint8), cv2.DIST_L2, 5)
    rim = inner & (d >= 1) & (d <= 8)
    beyond = inner & (d >= 12) & (d <= 20)
    assert rim.sum() > 300 and beyond.sum() > 300
    before = cie_lab(image)
    assert before[rim, 0].mean() - before[beyond, 0].mean() > 4, "the image has no bright rim beside the sleeve"
    after = cie_lab(out)
    gap = float(np.linalg.norm(after[rim].mean(axis=0) - after[beyond].mean(axis=0)))
    assert gap < 1.5, f"the skin where the sleeve's rim was stands {gap:.1f} Lab apart from the skin beside it"


@pytest.mark.parametrize("blur, sharpen, chroma", [(1.0, 1.2, 2.5), (2.0, 1.0, 5.0), (1.5, 0.8, 6.0)])
def test_no_line_where_the_sleeves_edge_lay(blur, sharpen, chroma):
    """Across where the sleeve lay, from the hem's side to the belly's, the painted skin's colour changes smoothly:
    averaged along the sleeve, no offset from its middle stands more than 1 of CIE Lab off the mean of the skin 3
    pixels to either side (a line or a step; the rim along the sleeve's edge, copied into the paint as the paint's
    nearest source, stood 1.3 to 1.9 off; TikTok clip 0 showed it as the forearm's pale outline on the belly)."""
    image, labels, joints, arm = _character(blur, sharpen, chroma)
    out, _ = fill_hidden_torso(image, labels, joints)
    body = labels >= 0  # (the torso and the sleeve over it)
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    (ex, ey), (wx, wy) = ELBOW, WRIST
    length = float(np.hypot(wx - ex, wy - ey))
    across = ((px - ex) * (ey - wy) + (py - ey) * (wx - ex)) / length
    along = ((px - ex) * (wx - ex) + (py - ey) * (wy - ey)) / length
    inner = body & (py > HEM + 4) & (px > BODY[0] + 25) & (px < BODY[2] - 25) & (along > 40) & (along < 130)
    lab = cie_lab(out)
    profile = np.array([lab[inner & (np.abs(across - k) < 0.5)].mean(axis=0) for k in range(-40, 40)])
    line = np.linalg.norm(profile[3:-3] - 0.5 * (profile[:-6] + profile[6:]), axis=1)
    assert line.max() < 1.0, f"a line {line.max():.2f} Lab off the skin beside it, {np.argmax(line) - 37} px across"
