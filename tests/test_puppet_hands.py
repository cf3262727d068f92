"""The character's fingers bend like the actor's: a generated hand with known finger curl, measured again."""
from __future__ import annotations

import functools

import numpy as np

from motion_transfer.pose.fingers import finger_bends, hand_size

SIZE = (480, 640)


@functools.lru_cache(maxsize=1)
def _fingers():
    """The "fingers" motion: the right hand's fingers curl to a loose fist and open again."""
    from motion_transfer.samples import make_motion, render_clip_frames

    clip = make_motion("fingers", seconds=2.0, fps=6, size=SIZE, framing="closeup")
    return clip, list(render_clip_frames(clip))


def _hand_texture(rgb, joints):
    """RGBA with only the hand opaque (as the arm layer holds it): skin-coloured pixels near its joints."""
    import cv2

    near = np.zeros(rgb.shape[:2], np.uint8)
    hull = cv2.convexHull(joints.astype(np.float32)).astype(np.int32)
    cv2.fillConvexPoly(near, hull, 255)
    near = cv2.dilate(near, np.ones((15, 15), np.uint8))
    f = rgb.astype(int)
    skin = (f[:, :, 0] > f[:, :, 2] + 20) & (f[:, :, 0] > 120)
    return np.dstack([rgb, np.where(skin & (near > 0), 255, 0).astype(np.uint8)])


def _right_hand():
    """(clip, frames, frame 0, the right hand's joints in it, its hand rig, the hand-only texture) of the
    "fingers" motion: the open hand of frame 0, rigged as the character's."""
    from motion_transfer.engines.puppet.hands import build_hand_rig

    clip, frames = _fingers()
    rgb = frames[0]
    joints = clip.hands[0, 1, :, :2].astype(np.float64)
    return clip, frames, rgb, joints, build_hand_rig(joints, "right", rgb.shape[:2]), _hand_texture(rgb, joints)


def test_generated_hand_reads_as_drawn():
    """MediaPipe's finger bends on the generated frames follow the drawn curl."""
    from motion_transfer.pose.estimator import detect_image

    clip, frames = _fingers()
    measured = np.stack([detect_image(f, segmentation=False).right_hand[0] for f in frames])
    ok = np.isfinite(measured[:, 0, 0])
    assert ok.mean() > 0.8
    truth = finger_bends(clip.hands[:, 1]).mean(axis=1)
    got = finger_bends(measured).mean(axis=1)
    assert np.corrcoef(truth[ok], got[ok])[0, 1] > 0.8


def _tracked_bends(frames, path) -> np.ndarray:
    """Finger bends [T, 15] of the right hand as MediaPipe tracks it over ``frames`` written as a video."""
    from motion_transfer.media.writer import VideoWriter
    from motion_transfer.pose.estimator import track_video

    h, w = frames[0].shape[:2]
    with VideoWriter(path, 6, w, h, crf=12) as writer:
        for f in frames:
            writer.write(f)
    return finger_bends(track_video(path, preset="accurate").right_hand.astype(np.float64))


def test_fingers_follow_the_actor(tmp_path):
    """The character's open hand (frame 0) is bent by the actor's curl; MediaPipe's finger bends on the result
    are closer to the actor's than the still hand's are: within 10 degrees on average, and by a fifth or more
    where the fingers are bent most (light bends are within MediaPipe's own noise of a few degrees). Measured
    as the engine's tracks and the bench are, MediaPipe in video mode over the clip: single-image detection
    flips between two readings of a half-curled finger from one frame to the next."""
    from motion_transfer.engines.puppet.hands import HandAnimator, hand_drive

    clip, frames, rgb, _, rig, tex = _right_hand()
    assert rig is not None
    backdrop = rgb.copy()
    backdrop[tex[:, :, 3] > 0] = rgb[5, 5]  # the hand's place, emptied: what shows where a finger leaves
    anim = HandAnimator()
    anim.add(rig, hand_drive(clip.to_track().right_hand), tex, (0, 0))
    outs = []
    for t in range(len(frames)):
        anim.apply(t)
        a = tex[:, :, 3:4].astype(np.float32) / 255.0
        outs.append((tex[:, :, :3] * a + backdrop * (1 - a) + 0.5).astype(np.uint8))
    actor = _tracked_bends(frames, tmp_path / "actor.mp4")
    moved = np.abs(_tracked_bends(outs, tmp_path / "moved.mp4") - actor).mean(axis=1)
    still = np.abs(_tracked_bends([rgb] * len(frames), tmp_path / "still.mp4") - actor).mean(axis=1)
    ok = np.isfinite(moved) & np.isfinite(still)
    assert ok.mean() >= 0.5
    assert moved[ok].mean() < still[ok].mean()
    assert moved[ok].mean() < 10.0
    # where the actor's fingers are bent most, the bent character is clearly closer than the still one
    curl = finger_bends(clip.hands[:, 1]).mean(axis=1)
    bent = ok & (curl >= np.sort(curl[ok])[-3])
    assert moved[bent].mean() < 0.8 * still[bent].mean()
    # outside the hand's box nothing changed
    x0, y0, x1, y1 = rig.box
    mask = np.ones(rgb.shape[:2], bool)
    mask[y0:y1, x0:x1] = False
    assert (tex[:, :, :3][mask] == rgb[mask]).all()


