"""The character's face follows the actor's: mouth, blinks, head turn; measured again on the result.

The generator draws a talking mannequin whose mouth gap, eye opening and head angles are known; MediaPipe
reads the actor's face from those frames, the character's face (another mannequin) is warped, and the result is
measured again: the head turn with MediaPipe, the mouth and the eyes on the pixels (MediaPipe reads a drawn
mannequin's parted lips and closed lids only weakly; on real faces ``bench/face_bench.py`` measures them).
"""
from __future__ import annotations

import functools
from dataclasses import replace

import numpy as np
import pytest

from motion_transfer.pose import facemesh as fm

SIZE = (480, 480)


@functools.lru_cache(maxsize=1)
def _talk():
    """A talking "person" mannequin (the actor): its frames, truth and MediaPipe's face mesh per frame."""
    from motion_transfer.pose.estimator import detect_image
    from motion_transfer.samples import make_motion, render_clip_frames

    clip = make_motion("talk", seconds=2.5, fps=8, size=SIZE, framing="portrait")
    frames = list(render_clip_frames(clip, style="person"))
    faces = np.stack([detect_image(f, segmentation=False).face[0] for f in frames]).astype(np.float64)
    return clip, frames, faces


@functools.lru_cache(maxsize=1)
def _character():
    """A "character" mannequin (other colours), neutral face, and its face rig."""
    from motion_transfer.engines.puppet.face import face_rig_for
    from motion_transfer.samples import character_pose, render_mannequin

    pose = character_pose("a-pose", size=SIZE, framing="portrait")
    rgb = render_mannequin(pose.joints[0], SIZE, style="character", hands=pose.hands[0], scale=pose.scale)
    joints = pose.joints[0, :, :2].astype(np.float64)
    face = face_rig_for(rgb, joints, np.ones(33))
    return rgb, joints, face


def _widest_mouth(face, faces: np.ndarray, rgb: np.ndarray):
    """(the character's texture, its face animator, the mouth's targets) at the frame where the actor's mouth
    opens widest: the texture is warped in place to that frame."""
    from motion_transfer.engines.puppet.face import FaceAnimator, face_drive

    tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    anim = FaceAnimator(face, face_drive(faces.astype(np.float32)), tex, (0, 0))
    t = int(np.argmax(fm.mouth_opening(faces)))
    anim.apply(t)
    return tex, anim, anim.targets(t)


def _mouth_opened_further(face, faces: np.ndarray, rgb: np.ndarray, px: float) -> np.ndarray:
    """The texture warped to the actor's widest mouth, after checking the lips' targets part at least ``px``
    further than the character's rest lips."""
    from motion_transfer.engines.puppet.face import FaceAnimator, face_drive

    tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    anim = FaceAnimator(face, face_drive(faces.astype(np.float32)), tex, (0, 0))
    t = int(np.argmax(fm.mouth_opening(faces)))
    pts = anim.targets(t)
    i_up, i_low = face.groups["lip_mid"]
    assert np.linalg.norm(pts[i_low] - pts[i_up]) > np.linalg.norm(face.points[i_low, :2] - face.points[i_up, :2]) + px
    anim.apply(t)
    return tex


def _corr(a, b):
    ok = np.isfinite(a) & np.isfinite(b)
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def test_generated_face_reads_as_drawn():
    """The generator's talking face is what it claims: MediaPipe's mouth gap and head angles follow the truth."""
    clip, _, faces = _talk()
    assert np.isfinite(faces).all()
    assert _corr(fm.mouth_opening(faces), clip.face[:, 0]) > 0.7
    ang = fm.head_angles(faces)
    # the generator's yaw and pitch turn the other way round from the mesh's convention; roll agrees
    assert _corr(ang[:, 0], -clip.head[:, 0]) > 0.95
    assert _corr(ang[:, 1], -clip.head[:, 1]) > 0.7
    assert _corr(ang[:, 2], clip.head[:, 2]) > 0.9


def _eye_dark(rgb, face, eye_groups) -> float:
    """Share of dark (iris, pupil) pixels in the rest eye's box: falls as the lid closes."""
    pts = face.points[list(eye_groups), :2]
    x0, y0 = np.floor(pts.min(axis=0)).astype(int)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
    patch = rgb[y0 - 2:y1 + 3, x0:x1 + 1].astype(np.float32)
    return float((patch.mean(axis=2) < 90).mean())


def _dark_run(rgb, a, b) -> int:
    """Dark pixels (the mouth's inside) on the vertical line through the middle of the lips ``a``-``b``."""
    x = int(round((a[0] + b[0]) / 2))
    y0, y1 = int(min(a[1], b[1])) - 6, int(max(a[1], b[1])) + 7
    col = rgb[y0:y1, x - 1:x + 2].astype(np.float32).mean(axis=(1, 2))
    return int((col < 40).sum())


def _no_new_teeth(monkeypatch) -> None:
    """The mouth's inside alone: no teeth painted into a mouth the image shows closed (their own test)."""
    from motion_transfer.engines.puppet.face import FaceAnimator

    monkeypatch.setattr(FaceAnimator, "_new_teeth", lambda self, region, *args: region)


def test_face_warp_follows_mouth_blinks_and_head_turn(monkeypatch):
    """Measured again on the warped character: the head turn with MediaPipe, the mouth's and eyes' opening on
    the pixels (MediaPipe reads the drawn mannequin's parted lips and closed lids only weakly)."""
    from motion_transfer.engines.puppet.face import FaceAnimator, face_drive, lips_parted

    _no_new_teeth(monkeypatch)
    from motion_transfer.pose.estimator import detect_image

    clip, _, faces = _talk()
    rgb, joints, face = _character()
    assert face is not None and face.kind == "mesh"
    drive = face_drive(faces.astype(np.float32))
    tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    anim = FaceAnimator(face, drive, tex, (0, 0))
    measured, dark, cavity, gap = [], [], [], []
    eye = fm.RIGHT_UPPER_LID + fm.RIGHT_LOWER_LID
    for t in range(len(faces)):
        anim.apply(t)
        out = tex[:, :, :3].copy()
        measured.append(detect_image(out, segmentation=False).face[0])
        dark.append(_eye_dark(out, face, eye))
        pts = anim.targets(t)
        cavity.append(_dark_run(out, pts[13], pts[14]))
        gap.append(np.linalg.norm(pts[13] - pts[14]))
    measured = np.stack(measured).astype(np.float64)
    assert np.isfinite(measured).mean() > 0.9
    # head turn: the yaw MediaPipe measures on the character follows the actor's
    assert _corr(fm.head_angles(measured)[:, 0], fm.head_angles(faces)[:, 0]) > 0.9
    # mouth: the lips part as far as the actor's (in face sizes; the face model's first hundredths of a parting
    # are closed lips misread: ``lips_parted``), and the dark inside shows between them
    gap, cavity = np.array(gap), np.array(cavity, float)
    opening = fm.mouth_opening(faces)
    actor_gap = lips_parted(opening - opening[0], opening[0] - np.percentile(opening, 5)) * face.size
    assert _corr(gap, actor_gap) > 0.85
    opened = gap > 3
    assert opened.sum() >= 2
    assert np.abs(cavity[opened] - gap[opened]).mean() < 3.0
    assert cavity[gap < 1.5].max(initial=0) <= 4  # a closed mouth: only the line between the lips
    # blinks: the iris is covered in the frame the actor's lids close, and back when they open
    dark = np.array(dark)
    closed = clip.face[:, 1] < 0.2
    assert closed.any()
    assert dark[closed].max() < 0.8 * np.median(dark[~closed])
    # the warp never leaves the face's box, and the rest of the image is untouched
    x0, y0, x1, y1 = face.box
    outside = np.ones(rgb.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    assert (tex[:, :, :3][outside] == rgb[outside]).all()


def test_opened_mouth_shows_a_dark_cavity(monkeypatch):
    """A character whose mouth is closed in the image gets a dark inside when the actor opens its mouth."""
    _no_new_teeth(monkeypatch)
    _, _, faces = _talk()
    rgb, _, face = _character()
    tex, _, pts = _widest_mouth(face, faces, rgb)
    a, b = pts[13], pts[14]
    mid = np.round((a + b) / 2).astype(int)
    assert np.linalg.norm(a - b) > 4
    inside = tex[mid[1] - 1:mid[1] + 2, mid[0] - 1:mid[0] + 2, :3].astype(float).mean()
    assert inside < 80, inside


def test_a_mouth_closed_in_the_image_opens_on_upper_teeth():
    """A character whose image shows no teeth (lips closed) gets upper teeth when the actor opens its mouth: a
    light, greyish band starting at the upper lip (they hang from it, as it moves), no taller than a tooth,
    not the dark slit of a hole; the lower lip stays lip."""
    _, _, faces = _talk()
    rgb, _, face = _character()
    tex, anim, pts = _widest_mouth(face, faces, rgb)
    assert anim.teeth is None  # the image shows none
    up, low = pts[13], pts[14]
    x = int(round((up[0] + low[0]) / 2))
    y0, y1 = int(np.floor(up[1])) - 3, int(np.ceil(low[1])) + 4
    col = tex[y0:y1, x - 1:x + 2, :3].astype(np.float32).mean(axis=1)
    luma = col @ np.array([0.299, 0.587, 0.114])
    lips = float(luma[0])  # the upper lip above the opening
    teeth = luma > lips + 40
    rows = np.flatnonzero(teeth) + y0
    assert len(rows) >= 3, luma.round()
    assert rows.min() <= up[1] + 1.5, (rows.min(), up[1])  # right under the upper lip
    tall = 0.1 * face.size  # a tooth's height, at most (face sizes: eye corner to eye corner)
    assert rows.max() - up[1] <= tall, (rows.max(), up[1], tall)
    assert (np.ptp(col[teeth], axis=1) < 45).all()  # off-white, not the lips' red
    assert luma[-1] < lips + 20  # the lower lip is no tooth


def test_a_face_without_lips_gets_no_teeth():
    """A grey face (a robot's, where the face model still finds a face) has no lips to part over teeth: its
    opened mouth keeps the dark inside only."""
    _, _, faces = _talk()
    rgb, _, face = _character()
    grey = np.repeat(rgb.mean(axis=2, keepdims=True), 3, axis=2).astype(np.uint8)
    tex, anim, pts = _widest_mouth(face, faces, grey)
    assert anim.new_teeth is None
    m = np.round((pts[13] + pts[14]) / 2).astype(int)
    assert tex[m[1] - 1:m[1] + 2, m[0] - 1:m[0] + 2, :3].astype(float).mean() < 80


def test_a_closed_eye_shows_its_lid_not_the_eye_stretched():
    """Driven shut, the eye's box holds the lid's skin and one lash line: no eye white or iris left, no dark
    band of stretched lashes (the warp alone collapsed the opening but stretched the white just outside the
    lid landmarks and the lash line above it)."""
    from motion_transfer.engines.puppet.face import FaceAnimator, face_drive

    _, _, faces = _talk()
    rgb, _, face = _character()
    drive = face_drive(faces[:2].astype(np.float32))
    drive.eyes[:] = [[1.0, 1.0], [0.0, 0.0]]
    tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    anim = FaceAnimator(face, drive, tex, (0, 0))
    eye = list(fm.RIGHT_UPPER_LID + fm.RIGHT_LOWER_LID)
    pts = face.points[eye, :2]
    x0, y0 = np.floor(pts.min(axis=0)).astype(int) - 2
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int) + 3
    above = np.round(face.points[list(fm.RIGHT_UPPER_LID), :2].mean(axis=0)).astype(int)
    height = int(np.ceil(np.ptp(pts[:, 1])))
    lid = rgb[above[1] - 2 * height - 2:above[1] - height, x0:x1].reshape(-1, 3).astype(np.float32)
    skin = np.median(lid, axis=0)

    def looks(t):
        anim.apply(t)
        box = tex[y0:y1, x0:x1, :3].astype(np.float32)
        off = np.linalg.norm(box - skin, axis=2)
        white = (box.min(axis=2) > 200).mean()
        return off, white, (box.mean(axis=2) < 90).mean()

    open_off, open_white, open_dark = looks(0)
    shut_off, shut_white, shut_dark = looks(1)
    assert open_white > 0.05 and open_dark > 0.05  # the open eye shows white and iris in this box
    assert shut_white < 0.1 * open_white, (shut_white, open_white)
    assert shut_dark < 0.6 * open_dark, (shut_dark, open_dark)  # one thin lash line, not a band
    assert np.median(shut_off) < 25, np.median(shut_off)  # the lid's own colour


