"""The arm of a close-up cut by the image's bottom edge keeps its pixels up to its own outline: a woman in a white
top, her right arm hanging in a puffed white sleeve to the bottom edge, the forearm's skin showing under the
sleeve's hem beside the torso, a grey line (the arm's outline) between the arm and the torso, her elbow and wrist
guessed below the image on the arm's outer side (TikTok character 5).

Drawn here with its joints, so the parts are found from a known picture."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.mesh import build_layers
from motion_transfer.engines.puppet.model import LAYERS, PARTS, Rig
from motion_transfer.engines.puppet.parts import label_parts
from motion_transfer.pose.skeleton import J
from conftest import layered_rig
from torso_scene import CLOSE_UP, close_up_joints

W, H = 300, 300
TOP = (215, 215, 222)  # the white top
SHADE = (150, 132, 118)  # ... in the shade at the image's bottom edge
SKIN = (196, 150, 122)
SLEEVE = (228, 228, 232)
LINE = (120, 112, 108)  # the arm's outline against the torso
BACKDROP = (110, 130, 110)
JOINTS = {**CLOSE_UP, "right_elbow": (15, 300), "right_wrist": (5, 400), "left_hip": (185, 420),
          "right_hip": (115, 420)}


def _outline(mask: np.ndarray) -> np.ndarray:
    return mask & ~cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)


def _close_up(outlined: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, visibility, the forearm's skin under the right sleeve's hem); not ``outlined``: the
    sleeve all of the top's colour, no skin and no line between it and the torso."""
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = BACKDROP
    yy, xx = np.mgrid[0:H, 0:W]
    torso = (yy >= 105) & (np.abs(xx - 150) <= 75)
    shade = np.clip((yy - 230) / 50.0, 0.0, 1.0)[..., None]
    image[torso] = np.round((1 - shade[torso]) * np.float64(TOP) + shade[torso] * np.float64(SHADE))
    head = (xx - 150) ** 2 + (yy - 55) ** 2 <= 32 ** 2
    image[head] = SKIN
    # the right arm (image left): the sleeve puffed out towards the torso above the bottom edge
    right = (yy >= 100) & (xx >= 20) & (xx < 100 + 12 * np.sin(np.clip((yy - 150) / 100.0, 0, 1) * np.pi))
    image[right] = SLEEVE
    skin = right & (yy >= 262 - 0.6 * (xx - 60)) & (xx >= 72)
    image[skin] = SKIN
    image[_outline(right) & (xx > 80)] = LINE
    if not outlined:
        image[right] = image[:, 150][yy[right]]
    left = (yy >= 100) & (xx >= 205) & (xx < 265)
    image[left] = SLEEVE
    image[_outline(left) & (xx < 220)] = LINE
    joints, vis = close_up_joints(JOINTS)
    return image, (torso | head | right | left).astype(np.float32), joints, vis, skin


@pytest.fixture(scope="module")
def close_up():
    image, matte, joints, vis, skin = _close_up()
    labels, _ = label_parts(matte, joints, vis, None, image)
    return image, matte, joints, vis, skin, labels


def test_the_skin_under_a_sleeve_cut_by_the_bottom_edge_is_the_arms(close_up):
    *_, skin, labels = close_up
    arm = np.isin(labels, [PARTS.index(p) for p in LAYERS["arm_r"]])
    assert (arm & skin).sum() >= 0.9 * skin.sum()


def test_the_body_layer_shows_no_skin_where_the_arm_hung(close_up):
    image, matte, joints, vis, skin, labels = close_up
    rig = Rig(width=W, height=H, joints=joints, visibility=vis, depth=np.zeros(33, np.float32), source="test",
              image=image, matte=matte, labels=labels)
    body = next(layer for layer in build_layers(rig) if layer.name == "body")
    ox, oy = body.origin
    tex = np.zeros((H, W, 4), np.uint8)  # the layer on the image's canvas
    y0, y1, x0, x1 = max(0, oy), min(H, oy + body.texture.shape[0]), max(0, ox), min(W, ox + body.texture.shape[1])
    tex[y0:y1, x0:x1] = body.texture[y0 - oy:y1 - oy, x0 - ox:x1 - ox]
    shown = skin & (tex[..., 3] > 128)
    like = np.linalg.norm(tex[..., :3].astype(np.float64) - SKIN, axis=2) < 20
    assert not (shown & like).any()