def test_small_fist_and_hidden_hands_keep_still_with_findings():
    from motion_transfer.engines.puppet.hands import MIN_HAND_PX, hand_findings
    from motion_transfer.pose.track import PoseTrack

    clip, _ = _fingers()
    open_hand = clip.hands[0, 1, :, :2].astype(np.float64)
    track = PoseTrack.empty(4, 30.0, *SIZE)
    track.left_hand[:] = clip.hands[:4, 0]
    track.right_hand[:] = clip.hands[:4, 1]
    # the open hand is rigged; a hidden left hand gets a finding
    rigs, notes = hand_findings({"left": None, "right": open_hand}, track, SIZE[::-1])
    assert set(rigs) == {"right"}
    assert [n.code for n in notes] == ["fingers_still"] and "left" in notes[0].message
    # a tiny hand
    wrist = open_hand[0]
    tiny = wrist + (open_hand - wrist) * (0.8 * MIN_HAND_PX / hand_size(open_hand))
    rigs, notes = hand_findings({"left": None, "right": tiny}, track, SIZE[::-1])
    assert "right" not in rigs and any("under" in n.message for n in notes)
    # a fist: the generator's hand fully curled
    fist = clip.hands[int(np.argmax(finger_bends(clip.hands[:, 1]).mean(axis=1))), 1, :, :2].astype(np.float64)
    assert np.nanmean(finger_bends(fist, dims=2)[3:]) > 55
    rigs, notes = hand_findings({"left": None, "right": fist}, track, SIZE[::-1])
    assert "right" not in rigs and any("fist" in n.message for n in notes)
    # a hand carried on past the image's side with its arm (no pixels of it in the image; its box squeezed to
    # a line failed to mesh): kept still, told
    outside = open_hand + np.array([SIZE[0] + 5.0 - open_hand[:, 0].min(), 0.0])
    rigs, notes = hand_findings({"left": None, "right": outside}, track, SIZE[::-1])
    assert "right" not in rigs and any("outside the image" in n.message for n in notes)
    # an actor who never shows its hands: nothing to say
    quiet = PoseTrack.empty(4, 30.0, *SIZE)
    assert hand_findings({"left": None, "right": None}, quiet, SIZE[::-1])[1] == []


