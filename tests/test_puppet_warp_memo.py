"""An animator that skips the warp when a patch's mesh has not moved (its texture still holds that patch) draws
the same frames, bit for bit, as one that warps every frame; and the frame depends on its index alone, in any
order (frames are drawn on several threads)."""
from __future__ import annotations

import numpy as np

from motion_transfer.engines.puppet.meshwarp import WarpMemo

# frames with holds (the same frame again), jumps back and a return to the start
SEQUENCE = [0, 1, 1, 1, 2, 5, 5, 3, 0, 0, 4, 4]


def _same_as_full_warps(make) -> int:
    """``make()`` -> (animator, texture); applies SEQUENCE to one animator and each frame to a fresh one;
    returns how many frames changed the texture (so the sequence really moves the patch)."""
    anim, tex = make()
    changed, last = 0, tex.copy()
    for t in SEQUENCE:
        anim.apply(t)
        fresh, fresh_tex = make()
        fresh.apply(t)
        np.testing.assert_array_equal(tex, fresh_tex, err_msg=f"frame {t}")
        changed += int(not np.array_equal(tex, last))
        last = tex.copy()
    return changed


def test_memo_skips_only_exact_repeats():
    memo = WarpMemo()
    a, order = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0, 1])
    assert not memo.same("k", a, order)
    assert memo.same("k", a.copy(), order.copy())
    assert not memo.same("other", a, order)  # each patch remembers its own
    assert not memo.same("k", a + 1e-9, order)  # any change warps again
    assert not memo.same("k", a + 1e-9, order[::-1])


def test_held_fingers_draw_the_same_frames():
    from motion_transfer.engines.puppet.hands import HandAnimator, build_hand_rig, hand_drive
    from test_puppet_hands import _fingers, _hand_texture

    clip, frames = _fingers()
    rgb = frames[0]
    joints = clip.hands[0, 1, :, :2].astype(np.float64)
    rig = build_hand_rig(joints, "right", rgb.shape[:2])
    assert rig is not None
    drive = hand_drive(clip.to_track().right_hand)

    def make():
        tex = _hand_texture(rgb, joints)
        anim = HandAnimator()
        anim.add(rig, drive, tex, (0, 0))
        return anim, tex

    assert _same_as_full_warps(make) >= 4


def test_held_face_draws_the_same_frames():
    from motion_transfer.engines.puppet.face import FaceAnimator, face_drive
    from test_puppet_face import _character, _talk

    _, _, faces = _talk()
    rgb, _, face = _character()
    drive = face_drive(faces.astype(np.float32))

    def make():
        tex = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
        return FaceAnimator(face, drive, tex, (0, 0)), tex

    assert _same_as_full_warps(make) >= 4
