"""An arm layer's cut through the figure: no notches or specks along it however ragged its labels are, still one
piece, and no fringe of the body's colours along it (TikTok character 0's sleeve cuffs and forearm)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from scipy import ndimage

from motion_transfer.engines.puppet.model import LAYERS, PARTS
from motion_transfer.samples import make_character

NOTCH = 4  # (pixels) the ragged labels' notches are this wide and deep, their specks this far off the arm


def _crossed(tmp_path_factory, blur: float = 0.0):
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path_factory.mktemp("cut") / "crossed.png"
    make_character(path, size=(360, 480), style="person", pose="crossed_forearm")
    image = read_image(path)
    if blur:  # as a video frame gives it: the arm's edge blended with the shirt over a pixel or two
        image = cv2.GaussianBlur(image, (0, 0), blur)
    return image, rig_character(image)


def _ragged(labels: np.ndarray, arm: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """``labels`` with the arm's border with the torso made ragged: every few pixels along it a square notch of
    the torso cut into the arm, between them a speck of the arm left in the torso (NOTCH apart), all ``inside``
    the figure (the figure's own outline is the matte's)."""
    torso_i = PARTS.index("torso")
    arm_i = int(np.bincount(labels[arm]).argmax())
    torso = (labels == torso_i) & inside
    border = arm & cv2.dilate(torso.astype(np.uint8), None).astype(bool)
    ys, xs = np.nonzero(border)
    order = np.lexsort((ys, xs))
    out = labels.copy()
    to_arm = ndimage.distance_transform_edt(~arm)
    for k, i in enumerate(order[::3 * NOTCH]):
        y, x = ys[i], xs[i]
        if k % 2 == 0:  # a notch: the torso's label reaching NOTCH into the arm
            box = out[y - NOTCH // 2:y + NOTCH // 2, x - NOTCH // 2:x + NOTCH // 2]
            box[arm[y - NOTCH // 2:y + NOTCH // 2, x - NOTCH // 2:x + NOTCH // 2]] = torso_i
        else:  # a 3-pixel speck of the arm NOTCH beyond its border, in the torso
            ring = torso & (np.abs(to_arm - (NOTCH + 2)) < 0.5)
            ry, rx = np.nonzero(ring)
            j = np.argmin(np.hypot(ry - y, rx - x))
            out[ry[j] - 1:ry[j] + 2, rx[j] - 1:rx[j] + 2][torso[ry[j] - 1:ry[j] + 2, rx[j] - 1:rx[j] + 2]] = arm_i
    return out


def _full_alpha(layer, shape) -> np.ndarray:
    a = np.zeros(shape, np.float32)
    ox, oy = layer.origin
    t = layer.texture[:, :, 3].astype(np.float32) / 255
    h, w = t.shape
    y0, x0 = max(0, oy), max(0, ox)
    y1, x1 = min(shape[0], oy + h), min(shape[1], ox + w)
    a[y0:y1, x0:x1] = t[y0 - oy:y1 - oy, x0 - ox:x1 - ox]
    return a


@pytest.fixture(scope="module")
def crossed(tmp_path_factory):
    return _crossed(tmp_path_factory)


def test_a_ragged_cut_gives_an_arm_layer_with_a_clean_outline(crossed):
    from motion_transfer.engines.puppet.mesh import build_layers

    _, rig = crossed
    arm = np.isin(rig.labels, [PARTS.index(p) for p in LAYERS["arm_r"]])
    inside = cv2.erode((rig.matte > 0.5).astype(np.uint8), None, iterations=2 * NOTCH).astype(bool)
    rig.labels = _ragged(rig.labels, arm, inside)
    assert (np.isin(rig.labels, [PARTS.index(p) for p in LAYERS["arm_r"]]) != arm).sum() > 200  # it is ragged
    layer = next(x for x in build_layers(rig) if x.name == "arm_r")
    solid = _full_alpha(layer, rig.labels.shape) > 0.5
    pieces, n = ndimage.label(solid, structure=np.ones((3, 3)))
    sizes = np.sort(ndimage.sum(solid, pieces, range(1, n + 1)))[::-1]
    assert n == 1, f"the arm layer falls apart into pieces of {sizes[:6].astype(int).tolist()} pixels"
    notches = cv2.morphologyEx(solid.astype(np.uint8), cv2.MORPH_CLOSE,
                               cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))).astype(bool) & ~solid & inside
    # (the hand's own shape has a dozen or so: between the thumb and the fingers; the ragged cut added ~300)
    assert notches.sum() < 40, f"{notches.sum()} pixels of notches along the arm's cut"


def test_the_arm_layer_has_no_fringe_of_the_shirt_along_its_cut(tmp_path_factory):
    image, rig = _crossed(tmp_path_factory, blur=1.2)
    arm = np.isin(rig.labels, [PARTS.index(p) for p in LAYERS["arm_r"]])
    torso = rig.labels == PARTS.index("torso")
    layer = next(x for x in rig.layers if x.name == "arm_r")
    a = _full_alpha(layer, arm.shape)
    # the arm's pixels along its cut through the shirt, and the band beyond it: how far each one's colour lies
    # from the arm's own a few pixels further in (past the blend of the two) towards the shirt's beyond
    to_torso, to_arm = ndimage.distance_transform_edt(~torso), ndimage.distance_transform_edt(~arm)
    near = (to_torso <= 3) & (to_arm <= 3) & (a > 0.3)
    # the forearm's (the hand's labels take in the shirt between its fingers, which no cut's colours can mend)
    near &= ndimage.distance_transform_edt(rig.labels != PARTS.index("r_lower_arm")) <= 3
    near &= ndimage.distance_transform_edt(rig.labels != PARTS.index("r_hand")) > 3
    near &= ndimage.distance_transform_edt(rig.matte > 0.5) > 3  # (the figure's outline is the matte's rim's)
    _, (ay, ax) = ndimage.distance_transform_edt(~(arm & (to_torso > 5)), return_indices=True)
    _, (ty, tx) = ndimage.distance_transform_edt(~(torso & (to_arm > 5)), return_indices=True)
    ys, xs = np.nonzero(near)
    assert len(ys) > 100  # the forearm does lie across the shirt
    ox, oy = layer.origin
    # in chroma (Lab's a, b): the arm's shading darkens its underside, the shirt's colour turns it blue
    chroma = cv2.cvtColor(np.ascontiguousarray(layer.texture[:, :, :3]), cv2.COLOR_RGB2LAB)[:, :, 1:].astype(float)
    image_chroma = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)[:, :, 1:].astype(float)
    colour = chroma[ys - oy, xs - ox]
    own, shirt = image_chroma[ay[ys, xs], ax[ys, xs]], image_chroma[ty[ys, xs], tx[ys, xs]]
    span = shirt - own
    share = ((colour - own) * span).sum(axis=1) / np.maximum((span ** 2).sum(axis=1), 1.0)
    tinted = (share > 0.3)[(span ** 2).sum(axis=1) > 20 ** 2]  # (a blue sleeve on the blue shirt tells nothing)
    assert tinted.mean() < 0.05, f"{100 * tinted.mean():.0f}% of the arm's cut has the shirt's colour in it"


def test_smoothing_keeps_a_folded_limb_in_one_piece_and_a_finger_beside_the_backdrop():
    from motion_transfer.engines.puppet.cut_edge import smooth_cut

    figure = np.zeros((80, 80), bool)
    figure[10:70, 10:70] = True
    core = np.zeros_like(figure)
    core[20:30, 15:65] = True  # the forearm
    core[40:50, 15:65] = True  # the upper arm folded under it
    core[30:40, 60:62] = True  # the elbow: a two-pixel bridge between them
    core[50:70, 40:42] = True  # a finger reaching to the figure's outline and on to the image's edge
    core[60:64, 20:22] = True  # a speck
    core[25:28, 30:33] = False  # a hole in the forearm (a strip of another label wedged in)
    out = smooth_cut(core, figure, 2)
    assert ndimage.label(out, structure=np.ones((3, 3)))[1] == 1
    assert out[30:40, 60:62].all()  # the bridge kept
    assert not out[60:64, 20:22].any()  # the speck gone
    assert out[25:28, 30:33].all()  # the hole filled
    assert out[67:70, 40:42].all()  # the finger's tip beside the backdrop as it was


def test_smoothing_takes_the_tooth_off_where_the_cut_meets_the_outline():
    """Where an arm's cut through the figure meets the figure's outline, a sliver of the outline a few pixels long
    past the cut (the neighbour's outline where it turns away, kept by the arm) goes: it stood as a spike out of the
    elbow's outer side once the arm hung down (TikTok character 0's right arm, where her left forearm crosses it).
    The arm's own outline beside the backdrop stays as it was."""
    from motion_transfer.engines.puppet.cut_edge import smooth_cut

    figure = np.zeros((80, 80), bool)
    figure[10:70, 10:70] = True
    core = np.zeros_like(figure)
    core[20:50, 10:40] = True  # the upper arm, its outer side on the figure's outline
    core[50:53, 10:12] = True  # the tooth: past the cut (the neighbour below it), along the outline
    core[30:34, 10] = False  # a notch in the arm's own outline beside the backdrop
    out = smooth_cut(core, figure, 2)
    assert not out[50:53, 10:12].any()
    assert (out[24:46, 10:13] == core[24:46, 10:13]).all()  # (the notch too: beside the backdrop, no cut)