def test_what_the_layer_holds_beside_the_fingers_stays_whole():
    """The arm layer often holds more than the hand inside the hand's box (a sleeve, the shoulder behind a
    raised hand). Those pixels stay where they are as the fingers curl: none is dragged along a finger or
    torn open into a hole, while the fingers themselves still move."""
    import cv2

    from motion_transfer.engines.puppet.hands import HandAnimator, hand_drive

    clip, frames, rgb, joints, rig, tex = _right_hand()
    # a blue sleeve filling the box's empty corners beside the fingers, a few pixels away from them
    x0, y0, x1, y1 = rig.box
    hand = cv2.dilate((tex[:, :, 3] > 0).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    sleeve = np.zeros(rgb.shape[:2], bool)
    sleeve[y0:y1, x0:x1] = ~hand[y0:y1, x0:x1]
    tex[sleeve] = (40, 70, 160, 255)
    anim = HandAnimator()
    anim.add(rig, hand_drive(clip.to_track().right_hand), tex, (0, 0))
    curl = finger_bends(clip.hands[:, 1]).mean(axis=1)
    t = int(np.argmax(curl[:len(frames)]))
    anim.apply(t)
    # the sleeve away from the fingers is intact: opaque and still blue (the band next to them may stretch)
    far = sleeve & ~(cv2.dilate(hand.astype(np.uint8), np.ones((15, 15), np.uint8)) > 0)
    assert far.sum() > 200
    assert (tex[:, :, 3][far] == 255).mean() > 0.99
    assert (np.abs(tex[:, :, :3][far].astype(int) - (40, 70, 160)).max(axis=1) <= 2).mean() > 0.97
    # and the fingers did curl: a good part of the rest hand's pixels changed
    rest_hand = _hand_texture(rgb, joints)[:, :, 3] > 0
    moved = (tex[rest_hand] != np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])[rest_hand]).any(axis=1)
    assert moved.mean() > 0.1


def test_a_finger_pointing_at_the_camera_ends_in_a_round_knuckle():
    """The index finger's last two bones turn to point at the camera (3D joints: its DIP and tip straight
    towards the viewer). The mannequin drawn in that pose shows the first bone ending in a round knuckle as
    wide as the finger; the character's hand bent by that motion shows the same end, not the finger's pixels
    squashed into a flat, ragged stub: the drawn silhouette beyond the middle knuckle overlaps the
    generator's (IoU), and covers most of it."""
    from motion_transfer.engines.puppet.hands import HandAnimator, hand_drive
    from motion_transfer.samples.mannequin import render_mannequin

    clip, _, _, joints, rig, tex = _right_hand()
    hands = clip.hands[0].copy()
    h = hands[1]
    u = (h[6, :2] - h[5, :2]) / np.linalg.norm(h[6, :2] - h[5, :2])
    for j in (7, 8):  # each bone keeps its 3D length, pointing at the camera (z towards the viewer)
        L = np.linalg.norm(clip.hands[0, 1, j] - clip.hands[0, 1, j - 1])
        h[j] = h[j - 1] + L * np.array([0.1 * u[0], 0.1 * u[1], -0.995])
    truth = render_mannequin(clip.joints[0], clip.size, hands=hands)
    anim = HandAnimator()
    anim.add(rig, hand_drive(np.stack([clip.hands[0, 1], h])), tex, (0, 0))
    anim.apply(1)
    ours = tex[:, :, 3] > 127
    want = _hand_texture(truth, h[:, :2])[:, :, 3] > 127
    # the window: within a sixth of the hand's size around the middle knuckle, on the fingertip's side of it
    yy, xx = np.mgrid[:ours.shape[0], :ours.shape[1]]
    size = float(hand_size(joints))
    end = (np.hypot(xx - h[6, 0], yy - h[6, 1]) < 0.15 * size) & ((xx - h[6, 0]) * u[0] + (yy - h[6, 1]) * u[1] > 0)
    assert (want & end).sum() > 50  # the generator's knuckle is there to compare with
    iou = (ours & want & end).sum() / ((ours | want) & end).sum()
    assert iou > 0.56
    assert (want & ~ours & end).sum() < 0.4 * (want & end).sum()


