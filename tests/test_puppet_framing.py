"""Framing of the puppet's output: parts the image does not contain stay out of view, and only then is it zoomed."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.engines.puppet import rig_character
from motion_transfer.engines.puppet.framing import apply_zoom, body_cut, zoom_for_absent_parts
from motion_transfer.engines.puppet.render import bone_transforms
from motion_transfer.media.frames import read_image
from motion_transfer.pose.retarget import extend, retarget
from motion_transfer.pose.track import PoseTrack
from motion_transfer.samples import make_character, make_motion

W, H = 640, 480


def _track(framing: str) -> PoseTrack:
    clip = make_motion("dance", seconds=2.0, fps=10, size=(W, H), framing=framing)
    track = PoseTrack.empty(len(clip.joints), 10.0, W, H)
    track.body[:, :, :3] = clip.joints
    track.body[:, :, 3] = 1.0
    return track


@pytest.fixture(scope="module")
def portrait(tmp_path_factory):
    """Head and shoulders: the image's bottom edge cuts the body at the chest."""
    path = tmp_path_factory.mktemp("framing") / "portrait.png"
    make_character(path, size=(480, 360), style="person", pose="a-pose", framing="portrait")
    return rig_character(read_image(path))


@pytest.fixture(scope="module")
def closeup(tmp_path_factory):
    """Head to hips: the image's bottom edge cuts the body at the hips."""
    path = tmp_path_factory.mktemp("framing") / "closeup.png"
    make_character(path, size=(480, 360), style="person", pose="a-pose", framing="closeup")
    return rig_character(read_image(path))


def _cut_rows(rig, motion) -> np.ndarray:
    """Per frame the output row of the highest point of the image's cut through the body."""
    cut = body_cut(rig)
    rest = extend(rig.joints.astype(np.float64))
    rows = []
    for t in range(len(motion)):
        M = bone_transforms(rest, motion.joints[t].astype(np.float64), float(motion.width_scale[t]), 0.0)["pelvis"]
        rows.append(float((cut @ M[:, :2].T + M[:, 2])[:, 1].min()))
    return np.array(rows)


def test_a_portrait_driven_by_a_waist_up_dance_is_zoomed_so_its_cut_stays_out_of_view(portrait):
    """The dance shows hips but no knees; the portrait has no belly to show there: it is framed closer."""
    assert body_cut(portrait) is not None
    motion = retarget(_track("closeup"), portrait.rest_pose(), "video", W, H)
    before = _cut_rows(portrait, motion)
    assert np.mean(before < 0.9 * H) > 0.5  # unzoomed, the cut would be well inside the frame
    zoom, anchor = zoom_for_absent_parts(portrait, motion)
    assert zoom > 1.1
    apply_zoom(motion, zoom, anchor)
    after = _cut_rows(portrait, motion)
    assert np.mean(after >= 0.92 * H - 1) >= 0.9  # below the frame (the clothes' continuation may show)
    head = motion.joints[:, -1]
    assert np.mean((head[:, 1] > 0) & (head[:, 1] < H)) > 0.9


def test_a_half_body_character_driven_by_a_dance_framed_like_it_is_not_zoomed(closeup):
    """Cut where the dance's own frame cuts the actor: nothing absent comes into view, so no zoom."""
    motion = retarget(_track("closeup"), closeup.rest_pose(), "video", W, H)
    zoom, _ = zoom_for_absent_parts(closeup, motion)
    assert zoom == pytest.approx(1.0, abs=0.02)
