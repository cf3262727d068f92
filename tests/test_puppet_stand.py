"""A drawn figure whose picture hides its legs stands on the floor its picture shows, whatever the dancer's legs."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import drawn_penguin

from motion_transfer.engines.puppet import rig_character
from motion_transfer.engines.puppet.framing import head_top, reframe
from motion_transfer.engines.puppet.stand import (
    hidden_legs,
    pelvis_maps,
    soles,
    stands_on_floor,
)
from motion_transfer.media.frames import read_image
from motion_transfer.media.framing import cover
from motion_transfer.pose.retarget import LEFT_FOOT, RIGHT_FOOT, retarget
from motion_transfer.pose.track import PoseTrack
from motion_transfer.samples import make_character, make_motion

W, H = 360, 480  # the dance's frame and the output's, the penguin picture's size
FPS = 10.0
JUMP = slice(12, 16)  # the frames the dancer is in the air
JUMP_PX = 40.0  # how high (video pixels)


def _dance(jump: bool, framing: str = "full", size: tuple[int, int] = (W, H), scale: float | None = None) -> PoseTrack:
    centre = None if scale is None else (size[0] / 2, 0.97 * size[1] - 0.5 * scale)
    clip = make_motion("dance", seconds=3.0, fps=FPS, size=size, framing=framing, scale=scale, center=centre)
    track = PoseTrack.empty(len(clip.joints), FPS, *size)
    track.body[:, :, :3] = clip.joints
    track.body[:, :, 3] = 1.0
    if jump:
        track.body[JUMP, :, 1] -= JUMP_PX
    return track


@pytest.fixture(scope="module")
def penguin():
    return rig_character(drawn_penguin())


def _lowest(rig, track: PoseTrack) -> tuple[np.ndarray, float, float]:
    """The figure's lowest drawn row in each output frame, its picture's floor row in the output, and the
    output pixels per video pixel."""
    motion = retarget(track, rig.rest_pose(), "video", W, H)
    reframe(rig, motion).apply(motion)
    M = pelvis_maps(rig, motion)
    pts = soles(rig)
    lowest = (M[:, None, 1, :2] @ pts.T[None]).squeeze(1).max(axis=1) + M[:, 1, 2]
    place = cover(rig.width, rig.height, W, H)
    return lowest, float(pts[:, 1].max() * place.scale + place.oy), W / track.width


def test_a_figure_with_hidden_legs_keeps_its_lowest_point_on_its_pictures_floor_while_the_dancer_stands(penguin):
    assert hidden_legs(penguin)
    lowest, floor, _ = _lowest(penguin, _dance(jump=False))
    # the dancer's human legs hung from its hips put the penguin's feet far above the snow
    assert np.abs(lowest - floor).max() < 4.0, (lowest.min(), lowest.max(), floor)


def test_a_figure_with_hidden_legs_rises_off_its_floor_only_when_the_dancer_jumps(penguin):
    lowest, floor, scale = _lowest(penguin, _dance(jump=True))
    stand = np.ones(len(lowest), bool)
    stand[JUMP.start - 3:JUMP.stop + 3] = False
    assert np.abs(lowest[stand] - floor).max() < 4.0
    rise = floor - lowest[JUMP].min()
    assert rise > 0.5 * JUMP_PX * scale, rise


def test_a_figure_whose_picture_shows_its_legs_is_stood_by_them(tmp_path):
    """The retarget puts its feet on the dancer's (the teddy bear's stubby feet are drawn short of their joints:
    moved by those to its picture's floor, it rose 40 px off it)."""
    path = tmp_path / "person.png"
    make_character(path, size=(W, H), style="person", pose="a-pose", framing="small")
    rig = rig_character(read_image(path))
    motion = retarget(_dance(jump=False), rig.rest_pose(), "video", W, H)
    assert not hidden_legs(rig) and not stands_on_floor(rig, motion)


def test_a_dance_that_does_not_show_the_dancers_feet_leaves_the_figure_where_the_dancer_is(penguin):
    """A waist-up dance has no floor: the figure, at the dancer's size, stood on its picture's floor would show
    only its belly (TikTok clip 0)."""
    motion = retarget(_dance(jump=False, framing="closeup"), penguin.rest_pose(), "video", W, H)
    motion.visibility[:, :] = 1.0  # as sure of the feet below the frame as of the rest
    assert not stands_on_floor(penguin, motion)


def test_a_figure_whose_pictures_floor_the_output_crops_away_stands_on_the_dancers_ground(penguin):
    """A portrait picture in a landscape output (the lead's penguin on the mannequin dance, 960 x 720): its floor is
    cropped below the frame, and stood there the figure was cut at its chest."""
    w = 640
    motion = retarget(_dance(jump=False, size=(w, H)), penguin.rest_pose(), "video", w, H)
    feet = motion.joints[:, list(LEFT_FOOT + RIGHT_FOOT), 1].max(axis=1)  # the dancer's, in the output
    reframe(penguin, motion).apply(motion)
    M = pelvis_maps(penguin, motion)
    pts = soles(penguin)
    lowest = (M[:, None, 1, :2] @ pts.T[None]).squeeze(1).max(axis=1) + M[:, 1, 2]
    assert lowest.max() < H
    assert np.abs(lowest - feet.max()).max() < 0.03 * H, (lowest.min(), lowest.max(), feet.min(), feet.max())


def test_a_figure_is_raised_to_its_floor_no_further_than_keeps_its_head_in_view():
    """Drawn at the dancer's size, a dancer filling the frame, a penguin standing high in its picture (more snow
    below it: its floor 350 px down the output) stood on that floor would lose its head above the frame's top."""
    picture = drawn_penguin()
    raised = np.concatenate([picture, np.repeat(picture[-1:], 200, axis=0)])
    rig = rig_character(raised)
    assert hidden_legs(rig)
    motion = retarget(_dance(jump=False, scale=0.92 * H), rig.rest_pose(), "video", W, H)
    before = motion.joints[:, :, 1].copy()
    reframe(rig, motion).apply(motion)
    assert head_top(rig, motion).min() >= 0.0
    assert (motion.joints[:, :, 1] < before - 10.0).all()  # raised towards its floor as far as it could
