"""The rig's steps that run pieces of themselves on a second thread (the rig waits for them with a core idle):
the piece runs beside the rest, and the result is the one the step gave in one piece."""
import threading

import numpy as np

from motion_transfer.engines.puppet import fill, matte
from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.skeleton import J, shoulder_span


def _threads_of(monkeypatch, module, name: str) -> list[int]:
    """Replace ``module.name`` by itself noting the thread it runs on; the list of those threads."""
    seen: list[int] = []
    original = getattr(module, name)

    def noted(*args, **kwargs):
        seen.append(threading.get_ident())
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, noted)
    return seen


def _person(size: int = 240) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, joints, visibility, person mask) of a flat-backed drawn figure: a torso block with a head, arms
    out and legs, in one colour on a pale wall."""
    image = np.full((size, size, 3), 235, np.uint8)
    joints = np.zeros((33, 2), np.float32)
    pts = {"nose": (120, 40), "left_shoulder": (145, 70), "right_shoulder": (95, 70), "left_elbow": (180, 70),
           "right_elbow": (60, 70), "left_wrist": (210, 70), "right_wrist": (30, 70), "left_hip": (135, 140),
           "right_hip": (105, 140), "left_knee": (135, 180), "right_knee": (105, 180), "left_ankle": (135, 220),
           "right_ankle": (105, 220)}
    for name, p in pts.items():
        joints[J[name]] = p
    mask = np.zeros((size, size), bool)
    mask[25:62, 105:135] = True  # head
    mask[60:145, 95:146] = True  # torso
    mask[62:78, 25:215] = True  # arms
    mask[140:225, 98:113] = mask[140:225, 128:143] = True  # legs
    image[mask] = (60, 90, 170)
    vis = np.zeros(33, np.float32)
    vis[[J[n] for n in pts]] = 1.0
    return image, joints, vis, mask.astype(np.float32)


def test_the_border_colours_mask_is_made_beside_the_person_masks_cleaning(monkeypatch):
    """The border colour's alpha and its cleaning run on a second thread while the person mask is cleaned; the
    matte is the border colour's, as it was."""
    image, joints, vis, seg = _person()
    threads = _threads_of(monkeypatch, matte, "border_alpha")
    soft, source = matte.make_matte(image, joints, vis, seg)
    assert threads and threads[0] != threading.get_ident()
    assert source == "border colour"
    assert (soft[seg > 0.5] == 1.0).all() and (soft[:20] == 0.0).all()


def test_the_gloves_closings_run_beside_the_rest_of_the_hidden_torso(monkeypatch):
    """hidden_torso's glove closings run on a second thread; what it finds hidden is the same as theirs and the
    rest's together (here: a glove held in front of the chest, outside the shoulder-hip quadrilateral)."""
    labels = np.full((200, 200), -1, np.int16)
    joints = np.zeros((33, 2), np.float32)
    for name, x, y in (("left_shoulder", 130, 60), ("right_shoulder", 70, 60), ("left_hip", 125, 150),
                       ("right_hip", 75, 150), ("left_elbow", 150, 100), ("left_wrist", 110, 80),
                       ("right_elbow", 50, 100), ("right_wrist", 40, 140)):
        joints[J[name]] = x, y
    labels[55:160, 70:131] = PARTS.index("torso")
    labels[20:55, 85:116] = PARTS.index("head")
    labels[30:70, 95:135] = PARTS.index("l_hand")  # a big round glove over the chest and the chin
    threads = _threads_of(monkeypatch, fill, "_behind_gloves")
    hidden = fill.hidden_torso(labels, joints)
    assert threads and threads[0] != threading.get_ident()
    behind = fill._behind_gloves(labels, shoulder_span(joints, 1.0), joints)
    assert behind.any() and (hidden >= behind).all()
