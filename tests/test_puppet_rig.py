"""Puppet character analysis: skeleton, matte, layers, rig.json, and the clear error when nothing can be rigged."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from motion_transfer.errors import InputError, RigError
from motion_transfer.pose.skeleton import J
from motion_transfer.samples import character_pose, make_character


@pytest.fixture(scope="module")
def character(tmp_path_factory):
    path = tmp_path_factory.mktemp("rig") / "character.png"
    truth = make_character(path, size=(360, 480), style="person")
    from motion_transfer.media.frames import read_image

    return path, read_image(path), truth


@pytest.fixture(scope="module")
def rig(character):
    from motion_transfer.engines.puppet import rig_character

    return rig_character(character[1])


def test_rig_finds_the_skeleton_matte_and_layers(character, rig):
    _, image, truth = character
    main = [J[f"{s}_{p}"] for s in ("left", "right") for p in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")]
    err = np.linalg.norm(rig.joints[main] - truth[main, :2], axis=1)
    height = np.ptp(truth[:, 1])
    assert np.median(err) < 0.03 * height
    assert rig.source.startswith("detected")
    # the matte covers the mannequin (everything that differs from the plain background) and little else
    bg = np.median(image[:5].reshape(-1, 3), axis=0)
    fg = np.abs(image.astype(int) - bg).sum(axis=2) > 40
    m = rig.matte > 0.5
    assert (m & fg).sum() / fg.sum() > 0.93 and (m & ~fg).sum() / m.sum() < 0.08
    names = [layer.name for layer in rig.layers]
    assert names == ["leg_l", "leg_r", "body", "arm_l", "arm_r"]
    for layer in rig.layers:
        assert len(layer.triangles) > 20
        assert np.allclose(layer.weights.sum(axis=1), 1.0, atol=1e-4)
        assert layer.texture.shape[2] == 4 and layer.texture.dtype == np.uint8
    # the background has the character removed: no trace of the red-blue figure where it stood
    diff = np.abs(rig.background.astype(int) - bg).sum(axis=2)
    assert np.percentile(diff[fg], 95) < 40


def test_torso_behind_the_arm_is_painted_in(tmp_path):
    """An arm across the body: the body layer holds shirt colour (not skin) where the forearm was."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.samples import make_motion, render_mannequin

    clip = make_motion("cross", seconds=0.5, fps=30, size=(480, 360))
    i = int(np.argmax(clip.events["right_arm_front"]))
    frame = render_mannequin(clip.joints[i], clip.size, style="person", hands=clip.hands[i], scale=clip.scale)
    rig = rig_character(frame)
    body = next(layer for layer in rig.layers if layer.name == "body")
    ox, oy = body.origin
    el, wr = clip.joints[i, J["right_elbow"], :2], clip.joints[i, J["right_wrist"], :2]
    mid = (0.4 * el + 0.6 * wr).round().astype(int)
    rgba = body.texture[mid[1] - oy, mid[0] - ox]
    skin = np.array([226, 178, 146])
    assert rgba[3] > 200  # the torso is there behind the arm
    assert np.abs(rgba[:3].astype(int) - skin).sum() > 80, rgba  # and it is not the arm's skin


