"""Retargeting: the actor's motion on the character's proportions, placed per orientation mode, feet planted."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import folded_close_up
from motion_transfer.media.framing import cover, letterbox, output_size
from motion_transfer.pose.retarget import (BONES, FACE, HC, MH, MS, NECK_SLIDE, RestPose, extend, retarget,
                                           roll_with_neck, two_bone_ik)
from motion_transfer.pose.skeleton import J
from motion_transfer.samples import make_motion


def rest_from(joints: np.ndarray, w: int, h: int) -> RestPose:
    return RestPose(joints=joints[:, :2].astype(np.float32), visibility=np.ones(33, np.float32), width=w, height=h)


def bone_len(j: np.ndarray, a: int, b: int) -> np.ndarray:
    return np.linalg.norm(j[..., b, :2] - j[..., a, :2], axis=-1)


@pytest.fixture(scope="module")
def dance():
    return make_motion("dance", seconds=2.0, fps=30, size=(640, 360))


def test_output_size_is_tier_short_side_with_the_source_aspect():
    assert output_size(720, 1280, 720) == (1280, 720)
    assert output_size(1080, 1280, 720) == (1920, 1080)
    assert output_size(720, 720, 960) == (720, 960)
    assert output_size(1080, 604, 604) == (1080, 1080)
    w, h = output_size(720, 1000, 700)
    assert h == 720 and w % 2 == 0 and abs(w / h - 1000 / 700) < 0.01


def test_letterbox_never_stretches():
    p = letterbox(640, 480, 1280, 720)  # 4:3 into 16:9: bars left and right
    assert p.scale == pytest.approx(1.5) and p.ox == pytest.approx(160) and p.oy == pytest.approx(0)
    corners = p.apply(np.array([[0, 0], [640, 480]], np.float32))
    assert np.allclose(corners, [[160, 0], [1120, 720]])
    c = cover(640, 480, 1280, 720)  # fills, crops top and bottom
    assert c.scale == pytest.approx(2.0) and c.oy == pytest.approx(-120)


def test_self_retarget_reproduces_the_actor(dance):
    """The character IS the actor (its frame 0): every joint lands where the actor's is."""
    track = dance.to_track()
    rest = rest_from(dance.joints[0], 640, 360)
    motion = retarget(track, rest, "video", 640, 360, plant_feet=False)
    err = np.linalg.norm(motion.joints[:, :33] - dance.joints[:, :, :2], axis=-1)
    assert err.max() < 0.5
    assert motion.proportions["matched_frame"] == 0


def test_character_keeps_its_own_bone_lengths(dance):
    """A character with 30% longer forearms and 20% shorter legs keeps them; directions come from the actor."""
    track = dance.to_track()
    j0 = dance.joints[0, :, :2].astype(np.float64).copy()
    for s in ("left", "right"):
        el, wr = J[f"{s}_elbow"], J[f"{s}_wrist"]
        shift = (j0[wr] - j0[el]) * 0.3
        for k in (wr, J[f"{s}_index"], J[f"{s}_pinky"], J[f"{s}_thumb"]):
            j0[k] += shift
        hp = J[f"{s}_hip"]
        for k in (J[f"{s}_knee"], J[f"{s}_ankle"], J[f"{s}_heel"], J[f"{s}_foot_index"]):
            j0[k] = j0[hp] + (j0[k] - j0[hp]) * 0.8
    rest = RestPose(joints=j0.astype(np.float32), visibility=np.ones(33, np.float32), width=640, height=360)
    motion = retarget(track, rest, "video", 640, 360, plant_feet=False)
    out, act = motion.joints, dance.joints
    # 2D length ratio character/actor per frame = the proportion (foreshortening cancels)
    fore = bone_len(out, J["left_elbow"], J["left_wrist"]) / bone_len(act, J["left_elbow"], J["left_wrist"])
    shin = bone_len(out, J["left_knee"], J["left_ankle"]) / bone_len(act, J["left_knee"], J["left_ankle"])
    upper = bone_len(out, J["left_shoulder"], J["left_elbow"]) / bone_len(act, J["left_shoulder"], J["left_elbow"])
    assert np.allclose(fore, 1.3, atol=0.02)
    assert np.allclose(shin, 0.8, atol=0.02)
    assert np.allclose(upper, 1.0, atol=0.02)
    # directions are the actor's
    d_out = out[:, J["left_wrist"]] - out[:, J["left_elbow"]]
    d_act = act[:, J["left_wrist"], :2] - act[:, J["left_elbow"], :2]
    ang = np.degrees(np.abs(np.arctan2(d_out[:, 1], d_out[:, 0]) - np.arctan2(d_act[:, 1], d_act[:, 0])))
    assert np.minimum(ang, 360 - ang).max() < 0.5


def test_video_orientation_follows_the_actor_and_image_orientation_stays(dance):
    """video: the root goes where the actor goes (letterboxed); image: the character stays where the image has
    it, as large as there, and only the bounce transfers."""
    track = dance.to_track()
    track.body[:, :, 0] += np.linspace(0, 200, len(track))[:, None]  # the actor walks 200 px to the right
    # the character: the actor's first pose, smaller, in the top-left of a portrait image
    img_w, img_h = 400, 600
    j0 = dance.joints[0, :, :2] * 0.5 + np.array([20.0, 40.0])
    rest = rest_from(j0, img_w, img_h)
    vid = retarget(track, rest, "video", 1280, 720, plant_feet=False)
    root_actor = extend(track.body[:, :, :2])[:, MS]
    assert np.allclose(vid.joints[:, MS], root_actor * 2.0, atol=1.0)  # 640x360 -> 1280x720
    spine = np.linalg.norm(vid.joints[:, MS] - vid.joints[:, MH], axis=1)
    actor_spine = np.linalg.norm(root_actor - extend(track.body[:, :, :2])[:, MH], axis=1) * 2.0
    assert np.allclose(spine, actor_spine, rtol=0.03)  # as large as the actor
    out_w, out_h = output_size(720, img_w, img_h)
    img = retarget(track, rest, "image", out_w, out_h, plant_feet=False)
    place = letterbox(img_w, img_h, out_w, out_h)
    home = place.apply(extend(j0.astype(np.float32))[MS])
    drift = np.linalg.norm(img.joints[:, MS] - home, axis=1)
    assert drift.max() < 0.05 * out_h  # the 200 px walk does not move it
    img_spine = np.linalg.norm(img.joints[:, MS] - img.joints[:, MH], axis=1)
    rest_spine = np.linalg.norm(extend(j0)[MS] - extend(j0)[MH]) * place.scale
    assert np.allclose(np.median(img_spine), rest_spine, rtol=0.05)


def test_planted_feet_do_not_slide_and_stand_on_the_ground():
    """Side steps with a character whose legs are 25% shorter: without IK the planted feet would slide."""
    clip = make_motion("step", seconds=3.0, fps=30, size=(640, 360))
    track = clip.to_track()
    j0 = clip.joints[0, :, :2].astype(np.float64).copy()
    for s in ("left", "right"):
        hp = J[f"{s}_hip"]
        for k in (J[f"{s}_knee"], J[f"{s}_ankle"], J[f"{s}_heel"], J[f"{s}_foot_index"]):
            j0[k] = j0[hp] + (j0[k] - j0[hp]) * 0.75
    rest = RestPose(joints=j0.astype(np.float32), visibility=np.ones(33, np.float32), width=640, height=360)
    free = retarget(track, rest, "video", 640, 360, plant_feet=False)
    pinned = retarget(track, rest, "video", 640, 360, plant_feet=True)
    for i, s in enumerate(("left", "right")):
        truth = clip.planted[s]
        assert pinned.planted[:, i].sum() > 0.5 * truth.sum()  # the contacts are found
        ank = J[f"{s}_ankle"]
        from motion_transfer.pose.smoothing import runs

        slide_free, slide_pinned = [], []
        for a, b in runs(pinned.planted[:, i]):
            slide_free.append(np.ptp(free.joints[a:b, ank, 0]))
            slide_pinned.append(np.ptp(pinned.joints[a:b, ank, 0]))
        assert max(slide_pinned) < 1.0, slide_pinned
        assert max(slide_free) > 3.0  # the test is meaningful: the shorter legs do slide without pinning
    # on the ground: planted ankles at the actor's ankle height (the ground line), not floating
    for i, s in enumerate(("left", "right")):
        m = pinned.planted[:, i]
        ank = J[f"{s}_ankle"]
        assert np.abs(pinned.joints[m, ank, 1] - clip.joints[m, ank, 1]).max() < 3.0


