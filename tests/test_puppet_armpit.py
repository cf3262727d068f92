"""The shade in a T-shirt's armpit, past the body's side: no flap of it left beside the body once the arm swings
out, and no wedge of the backdrop between the body's side and the sleeve either (TikTok character 4: the flap in
her dance, the wedge once the flap was cut off, in her pair moved by clip 5)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.armpit import EDGE_STEEP, armpit_shadows_to_arms, cloth_edge
from motion_transfer.engines.puppet.model import PARTS, Rig
from motion_transfer.engines.puppet.parts import label_parts
from conftest import layered_rig, left_arm_swung
from torso_scene import cie_lab, standing_joints

SKIN, SHIRT, SHADE, WALL = (225, 180, 150), (165, 185, 215), (25, 60, 85), (90, 120, 90)
MAGENTA = (255, 0, 255)
H, W = 420, 400
SIDE = 258  # the body's side (image right) below the armpit
CLOTH = (slice(178, 230), slice(SIDE, 274))  # the armpit's cloth past it: lit at the top, shaded below
SHADED = 198  # the row where the shade begins


def _figure() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, labels): a girl in a light-blue T-shirt, her left arm (image right) hanging beside her
    body with the backdrop showing between them below the armpit; above it the shirt bunches past her side in the
    armpit, lit at the top and in deep shade below, labelled the torso's (as labels by distance gave character 4's)."""
    joints = standing_joints({"head": (200, 95), "left_shoulder": (266, 170), "right_shoulder": (134, 170),
                              "left_hip": (250, 380), "right_hip": (150, 380), "left_elbow": (296, 285),
                              "left_wrist": (304, 390), "right_elbow": (104, 285), "right_wrist": (96, 390)},
                             (245, 155), 520)
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    figure = np.zeros((H, W), np.uint8)
    torso = np.array([(142, 160), (SIDE, 160), (SIDE, H), (142, H)], np.int32)
    for mask in (image, figure):
        def colour(c):
            return c if mask is image else 1
        cv2.fillConvexPoly(mask, torso, colour(SHIRT))
        cv2.ellipse(mask, (200, 95), (40, 52), 0, 0, 360, colour(SKIN), -1)
        for s in (1, -1):
            shoulder, elbow, wrist = (200 + s * 68, 172), (200 + s * 96, 285), (200 + s * 104, 390)
            cv2.line(mask, shoulder, elbow, colour(SHIRT), 36)
            cv2.line(mask, elbow, wrist, colour(SKIN), 26)
    image[CLOTH] = SHIRT
    image[SHADED:CLOTH[0].stop, CLOTH[1]] = SHADE
    figure[CLOTH] = 1
    image = cv2.GaussianBlur(image, (0, 0), 0.8)
    image = np.clip(image + np.random.default_rng(4).normal(0, 2, image.shape), 0, 255).astype(np.uint8)
    matte = figure.astype(np.float32)
    labels, _ = label_parts(matte, joints, np.ones(33), None, image)
    labels[CLOTH] = PARTS.index("torso")
    return image, matte, joints, labels


@pytest.fixture(scope="module")
def rig() -> Rig:
    image, matte, joints, labels = _figure()
    labels, armpits = armpit_shadows_to_arms(labels, joints, image)
    rig = layered_rig(image, matte, joints, labels, armpits=armpits)
    return rig



def _shade(rgb: np.ndarray) -> np.ndarray:
    return np.linalg.norm(cie_lab(rgb) - cie_lab(np.uint8([[SHADE]]))[0, 0], axis=-1) < 15.0


def test_the_body_keeps_no_shade_past_its_side(rig):
    """The body layer holds none of the armpit's shade past its side (but the few pixels it goes on under the cloth's
    soft edge: ``armpit.UNDER_CLOTH``): it goes with the arm (before: the shade was the torso's, a dark flap beside
    the body once the arm moved)."""
    body = next(layer for layer in rig.layers if layer.name == "body")
    (ox, oy), tex = body.origin, body.texture
    laid = np.zeros((H, W, 4), np.uint8)
    laid[oy:oy + tex.shape[0], ox:ox + tex.shape[1]] = tex[:H - oy, :W - ox]
    past = laid[CLOTH[0], SIDE + 7:]
    assert not (_shade(past[..., :3]) & (past[..., 3] > 127)).any()


