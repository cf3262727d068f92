"""Characters that are not photographed people: found without a rig file, extra parts carried along, blank
pictures refused with the rig-file advice."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.errors import RigError
from motion_transfer.pose.skeleton import J
from motion_transfer.samples.stylised import CHARACTERS, EXTRAS, REGIONS, make_stylised

# joint tolerances in units of standing height (a head is ~0.13): head, shoulders, hips, wrists
TOLERANCE = {"nose": 0.06, "left_shoulder": 0.05, "right_shoulder": 0.05, "left_hip": 0.05, "right_hip": 0.05,
             "left_wrist": 0.08, "right_wrist": 0.08}
# the robot's hips lie at the bottom edge of the picture under its belt, and a detector guesses them from the
# torso's shape; a tenth of the height is still inside the pelvis
HIP_AT_THE_EDGE = 0.12


@pytest.fixture(scope="module")
def characters():
    return {name: make_stylised(name) for name in CHARACTERS}


def test_generator_gives_pictures_with_their_truth(characters):
    girl, fox, robot = (characters[n] for n in CHARACTERS)
    for c in characters.values():
        assert c.image.shape == (960, 720, 3) and c.image.dtype == np.uint8
        assert c.labels.shape == c.image.shape[:2]
        assert set(c.extras) <= set(EXTRAS)
        for region in REGIONS[:4]:  # head, torso and both arms are drawn and visible
            assert c.mask(region).sum() > 2000, (c.name, region)
        for extra in c.extras:
            assert c.mask(extra).sum() > 500, (c.name, extra)
        # every joint in the picture lies on the figure (within a few pixels of it)
        near = cv2.dilate(c.figure.astype(np.uint8), None, iterations=6).astype(bool)
        inside = c.joints[c.in_frame, :2].astype(int)
        assert near[inside[:, 1], inside[:, 0]].all(), c.name
    assert girl.extras == ("bun", "cape") and fox.extras == ("tail", "ears") and robot.extras == ("antenna",)
    assert girl.in_frame.all() and fox.in_frame.all()
    assert not robot.in_frame[J["left_knee"]] and robot.in_frame[J["left_hip"]]  # upper body only
    # the subject's left is on the image's right; the bun is on top of the head, the tail beside the legs
    assert girl.joints[J["left_shoulder"], 0] > girl.joints[J["right_shoulder"], 0]
    assert np.nonzero(girl.mask("bun"))[0].mean() < np.nonzero(girl.mask("head"))[0].mean()
    assert np.nonzero(fox.mask("tail"))[1].mean() < fox.joints[J["right_hip"], 0]
    # deterministic; the background differs by seed only where it is textured
    again = make_stylised("fox")
    assert np.array_equal(again.image, fox.image) and np.array_equal(again.labels, fox.labels)
    with pytest.raises(ValueError, match="unknown stylised character"):
        make_stylised("dragon")


@pytest.mark.parametrize("name", CHARACTERS)
def test_stylised_characters_are_rigged_without_a_rig_file(characters, name):
    from motion_transfer.pose.figure import find_figure

    c = characters[name]
    figure = find_figure(c.image)
    assert figure is not None, f"{name}: no skeleton found"
    for joint, tol in TOLERANCE.items():
        if not c.in_frame[J[joint]]:
            continue
        if joint.endswith("hip") and not c.in_frame[J["left_knee"]]:
            tol = HIP_AT_THE_EDGE
        err = np.linalg.norm(figure.joints[J[joint]] - c.joints[J[joint], :2]) / c.scale
        assert err < tol, f"{name}: {joint} off by {err:.3f} of the height ({figure.method})"


def _lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb.reshape(-1, 1, 3).astype(np.uint8), cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(float)


@pytest.mark.parametrize("name", ["fox", "cartoon_girl"])
def test_extra_parts_move_with_the_figure_and_leave_nothing_behind(characters, name):
    """Tail, bun and cape are in the puppet (not the filled background), each in as few parts as it touches, and
    drawn where the figure goes when the whole figure moves."""
    from motion_transfer.engines.puppet import Renderer, rig_character
    from motion_transfer.engines.puppet.model import PARTS
    from motion_transfer.pose.retarget import extend

    c = characters[name]
    rig = rig_character(c.image)
    shift = np.array([0.12 * c.scale, -0.02 * c.scale])
    r = Renderer(rig, c.image.shape[1], c.image.shape[0])
    moved = r.render(rig.background.copy(), extend(rig.joints.astype(np.float64) + shift), np.zeros(36), 1.0, 0.0)
    dx, dy = np.round(shift).astype(int)
    for extra in c.extras:
        if extra == "ears":
            continue
        m = c.mask(extra)
        assert (rig.matte[m] > 0.5).mean() > 0.9, f"{name}: the {extra} is cut off by the matte"
        labels = rig.labels[m]
        assert (labels >= 0).mean() > 0.95
        share = np.bincount(labels[labels >= 0], minlength=len(PARTS)) / max((labels >= 0).sum(), 1)
        if extra in ("tail", "bun"):  # whole, in one part (a sliver where it meets another limb may differ)
            assert share.max() > 0.97, f"{name}: the {extra} is split: {dict(zip(PARTS, share.round(3)))}"
        ys, xs = np.nonzero(m)
        own = _lab(c.image[ys, xs])
        # not left behind: where it was, once the figure has moved away, something else shows
        gone = ~c.figure[np.clip(ys - dy, 0, c.image.shape[0] - 1), np.clip(xs - dx, 0, c.image.shape[1] - 1)]
        left = np.linalg.norm(_lab(moved[ys[gone], xs[gone]]) - own[gone], axis=1)
        assert gone.sum() > 100 and np.median(left) > 25.0, f"{name}: the {extra} stays behind in the background"
        # moved with the figure: the same colours drawn at its new place (where nothing nearer covers it)
        ny, nx = ys + dy, xs + dx
        ok = (ny >= 0) & (ny < moved.shape[0]) & (nx >= 0) & (nx < moved.shape[1])
        there = np.linalg.norm(_lab(moved[ny[ok], nx[ok]]) - own[ok], axis=1)
        assert np.median(there) < 18.0, f"{name}: the {extra} did not move with the figure"


def test_tail_swings_with_the_leg_it_is_attached_to(characters):
    """Turning the leg that carries the fox's tail about its hip turns the tail with it."""
    from motion_transfer.engines.puppet import Renderer, rig_character
    from motion_transfer.engines.puppet.model import PARTS
    from motion_transfer.pose.retarget import extend

    c = characters["fox"]
    rig = rig_character(c.image)
    tail = c.mask("tail")
    part = PARTS[np.bincount(rig.labels[tail][rig.labels[tail] >= 0]).argmax()]
    side = "left" if part.startswith("l_") else "right"
    assert part.endswith("upper_leg"), part  # the tail hangs beside the leg it grows behind
    joints = extend(rig.joints.astype(np.float64))
    hip = joints[J[f"{side}_hip"]].copy()
    a = np.radians(20.0 if side == "left" else -20.0)  # swing the leg outwards
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    leg = [J[f"{side}_{n}"] for n in ("knee", "ankle", "heel", "foot_index")]
    joints[leg] = (joints[leg] - hip) @ rot.T + hip
    out = Renderer(rig, c.image.shape[1], c.image.shape[0]).render(rig.background.copy(), joints, np.zeros(36),
                                                                   1.0, 0.0)
    colour = np.median(_lab(c.image[tail]), axis=0)
    ys, xs = np.nonzero(tail)
    centre = np.array([xs.mean(), ys.mean()])
    expect = (centre - hip) @ rot.T + hip
    h, w = tail.shape
    box = np.zeros_like(tail)
    x0, y0 = (np.minimum(centre, expect) - 0.2 * c.scale).astype(int).clip(0)
    x1, y1 = (np.maximum(centre, expect) + 0.2 * c.scale).astype(int)
    box[y0:y1, x0:x1] = True
    near = np.linalg.norm(_lab(out).reshape(h, w, 3) - colour, axis=2) < 14.0
    found = np.argwhere(near & box)[:, ::-1].mean(axis=0)
    assert np.linalg.norm(found - expect) < 0.35 * np.linalg.norm(expect - centre) + 4, \
        f"tail centre at {found.round()}, expected near {expect.round()} (was at {centre.round()})"