def test_a_tip_folded_back_across_a_knuckle_seen_end_on_leaves_a_round_finger_end():
    """The four fingers curl as a loose fist's do at its fullest: the middle bone points at the camera (leaning
    a little back down the finger, as a tracker's few pixels of an end-on bone often do) and the tip folds
    back over the first bone. The mannequin drawn in that pose shows each finger ending in a round knuckle;
    the character's bent hand shows the same end (the fold is judged across the end-on bone, from the first
    bone to the tip), not the end-on bone's pixels squashed into a flat, ragged stub with scraps around it
    (the end-on bone taken as folded back: no knuckle cap, the tip not laid over the finger): the drawn
    silhouette beyond the middle knuckle overlaps the generator's (IoU, over the four fingers)."""
    from motion_transfer.engines.puppet.hands import HandAnimator, hand_drive
    from motion_transfer.samples.mannequin import render_mannequin

    clip, _, _, joints, rig, tex = _right_hand()
    hands = clip.hands[0].copy()
    h, rest = hands[1], clip.hands[0, 1]
    for mcp in (5, 9, 13, 17):
        u = (h[mcp + 1, :2] - h[mcp, :2]) / np.linalg.norm(h[mcp + 1, :2] - h[mcp, :2])
        for j, (back, towards) in ((mcp + 2, (0.1, 0.995)), (mcp + 3, (0.8, 0.6))):
            L = np.linalg.norm(rest[j] - rest[j - 1])  # each bone keeps its 3D length
            h[j] = h[j - 1] + L * np.array([-back * u[0], -back * u[1], -towards])
    truth = render_mannequin(clip.joints[0], clip.size, hands=hands)
    anim = HandAnimator()
    anim.add(rig, hand_drive(np.stack([rest, h])), tex, (0, 0))
    anim.apply(1)
    ours = tex[:, :, 3] > 127
    want = _hand_texture(truth, h[:, :2])[:, :, 3] > 127
    yy, xx = np.mgrid[:ours.shape[0], :ours.shape[1]]
    size = float(hand_size(joints))
    iou = []
    for mcp in (5, 9, 13, 17):  # within a sixth of the hand's size around the middle knuckle, beyond it
        u = (joints[mcp + 1] - joints[mcp]) / np.linalg.norm(joints[mcp + 1] - joints[mcp])
        p = h[mcp + 1]
        end = (np.hypot(xx - p[0], yy - p[1]) < 0.15 * size) & ((xx - p[0]) * u[0] + (yy - p[1]) * u[1] > 0)
        assert (want & end).sum() > 50  # the generator's knuckle is there to compare with
        iou.append((ours & want & end).sum() / ((ours | want) & end).sum())
    assert np.mean(iou) > 0.38


def test_a_video_hand_too_small_to_read_keeps_the_fingers_still_with_a_finding(tmp_path):
    """From the character's image to its rig: the open right hand of the "fingers" motion's first frame is found
    and bent by the actor's curl; the same actor filmed so far away that its hand is under ``MIN_HAND_PX``
    (its finger readings would be the hand model's noise) leaves the fingers still, and the user is told."""
    from PIL import Image

    from motion_transfer.engines.puppet.engine import load_character
    from motion_transfer.engines.puppet.hands import MIN_HAND_PX, hand_animator
    from motion_transfer.engines.puppet.settings import Settings
    from motion_transfer.request import Request

    clip, _, rgb, _, _, _ = _right_hand()
    Image.fromarray(rgb).save(tmp_path / "character.png")
    req = Request(image=tmp_path / "character.png", video=tmp_path / "unused.mp4", output=tmp_path / "out.mp4",
                  orientation="image")
    rig = load_character(req, Settings.from_request(req))
    track = clip.to_track()
    anim, notes = hand_animator(rig, track)
    # (the left arm, cut by the image's right edge, ends in a hand the rig draws: posed too)
    assert anim is not None and [h.rig.side for h in anim.hands if h.drawn is None] == ["right"]
    assert not any("too small" in n.message for n in notes)
    far = clip.to_track()
    for side in ("left", "right"):
        hand = getattr(far, f"{side}_hand").astype(np.float64)
        if not np.isfinite(hand).any():
            continue
        wrist = hand[:, :1, :2]
        hand[:, :, :2] = wrist + (hand[:, :, :2] - wrist) * (0.7 * MIN_HAND_PX / np.nanmedian(hand_size(hand)))
        getattr(far, f"{side}_hand")[:] = hand
    anim, notes = hand_animator(rig, far)
    assert anim is None
    assert any(n.code == "fingers_still" and "right" in n.message and "too small" in n.message for n in notes)