def _lashed_eye():
    """The character with false lashes drawn on its right eye (strokes from the upper lid up to 0.55 eye heights
    above it), its face, those strokes' feet and the eye's height."""
    import cv2

    rgb, _, face = _character()
    upper = face.points[list(fm.RIGHT_UPPER_LID), :2]
    lower = face.points[list(fm.RIGHT_LOWER_LID), :2]
    height = float(np.ptp(np.concatenate([upper, lower])[:, 1]))
    lashed = rgb.copy()
    for x, y in upper[1:-1]:
        cv2.line(lashed, (int(round(x)), int(round(y))), (int(round(x)), int(round(y - 0.55 * height))),
                 (25, 20, 20), 2, cv2.LINE_AA)
    return lashed, face, upper, height


def _blinking(face, rgb: np.ndarray, eyes: list[list[float]]):
    """The texture and an animator whose actor's eyes open as ``eyes`` says, frame by frame."""
    from motion_transfer.engines.puppet.face import FaceAnimator, face_drive

    _, _, faces = _talk()
    drive = face_drive(faces[:len(eyes)].astype(np.float32))
    drive.eyes[:] = eyes
    tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    return tex, FaceAnimator(face, drive, tex, (0, 0))


def test_long_lashes_above_the_lid_go_with_the_closing_eye():
    """False lashes standing above the upper lid come down whole with the closing lid: shut, the lid shows skin
    where they stood and the lashes themselves along the closed lid."""
    lashed, face, upper, height = _lashed_eye()
    import cv2

    tex, anim = _blinking(face, lashed, [[1.0, 1.0], [0.0, 0.0]])

    def dark(t: int) -> float:
        """Dark share where the lashes stood: above the lid's middle (where it comes down furthest), moved as
        the eye's corners moved (the face's own motion)."""
        corners = list(fm.RIGHT_EYE_CORNERS)
        moved = (anim.targets(t)[corners] - face.points[corners, :2]).mean(axis=0)
        zone = np.zeros(lashed.shape[:2], np.uint8)
        poly = np.concatenate([upper[2:-2] - [0, 0.15 * height], (upper[2:-2] - [0, 0.5 * height])[::-1]]) + moved
        cv2.fillPoly(zone, [np.round(poly).astype(np.int32)], 1)
        anim.apply(t)
        return float((tex[:, :, :3][zone > 0].mean(axis=1) < 45).mean())

    assert dark(0) > 0.2  # the open eye's lashes are there
    assert dark(1) < 0.05, dark(1)
    line = anim.targets(1)[list(fm.RIGHT_UPPER_LID)[1:-1], :2]
    across = [int((tex[int(y) - 4:int(y) + 5, int(round(x)), :3].mean(axis=1) < 60).sum()) for x, y in line]
    assert np.median(across) >= 2, across  # the closed lash line keeps some of their weight


@pytest.mark.parametrize("opening", [0.3, 0.0])
def test_a_closing_eye_shows_one_lash_line_not_two(opening):
    """Half-closed and closed, each lash stroke is one dark run as long and as dark as on the open eye: the lashes
    came down with the lid. (A cross-fade of the open eye's lashes into skin, with a lash line drawn along the
    closing lid, showed two lines: a pale ghost of the lashes above a dark line.)"""
    lashed, face, upper, height = _lashed_eye()
    tex, anim = _blinking(face, lashed, [[1.0, 1.0], [opening, opening]])
    top = int(np.floor(upper[:, 1].min() - 0.4 * height))  # below the brow
    bottom = int(np.ceil(upper[:, 1].max() + 0.6 * height))

    def strokes(t: int) -> list[tuple[int, float]]:
        """Per lash stroke (the middle three): its dark runs on the column through it, its darkest pixel."""
        anim.apply(t)
        found = []
        for x in np.round(anim.targets(t)[list(fm.RIGHT_UPPER_LID)[2:-2], 0]).astype(int):  # where the lid went
            col = tex[top:bottom, x, :3].astype(np.float32).mean(axis=1)
            dark = col < 70
            found.append((int(np.count_nonzero(np.diff(dark.astype(np.int8)) == 1) + dark[0]), float(col.min())))
        return found

    open_, shut = strokes(0), strokes(1)
    assert all(runs == 1 for runs, _ in open_), open_
    assert all(runs == 1 for runs, _ in shut), shut
    assert all(low < low0 + 15 for (_, low), (_, low0) in zip(shut, open_)), (shut, open_)


def test_sparse_face_from_head_joints_and_findings():
    """A face the face model cannot read is animated from its head joints when they were located, and stays
    still (with a finding) when they were not."""
    from motion_transfer.engines.puppet.face import (
        build_face_rig,
        face_finding,
        sparse_face,
    )

    clip, _, faces = _talk()
    rgb, joints, _ = _character()
    sparse = sparse_face(joints, np.ones(33))
    assert sparse is not None
    face = build_face_rig(sparse[0], "joints", rgb.shape[:2], sparse[1])
    assert face_finding(face, faces).code == "face_simple"
    tex = _mouth_opened_further(face, faces, rgb, 3)
    assert (tex[:, :, :3] != rgb).any()
    unseen = np.ones(33)
    unseen[[1, 3, 4, 6, 9, 10]] = 0.0
    assert sparse_face(joints, unseen) is None
    assert face_finding(None, faces).code == "face_still"


@pytest.mark.parametrize("yaw", [-30.0, 30.0])
def test_turned_head_keeps_hair_and_outline_in_place(yaw):
    """A 30 degree turn moves the features across the face but leaves the ring around it where it was."""
    from motion_transfer.engines.puppet.face import (
        FaceDrive,
        face_targets,
        turn_rotation,
    )

    _, _, face = _character()
    drive = FaceDrive(rotation=turn_rotation(np.array([yaw]), np.zeros(1)), expression=None, eyes=np.ones((1, 2)),
                      mouth=np.zeros(1), width=np.ones(1), angles=np.zeros((1, 3)),
                      turn=np.array([[yaw, 0.0]]))
    pts = face_targets(face, drive, 0)
    size = face.size
    nose = pts[fm.NOSE_TIP] - face.points[fm.NOSE_TIP, :2]
    assert abs(nose[0]) > 0.08 * size  # the nose moves across the face
    oval = np.linalg.norm(pts[list(fm.OVAL)] - face.points[list(fm.OVAL), :2], axis=1)
    assert oval.max() < 0.6 * abs(nose[0])  # the outline moves much less



def test_a_face_turned_away_in_the_image_turns_further_away_but_not_back():
    """The character's face shown turned 50 degrees from the camera (the frontal mannequin's landmarks turned
    in depth) hides its far side: the actor turning towards the camera leaves its landmarks where they are (a
    warp would stretch the few pixels of the far side it shows: a long jaw), turning away moves them freely;
    the frontal face turns both ways."""
    from motion_transfer.engines.puppet.face import (
        FaceDrive,
        face_targets,
        turn_rotation,
        turn_within_reach,
    )

    _, _, front = _character()
    c = front.points.mean(axis=0)
    turned_points = (front.points - c) @ turn_rotation(np.array([50.0]), np.zeros(1))[0].T + c
    turned = replace(front, points=turned_points)
    yaw0 = float(fm.head_angles(turned.points)[0])
    assert abs(yaw0 - fm.head_angles(front.points)[0]) > 35  # the face reads as turned away
    back = -30.0 * np.sign(yaw0)  # towards the camera
    yaws = np.array([back, -back])
    drive = FaceDrive(rotation=turn_rotation(yaws, np.zeros(2)), expression=None, eyes=np.ones((2, 2)),
                      mouth=np.zeros(2), width=np.ones(2), angles=np.zeros((2, 3)),
                      turn=np.stack([yaws, np.zeros(2)], axis=1))

    def moves(face, limited: bool = True) -> np.ndarray:
        """[2] how far the landmark moved furthest moves (face sizes) in each frame."""
        pts = face_targets(face, turn_within_reach(drive, face) if limited else drive, np.arange(2))
        return np.linalg.norm(pts - face.points[None, :, :2], axis=2).max(axis=1) / face.size

    towards, away = moves(turned)
    free_towards, free_away = moves(turned, limited=False)
    assert free_towards > 0.1 and towards < 0.01
    assert away == pytest.approx(free_away) and away > 0.1
    assert (moves(front) > 0.1).all()

def test_a_turned_face_keeps_its_nose_clear_of_its_far_eye():
    """A face the image shows turned 20 degrees (the frontal mannequin's landmarks turned in depth, as TikTok
    character 3's) turned a further 30 away and pitched 20: its nose (the face's nearest part) moves across towards
    the far eye, and on main it crossed that eye's inner corner (the warp folded the nose's side over the eye: a
    straight seam tearing the eye off the nose). The ridge of the nose now stays a share of its rest gap inwards of
    both inner corners, while the face still turns; the frontal face turned 30 degrees keeps its whole turn."""
    from motion_transfer.engines.puppet.face import FaceDrive, face_targets, turn_rotation, turn_within_reach

    _, _, front = _character()
    c = front.points.mean(axis=0)
    turned = replace(front, points=(front.points - c) @ turn_rotation(np.array([20.0]), np.zeros(1))[0].T + c)

    def drive(yaw: float, pitch: float) -> FaceDrive:
        return FaceDrive(rotation=turn_rotation(np.array([yaw]), np.array([pitch])), expression=None,
                         eyes=np.ones((1, 2)), mouth=np.zeros(1), width=np.ones(1), angles=np.zeros((1, 3)),
                         turn=np.array([[yaw, pitch]]))

    def gaps(face, pts: np.ndarray) -> np.ndarray:
        """[2] how far (pixels, along the eye line) the nose's ridge lies inwards of the right and the left eye's
        inner corner, at that corner's height."""
        u = pts[fm.LEFT_EYE_CORNERS[0], :2] - pts[fm.RIGHT_EYE_CORNERS[0], :2]
        u /= np.linalg.norm(u)
        n = np.array([-u[1], u[0]])
        ridge = pts[list(fm.NOSE_RIDGE), :2]
        out = []
        for corner, sign in ((fm.RIGHT_EYE_CORNERS[1], 1.0), (fm.LEFT_EYE_CORNERS[1], -1.0)):
            along, across = (ridge - pts[corner, :2]) @ u, (ridge - pts[corner, :2]) @ n
            assert across.min() < 0 < across.max()  # the ridge passes the corner's height
            out.append(sign * float(np.interp(0.0, across, along)))
        return np.array(out)

    away = drive(30.0, 20.0)
    free = face_targets(turned, away, np.arange(1))[0]
    assert gaps(turned, free).min() < 0  # unheld, the nose crosses the far eye's inner corner
    held = face_targets(turned, turn_within_reach(away, turned), np.arange(1))[0]
    rest = gaps(turned, turned.points)
    assert (rest > 0).all()
    assert (gaps(turned, held) >= 0.25 * rest).all()
    assert np.linalg.norm(held - turned.points[:, :2], axis=1).max() > 0.05 * turned.size  # it still turns
    assert turn_within_reach(drive(30.0, 0.0), front).turn == pytest.approx(np.array([[30.0, 0.0]]))


def test_roll_follows_the_face_mesh():
    """The head's roll is corrected to the face mesh's eye line where the body model's eye joints disagree."""
    from motion_transfer.engines.puppet.face import roll_correction
    from motion_transfer.pose.track import PoseTrack

    clip, _, faces = _talk()
    _, joints, face = _character()
    track = PoseTrack.empty(len(faces), 8.0, *SIZE)
    track.body[:, :, :3] = clip.joints
    track.body[:, :, 3] = 1.0
    track.face[:] = faces
    corr = roll_correction(face, track, joints)
    assert corr.shape == (len(faces),)
    body = clip.joints[:, 3, :2] - clip.joints[:, 6, :2]
    body_roll = np.degrees(np.arctan2(body[:, 1], body[:, 0]))
    mesh_roll = fm.head_angles(faces)[:, 2]
    # body roll + correction = the mesh's roll (up to the character's own offset between the two, ~0 here)
    assert np.abs(body_roll + np.degrees(corr) - mesh_roll).max() < 3.0


