"""A hand the image's border cuts past its wrist: drawn whole over its stump, nothing of the stump left.

On a drawn close-up's padded arrays (the image: the top 400 rows of 560), whose left forearm ends in a hand cut by
the bottom edge just past the wrist."""
from __future__ import annotations

import cv2
import numpy as np

from close_up_scene import close_up, seg_dist
from conftest import layered_rig
from motion_transfer.engines.puppet.drawn_hand import hand_shape
from motion_transfer.engines.puppet.fill import redraw_cut_hand
from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.skeleton import J

H, W, IMAGE_H = 560, 400, 400
SKIN, CLOTH = np.array([225, 180, 160]), np.array([40, 60, 120])


def _cut_fist(left_wrist=(340, 385), fingers=0):
    """(image, matte, labels, joints, the stump's pixels): a torso of cloth cut by the bottom edge, a head of skin,
    bare forearms; the left wrist at ``left_wrist`` (15 px above the edge), its hand (a stump of skin, the knuckles
    30 px past the wrist, the fingers ``fingers`` px past them) cut by it; the right arm's hand whole inside the
    image."""
    image, labels, j, (py, px, inside) = close_up((H, W, IMAGE_H), CLOTH, SKIN, (330, 300), left_wrist, (80, 250),
                                                  (70, 320))
    stump = None
    for side in ("left", "right"):
        el, wr, to_hand = j[J[f"{side}_elbow"]], j[J[f"{side}_wrist"]], (0, 30)
        for k in ("index", "pinky", "thumb"):
            j[J[f"{side}_{k}"]] = np.add(wr, to_hand)
        s = side[0]
        fore = inside & (seg_dist(px, py, el, wr) < 14)
        tips = np.add(wr, (0, 30 + (fingers if side == "left" else 0)))
        hand = inside & (seg_dist(px, py, wr, tips) < 16) & ~fore
        image[fore | hand] = SKIN
        labels[fore] = PARTS.index(f"{s}_lower_arm")
        labels[hand] = PARTS.index(f"{s}_hand")
        if side == "left":
            stump = hand
    matte = (labels >= 0).astype(np.float32)
    return image, matte, labels, j, stump


def test_a_hand_cut_past_its_wrist_is_drawn_whole_and_its_stump_is_gone():
    """The border cut the hand past the wrist, so no hand was drawn past it (only an arm cut above its wrist got
    one) and the stump moved with the arm: a flat piece of skin ending in the border's straight edge (TikTok
    character 0's left fist), or nothing when the labels gave it to the body (the astronaut's glove). An open
    hand is drawn from the wrist on past the border, over the stump; what is left of the stump beyond it is
    transparent. A hand the image shows whole is left as it is."""
    image, matte, labels, joints, stump = _cut_fist()
    hand_part = PARTS.index("l_hand")
    drawn = redraw_cut_hand(image, matte, labels, joints, "arm_l", (0, 0, W, IMAGE_H))
    assert drawn is not None and drawn.over_image
    assert np.allclose(drawn.joints[0], joints[J["left_wrist"]])
    past = labels[IMAGE_H:] == hand_part
    assert past.sum() > 300, past.sum()  # its fingers go on past the border
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    d = hand_shape(px, py, drawn.joints, drawn.half_width)
    shown = (labels == hand_part) & (matte >= 0.5)
    assert (d[shown] < 1.0 + 1e-3).all()  # what shows of the hand is the drawn hand's
    assert (matte[stump & (d >= 1.0)] == 0).all()  # the stump's straight cut is gone
    assert np.abs(image[shown].astype(float).mean(axis=0) - SKIN).max() < 40  # in the stump's own skin
    assert redraw_cut_hand(image, matte, labels, joints, "arm_r", (0, 0, W, IMAGE_H)) is None