def test_a_bent_hand_keeps_its_palm_length(tmp_path):
    """The actor's fingers curl to a loose fist and open again (the "fingers" motion, tracked by MediaPipe as
    the engine tracks it); the body model's index and pinky points, which end the arm layer's hand, slide
    towards the wrist as they curl. The character's hand, its fingers bent by the hand rig, keeps its palm:
    the hand bone's map scales the rest palm (wrist to the middle knuckle) by the width scale within 2 % in
    every frame. Unsteadied, the same motion squashes the palm by more than 5 % somewhere (the old drawing:
    up to a fifth, and a short palm reads as one tilted away from the camera)."""
    import dataclasses

    from motion_transfer.engines.puppet.character import rig_character
    from motion_transfer.engines.puppet.hands import hand_animator
    from motion_transfer.engines.puppet.render import bone_transforms
    from motion_transfer.media.writer import VideoWriter
    from motion_transfer.pose.estimator import track_video
    from motion_transfer.pose.retarget import extend, retarget

    clip, frames = _fingers()
    h, w = frames[0].shape[:2]
    path = tmp_path / "fingers.mp4"
    with VideoWriter(path, 6, w, h, crf=12) as writer:
        for f in frames:
            writer.write(f)
    track = track_video(path, preset="accurate")
    rig = rig_character(frames[0])
    anim, _ = hand_animator(rig, track)
    assert anim is not None and {hand.rig.side for hand in anim.hands} == {"right"}
    motion = retarget(track, rig.rest_pose(), "image", w, h)
    steady = dataclasses.replace(motion, joints=motion.joints.copy())
    anim.steady_palms(steady, rig.joints)
    rest = extend(rig.joints.astype(np.float64))
    palm = rig.right_hand[[0, 9], :2].astype(np.float64)

    def palm_scale(m) -> np.ndarray:
        out = []
        for t in range(len(m)):
            M = bone_transforms(rest, m.joints[t].astype(np.float64), float(m.width_scale[t]), 0.0)["r_hand"]
            drawn = palm @ M[:, :2].T + M[:, 2]
            out.append(np.linalg.norm(drawn[1] - drawn[0]) / np.linalg.norm(palm[1] - palm[0])
                       / float(m.width_scale[t]))
        return np.array(out)

    assert np.abs(palm_scale(steady) - 1.0).max() < 0.02
    assert palm_scale(motion).min() < 0.95


def test_a_possible_hand_is_told_from_a_misreading():
    """Every pose of the generated fingers clip (a loose fist at most) is a possible hand; the same hand with a
    fingertip bent back on itself (the hand model's reading of a curl's first frames, 100-125 degrees at a
    joint that bends 90 at most) is not, and neither is a missing one."""
    from motion_transfer.pose.fingers import plausible

    clip, _ = _fingers()
    truth = finger_bends(clip.hands[:, 1])
    assert plausible(truth).all()
    wrong = truth.copy()
    wrong[:, 8] = 120.0  # the middle finger's DIP
    assert not plausible(wrong).any()
    wrong[:, 8] = np.nan
    assert not plausible(wrong).any()


def test_a_curled_finger_is_shaded_darker_than_the_open_hand():
    """Bones the actor's curl shows shorter (pointing towards the camera) are drawn darker, by ``FORE_SHADE``
    times how much shorter: at the generated clip's fullest curl the character's fingers beyond the knuckles
    are clearly darker than its open fingers were, and the palm away from the fingers keeps its colour."""
    from motion_transfer.engines.puppet.hands import BONES, HandAnimator, hand_drive

    clip, _, rgb, joints, rig, tex = _right_hand()
    rest = tex.copy()
    t = int(np.argmax(finger_bends(clip.hands[:, 1]).mean(axis=1)))
    anim = HandAnimator()
    anim.add(rig, hand_drive(clip.to_track().right_hand), tex, (0, 0))
    anim.apply(t)
    yy, xx = np.mgrid[:rgb.shape[0], :rgb.shape[1]]
    a, b = joints[5], joints[17]  # the knuckle line; the fingers lie on the side away from the wrist
    n = np.array([a[1] - b[1], b[0] - a[0]])
    n *= -np.sign(np.dot(joints[0] - a, n))
    past = (xx - a[0]) * n[0] + (yy - a[1]) * n[1] > 0

    def luma(img, where):
        return float(img[:, :, :3][where & (img[:, :, 3] > 127)].astype(float).mean())

    assert luma(tex, past) < 0.94 * luma(rest, past)
    size = float(hand_size(joints))
    far = np.min([np.hypot(xx - (joints[i, 0] + joints[j, 0]) / 2, yy - (joints[i, 1] + joints[j, 1]) / 2)
                  for i, j in BONES], axis=0) > 0.25 * size
    palm = far & ~past & (rest[:, :, 3] > 127) & (tex[:, :, 3] > 127)
    assert palm.sum() > 100
    assert abs(luma(tex, palm) - luma(rest, palm)) < 1.0