def _rolled(faces: np.ndarray, deg: float) -> np.ndarray:
    """The face meshes turned ``deg`` on screen about their centres (a face model reading the eye line tilted)."""
    a = np.radians(deg)
    R = np.array([[np.cos(a), -np.sin(a), 0.0], [np.sin(a), np.cos(a), 0.0], [0.0, 0.0, 1.0]])
    c = faces.mean(axis=1, keepdims=True)
    return (faces - c) @ R.T + c


def test_roll_correction_only_where_the_face_mesh_is_seen_and_agrees():
    """A face lost for good gives the head back to the body's eye line (holding the last correction turned the
    head the wrong way for seconds on a dancer turning away), and a face turned far from the camera (its mesh
    guessed) corrects nothing."""
    from motion_transfer.engines.puppet.face import ROLL_MESH_YAW, roll_correction
    from motion_transfer.pose.track import PoseTrack

    clip, _, faces = _talk()
    _, joints, face = _character()
    track = PoseTrack.empty(len(faces), 8.0, *SIZE)
    track.body[:, :, :3] = clip.joints
    track.body[:, :, 3] = 1.0
    base = np.degrees(roll_correction(face, _with_face(track, faces), joints))
    # the mesh reads the eye line 5 degrees further round than the body model: the correction says so
    tilted = np.degrees(roll_correction(face, _with_face(track, _rolled(faces, 5.0)), joints))
    assert np.abs(tilted[4:-4] - base[4:-4] - 5.0).max() < 0.5
    # the face lost from frame 6 on: a few frames later the correction is gone, not held at 5 degrees
    lost = _rolled(faces, 5.0)
    lost[6:] = np.nan
    faded = np.degrees(roll_correction(face, _with_face(track, lost), joints))
    assert abs(faded[3] - tilted[3]) < 0.5
    assert np.abs(faded[10:]).max() < 0.1
    # the same face turned away in depth (beyond what the mesh reads well) is not believed
    a = np.radians(ROLL_MESH_YAW + 35.0)
    Ry = np.array([[np.cos(a), 0.0, -np.sin(a)], [0.0, 1.0, 0.0], [np.sin(a), 0.0, np.cos(a)]])
    c = faces.mean(axis=1, keepdims=True)
    away = (_rolled(faces, 5.0) - c) @ Ry.T + c
    assert (np.abs(fm.head_angles(away)[:, 0]) > ROLL_MESH_YAW).all()
    far = np.degrees(roll_correction(face, _with_face(track, away), joints))
    assert np.abs(far).max() < 0.1


def _with_face(track, faces: np.ndarray):
    track.face[:] = faces
    return track


def test_head_turn_does_not_add_roll():
    """The head layer's roll already follows the actor's eye line on screen; the face warp's yaw and pitch must
    not tilt the character's eye line again. A character photographed turned (its eye corners at different
    depths) driven by the talking mannequin's yaw and pitch keeps its eye line's angle in every frame."""
    import dataclasses

    from motion_transfer.engines.puppet.face import face_drive, face_targets

    clip, _, faces = _talk()
    _, _, face = _character()
    a = np.radians(20.0)  # the character's face turned 20 degrees in depth
    Ry = np.array([[np.cos(a), 0.0, -np.sin(a)], [0.0, 1.0, 0.0], [np.sin(a), 0.0, np.cos(a)]])
    c = face.points.mean(axis=0)
    turned = dataclasses.replace(face, points=(face.points - c) @ Ry.T + c)
    drive = face_drive(faces, with_expression=False)
    assert np.degrees(np.abs(np.arccos(np.clip(drive.rotation[:, 1, 1], -1, 1)))).max() > 5  # it does pitch
    i, j = turned.groups["eye_outer"]

    def eye_angle(p):
        d = p[j, :2] - p[i, :2]
        return np.degrees(np.arctan2(d[1], d[0]))

    rest = eye_angle(turned.points)
    tilt = [eye_angle(face_targets(turned, drive, t)) - rest for t in range(len(faces))]
    assert np.abs(tilt).max() < 1.0  # 2.4 degrees when the turn tilted it


RIGHT_BROW = (70, 63, 105, 66, 107)
LEFT_BROW = (300, 293, 334, 296, 336)


def _brow_shift(rest, out, pts) -> float:
    """How far (rows, up negative) the brow around points ``pts`` [K, 2] moved from ``rest`` to ``out``: the
    rest brow's patch matched along a vertical strip of the output."""
    import cv2

    x0, y0 = np.floor(pts.min(axis=0)).astype(int) - 3
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int) + 4
    reach = 14
    tmpl = rest[y0:y1, x0:x1].astype(np.float32)
    strip = out[y0 - reach:y1 + reach, x0:x1].astype(np.float32)
    score = cv2.matchTemplate(strip, tmpl, cv2.TM_SQDIFF)[:, 0]
    k = int(np.argmin(score))
    if 0 < k < len(score) - 1:  # sub-pixel: the parabola through the best match and its neighbours
        a, b, c = score[k - 1], score[k], score[k + 1]
        k = k + 0.5 * (a - c) / max(a - 2 * b + c, 1e-9)
    return float(k - reach)


def test_brows_follow_the_expression():
    """Brows raised and lowered in the actor's aligned expression move the character's drawn brows by as much
    (in face sizes), and the eyes below them stay where they were."""
    from motion_transfer.engines.puppet.face import (
        FaceAnimator,
        FaceDrive,
        turn_rotation,
    )

    rgb, _, face = _character()
    lift = np.array([0.0, -0.07, 0.05])  # face sizes, y down: raised, then lowered
    expr = np.zeros((3, 468, 3))
    for i in RIGHT_BROW + LEFT_BROW:
        expr[:, i, 1] = lift
    drive = FaceDrive(rotation=turn_rotation(np.zeros(3), np.zeros(3)), expression=expr, eyes=np.ones((3, 2)),
                      mouth=np.zeros(3), width=np.ones(3), angles=np.zeros((3, 3)), turn=np.zeros((3, 2)))
    tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    anim = FaceAnimator(face, drive, tex, (0, 0))
    eye = fm.RIGHT_UPPER_LID + fm.RIGHT_LOWER_LID
    moved, eyes = [], []
    for t in range(3):
        anim.apply(t)
        out = tex[:, :, :3].copy()
        moved.append([_brow_shift(rgb, out, face.points[list(b), :2]) for b in (RIGHT_BROW, LEFT_BROW)])
        eyes.append(_eye_dark(out, face, eye))
    moved = np.array(moved)
    for t in (1, 2):
        want = lift[t] * face.size
        got = moved[t]
        assert np.all(np.sign(got) == np.sign(want)), (got, want)
        assert np.all(np.abs(got - want) < 0.4 * abs(want) + 1.0), (got, want)
    assert abs(eyes[1] - eyes[0]) < 0.25 * eyes[0]


def test_head_pitch_follows_the_actor():
    """Nodding the actor's head up and down pitches the character's face: MediaPipe reads the warped character's
    pitch change in the same direction, while its outline moves much less than its features."""
    from motion_transfer.engines.puppet.face import (
        FaceAnimator,
        FaceDrive,
        face_targets,
        turn_rotation,
    )
    from motion_transfer.pose.estimator import detect_image

    rgb, _, face = _character()
    pitch = np.array([0.0, -20.0, -10.0, 10.0, 20.0])
    n = len(pitch)
    drive = FaceDrive(rotation=turn_rotation(np.zeros(n), pitch), expression=None, eyes=np.ones((n, 2)),
                      mouth=np.zeros(n), width=np.ones(n), angles=np.zeros((n, 3)),
                      turn=np.stack([np.zeros(n), pitch], axis=1))
    tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    anim = FaceAnimator(face, drive, tex, (0, 0))
    measured = []
    for t in range(n):
        anim.apply(t)
        measured.append(fm.head_angles(detect_image(tex[:, :, :3].copy(), segmentation=False).face[0].astype(float))[1])
        pts = face_targets(face, drive, t)
        nose = pts[fm.NOSE_TIP] - face.points[fm.NOSE_TIP, :2]
        if pitch[t] != 0:
            # looking up (positive pitch) moves the nose up the face; the outline moves much less
            assert np.sign(-nose[1]) == np.sign(pitch[t])
            oval = np.linalg.norm(pts[list(fm.OVAL)] - face.points[list(fm.OVAL), :2], axis=1)
            assert oval.max() < 0.6 * abs(nose[1])
    change = np.array(measured) - measured[0]
    assert np.isfinite(change).all()
    assert _corr(change, pitch) > 0.9
    # a 2D warp reads as about a third of the commanded nod (the silhouette does not turn): direction and
    # order are what the character can show
    turned = pitch != 0
    assert np.all(np.sign(change[turned]) == np.sign(pitch[turned])), change
    assert np.all(np.abs(change[np.abs(pitch) == 20]) > 3.0), change


def test_a_face_mesh_found_away_from_the_head_joints_is_not_used():
    """The face model sometimes "finds" a face in a cartoon animal's muzzle; a mesh whose eyes, nose and mouth
    are far from where the pose model put them is refused (the sparse face from the joints is used instead),
    while the real face's mesh agrees with its joints."""
    from motion_transfer.engines.puppet.face import mesh_agrees

    clip, _, faces = _talk()
    joints, seen = clip.joints[0, :, :2].astype(np.float64), np.ones(33)
    assert mesh_agrees(faces[0], joints, seen)
    size = float(fm.face_size(faces[0]))
    off = faces[0].copy()
    off[:, :2] += np.array([0.5, -0.6]) * size  # the fox's case: the "face" up and to the side of the muzzle
    assert not mesh_agrees(off, joints, seen)
    unseen = np.zeros(33)  # too few joints seen to judge: the mesh is trusted
    assert mesh_agrees(off, joints, unseen)


def _open_mouthed_portrait() -> tuple:
    """(a copy of the RGB, its FaceRig, the mask of the opening between the inner lips, the rows of the upper and
    lower inner lips' middles) of a generated portrait with its mouth open, big enough for the face mesh (drawn
    teeth are a few pixels tall at this size)."""
    import cv2

    from motion_transfer.engines.puppet.face import face_rig_for
    from motion_transfer.samples import character_pose, render_mannequin

    big = (960, 960)
    pose = character_pose("a-pose", size=big, framing="portrait")
    rgb = render_mannequin(pose.joints[0], big, style="character", hands=pose.hands[0], scale=pose.scale,
                           face=(0.14, 1.0))
    face = face_rig_for(rgb, pose.joints[0, :, :2].astype(np.float64), np.ones(33))
    assert face is not None and face.kind == "mesh"
    inner = face.points[list(fm.UPPER_LIP_INNER) + list(fm.LOWER_LIP_INNER)[::-1][1:-1], :2]
    mask = np.zeros(rgb.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(inner).astype(np.int32)], 1)
    return rgb.copy(), face, mask, face.points[13, 1], face.points[14, 1]


def test_open_mouth_keeps_its_teeth_on_the_upper_lip_over_a_red_brown_inside():
    """A character drawn with its mouth a little open (upper teeth showing) opens it further: the inside between
    the lips is a red-brown (not a black hole), and the image's teeth stay under the upper lip instead of being
    stretched across the gap, solid and hanging from it."""
    import cv2

    _, _, faces = _talk()
    rgb, face, mask, up0, low0 = _open_mouthed_portrait()
    # upper teeth filling the top of the open mouth, inside the face model's inner lip line
    rgb[(mask > 0) & (np.arange(rgb.shape[0])[:, None] < up0 + 0.4 * (low0 - up0))] = (236, 232, 224)
    tex, anim, pts = _widest_mouth(face, faces, rgb)
    assert anim.teeth is not None  # the image shows teeth in its open mouth
    up, low = pts[13], pts[14]
    assert np.linalg.norm(low - up) > anim.rest_gap + 3
    out = tex[:, :, :3].astype(np.float32)

    def at(p):
        x, y = np.round(p).astype(int)
        return out[y - 1:y + 2, x - 1:x + 2].reshape(-1, 3).mean(axis=0)

    inside = at(up + 0.65 * (low - up))
    assert inside[0] >= 30 and inside[0] > inside[1] + 15 and inside.mean() < 150, inside  # red-brown, not black
    # teeth: bright, grey pixels well inside the opened lips, in the upper half (on the upper lip), none in
    # the lower part (not stretched across the gap)
    posed = np.zeros(rgb.shape[:2], np.uint8)
    ring = pts[list(fm.UPPER_LIP_INNER) + list(fm.LOWER_LIP_INNER)[::-1][1:-1]]
    cv2.fillPoly(posed, [np.round(ring).astype(np.int32)], 1)
    posed = cv2.erode(posed, np.ones((5, 5), np.uint8)) > 0
    bright = (out.mean(axis=2) > 110) & (out.max(axis=2) - out.min(axis=2) < 40) & posed
    rows = np.arange(rgb.shape[0])[:, None]
    assert bright[(rows < up[1] + 0.5 * (low[1] - up[1]))[:, 0]].sum() >= 10
    assert bright[(rows > up[1] + 0.6 * (low[1] - up[1]))[:, 0]].sum() <= 2
    # solid, as bright as drawn (not a ghost of them over the inside), hanging from the lip (no dark gap above)
    x = int(round(up[0]))
    col = out[int(np.floor(up[1])):int(np.ceil(up[1] + 0.3 * (low[1] - up[1]))), x - 1:x + 2].mean(axis=(1, 2))
    assert col.max() > 200, col.round()
    first = int(np.argmax(col > 200))
    assert col[first:].min() > 200 and first <= 0.2 * (low[1] - up[1]), (col.round(), low[1] - up[1])


