"""Drawn outlines at the arms' roots stay on the layer they outline: no dark strands left on the body's sides, no
wedge of the torso's shoulder on the arm's top (spikes once the arm moves); photographs untouched."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.envelope import outline_strands_to_arms
from motion_transfer.engines.puppet.model import LAYER_NAMES, LAYER_OF_PART, PARTS
from motion_transfer.engines.puppet.morphology import disc
from motion_transfer.engines.puppet.outlines import LINE_WIDTH
from motion_transfer.pose.skeleton import J
from motion_transfer.samples.stylised import make_stylised

INK = (25, 20, 20)
SHIRT = (60, 170, 165)
PAPER = (245, 238, 222)
SW = 120.0  # the figure's shoulder width (pixels)


def _drawn_figure(outlined: bool) -> tuple[np.ndarray, np.ndarray]:
    """(image, labels) of a torso with an arm held out to the side, each drawn with a 5-pixel dark outline
    (``outlined``; else flat colours, as in a photograph), labelled as distance labelling leaves them: the end
    of the arm's underside line in the armpit is the torso's (a strand once the arm rises), and the corner of the
    torso's shoulder beyond the arm's outline is the arm's (a spike on its top)."""
    image = np.full((300, 300, 3), PAPER, np.uint8)
    torso_box, arm_box = (100, 60, 200, 260), (200, 70, 290, 120)  # x0, y0, x1, y1
    for x0, y0, x1, y1 in (torso_box, arm_box):  # the torso first, the arm drawn over it
        cv2.rectangle(image, (x0, y0), (x1, y1), INK if outlined else SHIRT, -1)
        cv2.rectangle(image, (x0 + 5, y0 + 5), (x1 - 5, y1 - 5), SHIRT, -1)
    labels = np.full((300, 300), -1, np.int16)
    labels[60:261, 100:201] = PARTS.index("torso")
    labels[70:121, 200:291] = PARTS.index("l_upper_arm")
    labels[116:121, 190:215] = PARTS.index("torso")  # the arm's underside line on into the armpit
    labels[60:66, 185:200] = PARTS.index("l_upper_arm")  # the torso's top line where it meets the arm
    return image, labels


def test_outline_ends_go_to_the_layer_they_outline():
    image, labels = _drawn_figure(outlined=True)
    out = outline_strands_to_arms(labels, image, SW)
    arm = out == PARTS.index("l_upper_arm")
    assert arm[116:121, 203:215].all(), "the arm's underside line stays on the torso"
    assert (out[60:66, 185:196] == PARTS.index("torso")).all(), "the torso's shoulder line stays on the arm"
    # the arm's own outline and inside stay the arm's, the torso's inside the torso's
    assert arm[70:116, 205:291].all() and (out[70:250, 110:190] == PARTS.index("torso")).all()


def test_flat_colours_keep_their_labels():
    image, labels = _drawn_figure(outlined=False)
    assert (outline_strands_to_arms(labels, image, SW) == labels).all()


def test_the_fox_body_layer_has_no_strands_or_spikes_of_its_arms():
    """The fox's body layer (head and torso) has no thin pieces by its arms (what an opening as wide as two
    drawn lines takes off it: strands of the arms' outlines, torso wedges) and no pixel of an arm drawn there."""
    from motion_transfer.engines.puppet import rig_character

    fox = make_stylised("fox")
    rig = rig_character(fox.image)
    labels = rig.labels
    body = (labels >= 0) & (LAYER_OF_PART[np.clip(labels, 0, None)] == LAYER_NAMES.index("body"))
    sw = float(np.linalg.norm(rig.joints[J["left_shoulder"]] - rig.joints[J["right_shoulder"]]))
    opened = cv2.morphologyEx(body.astype(np.uint8), cv2.MORPH_OPEN, disc(round(LINE_WIDTH * sw))).astype(bool)
    arms = fox.mask("left_arm") | fox.mask("right_arm")
    by_arms = cv2.dilate(arms.astype(np.uint8), None, iterations=4).astype(bool)
    thin = body & ~opened & by_arms
    assert thin.sum() < 40, f"{thin.sum()} pixels of thin strands on the body layer by the arms"
    assert (body & arms).sum() < 10, f"{(body & arms).sum()} pixels of the arms on the body layer"