def test_a_finger_curled_towards_the_camera_shows_its_base_over_the_palm():
    """A finger curling towards the camera rises off the palm: the mannequin draws each curled finger as a
    capsule lying over the palm, its rounded base outlined there (drawn growing out of the palm instead,
    MediaPipe read the curled fingers as lying flat or bent away). The four fingers of the open hand turn
    50 degrees at their knuckles towards the camera (3D joints, straight otherwise): the half circle around
    each knuckle on the wrist's side is then a darker line than the palm just inside and outside it; on the
    open hand there is no such line."""
    from motion_transfer.engines.puppet.hands import HandAnimator, hand_drive

    clip, _, _, joints, rig, tex = _right_hand()
    hand = clip.hands[0, 1].astype(np.float64)
    bent = hand.copy()
    a = np.radians(50.0)
    for mcp in (5, 9, 13, 17):
        for j in range(mcp + 1, mcp + 4):  # the finger turns as one piece about its knuckle, towards the viewer
            v = hand[j] - hand[mcp]
            flat = np.hypot(v[0], v[1])
            bent[j, :2] = hand[mcp, :2] + np.cos(a) * v[:2]
            bent[j, 2] = hand[mcp, 2] + v[2] - np.sin(a) * flat
    anim = HandAnimator()
    anim.add(rig, hand_drive(np.stack([hand, bent])), tex, (0, 0))
    radius = anim.hands[0].radius

    def contrast(img) -> float:
        """Luma on the half circles over luma just inside and outside them, over the four fingers."""
        luma = img[:, :, :3].astype(float).mean(axis=2)
        line, around = [], []
        for k, (mcp, pip) in ((3, (5, 6)), (6, (9, 10)), (9, (13, 14)), (12, (17, 18))):
            u = (joints[pip] - joints[mcp]) / np.linalg.norm(joints[pip] - joints[mcp])
            for b in np.radians(np.linspace(-50, 50, 7)):
                d = -(np.cos(b) * u + np.sin(b) * np.array([-u[1], u[0]]))  # towards the wrist
                for share, out in ((1.0, line), (0.4, around), (1.7, around)):
                    x, y = np.round(joints[mcp] + share * radius[k] * d).astype(int)
                    out.append(luma[y, x])
        return float(np.mean(line) / np.mean(around))

    anim.apply(0)
    assert contrast(tex) > 0.97
    anim.apply(1)
    assert contrast(tex) < 0.85


def test_the_hands_of_many_frames_at_once_are_the_hands_of_each_frame(monkeypatch):
    """A hand's joints, folds, caps and mesh are posed for a block of frames in one pass: frame by frame the same
    as one frame at a time, and the bent texture the same whatever order the frames are drawn in (the drawing
    threads take every other frame)."""
    from motion_transfer.engines.puppet import hands as hands_module
    from motion_transfer.engines.puppet.hands import HandAnimator, _end_on, hand_drive, posed_joints

    monkeypatch.setattr(hands_module, "FRAMES_AT_ONCE", 5)  # the clip's 12 frames in three blocks
    clip, frames, rgb, _, rig, tex = _right_hand()
    drive = hand_drive(clip.to_track().right_hand)
    T = len(frames)
    joints, folded = posed_joints(rig, drive, np.arange(T))
    fades = _end_on(drive, np.arange(T), folded)
    assert folded.max() > 0.5  # the fist folds knuckles: the folded weights are exercised
    for t in range(T):
        one_joints, one_folded = posed_joints(rig, drive, t)
        np.testing.assert_allclose(joints[t], one_joints, atol=1e-9)
        np.testing.assert_allclose(folded[t], one_folded, atol=1e-12)
        np.testing.assert_allclose(fades[t], _end_on(drive, t, one_folded), atol=1e-12)
        np.testing.assert_allclose(rig.fold_weights(folded)[t], rig.fold_weights(one_folded), atol=1e-12)
    forward, backward = HandAnimator(), HandAnimator()
    forward.add(rig, drive, tex.copy(), (0, 0))
    backward.add(rig, drive, tex.copy(), (0, 0))
    seen = {}
    for t in range(T):
        forward.apply(t)
        seen[t] = forward.hands[0].texture.copy()
    for t in list(range(T - 1, -1, -1)) + [6, 1, 11]:
        backward.apply(t)
        assert np.array_equal(backward.hands[0].texture, seen[t]), t