def test_mouth_inside_follows_the_pictures_exposure_and_darkens_in_from_the_lips(monkeypatch):
    """The inside of an opened mouth is the image's lips in shadow, not one fixed near-black: on a pale, bright
    picture (an overexposed clip) it is lighter, in proportion to the lips (yet clearly darker than them), it
    stays a mouth's red-brown, and it darkens in from the lip line instead of starting with a hard edge."""
    _no_new_teeth(monkeypatch)
    _, _, faces = _talk()
    rgb, _, face = _character()
    pale = (255 - 0.45 * (255 - rgb.astype(np.float32))).astype(np.uint8)  # washed out
    tex, _, pts = _widest_mouth(face, faces, pale)
    up, low = pts[13], pts[14]
    assert np.linalg.norm(low - up) > 6
    out = tex[:, :, :3].astype(np.float32)

    def at(p, img=out):
        x, y = np.round(p).astype(int)
        return img[y - 1:y + 2, x - 1:x + 2].reshape(-1, 3).mean(axis=0)

    luma = np.array([0.299, 0.587, 0.114])
    lips = at(face.points[0, :2], pale.astype(np.float32)) @ luma  # the upper lip's outer middle, at rest
    deep, rim = at(up + 0.3 * (low - up)), at(up + 0.04 * (low - up))
    assert 0.4 * lips < deep @ luma < 0.65 * lips, (deep, lips)  # the picture's exposure, still dark
    assert deep[0] > deep[1] + 15  # red-brown, not grey
    assert rim @ luma > deep @ luma + 10  # lighter at the lip line than inside


def test_an_animal_face_the_face_model_cannot_read_talks_with_the_simple_model():
    """The fox (a cel-shaded animal head): MediaPipe's face model finds no face in it, so its face is the simple
    model from its head joints, with a finding that says so; driven by the talking actor, its mouth opens in
    the frame the actor's opens widest, and only inside the face's box."""
    from motion_transfer.engines.puppet.face import (
        face_finding,
        face_rig_for,
    )
    from motion_transfer.samples.stylised import make_stylised

    _, _, faces = _talk()
    fox = make_stylised("fox", size=(480, 640))
    joints = fox.joints[:, :2].astype(np.float64)
    face = face_rig_for(fox.image, joints, np.ones(33))
    assert face is not None and face.kind == "joints"
    assert face_finding(face, faces).code == "face_simple"
    tex = _mouth_opened_further(face, faces, fox.image, 2)
    changed = (tex[:, :, :3] != fox.image).any(axis=2)
    assert changed.sum() > 20
    x0, y0, x1, y1 = face.box
    changed[y0:y1, x0:x1] = False
    assert not changed.any()
    # a head whose eyes and mouth the pose model did not locate: no face to animate, and the user is told
    unseen = np.ones(33)
    unseen[[2, 5, 9, 10]] = 0.0
    assert face_rig_for(fox.image, joints, unseen) is None
    assert face_finding(None, faces).code == "face_still"


def test_a_strangers_big_expression_stays_within_a_natural_range(monkeypatch):
    """Another actor's laugh (the generated talking face with its mouth stretched 1.7x as wide and its lips
    parted far) does not swell the character's face: its mouth widens at most to a broad smile's 1.3x and no
    landmark moves more than ``EXPR_CAP`` face sizes, while the plain talking face still drives it unchanged."""
    from motion_transfer.engines.puppet.face import EXPR_CAP, MOUTH_WIDEN, face_drive, face_targets

    _, _, faces = _talk()
    _, _, face = _character()
    big = faces.copy()
    for t in range(1, len(big)):
        centre = big[t, list(fm.MOUTH_CORNERS)].mean(axis=0)
        near = np.linalg.norm(big[t, :, :2] - centre[:2], axis=1) < 0.6 * fm.face_size(big[t])
        big[t, near, 0] = centre[0] + 1.7 * (big[t, near, 0] - centre[0])
        low = near & (big[t, :, 1] > centre[1])
        big[t, low, 1] += 0.25 * fm.face_size(big[t])
    a, b = fm.MOUTH_CORNERS
    rest_width = np.linalg.norm(face.points[b, :2] - face.points[a, :2])

    def widest(drive) -> tuple[float, float]:
        pts = np.stack([face_targets(face, drive, t) for t in range(len(faces))])
        width = np.linalg.norm(pts[:, b] - pts[:, a], axis=1).max() / rest_width
        no_turn = replace(drive, rotation=np.broadcast_to(np.eye(3), drive.rotation.shape).copy())
        moved = np.stack([face_targets(face, no_turn, t) for t in range(len(faces))]) - face.points[:, :2]
        return float(width), float(np.linalg.norm(moved, axis=2).max() / face.size)

    width, moved = widest(face_drive(big.astype(np.float32)))
    assert width < MOUTH_WIDEN[1] + 0.05, width
    assert moved < EXPR_CAP + 0.02, moved
    # the generated talking face's own expression is a small one: the softening leaves it as it is
    from motion_transfer.engines.puppet import face as face_module

    plain = face_drive(faces.astype(np.float32))
    monkeypatch.setattr(face_module, "EXPR_KNEE", 10.0)
    monkeypatch.setattr(face_module, "EXPR_CAP", 20.0)
    monkeypatch.setattr(face_module, "MOUTH_WIDEN", (10.0, 20.0))
    raw = face_drive(faces.astype(np.float32))
    assert np.allclose(plain.expression, raw.expression, atol=1e-9)
    assert np.allclose(plain.width, raw.width, atol=1e-9)



def test_a_chin_that_drops_under_closed_lips_is_no_expression(monkeypatch):
    """The face model's guess of a face seen from the side changes as the head turns, and reads as the chin
    dropping while the lips stay shut (TikTok clip 1): the generated talking face with its chin and jaw moved
    down 0.25 face sizes in the frames its lips are closed gives the character no expression there, while the
    talking face itself (its chin moving with its lips) drives it unchanged."""
    from motion_transfer.engines.puppet import face as face_module
    from motion_transfer.engines.puppet.face import face_drive

    _, _, faces = _talk()
    closed = fm.mouth_opening(faces) < fm.mouth_opening(faces[0]) + 0.02
    closed[:3] = False  # the first frames are the neutral the expression is measured from
    assert closed.sum() >= 3
    moved = faces.copy()
    for t in np.flatnonzero(closed):
        chin = moved[t, fm.CHIN, :2]
        jaw = np.linalg.norm(moved[t, :, :2] - chin, axis=1) < 0.45 * fm.face_size(moved[t])
        moved[t, jaw, 1] += 0.25 * fm.face_size(moved[t])

    def largest(drive) -> np.ndarray:
        return np.linalg.norm(drive.expression[:, :, :2], axis=2).max(axis=1)[closed]

    fps = 8.0  # the generated clip's
    checked, plain = largest(face_drive(moved, fps=fps)), face_drive(faces, fps=fps)
    monkeypatch.setattr(face_module, "JAW_ALONE", (10.0, 20.0))
    free = largest(face_drive(moved, fps=fps))
    assert free.min() > 0.1
    # nothing of it is taken (a little at the first such frame: the trust changes over a few frames)
    assert np.median(checked) < 0.01 and checked.max() < 0.25 * free.max()
    unchecked = face_drive(faces, fps=fps)
    assert np.allclose(plain.expression, unchecked.expression, atol=1e-9)

def test_a_strangers_face_is_measured_from_the_actors_usual_face_not_its_first_frame():
    """The actor's first frame caught pursing its lips (the generated talking face, its mouth 0.75x as wide in
    frame 0 only): measured from that frame, the actor's ordinary mouth reads as a 1.3x widening all clip long,
    and a stranger's character (whose image shows its own resting face) grinned through the whole video. Its
    mouth keeps its own width where the actor's is ordinary; only the pursed frame narrows it."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.engines.puppet.face import face_animator
    from motion_transfer.pose.track import PoseTrack

    _, _, faces = _talk()
    rgb, _, _ = _character()
    pursed = faces.copy()
    centre = pursed[0, list(fm.MOUTH_CORNERS)].mean(axis=0)
    lips = np.linalg.norm(pursed[0, :, :2] - centre[:2], axis=1) < 0.35 * fm.face_size(pursed[0])
    pursed[0, lips, 0] = centre[0] + 0.75 * (pursed[0, lips, 0] - centre[0])
    rig = rig_character(rgb)
    track = PoseTrack.empty(len(faces), 8.0, SIZE[0], SIZE[1])
    track.face[:] = pursed.astype(np.float32)
    animator, _ = face_animator(rig, track)
    assert animator is not None
    a, b = fm.MOUTH_CORNERS
    rest = np.linalg.norm(animator.face.points[b, :2] - animator.face.points[a, :2])
    width = np.array([np.linalg.norm(np.subtract(*animator.targets(t)[[b, a]])) for t in range(len(faces))]) / rest
    assert np.median(width[1:]) < 1.08, width
    assert width[0] < 0.9, width


def test_the_face_of_many_frames_at_once_is_the_face_of_each_frame(monkeypatch):
    """The landmarks are worked out for a block of frames in one pass: frame by frame the same as one frame at a
    time, and the animator's warped face the same whatever order its frames are drawn in (the drawing threads
    take every other frame, each block's frames then come from the block worked out last)."""
    from motion_transfer.engines.puppet import face as face_module
    from motion_transfer.engines.puppet.face import FaceAnimator, face_drive, face_targets

    monkeypatch.setattr(face_module, "FRAMES_AT_ONCE", 6)  # the clip's 20 frames in four blocks
    _, _, faces = _talk()
    rgb, _, face = _character()
    drive = face_drive(faces.astype(np.float32))
    T = len(faces)
    many = face_targets(face, drive, np.arange(T), char_roll=0.1)
    for t in range(T):
        np.testing.assert_allclose(many[t], face_targets(face, drive, t, char_roll=0.1), atol=1e-9)
    tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    forward, backward = FaceAnimator(face, drive, tex.copy(), (0, 0)), FaceAnimator(face, drive, tex.copy(), (0, 0))
    frames = {}
    for t in range(T):
        forward.apply(t)
        frames[t] = forward.texture.copy()
    for t in list(range(T - 1, -1, -1)) + [7, 1, 13]:
        backward.apply(t)
        assert np.array_equal(backward.texture, frames[t]), t


def test_a_strangers_head_turns_from_the_actors_usual_pose_not_from_its_first_frame():
    """A stranger's image shows its own head's pose: the actor's head turn is measured from the actor's usual
    pose (like its expression), not from its first frame. An actor caught nodding 12 degrees in the first
    frame, and upright after it, pitched every other character's face 12 degrees all clip long (TikTok clip
    0's dancer: 15 degrees as she faced the camera, leaning in, at the end)."""
    from motion_transfer.engines.puppet.face import face_drive, turn_rotation

    _, _, faces = _talk()
    upright = faces[0]
    c = upright.mean(axis=0)
    nodded = (upright - c) @ turn_rotation(np.zeros(1), np.array([12.0]))[0].T + c
    assert abs(fm.head_angles(nodded)[1] - fm.head_angles(upright)[1]) > 10
    clip = np.stack([nodded] + [upright] * 9)
    typical = face_drive(clip, with_expression=False, neutral="typical")
    assert np.abs(typical.turn[1:]).max() < 1.0
    assert abs(typical.turn[0, 1]) > 10
    first = face_drive(clip, with_expression=False, neutral="first")  # the image is that first frame
    assert np.abs(first.turn[1:, 1]).min() > 10