def _blurred_arm(blur: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, sharp image, arm's pixels, figure): a bare arm (lighter at its middle, darker along its sides)
    lying across a black shirt, its edges blurred sideways over ``blur`` pixels as a moving arm's are in a video
    frame; the arm's labels end where the blend is a third of the way from the shirt's black to the skin."""
    h, w = 100, 160
    x = np.arange(w, dtype=np.float32)
    sharp = np.empty((h, w, 3), np.float32)
    sharp[:] = (30, 22, 25)  # the shirt
    inside = (x >= 50) & (x < 110)
    shade = 1.0 - 0.15 * ((x - 80) / 30) ** 2  # the arm's own shading: its sides a little darker
    skin = np.float32([240, 158, 100])[None, :] * shade[:, None]
    sharp[:, inside] = skin[inside][None]
    image = cv2.blur(sharp, (blur, 1)) if blur > 1 else sharp.copy()
    share = (image[0, :, 0] - 30) / (skin[:, 0] - 30)
    core = np.zeros((h, w), bool)
    core[:, (share >= 0.33) & (x > 30) & (x < 130)] = True
    figure = np.ones((h, w), bool)
    return image.astype(np.uint8), sharp.astype(np.uint8), core, figure


def _nearest_unblended(image: np.ndarray, core: np.ndarray, figure: np.ndarray, depth: float) -> np.ndarray:
    """The arm layer's colours as the cut's anti-aliasing alone was mended: its blended pixels take the nearest
    other's."""
    from motion_transfer.engines.puppet.cut_edge import blended_cut

    solid = core & ~blended_cut(image, core, figure, depth)
    _, (iy, ix) = ndimage.distance_transform_edt(~solid, return_indices=True)
    return image[iy, ix].astype(np.float32)


@pytest.mark.parametrize("blur", [9, 15])
def test_a_motion_blurred_arm_edge_takes_the_arms_own_colour_as_deep_as_the_blur_goes(blur):
    from motion_transfer.engines.puppet.cut_edge import blur_depth, unblended

    image, sharp, core, figure = _blurred_arm(blur)
    least, most = 3.4, 17.0
    depth = blur_depth(image, core, figure, least, most)
    after = unblended(image, core, figure, depth, least).astype(np.float32)
    # the arm's pixels as far in as the blur darkens them, against the arm's own colour there (its side's shading)
    edge = core & (ndimage.distance_transform_edt(core) <= blur * 0.6)
    ys, xs = np.nonzero(edge)
    own = sharp[ys, np.where(xs < 80, 50, 109)].astype(np.float32)
    off = np.linalg.norm(after[ys, xs] - own, axis=1)
    before = np.linalg.norm(_nearest_unblended(image, core, figure, least)[ys, xs] - own, axis=1)
    assert before.max() > 60  # a blend of the shirt's black (a brown fringe) where only the anti-aliasing is mended
    assert off.max() < 40, f"the arm's edge is {off.max():.0f} (RGB) off its own colour"
    # and its shading kept: its middle as lit as it was, nothing outside it changed
    assert np.array_equal(after[:, 70:90], image[:, 70:90])
    assert np.array_equal(after[~core], image[~core])


def test_a_sharp_arm_edge_is_blended_only_over_its_anti_aliasing():
    from motion_transfer.engines.puppet.cut_edge import blur_depth, unblended

    image, _, core, figure = _blurred_arm(1)
    depth = blur_depth(image, core, figure, 3.4, 17.0)
    assert np.allclose(depth[core & (ndimage.distance_transform_edt(core) <= 2)], 3.4)
    assert np.array_equal(unblended(image, core, figure, depth, 3.4), image)  # (blended_cut mends its pixels)


def test_a_slanting_arms_band_fades_out_from_its_outline_smoothed_not_its_staircase():
    from motion_transfer.engines.puppet.cut_edge import outline_distance

    h, w = 120, 80
    yy, xx = np.mgrid[:h, :w]
    core = xx < 30 + yy / 12.0  # an arm's side slanting a pixel every 12 rows: a staircase of one-pixel steps
    band = 2.8

    def cover(d: np.ndarray) -> np.ndarray:
        """How far the layer reaches out on each row: its alpha as mesh.build_layers' band fades it, summed."""
        return np.clip((band - d) / (band - 1.0), 0.0, 1.0)[20:100].sum(axis=1)

    steps = np.abs(np.diff(cover(cv2.distanceTransform((~core).astype(np.uint8), cv2.DIST_L2, 5))))
    smooth = np.abs(np.diff(cover(outline_distance(core))))
    assert steps.max() > 0.6  # the pixels' outline: most of a pixel at once, every 12 rows
    assert smooth.max() < 0.35, f"the smoothed outline still steps {smooth.max():.2f} pixel from one row to the next"
    assert (outline_distance(core)[core] == 0).all()  # the layer's own pixels stay whole


def test_a_thin_finger_stays_whole():
    from motion_transfer.engines.puppet.cut_edge import outline_distance

    core = np.zeros((40, 40), bool)
    core[5:35, 19:21] = True  # two pixels wide
    assert (outline_distance(core)[core] == 0).all()


WAVE = 4  # (pixels) the wavy labels' border swings this far either side of the arm's own outline ...
WAVE_PERIOD = 24  # ... over this many pixels along it


def test_a_photographed_arms_wavy_cut_through_the_shirt_is_drawn_as_a_smooth_curve(tmp_path_factory):
    """A video frame's forearm outline blurred into the dress under it gives labels whose border swings a few pixels
    either way over a couple of dozen (TikTok character 2's forearm over her white dress): lobes far wider than the
    notches the cut's opening and closing take off, a wavy, toothed edge once the arm moved off the body."""
    from motion_transfer.engines.puppet.mesh import build_layers

    _, rig = _crossed(tmp_path_factory, blur=2.0)
    arm_ids = [PARTS.index(p) for p in LAYERS["arm_r"]]
    arm = np.isin(rig.labels, arm_ids)
    torso = rig.labels == PARTS.index("torso")
    inside = cv2.erode((rig.matte > 0.5).astype(np.uint8), None, iterations=3 * WAVE).astype(bool)
    forearm = ndimage.distance_transform_edt(rig.labels != PARTS.index("r_lower_arm")) <= 2 * WAVE
    forearm &= ndimage.distance_transform_edt(rig.labels != PARTS.index("r_hand")) > 2 * WAVE
    signed = ndimage.distance_transform_edt(~arm) - ndimage.distance_transform_edt(arm)
    yy, xx = np.mgrid[:arm.shape[0], :arm.shape[1]]
    wavy = signed < WAVE * np.sin(2 * np.pi * (xx + yy) / WAVE_PERIOD)
    swing = (arm | torso) & inside & forearm & (np.abs(signed) <= WAVE + 1)
    labels = rig.labels.copy()
    labels[swing & wavy & torso] = PARTS.index("r_lower_arm")
    labels[swing & ~wavy & arm] = PARTS.index("torso")
    assert (labels != rig.labels).sum() > 80  # the border does swing
    rig.labels = labels
    layer = next(x for x in build_layers(rig) if x.name == "arm_r")
    solid = _full_alpha(layer, labels.shape) > 0.5
    # the troughs between the lobes: what a disc half a wave long closes of the forearm's side over the shirt
    troughs = cv2.morphologyEx(solid.astype(np.uint8), cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (WAVE_PERIOD // 2 + 1,) * 2)).astype(bool) & ~solid & inside & forearm
    depth = ndimage.distance_transform_edt(~solid)[troughs].max() if troughs.any() else 0.0
    assert troughs.sum() < 20 and depth <= 1.5, (
        f"{troughs.sum()} pixels of troughs along the forearm's cut, {depth:.1f} pixels deep")


def test_a_smoothed_cut_keeps_its_reach_away_from_the_armpits_cloth():
    """The cut is smoothed along its length, but not within the smoothing's reach of ``away`` (an armpit's cloth,
    which the trunk holds by the arm's pixels and mesh beside it: rounded off there, the cloth's corner went with
    the arm as it swung out, a wedge of the backdrop between the body and the sleeve)."""
    from motion_transfer.engines.puppet.cut_edge import cut_pixels, smooth_flat_cut

    yy, xx = np.mgrid[:160, :120]
    core = xx >= 60 + WAVE * np.sin(2 * np.pi * yy / WAVE_PERIOD)  # the arm, right of a wavy cut
    figure = np.ones(core.shape, bool)
    away = (yy >= 110) & (yy < 140) & (xx >= 64) & (xx < 80)  # the cloth, in the arm beside the cut
    sigma = 5.0
    out = smooth_flat_cut(core, figure, cut_pixels(core, figure), sigma, away)
    near = ndimage.distance_transform_edt(~away) <= np.ceil(2 * sigma)
    assert (out != core)[:80].sum() > 100  # the waves smoothed away from the cloth ...
    assert not (out != core)[near].any()  # ... and none of the cut beside it moved


def test_a_photographed_arms_smoothed_cut_leaves_no_hole_at_rest_where_it_meets_the_outline():
    """Where a photographed arm's cut meets the figure's outline at a slant, the arm's tip between them is thin;
    the smoothing may take off only what the body draws under the arm (taken off beyond it, the tip left a notch of
    the backdrop in the outline at rest, TikTok character 4's left shoulder): no pixel of the figure is left
    uncovered by the layers."""
    from conftest import layered_rig
    from torso_scene import arm_against_side, standing_joints
    from motion_transfer.engines.puppet.parts import label_parts

    h, w = 420, 400
    joints = standing_joints({"head": (200, 95), "left_shoulder": (266, 170), "right_shoulder": (134, 170),
                              "left_hip": (250, 380), "right_hip": (150, 380), "left_elbow": (276, 285),
                              "left_wrist": (280, 390), "right_elbow": (104, 285), "right_wrist": (96, 390)},
                             (245, 155), 520)
    body, arm = arm_against_side(h, w, 258)
    image = np.zeros((h, w, 3), np.uint8)
    image[:] = (90, 120, 90)
    image[body | arm] = (165, 185, 215)  # a sleeve of the shirt's own cloth
    image = cv2.GaussianBlur(image, (0, 0), 0.8)
    image = np.clip(image + np.random.default_rng(4).normal(0, 2, image.shape), 0, 255).astype(np.uint8)
    matte = (body | arm).astype(np.float32)
    labels, _ = label_parts(matte, joints, np.ones(33), None, image)
    yy, xx = np.mgrid[:h, :w]
    shoulder = (matte >= 0.5) & (yy > 140) & (yy < 230) & (xx > 215)
    slant = xx >= 252 + 1.2 * (yy - 150)  # the cut, leaning out as it goes down
    labels[shoulder & slant] = PARTS.index("l_upper_arm")
    labels[shoulder & ~slant] = PARTS.index("torso")
    rig = layered_rig(image, matte, joints, labels)
    cover = np.zeros((h, w), np.float32)
    for layer in rig.layers:
        np.maximum(cover, _full_alpha(layer, (h, w)), out=cover)
    inside = cv2.erode(matte, np.ones((5, 5), np.uint8)) > 0.5
    holes = shoulder & inside & (cover < 0.5)
    assert not holes.any(), f"{holes.sum()} pixels of the shoulder left uncovered"
