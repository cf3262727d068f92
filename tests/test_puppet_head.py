"""A head cut by the image's top edge goes on above it as the top of a head, not as a flat box of hair."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.cap import cap_rows, top_cap
from motion_transfer.pose.skeleton import J
from motion_transfer.samples import make_character

HAIR = np.array([58, 40, 28])  # the "person" style's hair
SKIN = np.array([226, 178, 146])  # ... and its skin


@pytest.fixture(scope="module")
def cut_head(tmp_path_factory):
    """The mannequin's close-up, cut through the forehead (a little above the eyes)."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path_factory.mktemp("head") / "closeup.png"
    joints = make_character(path, size=(360, 480), style="person", pose="a-pose", framing="closeup")
    image = read_image(path)
    eyes = float(joints[[J["left_eye"], J["right_eye"]], 1].mean())
    hair = np.linalg.norm(image.astype(float) - HAIR, axis=2) < 40
    top = int(np.nonzero(hair)[0].min())
    cut = int(top + 0.6 * (eyes - top))
    rig = rig_character(np.ascontiguousarray(image[cut:]))
    return rig, eyes - cut


def _cap(rig):
    body = next(layer for layer in rig.layers if layer.name == "body")
    assert body.origin[1] < 0, "the body does not go on above the image"
    above = body.texture[:-body.origin[1]]
    widths = (above[:, :, 3] > 128).sum(axis=1)
    return above, widths


def test_the_cap_continues_the_head_to_its_full_height(cut_head):
    """The head's top rises above the eyes about as far as a head does (most of the head's breadth), not a low
    lid over the cut."""
    rig, eyes = cut_head
    _, widths = _cap(rig)
    rows = np.nonzero(widths)[0]
    height = len(widths) - rows[0]  # rows of cap above the edge
    breadth = float(np.linalg.norm(rig.joints[J["left_ear"]] - rig.joints[J["right_ear"]]))
    assert height + eyes > 0.8 * breadth, f"the head's top is {height + eyes:.0f} px above the eyes, " \
                                          f"its breadth {breadth:.0f} px"


def test_the_cap_has_no_upright_walls(cut_head):
    """Just above the cut the outline already curves in (the head's outline goes on): a cap whose sides rise
    straight up from the cut reads as a box."""
    rig, _ = cut_head
    above, widths = _cap(rig)
    rows = np.nonzero(widths)[0]
    height = len(widths) - rows[0]
    base = widths[-1]
    higher = widths[len(widths) - 1 - max(2, int(0.35 * height))]
    assert higher < 0.92 * base, f"widths {widths[rows]} from its top down"
    colour = np.median(above[above[:, :, 3] > 128][:, :3], axis=0)
    assert np.linalg.norm(colour - HAIR) < 45, f"the cap is {colour}, the hair {HAIR}"


def test_the_cap_takes_the_hairs_lit_strands_not_its_dark_roots(tmp_path):
    """Blonde strands over dark roots (TikTok clip 0's head, cut by the top edge): the cap is painted in the lit
    strands' colour. Painted in the average of the hair below the cut it read as a dark brown helmet."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path / "closeup.png"
    joints = make_character(path, size=(360, 480), style="person", pose="a-pose", framing="closeup")
    image = read_image(path).copy()
    hair = np.linalg.norm(image.astype(float) - HAIR, axis=2) < 40
    light, dark = np.array([196, 160, 110]), np.array([60, 42, 30])
    strands = (np.arange(image.shape[1]) // 3) % 3 == 0  # every third band of 3 columns a dark root
    image[hair] = np.where(strands[None, :].repeat(image.shape[0], 0)[hair][:, None], dark, light)
    eyes = float(joints[[J["left_eye"], J["right_eye"]], 1].mean())
    top = int(np.nonzero(hair)[0].min())
    rig = rig_character(np.ascontiguousarray(image[top + int(0.6 * (eyes - top)):]))
    above, _ = _cap(rig)
    solid = above[:, :, 3] > 128
    # above the band that goes on in the edge's own colours
    high = solid & (np.arange(len(above)) < 0.6 * len(above))[:, None]
    colour = np.median(above[high][:, :3].astype(float), axis=0)
    assert np.linalg.norm(colour - light) < 0.5 * np.linalg.norm(colour - dark), \
        f"the cap is {colour}: the lit strands are {light}, the roots {dark}"


def _grain(pixels_of: np.ndarray, image: np.ndarray) -> tuple[float, float]:
    """(spread of the fine detail, how much that detail runs one way) of ``image`` over the ``pixels_of`` mask:
    the lightness less its blur; the structure tensor's coherence (1: strands, all one way; near 0: speckle)."""
    grey = image[..., :3].astype(np.float32).mean(axis=2)
    detail = grey - cv2.GaussianBlur(grey, (0, 0), 2.0)
    gx, gy = cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1)
    jxx, jyy, jxy = (cv2.GaussianBlur(v, (0, 0), 3.0) for v in (gx * gx, gy * gy, gx * gy))
    coherence = np.sqrt((jxx - jyy) ** 2 + 4 * jxy ** 2) / (jxx + jyy + 1e-6)
    return float(detail[pixels_of].std()), float(coherence[pixels_of].mean())


