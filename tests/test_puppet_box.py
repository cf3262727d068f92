"""A drawn box robot's rectangular torso moves as a rigid box; a rounded or photographed torso still bends."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.retarget import extend
from motion_transfer.pose.skeleton import J

TORSO = (130, 120, 230, 270)  # the robot's box: x0, y0, x1, y1


def _box_robot() -> np.ndarray:
    """A flat grey robot on a pale backdrop: a box head on a neck, a box torso, stick arms hung off its sides and
    box legs (the lead's boxbot, smaller)."""
    img = np.full((480, 360, 3), (190, 196, 206), np.uint8)
    grey, dark = (150, 150, 150), (90, 90, 90)
    cv2.rectangle(img, (150, 40), (210, 100), grey, -1)  # head
    cv2.rectangle(img, (174, 100), (186, 120), dark, -1)  # neck
    cv2.rectangle(img, TORSO[:2], TORSO[2:], grey, -1)
    for x in (112, 236):  # arms, a little off the torso's sides
        cv2.rectangle(img, (x, 124), (x + 12, 262), dark, -1)
    for x in (146, 186):  # legs
        cv2.rectangle(img, (x, 270), (x + 28, 440), dark, -1)
    return img


@pytest.fixture(scope="module")
def robot():
    from motion_transfer.engines.puppet import rig_character

    return rig_character(_box_robot())


def _lean_and_bend(rest: np.ndarray) -> np.ndarray:
    """[1, 36, 2] the rig's joints (extended) with the upper body leant 20 degrees about the hips and the shoulder line
    tilted 12 degrees more than that (the dancer's shoulders not square to its spine, its pelvis upright)."""
    j = rest.astype(np.float64).copy()
    hips = j[[J["left_hip"], J["right_hip"]]].mean(axis=0)
    upper = [i for i in range(33) if i not in {J[f"{s}_{p}"] for s in ("left", "right")
                                                  for p in ("hip", "knee", "ankle", "heel", "foot_index")}]
    a = np.radians(20)
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    j[upper] = (j[upper] - hips) @ R.T + hips
    mid = j[[J["left_shoulder"], J["right_shoulder"]]].mean(axis=0)
    b = np.radians(12)
    Rb = np.array([[np.cos(b), -np.sin(b)], [np.sin(b), np.cos(b)]])
    for s in ("left_shoulder", "right_shoulder"):
        j[J[s]] = (j[J[s]] - mid) @ Rb.T + mid
    return extend(j)[None]


def _corner_angles(rig, layer) -> np.ndarray:
    """[4] the posed torso's angles (degrees) at the body layer's vertices nearest the box's top corners and two
    points down its sides (above the bottom corners, which the legs' labels take)."""
    from motion_transfer.engines.puppet.render import Renderer

    x0, y0, x1, _ = TORSO
    y1 = 230
    s = rig.scale
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64) * s
    v = layer.vertices.astype(np.float64)
    idx = [int(np.argmin(np.linalg.norm(v - c, axis=1))) for c in corners]
    assert np.linalg.norm(v[idx] - corners, axis=1).max() < 0.05 * (x1 - x0) * s, "no vertex at a box corner"
    renderer = Renderer(rig, rig.width, rig.height)
    posed = renderer.pose(_lean_and_bend(rig.joints), np.ones(1), np.zeros(1))[0].vertices[layer.name][idx]
    out = []
    for k in range(4):
        p, a, b = posed[k], posed[k - 1], posed[(k + 1) % 4]
        u, w = a - p, b - p
        out.append(np.degrees(np.arccos(u @ w / (np.linalg.norm(u) * np.linalg.norm(w)))))
    return np.array(out)


def test_a_box_robots_torso_stays_a_rectangle_as_it_leans_and_bends(robot):
    """Blended between the chest's and the pelvis's frames (the chest's sheared by shoulders not square to the
    spine), the box robots' rectangles skewed into trapezoids whenever the dancer leant (boxbot dancing)."""
    assert robot.source == "template" and robot.box_torso
    body = next(layer for layer in robot.layers if layer.name == "body")
    angles = _corner_angles(robot, body)
    assert np.abs(angles - 90).max() < 3, angles