def test_missing_frames_hold_the_last_pose(dance):
    track = dance.to_track()
    track.body[20:30] = np.nan
    rest = rest_from(dance.joints[0], 640, 360)
    motion = retarget(track, rest, "video", 640, 360, plant_feet=False)
    assert motion.held[20:30].all() and not motion.held[:20].any()
    assert np.allclose(motion.joints[20:30], motion.joints[19], atol=1e-4)
    assert np.isfinite(motion.joints).all()


def test_two_bone_ik_keeps_lengths_and_bend_side():
    hip, knee, ankle = np.array([0.0, 0.0]), np.array([5.0, 10.0]), np.array([0.0, 20.0])
    new_knee, new_ankle = two_bone_ik(hip, knee, ankle, np.array([3.0, 18.0]))
    assert np.allclose(new_ankle, [3.0, 18.0], atol=1e-2)
    assert np.linalg.norm(new_knee - hip) == pytest.approx(np.linalg.norm(knee - hip), rel=1e-3)
    assert np.linalg.norm(new_ankle - new_knee) == pytest.approx(np.linalg.norm(ankle - knee), rel=1e-3)
    assert new_knee[0] > 0  # still bends the same way


def test_bone_table_is_a_tree():
    seen = {MS}
    for parent, child, _ in BONES:
        assert parent in seen, (parent, child)
        seen.add(child)


def _zoomed(track, factor: np.ndarray):
    """``track`` (changed in place) with each frame's body scaled by ``factor[t]`` about the frame's centre (the
    actor walking towards the camera)."""
    c = np.array([track.width / 2.0, track.height / 2.0], np.float32)
    track.body[:, :, :2] = c + (track.body[:, :, :2] - c) * factor[:, None, None].astype(np.float32)
    return track


def test_turning_is_not_read_as_the_actor_moving_away():
    """A full turn on the spot: shoulders and face narrow to a profile, the actor's distance does not change.
    Walking towards the camera at the same time: the size follows the walk only."""
    from motion_transfer.pose.retarget import _bone_vis, _lengths, actor_scale, extend_vis

    def sigma(track):
        body = track.body
        lengths = _lengths(extend(body[:, :, :2].astype(np.float64)))
        return actor_scale(lengths, _bone_vis(extend_vis(body[:, :, 3].astype(np.float64))), track.fps)

    turn = make_motion("turn", seconds=4.0, fps=30, size=(640, 480))
    s = sigma(turn.to_track())
    assert s.min() > 0.98 and s.max() < 1.02
    walk = np.linspace(0.85, 1.15, len(turn.joints))
    s = sigma(_zoomed(turn.to_track(), walk))
    rel = (s / (walk / np.median(walk)))[15:-15]  # away from the ends, where the 0.5 s smoothing flattens a ramp
    assert rel.min() > 0.97 and rel.max() < 1.03


def test_a_character_turned_sideways_in_its_image_keeps_its_size(dance):
    """The image shows the character turned (its shoulders half as wide as facing the camera): its size comes
    from the torso's height, not from the foreshortened width, so it is drawn as tall as the actor."""
    track = dance.to_track()
    j0 = dance.joints[0, :, :2].astype(np.float64).copy()
    mid = 0.5 * (j0[J["left_shoulder"], 0] + j0[J["right_shoulder"], 0])
    j0[:, 0] = mid + 0.5 * (j0[:, 0] - mid)  # the whole figure narrowed: turned about 60 degrees
    rest = RestPose(joints=j0.astype(np.float32), visibility=np.ones(33, np.float32), width=640, height=360)
    motion = retarget(track, rest, "video", 640, 360, plant_feet=False)
    assert motion.proportions["k"] == pytest.approx(1.0, abs=0.05)
    assert motion.proportions["spine"] == pytest.approx(1.0, abs=0.05)
    spine = np.linalg.norm(motion.joints[:, MH] - motion.joints[:, MS], axis=-1)
    actor = np.linalg.norm(extend(dance.joints[:, :, :2])[:, MH] - extend(dance.joints[:, :, :2])[:, MS], axis=-1)
    assert np.allclose(spine / actor, 1.0, atol=0.05)


def test_a_turned_characters_torso_widens_only_a_little_when_the_actor_faces_the_camera():
    """The character is the actor turned 60 degrees (its shoulders and hips at half their frontal width): as the
    actor turns to face the camera they double, but the character's texture can only stretch, so its widths
    stay within WIDEN_MAX of the image's; bone directions stay the actor's."""
    from motion_transfer.pose.retarget import WIDEN_MAX

    turn = make_motion("turn", seconds=4.0, fps=30, size=(640, 480))
    yaw = np.abs(turn.events["yaw_deg"])
    t0 = int(np.argmin(np.abs(yaw - 60)))
    j0 = turn.joints[t0, :, :2].astype(np.float64)
    rest = RestPose(joints=j0.astype(np.float32), visibility=np.ones(33, np.float32), width=640, height=480)
    motion = retarget(turn.to_track(), rest, "video", 640, 480, plant_feet=False)
    front = yaw < 20
    assert front.any()
    for a, b in (("left_shoulder", "right_shoulder"), ("left_hip", "right_hip")):
        drawn = bone_len(motion.joints, J[a], J[b])
        image = np.linalg.norm(j0[J[a]] - j0[J[b]])
        actor = bone_len(turn.joints, J[a], J[b])
        assert actor[front].min() > 1.6 * image  # the actor's torso is much wider facing the camera
        assert (drawn <= WIDEN_MAX * motion.width_scale * image + 0.5).all()
        assert drawn[front].min() >= 0.95 * WIDEN_MAX * motion.width_scale[front].min() * image
    d_out = motion.joints[:, J["left_shoulder"]] - motion.joints[:, J["right_shoulder"]]
    d_act = turn.joints[:, J["left_shoulder"], :2] - turn.joints[:, J["right_shoulder"], :2]
    ang = np.degrees(np.abs(np.arctan2(d_out[:, 1], d_out[:, 0]) - np.arctan2(d_act[:, 1], d_act[:, 0])))
    assert np.minimum(ang, 360 - ang).max() < 0.5


def test_a_character_seen_from_the_front_keeps_its_width_when_matched_to_a_turned_actor():
    """The character stands as the actor turned 60 degrees does, bone for bone, but seen from the front: its
    shoulders and hips (and the arms and legs hanging from them) twice as far apart, their full width. The pose
    match (bone directions) picks that turned frame, where the character was taken as turned too and drawn 1.25
    times as wide as its image as the actor faced the camera (TikTok character 0 on clip 1: short and broad). A body
    seen from the front has no more width to show: its widths stay the image's."""
    turn = make_motion("turn", seconds=4.0, fps=30, size=(640, 480))
    yaw = np.abs(turn.events["yaw_deg"])
    t0 = int(np.argmin(np.abs(yaw - 60)))
    j0 = turn.joints[t0, :, :2].astype(np.float64)
    front = yaw < 20
    sides = {11: (11, 13, 15, 17, 19, 21), 12: (12, 14, 16, 18, 20, 22), 23: (23, 25, 27, 29, 31),
             24: (24, 26, 28, 30, 32)}
    front_on = j0.copy()
    for joint, limb in sides.items():  # each side moved out to the actor's width facing the camera
        pair = (joint, joint + (1 if joint % 2 else -1))
        grow = bone_len(turn.joints[front], *pair).max() / bone_len(j0, *pair)
        front_on[list(limb)] += (grow - 1) * (j0[joint] - j0[list(pair)].mean(axis=0))
    rest = RestPose(joints=front_on.astype(np.float32), visibility=np.ones(33, np.float32), width=640, height=480)
    motion = retarget(turn.to_track(), rest, "video", 640, 480, plant_feet=False)
    assert abs(int(motion.proportions["matched_frame"]) - t0) <= 3  # matched to the turned actor
    for a, b in (("left_shoulder", "right_shoulder"), ("left_hip", "right_hip")):
        drawn = bone_len(motion.joints, J[a], J[b])
        image = np.linalg.norm(front_on[J[a]] - front_on[J[b]])
        assert bone_len(turn.joints, J[a], J[b])[front].min() > 1.6 * bone_len(turn.joints[t0], J[a], J[b])
        assert (drawn[front] <= 1.05 * motion.width_scale[front] * image).all()