def test_an_opened_mouth_stays_inside_the_faces_outline(monkeypatch):
    """A face seen from the side shows the front of its lips on its outline (the layer's edge), and the face
    model puts the far half of its lips there: opened, the mouth's inside must stay on the face's own pixels,
    a lip's thickness inside that outline, never on its half-transparent rim or beyond it (on TikTok clip 1 the
    dark inside reached through the profile's edge), while the mouth still opens where the face is."""
    from motion_transfer.engines.puppet.face import FaceAnimator, face_drive

    _, _, faces = _talk()
    rgb, _, face = _character()
    # the layer's outline crosses the lips half-way between their middle and their far corner, softly
    mid, far = face.points[13, 0], face.points[fm.UPPER_LIP_INNER[-1], 0]
    cut = mid + 0.5 * (far - mid)
    x = np.arange(rgb.shape[1], dtype=np.float64)
    edge = np.clip((cut - x) / 2.0 * np.sign(far - mid) + 0.5, 0.0, 1.0)
    tex = np.dstack([rgb, np.broadcast_to(np.round(255 * edge).astype(np.uint8), rgb.shape[:2])])
    drive = face_drive(faces.astype(np.float32))
    t = int(np.argmax(fm.mouth_opening(faces)))
    opened = FaceAnimator(face, drive, tex.copy(), (0, 0))
    opened.apply(t)
    monkeypatch.setattr(FaceAnimator, "_mouth", lambda *args: None)
    bare = FaceAnimator(face, drive, tex.copy(), (0, 0))
    bare.apply(t)
    painted = np.abs(opened.texture[:, :, :3].astype(int) - bare.texture[:, :, :3]).sum(axis=2) > 12
    alpha = bare.texture[:, :, 3]
    assert painted.sum() > 20  # the mouth opens
    assert not (painted & (alpha < 255)).any(), int((painted & (alpha < 255)).sum())
    pts = opened.targets(t)
    a, b = pts[13], pts[14]
    assert np.linalg.norm(a - b) > 4
    # its inside (or teeth) where the face is: under the upper lip (the generated face's mouth is drawn dark, as
    # dark as the inside, so there the teeth tell it apart; they reach down ``TEETH_FILL`` of the opening)
    m = np.round(a + 0.3 * (b - a)).astype(int)
    assert painted[m[1] - 1:m[1] + 2, m[0] - 1:m[0] + 2].all()


def test_a_face_turned_away_in_the_image_opens_its_mouth_less_but_still_opens_it():
    """A face shown in profile has no outline to open its mouth into: it takes a share of the actor's expression
    (the lips part less), still some; a face shown from the front takes all of it."""
    from motion_transfer.engines.puppet.face import (
        TURNED_EXPRESSION,
        expression_within_reach,
        face_drive,
        turn_rotation,
    )

    _, _, faces = _talk()
    _, _, front = _character()
    c = front.points.mean(axis=0)
    turned = replace(front, points=(front.points - c) @ turn_rotation(np.array([60.0]), np.zeros(1))[0].T + c)
    assert abs(fm.head_angles(turned.points)[0]) > 50
    drive = face_drive(faces.astype(np.float32))
    assert expression_within_reach(drive, front) is drive
    less = expression_within_reach(drive, turned)
    share = np.abs(less.expression).max() / np.abs(drive.expression).max()
    assert TURNED_EXPRESSION <= share < 0.8


def test_a_face_lost_for_a_moment_moves_on_through_the_gap_not_frozen():
    """The actor's face blurred by a fast lean loses its mesh for a few frames: the character's face goes on from
    the expression before the gap to the one after it (held, it froze in its last expression, TikTok clip 0's
    dancer: a laugh with the head thrown back held over eight frames, then a jump to pursed lips). A face lost for
    longer is not invented: it holds."""
    from motion_transfer.engines.puppet.face import face_drive

    _, _, faces = _talk()
    fps = 8.0
    whole = face_drive(faces, fps=fps)
    # the short gap where the mouth changes most across it, within what is bridged
    n = int(fm.BRIDGE_S * fps)
    change = np.abs(whole.mouth[n + 1:] - whole.mouth[:-n - 1])
    a = int(np.argmax(change[1:])) + 2  # the gap runs a .. a + n - 1, seen on both sides
    assert change[a - 1] > 0.05
    lost = faces.copy()
    lost[a:a + n] = np.nan
    drive = face_drive(lost, fps=fps)
    before, after = drive.mouth[a - 1], drive.mouth[a + n]
    steps = np.diff(drive.mouth[a - 1:a + n + 1])
    # never back, and most of the way there by the gap's last frame (the lips' first parting opens no mouth:
    # ``LIPS_PARTED``, so a step may be nought)
    assert (steps * np.sign(after - before) >= 0).all(), drive.mouth[a - 1:a + n + 1]
    assert abs(drive.mouth[a + n - 1] - before) > 0.5 * abs(after - before), drive.mouth[a - 1:a + n + 1]
    longer = faces.copy()
    longer[a:a + 3 * n] = np.nan
    held = face_drive(longer, fps=fps)
    assert np.allclose(held.mouth[a:a + 3 * n], held.mouth[a - 1])


def _still_drive(expression: np.ndarray):
    """A drive of ``expression`` [T, 468, 3] (face sizes) alone: no head turn, eyes open."""
    from motion_transfer.engines.puppet.face import FaceDrive

    T = len(expression)
    return FaceDrive(rotation=np.broadcast_to(np.eye(3), (T, 3, 3)).copy(), expression=expression,
                     eyes=np.ones((T, 2)), mouth=np.zeros(T), width=np.ones(T), angles=np.zeros((T, 3)),
                     turn=np.zeros((T, 2)))


def _lip_points(face, outer, inner) -> np.ndarray:
    """[N] the landmarks on and between a lip's outer and inner contours."""
    import cv2

    poly = face.points[list(outer) + list(inner)[::-1], :2].astype(np.float32)
    inside = np.array([cv2.pointPolygonTest(poly, (float(x), float(y)), True) >= -0.5 for x, y in face.points[:, :2]])
    inside[list(outer) + list(inner)] = True
    return inside


def test_a_pouted_lips_colour_past_the_lip_line_moves_with_the_lip():
    """A pout rolls the lip out past the face model's outer lip line: the lip's colour reaches above it. When the
    pout relaxes (the lips move down, away from the nose) that colour goes down with the lip and stays at most
    as far above the line as it was, instead of being stretched up towards the nose into a beak (TikTok clip 0)."""
    from motion_transfer.engines.puppet.face import FaceAnimator

    rgb, _, face = _character()
    size = face.size
    pink = np.array([205, 80, 120], np.uint8)
    # the lip's colour from the upper lip line up to a twentieth of a face size above it, across the middle
    top = face.points[list(fm.UPPER_LIP_OUTER), :2]
    xs = np.arange(int(top[:, 0].min()) + 3, int(top[:, 0].max()) - 2)
    line = np.interp(xs, *top[np.argsort(top[:, 0])].T)
    rgb = rgb.copy()
    rows = np.arange(rgb.shape[0])[:, None]
    band = np.zeros(rgb.shape[:2], bool)
    band[:, xs] = (rows >= line[None, :] - 0.05 * size) & (rows <= line[None, :] + 1)
    rgb[band] = pink
    lips = _lip_points(face, fm.UPPER_LIP_OUTER, fm.UPPER_LIP_INNER) | _lip_points(face, fm.LOWER_LIP_OUTER,
                                                                                       fm.LOWER_LIP_INNER)
    expression = np.zeros((2, 468, 3))
    expression[1, lips, 1] = 0.08  # the lips down by 0.08 face sizes (the skin above them stays)
    tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    anim = FaceAnimator(face, _still_drive(expression), tex, (0, 0))

    def reach(t: int) -> float:
        """How far above the upper lip line's middle (pixels) the pink reaches at frame ``t``."""
        anim.apply(t)
        mid = anim.targets(t)[0]
        x = int(round(mid[0]))
        col = tex[:, x - 1:x + 2, :3].astype(np.float32).mean(axis=1)
        # the pink run upwards from the line's row
        up = (np.linalg.norm(col - pink, axis=1) < 60)[:int(round(mid[1])) + 1][::-1]
        return float(np.argmin(up)) if not up.all() else float(len(up))

    rest = reach(0)
    assert rest >= 0.04 * size
    moved = reach(1)
    assert np.linalg.norm(anim.targets(1)[0] - face.points[0, :2]) > 0.07 * size  # the lip went down
    assert moved <= rest + 1.0, (rest, moved)


def test_the_images_lower_teeth_go_down_with_the_lower_lip():
    """A character drawn with both rows of teeth showing (a gap between them) opens its mouth further: the upper
    row stays under the upper lip, the lower row goes down with the lower lip, and the gap between them widens
    (they are not both carried with the upper lip)."""
    _, _, faces = _talk()
    rgb, face, mask, up0, low0 = _open_mouthed_portrait()
    rows = np.arange(rgb.shape[0])[:, None]
    rgb[(mask > 0) & (rows < up0 + 0.35 * (low0 - up0))] = (236, 232, 224)  # the upper row
    rgb[(mask > 0) & (rows > up0 + 0.65 * (low0 - up0))] = (226, 222, 214)  # the lower row
    tex, anim, pts = _widest_mouth(face, faces, rgb)
    assert anim.teeth is not None
    up, low = pts[13], pts[14]
    gap = float(np.linalg.norm(low - up))
    assert gap > anim.rest_gap + 3
    x = int(round((up[0] + low[0]) / 2))
    col = tex[int(np.floor(up[1])):int(np.ceil(low[1])) + 1, x - 1:x + 2, :3].astype(np.float32).mean(axis=1)
    bright = (col.mean(axis=1) > 170) & (np.ptp(col, axis=1) < 40)
    share = np.arange(len(col)) / max(len(col) - 1, 1)  # 0 at the upper lip, 1 at the lower
    assert bright[share < 0.3].sum() >= 3, col.round()  # the upper row under the upper lip
    assert bright[share > 0.75].sum() >= 3, col.round()  # the lower row on the lower lip
    assert not bright[(share > 0.35) & (share < 0.72)].any(), col.round()  # the gap between them, wider


@pytest.mark.parametrize("drop", [0.1, 0.3])
def test_a_wide_open_mouth_shows_a_dimmer_lower_row_on_the_lower_lip(drop):
    """A character whose image shows no teeth gets upper teeth when its mouth opens; a mouth opened wide (the jaw
    dropped by ``drop`` face sizes) also shows the lower row's edge standing on the lower lip, shorter and dimmer
    than the upper row (in its shadow) with the dark inside between them; a mouth opened less shows the upper
    row only (a smile, talking)."""
    from motion_transfer.engines.puppet.face import FaceAnimator

    rgb, _, face = _character()
    expression = np.zeros((2, 468, 3))
    jaw = face.points[:, 1] > face.points[[13, 14], 1].mean() + 0.5  # the jaw, the lower lip with it
    jaw[list(fm.LOWER_LIP_INNER)[1:-1]] = True
    jaw[[fm.UPPER_LIP_INNER[0], fm.UPPER_LIP_INNER[-1], *fm.MOUTH_CORNERS]] = False
    expression[1, jaw, 1] = drop
    tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    anim = FaceAnimator(face, _still_drive(expression), tex, (0, 0))
    anim.apply(1)
    pts = anim.targets(1)
    up, low = pts[13], pts[14]
    assert low[1] - up[1] > 0.9 * drop * face.size
    x = int(round((up[0] + low[0]) / 2))
    col = tex[int(np.ceil(up[1])):int(np.floor(low[1])), x - 1:x + 2, :3].astype(np.float32).mean(axis=1)
    luma = col @ np.array([0.299, 0.587, 0.114])
    share = np.arange(len(col)) / max(len(col) - 1, 1)  # 0 at the upper lip, 1 at the lower
    upper, inside, lower = float(luma[share < 0.3].max()), float(luma.min()), float(luma[share > 0.75].max())
    assert upper > inside + 100, luma.round()
    if drop < 0.2:
        assert lower < inside + 40, luma.round()  # no lower row
    else:
        assert inside + 40 < lower < upper - 20, luma.round()  # a dimmer lower row on the lower lip
        assert luma[(share > 0.4) & (share < 0.6)].max() < inside + 20, luma.round()  # apart from the upper