def _drawn_hand_texture(joints: np.ndarray, shape: tuple[int, int], skin=(236, 196, 166), ink=(70, 30, 35),
                        width: float = 0.09, seams: bool = False, thumb_over: bool = False):
    """RGBA of a cartoon hand drawn over ``joints``: a skin palm and fingers (``width`` hand sizes wide), each
    with a dark ink outline (the way drawn art outlines its limbs), ``seams`` of ink between fingers that
    touch, the thumb drawn over the palm with its own outline when ``thumb_over``; transparent elsewhere."""
    import cv2

    from motion_transfer.engines.puppet.hands import BONES, PALM

    tex = np.zeros(shape + (4,), np.uint8)
    size = float(hand_size(joints))
    palm = cv2.convexHull(joints[list(PALM)].astype(np.float32)).astype(np.int32)
    w = max(int(round(width * size)), 3)  # a finger's width
    under, over = (BONES[3:], BONES[:3]) if thumb_over else (BONES, ())
    for bones in (under, over):
        for colour, grow in ((ink + (255,), 2), (skin + (255,), 0)):  # the ink first, the skin inside it
            if bones is under:
                cv2.fillConvexPoly(tex, palm, colour)
                cv2.polylines(tex, [palm], True, colour, 2 * grow + 1)
            for a, b in bones:
                cv2.line(tex, tuple(int(v) for v in joints[a]), tuple(int(v) for v in joints[b]), colour,
                         w + 2 * grow)
    if seams:  # fingers drawn touching: a line of ink between each two, from their knuckles to their tips
        for k in (5, 9, 13):
            mid = (joints[k:k + 4] + joints[k + 4:k + 8]) / 2
            cv2.polylines(tex, [mid.astype(np.int32)], False, ink + (255,), 3)
    return tex, palm


def test_fingers_curled_round_a_palm_seen_edge_on_fold_into_the_palm_without_ink_strokes():
    """The actor's fingers turn on screen far past any spread (their first bones by 150 degrees: curled round a
    palm the actor shows from its edge, as a hand on the hip does). The character's drawn hand, its palm facing
    the camera, does not draw them at those angles, each finger's ink outline across the palm and the others (a
    tangle of strokes, the ink left in the gaps between the fingers floating beside it): the fingers fold into
    the palm, only their knuckles showing, so no outline colour lies inside the palm or beyond it and the thumb."""
    import cv2

    from motion_transfer.engines.puppet.hands import HandAnimator, build_hand_rig, hand_drive

    clip, _, rgb, joints, _, _ = _right_hand()
    shape = rgb.shape[:2]
    tex, palm = _drawn_hand_texture(joints, shape)
    rig = build_hand_rig(joints, "right", shape)
    rest = clip.hands[0, 1].copy()
    curled = rest.copy()
    turn = np.radians(150.0)
    rot = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    for mcp in (5, 9, 13, 17):  # each finger turned round its knuckle and drawn in a little
        curled[mcp + 1:mcp + 4, :2] = rest[mcp, :2] + 0.7 * (rest[mcp + 1:mcp + 4, :2] - rest[mcp, :2]) @ rot.T
    anim = HandAnimator()
    anim.add(rig, hand_drive(np.stack([rest, curled])), tex, (0, 0))
    anim.apply(1)
    inked = (tex[:, :, 3] > 127) & (tex[:, :, :3].astype(int).sum(axis=2) < 300)
    inside = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(inside, palm, 1)
    interior = cv2.erode(inside, np.ones((7, 7), np.uint8)) > 0
    thumb = np.zeros(shape, np.uint8)  # the thumb stays as drawn, outline and all
    cv2.polylines(thumb, [joints[1:5].astype(np.int32)], False, 1, int(0.2 * hand_size(joints)))
    reach = 2 * int(0.07 * hand_size(joints)) + 1  # a finger's width round them: the knuckles' own outline
    outside = cv2.dilate(inside | thumb, np.ones((reach, reach), np.uint8)) == 0
    assert interior.sum() > 500  # a palm to look at
    assert inked[interior].mean() < 0.01
    assert inked[outside].sum() < 5