def test_a_head_matched_on_a_crowded_face_keeps_the_characters_size(dance):
    """The frame that matches the character's pose catches the actor's face crowded (bowed or turned: its points
    at 60 % of their spread). A stranger whose head is the actor's size, for its body, must keep that size, not
    grow by 1 / 0.6."""
    track = dance.to_track()
    face = list(range(11))  # nose, eyes, ears, mouth: MediaPipe's face points
    body = track.body.copy()
    centre = body[0, face, :2].mean(axis=0)
    body[0, face, :2] = centre + 0.6 * (body[0, face, :2] - centre)
    track.body = body
    rest = rest_from(dance.joints[0], 640, 360)  # the same actor, face uncrowded
    motion = retarget(track, rest, "video", 640, 360, plant_feet=False)
    assert motion.proportions["matched_frame"] == 0
    assert motion.proportions["head"] < 1.1
    assert np.median(motion.head_scale / motion.width_scale) < 1.1


def test_the_face_mesh_places_and_sizes_the_head(dance):
    """In a close-up the body model's face points land a few pixels off the face, frame by frame, where the face
    mesh agrees to a pixel: the head follows the mesh's centre and grows with the mesh as the actor leans in.
    The mesh's own centre lies a little off the face points' (its level is the matched frame's, here frame 0,
    where the mesh is first seen two frames later): the character's head starts where its image has it."""
    from motion_transfer.pose.retarget import HC

    track = dance.to_track()
    face = list(range(11))
    T = len(track)
    centre = track.body[:, face, :2].astype(np.float64).mean(axis=1)  # where the head really is
    angles = np.linspace(0.0, 2 * np.pi, track.face.shape[1], endpoint=False)
    disc = 20.0 * np.sqrt(np.linspace(0.05, 1.0, len(angles)))[:, None] * np.stack([np.cos(angles),
                                                                                    np.sin(angles)], axis=1)
    grow = np.linspace(1.0, 1.2, T)
    track.face[:, :, :2] = centre[:, None] + np.array([0.0, 4.0]) + grow[:, None, None] * disc[None]
    track.face[:, :, 2] = 0.0
    track.face[:2] = np.nan
    body = track.body.copy()
    body[1::2, face, 0] += 8.0  # the body model's face points misread, every other frame
    track.body = body
    rest = rest_from(dance.joints[0], 640, 360)
    motion = retarget(track, rest, "video", 640, 360, plant_feet=False)
    err = np.linalg.norm(motion.joints[:, HC] - centre, axis=1)
    assert err[0] < 0.5 and err[2:].max() < 0.5
    ratio = motion.head_scale / motion.head_scale[0]
    assert np.allclose(ratio[5:-5], grow[5:-5], rtol=0.02)


def test_a_mouth_opening_does_not_move_the_head(dance):
    """The actor opens her mouth wide for a second (the jaw and lips drop 12 px, the forehead, eyes, nose and
    cheekbones stay): the head keeps its place, placed by the face's rigid points, not pulled down with the jaw
    (its mesh's mean, on the whole face, drops about 5 px)."""
    from motion_transfer.pose.facemesh import STABLE
    from motion_transfer.pose.retarget import HC

    track = dance.to_track()
    face = list(range(11))
    centre = track.body[:, face, :2].astype(np.float64).mean(axis=1)
    angles = np.linspace(0.0, 2 * np.pi, track.face.shape[1], endpoint=False)
    disc = 20.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    track.face[:, :, :2] = centre[:, None] + disc[None]
    track.face[:, :, 2] = 0.0
    jaw = np.setdiff1d(np.flatnonzero(disc[:, 1] > 0.0), STABLE)
    track.face[20:50, jaw, 1] += 12.0
    motion = retarget(track, rest_from(dance.joints[0], 640, 360), "video", 640, 360, plant_feet=False)
    err = np.linalg.norm(motion.joints[:, HC] - centre, axis=1)
    assert err.max() < 0.5


def test_the_face_meshs_correction_fades_where_the_mesh_is_lost(dance):
    """What the mesh said of the body model's face points before it was lost (here: misread 8 px to the right)
    is not carried on through a long stretch without it, where those points are right again."""
    from motion_transfer.pose.retarget import HC, MESH_HOLD

    track = dance.to_track()
    face = list(range(11))
    centre = track.body[:, face, :2].astype(np.float64).mean(axis=1)
    angles = np.linspace(0.0, 2 * np.pi, track.face.shape[1], endpoint=False)
    track.face[:, :, :2] = centre[:, None] + 20.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)[None]
    track.face[:, :, 2] = 0.0
    track.face[20:50] = np.nan
    body = track.body.copy()
    body[10:20, face, 0] += 8.0
    track.body = body
    motion = retarget(track, rest_from(dance.joints[0], 640, 360), "video", 640, 360, plant_feet=False)
    err = np.linalg.norm(motion.joints[:, HC] - centre, axis=1)
    assert err[10:20].max() < 0.5  # the mesh puts the head right while it is seen
    deep = 20 + int(np.ceil(MESH_HOLD * dance.fps))
    assert err[deep:50 - (deep - 20)].max() < 0.5


def test_a_face_mesh_small_at_the_matched_frame_does_not_swell_the_head(dance):
    """The matched frame catches the actor's face mesh at 60 % of its size (turned away) while the face points
    look as usual: the head keeps the size the face points give over the clip, not 1 / 0.6 of it."""
    track = dance.to_track()
    face = list(range(11))
    centre = track.body[:, face, :2].astype(np.float64).mean(axis=1)
    angles = np.linspace(0.0, 2 * np.pi, track.face.shape[1], endpoint=False)
    size = np.where(np.arange(len(track)) < 6, 0.6, 1.0)
    ring = 20.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    track.face[:, :, :2] = centre[:, None] + size[:, None, None] * ring[None]
    track.face[:, :, 2] = 0.0
    motion = retarget(track, rest_from(dance.joints[0], 640, 360), "video", 640, 360, plant_feet=False)
    assert motion.proportions["matched_frame"] == 0
    assert np.median(motion.head_scale[10:] / motion.width_scale[10:]) < 1.1


def test_a_head_leaning_into_the_camera_grows_smoothly_and_within_reason(dance):
    """The actor leans into the camera: its face mesh grows to twice its size over ten frames while its body does
    not, and the mesh is lost for a moment on the way (motion blur), where the body model's face points crowd
    together. The character's head grows with it, never shrinking back in the gap (TikTok clip 0's dancer: to 0.8
    of its size, then 1.55 in four frames), and no further than ``HEAD_GROWTH`` times its usual size for its body
    (there: a head swollen 1.4 times on its neck)."""
    from motion_transfer.pose.retarget import HEAD_GROWTH

    track = dance.to_track()
    face = list(range(11))
    T = len(track)
    grow = np.interp(np.arange(T), [40, 50], [1.0, 2.0])
    body = track.body.copy()
    centre = body[:, face, :2].astype(np.float64).mean(axis=1)
    gap = slice(42, 50)
    body[gap, face, :2] = centre[gap, None] + 0.6 * (body[gap, face, :2] - centre[gap, None])
    track.body = body
    angles = np.linspace(0.0, 2 * np.pi, track.face.shape[1], endpoint=False)
    ring = 20.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    track.face[:, :, :2] = centre[:, None] + grow[:, None, None] * ring[None]
    track.face[:, :, 2] = 0.0
    track.face[gap] = np.nan
    motion = retarget(track, rest_from(dance.joints[0], 640, 360), "video", 640, 360, plant_feet=False)
    ratio = motion.head_scale / motion.width_scale
    usual = np.median(ratio[:25])
    assert ratio.max() <= 1.05 * HEAD_GROWTH * usual
    assert ratio[-5:].min() >= 1.1 * usual  # it did grow
    assert (np.diff(motion.head_scale[35:]) > -1e-3 * motion.head_scale.max()).all()