@pytest.mark.parametrize("kind", ["cluttered", "coffee"])
def test_a_picture_with_no_figure_gets_the_rig_file_error(kind):
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.samples import make_background

    if kind == "coffee":
        import skimage.data

        image = skimage.data.coffee()
    else:
        image = np.array(make_background("cluttered", (480, 360), seed=5))
    with pytest.raises(RigError) as info:
        rig_character(image, image_name=f"{kind}.png")
    text = str(info.value)
    assert f"{kind}.png" in text and "rig.json" in text and "--rig" in text


def test_a_cape_hangs_whole_behind_the_legs(characters):
    """The cartoon girl's cape is one layer of its own (the drape, moving with the trunk), not torn between the
    legs; with the legs swung apart, the cape shows between them where the legs stood (painted in), not the
    background, and the legs are drawn in front of it."""
    from motion_transfer.engines.puppet import Renderer, rig_character
    from motion_transfer.engines.puppet.model import PARTS
    from motion_transfer.pose.retarget import extend

    c = characters["cartoon_girl"]
    rig = rig_character(c.image)
    cape = c.mask("cape")
    labels = rig.labels[cape]
    assert (labels == PARTS.index("drape")).mean() > 0.75
    assert rig.layers[0].name == "drape"  # drawn first: behind the legs
    joints = extend(rig.joints.astype(np.float64))
    for side, sign in (("left", 1.0), ("right", -1.0)):  # each leg swung outwards about its hip
        hip = joints[J[f"{side}_hip"]].copy()
        a = np.radians(-15.0 * sign if joints[J["left_hip"], 0] > joints[J["right_hip"], 0] else 15.0 * sign)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        leg = [J[f"{side}_{n}"] for n in ("knee", "ankle", "heel", "foot_index")]
        joints[leg] = (joints[leg] - hip) @ rot.T + hip
    h, w = c.image.shape[:2]
    out = Renderer(rig, w, h).render(rig.background.copy(), joints, np.zeros(36), 1.0, 0.0)
    # between the knees' old places, below the crotch: the legs have left, the cape behind them shows
    kl, kr = rig.joints[J["left_knee"]], rig.joints[J["right_knee"]]
    mid = np.round((kl + kr) / 2).astype(int)
    patch = out[mid[1] - 3:mid[1] + 4, mid[0] - 3:mid[0] + 4].reshape(-1, 3)
    colour = np.median(_lab(c.image[cape]), axis=0)
    assert np.median(np.linalg.norm(_lab(patch) - colour, axis=1)) < 25.0
    # the legs are in front: the swung knee is drawn in its own colours (the image's at the knee), not the cape's
    for side in ("left", "right"):
        now, was = np.round(joints[J[f"{side}_knee"]]).astype(int), np.round(rig.joints[J[f"{side}_knee"]]).astype(int)
        drawn = _lab(out[now[1] - 2:now[1] + 3, now[0] - 2:now[0] + 3].reshape(-1, 3))
        own = _lab(c.image[was[1] - 2:was[1] + 3, was[0] - 2:was[0] + 3].reshape(-1, 3))
        assert np.linalg.norm(np.median(drawn, axis=0) - np.median(own, axis=0)) < 12.0, side


def test_the_face_is_animated_on_the_head_layer_even_with_a_drape(characters):
    """A drape is skinned to the head bone too; the face animator must still warp the layer that holds the head
    (choosing the first layer with a head bone picked the drape, and the face silently stayed still)."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.engines.puppet.face import detect_face_mesh, face_animator
    from motion_transfer.pose.track import PoseTrack

    c = characters["cartoon_girl"]
    rig = rig_character(c.image)
    assert rig.layers[0].name == "drape"
    mesh = detect_face_mesh(rig.image, rig.joints, rig.visibility)
    assert mesh is not None
    h, w = c.image.shape[:2]
    track = PoseTrack.empty(4, 25.0, w, h)
    track.face[:] = mesh.astype(np.float32)
    animator, _ = face_animator(rig, track)
    assert animator is not None and animator.valid
    body = next(ly for ly in rig.layers if ly.name == "body")
    assert animator.texture is body.texture