def test_a_rounded_torso_still_bends(robot):
    """The same figure rigged as a torso that is no box: its torso follows the pelvis low and the chest high,
    and bends (its corners leave the right angle)."""
    from dataclasses import replace

    from motion_transfer.engines.puppet.mesh import build_layers

    bending = replace(robot, box_torso=False, meta=dict(robot.meta))
    body = next(layer for layer in build_layers(bending) if layer.name == "body")
    bending.layers = [body]
    angles = _corner_angles(bending, body)
    assert np.abs(angles - 90).max() > 6, angles


def test_only_a_drawn_box_shaped_torso_is_a_box():
    """A box: its silhouette a solid rectangle whose sides are its outline (a leg's stub labelled with it, the legs
    hung under it). Not: a round or tapered torso, a torso whose sides run on into arms, a photograph's."""
    from motion_transfer.engines.puppet.box import box_of_torso

    torso, leg, arm = PARTS.index("torso"), PARTS.index("l_upper_leg"), PARTS.index("l_upper_arm")

    def figure(draw) -> tuple[np.ndarray, np.ndarray]:
        labels = np.full((300, 240), -1, np.int16)
        labels[220:290, 70:95] = leg
        labels[220:290, 135:160] = leg
        draw(labels)
        return labels, (labels >= 0).astype(np.float32)

    def box(labels):
        labels[60:221, 50:191] = torso
        labels[220:240, 70:95] = torso  # a leg's stub labelled with the torso

    def round_(labels):
        cv2.ellipse(labels, (120, 140), (70, 90), 0, 0, 360, torso, -1)

    def tapered(labels):
        cv2.fillPoly(labels, [np.array([[40, 60], [200, 60], [170, 221], [70, 221]])], torso)

    def armed(labels):  # a box with arms flush against its sides all the way down
        box(labels)
        labels[60:221, 20:50] = arm
        labels[60:221, 191:221] = arm

    assert box_of_torso(*figure(box), drawn=True) is not None
    assert box_of_torso(*figure(box), drawn=False) is None, "a photograph's torso changed"
    for shape in (round_, tapered, armed):
        assert box_of_torso(*figure(shape), drawn=True) is None, shape.__name__


def test_a_box_robots_torso_labels_outside_its_box_go_to_the_parts_beside_them():
    """Slivers beside a box robot's shoulders labelled with the torso stayed with the body as the arm rose (a wedge
    hanging from the shoulder's ball, boxbot dancing); a leg's stub, with the box."""
    from motion_transfer.engines.puppet.box import box_of_torso, torso_in_box

    torso, arm, leg = PARTS.index("torso"), PARTS.index("r_upper_arm"), PARTS.index("l_upper_leg")
    labels = np.full((300, 240), -1, np.int16)
    labels[60:221, 50:191] = torso
    labels[60:200, 16:36] = arm
    labels[62:110, 36:40] = torso  # a sliver along the arm's inner side, in the gap beside the box
    labels[221:300, 140:165] = leg
    labels[221:250, 140:165] = torso  # the leg's stub
    box = box_of_torso(labels, (labels >= 0).astype(np.float32), drawn=True)
    assert box is not None
    out = torso_in_box(labels, box)
    assert (out[62:110, 36:40] == arm).all(), "the sliver beside the shoulder stayed the torso's"
    assert (out[230:250, 140:165] == leg).all(), "the leg's stub stayed the torso's"
    assert (out[60:221, 50:191] == torso).all(), "the box lost pixels"


def test_a_box_robots_arm_turns_whole_about_its_shoulder(robot):
    """Nothing of a box's arm follows the chest: it is hinged at the shoulder."""
    for layer in robot.layers:
        if layer.name.startswith("arm"):
            assert layer.bones[0] == "chest" and np.abs(layer.weights[:, 0]).max() == 0.0