def turning_head(dance, yaw: np.ndarray, behind: float = 25.0, radius: float = 25.0):
    """The dance's track with the actor's head turned ``yaw`` [T] radians about a vertical axis ``behind`` px
    behind the face points' mean, both the body model's eleven face points and a face mesh turning with it: the
    mesh a spherical cap (the face's front, within 60 degrees of its normal) of ``radius``, whose head centre
    (``MESH_DEPTH`` spreads behind its centroid) sits, like the face points' mean, in front of the axis (and 4 px
    lower). Returns (track, the face points' mean [T, 2] as the body model sees it)."""
    from motion_transfer.pose.facemesh import CHIN, FOREHEAD, LEFT_CHEEK, RIGHT_CHEEK
    from motion_transfer.pose.retarget import MESH_DEPTH

    track = dance.to_track()
    face = list(range(11))
    n = track.face.shape[1]
    centre = track.body[:, face, :2].astype(np.float64).mean(axis=1)
    cos, sin = np.cos(yaw), np.sin(yaw)

    def turned(rel):  # [T, N, 3] points relative to the axis -> image (x, y, depth)
        x = rel[..., 0] * cos[:, None] + rel[..., 2] * sin[:, None]
        z = -rel[..., 0] * sin[:, None] + rel[..., 2] * cos[:, None]
        return np.stack([centre[:, None, 0] + x, centre[:, None, 1] + rel[..., 1], z], axis=-1)

    body = track.body.copy()
    rel = np.zeros((len(track), len(face), 3))
    rel[..., :2] = body[:, face, :2] - centre[:, None]
    rel[..., 2] = -behind
    body[:, face, :2] = turned(rel)[..., :2]
    track.body = body
    theta = np.radians(60.0) * np.sqrt(np.linspace(0.0, 1.0, n))  # evenly over the cap's area
    phi = np.arange(n) * np.pi * (3.0 - np.sqrt(5.0))
    for k, (t, p) in {RIGHT_CHEEK: (60, np.pi), LEFT_CHEEK: (60, 0.0), FOREHEAD: (60, -np.pi / 2),
                      CHIN: (60, np.pi / 2)}.items():
        theta[k], phi[k] = np.radians(t), p
    cap = radius * np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), -np.cos(theta)], axis=1)
    spread = np.sqrt(((cap - cap.mean(axis=0)) ** 2).sum(-1).mean())
    inside = cap.mean(axis=0) + MESH_DEPTH * spread * np.array([0.0, 0.0, 1.0])
    mesh = cap - inside + np.array([0.0, 4.0, -behind])
    track.face[:] = turned(np.broadcast_to(mesh, (len(track), n, 3)))
    return track, body[:, face, :2].astype(np.float64).mean(axis=1)


def test_a_head_turning_is_not_pushed_aside_by_the_face_mesh(dance):
    """The actor faces the camera in the matched frame (frame 0), then turns her head 60 degrees and back: the
    face mesh's centroid, on the face's surface, swings across the image further than the face points' mean
    (here 10 px at 60 degrees); the head stays where the face points put it, as without a mesh."""
    from motion_transfer.pose.retarget import HC

    T = len(dance.joints)
    yaw = np.radians(60.0) * np.clip(np.sin(np.pi * (np.arange(T) - 10) / 40.0), 0.0, None)
    yaw[50:] = 0.0
    track, _ = turning_head(dance, yaw)
    rest = rest_from(dance.joints[0], 640, 360)
    motion = retarget(track, rest, "video", 640, 360, plant_feet=False)
    track.face[:] = np.nan
    plain = retarget(track, rest, "video", 640, 360, plant_feet=False)
    assert motion.proportions["matched_frame"] == 0
    assert np.linalg.norm(motion.joints[:, HC] - plain.joints[:, HC], axis=1).max() < 0.5


def test_the_mesh_of_a_face_turned_far_away_is_not_trusted(dance):
    """Turned 60 degrees from the camera the face mesh is a guess (here it lands 8 px off the head, where the
    body model's face points are right): the head follows the face points there, and the mesh again once the
    face comes back to the camera."""
    from motion_transfer.pose.retarget import HC, MESH_TURN

    T = len(dance.joints)
    yaw = np.where((np.arange(T) >= 20) & (np.arange(T) < 40), np.radians(60.0), 0.0)
    track, centre = turning_head(dance, yaw)
    away = np.degrees(yaw) > MESH_TURN[1]
    track.face[away, :, 0] += 8.0
    body = track.body.copy()
    body[45:, :11, 0] += 6.0  # the face points misread once she faces the camera again: the mesh knows better
    track.body = body
    motion = retarget(track, rest_from(dance.joints[0], 640, 360), "video", 640, 360, plant_feet=False)
    err = np.linalg.norm(motion.joints[:, HC] - centre, axis=1)
    assert err[away].max() < 0.5
    assert err[45:].max() < 0.5


def test_a_forearm_the_video_does_not_show_stays_out_of_view():
    """The actor's hands are below the frame the whole time; for a second the pose model folds stubs of forearms
    back into the frame. The character's hands stay below the frame (they were drawn at its bottom corners), and
    move there without a jump: hardly faster than the pose model's hands move."""
    clip, track = folded_close_up("stub")
    assert (track.body[16:34, J["left_wrist"], 1] < track.height).all()  # folded into view
    motion = retarget(track, rest_from(clip.joints[0], 360, 250), "video", 360, 250, plant_feet=False)
    hand = [J[f"{side}_{n}"] for side in ("left", "right") for n in ("wrist", "pinky", "index", "thumb")]
    assert (motion.joints[:, hand, 1] > 250).all()
    step = np.linalg.norm(np.diff(motion.joints[:, hand], axis=0), axis=-1)
    assert step.max() <= 1.1 * np.linalg.norm(np.diff(track.body[:, hand, :2], axis=0), axis=-1).max()
    # the hand goes on straight from the forearm (one folded back over it tore the arm layer's mesh)
    j = motion.joints[16:34]
    for side in ("left", "right"):
        fore = j[:, J[f"{side}_wrist"]] - j[:, J[f"{side}_elbow"]]
        palm = (j[:, J[f"{side}_index"]] + j[:, J[f"{side}_pinky"]]) / 2 - j[:, J[f"{side}_wrist"]]
        cos = (fore * palm).sum(-1) / np.linalg.norm(fore, axis=-1) / np.linalg.norm(palm, axis=-1)
        assert cos.min() > 0.95, side
    assert (motion.off_frame[16:34] == 1).all() and (motion.off_frame[:3] == 0).all()


def test_a_forearm_raised_into_view_from_the_bottom_edge_is_kept():
    """The same close-up, but the actor raises her forearms into the frame at full length: they are shown."""
    clip, track = folded_close_up("raised")
    motion = retarget(track, rest_from(clip.joints[0], 360, 250), "video", 360, 250, plant_feet=False)
    wrists = [J["left_wrist"], J["right_wrist"]]
    assert np.abs(motion.joints[10:40, wrists] - track.body[10:40, wrists, :2]).max() < 0.5


