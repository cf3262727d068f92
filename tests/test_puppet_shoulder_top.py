"""The shoulder's top under a sleeve that covers it up to the neck: the body layer's, so that no notch of the
backdrop shows between the neck and the sleeve once the arm rises (TikTok character 4)."""
import numpy as np

from motion_transfer.engines.puppet.envelope import shoulder_tops
from motion_transfer.engines.puppet.fill import fill_hidden_torso, sleeve_rims_painted
from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.skeleton import J

SHIRT = (150, 170, 215)
SKIN = (225, 170, 140)
WALL = (30, 70, 40)
SKY = (250, 250, 250)


def _figure(raised: bool, sleeve=SHIRT) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(labels, joints, image) of a photographed figure in a light blue T-shirt facing the camera, shoulders 160
    pixels apart (joints at rows 120), whose right sleeve (``sleeve``'s colour) covers the shoulder's round top
    from the neck (column 170) out, up to row 80; its arm hangs against its side, or is ``raised`` straight up
    (the sleeve beside the head)."""
    labels = np.full((420, 400), -1, np.int16)
    joints = np.zeros((33, 2), np.float32)
    for name, x, y in (("left_shoulder", 280, 120), ("right_shoulder", 120, 120), ("left_hip", 260, 330),
                       ("right_hip", 140, 330), ("nose", 200, 40)):
        joints[J[name]] = x, y
    labels[20:80, 170:230] = PARTS.index("head")
    labels[75:340, 120:285] = PARTS.index("torso")
    if raised:
        joints[J["right_elbow"]], joints[J["right_wrist"]] = (120, 10), (120, -80)
        labels[0:130, 90:150] = PARTS.index("r_upper_arm")
    else:
        joints[J["right_elbow"]], joints[J["right_wrist"]] = (100, 240), (100, 330)
        labels[75:80, 120:170] = -1  # (the backdrop right above the sleeve)
        labels[80:250, 80:170] = PARTS.index("r_upper_arm")
        labels[250:330, 80:125] = PARTS.index("r_lower_arm")
    joints[J["left_elbow"]], joints[J["left_wrist"]] = (300, 240), (300, 330)
    labels[80:250, 285:320] = PARTS.index("l_upper_arm")
    image = np.empty((420, 400, 3), np.uint8)
    image[:] = WALL
    image[labels >= 0] = SHIRT
    image[labels == PARTS.index("head")] = SKIN
    image[labels == PARTS.index("r_upper_arm")] = sleeve
    image[np.isin(labels, [PARTS.index("r_lower_arm"), PARTS.index("l_upper_arm")])] = SKIN
    image[80:83, 130:165] = SKY  # the backdrop's light blurred into the sleeve's rim
    rng = np.random.default_rng(0)
    image = np.clip(image + rng.normal(0, 3, image.shape), 0, 255).astype(np.uint8)
    return labels, joints, image


def test_the_body_under_a_sleeve_of_the_shirt_reaches_the_shoulders_top():
    """The T-shirt's sleeve over the shoulder, between the spine and the shoulder joint and above the joint, hides
    the shoulder's top: the body layer takes it (it stopped at the joint's level, and once the arm rose the backdrop
    showed in a notch between the neck and the sleeve), kept in the shirt's colour, the backdrop's light in its rim
    painted over. Past the joint, the sleeve's round is the arm's."""
    labels, joints, image = _figure(raised=False)
    painted, hidden = fill_hidden_torso(image, labels, joints)
    assert hidden[82:120, 125:170].all()
    assert not hidden[82:120, 80:110].any()
    # once the arm moves away, nothing of the backdrop is left in the shoulder's round below its top
    body = hidden | (labels == PARTS.index("torso"))
    assert body[82:120, 125:200].all()
    assert np.abs(painted[80:120, 125:170].astype(float) - SHIRT).max() < 20  # (no white patch on the shoulder)


def test_the_arm_draws_its_sleeves_rim_without_the_backdrops_light():
    """The arm's layer draws the sleeve over the shoulder too: the backdrop's light in its rim is painted from the
    sleeve there as well (TikTok character 4's sleeve ended in a white blob once the arm rose)."""
    labels, joints, image = _figure(raised=False)
    rimmed = sleeve_rims_painted(image, labels, joints, (labels >= 0).astype(np.float32))[0]
    assert np.abs(rimmed[80:83, 130:165].astype(float) - SHIRT).max() < 20
    assert (rimmed[labels != PARTS.index("r_upper_arm")] == image[labels != PARTS.index("r_upper_arm")]).all()


def test_a_bare_arm_over_the_shoulder_is_left_to_the_arm():
    """A sleeve unlike the top beside it (a bare arm over a strapless top) is no top's shoulder: painted in the
    top's colour it would stand as a flap of cloth above the top's edge once the arm rose."""
    labels, joints, image = _figure(raised=False, sleeve=SKIN)
    assert not fill_hidden_torso(image, labels, joints)[1][82:100, 125:170].any()


def test_a_raised_arm_beside_the_head_is_no_shoulder():
    """An arm raised straight up: its pixels above the shoulder joint are the arm, not the shoulder's top (taken
    as the body, they stood as a flap of cloth above the shoulder once the arm came down); only what lies behind
    the joint along the bone (below it, the armpit) may be the body's."""
    labels, joints, image = _figure(raised=True)
    assert not shoulder_tops(labels, joints)[:118].any()
    assert not fill_hidden_torso(image, labels, joints)[1][:100].any()


def test_the_arm_draws_its_sleeves_outline_without_the_backdrops_blur():
    """Down the sleeve's outer side, the dark backdrop blurred into the sleeve's rim is painted from the sleeve as
    well: kept, it stood as a dark beaded seam along the sleeve once the raised arm lay over the shirt (TikTok
    character 4). The skin past the hem, no blend of the sleeve and the backdrop, stays as it is."""
    labels, joints, image = _figure(raised=False)
    rim = (slice(120, 240), slice(80, 82))  # the sleeve's outer side, against the backdrop left of it
    image[rim] = (np.asarray(SHIRT) * 0.6 + np.asarray(WALL) * 0.4).astype(np.uint8)
    matte = (labels >= 0).astype(np.float32)
    matte[rim] = 0.6  # (the matte's soft rim: the photograph's blur)
    _, outlined, outline = sleeve_rims_painted(image, labels, joints, matte)
    assert np.abs(outlined[rim].astype(float) - SHIRT).max() < 20
    assert outline[rim].all()
    forearm = labels == PARTS.index("r_lower_arm")
    assert (outlined[forearm] == image[forearm]).all() and not outline[forearm].any()
    assert (outlined[labels < 0] == image[labels < 0]).all()

