"""Framing of the puppet's output: parts the image does not contain stay out of view, and only then is it zoomed."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.engines.puppet import rig_character
from motion_transfer.engines.puppet.framing import (
    CLOTHES_ROOM,
    MAX_ZOOM,
    body_cut,
    cut_in_view,
    cut_room,
    cut_rows,
    head_sides,
    head_top,
    reframe,
)
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
    framed = reframe(closeup, motion)
    assert framed.zoom > 1.05
    framed.apply(motion)
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
    framed = reframe(portrait, motion)
    assert framed.zoom > 1.1 or framed.shift > 0.1 * H
    framed.apply(motion)
    after = cut_rows(portrait, motion, cut)
    assert np.mean(after >= 0.92 * H - 1) >= 0.9  # below the frame (the clothes' continuation may show)
    assert np.mean(head_top(portrait, motion) >= 0) > 0.9  # the whole head in view
    if framed.zoom > 1.0:
        assert motion.camera is not None and motion.camera.shape == (len(motion), 2, 3)  # the background zooms too


def test_a_portrait_driven_by_a_full_body_dance_is_zoomed_until_its_chest_cut_is_out_of_view(portrait):
    """Head and shoulders moved by a full-body dance needs a zoom of about 3.5: no smaller cap may leave the
    continued clothes in view as a tube under the chest (TikTok clip 5's face cut at 60% of its height)."""
    motion = retarget(_track("full"), portrait.rest_pose(), "video", W, H)
    framed = reframe(portrait, motion)
    framed.apply(motion)
    assert np.mean(cut_rows(portrait, motion, body_cut(portrait)) >= 0.92 * H - 1) >= 0.9
    assert np.mean(head_top(portrait, motion) >= 0) > 0.9
    assert cut_in_view(framed, "portrait.png") is None


def test_a_picture_cut_too_high_for_the_largest_zoom_says_so(tmp_path):
    """A head cut at the neck would need more zoom than the picture stands: zoomed as far as allowed, and the
    engine's note says the cut shows and what to do."""
    path = tmp_path / "portrait.png"
    make_character(path, size=(480, 360), style="person", pose="a-pose", framing="portrait")
    image = read_image(path)
    neck = rig_character(image[: int(image.shape[0] * 0.75)])
    motion = retarget(_track("full"), neck.rest_pose(), "video", W, H)
    framed = reframe(neck, motion)
    assert framed.zoom == pytest.approx(MAX_ZOOM) and framed.wanted > MAX_ZOOM
    note = cut_in_view(framed, "neck.png")
    assert note is not None and note.code == "body_cut_in_view" and note.measured > MAX_ZOOM
    assert "neck.png" == note.file and "waist" in note.fix


def test_a_figure_cut_at_mid_thigh_with_knees_guessed_inside_the_image_keeps_its_thigh_ends_out_of_view():
    """The robot boxer is cut at mid-thigh by the image's bottom edge; a detector squashes its missing legs into
    the picture and puts both knees, confidently, just above that edge. They show no leg below them: the body
    is cut there. Its thighs end at the cut (only the body and the arms are continued past the image's border),
    so that cut goes below the output's bottom edge, not just near it."""
    from motion_transfer.pose.skeleton import J
    from motion_transfer.samples.stylised import make_stylised

    robot = rig_character(make_stylised("robot_boxer").image)
    knees = robot.joints[[J["left_knee"], J["right_knee"]]]
    assert (knees[:, 1] < robot.height - 1).all() and (robot.visibility[[J["left_knee"], J["right_knee"]]] > 0.5).all()
    cut = body_cut(robot)
    assert cut is not None
    assert cut_room(robot) == 0.0  # thighs on the cut: no clothes go on past it
    motion = retarget(_track("full"), robot.rest_pose(), "video", W, H)
    framed = reframe(robot, motion)
    assert framed.zoom > 1.2
    framed.apply(motion)
    assert np.mean(cut_rows(robot, motion, cut) >= H - 1) >= 0.9
    head = motion.joints[:, -1]
    assert np.mean((head[:, 1] > 0) & (head[:, 1] < H)) > 0.9


def test_the_cut_may_rise_into_view_only_where_clothes_continue_past_it(portrait, closeup):
    """A chest cut (torso and upper arms, both continued past the border) may show a little of its
    continuation; a hip cut through the thighs may not."""
    assert cut_room(portrait) == CLOTHES_ROOM
    assert cut_room(closeup) == 0.0


def test_a_cut_just_under_the_hips_keeps_the_clothes_room(closeup):
    """A dancer framed to the waist (hips on the image's bottom edge) ends only a sliver of thigh there: no stub
    to hide, so the character is not reframed for it (TikTok clip 1's self-reenactment was zoomed and moved)."""
    from dataclasses import replace

    from motion_transfer.pose.skeleton import J

    joints = closeup.joints.copy()
    hips = [J["left_hip"], J["right_hip"]]
    joints[hips, 1] = closeup.height - 4
    assert cut_room(replace(closeup, joints=joints)) == CLOTHES_ROOM


def test_a_half_body_character_driven_by_a_dance_framed_like_it_is_not_zoomed(closeup):
    """Cut where the dance's own frame cuts the actor: nothing absent comes into view, so no zoom."""
    motion = retarget(_track("closeup"), closeup.rest_pose(), "video", W, H)
    framed = reframe(closeup, motion)
    assert framed.zoom == pytest.approx(1.0, abs=0.02) and framed.shift < 0.02 * H


def _head_rig(joints: np.ndarray, radius: float):
    """A bare rig of ``joints`` (moved 300 px down in a 640x960 image, so the whole head is in it) whose head
    layer is a disc of ``radius`` about the face's centre."""
    from motion_transfer.engines.puppet.model import PARTS, Rig

    joints = joints + np.array([0.0, 300.0])
    labels = np.full((2 * H, W), -1, np.int16)
    centre = joints[:11].mean(axis=0)
    yy, xx = np.mgrid[:2 * H, :W]
    labels[(xx - centre[0]) ** 2 + (yy - centre[1]) ** 2 <= radius ** 2] = PARTS.index("head")
    return Rig(width=W, height=2 * H, joints=joints.astype(np.float32), visibility=np.ones(33, np.float32),
               depth=np.zeros(33, np.float32), source="test", labels=labels)


def test_a_head_larger_than_the_actors_is_moved_into_view_and_an_actor_sized_one_is_left_alone():
    """A close-up dance puts the actor's head near the top edge. A character whose face is 1.6x the actor's
    for the same body would rise out of the frame: it moves down until its head is in view. The actor's own
    shape is not moved."""
    clip = make_motion("static", seconds=1.0, fps=10, size=(W, H), framing="closeup")
    track = PoseTrack.empty(len(clip.joints), 10.0, W, H)
    track.body[:, :, :3] = clip.joints
    track.body[:, :, 3] = 1.0
    own = clip.joints[0, :, :2].astype(np.float64)
    face = own[:11].mean(axis=0)
    radius = 2.2 * float(np.linalg.norm(own[:11] - face, axis=1).max())  # hair included
    assert face[1] - radius > 0 > face[1] - 1.6 * radius  # in view; a 1.6x head here would poke out of the top

    rig = _head_rig(own, radius)
    motion = retarget(track, rig.rest_pose(), "video", W, H)
    framed = reframe(rig, motion)
    assert framed.shift == 0.0 and framed.zoom == 1.0

    big = own.copy()
    big[:11] = face + 1.6 * (own[:11] - face)
    rig = _head_rig(big, 1.6 * radius)
    motion = retarget(track, rig.rest_pose(), "video", W, H)
    assert motion.proportions["head"] > 1.4
    assert np.percentile(head_top(rig, motion), 5) < 0
    framed = reframe(rig, motion)
    assert framed.shift > 0
    framed.apply(motion)
    assert np.percentile(head_top(rig, motion), 5) >= -1.0


def test_a_body_cut_just_under_the_hips_continues_its_clothes_instead_of_drawing_thighs(tmp_path):
    """An image cut a sliver below the hips shows the clothes' hem, not legs: no leg layer (it swung with legs
    the image does not show and ended in ragged pieces), and the body layer goes on past the bottom edge, so the
    cut never shows as an edge in mid-air (TikTok clip 1's character driven by clip 2's dance)."""
    from motion_transfer.engines.puppet.model import PARTS
    from motion_transfer.pose.skeleton import J

    path = tmp_path / "full.png"
    joints = make_character(path, size=(480, 640), style="person", pose="a-pose")
    hips = joints[[J["left_hip"], J["right_hip"]], 1].mean()
    shoulders = joints[[J["left_shoulder"], J["right_shoulder"]], 1].mean()
    bottom = int(round(hips + 0.06 * (hips - shoulders)))
    rig = rig_character(read_image(path)[:bottom])
    assert not any(layer.name.startswith("leg") for layer in rig.layers)
    assert not np.isin(rig.labels, [PARTS.index(p) for p in ("l_upper_leg", "r_upper_leg")]).any()
    body = next(layer for layer in rig.layers if layer.name == "body")
    assert body.vertices[:, 1].max() > bottom + 0.2 * (hips - shoulders)


def test_a_portrait_moved_down_keeps_its_head_in_view_when_the_actor_ducks_to_the_bottom_edge(portrait):
    """A portrait is moved down and zoomed so its chest cut stays out of view. An actor who then ducks until her
    face is near the frame's bottom edge (TikTok clip 0's last frames) took the moved-down head out of view,
    leaving the top of its hair; the head stays in view there, and the cut stays hidden."""
    track = _track("closeup")
    T = len(track)
    duck = np.clip((np.arange(T) - (T - 8)) / 4.0, 0.0, 1.0)  # the last 8 frames: down, held
    track.body[:, :, 1] += (duck * (0.8 * H - track.body[:, :11, 1].mean(axis=1)))[:, None]
    motion = retarget(track, portrait.rest_pose(), "video", W, H)
    raw = motion.joints[:, -1, 1].copy()
    assert raw.max() < 0.85 * H  # the actor's (and the retargeted) head stays in the frame
    cut = body_cut(portrait)
    framed = reframe(portrait, motion)
    assert framed.zoom > 1.1 or framed.shift > 0.1 * H
    framed.apply(motion)
    centre = motion.joints[:, -1, 1]
    assert (centre < H - 0.5 * (centre - head_top(portrait, motion))).all()  # at least its upper half in view
    assert (centre <= np.maximum(raw, H - (centre - head_top(portrait, motion))) + 0.02 * H).all()
    assert np.mean(cut_rows(portrait, motion, cut) >= 0.92 * H - 1) >= 0.9


def test_a_portrait_zoomed_for_an_actor_off_the_frames_middle_keeps_its_face_inside_the_frames_side(portrait):
    """Zoomed about the frame's middle, a head beside it moves out towards the frame's side: a profile's face
    (TikTok character 1 cut at her chest) touched the frame's right edge. The zoom's centre moves over so the head
    keeps a margin from the side in every frame, and the cut stays below the frame all the same."""
    track = _track("full")
    track.body[:, :, 0] += 0.2 * W  # the actor dances right of the frame's middle
    motion = retarget(track, portrait.rest_pose(), "video", W, H)
    sides = head_sides(portrait, motion)
    framed = reframe(portrait, motion)
    assert framed.zoom > 2.0
    assert framed.zoom * (sides[:, 1].max() - W / 2) > W / 2  # zoomed about the middle, the head would leave
    framed.apply(motion)
    sides = head_sides(portrait, motion)
    assert sides[:, 0].min() >= 0.02 * W - 1 and sides[:, 1].max() <= 0.98 * W + 1
    assert np.mean(cut_rows(portrait, motion, body_cut(portrait)) >= 0.92 * H - 1) >= 0.9