def test_a_still_images_unseen_forearm_folded_short_is_put_out_at_its_full_length():
    """A close-up whose wrists are below the image: the pose model folds one forearm to a stub just below the
    border (a third of its upper arm, TikTok character 5); it is put out to its full length along its own
    direction, the hand's points with it. A forearm about as long as it should be, or one the image shows, stays."""
    from motion_transfer.pose.offframe import FOREARM_OF_UPPER_ARM, unfold_cut_forearms

    joints = np.zeros((33, 2))
    for side, x in (("left", 300.0), ("right", 100.0)):
        joints[J[f"{side}_shoulder"]] = (x, 100.0)
        joints[J[f"{side}_elbow"]] = (x, 300.0)
    joints[J["left_wrist"]] = (300.0, 360.0)  # a stub of 60 below an upper arm of 200, outside a 400 x 320 image
    joints[J["right_wrist"]] = (100.0, 450.0)  # 150: long enough
    for k in ("index", "pinky", "thumb"):
        joints[J[f"left_{k}"]] = (305.0, 380.0)
        joints[J[f"right_{k}"]] = (105.0, 470.0)
    out = unfold_cut_forearms(joints, 400, 320)
    assert np.allclose(out[J["left_wrist"]], (300.0, 300.0 + FOREARM_OF_UPPER_ARM * 200.0))
    assert np.allclose(out[J["left_index"]] - out[J["left_wrist"]], (5.0, 20.0))
    assert np.allclose(np.delete(out, [J[f"left_{k}"] for k in ("wrist", "index", "pinky", "thumb")], axis=0),
                       np.delete(joints, [J[f"left_{k}"] for k in ("wrist", "index", "pinky", "thumb")], axis=0))
    assert np.allclose(unfold_cut_forearms(joints, 400, 400), joints)  # the image shows that wrist


def test_a_still_images_guessed_elbow_squashed_onto_the_border_is_put_out_at_its_twins_length():
    """A close-up whose bottom edge cuts one sleeve: the pose model guesses that elbow (visibility 0.2) just above
    the edge, its upper arm 0.7 of the other's, seen one (TikTok character 5). The rig puts it out to the twin's
    length along its own direction, the forearm and hand with it, so the motion (which gives it the twin's length)
    does not stretch the sleeve. A seen elbow, one guessed far from the border, or a twin unseen: left alone."""
    from motion_transfer.pose.offframe import unfold_cut_upper_arms

    joints = np.zeros((33, 2))
    vis = np.ones(33)
    joints[J["left_shoulder"]], joints[J["right_shoulder"]] = (300.0, 100.0), (100.0, 100.0)
    joints[J["right_elbow"]] = (100.0, 300.0)  # seen: 200 long
    joints[J["left_elbow"]] = (310.0, 240.0)  # guessed 20 px above the bottom edge of a 400 x 260 image
    joints[J["left_wrist"]] = (312.0, 290.0)
    for k in ("index", "pinky", "thumb"):
        joints[J[f"left_{k}"]] = (315.0, 300.0)
    vis[[J[f"left_{k}"] for k in ("elbow", "wrist", "index", "pinky", "thumb")]] = 0.2
    out = unfold_cut_upper_arms(joints, vis, 400, 260)
    upper = out[J["left_elbow"]] - out[J["left_shoulder"]]
    assert np.isclose(np.linalg.norm(upper), 200.0)
    assert np.isclose(np.cross(upper, (10.0, 140.0)), 0.0)  # along the model's own direction
    shift = out[J["left_elbow"]] - joints[J["left_elbow"]]
    for k in ("wrist", "index", "pinky", "thumb"):
        assert np.allclose(out[J[f"left_{k}"]] - joints[J[f"left_{k}"]], shift)
    moved = [J[f"left_{k}"] for k in ("elbow", "wrist", "index", "pinky", "thumb")]
    assert np.allclose(np.delete(out, moved, axis=0), np.delete(joints, moved, axis=0))
    assert np.allclose(unfold_cut_upper_arms(joints, vis, 400, 400), joints)  # far from the border
    seen = vis.copy()
    seen[J["left_elbow"]] = 0.9
    assert np.allclose(unfold_cut_upper_arms(joints, seen, 400, 260), joints)
    unseen_twin = vis.copy()
    unseen_twin[J["right_elbow"]] = 0.3
    assert np.allclose(unfold_cut_upper_arms(joints, unseen_twin, 400, 260), joints)


def test_a_turning_actors_torso_is_drawn_as_wide_as_its_outline():
    """The actor turns on the spot; the character is the actor facing the camera. Its shoulder and hip joints
    come together by the turn's cosine, but a body with depth narrows far less (its side turns into view): the
    character's flat torso is drawn as wide as that outline, not squeezed to the joints' span, while the joints
    (and the limbs hanging from them) stay the actor's. Facing the camera, it is the actor's width."""
    from motion_transfer.engines.puppet.render import bone_transforms
    from motion_transfer.pose.torso_turn import DEPTH

    turn = make_motion("turn", seconds=4.0, fps=30, size=(640, 480))
    yaw = np.radians(np.abs(turn.events["yaw_deg"]))
    t0 = int(np.argmin(yaw))
    rest = rest_from(turn.joints[t0], 640, 480)
    motion = retarget(turn.to_track(), rest, "video", 640, 480, plant_feet=False)
    side = (yaw > np.radians(40)) & (yaw < np.radians(80))
    front = yaw < np.radians(10)
    assert side.any() and front.any()
    outline = np.sqrt(np.cos(yaw) ** 2 + DEPTH ** 2 * np.sin(yaw) ** 2)
    rest_ext = extend(rest.joints.astype(np.float64))
    maps = bone_transforms(rest_ext, motion.joints.astype(np.float64), motion.width_scale,
                           np.zeros(len(motion)), torso_width=motion.torso_width)
    for (a, b), frame, mid in ((("left_shoulder", "right_shoulder"), "chest", MS),
                               (("left_hip", "right_hip"), "pelvis", MH)):
        actor = bone_len(turn.joints, J[a], J[b])
        assert np.allclose(bone_len(motion.joints, J[a], J[b]), actor, rtol=0.03)  # the joints are the actor's
        # where the torso's texture at the rest joints lands: as far apart as the outline is wide
        M = maps[frame]
        ends = [M[:, :, :2] @ rest_ext[J[j]] + M[:, :, 2] for j in (a, b)]
        drawn = np.linalg.norm(ends[0] - ends[1], axis=1)
        frontal = np.median(actor[front])
        assert np.allclose(drawn[front], actor[front], rtol=0.03)
        share = drawn[side] / frontal
        assert (share > 0.9 * outline[side]).all() and (share < 1.1 * outline[side]).all()
        assert (share > 1.2 * actor[side] / frontal).any()  # wider than the joints: their span is the cosine
        # the texture's line keeps the actor's direction, about the joints' midpoint
        shown = side | front
        centre = (ends[0] + ends[1]) / 2
        assert np.allclose(centre[shown], motion.joints[shown, mid], atol=0.5)
        d_out, d_act = ends[0] - ends[1], turn.joints[:, J[a], :2] - turn.joints[:, J[b], :2]
        ang = np.degrees(np.abs(np.arctan2(d_out[:, 1], d_out[:, 0]) - np.arctan2(d_act[:, 1], d_act[:, 0])))
        assert np.minimum(ang, 360 - ang)[shown].max() < 0.5