def test_drawn_fingers_spread_apart_tear_no_shards_out_of_the_ink_between_them():
    """A drawn hand's fingers touch along seams of ink (fingers drawn side by side, their outlines merged). The
    actor spreads its fingers and shows them longer than in its first frame (1.4 times): torn triangle by
    triangle, each seam between two fingers stood as pale shards of the background inside stretched webs of
    ink (the cartoon girl's spread hand), and the fingers, stretched past the length they are drawn at, dragged
    their ink out in streaks. The seams stretch whole and the fingers keep their drawn length: the hand's
    painting has next to no holes (1094 pixels before, 53 after; the seams stretch into webs of ink instead)."""
    import cv2

    from motion_transfer.engines.puppet.hands import HandAnimator, build_hand_rig, hand_drive

    clip, _, rgb, joints, _, _ = _right_hand()
    shape = rgb.shape[:2]
    tex, _ = _drawn_hand_texture(joints, shape, width=0.14, seams=True)
    rig = build_hand_rig(joints, "right", shape)
    rest = clip.hands[0, 1].copy()
    spread = rest.copy()
    for mcp, deg in ((5, 20.0), (9, 0.0), (13, -20.0), (17, -40.0)):  # the fingers fanned out round their knuckles
        turn = np.radians(deg)
        rot = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
        spread[mcp + 1:mcp + 4, :2] = rest[mcp, :2] + 1.4 * (rest[mcp + 1:mcp + 4, :2] - rest[mcp, :2]) @ rot.T
    anim = HandAnimator()
    anim.add(rig, hand_drive(np.stack([rest, spread])), tex, (0, 0), outlined=True)
    anim.apply(1)
    clear = (tex[:, :, 3] < 128).astype(np.uint8)
    outside = np.zeros((shape[0] + 2, shape[1] + 2), np.uint8)
    cv2.floodFill(clear, outside, (0, 0), 2)  # the transparent space round the hand
    assert (tex[:, :, 3] >= 128).sum() > 2000  # a hand to look at
    assert (clear == 1).sum() < 150  # next to no holes inside it


def test_a_drawn_thumb_lying_over_the_palm_turns_without_a_hole_through_the_palm():
    """A drawn hand's thumb lies over its palm, outlined in ink; the palm under it is not drawn. The actor's
    thumb turns 50 degrees either way round its base: the skin round the thumb follows it and the triangles
    between its base and the index finger's stretch past tearing, which opened a hole through the palm to the
    backdrop (the cartoon girl's hand in TikTok clip 0; 286 and 406 clear pixels inside the palm here). The palm,
    laid under the warp, shows there instead."""
    import cv2

    from motion_transfer.engines.puppet.hands import HandAnimator, build_hand_rig, hand_drive

    clip, _, rgb, _, _, _ = _right_hand()
    shape = rgb.shape[:2]
    rest = clip.hands[0, 1].copy()
    for k, share in ((2, 0.35), (3, 0.6), (4, 0.8)):  # the thumb laid from its base across the palm
        rest[k, :2] = rest[1, :2] + share * (rest[9, :2] - rest[1, :2])
    joints = rest[:, :2].astype(np.float64)
    for deg in (50.0, -50.0):
        tex, palm = _drawn_hand_texture(joints, shape, width=0.16, thumb_over=True)
        turn = np.radians(deg)
        rot = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
        turned = rest.copy()
        turned[2:5, :2] = rest[1, :2] + (rest[2:5, :2] - rest[1, :2]) @ rot.T
        anim = HandAnimator()
        anim.add(build_hand_rig(joints, "right", shape), hand_drive(np.stack([rest, turned])), tex, (0, 0),
                 outlined=True)
        anim.apply(1)
        inside = np.zeros(shape, np.uint8)
        cv2.fillConvexPoly(inside, palm, 1)
        interior = cv2.erode(inside, np.ones((5, 5), np.uint8)) > 0
        assert interior.sum() > 1000  # a palm to look at
        assert ((tex[:, :, 3] < 128) & interior).sum() < 20, deg