def test_without_an_outline_the_arms_border_at_the_bottom_edge_stays_where_it_was():
    image, matte, joints, vis, _ = _close_up(outlined=False)
    labels, _ = label_parts(matte, joints, vis, None, image)
    yy, xx = np.mgrid[0:H, 0:W]
    strip = (yy >= 250) & (xx >= 72) & (xx < 100)
    assert (labels[strip] == PARTS.index("torso")).mean() > 0.5


@pytest.mark.parametrize("raised", [60.0, 90.0])
def test_the_sleeves_cut_end_raised_into_view_goes_on_round_over_the_skin_under_its_hem(close_up, raised):
    """The right arm, its puffed sleeve cut by the bottom edge with the forearm's skin under its hem beside the
    torso, swung out ``raised`` degrees about its shoulder: just past where the edge cut it, the arm's layer is
    opaque all across the cut (the sleeve goes on over the skin's width too, to its rounded hem), along the bone
    on to the wrist the backdrop shows nowhere, and the skin at the cut shows the sleeve's colour, no band. Only the sleeve's piece round the bone went on (the skin
    under the hem parted it from the rest): the rest of the cut rose into view as a straight edge with the wall
    below it (TikTok character 5, 5<-0 frames 20-26)."""
    from motion_transfer.engines.puppet import Renderer
    from motion_transfer.pose.retarget import extend

    image, matte, joints, vis, skin, labels = close_up
    rig = layered_rig(image, matte, joints, labels, vis)
    assert "arm_r" in rig.meta["continued"]
    rest = extend(rig.joints.astype(np.float64))
    shoulder = rest[J["right_shoulder"]]
    a = np.radians(raised)  # (outwards: the picture's left, then up)
    turn = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    shift = np.array([260.0, 120.0])  # on a canvas with room for the raised arm
    posed = rest + shift
    for k in ("elbow", "wrist", "index", "pinky", "thumb"):
        posed[J[f"right_{k}"]] = shoulder + turn @ (rest[J[f"right_{k}"]] - shoulder) + shift
    out_w, out_h = W + 300, H + 200
    black, white = (Renderer(rig, out_w, out_h).render(np.full((out_h, out_w, 3), bg, np.uint8), posed,
                                                       np.zeros(len(rest)), 1.0, 0.0).astype(int)
                    for bg in (0, 255))
    opaque = np.abs(black - white).max(axis=2) < 64

    def shown(points: np.ndarray) -> np.ndarray:
        at = np.rint((points - shoulder) @ turn.T + shoulder + shift).astype(int)
        return opaque[at[:, 1], at[:, 0]]

    arm = np.isin(labels[H - 1], [PARTS.index(p) for p in LAYERS["arm_r"]]) & (matte[H - 1] >= 0.5)
    xs = np.nonzero(arm)[0]
    assert xs.ptp() > 60 and skin[H - 1].any()
    inner = xs[(xs > xs.min() + 0.15 * xs.ptp()) & (xs < xs.max() - 0.15 * xs.ptp())]
    past = np.stack([inner, np.full(inner.shape, H + 2.0)], axis=1)  # 3 px past the cut
    assert shown(past).mean() >= 0.9, f"{(~shown(past)).sum()} of {len(inner)} px just past the cut end see through"
    elbow, wrist = rest[J["right_elbow"]], rest[J["right_wrist"]]
    bone = elbow[None] + np.linspace(0.0, 1.0, 40)[:, None] * (wrist - elbow)[None]
    assert shown(bone).all(), "the backdrop shows between the sleeve and the forearm along the bone"
    # the skin under the hem at the cut is the sleeve's end now, no brown band across it
    ys, xs = np.nonzero(cv2.erode(skin.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool))
    band = np.stack([xs, ys], axis=1)[ys >= H - 6].astype(np.float64)
    at = np.rint((band - shoulder) @ turn.T + shoulder + shift).astype(int)
    off = np.linalg.norm(black[at[:, 1], at[:, 0]] - np.array(SKIN), axis=1)
    assert len(band) > 20 and np.median(off) > 30, f"the skin under the hem still shows ({np.median(off):.0f} off)"