def test_a_character_turned_in_its_image_widens_with_its_outline_as_the_actor_faces_the_camera():
    """The character is the actor turned 35 degrees (its joints at 0.82 of their frontal span, as TikTok character 1's
    at 0.76): its texture already holds that turned body's outline, wider than its joints. As the actor turns to face
    the camera its joints spread by the turn's cosine, but its outline by far less: the torso is drawn as wide as the
    outline grows, narrower than the joints (which stay the actor's)."""
    from motion_transfer.engines.puppet.render import bone_transforms
    from motion_transfer.pose.torso_turn import outline_share

    turn = make_motion("turn", seconds=4.0, fps=30, size=(640, 480))
    yaw = np.abs(turn.events["yaw_deg"])
    t0 = int(np.argmin(np.abs(yaw - 35)))
    rest = rest_from(turn.joints[t0], 640, 480)
    motion = retarget(turn.to_track(), rest, "video", 640, 480, plant_feet=False)
    front = yaw < 5
    assert front.any()
    rest_ext = extend(rest.joints.astype(np.float64))
    maps = bone_transforms(rest_ext, motion.joints.astype(np.float64), motion.width_scale,
                           np.zeros(len(motion)), torso_width=motion.torso_width)
    a, b = J["left_shoulder"], J["right_shoulder"]
    image = np.linalg.norm(rest_ext[a] - rest_ext[b])
    joints = bone_len(motion.joints, a, b)[front]
    facing = image / np.median(bone_len(turn.joints, a, b)[front])
    assert 0.78 < facing < 0.86
    M = maps["chest"][front]
    ends = [M[:, :, :2] @ rest_ext[j] + M[:, :, 2] for j in (a, b)]
    drawn = np.linalg.norm(ends[0] - ends[1], axis=1)
    assert np.allclose(drawn / image, 1.0 / outline_share(np.array(facing)), rtol=0.04)
    assert (drawn < 0.95 * joints).all()  # on main: drawn at the joints, as wide as the actor's frontal span


def test_a_turning_actors_arms_hang_where_the_torso_draws_its_shoulders():
    """The actor turns on the spot: its shoulder joints come together, the torso is drawn as wide as its outline.
    Turned far, the arms hang at the torso's drawn shoulders, not at the joints: hung at the joints, an arm's top
    (its shoulder's cap, as wide as ever) slid inwards over the narrowed torso's neckline (TikTok character 0 moved
    by clip 1: a black pad over her chest). Turned a little, they stay at the joints. The arm keeps the actor's
    direction."""
    from motion_transfer.engines.puppet.render import ARM_AT_OUTLINE, bone_transforms

    turn = make_motion("turn", seconds=4.0, fps=30, size=(640, 480))
    yaw = np.abs(turn.events["yaw_deg"]) % 360.0
    rest = rest_from(turn.joints[int(np.argmin(yaw))], 640, 480)
    motion = retarget(turn.to_track(), rest, "video", 640, 480, plant_feet=False)
    shown = np.minimum(yaw, 360.0 - yaw) < 85.0  # (not turned away: the torso's frame is not mirrored)
    tw = motion.torso_width[:, 0]
    far, little = shown & (tw >= ARM_AT_OUTLINE[1]), shown & (tw <= ARM_AT_OUTLINE[0])
    assert far.sum() > 5 and little.sum() > 5
    rest_ext = extend(rest.joints.astype(np.float64))
    posed = motion.joints.astype(np.float64)
    maps = bone_transforms(rest_ext, posed, motion.width_scale, np.zeros(len(motion)),
                           torso_width=motion.torso_width)

    def at(bone: str, joint: str) -> np.ndarray:
        M = maps[bone]
        return M[:, :, :2] @ rest_ext[J[joint]] + M[:, :, 2]

    for s, arm in (("left", "l_upper_arm"), ("right", "r_upper_arm")):
        shoulder = at(arm, f"{s}_shoulder")
        drawn = at("chest", f"{s}_shoulder")
        joint = posed[:, J[f"{s}_shoulder"]]
        assert np.allclose(shoulder[far], drawn[far], atol=0.5)  # where the torso draws it
        assert np.linalg.norm(drawn[far] - joint[far], axis=1).max() > 5.0  # (out from the joint)
        assert np.allclose(shoulder[little], joint[little], atol=0.5)
        between = np.linalg.norm(shoulder - joint, axis=1) <= np.linalg.norm(drawn - joint, axis=1) + 0.5
        assert between[shown].all()
        along = at(arm, f"{s}_elbow") - shoulder
        actor = posed[:, J[f"{s}_elbow"]] - posed[:, J[f"{s}_shoulder"]]
        cross = along[:, 0] * actor[:, 1] - along[:, 1] * actor[:, 0]
        assert np.abs(cross / (np.linalg.norm(along, axis=1) * np.linalg.norm(actor, axis=1))).max() < 0.01


def test_a_head_seen_side_on_keeps_its_lean_and_tilt_and_turns_as_the_actor_turns(dance):
    """A character whose image shows its head side on (the nose past the ears), held before its shoulders with its
    eye line tilted: that lean and tilt are the view's, not a pose to undo. Moved by an actor seen from the front,
    the head stays before the shoulders as the image holds it, untilted, turning as the actor's neck and roll turn
    about their usual (the clip's median). Put where the actor's head is, straight over the shoulders, a profile's
    head was pulled back and tipped, its neck long and skewed (TikTok character 1 cut at her chest on clip 0). A
    head seen from the front is moved as before."""
    from motion_transfer.pose.retarget import HC, side_on_head

    track = dance.to_track()
    j0 = dance.joints[0, :, :2].astype(np.float64).copy()
    assert not side_on_head(j0)
    hx, hy = j0[J["nose"]] + (30.0, 0.0)
    j0[:11] = (hx, hy)
    j0[J["right_ear"]], j0[J["left_ear"]] = (hx - 12, hy), (hx - 4, hy - 2)
    j0[J["nose"]] = (hx + 14, hy + 4)
    j0[J["right_eye_outer"]], j0[J["left_eye_outer"]] = (hx + 2, hy - 10), (hx + 10, hy - 6)  # tilted 27 degrees
    assert side_on_head(j0)
    motion = retarget(track, rest_from(j0, 640, 360), "video", 640, 360, plant_feet=False)
    assert motion.head_side_on and not retarget(track, rest_from(dance.joints[0], 640, 360), "video", 640, 360,
                                                plant_feet=False).head_side_on

    def lean(v: np.ndarray) -> np.ndarray:
        return np.degrees(np.arctan2(v[..., 1], v[..., 0]))

    rest = extend(j0)
    drawn = lean(motion.joints[:, HC] - motion.joints[:, MS])
    actor = extend(dance.joints[:, :, :2].astype(np.float64))
    turned = lean(actor[:, HC] - actor[:, MS])
    assert abs(np.median(drawn) - lean(rest[HC] - rest[MS])) < 2.0
    assert np.abs((drawn - np.median(drawn)) - (turned - np.median(turned))).max() < 2.0
    assert abs(np.degrees(np.median(motion.head_angle))) < 2.0


def test_a_face_moved_by_a_dancer_seen_side_on_keeps_its_neck_on_her_shoulders(dance):
    """A character facing the camera, moved by a dancer seen side on and tilted (her shoulder line 10 degrees off
    the level, as a body turned away under a camera above it): the profile's face points all lie on the face's side
    of the skull, so her head's centre leans before her shoulders however she holds it. Put where her head was, the
    character's head was pushed off its neck onto a shoulder, the neck sheared into a wedge (TikTok character 3 on
    clip 1: 30 degrees); held upright at the image's lean, the neck was sheared by the shoulders' tilt. Her neck
    and roll keep the image's against her shoulders, carried by them, and turn as the dancer's turn about their
    usual (the clip's median); her neck keeps its length."""
    from motion_transfer.pose.retarget import HC, side_on_head

    j0 = dance.joints[0, :, :2].astype(np.float64)
    track = dance.to_track()
    body = track.body[:, :, :2].astype(np.float64)
    face = body[:, :11]
    assert not side_on_head(j0) and not side_on_head(face).any()
    ears = face[:, [J["left_ear"], J["right_ear"]]].mean(axis=1)
    face += (12.0, 0.0)  # seen side on, facing right: the face before the ears (25 degrees off the neck here)
    face[:, J["left_ear"]], face[:, J["right_ear"]] = ears + (3.0, 0.0), ears - (3.0, 0.0)
    tilt = np.radians(10.0)
    turn = np.array([[np.cos(tilt), -np.sin(tilt)], [np.sin(tilt), np.cos(tilt)]])
    track.body[:, :, :2] = (body - (320.0, 180.0)) @ turn.T + (320.0, 180.0)
    assert side_on_head(track.body[:, :, :2]).all()
    motion = retarget(track, rest_from(dance.joints[0], 640, 360), "video", 640, 360, plant_feet=False)

    def lean(v: np.ndarray) -> np.ndarray:
        return np.degrees(np.arctan2(v[..., 1], v[..., 0]))

    rest = extend(j0)
    drawn = motion.joints[:, HC] - motion.joints[:, MS]
    actor = extend(track.body[:, :, :2].astype(np.float64))
    turned = lean(actor[:, HC] - actor[:, MS])
    assert abs(np.median(turned) - lean(rest[HC] - rest[MS])) > 30.0  # (the dancer's head leans before her)
    assert abs(np.median(lean(drawn)) - (lean(rest[HC] - rest[MS]) + 10.0)) < 2.0
    assert abs(np.degrees(np.median(motion.head_angle)) - 10.0) < 2.0
    assert np.abs((lean(drawn) - np.median(lean(drawn))) - (turned - np.median(turned))).max() < 2.0
    length = np.linalg.norm(drawn, axis=-1) / (motion.width_scale * np.linalg.norm(rest[HC] - rest[MS]))
    assert 0.85 < np.median(length) < 1.15
    assert motion.head_side_on  # (no face-mesh roll correction: it measures against the image's eye line)