@pytest.mark.parametrize("degrees", [15, 40])
def test_no_backdrop_between_the_body_and_the_sleeve_as_the_arm_swings_out(rig, degrees):
    """Swung out, the armpit's cloth stretches from the body's side to the sleeve: no magenta along the side at
    the armpit (cut off the body at its side and turned whole with the arm, it left a wedge of the backdrop from
    the shoulder down), and none of the shade left standing past the side below the cloth."""
    frame = left_arm_swung(rig, degrees)
    along = frame[CLOTH[0].start + 4:CLOTH[0].stop - 4, SIDE - 1:SIDE + 10]
    assert not (along == MAGENTA).all(axis=-1).any()
    below = frame[CLOTH[0].stop + 6:CLOTH[0].stop + 40, SIDE + 3:SIDE + 12]
    assert not _shade(below).any()


@pytest.mark.parametrize("degrees", [60, 100])
def test_no_backdrop_by_the_side_as_the_arm_rises_pointing_at_the_camera(rig, degrees):
    """Raised out (to past the shoulder's level) with the upper arm at half its length, as an arm swung up towards
    the camera is drawn: the cloth still stretches from the body's side to the sleeve, no magenta along the side
    from the armpit's top down to its lower half (the upper arm's slide along its bone, :mod:`.foreshorten`, took
    the cloth the trunk holds with it, up to 75 pixels: a wedge of the backdrop opened inside the shirt, TikTok
    character 4 moved by clip 5, frames 141-151)."""
    frame = left_arm_swung(rig, degrees, upper=0.5)
    along = frame[CLOTH[0].start + 4:SHADED + 12, SIDE - 1:SIDE + 10]
    assert not (along == MAGENTA).all(axis=-1).any(), (along == MAGENTA).all(axis=-1).sum()


def test_the_cloth_goes_with_the_arm_as_it_closes_on_the_body(rig):
    """Swung in across the body, the cloth turns with the arm, whole: as much of its shade shows as at rest (held by
    the trunk, its triangles turned over under the sleeve and were drawn torn, a fifth of it gone, as stair-stepped
    cells in character 4's dance), and none of it is left past the body's side below the sleeve."""
    frame = left_arm_swung(rig, -25)
    assert _shade(frame).sum() >= 0.9 * _shade(left_arm_swung(rig, 0)).sum()
    past = frame[CLOTH[0].stop - 10:CLOTH[0].stop + 30, SIDE + 4:SIDE + 16]
    assert not _shade(past).any()


def test_the_cloth_closed_on_by_an_arm_pointing_at_the_camera_slides_with_it(rig):
    """Swung in with the upper arm at half its length, the cloth turned with the arm slides along it with the sleeve
    (:func:`.bend.carried`): its shade reaches no higher than at rest (left where the trunk holds it while the
    sleeve round it slid, it was drawn out in dark shards 16 rows up the sleeve's inside)."""
    rest_top = np.nonzero(_shade(left_arm_swung(rig, 0)))[0].min()
    for degrees in (-25, -10):
        top = np.nonzero(_shade(left_arm_swung(rig, degrees, upper=0.5)))[0].min()
        assert top >= rest_top - 6, (degrees, top, rest_top)


def test_the_arms_band_beside_the_cloth_fades_out_fast():
    """The arm's band on the torso beside the armpit's cloth fades EDGE_STEEP times as fast (stretched with the
    cloth as the arm swung out, its slow fade let streaks of the backdrop through along character 4's side); its
    band elsewhere, and the arm itself, keep their alpha."""
    labels = np.full((40, 40), PARTS.index("l_upper_arm"), np.int16)
    labels[:, :20] = PARTS.index("torso")
    cloth = np.zeros((40, 40), bool)
    cloth[5:20, 20:30] = True
    alpha = np.ones((40, 40))
    alpha[:, 17:20] = [0.1, 0.2, 0.3]  # the band's fade over the torso
    out = cloth_edge(alpha, cloth, labels, 2.5)
    assert np.allclose(out[10, 17:20], np.minimum(1.0, EDGE_STEEP * np.array([0.1, 0.2, 0.3])))
    assert (out[30] == alpha[30]).all() and (out[:, 20:] == 1.0).all()