def test_a_mouth_closing_over_the_images_teeth_covers_them():
    """A character smiling with its teeth in the image closes its mouth: the lips meet over the teeth, which are
    not squeezed into a bright line between them (TikTok character 4 driven by her own clip)."""
    from motion_transfer.engines.puppet.face import FaceAnimator

    rgb, face, mask, up0, low0 = _open_mouthed_portrait()
    rgb[(mask > 0) & (np.arange(rgb.shape[0])[:, None] < up0 + 0.6 * (low0 - up0))] = (236, 232, 224)
    expression = np.zeros((2, 468, 3))
    jaw = face.points[:, 1] > (up0 + low0) / 2  # the jaw, the lower lip with it, up until the lips meet
    jaw[[fm.UPPER_LIP_INNER[0], fm.UPPER_LIP_INNER[-1], *fm.MOUTH_CORNERS]] = False
    expression[1, jaw, 1] = -(low0 - up0) / face.size
    tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    anim = FaceAnimator(face, _still_drive(expression), tex, (0, 0))
    assert anim.teeth is not None
    anim.apply(1)
    pts = anim.targets(1)
    assert np.linalg.norm(pts[14] - pts[13]) < 0.1 * (low0 - up0)  # closed
    out = tex[:, :, :3].astype(np.float32)
    a, b = pts[fm.MOUTH_CORNERS[0]], pts[fm.MOUTH_CORNERS[1]]
    xs = np.arange(int(a[0] + 0.2 * (b[0] - a[0])), int(a[0] + 0.8 * (b[0] - a[0])))
    line = np.interp(xs, *pts[list(fm.UPPER_LIP_INNER)][np.argsort(pts[list(fm.UPPER_LIP_INNER), 0])].T)
    ys = np.round(line).astype(int)[None, :] + np.arange(-4, 5)[:, None]
    px = out[ys, xs[None, :]]
    bright = (px.mean(axis=2) > 180) & (np.ptp(px, axis=2) < 40)
    assert bright.sum() <= 2, bright.sum()


@pytest.mark.parametrize("neutral", ["first", "typical"])
def test_full_lips_read_a_little_apart_keep_the_mouth_closed_while_parted_lips_open_it(neutral):
    """The face model reads full lips pressed together or pouting as parted by up to 0.045 face sizes past the
    actor's first, closed mouth (TikTok clip 5's pout: the character's mouth stood open on a row of teeth for seconds).
    A track whose inner lips stay 0.035 face sizes apart for a while gives the character no opening; lips parted
    0.12 face sizes past the closed ones open its mouth by as much (the mesh's and the simple face model's)."""
    from motion_transfer.engines.puppet.face import face_drive, face_targets

    _, _, faces = _talk()
    _, _, face = _character()
    rest = faces[0]
    track = np.repeat(rest[None], 30, axis=0)
    size = float(fm.face_size(rest))
    low = list(fm.LOWER_LIP_INNER[1:-1])
    pout, talk = slice(8, 14), slice(20, 26)  # (the usual face is the closed one: most frames)
    track[pout, low, 1] += 0.035 * size
    track[talk, low, 1] += 0.12 * size
    drive = face_drive(track, neutral=neutral, fps=8.0)
    pts = face_targets(face, drive, np.arange(len(track)))
    a, b = face.groups["lip_mid"]
    rest_gap = np.linalg.norm(face.points[b, :2] - face.points[a, :2])
    opened = (np.linalg.norm(pts[:, b] - pts[:, a], axis=1) - rest_gap) / face.size
    assert np.abs(opened[pout]).max() < 0.005, opened[pout]
    assert opened[talk].min() > 0.08, opened[talk]
    assert np.abs(drive.mouth[pout]).max() < 0.005 and drive.mouth[talk].min() > 0.08


@pytest.mark.parametrize("parted, teeth", [(0.028, False), (0.07, True)])
def test_painted_teeth_show_only_between_lips_parted_far_enough_over_a_dark_band(parted, teeth):
    """A mouth the image shows closed gets painted teeth only once its lips part far enough (lips a few pixels
    apart show a dark line, not a white bar: TikTok clip 5's actor talking), and then not down to the lower lip:
    a dark band of the inside stays under them (filled to the lower lip, a narrow opening read as a row of white
    teeth)."""
    from motion_transfer.engines.puppet.face import TEETH_FILL, FaceAnimator

    rgb, _, face = _character()
    expression = np.zeros((2, 468, 3))
    expression[1, _lip_points(face, fm.LOWER_LIP_OUTER, fm.LOWER_LIP_INNER), 1] = parted
    tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    anim = FaceAnimator(face, _still_drive(expression), tex, (0, 0))
    assert anim.teeth is None and anim.new_teeth is not None
    anim.apply(1)
    pts = anim.targets(1)
    up, low = pts[13], pts[14]
    x = int(round((up[0] + low[0]) / 2))
    y0, y1 = int(np.floor(up[1])) - 3, int(np.ceil(low[1])) + 4
    luma = tex[y0:y1, x - 1:x + 2, :3].astype(np.float32).mean(axis=1) @ np.array([0.299, 0.587, 0.114])
    lips = float(luma[0])  # the upper lip above the opening
    rows = np.flatnonzero(luma > lips + 40) + y0
    if not teeth:  # (0.028 face sizes: 2.6 pixels on this face)
        assert len(rows) == 0, luma.round()
        return
    assert len(rows) >= 3, luma.round()
    assert rows.max() <= up[1] + TEETH_FILL * (low[1] - up[1]) + 1.5, (rows.max(), up[1], low[1])
    # right under them the inside, darker than either lip (``luma[-1]``: the lower lip below the opening)
    under = luma[int(rows.max()) + 1 - y0:][:4]
    assert (under < 0.8 * min(lips, float(luma[-1]))).sum() >= 2, luma.round()


def test_a_neutral_with_its_lips_apart_parts_them_further_as_read():
    """The image's lips already apart (TikTok clip 2's and 4's first frames: talking, smiling) are no closed lips
    the face model could misread: the actor's lips parting 0.04 face sizes further part the character's as far
    (from shut lips, that little is taken as the misread of a pout and opens nothing)."""
    from motion_transfer.engines.puppet.face import face_drive

    _, _, faces = _talk()
    rest = faces[0]
    track = np.repeat(rest[None], 30, axis=0)
    size = float(fm.face_size(rest))
    low = list(fm.LOWER_LIP_INNER[1:-1])
    track[:8, low, 1] += 0.1 * size  # the first frames (the image) smile with parted lips
    track[20:26, low, 1] += 0.14 * size  # ... the lips part further later; between, they are shut
    read = fm.mouth_opening(track)[20:26] - fm.mouth_opening(track)[0]
    assert np.allclose(face_drive(track, fps=8.0).mouth[20:26], read, atol=0.002)
    shut = track.copy()
    shut[:8, low, 1] -= 0.1 * size  # the same parting from shut lips
    shut[20:26, low, 1] -= 0.1 * size
    assert np.abs(face_drive(shut, fps=8.0).mouth[20:26]).max() < 0.01


def _grained(rgb: np.ndarray, sigma: float = 3.0) -> np.ndarray:
    """``rgb`` with a photograph's grain (sensor noise): the generated pictures are drawn art, flat or smooth."""
    rng = np.random.default_rng(0)
    return np.clip(rgb + rng.normal(0.0, sigma, rgb.shape), 0, 255).astype(np.uint8)


def test_drawn_art_and_photographs_are_told_apart_by_the_faces_grain():
    """The generated faces (the mannequin, the teddy bear, the fox, the cartoon girl) are drawn art; the same
    mannequin with a photograph's grain is a photograph. Its ink is darker than the face."""
    from motion_transfer.engines.puppet.face import face_rig_for
    from motion_transfer.engines.puppet.face_style import LUMA, face_mask, ink_colour, is_drawn
    from motion_transfer.samples.stylised import make_stylised

    rgb, _, face = _character()
    mask = face_mask(rgb.shape[:2], face.points[list(face.groups["oval"]), :2])
    assert is_drawn(rgb, mask)
    assert not is_drawn(_grained(rgb), mask)
    assert ink_colour(rgb, mask) @ LUMA < 0.5 * float(np.median(rgb[mask] @ LUMA))
    for name in ("teddy_bear", "fox", "cartoon_girl"):
        c = make_stylised(name)
        f = face_rig_for(c.image, c.joints[:, :2].astype(np.float64), np.ones(33))
        assert is_drawn(c.image, face_mask(c.image.shape[:2], f.points[list(f.groups["oval"]), :2])), name


def _opened_mouth_pixels(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, object]:
    """(the pixels between the posed inner lips [n, 3], the face's pixels [m, 3], the animator) of ``rgb``'s
    character rigged and driven by the talking actor (:func:`face_animator`, which reads the picture's style), at
    the frame its mouth opens widest."""
    import cv2

    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.engines.puppet.face import face_animator
    from motion_transfer.engines.puppet.face_style import face_mask
    from motion_transfer.pose.track import PoseTrack

    _, _, faces = _talk()
    rig = rig_character(rgb)
    track = PoseTrack.empty(len(faces), 8.0, *SIZE)
    track.face[:] = faces.astype(np.float32)
    anim, _ = face_animator(rig, track)
    assert anim is not None and anim.face.kind == "mesh"
    t = int(np.argmax(anim.drive.mouth))
    anim.apply(t)
    pts = anim.targets(t) - anim.origin
    inner = np.zeros(anim.texture.shape[:2], np.uint8)
    cv2.fillPoly(inner, [np.round(pts[anim.mouth_poly]).astype(np.int32)], 1)
    inner = cv2.erode(inner, np.ones((3, 3), np.uint8)).astype(bool)
    assert inner.sum() > 30  # the mouth opened
    skin = face_mask(anim.texture.shape[:2], anim.rest[list(anim.face.groups["oval"])]) & ~inner
    return anim.texture[:, :, :3][inner].astype(np.float32), anim.texture[:, :, :3][skin].astype(np.float32), anim


def test_a_drawn_mascot_opens_its_mouth_as_a_flat_dark_shape_without_teeth():
    """The teddy bear (flat drawn art, where the face model finds a face) driven by a talking actor: its opened
    mouth is a flat shape darker than its face, in its own darkest colour, with no teeth (a photograph's teeth
    painted on its felt snout were creepy); the same picture with a photograph's grain still gets teeth."""
    from motion_transfer.engines.puppet.face_style import LUMA
    from motion_transfer.samples.stylised import make_stylised

    bear = make_stylised("teddy_bear").image
    mouth, skin, anim = _opened_mouth_pixels(bear)
    assert anim.drawn and anim.new_teeth is None
    luma = mouth @ LUMA
    teeth = (luma > 130) & (np.ptp(mouth, axis=1) < 60)  # light and greyish: a tooth's colour
    assert not teeth.any(), int(teeth.sum())
    assert np.median(luma) < 0.6 * float(np.median(skin @ LUMA))
    assert np.percentile(luma, 90) - np.percentile(luma, 10) < 20  # flat, not a shaded hole

    mouth, _, anim = _opened_mouth_pixels(_grained(bear))
    assert not anim.drawn and anim.new_teeth is not None
    luma = mouth @ LUMA
    assert ((luma > 130) & (np.ptp(mouth, axis=1) < 60)).sum() >= 10


def _lid_heights(face, pts: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray]:
    """How far ``pts`` [N, 2]'s upper and lower lid landmarks of eye ``side`` ("r", "l") lie from its corner line,
    towards the upper lid (positive up)."""
    g = face.groups
    a, b = g[f"{side}_corners"]
    u = (pts[b] - pts[a]) / np.linalg.norm(pts[b] - pts[a])
    n = np.array([u[1], -u[0]])
    up, low = (pts[list(g[f"{side}_upper"])] - pts[a]) @ n, (pts[list(g[f"{side}_lower"])] - pts[a]) @ n
    return (up, low) if up.mean() > low.mean() else (-up, -low)