def test_the_cap_is_painted_with_the_hairs_own_strands(tmp_path):
    """Hair of fine light and dark strands, the head cut by the top edge: the cap carries on that hair, in strands
    (detail that runs one way; within a factor of the hair's strength) and in its colour. A smooth dome whose
    grain was speckle with faint strands read as a bald head (TikTok clips 1 and 4 driven by another clip's
    dance): its detail ran one way by 0.46, against 0.96 for the hair."""
    from motion_transfer.engines.puppet import rig_character, save_rig_json
    from motion_transfer.engines.puppet.rig import rig_document
    from motion_transfer.media.frames import read_image

    path = tmp_path / "closeup.png"
    joints = make_character(path, size=(360, 480), style="person", pose="a-pose", framing="closeup")
    image = read_image(path).copy()
    hair = np.linalg.norm(image.astype(float) - HAIR, axis=2) < 40
    # strands two pixels wide, each its own shade of a brown, running down the head
    shade = np.random.default_rng(3).normal(0, 20, image.shape[1] // 2 + 1).repeat(2)[:image.shape[1]]
    strands = np.clip(HAIR[None, None, :] * 1.6 + shade[None, :, None], 0, 255).astype(np.uint8)
    image[hair] = np.broadcast_to(strands, image.shape)[hair]
    eyes = float(joints[[J["left_eye"], J["right_eye"]], 1].mean())
    top = int(np.nonzero(hair)[0].min())
    cut = top + int(0.6 * (eyes - top))
    shown = np.ascontiguousarray(image[cut:])
    # the true skeleton (the pose model's guess at a face cut this close is not what is tested here)
    truth = joints[:, :2] - np.array([0.0, cut])
    save_rig_json(rig_document(truth, np.ones(33), shown.shape[1], shown.shape[0], source="user"),
                  tmp_path / "rig.json")
    rig = rig_character(shown, tmp_path / "rig.json")
    above, _ = _cap(rig)
    solid = cv2.erode((above[:, :, 3] > 230).astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    solid &= (np.arange(len(above)) < 0.7 * len(above))[:, None]  # above the edge's own colours
    visible = cv2.erode(hair[cut:].astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    assert solid.sum() > 200 and visible.sum() > 200
    (painted, lined), (real, hair_lined) = _grain(solid, above), _grain(visible, shown)
    assert real / 3 < painted < 3 * real, f"the cap's fine detail {painted:.1f}, the hair's {real:.1f}"
    assert lined > 0.55, f"its detail runs one way by {lined:.2f} (speckle, not strands; the hair's {hair_lined:.2f})"
    colour = np.median(above[solid][:, :3].astype(float), axis=0)
    hair_colour = np.median(shown[visible].astype(float), axis=0)
    assert np.linalg.norm(colour - hair_colour) < 35, f"the cap is {colour}, the hair {hair_colour}"


def test_a_forehead_cut_by_the_edge_goes_on_up_to_a_rounded_hairline(tmp_path):
    """The close-up cut through the forehead: above the edge the forehead goes on up to a hairline about as high
    as a face's (from its eyes and mouth), arched, and the cap's top is hair, not forehead. A hairline a tenth of
    the cap above the edge ran straight across the forehead and read as a bowl cut (TikTok character 4)."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path / "closeup.png"
    joints = make_character(path, size=(720, 960), style="person", pose="a-pose", framing="closeup")
    image = read_image(path)
    skin_at = np.linalg.norm(image[:, int(joints[J["nose"], 0])].astype(float) - SKIN, axis=1) < 40
    cut = int(np.nonzero(skin_at)[0].min()) + 8  # a little below the hairline
    edge = np.nonzero(np.linalg.norm(image[cut].astype(float) - SKIN, axis=1) < 40)[0]
    half = (edge.max() - edge.min()) / 2
    rig = rig_character(np.ascontiguousarray(image[cut:]))
    above, _ = _cap(rig)
    body = next(layer for layer in rig.layers if layer.name == "body")

    def forehead_rows(x: int) -> int:  # skin rows going up from the edge in column x of the image
        col = above[::-1, x - body.origin[0]]
        skin = (np.linalg.norm(col[:, :3].astype(float) - SKIN, axis=1) < 40) & (col[:, 3] > 128)
        return int(np.argmin(skin)) if not skin.all() else len(skin)

    middle, side = forehead_rows(int(edge.mean())), forehead_rows(int(edge.min() + 0.15 * (edge.max() - edge.min())))
    assert middle > 0.5 * half, f"the forehead goes on {middle} px above the edge, its half-width is {half:.0f} px"
    assert side < 0.8 * middle, f"the hairline is flat: {side} px at the side, {middle} px in the middle"
    assert middle < 0.6 * len(above), f"the forehead goes on {middle} px, near the cap's top ({len(above)} px)"


# a drawn head for the cap alone (top_cap on padded arrays, as the rig pads them)
DRAWN_SKIN, DRAWN_HAIR, DRAWN_GLASSES, DRAWN_WALL = (222, 178, 150), (62, 40, 28), (150, 152, 160), (200, 205, 215)
DRAWN_H, DRAWN_W = 330, 300


def _drawn_head(cut: int, glasses: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints) of a drawn head of long streaked brown hair round a face, its ears hidden (the
    joints put them close in, as a pose model does under hair), the picture's top ``cut`` rows cut off; with
    ``glasses``, a grey band of sunglasses pushed up on the head lies across it at the cut."""
    image = np.zeros((DRAWN_H + cut, DRAWN_W, 3), np.uint8)
    image[:] = DRAWN_WALL
    figure = np.zeros((DRAWN_H + cut, DRAWN_W), np.uint8)
    cv2.ellipse(figure, (150, 150), (95, 125), 0, 0, 360, 1, -1)
    figure[150:] |= (np.abs(np.arange(DRAWN_W) - 150) < 95)[None, :].astype(np.uint8)  # the hair falls on down
    image[figure > 0] = DRAWN_HAIR
    rng = np.random.default_rng(3)
    for x in rng.uniform(60, 240, 70):  # strands of lighter and darker hair down from the crown
        shade = tuple(int(c * rng.uniform(0.6, 1.5)) for c in DRAWN_HAIR)
        cv2.line(image, (int(x), 20), (int(150 + 1.3 * (x - 150)), DRAWN_H + cut), shade, 2)
    image[figure == 0] = DRAWN_WALL
    cv2.ellipse(image, (150, 175), (65, 90), 0, 0, 360, DRAWN_SKIN, -1)
    if glasses:
        cv2.rectangle(image, (70, cut - 8), (230, cut + 22), DRAWN_GLASSES, -1)
        cv2.rectangle(figure, (70, cut - 8), (230, cut + 22), 1, -1)
    joints = np.zeros((33, 2))
    joints[J["nose"]] = (150, 180)
    joints[J["left_eye"]], joints[J["right_eye"]] = (175, 150), (125, 150)
    joints[J["left_ear"]], joints[J["right_ear"]] = (190, 160), (110, 160)
    joints[J["mouth_left"]], joints[J["mouth_right"]] = (165, 205), (135, 205)
    joints[:, 1] -= cut
    return cv2.GaussianBlur(image, (0, 0), 1.0)[cut:], figure[cut:].astype(np.float32), joints


def _drawn_crown(cut: int, glasses: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(padded image, its top rows' alpha, the image's matte, rows above the image) as the rig pads the head."""
    image, matte, joints = _drawn_head(cut, glasses)
    top = max(60, cap_rows(matte, joints))
    padded = cv2.copyMakeBorder(image, top, 0, 0, 0, cv2.BORDER_REPLICATE)
    pmatte = cv2.copyMakeBorder(matte, top, 0, 0, 0, cv2.BORDER_REPLICATE)
    out, alpha = top_cap(padded, pmatte, top, joints + (0, top))
    return out, alpha, matte, top


def test_a_head_cut_high_on_its_forehead_gets_a_round_crown_as_wide_as_the_cut():
    """The eyes lie far below the edge and the ears close in: the face's own dome ends just above the edge. The
    crown still rises a good part of the cut's width, round and as wide as the cut where it leaves it. Centred on
    the eye line it was a lid a fifth of the cut's width high, narrower than the cut: a flat head with square
    corners (TikTok character 3)."""
    out, alpha, matte, top = _drawn_crown(100)
    run = np.flatnonzero(matte[0] > 0.5)
    half = (run.max() - run.min()) / 2
    solid = alpha > 0.5
    rise = top - np.flatnonzero(solid.any(axis=1)).min()
    assert rise > 0.45 * half, (rise, half)
    # round, not a flat lid: as wide as the cut where it leaves the edge (no square shoulders) ...
    width_at = [solid[top - k].sum() for k in (2, round(rise / 2))]
    assert width_at[0] > 0.95 * 2 * half, (width_at, half)
    # ... and still most of it halfway up
    assert width_at[1] > 0.75 * 2 * half, (width_at, half)


def test_sunglasses_across_the_cut_are_not_carried_round_the_crown():
    """Sunglasses pushed up on the head lie across it at the edge, the face's dome ends below it: the crown is the
    hair's colour. Read along the outline just under the cut, it carried the glasses' frames round the crown as
    grey rings (TikTok character 5)."""
    out, alpha, _, top = _drawn_crown(80, glasses=True)
    crown = alpha > 0.5
    rows = np.flatnonzero(crown.any(axis=1))
    upper = crown & (np.arange(top)[:, None] < (rows.min() + top) / 2)  # its upper half, above the edge's colours
    colour = out[:top][upper].astype(np.float64).mean(axis=0)
    to_hair, to_glasses = np.linalg.norm(colour - DRAWN_HAIR), np.linalg.norm(colour - DRAWN_GLASSES)
    assert to_hair < 0.5 * to_glasses, (colour, to_hair, to_glasses)


def _streaked_crown(cut: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """(padded image, its top rows' alpha, the image, its matte, rows above the image) of the drawn head whose
    hair is blonde strands and brown ones side by side, cut by the top edge high on the forehead."""
    image, matte, joints = _drawn_head(cut)
    hair = (matte > 0.5) & (np.linalg.norm(image.astype(float) - DRAWN_SKIN, axis=2) > 40)
    lit, shaded = np.array([200, 165, 115]), np.array([95, 66, 44])
    columns = np.random.default_rng(5).uniform(0, 1, image.shape[1] // 2 + 1).repeat(2)[:image.shape[1]]
    strands = lit[None, :] * columns[:, None] + shaded[None, :] * (1 - columns[:, None])
    image[hair] = np.broadcast_to(strands[None], image.shape)[hair].astype(np.uint8)
    top = max(60, cap_rows(matte, joints))
    padded = cv2.copyMakeBorder(image, top, 0, 0, 0, cv2.BORDER_REPLICATE)
    pmatte = cv2.copyMakeBorder(matte, top, 0, 0, 0, cv2.BORDER_REPLICATE)
    out, alpha = top_cap(padded, pmatte, top, joints + (0, top))
    return out, alpha, image, hair, top


def test_the_crown_over_streaked_hair_has_its_strands_light_and_shade():
    """Blonde and brown strands side by side below the cut: the crown is their mix, in their light and shade,
    not the one colour most of the hair is near, evenly shaded (the flat brown helmet over TikTok character 0's
    blonde-brown hair)."""
    out, alpha, image, hair, top = _streaked_crown(100)
    crown = alpha > 0.9
    rows = np.flatnonzero(crown.any(axis=1))
    upper = crown & (np.arange(top)[:, None] < (rows.min() + top) / 2)  # its upper half, above the edge's colours
    lab = cv2.cvtColor(out[:top], cv2.COLOR_RGB2LAB).astype(np.float64)[upper]
    seen = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float64)[cv2.erode(hair.astype(np.uint8),
                                                                             np.ones((3, 3), np.uint8)) > 0]
    assert abs(lab[:, 0].mean() - seen[:, 0].mean()) < 12, (lab.mean(axis=0), seen.mean(axis=0))
    assert np.linalg.norm(lab.mean(axis=0) - seen.mean(axis=0)) < 15, (lab.mean(axis=0), seen.mean(axis=0))
    assert lab[:, 0].std() > 0.6 * seen[:, 0].std(), (lab[:, 0].std(), seen[:, 0].std())


def test_the_crowns_outline_is_tufted_not_a_smooth_rim():
    """The crown's outline goes in and out a little from tuft to tuft, as hair ends: a smooth ellipse read as the
    rim of a helmet (TikTok character 0)."""
    _, alpha, _, _, top = _streaked_crown(100)
    solid = alpha > 0.5
    rows = np.flatnonzero(solid.any(axis=1))
    upper = rows[rows < (rows.min() + top) / 2]  # its upper half, where the outline runs across
    first = np.array([np.flatnonzero(solid[:, x]).min() for x in np.flatnonzero(solid[upper].any(axis=0))], float)
    # its top row by column, less a smooth curve through it: the tufts
    smooth = np.polyval(np.polyfit(np.arange(len(first)), first, 4), np.arange(len(first)))
    tufts = float(np.sqrt(np.mean((first - smooth) ** 2)))
    assert tufts > 0.6, f"its top row strays {tufts:.2f} px from a smooth curve"  # main's: 0.31