@pytest.mark.parametrize("motion_name", ["dance", "turn"])
def test_a_fitted_figures_head_keeps_its_bodys_scale(motion_name):
    """A drawn penguin rigged by the silhouette fit: its face points are a person's pattern set on its head, not
    its face, and their spread against the actor's set its head's scale off its body's: 0.80 of it as the actor
    turns (the points crowd together), 0.99 on the dance (the lead's penguin on the mannequin's dance video: 0.80
    to 0.88, shrinking as it moved; the teddy bear here: 1.08 to 1.10). Its head is drawn at its body's scale."""
    from conftest import drawn_penguin
    from motion_transfer.engines.puppet import rig_character

    rig = rig_character(drawn_penguin())
    assert rig.source == "template"
    track = make_motion(motion_name, seconds=2.0, fps=30, size=(640, 360)).to_track()
    motion = retarget(track, rig.rest_pose(), "video", 640, 360, plant_feet=False)
    ratio = motion.head_scale / motion.width_scale
    assert np.abs(ratio - 1.0).max() < 0.03, f"the head drawn at {ratio.min():.2f}-{ratio.max():.2f} of the body"


def test_a_hand_raised_into_view_after_a_folded_stub_is_followed_at_once():
    """The close-up's left forearm folded to a stub (sent out of view), then the actor raises the hand into the
    frame, the forearm upright at full length and sure (TikTok clip 5's peace sign after its stub): the
    character's forearm points where the actor's does from that frame on, not eased out of view over the next
    frames (the hand was pulled down to the frame's edge beside the face for five frames)."""
    clip, track = folded_close_up("stub")
    body = track.body
    up = slice(30, None)
    elbow = body[up, J["left_elbow"], :2]
    full = np.linalg.norm(clip.joints[0, J["left_wrist"], :2] - clip.joints[0, J["left_elbow"], :2])
    wrist = elbow - [0.0, full]
    for j, tip in (("wrist", 0.0), ("pinky", 0.3), ("index", 0.35), ("thumb", 0.2)):
        body[up, J[f"left_{j}"], :2] = wrist - [0.0, tip * full]
        body[up, J[f"left_{j}"], 3] = 0.9
    motion = retarget(track, rest_from(clip.joints[0], 360, 250), "video", 360, 250, plant_feet=False)
    assert (motion.off_frame[16:30, 0] == 1).all() and (motion.off_frame[up, 0] == 0).all()
    fore = motion.joints[up, J["left_wrist"]] - motion.joints[up, J["left_elbow"]]
    assert np.degrees(np.abs(np.arctan2(fore[:, 0], -fore[:, 1]))).max() < 3.0  # upright, as the actor's


def test_a_still_images_cut_arm_is_unfolded_upper_arm_first_then_forearm_from_that_elbow():
    """A guessed elbow squashed onto the bottom edge (0.7 of its twin) with a forearm stub below it: the upper arm
    is put out to its twin's length, then the forearm from that elbow to ``FOREARM_OF_UPPER_ARM`` of it (from the
    model's squashed elbow it came out at 0.8 of the short upper arm, the hand 40 px off)."""
    from motion_transfer.pose.offframe import FOREARM_OF_UPPER_ARM, unfold_cut_arms

    joints = np.zeros((33, 2))
    vis = np.ones(33)
    joints[J["left_shoulder"]], joints[J["right_shoulder"]] = (300.0, 100.0), (100.0, 100.0)
    joints[J["right_elbow"]], joints[J["right_wrist"]] = (100.0, 300.0), (100.0, 460.0)  # seen: 200, 160
    joints[J["left_elbow"]], joints[J["left_wrist"]] = (300.0, 240.0), (300.0, 290.0)  # 140, a stub of 50
    for side in ("left", "right"):
        joints[[J[f"{side}_{k}"] for k in ("index", "pinky", "thumb")]] = joints[J[f"{side}_wrist"]] + (0.0, 10.0)
    vis[[J[f"left_{k}"] for k in ("elbow", "wrist", "index", "pinky", "thumb")]] = 0.2
    out = unfold_cut_arms(joints, vis, 400, 260)
    assert np.allclose(out[J["left_elbow"]], (300.0, 300.0))
    assert np.allclose(out[J["left_wrist"]], (300.0, 300.0 + FOREARM_OF_UPPER_ARM * 200.0))
    assert np.allclose(out[J["left_index"]] - out[J["left_wrist"]], (0.0, 10.0))
    moved = [J[f"left_{k}"] for k in ("elbow", "wrist", "index", "pinky", "thumb")]
    assert np.allclose(np.delete(out, moved, axis=0), np.delete(joints, moved, axis=0))


def _chest_framed(dance):
    """The dance framed to the chest (its hips below the frame, guessed there as MediaPipe does) and its track."""
    close = make_motion("dance", seconds=2.0, fps=30, size=(480, 480), framing="portrait")
    track = close.to_track()
    body = track.body
    body[..., 3] = np.where(body[..., 1] > track.height, 0.1, 1.0)
    assert (body[:, [J["left_hip"], J["right_hip"]], 3] < 0.5).all()
    return close, track


def _turned_side_on(joints: np.ndarray) -> np.ndarray:
    """The actor's pose turned side on: its shoulders and hips half as wide, its head in profile, its forearms
    folded across its waist (a pose the dance never takes)."""
    from motion_transfer.pose.retarget import side_on_head

    j0 = joints[:, :2].astype(np.float64).copy()
    mid = 0.5 * (j0[J["left_shoulder"], 0] + j0[J["right_shoulder"], 0])
    for side in ("left", "right"):
        shoulder, elbow, wrist = (J[f"{side}_{n}"] for n in ("shoulder", "elbow", "wrist"))
        upper, fore = bone_len(j0, shoulder, elbow), bone_len(j0, elbow, wrist)
        j0[shoulder, 0] = mid + 0.5 * (j0[shoulder, 0] - mid)
        across = np.sign(mid - j0[shoulder, 0])
        j0[elbow] = j0[shoulder] + (0.0, upper)
        j0[[wrist] + [J[f"{side}_{n}"] for n in ("pinky", "index", "thumb")]] = j0[elbow] + (across * fore, 0.0)
        j0[J[f"{side}_hip"], 0] = mid + 0.5 * (j0[J[f"{side}_hip"], 0] - mid)
    hx, hy = j0[J["nose"]]
    j0[:11] = (hx, hy)
    j0[J["right_ear"]], j0[J["left_ear"]] = (hx - 12, hy), (hx - 4, hy - 2)
    j0[J["nose"]] = (hx + 14, hy + 4)
    j0[J["right_eye_outer"]], j0[J["left_eye_outer"]] = (hx + 2, hy - 10), (hx + 10, hy - 6)
    assert side_on_head(j0)
    return j0