def test_an_actor_with_wider_eyes_does_not_roll_the_characters_eyes_up():
    """An actor whose eyes open half as wide again as its usual face (a face with larger eyes, or the face model
    reading a tilted head's eyes wider: TikTok clip 4) opens the character's eyes at most ``EYE_WIDEN`` as wide:
    its lower lid never drops below the image's (the iris would float above a band of white), its upper lid rises
    a little at most (the warp has no eye above the image's opening, only lid and lashes to stretch)."""
    from motion_transfer.engines.puppet.face import EYE_WIDEN, face_drive, face_targets

    _, _, faces = _talk()
    _, _, face = _character()
    wide = faces.copy()
    for t in range(len(wide) // 2, len(wide)):
        for corners, upper, lower in ((fm.RIGHT_EYE_CORNERS, fm.RIGHT_UPPER_LID, fm.RIGHT_LOWER_LID),
                                      (fm.LEFT_EYE_CORNERS, fm.LEFT_UPPER_LID, fm.LEFT_LOWER_LID)):
            lids = list(upper + lower)
            centre = wide[t, list(corners), 1].mean()
            wide[t, lids, 1] = centre + 1.6 * (wide[t, lids, 1] - centre)
    drive = face_drive(wide.astype(np.float32))
    assert drive.eyes.max() <= EYE_WIDEN + 1e-9
    for side in ("r", "l"):
        up0, low0 = _lid_heights(face, face.points[:, :2], side)
        for t in range(len(wide)):
            up, low = _lid_heights(face, face_targets(face, drive, t), side)
            assert (low >= low0 - 0.02 * face.size).all(), (side, t, low - low0)
            assert up.max() <= up0.max() + (EYE_WIDEN - 1.0) * np.ptp(np.r_[up0, low0]) + 0.02 * face.size


def test_a_strangers_kiss_narrows_the_lips_without_a_beak_or_a_bulging_chin():
    """An actor's pucker (the generated talking face with its mouth squeezed to half its width and its corners
    dropped 0.12 face sizes: TikTok clip 4's kiss) narrows the character's mouth to ``MOUTH_NARROW[1]`` of its
    width at most, and moves its chin and mouth corners a bounded distance (a 2D warp draws narrower lips only by
    squeezing them: taken whole, the character's lips became a beak under the nose over a bulging chin)."""
    from motion_transfer.engines.puppet.face import MOUTH_NARROW, face_drive, face_targets

    _, _, faces = _talk()
    _, _, face = _character()
    kiss = faces.copy()
    for t in range(1, len(kiss)):
        size = fm.face_size(kiss[t])
        centre = kiss[t, list(fm.MOUTH_CORNERS)].mean(axis=0)
        near = np.linalg.norm(kiss[t, :, :2] - centre[:2], axis=1) < 0.45 * size
        kiss[t, near, 0] = centre[0] + 0.5 * (kiss[t, near, 0] - centre[0])
        kiss[t, list(fm.MOUTH_CORNERS), 1] += 0.12 * size
    drive = face_drive(kiss.astype(np.float32))
    assert drive.width.min() >= MOUTH_NARROW[1] - 1e-6, drive.width.min()
    a, b = fm.MOUTH_CORNERS
    rest_width = np.linalg.norm(face.points[b, :2] - face.points[a, :2])
    no_turn = replace(drive, rotation=np.broadcast_to(np.eye(3), drive.rotation.shape).copy())
    for t in range(len(kiss)):
        pts = face_targets(face, no_turn, t)
        assert np.linalg.norm(pts[b] - pts[a]) > (MOUTH_NARROW[1] - 0.05) * rest_width
        moved = np.linalg.norm(pts[[fm.CHIN, a, b]] - face.points[[fm.CHIN, a, b], :2], axis=1) / face.size
        assert moved.max() < 0.16, (t, moved)


def test_an_actor_in_profile_does_not_wink_the_character_with_its_far_eye():
    """An actor turned 50 degrees from the camera whose far eye (foreshortened to a sliver, its lids guessed by the
    face model) reads shut while the near one is open does not wink the character: the far eye takes the near
    one's opening (TikTok clip 1's dancer in profile). Facing the camera, the same shut eye is a wink."""
    from motion_transfer.engines.puppet.face import face_drive

    _, _, faces = _talk()
    turned = faces.copy()
    yaw = np.radians(50.0 + fm.head_angles(faces)[:, 0])[:, None]  # (the talking face turns by itself too)
    c = turned.mean(axis=1, keepdims=True)
    x, z = turned[..., 0] - c[..., 0], turned[..., 2] - c[..., 2]
    turned[..., 0] = c[..., 0] + np.cos(yaw) * x + np.sin(yaw) * z
    turned[..., 2] = c[..., 2] - np.sin(yaw) * x + np.cos(yaw) * z
    widths = [np.linalg.norm(turned[0, a, :2] - turned[0, b, :2]) for a, b in (fm.RIGHT_EYE_CORNERS,
                                                                                 fm.LEFT_EYE_CORNERS)]
    far = int(np.argmin(widths))
    corners, upper, lower = [(fm.RIGHT_EYE_CORNERS, fm.RIGHT_UPPER_LID, fm.RIGHT_LOWER_LID),
                             (fm.LEFT_EYE_CORNERS, fm.LEFT_UPPER_LID, fm.LEFT_LOWER_LID)][far]

    def shut(mesh: np.ndarray) -> np.ndarray:
        out = mesh.copy()
        half = len(out) // 2
        mid = out[half:, list(lower), 1].mean(axis=1, keepdims=True)
        out[half:, list(upper), 1] = mid - 0.3
        return out

    drive = face_drive(shut(turned).astype(np.float32))
    assert (np.abs(fm.head_angles(turned)[:, 0]) > 45).all()
    late = slice(len(faces) // 2, None)
    assert np.median(drive.eyes[late, far]) > 0.6, drive.eyes[late, far]  # open (but for the talking face's blink)
    assert np.allclose(drive.eyes[late, far], drive.eyes[late, 1 - far], atol=0.05)
    facing = face_drive(shut(faces).astype(np.float32))
    assert facing.eyes[late, far].max() < 0.3, facing.eyes[late, far]


def test_an_actors_wink_read_half_open_shuts_the_characters_lid():
    """The face model reads an eye shut beside an open one at up to half its open gap (it guesses the two eyes
    alike: TikTok clip 4's wink at 0.43-0.48 of her open eye, her blinks at 0.26-0.32): an eye read at 0.4 to 0.5 of
    its own open gap while the other one is open shuts the character's lid fully (before: a slit under a heavy lash
    band). Both eyes read so (a look down) are no wink: they stay open further."""
    from motion_transfer.engines.puppet.face import LID_SHUT_AT, face_drive

    _, _, talk = _talk()
    faces = np.repeat(talk[:1], 24, axis=0)  # (its first frame held: facing the camera, the eyes open)
    late = slice(16, None)

    def narrowed(sides: list[int]) -> np.ndarray:
        out = faces.copy()
        for k in sides:
            _, upper, lower = fm.EYES[k]
            lids = list(upper + lower)
            centre = out[late][:, [upper[3], lower[3]], 1].mean(axis=1, keepdims=True)  # (the lids' middle)
            out[late, lids, 1] = centre + 0.45 * (out[late, lids, 1] - centre)
        return out.astype(np.float32)

    read = fm.eye_opening(narrowed([1]))[late, 1] / fm.eye_opening(faces)[late, 1]  # (the lids' depth stays)
    assert (read > 0.4).all() and (read < 0.5).all(), read
    for neutral in ("first", "typical"):
        wink = face_drive(narrowed([1]), neutral=neutral).eyes
        assert wink[late, 1].max() <= LID_SHUT_AT, (neutral, wink[late, 1])
        assert np.median(wink[late, 0]) > 0.8, (neutral, wink[late, 0])
        down = face_drive(narrowed([0, 1]), neutral=neutral).eyes
        assert np.median(down[late]) > 2 * LID_SHUT_AT, (neutral, down[late])


def _lower_lid_y(P: np.ndarray, lower, x: float) -> float:
    """The lower lid's height (image y) at ``x``, from its landmarks ``lower`` (a level eye)."""
    k = np.argsort(P[list(lower), 0])
    return float(np.interp(x, P[list(lower), 0][k], P[list(lower), 1][k]))


def _eye_looking_up(lift: float, down: float = 0.0, aside: float = 0.0):
    """The character with both eyes' openings painted white around a dark iris a third of the eye's width across,
    ``lift`` eye widths above where it rests looking ahead (its radius above the lower lid, under the middle of the
    opening); the right one also ``down`` eye widths lower and ``aside`` along the eye. (Its texture, the face rig
    with those irises' centres, the right opening's middle, the right eye's width.)"""
    import cv2

    rgb, _, face = _character()
    P = face.points[:, :2]
    painted = rgb.copy()
    irises = []
    for corners, upper, lower in fm.EYES:
        a, b = corners
        width = float(np.linalg.norm(P[b] - P[a]))
        middle = P[list(upper + lower)].mean(axis=0)
        x = middle[0]
        iris = np.array([x, _lower_lid_y(P, lower, x) - width / 6 - lift * width + down * width])
        iris += aside * (P[b] - P[a]) * (1 if corners == fm.RIGHT_EYE_CORNERS else -1)  # both the same way
        if corners == fm.RIGHT_EYE_CORNERS:
            right = (middle, width)
        opening = P[[a, *upper, b, *lower[::-1]]]
        cv2.fillPoly(painted, [np.round(opening * 16).astype(np.int32)], (235, 235, 235), cv2.LINE_AA, 4)
        inside = np.zeros(rgb.shape[:2], np.uint8)
        cv2.fillPoly(inside, [np.round(opening * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
        disc = np.zeros(rgb.shape[:2], np.uint8)
        cv2.circle(disc, tuple(np.round(iris * 16).astype(int)), round(width / 6 * 16), 1, -1, cv2.LINE_8, 4)
        painted[(disc > 0) & (cv2.dilate(inside, np.ones((3, 3), np.uint8)) > 0)] = (40, 30, 25)  # under the lids
        irises.append(iris)
    return painted, replace(face, irises=np.stack(irises)), *right


def _iris_centre(tex: np.ndarray, face) -> np.ndarray:
    """The dark iris's centre (x, y) in the right eye's opening."""
    import cv2

    P = face.points[:, :2]
    a, b = fm.RIGHT_EYE_CORNERS
    inside = np.zeros(tex.shape[:2], np.uint8)
    opening = P[[a, *fm.RIGHT_UPPER_LID, b, *fm.RIGHT_LOWER_LID[::-1]]]
    cv2.fillPoly(inside, [np.round(opening * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    ys, xs = np.nonzero((tex[:, :, :3].astype(np.float32).mean(axis=2) < 80) & (inside > 0))
    return np.array([xs.mean(), ys.mean()])


def _within_eyes_and_margins(changed: np.ndarray, P: np.ndarray) -> bool:
    """Whether all ``changed`` pixels lie in the eyes' boxes grown by the margin a gaze's move fades over."""
    from motion_transfer.engines.puppet.gaze import GAZE_MARGIN

    within = np.zeros_like(changed)
    for corners, upper, lower in fm.EYES:
        eye = P[list(corners + upper + lower)]
        pad = int(np.ceil(GAZE_MARGIN[0] * np.ptp(eye[:, 1]))) + 1
        (x0, y0), (x1, y1) = (np.floor(eye.min(axis=0)).astype(int) - pad,
                              np.ceil(eye.max(axis=0)).astype(int) + pad + 1)
        within[y0:y1, x0:x1] = True
    return bool(changed.any() and not (changed & ~within).any())


@pytest.mark.parametrize("lift", [0.06, 0.25])
def test_an_eye_looking_up_in_the_image_looks_ahead_within_its_opening(lift):
    """A photograph's eyes that look up (their irises further above their lower lids than an iris's radius: TikTok
    character 3) look ahead when a stranger drives them: they come down by as much, at most ``GAZE_REACH`` eye
    widths (an iris far up comes only that far), and nothing beyond the eyes and the margin the move fades over
    changes. Without the image's irises, or on a drawn face, the eyes keep their gaze; eyes looking ahead, down or
    sideways keep it too."""
    from motion_transfer.engines.puppet.face import GAZE_REACH, FaceAnimator

    painted, face, middle, width = _eye_looking_up(lift)
    drive = _still_drive(np.zeros((1, 468, 3)))

    def warped(rig, drawn: bool = False, image: np.ndarray = painted) -> np.ndarray:
        tex = np.dstack([image, np.full(image.shape[:2], 255, np.uint8)])
        FaceAnimator(rig, drive, tex, (0, 0), drawn=drawn).apply(0)
        return tex

    before = _iris_centre(painted, face)
    ahead = warped(face)
    moved = (_iris_centre(ahead, face) - before) / width
    # down, near as far (the iris's lower edge slides under the lower lid: what shows of it comes down less; an
    # iris far up, partly under the upper lid, shows still less of its move)
    assert moved[1] > (0.5 * lift if lift <= GAZE_REACH else 0.3 * GAZE_REACH), moved
    assert moved[1] < GAZE_REACH + 0.03 and abs(moved[0]) < 0.03, moved
    kept = warped(replace(face, irises=None))
    assert np.abs(_iris_centre(kept, face) - before).max() / width < 0.03
    assert np.array_equal(warped(face, drawn=True), kept)
    for eyes in (_eye_looking_up(0.0), _eye_looking_up(lift, down=lift + 0.05), _eye_looking_up(0.0, aside=0.25)):
        image, rig = eyes[:2]
        assert np.array_equal(warped(rig, image=image), warped(replace(rig, irises=None), image=image))
    assert _within_eyes_and_margins(np.abs(ahead.astype(int) - kept.astype(int)).max(axis=2) > 8,
                                    face.points[:, :2])


def _white_around_iris(tex: np.ndarray, pts: np.ndarray) -> tuple[float, float, int]:
    """(white pixels over the iris, white pixels under it, per column through the iris's middle third; its dark
    pixels) in the right eye's posed opening ``pts``."""
    import cv2

    a, b = fm.RIGHT_EYE_CORNERS
    inside = np.zeros(tex.shape[:2], np.uint8)
    cv2.fillPoly(inside, [np.round(pts[[a, *fm.RIGHT_UPPER_LID, b, *fm.RIGHT_LOWER_LID[::-1]], :2] * 16)
                          .astype(np.int32)], 1, cv2.LINE_8, 4)
    luma = tex[:, :, :3].astype(np.float32).mean(axis=2)
    dark, white = (luma < 80) & (inside > 0), (luma > 200) & (inside > 0)
    ys, xs = np.nonzero(dark)
    x0, x1 = np.percentile(xs, [33, 67]).round().astype(int)
    above, under = [], []
    for x in range(x0, x1 + 1):
        col = np.nonzero(dark[:, x])[0]
        above.append(int(white[:col.min(), x].sum()) if len(col) else 0)
        under.append(int(white[col.max() + 1:, x].sum()) if len(col) else 0)
    return float(np.mean(above)), float(np.mean(under)), int(dark.sum())


@pytest.mark.parametrize("opening", [1.0, 0.6])
def test_a_high_iris_shows_no_more_white_under_it_than_over_it_as_the_lids_narrow(opening):
    """An iris high in its opening (its centre 0.29 eye widths above the lower lid, a band of white under it; TikTok
    character 3: 0.25 to 0.27), driven by a stranger, shows no more white under it than over it, and stays in the
    opening as the actor's lids narrow: lids narrowing over the still-high iris covered its top and left the white
    under it, and she looked rolled up."""
    from motion_transfer.engines.puppet.face import FaceAnimator

    painted, face, _, width = _eye_looking_up(0.12)
    drive = _still_drive(np.zeros((1, 468, 3)))
    drive.eyes[:] = opening
    tex = np.dstack([painted, np.full(painted.shape[:2], 255, np.uint8)])
    anim = FaceAnimator(face, drive, tex, (0, 0))
    anim.apply(0)
    above, under, dark = _white_around_iris(tex, anim.targets(0))
    _, rest_under, rest_dark = _white_around_iris(painted, face.points[:, :2])
    assert rest_under > 0.06 * width  # a band of white under the image's iris
    assert dark > 0.5 * rest_dark * opening, (dark, rest_dark)  # the iris still shows
    assert under <= above + 0.25, (above, under)


def test_the_videos_own_first_frame_keeps_its_gaze():
    """The image that is the video's first frame shows the actor's own gaze: its irises are not taken (so its eyes
    are not moved to look ahead), even where the track has no face mesh at that frame and the image's is found;
    a stranger's image has them."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.engines.puppet.face import face_animator
    from motion_transfer.pose.track import PoseTrack

    _, _, faces = _talk()
    rgb, _, _ = _character()
    rig = rig_character(rgb)
    track = PoseTrack.empty(len(faces), 8.0, SIZE[0], SIZE[1])
    track.face[:] = faces.astype(np.float32)
    track.face[0] = np.nan
    stranger, _ = face_animator(rig, track)
    assert stranger is not None and stranger.face.irises is not None
    rig.meta["skeleton"] = "video frame 0"
    own, _ = face_animator(rig, track)
    assert own is not None and own.face.irises is None


def _glancing(face, shift: float, frames: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """An actor's still face (the character's own mesh) and its iris points [T, 10, 3] (``PoseTrack.irises``): in
    the middle of each eye's corners for the first two thirds of the frames, then ``shift`` eye widths along the
    eye line (towards the image's right)."""
    P = face.points
    mesh = np.broadcast_to(P, (frames, *P.shape)).astype(np.float32).copy()
    irises = np.zeros((frames, 10, 3), np.float32)
    along = P[fm.LEFT_EYE_CORNERS[0], :2] - P[fm.RIGHT_EYE_CORNERS[0], :2]
    along /= np.linalg.norm(along)
    for row, (a, b) in ((0, fm.RIGHT_EYE_CORNERS), (5, fm.LEFT_EYE_CORNERS)):
        irises[:, row:row + 5] = (P[a] + P[b]) / 2
        irises[2 * frames // 3:, row:row + 5, :2] += shift * float(np.linalg.norm(P[b, :2] - P[a, :2])) * along
    return mesh, irises


@pytest.mark.parametrize("shift", [0.1, 0.4])
def test_the_eyes_look_where_the_actors_look(shift, monkeypatch):
    """The actor's irises moved aside in its eyes (its head still) move the character's iris that way inside its
    opening, by about as much (eye widths), at most ``GAZE_ALONG`` (an iris far aside only that far); the eye's
    outline stays (nothing changed beyond it and the margin the move fades over), and a blink still closes over
    the moved iris. A track without irises (written before they were kept) gives no gaze: the eye stays as it
    was."""
    from motion_transfer.engines.puppet.face import FaceAnimator
    from motion_transfer.engines.puppet.gaze import GAZE_ALONG, gaze_drive

    painted, face, middle, width = _eye_looking_up(0.0)
    mesh, irises = _glancing(face, shift)
    gaze = gaze_drive(mesh, irises, fps=8.0)
    assert gaze is not None and np.allclose(gaze[0], 0.0)
    assert gaze_drive(mesh, None, fps=8.0) is None
    T = len(mesh)

    def warped(look: np.ndarray | None, eyes: float = 1.0) -> np.ndarray:
        drive = replace(_still_drive(np.zeros((T, 468, 3))), gaze=look)
        drive.eyes[:] = eyes
        tex = np.dstack([painted, np.full(painted.shape[:2], 255, np.uint8)])
        FaceAnimator(face, drive, tex, (0, 0)).apply(T - 1)
        return tex

    kept = warped(None)
    before = _iris_centre(kept, face)
    looking = warped(gaze)
    moved = (_iris_centre(looking, face) - before) / width
    along = face.points[fm.LEFT_EYE_CORNERS[0], :2] - face.points[fm.RIGHT_EYE_CORNERS[0], :2]
    along /= np.linalg.norm(along)
    aside = float(moved @ along)
    assert aside > 0.5 * min(shift, GAZE_ALONG), moved  # that way, near as far (the white squeezed, not the iris)
    assert aside < min(shift, GAZE_ALONG) + 0.03 and abs(moved[1]) < 0.03, moved
    # both eyes look, each only inside its opening and the margin its move fades over
    P = face.points[:, :2]
    assert _within_eyes_and_margins(np.abs(looking.astype(int) - kept.astype(int)).max(axis=2) > 8, P)
    lids = P[list(fm.RIGHT_EYE_CORNERS + fm.RIGHT_UPPER_LID + fm.RIGHT_LOWER_LID)]
    # shut, the eye looking aside shows its lid as the one looking ahead does: no iris left under it
    x0, y0 = np.floor(lids.min(axis=0)).astype(int)
    x1, y1 = np.ceil(lids.max(axis=0)).astype(int) + 1
    dark = [(warped(look, eyes=0.0)[y0:y1, x0:x1, :3].mean(axis=2) < 80).mean() for look in (None, gaze)]
    assert dark[1] <= dark[0] + 0.01, dark
    # eyes too small to move (narrower than GAZE_MIN_EYE) keep their gaze
    monkeypatch.setattr("motion_transfer.engines.puppet.face.GAZE_MIN_EYE", 2 * width)
    assert np.array_equal(warped(gaze), kept)


def test_a_track_without_irises_still_drives_the_face():
    """A track written before the irises were kept (``irises`` None) drives the face as before, without gaze; one
    with them gives the animator the actor's gaze."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.engines.puppet.face import face_animator
    from motion_transfer.pose.track import PoseTrack

    _, _, faces = _talk()
    rgb, _, _ = _character()
    rig = rig_character(rgb)
    track = PoseTrack.empty(len(faces), 8.0, SIZE[0], SIZE[1])
    track.face[:] = faces.astype(np.float32)
    for row, (a, b) in ((0, fm.RIGHT_EYE_CORNERS), (5, fm.LEFT_EYE_CORNERS)):
        track.irises[:, row:row + 5] = (faces[:, None, a] + faces[:, None, b]) / 2
    looking, _ = face_animator(rig, track)
    assert looking is not None and looking.drive.gaze is not None and looking.drive.gaze.shape == (len(faces), 2)
    track.irises = None
    old, _ = face_animator(rig, track)
    assert old is not None and old.drive.gaze is None
    old.apply(len(faces) - 1)


def test_lips_pressed_past_shut_are_not_drawn_over_each_other():
    """An actor's lips closing from a neutral that has them apart (its usual face, talking) presses a character's
    shut lips together, never past each other: the upper lip is not drawn over the lower one (doubled lips, the
    mouth's outline turned inside out and filled with teeth: TikTok character 3 on clip 0)."""
    from motion_transfer.engines.puppet.face import FaceAnimator, face_drive

    _, _, faces = _talk()
    rgb, _, face = _character()
    drive = face_drive(faces.astype(np.float32))
    expr = np.zeros_like(drive.expression)
    press = 0.08  # face sizes each lip moves towards the other: 4 times the character's gap between them
    for outer, inner, sign in ((fm.UPPER_LIP_OUTER, fm.UPPER_LIP_INNER, 1.0),
                               (fm.LOWER_LIP_OUTER, fm.LOWER_LIP_INNER, -1.0)):
        taper = np.sin(np.linspace(0.0, np.pi, len(inner)))  # nothing at the corners, most in the middle
        expr[:, list(outer), 1] = sign * press * taper
        expr[:, list(inner), 1] = sign * press * taper
    T = len(expr)
    drive = replace(drive, expression=expr, eyes=np.ones((T, 2)), mouth=np.zeros(T), width=np.ones(T),
                    rotation=np.repeat(np.eye(3)[None], T, axis=0), turn=np.zeros((T, 2)), gaze=None)
    up, low = list(fm.UPPER_LIP_INNER), list(fm.LOWER_LIP_INNER)
    assert (face.points[low, 1] - face.points[up, 1]).max() < 0.5 * press * face.size  # shut in the image
    tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    anim = FaceAnimator(face, drive, tex, (0, 0))
    pts = anim.targets(0)
    assert (pts[low, 1] - pts[up, 1]).min() > -0.025 * face.size, pts[low, 1] - pts[up, 1]  # pressed, not past
    outer_up, outer_low = list(fm.UPPER_LIP_OUTER[3:-3]), list(fm.LOWER_LIP_OUTER[3:-3])  # the lips' middle
    assert (pts[outer_low, 1] - pts[outer_up, 1]).min() > 0.3 * (
        face.points[outer_low, 1] - face.points[outer_up, 1]).min()  # the lips keep their height, not folded flat
    anim.apply(0)
    # the lips' pixels stay lips: no dark cavity or teeth between them
    a, b = pts[13], pts[14]
    mid = np.round((a + b) / 2).astype(int)
    before = rgb[mid[1] - 1:mid[1] + 2, mid[0] - 1:mid[0] + 2].astype(float).mean()
    after = tex[mid[1] - 1:mid[1] + 2, mid[0] - 1:mid[0] + 2, :3].astype(float).mean()
    assert abs(after - before) < 25, (before, after)
