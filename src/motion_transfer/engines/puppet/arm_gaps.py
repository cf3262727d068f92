"""Where the background may show between an arm and the body.

An arm hanging a little away from the body, or a hand resting on the hip, leaves a gap through which the wall
behind shows: a narrow strip or a triangle bounded by the arm's bones and the body's side. The person mask leaves
it out as a hole; grown back into the matte by colour (a curtain behind in the arm's own orange), the parts step
gave it to the arm, which carried a strip of wall with it when it moved (TikTok character 3's left arm).
"""
from __future__ import annotations

import cv2
import numpy as np

from ...pose.skeleton import J, shoulder_span

# (shoulder widths) a piece of a hole in the person mask, beside an arm, narrower than this is the background seen
# between the arm and the body, not a piece of the arm the mask missed (TikTok character 3's gap: 0.07; the
# blurred black sleeve the mask missed between character 0's hand and hip: 0.34)
GAP_WIDTH = 0.1


def arm_gap_zones(shape: tuple[int, int], joints: np.ndarray) -> np.ndarray:
    """HxW bool: per side, the polygon of the shoulder, the elbow, the wrist and the hip (the wrist and the hip
    where the pose model puts them, also when it guesses them beyond the picture), grown by ``GAP_WIDTH``: the
    gap between the arm and the body lies between the arm's bones and the line from the hip up to the shoulder,
    or just beyond that line where the body is broad."""
    zones = np.zeros(shape, np.uint8)
    reach = max(1, round(GAP_WIDTH * shoulder_span(joints)))
    for side in ("left", "right"):
        corners = np.round(joints[[J[f"{side}_{k}"] for k in ("shoulder", "elbow", "wrist", "hip")], :2])
        cv2.fillPoly(zones, [corners.astype(np.int32)], 1)
        # grown by its outline drawn 2 * reach thick (round ends): a dilation by a disc, at a line's cost
        cv2.polylines(zones, [corners.astype(np.int32)], True, 1, 2 * reach + 1)
    return zones.astype(bool)
