"""The hair's soft edge lying over a sleeve's top above the shoulder is left to no part: dark hair falling over the
left shoulder (image right), its outer edge a grey band where its thinning strands lie over the white puffed
sleeve's top, past the torso's side. Labelled the torso's (by distance, the sleeve's top rising far above the
shoulder joint the pose model puts low in it) and neither the hair's colour nor the arm's, the band stayed on the
body layer, and once the arm swung out it hung beside the hair as a grey hook in the sleeve's outline (TikTok
character 5's picture-right shoulder, her clip frames 136-150; main's code kept 548 such pixels on her body).
Given to the arm, it rode on the sleeve as a grey or pale horn. Drawn here at the labelling's size with its labels
as the steps before give them."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.hair_edge import hair_edge_off_sleeves
from motion_transfer.engines.puppet.model import PARTS, segment_distance
from motion_transfer.pose.skeleton import J

N = 200
SKIN, HAIR, TOP = (225, 180, 150), (28, 24, 26), (236, 234, 230)
SHOULDER, ELBOW = np.array((130.0, 100.0), np.float32), np.array((140.0, 185.0), np.float32)
HEAD, TORSO, ARM = PARTS.index("head"), PARTS.index("torso"), PARTS.index("l_upper_arm")


def _scene(band_rows: tuple[int, int], band_colour: tuple[float, float, float]) -> tuple[np.ndarray, ...]:
    """(labels, Lab image, figure, joints, band): a head with dark hair over its crown falling down over the left
    shoulder, a white top, a white puffed sleeve rising from the shoulder up beside the hair, and a band of
    ``band_colour`` labelled the torso's between the hair and the sleeve over ``band_rows``."""
    yy, xx = np.mgrid[0:N, 0:N]
    labels = np.full((N, N), -1, np.int16)
    image = np.zeros((N, N, 3), np.float32)
    body = np.zeros((N, N), np.uint8)
    cv2.fillConvexPoly(body, np.array([(70, 100), (130, 100), (125, 200), (75, 200)], np.int32), 1)
    labels[body > 0], image[body > 0] = TORSO, TOP
    head = (xx - 100) ** 2 + (yy - 45) ** 2 < 25 ** 2
    labels[head], image[head] = HEAD, SKIN
    crown = head & (yy < 35)
    image[crown] = HAIR
    lock = (xx >= 112 + (yy - 35) * 0.1) & (xx < 126 + (yy - 35) * 0.1) & (yy >= 35) & (yy < 150)
    labels[lock & ~head], image[lock] = TORSO, HAIR
    labels[lock & head] = HEAD
    outer = 126 + (yy - 35) * 0.1  # the lock's outer side
    sleeve = ((xx - 142) ** 2 / 14 ** 2 + (yy - 95) ** 2 / 30 ** 2 < 1) & (xx >= outer + 4)
    sleeve |= (segment_distance(xx.astype(np.float32), yy.astype(np.float32), SHOULDER, ELBOW) < 14) & (xx >= outer + 4)
    labels[sleeve], image[sleeve] = ARM, TOP
    band = (xx >= outer) & (xx < outer + 4) & (yy >= band_rows[0]) & (yy < band_rows[1])
    labels[band], image[band] = TORSO, band_colour
    lab = cv2.cvtColor(np.clip(image, 0, 255).astype(np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)
    joints = np.zeros((33, 2), np.float32)
    joints[:11] = (100, 45)
    joints[J["nose"]] = (100, 48)
    joints[J["left_shoulder"]], joints[J["right_shoulder"]] = SHOULDER, (70, 100)
    joints[J["left_hip"]], joints[J["right_hip"]] = (125, 195), (75, 195)
    joints[J["left_elbow"]], joints[J["right_elbow"]] = ELBOW, (60, 185)
    return labels, lab, labels >= 0, joints, band


def _run(labels, lab, m, joints) -> np.ndarray:
    yy, xx = np.mgrid[0:N, 0:N].astype(np.float32)
    axis = segment_distance(xx, yy, SHOULDER, ELBOW)
    return hair_edge_off_sleeves(labels, lab, m, joints, {"l_upper_arm": axis}, {"l_upper_arm": 14.0}, 60.0)


GREY = tuple(0.55 * np.float32(HAIR) + 0.45 * np.float32(TOP))


@pytest.mark.parametrize("rows", [(70, 98), (80, 92)])
def test_the_hairs_grey_edge_over_the_sleeves_top_is_no_parts(rows):
    """The grey band between the lock and the sleeve above the shoulder goes to neither the body (a hook beside
    the hair once the arm moves) nor the arm (a horn on the sleeve): the backdrop is filled in there."""
    labels, lab, m, joints, band = _scene(rows, GREY)
    out = _run(labels, lab, m, joints)
    assert band.sum() > 40
    assert (out[band] == -1).all(), np.unique(out[band], return_counts=True)
    assert (out[~band] == labels[~band]).all()  # the hair, the top and the sleeve as they were


def test_a_band_of_the_tops_own_colour_stays_the_torsos():
    """The sleeve's or the top's own white there is no blend of the hair's: left as the labels gave it."""
    labels, lab, m, joints, band = _scene((70, 98), TOP)
    assert (_run(labels, lab, m, joints) == labels).all()


def test_the_hairs_grey_edge_below_the_shoulders_stays_the_torsos():
    """The same grey edge lying on the body below the line through the shoulder joints (the hair over the top,
    beside the sleeve's cut) is the hair's on the body: left as it is."""
    labels, lab, m, joints, band = _scene((110, 140), GREY)
    assert (_run(labels, lab, m, joints) == labels).all()


def test_a_round_pad_of_that_grey_on_the_shoulder_stays_the_torsos():
    """A round patch of the same grey there, far thicker than a band (a robot's shoulder pad blending its dark body
    into its grey arm), is a shape of its own, not an edge: left as it is."""
    labels, lab, m, joints, band = _scene((70, 98), GREY)
    yy, xx = np.mgrid[0:N, 0:N]
    pad = ((xx - 136) ** 2 + (yy - 80) ** 2 < 9 ** 2) & (labels == ARM)
    labels[pad] = TORSO
    lab[pad] = lab[band][0]
    out = _run(labels, lab, m, joints)
    assert (out[pad] == TORSO).all(), np.unique(out[pad], return_counts=True)