def test_a_hand_cut_through_its_fingers_is_drawn_whole():
    """The knuckles inside the image, the fingers past its edge (TikTok character 0's right palm on her trousers):
    the stump, a pale shapeless piece moved with the arm, read as a hole in her top when the arm folded over her
    chest. The hand is drawn whole over it, as one cut through its palm is; a hand whose fingers end inside the
    image, knuckles as near the edge, is left as it is."""
    image, matte, labels, joints, stump = _cut_fist(left_wrist=(340, 345), fingers=40)
    assert joints[J["left_index"], 1] < IMAGE_H - 20 and stump[IMAGE_H - 1].any()
    drawn = redraw_cut_hand(image, matte, labels, joints, "arm_l", (0, 0, W, IMAGE_H))
    assert drawn is not None and drawn.over_image
    assert (labels[IMAGE_H:] == PARTS.index("l_hand")).sum() > 300  # its fingers go on past the border
    assert (matte[stump & (labels != PARTS.index("l_hand"))] == 0).all()
    image, matte, labels, joints, stump = _cut_fist(left_wrist=(340, 345), fingers=40)
    labels[np.isin(labels, [PARTS.index("l_lower_arm"), PARTS.index("l_hand")])] = PARTS.index("torso")
    # (an arm the image hides, the far arm of a side view: its twin's copy is drawn instead, not a hand on the body)
    assert redraw_cut_hand(image, matte, labels, joints, "arm_l", (0, 0, W, IMAGE_H)) is None
    image, matte, labels, joints, stump = _cut_fist(left_wrist=(340, 290), fingers=0)
    assert not stump[IMAGE_H - 1].any()
    assert redraw_cut_hand(image, matte, labels, joints, "arm_l", (0, 0, W, IMAGE_H)) is None


def test_a_hand_redrawn_at_the_end_of_a_bare_forearm_is_in_that_forearms_skin():
    """Both forearms in a coloured room's shade (a dull pink-beige, as TikTok character 2's in her purple room),
    the stump past the wrist blurred into the grey backdrop (no skin to read), a pale grey lobe of the backdrop on
    the forearm by the wrist: the hand is drawn in the forearm's colour (its chromaticity within 0.015 of the
    forearm's; lit up no further than the face's lightness allows), not the face's orange (0.03 off: a sticker of
    another colour at the end of the photographed arm), and the grey lobe takes the forearm's skin colour (left,
    pale bits hung from the drawn wrist, clip 2 frames 110-150)."""
    image, matte, labels, joints, stump = _cut_fist()
    face, arm, grey = np.array([211, 166, 126]), np.array([175, 146, 127]), np.array([200, 198, 210])
    image[labels == PARTS.index("head")] = face
    fore = labels == PARTS.index("l_lower_arm")
    image[fore | (labels == PARTS.index("r_lower_arm")) | (labels == PARTS.index("r_hand"))] = arm
    image[stump] = grey
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    wrist = joints[J["left_wrist"]]
    lobe = fore & (np.hypot(px - (wrist[0] - 12), py - (wrist[1] - 25)) < 5)
    image[lobe] = grey
    drawn = redraw_cut_hand(image, matte, labels, joints, "arm_l", (0, 0, W, IMAGE_H))
    assert drawn is not None

    def chromaticity(rgb) -> np.ndarray:
        rgb = np.asarray(rgb, np.float64)
        return rgb[..., :2] / rgb.sum(axis=-1, keepdims=True)

    off = float(np.abs(chromaticity(drawn.skin) - chromaticity(arm)).max())
    assert off <= 0.015, f"hand {np.round(drawn.skin)} off the forearm's {arm} by {off:.3f} in chromaticity"
    assert np.abs(image[lobe].astype(np.float64) - arm).max() <= 2, "the grey lobe is left on the forearm"