def test_a_small_portrait_with_a_forearm_across_it_rigs(tmp_path):
    """A 240x320 portrait (a decoded video frame) whose torso shows nowhere near the crossed forearm's edge:
    the arm-edge blend search got no pixels and OpenCV refused the empty colour conversion, failing the run."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import iter_frames
    from motion_transfer.samples import make_clip

    make_clip(tmp_path / "c.mp4", "cross", seconds=0.5, fps=4, size=(240, 320), framing="portrait")
    rig = rig_character(next(iter(iter_frames(tmp_path / "c.mp4"))))
    assert {"body", "arm_l", "arm_r"} <= {layer.name for layer in rig.layers}


def test_rig_json_round_trip(tmp_path, character, rig):
    from motion_transfer.engines.puppet import load_rig_json, save_rig_json, write_rig_template

    path, image, _ = character
    written = write_rig_template(path, tmp_path / "rig.json")
    assert written == tmp_path / "rig.json"
    doc = json.loads(written.read_text())
    assert doc["format"] == "motion-transfer.rig" and doc["source"].startswith("detected")
    assert doc["image"] == path.name and write_rig_template(image)["joints"] == doc["joints"]
    joints, _ = load_rig_json(tmp_path / "rig.json", image.shape[1], image.shape[0])
    for name, xy in doc["joints"].items():
        if xy is not None:
            assert np.allclose(joints[J[name]], xy, atol=0.06)
    assert np.allclose(joints[J["left_wrist"]], rig.joints[J["left_wrist"]], atol=0.5)
    # a hand-written minimal rig: the required joints only, at twice the resolution -> scaled, the rest derived
    minimal = {k: [2 * v[0], 2 * v[1]] for k, v in doc["joints"].items()
               if k in ("nose", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
                        "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle")}
    save_rig_json({"format": "motion-transfer.rig", "version": 1, "width": 2 * image.shape[1],
                   "height": 2 * image.shape[0], "joints": minimal}, tmp_path / "mini.json")
    j2, v2 = load_rig_json(tmp_path / "mini.json", image.shape[1], image.shape[0])
    assert np.allclose(j2[J["left_knee"]], joints[J["left_knee"]], atol=0.1)
    assert np.isfinite(j2).all() and (v2[[J["left_eye"], J["left_heel"], J["left_index"]]] > 0).all()


def test_rig_json_errors_name_the_problem(tmp_path):
    from motion_transfer.engines.puppet import load_rig_json

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "motion-transfer.rig", "version": 1, "width": 100, "height": 200,
                               "joints": {"nose": [50, 20], "left_shoulder": [60, 50]}}))
    with pytest.raises(InputError, match="right_shoulder"):
        load_rig_json(bad, 100, 200)
    with pytest.raises(InputError, match="was made for a 100x200 image"):
        load_rig_json(bad, 300, 200)
    bad.write_text(json.dumps({"format": "motion-transfer.rig", "version": 1, "joints": {"elbow_left": [1, 2]}}))
    with pytest.raises(InputError, match="unknown joint"):
        load_rig_json(bad, 100, 200)
    bad.write_text("{not json")
    with pytest.raises(InputError, match="cannot read"):
        load_rig_json(bad, 100, 200)


def test_rig_file_overrides_detection(tmp_path, character):
    """A rig.json with the arms drawn elsewhere wins over the detected skeleton."""
    from motion_transfer.engines.puppet import rig_character, save_rig_json
    from motion_transfer.engines.puppet.rig import rig_document

    _, image, truth = character
    joints = truth[:, :2].copy()
    doc = rig_document(joints, np.ones(33), image.shape[1], image.shape[0], source="user")
    save_rig_json(doc, tmp_path / "rig.json")
    rig = rig_character(image, tmp_path / "rig.json")
    assert rig.source == "user"
    assert np.allclose(rig.joints, joints, atol=0.06)


def test_no_character_raises_rig_error_saying_how_to_fix_it():
    from motion_transfer.engines.puppet import rig_character

    flat = np.full((240, 320, 3), 200, np.uint8)
    noise = np.random.default_rng(0).integers(0, 255, (240, 320, 3), dtype=np.uint8)
    for image in (flat, noise):
        with pytest.raises(RigError) as info:
            rig_character(image, image_name="blank.png")
        text = str(info.value)
        assert "blank.png" in text and "rig.json" in text and "--rig" in text


def _drawn_mascot(down: int = 0) -> np.ndarray:
    """A flat green figure on white, ``down`` pixels lower than at the picture's top: a head, a body, arms and
    legs drawn as thick lines."""
    img = np.full((480, 360, 3), 255, np.uint8)
    green = (40, 160, 60)
    cv2.circle(img, (180, 80 + down), 45, green, -1)  # head
    cv2.rectangle(img, (140, 125 + down), (220, 270 + down), green, -1)  # body
    cv2.line(img, (140, 140 + down), (60, 250 + down), green, 22)  # arms
    cv2.line(img, (220, 140 + down), (300, 250 + down), green, 22)
    cv2.line(img, (160, 265 + down), (140, 440 + down), green, 26)  # legs
    cv2.line(img, (200, 265 + down), (220, 440 + down), green, 26)
    return img


def test_stylised_silhouette_gets_a_template_rig():
    """A flat mascot the pose model cannot read: the skeleton is fitted to its silhouette."""
    from motion_transfer.engines.puppet import rig_character

    rig = rig_character(_drawn_mascot())
    j = rig.joints
    assert rig.meta["matte"] == "border colour"
    assert j[J["nose"], 1] < j[J["left_shoulder"], 1] < j[J["left_hip"], 1] < j[J["left_ankle"], 1]
    assert j[J["left_wrist"], 0] > 260 and j[J["right_wrist"], 0] < 100  # the character's left is image right
    assert j[J["left_ankle"], 1] > 400 and j[J["right_ankle"], 1] > 400
    assert len(rig.layers) >= 3


def test_a_drawn_figures_floating_halo_moves_with_it():
    """Drawn art with a piece floating a few pixels off the figure (an angel's halo; a cartoon's hands, a
    segmented robot's): the piece is the figure's, not left standing in the background while it moves."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.engines.puppet.model import PARTS

    img = _drawn_mascot(down=15)
    cv2.ellipse(img, (180, 35), (40, 10), 0, 0, 360, (230, 180, 20), 6)  # the halo, 5 px over the head
    rig = rig_character(img)
    halo = np.zeros((480, 360), np.uint8)
    cv2.ellipse(halo, (180, 35), (40, 10), 0, 0, 360, 1, 2)
    halo = halo.astype(bool)
    assert (rig.matte[halo] > 0.5).mean() > 0.9, "the halo is not in the matte"
    assert (rig.labels[halo] == PARTS.index("head")).mean() > 0.95, "the halo does not move with the head"
    assert np.abs(rig.background[halo].astype(int) - 255).max() < 20, "the halo is left in the background"


def test_write_rig_template_without_a_character_gives_a_starting_point(tmp_path):
    from motion_transfer.engines.puppet import write_rig_template

    rgba = np.full((300, 200, 4), 128, np.uint8)
    rgba[..., 3] = 255
    doc = json.loads(write_rig_template(rgba, tmp_path / "t.json", source="blank.png").read_text())
    assert doc["source"] == "template" and doc["width"] == 200 and doc["height"] == 300
    assert doc["image"] == "blank.png"
    for name in ("nose", "left_shoulder", "right_ankle"):
        x, y = doc["joints"][name]
        assert 0 <= x <= 200 and 0 <= y <= 300
    assert doc["joints"]["left_shoulder"][0] > doc["joints"]["right_shoulder"][0]


def test_character_pose_truth_is_consistent():
    clip = character_pose("a-pose", size=(360, 480))
    assert clip.joints.shape == (1, 33, 3)
