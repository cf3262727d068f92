"""Framing of the puppet's output: parts the image does not contain stay out of view, and only then is it zoomed."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.engines.puppet import rig_character
from motion_transfer.engines.puppet.framing import body_cut, cut_rows, head_top, reframe_for_absent_parts
from motion_transfer.media.frames import read_image
from motion_transfer.pose.retarget import retarget
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


def test_a_half_body_character_driven_by_a_full_body_dance_keeps_its_missing_legs_out_of_view(closeup):
    """Moved from test_puppet_layers: the image has no legs, the dance shows them."""
    motion = retarget(_track("full"), closeup.rest_pose(), "video", W, H)
    reframe = reframe_for_absent_parts(closeup, motion)
    assert reframe.zoom > 1.05
    reframe.apply(motion)
    assert np.mean(cut_rows(closeup, motion, body_cut(closeup)) >= 0.92 * H - 1) >= 0.9
    assert motion.camera is not None and motion.camera.shape == (len(motion), 2, 3)  # the background zooms too
    head = motion.joints[:, -1]
    assert np.mean((head[:, 1] > 0) & (head[:, 1] < H)) > 0.9


def test_a_portrait_driven_by_a_waist_up_dance_is_zoomed_so_its_cut_stays_out_of_view(portrait):
    """The dance shows hips but no knees; the portrait has no belly to show there: it is framed closer."""
    assert body_cut(portrait) is not None
    motion = retarget(_track("closeup"), portrait.rest_pose(), "video", W, H)
    cut = body_cut(portrait)
    before = cut_rows(portrait, motion, cut)
    assert np.mean(before < 0.9 * H) > 0.5  # as retargeted, the cut would be well inside the frame
    reframe = reframe_for_absent_parts(portrait, motion)
    assert reframe.zoom > 1.1 or reframe.shift > 0.1 * H
    reframe.apply(motion)
    after = cut_rows(portrait, motion, cut)
    assert np.mean(after >= 0.92 * H - 1) >= 0.9  # below the frame (the clothes' continuation may show)
    assert np.mean(head_top(portrait, motion) >= 0) > 0.9  # the whole head in view
    if reframe.zoom > 1.0:
        assert motion.camera is not None and motion.camera.shape == (len(motion), 2, 3)  # the background zooms too


def test_a_half_body_character_driven_by_a_dance_framed_like_it_is_not_zoomed(closeup):
    """Cut where the dance's own frame cuts the actor: nothing absent comes into view, so no zoom."""
    motion = retarget(_track("closeup"), closeup.rest_pose(), "video", W, H)
    reframe = reframe_for_absent_parts(closeup, motion)
    assert reframe.zoom == pytest.approx(1.0, abs=0.02) and reframe.shift < 0.02 * H