def _stump_scene(grained: bool = False):
    """A close-up whose left forearm ends in a stump wider than a hand, lying on the torso's cloth (``grained``: a
    photograph's grain on the cloth), rigged: (image, labels, rig, forearm, stump, px, py) over the picture."""
    image, labels, j, (py, px, inside) = close_up((H, W, IMAGE_H), CLOTH, SKIN, (300, 300), (230, 385), (80, 250),
                                                  (70, 320))
    el, wr = j[J["left_elbow"]], j[J["left_wrist"]]
    fore = inside & (seg_dist(px, py, el, wr) < 14)
    stump = inside & (seg_dist(px, py, wr, np.add(wr, (0, 30))) < 30) & ~fore  # over the torso's cloth
    image[fore | stump] = SKIN
    labels[fore], labels[stump] = PARTS.index("l_lower_arm"), PARTS.index("l_hand")
    if grained:
        torso = labels == PARTS.index("torso")
        grain = np.random.default_rng(0).integers(-40, 41, (torso.sum(), 3))
        image[torso] = np.clip(image[torso] + grain, 0, 255)
    h = IMAGE_H
    rig = layered_rig(image[:h], (labels[:h] >= 0).astype(np.float32), j, labels[:h])
    return image[:h], labels[:h], rig, fore[:h], stump[:h], px[:h], py[:h]


def _alpha(layer, h: int) -> np.ndarray:
    """HxW: ``layer``'s texture's alpha placed over the picture's first ``h`` rows."""
    ox, oy = layer.origin
    alpha = np.zeros((h, W))
    th, tw = layer.texture.shape[:2]
    y0, y1, x0, x1 = max(0, oy), min(h, oy + th), max(0, ox), min(W, ox + tw)
    alpha[y0:y1, x0:x1] = layer.texture[y0 - oy:y1 - oy, x0 - ox:x1 - ox, 3]
    return alpha


def test_a_wide_stump_beyond_the_drawn_hand_leaves_no_outline_in_the_air():
    """A stump wider than the hand drawn over it (the photograph's hand with its shaded side and knuckles, lying
    on the body): what is left of it beyond the drawn hand is transparent, and the arm layer's band, which fades
    out around the layer, does not run round it: it drew the stump's outline as a thin skin line beside the drawn
    hand (TikTok character 0's right hand on her trousers moved by clip 1, frames 50-60)."""
    _, labels, rig, fore, stump, px, py = _stump_scene()
    drawn = rig.drawn_hands["left"]
    alpha = _alpha(next(layer for layer in rig.layers if layer.name == "arm_l"), IMAGE_H)
    d = hand_shape(px, py, drawn.joints, drawn.half_width)
    by_forearm = cv2.dilate(fore.astype(np.uint8), None, iterations=6).astype(bool)  # the forearm's own band
    outline = cv2.dilate(stump.astype(np.uint8), None, iterations=2).astype(bool) & ~stump & ~by_forearm
    beyond = outline & (d > 1.5) & (labels == PARTS.index("torso"))
    assert beyond.sum() > 30, "the scene's stump does not reach past the drawn hand"
    assert (alpha[beyond] == 0).all(), f"{(alpha[beyond] > 0).sum()} pixels of the stump's outline drawn"


def test_the_body_beside_a_cleared_stump_stays_opaque():
    """The body's pixels along a stump cleared beyond the drawn hand (the body painted in behind it) are the body's,
    opaque, whatever their colours: read as the figure's outline against a backdrop, their cover was judged
    against the colour painted in behind the stump, and grained cloth came out partly see-through there, as a dark
    speck did on TikTok character 0's waistband where her hand's knuckles lay (clip 0, 0<-1)."""
    _, labels, rig, fore, stump, px, py = _stump_scene(grained=True)
    edge = cv2.dilate(stump.astype(np.uint8), None, iterations=2).astype(bool) & (labels == PARTS.index("torso"))
    drawn = rig.drawn_hands["left"]
    alpha = _alpha(next(layer for layer in rig.layers if layer.name == "body"), IMAGE_H)
    d = hand_shape(px, py, drawn.joints, drawn.half_width)
    beside = edge & (d > 1.5) & ~cv2.dilate(fore.astype(np.uint8), None, iterations=6).astype(bool)
    assert beside.sum() > 30, "the scene's stump does not reach past the drawn hand"
    assert (alpha[beside] == 255).all(), f"{(alpha[beside] < 255).sum()} of the body's pixels there see-through"
