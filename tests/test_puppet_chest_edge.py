"""The torso behind an arm hanging over a strapless top's upper edge: the edge goes on under the arm as the line it
shows as, bare skin above it and the top's colour below (TikTok pair 3<-4: the top's black rose as a block into
the armpit once the arm was raised)."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.engines.puppet.fill import fill_hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from torso_scene import BODY, H, W, cie_lab, photographed, torso

TOP, SKIN, BACKDROP = np.array([28, 24, 36]), np.array([196, 140, 108]), 235


def _character(edge: tuple[float, float], shade: float,
               arm_shade: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints, edge's row per column): bare shoulders over a dark top whose upper edge runs from
    row ``edge[0]`` at the torso's right side to ``edge[1]`` at its left, the left upper arm (bare skin, darker
    by ``arm_shade``) hanging over the torso's left side down past the edge, the skin beside it darker by
    ``shade`` (the armpit's shadow)."""
    joints, image, body = torso((60, 200), (55, 290), BACKDROP)
    x0, y0, x1, y1 = BODY
    joints[11], joints[13], joints[15] = (215, 100), (230, 230), (235, 300)  # left shoulder, elbow, wrist
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    row = edge[0] + (edge[1] - edge[0]) * (px - x0) / (x1 - x0)
    image[body] = SKIN * (1 - shade * np.clip((px[body] - 170) / 25, 0, 1))[:, None]
    image[body & (py >= row)] = TOP
    arm = (px >= 195) & (px <= 245) & (py >= 85) & (py <= 260)
    image[arm] = SKIN * (1 - arm_shade)
    labels = np.full((H, W), -1, np.int16)
    labels[body] = PARTS.index("torso")
    labels[arm] = PARTS.index("l_upper_arm")
    return photographed(image, 3), labels, joints, row[0]


@pytest.mark.parametrize("edge, shade", [((150, 150), 0.0), ((145, 156), 0.0), ((156, 145), 0.0), ((145, 156), 0.1),
                                         ((150, 150), 0.2)])
def test_a_tops_upper_edge_goes_on_under_a_hanging_arm(edge, shade):
    """Level or slanting, the armpit lit or in shade: in each column of the torso the arm hides across the edge,
    the paint turns from the skin to the top within 3 pixels of the edge's line (spread by nearness, the top's
    colour rose 30 pixels up, to the shoulder), and above it the paint is the skin."""
    image, labels, joints, row = _character(edge, shade)
    out, hidden = fill_hidden_torso(image, labels, joints)
    x0, y0, x1, y1 = BODY
    lab = cie_lab(out)
    mid = (cie_lab(SKIN.astype(np.uint8)[None, None])[0, 0, 0] + cie_lab(TOP.astype(np.uint8)[None, None])[0, 0, 0]) / 2
    cols = [x for x in range(x0, x1 + 1) if hidden[int(row[x]) - 12:int(row[x]) + 13, x].all()]
    assert len(cols) > 15, "the arm does not hide the top's edge"
    misses = []
    for x in cols:
        ys = np.arange(int(row[x]) - 30, int(row[x]) + 13)
        turn = ys[np.argmax(lab[ys, x, 0] < mid)]
        misses.append(abs(turn - row[x]))
    assert max(misses) <= 3, f"the top's edge behind the arm lies up to {max(misses):.0f} px off its line"
    py = np.arange(H)[:, None]
    above = hidden & (py < row[None] - 6) & (py > row[None] - 40)
    above[:, [x for x in range(W) if x not in cols]] = False
    assert (lab[above][:, 0] > mid).mean() > 0.98, "the top's colour rises above its edge behind the arm"


def test_a_strap_beside_the_arm_leaves_the_bare_shoulder_under_it_as_it_is():
    """A strap runs up from the top's edge along the arm's border. The arm, the torso's skin in shade, is kept as
    the shoulder under it above the edge: the strap between it and the torso's skin does not part the two (parted,
    the shoulder was painted over in the chest's lit skin and stood as a pale box beside the strap once the arm
    moved away, TikTok character 3)."""
    image, labels, joints, row = _character((150, 150), 0.0, arm_shade=0.15)
    strap = np.zeros(labels.shape, bool)
    strap[92:150, 193:195] = True
    image[strap] = TOP
    labels[strap] = PARTS.index("torso")
    out, hidden = fill_hidden_torso(image, labels, joints, straps=strap)
    shoulder = hidden.copy()
    shoulder[:105] = False
    shoulder[130:] = False  # (below the shoulders' line, well above the top's edge)
    assert shoulder.sum() > 200, "the arm hides none of the shoulder"
    moved = np.abs(out[shoulder].astype(int) - image[shoulder].astype(int)).max(axis=1)
    assert np.percentile(moved, 90) <= 6, f"the shoulder beside the strap painted over: {np.percentile(moved, 90)}"