def test_a_character_seen_side_on_keeps_its_size_on_a_dance_framed_to_the_chest(dance):
    """The character is the actor turned side on in its image (its shoulders and hips half as wide, its head in
    profile, its forearms folded across its waist, a pose the dance never takes); the dance is framed to the chest,
    so the actor's hips are never seen and its torso's height is guessed from a measure both show. Guessed from the
    turned character's foreshortened shoulders, the torso came out twice as long, the character half as large and
    every other bone twice as long to make up: its neck raised the head far above the actor's (TikTok character 1
    on clips 3-5: her face above the frame's top). Its neck, as long seen side on, keeps it the actor's size."""
    from motion_transfer.pose.retarget import HC

    close, track = _chest_framed(dance)
    motion = retarget(track, rest_from(_turned_side_on(dance.joints[0]), 640, 360), "video", 480, 480,
                      plant_feet=False)
    assert motion.proportions["matched_frame"] is None
    for bone in ("neck", "upper_arm"):
        assert motion.proportions[bone] == pytest.approx(1.0, abs=0.15), bone
    actor = extend(close.joints[:, :, :2].astype(np.float64))
    assert np.abs(motion.joints[:, HC, 1] - actor[:, HC, 1]).max() < 0.05 * track.height


def test_a_character_seen_side_on_and_cut_at_the_chest_keeps_its_size_on_a_dance_framed_to_the_chest(dance):
    """The same turned character, its picture cut at the chest (its hips not seen, as the dancer's are not): its
    only torso measure was its foreshortened shoulders, which sized it half as large as the actor and every other
    bone twice as long to make up, its head raised out of the frame's top (TikTok character 1 cut at 60% of her
    height: neck 1.6-2.2 times on every clip, her head's centre 56 px above the frame on clip 4). Measured by its
    neck as well, it keeps the actor's size and its head inside the frame."""
    from motion_transfer.pose.retarget import HC

    close, track = _chest_framed(dance)
    j0 = _turned_side_on(dance.joints[0])
    vis = np.ones(33, np.float32)
    vis[J["left_hip"]:] = 0.1  # below the cut: guessed
    rest = RestPose(joints=j0.astype(np.float32), visibility=vis, width=640, height=360)
    motion = retarget(track, rest, "video", 480, 480, plant_feet=False)
    for bone in ("neck", "upper_arm"):
        assert motion.proportions[bone] == pytest.approx(1.0, abs=0.15), bone
    actor = extend(close.joints[:, :, :2].astype(np.float64))
    assert np.abs(motion.joints[:, HC, 1] - actor[:, HC, 1]).max() < 0.05 * track.height
    assert (motion.joints[:, HC, 1] > 0).all()


def test_a_face_moved_by_a_dancer_seen_side_on_keeps_its_bodys_scale(dance):
    """A face seen from the front, moved by a dancer seen side on: her profile's face points crowd together, and
    their spread against the front view's set the head's scale: TikTok characters 0, 2, 3, 4 and 5 on clip 1 drew
    their heads at 0.87 to 0.98 of their bodies' scale, character 1 (side on) on the frontal dances at 0.85 to 0.98.
    The spread measures the view there, not the size: the head is drawn at its body's scale, growing and shrinking
    with the spread from frame to frame as before (leaning in)."""
    j0 = dance.joints[0, :, :2].astype(np.float64)
    track = dance.to_track()
    face = track.body[:, :11, :2]
    centre = face.mean(axis=1, keepdims=True)
    ears = face[:, [J["left_ear"], J["right_ear"]]].mean(axis=1)
    face[:] = centre + 0.7 * (face - centre) + (12.0, 0.0)  # seen side on: crowded, before the ears
    face[:, J["left_ear"]], face[:, J["right_ear"]] = ears + (3.0, 0.0), ears - (3.0, 0.0)
    track.face = np.full_like(track.face, np.nan)
    front = retarget(dance.to_track(), rest_from(j0, 640, 360), "video", 640, 360, plant_feet=False)
    motion = retarget(track, rest_from(j0, 640, 360), "video", 640, 360, plant_feet=False)
    assert motion.head_side_on and not front.head_side_on
    ratio = motion.head_scale / motion.width_scale
    assert abs(np.median(ratio) - 1.0) < 0.02
    front_ratio = front.head_scale / front.width_scale
    assert np.abs((ratio - np.median(ratio)) - (front_ratio - np.median(front_ratio))).max() < 0.05


def _head_moved(rest: np.ndarray, neck_turn: float, roll: float, chest: float = 0.0) -> np.ndarray:
    """[1, 36, 2] the extended joints ``rest`` with the neck turned ``neck_turn`` degrees about the mid-shoulder
    (the face points carried along), the head rolled ``roll`` about its centre and the shoulders ``chest``
    about the mid-shoulder."""
    def turned(points: np.ndarray, about: np.ndarray, degrees: float) -> np.ndarray:
        a = np.deg2rad(degrees)
        return (points - about) @ np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]]) + about

    out = rest.copy()
    face = list(FACE) + [HC]
    out[face] = turned(rest[face], rest[MS], neck_turn)
    out[face] = turned(out[face], out[HC], roll)
    shoulders = [J["left_shoulder"], J["right_shoulder"]]
    out[shoulders] = turned(rest[shoulders], rest[MS], chest)
    return out[None]


def test_a_head_rolls_with_its_neck_rather_than_sliding_off_it():
    """The actor's neck turning 30 degrees while the head rolls 0: the head's centre goes back on the arc about the
    neck's base until the neck turns no more than NECK_SLIDE beyond the roll (the mean of the face points swings
    sideways as a face turns away: TikTok clip 0 frames 20-24, 25-31 degrees against a roll of 1-21); the face
    keeps its roll and its layout, the neck its length. A neck that turns as the head rolls, about the
    mid-shoulder (``base`` 0), is left where the actor's is; above a base, the neck's lower part turns with the
    shoulders."""
    rest = extend(_joints_upright())
    neck = np.linalg.norm(rest[HC] - rest[MS])
    for turn, roll in ((30.0, 0.0), (-30.0, -10.0), (30.0, 40.0)):
        out = roll_with_neck(_head_moved(rest, turn, roll), np.deg2rad([roll]), rest, 0.0)[0]
        v = out[HC] - out[MS]
        got = np.degrees(np.arctan2(v[1], v[0]) - np.arctan2(*(rest[HC] - rest[MS])[::-1]))
        assert abs(got - roll) == pytest.approx(np.degrees(NECK_SLIDE), abs=1e-6)
        assert np.sign(got - roll) == np.sign(turn - roll)  # (the way the actor's neck turned)
        assert np.linalg.norm(v) == pytest.approx(neck)
        moved = _head_moved(rest, turn, roll)[0]
        assert np.allclose(out[list(FACE)] - out[HC], moved[list(FACE)] - moved[HC])
    with_neck = _head_moved(rest, 20.0, 17.0)
    assert np.allclose(roll_with_neck(with_neck, np.deg2rad([17.0]), rest, 0.0), with_neck)
    # the shoulders turned 20 degrees, the neck and the head not: the neck's lower fifth turns with the shoulders
    out = roll_with_neck(_head_moved(rest, 0.0, 0.0, chest=20.0), np.zeros(1), rest, 0.2)[0]
    lower = 0.2 * (rest[HC] - rest[MS])
    a = np.deg2rad(20.0)
    expected = rest[MS] + np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) @ lower + 0.8 * (
        rest[HC] - rest[MS])
    assert np.allclose(out[HC], expected)


def _joints_upright() -> np.ndarray:
    """[33, 2] a front-facing figure: the head's points round (200, 100), the shoulders at y 200."""
    joints = np.zeros((33, 2))
    joints[list(FACE)] = (200, 100)
    joints[J["left_eye"]], joints[J["right_eye"]] = (212, 95), (188, 95)
    joints[J["mouth_left"]], joints[J["mouth_right"]] = (208, 125), (192, 125)
    joints[J["left_shoulder"]], joints[J["right_shoulder"]] = (260, 200), (140, 200)
    joints[J["left_hip"]], joints[J["right_hip"]] = (245, 390), (155, 390)
    return joints
