"""Puppet layers on generated characters with known parts: cut along their outlines, one piece each, the torso
behind a crossed forearm filled with the shirt, and nothing left floating when the puppet moves."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from scipy import ndimage

from motion_transfer.engines.puppet.model import LAYERS, PARTS, part_segment, torso_quad
from motion_transfer.pose.retarget import FACE, extend
from motion_transfer.pose.skeleton import J
from motion_transfer.samples import make_character

SHIRT = np.array([46, 98, 168])  # "person" style
SKIN = np.array([226, 178, 146])
HAIR = np.array([58, 40, 28])


def _rig(tmp_path_factory, pose: str, style: str = "person"):
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path_factory.mktemp("layers") / f"{pose}-{style}.png"
    make_character(path, size=(360, 480), style=style, pose=pose)
    image = read_image(path)
    return image, rig_character(image)


@pytest.fixture(scope="module")
def crossed(tmp_path_factory):
    return _rig(tmp_path_factory, "crossed_forearm")


@pytest.fixture(scope="module")
def pockets(tmp_path_factory):
    return _rig(tmp_path_factory, "hands_in_pockets")


def _pieces(mask: np.ndarray, speck: int = 12) -> list[int]:
    """Sizes of the connected pieces of ``mask`` (8-connected), specks under ``speck`` pixels left out."""
    lab, n = ndimage.label(mask, structure=np.ones((3, 3)))
    sizes = ndimage.sum(mask, lab, range(1, n + 1)) if n else np.zeros(0)
    return sorted((int(s) for s in sizes if s >= speck), reverse=True)


@pytest.mark.parametrize("which", ["crossed", "pockets"])
def test_every_layer_is_one_piece(which, request):
    _, rig = request.getfixturevalue(which)
    for layer in rig.layers:
        solid = layer.texture[:, :, 3] > 128
        pieces = _pieces(solid)
        assert len(pieces) == 1, f"{which}: layer {layer.name} falls apart into pieces of {pieces} pixels"


def test_the_crossed_forearm_is_lifted_off_along_its_outline(crossed):
    image, rig = crossed
    j = rig.joints.astype(np.float64)
    a, b = part_segment("r_lower_arm", j)
    # the forearm's middle, where it lies over the belly: its own layer, not the body's
    mid = np.round((a + b) / 2).astype(int)
    assert PARTS[rig.labels[mid[1], mid[0]]] in LAYERS["arm_r"]
    # the forearm's skin is the arm's: few skin-coloured pixels stay in the body's part labels
    skin = np.linalg.norm(image.astype(float) - SKIN, axis=2) < 40
    body = np.isin(rig.labels, [PARTS.index(p) for p in LAYERS["body"]])
    ys, _ = np.nonzero(skin & body)
    below_neck = ys > j[J["left_shoulder"], 1] + 10
    assert below_neck.sum() < 0.1 * (skin & ~body & (rig.labels >= 0)).sum()


def test_the_torso_behind_the_crossed_forearm_is_the_shirt(crossed):
    image, rig = crossed
    body = next(layer for layer in rig.layers if layer.name == "body")
    arm = np.isin(rig.labels, [PARTS.index(p) for p in LAYERS["arm_r"]])
    quad = np.zeros(arm.shape, np.uint8)
    cv2.fillConvexPoly(quad, np.round(torso_quad(rig.joints)).astype(np.int32), 1)
    quad = cv2.erode(quad, None, iterations=3).astype(bool)
    ys, xs = np.nonzero(arm)
    inside = quad[ys, xs]
    assert inside.sum() > 100  # the forearm does lie over the torso
    ox, oy = body.origin
    tex = body.texture[ys[inside] - oy, xs[inside] - ox]
    assert (tex[:, 3] > 200).mean() > 0.95  # painted in, opaque
    # the shirt as the image shows it around the arm (shaded: darker than its base colour)
    shown = (rig.labels == PARTS.index("torso")) & quad
    shirt = np.median(image[shown], axis=0)
    assert np.linalg.norm(shirt - SHIRT) < 60
    dist = np.linalg.norm(tex[:, :3].astype(float) - shirt, axis=1)
    assert np.median(dist) < 20, f"the torso behind the arm is {np.median(tex[:, :3], axis=0)}, not {shirt}"
    assert (dist < 45).mean() > 0.95
    assert (np.linalg.norm(tex[:, :3].astype(float) - SKIN, axis=1) < 60).mean() < 0.01  # none of the arm's skin


def test_a_two_coloured_shirt_behind_the_crossed_forearm_keeps_each_side_its_colour(tmp_path):
    """The shirt blue on the character's right, orange on its left; the forearm lies across both. Behind it each
    side is painted its own colour (not the other side mirrored, not a blend, not the arm's skin)."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path / "crossed.png"
    joints = make_character(path, size=(360, 480), style="person", pose="crossed_forearm")
    image = read_image(path).copy()
    spine_x = float(joints[[J["left_shoulder"], J["right_shoulder"], J["left_hip"], J["right_hip"]], 0].mean())
    shirt = np.linalg.norm(image.astype(float) - SHIRT, axis=2) < 70
    left = shirt & (np.arange(image.shape[1])[None, :] > spine_x)
    image[left] = image[left][:, ::-1]  # blue -> orange on the character's left (the image's right)
    rig = rig_character(image)
    body = next(layer for layer in rig.layers if layer.name == "body")
    arm = np.isin(rig.labels, [PARTS.index(p) for p in LAYERS["arm_r"]])
    quad = np.zeros(arm.shape, np.uint8)
    cv2.fillConvexPoly(quad, np.round(torso_quad(rig.joints)).astype(np.int32), 1)
    quad = cv2.erode(quad, None, iterations=3).astype(bool)
    sw = float(np.linalg.norm(rig.joints[J["left_shoulder"]] - rig.joints[J["right_shoulder"]]))
    torso = (rig.labels == PARTS.index("torso")) & quad
    ox, oy = body.origin
    xs_all = np.arange(arm.shape[1])[None, :]
    for name, side in (("right, blue", xs_all < spine_x - 0.12 * sw), ("left, orange", xs_all > spine_x + 0.12 * sw)):
        ys, xs = np.nonzero(arm & quad & side)
        assert len(ys) > 60, f"the forearm does not lie over the shirt's {name} side"
        tex = body.texture[ys - oy, xs - ox]
        assert (tex[:, 3] > 200).mean() > 0.95
        colour = np.median(image[torso & side], axis=0)
        dist = np.linalg.norm(tex[:, :3].astype(float) - colour, axis=1)
        assert np.median(dist) < 20, f"{name}: behind the arm {np.median(tex[:, :3], axis=0)}, the shirt {colour}"
        assert (dist < 45).mean() > 0.95, f"{name}: {100 * (dist >= 40).mean():.1f}% of it unlike the shirt"
        assert (np.linalg.norm(tex[:, :3].astype(float) - SKIN, axis=1) < 60).mean() < 0.01  # no arm left


def _dominant(layer) -> np.ndarray:
    return np.argmax(layer.weights, axis=1)


@pytest.mark.parametrize("which", ["crossed", "pockets"])
def test_every_part_moves_with_its_bone(which, request):
    _, rig = request.getfixturevalue(which)
    ext = extend(rig.joints.astype(np.float64))
    sw = float(np.linalg.norm(ext[J["left_shoulder"]] - ext[J["right_shoulder"]]))
    for layer in rig.layers:
        if layer.name == "body":
            continue
        dom = _dominant(layer)
        for bi, bone in enumerate(layer.bones):
            if bone not in PARTS:
                continue
            a, b = part_segment(bone, ext)
            v = layer.vertices[dom == bi].astype(np.float64)
            if not len(v):
                continue
            ab = b - a
            t = np.clip(((v - a) @ ab) / max(float(ab @ ab), 1e-9), 0, 1)
            d = np.linalg.norm(v - (a + t[:, None] * ab), axis=1)
            # a limb's pixels lie within its own width of its bone (a leg's reach the hip's side)
            reach = (0.6 if "leg" in bone else 0.5) * sw
            assert np.percentile(d, 98) < reach, f"{which}: {bone} drags pixels {d.max():.0f} px from its bone"


@pytest.mark.parametrize("which", ["crossed", "pockets"])
def test_no_islands_in_any_frame(which, request):
    from motion_transfer.engines.puppet import Renderer
    from motion_transfer.samples import make_motion

    image, rig = request.getfixturevalue(which)
    h, w = image.shape[:2]
    motion = make_motion("dance", seconds=1.0, fps=10, size=(w, h))
    rest = extend(rig.joints.astype(np.float64))
    actor = motion.joints[:, :, :2].astype(np.float64)
    # the actor's pose moved onto the character's rest skeleton (same root, same scale): enough to swing limbs
    shift = rest[33] - extend(actor[0])[33]
    renderer = Renderer(rig, w, h)
    for t in range(0, len(actor), 2):
        posed = extend(actor[t]) + shift
        canvas = np.zeros((h, w, 3), np.uint8)
        canvas[:] = (0, 255, 0)
        frame = renderer.render(canvas, posed, np.zeros(36), 1.0, 0.0)
        drawn = np.abs(frame.astype(int) - (0, 255, 0)).sum(axis=2) > 60
        pieces = _pieces(drawn)
        assert pieces and sum(pieces[1:]) < 0.002 * pieces[0], f"{which}, frame {t}: pieces {pieces[:5]}"


def _rig_file(tmp_path, pose: str, style: str = "person", framing: str = "full"):
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path / f"{pose}-{framing}.png"
    make_character(path, size=(480, 360), style=style, pose=pose, framing=framing)
    image = read_image(path)
    return image, rig_character(image)


def test_an_arm_outside_the_frame_is_drawn_from_its_twin(tmp_path):
    from PIL import Image

    from motion_transfer.engines.puppet import Renderer, rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path / "t-pose.png"
    joints = make_character(path, size=(480, 480), style="person", pose="t-pose")
    left = int(joints[J["right_shoulder"], 0]) - 14  # the right arm beyond the image's left edge
    cropped = tmp_path / "one-arm.png"
    Image.fromarray(read_image(path)[:, left:]).save(cropped)
    rig = rig_character(read_image(cropped))
    assert rig.meta["drawn_from_twin"] == ["arm_r"]
    posed = extend(rig.joints.astype(np.float64)) + np.array([250.0, 0.0])
    # the rest joints of the arm are the twin's mirror image: as long as the other arm, on the other side
    span = [np.linalg.norm(posed[J[f"{s}_wrist"]] - posed[J[f"{s}_shoulder"]]) for s in ("left", "right")]
    assert abs(span[0] - span[1]) < 0.05 * span[0]
    frame = Renderer(rig, 700, 480).render(np.full((480, 700, 3), 200, np.uint8), posed, np.zeros(36), 1.0, 0.0)
    # the mirrored forearm's skin is drawn where the right arm now is, beyond the image's old left edge
    a, b = posed[J["right_elbow"]], posed[J["right_wrist"]]
    mid = np.round((a + b) / 2).astype(int)
    patch = frame[mid[1] - 3:mid[1] + 4, mid[0] - 3:mid[0] + 4].reshape(-1, 3).astype(float)
    assert np.median(np.linalg.norm(patch - SKIN, axis=1)) < 45


def test_a_head_cut_by_the_top_edge_continues_as_a_rounded_cap_of_hair(tmp_path):
    """The image cuts the head through the hair: above the edge the body layer goes on as a rounded cap in the
    hair's colour (the edge row repeated upwards smeared a flat-topped block of streaks when the head moved)."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path / "a-pose.png"
    joints = make_character(path, size=(360, 480), style="person", pose="a-pose")
    image = read_image(path)
    hair = np.linalg.norm(image.astype(float) - HAIR, axis=2) < 40
    top = int(np.nonzero(hair)[0].min())
    cut = int(top + 0.35 * (joints[J["nose"], 1] - top))
    rig = rig_character(np.ascontiguousarray(image[cut:]))
    body = next(layer for layer in rig.layers if layer.name == "body")
    assert body.origin[1] < 0  # the layer goes on above the image
    above = body.texture[:-body.origin[1]]
    solid = above[:, :, 3] > 128
    widths = solid.sum(axis=1)
    rows = np.nonzero(widths)[0]
    assert len(rows) >= 5, f"the cap is {len(rows)} rows high"
    assert widths[rows[0]] < 0.6 * widths[-1], f"not rounded: widths {widths[rows]} from its top down"
    colour = np.median(above[solid][:, :3], axis=0)
    assert np.linalg.norm(colour - HAIR) < 40, f"the cap is {colour}, the hair {HAIR}"


def test_background_fill_draws_no_streaks():
    """A textured background with a person-shaped hole standing on the image's bottom edge (the case where
    filling along rows and columns copied border pixels into long horizontal bars): the fill changes as much
    across rows as along them, and no row of it is one border pixel copied across."""
    from motion_transfer.engines.puppet.background import remove_character
    rng = np.random.default_rng(3)
    tex = cv2.resize(rng.uniform(0, 255, (24, 24, 3)).astype(np.float32), (240, 240), interpolation=cv2.INTER_CUBIC)
    image = np.clip(tex, 0, 255).astype(np.uint8)
    matte = np.zeros((240, 240), np.float32)
    cv2.ellipse(matte, (120, 60), (22, 28), 0, 0, 360, 1.0, -1)
    cv2.rectangle(matte, (80, 90), (160, 239), 1.0, -1)
    out = remove_character(image, matte).astype(np.float32)
    hole = cv2.dilate((matte > 0.05).astype(np.uint8), None, iterations=4).astype(bool)
    assert (out[~hole] == image[~hole]).all()
    inner = cv2.erode(hole.astype(np.uint8), None, iterations=6).astype(bool)
    smooth = cv2.GaussianBlur(out, (0, 0), 1.5)  # the grain added on purpose is not a streak
    along = np.abs(np.diff(smooth, axis=1))[inner[:, 1:] & inner[:, :-1]].mean()
    across = np.abs(np.diff(smooth, axis=0))[inner[1:] & inner[:-1]].mean()
    assert 0.5 < along / across < 2.0, (along, across)
    for y in range(0, 240, 8):
        xs = np.nonzero(inner[y])[0]
        if len(xs) > 20:
            run = smooth[y, xs]
            assert np.abs(run - run[0]).max(axis=1).max() > 2.0, y


@pytest.fixture(scope="module")
def standing(tmp_path_factory):
    return _rig(tmp_path_factory, "a-pose")


def test_a_short_sleeve_stays_whole_on_its_arm(standing):
    """A T-shirt's short sleeve (the shirt's colour over a bare forearm): every sleeve pixel on the arm's outer
    side belongs to the arm's layer, none is torn off to the body (where it would stay behind as a flap)."""
    image, rig = standing
    ext = extend(rig.joints.astype(np.float64))
    labels = rig.labels
    H, W = labels.shape
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    shirt = (np.linalg.norm(image.astype(np.float64) - SHIRT, axis=2) < 40) & (rig.matte > 0.5)
    centre = torso_quad(ext).mean(axis=0)
    for side, layer in (("left", "arm_l"), ("right", "arm_r")):
        a, b = ext[J[f"{side}_shoulder"]], ext[J[f"{side}_elbow"]]
        d = b - a
        t = ((px - a[0]) * d[0] + (py - a[1]) * d[1]) / float(d @ d)
        across = (d[0] * (py - a[1]) - d[1] * (px - a[0])) / np.linalg.norm(d)
        inward = np.sign(d[0] * (centre[1] - a[1]) - d[1] * (centre[0] - a[0]))
        sleeve = shirt & (t > 0.15) & (t < 0.4) & (across * inward < -2)
        assert sleeve.sum() > 30
        on_arm = np.isin(labels[sleeve], [PARTS.index(p) for p in LAYERS[layer]]).mean()
        assert on_arm > 0.95, (side, on_arm)


def test_a_forearm_cut_by_the_image_border_keeps_its_own_pixels(tmp_path):
    """An arm hanging down past the image's bottom edge (its wrist outside, most of its forearm inside, as in a
    waist-up dance video) while the other arm is bent in front of the body: the hanging arm is still its own (no
    mirrored stand-in of the other hung over it), and the rest pose draws the forearm's own skin where it is."""
    from PIL import Image

    from motion_transfer.engines.puppet import Renderer, rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path / "person.png"
    joints = make_character(path, size=(360, 480), style="person", pose="crossed_forearm")
    el, wr = joints[J["left_elbow"]], joints[J["left_wrist"]]
    bottom = int(el[1] + 0.6 * (wr[1] - el[1]))  # the wrist below the cut, 60% of the forearm above it
    cropped = tmp_path / "cut.png"
    Image.fromarray(read_image(path)[:bottom]).save(cropped)
    image = read_image(cropped)
    rig = rig_character(image)
    assert rig.meta["drawn_from_twin"] == []
    out = Renderer(rig, image.shape[1], image.shape[0]).render(
        rig.background.copy(), extend(rig.joints.astype(np.float64)), np.zeros(36), 1.0, 0.0)
    for side in ("left",):
        a, b = rig.joints[J[f"{side}_elbow"]], rig.joints[J[f"{side}_wrist"]]
        mid = np.round(a + 0.35 * (b - a)).astype(int)
        drawn = out[mid[1] - 2:mid[1] + 3, mid[0] - 2:mid[0] + 3].astype(float)
        own = image[mid[1] - 2:mid[1] + 3, mid[0] - 2:mid[0] + 3].astype(float)
        assert np.median(np.linalg.norm(own - SKIN, axis=2)) < 60, side  # the forearm's skin
        assert np.median(np.linalg.norm(drawn - own, axis=2)) < 12, side


def _body_rgba(rig) -> np.ndarray:
    """The body layer's texture on the image's grid (HxWx4; zero where the layer does not reach)."""
    body = next(layer for layer in rig.layers if layer.name == "body")
    ox, oy = body.origin
    h, w = body.texture.shape[:2]
    pad = max(h, w)
    full = np.zeros((rig.height + 2 * pad, rig.width + 2 * pad, 4), np.uint8)
    full[oy + pad:oy + pad + h, ox + pad:ox + pad + w] = body.texture
    return full[pad:pad + rig.height, pad:pad + rig.width]


def test_behind_a_black_sleeve_across_a_bare_belly_the_belly_goes_on(tmp_path):
    """A black cropped top with long sleeves of its black, the right forearm lying across the bare belly just
    under the hem (TikTok clip 0's character). Behind the forearm the body layer shows what the same mannequin
    shows there with its arms down: the belly, not a black band (the sleeve kept as the top) and no ghost of the
    hand's fingers; every layer is one piece, and no background shows through the torso."""
    from dataclasses import replace

    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import read_image
    from motion_transfer.samples.mannequin import STYLES

    style = replace(STYLES["person"], shirt=(30, 28, 32), sleeves="long", cropped=True)
    make_character(tmp_path / "crossed.png", size=(360, 480), style=style, pose="crossed_forearm")
    make_character(tmp_path / "down.png", size=(360, 480), style=style, pose="a-pose")
    image, truth = read_image(tmp_path / "crossed.png"), read_image(tmp_path / "down.png")
    rig = rig_character(image)
    for layer in rig.layers:
        pieces = _pieces(layer.texture[:, :, 3] > 128)
        assert len(pieces) == 1, f"layer {layer.name} falls apart into pieces of {pieces} pixels"
    body = _body_rgba(rig)
    quad = np.zeros(rig.labels.shape, np.uint8)
    cv2.fillConvexPoly(quad, np.round(torso_quad(rig.joints)).astype(np.int32), 1)
    legs = np.isin(rig.labels, [PARTS.index(p) for p in LAYERS["leg_l"] + LAYERS["leg_r"]])
    quad = cv2.erode(quad, None, iterations=3).astype(bool) & ~legs  # (the legs' layers cover the hips)
    assert (body[quad, 3] > 200).mean() > 0.97  # opaque: the background never shows through the torso
    backdrop = np.median(image[:20, :20].reshape(-1, 3), axis=0)
    assert (np.linalg.norm(body[quad, :3].astype(float) - backdrop, axis=1) < 30).mean() < 0.005
    behind = np.isin(rig.labels, [PARTS.index(p) for p in LAYERS["arm_r"]]) & quad
    assert behind.sum() > 300  # the forearm and hand do lie over the torso
    dist = np.linalg.norm(body[behind, :3].astype(float) - truth[behind].astype(float), axis=1)
    assert np.median(dist) < 45, f"behind the forearm: {np.median(body[behind, :3], axis=0)}, " \
                                 f"the mannequin with its arm down: {np.median(truth[behind], axis=0)}"


def _side_view_joints() -> np.ndarray:
    """[33, 2] joints of a body seen from the side (its shoulders overlap, at row 100), its near (left) arm hanging
    along its back edge."""
    joints = np.zeros((33, 2))
    joints[list(FACE)] = (165, 60)
    joints[J["left_shoulder"]], joints[J["right_shoulder"]] = (142, 100), (150, 100)
    joints[J["left_hip"]], joints[J["right_hip"]] = (142, 260), (150, 260)
    joints[J["left_elbow"]], joints[J["left_wrist"]] = (128, 190), (150, 262)
    joints[J["right_elbow"]], joints[J["right_wrist"]] = (162, 190), (175, 262)
    return joints


def test_a_side_view_s_hanging_arm_hides_the_body_out_to_its_back(tmp_path):
    """A body seen from the side (its shoulders overlap) in a black shirt, a bare arm hanging along its back edge
    with a blurred outline (TikTok clip 1). Under the arm, out to the body's back, the torso is painted in, and in
    the shirt's black: not brown, no streak of skin along where the arm's outline was."""
    from motion_transfer.engines.puppet.fill import fill_hidden_torso

    h, w = 400, 300
    shirt, skin = np.array([30, 25, 28]), np.array([230, 160, 110])
    joints = _side_view_joints()
    body = np.zeros((h, w), np.uint8)
    cv2.rectangle(body, (112, 90), (215, 285), 1, -1)
    arm = np.zeros((h, w), np.uint8)
    for a, b in ((J["left_shoulder"], J["left_elbow"]), (J["left_elbow"], J["left_wrist"])):
        cv2.line(arm, tuple(int(v) for v in joints[a] - (20, 0)), tuple(int(v) for v in joints[b]), 1, 34)
    arm[:105] = 0
    image = np.full((h, w, 3), 200, np.uint8)
    image[body > 0] = shirt
    image[arm > 0] = skin
    image = cv2.GaussianBlur(image, (0, 0), 2.5)  # a blurred outline: skin and shirt blend along the arm
    labels = np.full((h, w), -1, np.int16)
    labels[body > 0] = PARTS.index("torso")
    upper = (arm > 0) & (np.arange(h)[:, None] < 190)
    labels[upper] = PARTS.index("l_upper_arm")
    labels[(arm > 0) & ~upper] = PARTS.index("l_lower_arm")
    out, hidden = fill_hidden_torso(image, labels, joints)
    under = (arm > 0) & (body > 0) & (np.arange(h)[:, None] > 110) & (np.arange(h)[:, None] < 255)
    assert hidden[under].mean() > 0.95, f"only {100 * hidden[under].mean():.0f}% of the body under the arm painted"
    dist = np.linalg.norm(out[under].astype(float) - shirt, axis=1)
    assert np.median(dist) < 15, f"under the arm: {np.median(out[under], axis=0)}, the shirt {shirt}"
    assert (np.linalg.norm(out[under].astype(float) - skin, axis=1) < 150).mean() < 0.01  # no streak of skin


def test_a_side_view_s_hidden_body_keeps_its_round_shoulder_under_the_sleeve():
    """A body seen from the side in a black shirt whose near sleeve covers the round top of its shoulder, above
    the shoulder joints' line, the shirt showing on both sides of it (the back, the neck: TikTok clip 1). The
    body is painted in under all of the sleeve within its own outline, its round top included: cut at the
    joints' line, it kept a notch there that showed the wall as a pale line once the arm swung forward."""
    from motion_transfer.engines.puppet.fill import fill_hidden_torso

    h, w = 400, 300
    shirt, sleeve = np.array([30, 25, 28]), np.array([45, 38, 42])
    joints = _side_view_joints()
    body = np.zeros((h, w), np.uint8)
    cv2.rectangle(body, (112, 110), (215, 285), 1, -1)
    cv2.ellipse(body, (163, 110), (51, 40), 0, 180, 360, 1, -1)  # the shoulders' round top, up to y 70
    arm = np.zeros((h, w), np.uint8)
    cv2.line(arm, (141, 95), (140, 190), 1, 40)  # the sleeve, over the shoulder's top, inside the outline
    arm &= body
    image = np.full((h, w, 3), 200, np.uint8)
    image[body > 0] = shirt
    image[arm > 0] = sleeve
    labels = np.full((h, w), -1, np.int16)
    labels[body > 0] = PARTS.index("torso")
    labels[arm > 0] = PARTS.index("l_upper_arm")
    _, hidden = fill_hidden_torso(image, labels, joints)
    top = (arm > 0) & (np.arange(h)[:, None] < 100)
    assert top.sum() > 300  # the sleeve does cover the shoulder's top above the joints' line
    assert hidden[top].mean() > 0.9, f"only {100 * hidden[top].mean():.0f}% of the shoulder under the sleeve painted"


def _front_joints(hip_y: int, right_elbow: tuple[int, int], right_wrist: tuple[int, int]) -> np.ndarray:
    """[33, 2] joints of a body facing the camera, 120 px across the shoulders, its left arm hanging."""
    joints = np.zeros((33, 2))
    joints[list(FACE)] = (160, 50)
    joints[J["right_shoulder"]], joints[J["left_shoulder"]] = (100, 100), (220, 100)
    joints[J["right_hip"]], joints[J["left_hip"]] = (115, hip_y), (205, hip_y)
    joints[J["right_elbow"]], joints[J["right_wrist"]] = right_elbow, right_wrist
    joints[J["left_elbow"]], joints[J["left_wrist"]] = (240, 200), (245, 290)
    return joints


def _front_body(shape: tuple[int, int], backdrop: int, colour: np.ndarray,
                bottom: int) -> tuple[np.ndarray, np.ndarray]:
    """(image, body mask): the torso of :func:`_front_joints`, a box of one ``colour`` on a grey ``backdrop``."""
    image = np.full((*shape, 3), backdrop, np.uint8)
    body = np.zeros(shape, np.uint8)
    cv2.rectangle(body, (95, 90), (225, bottom), 1, -1)
    image[body > 0] = colour
    return image, body


def test_the_tint_a_video_leaves_beside_a_black_sleeve_goes_with_the_sleeve():
    """A black forearm across a bare belly in a video frame, whose colour is blurred over more pixels than its
    light (chroma subsampling): for a few pixels beside the sleeve the skin is greyed, no blend of black and skin
    in RGB. Once the arm is painted away, no grey outline of it is left on the belly (TikTok clip 0: a pale line
    across her belly where her forearm's edge had been)."""
    from motion_transfer.engines.puppet.fill import fill_hidden_torso

    h, w = 400, 320
    top, skin = np.array([28, 24, 30]), np.array([200, 150, 125])
    joints = _front_joints(hip_y=320, right_elbow=(80, 215), right_wrist=(190, 225))
    image, body = _front_body((h, w), backdrop=225, colour=skin, bottom=340)
    image[90:170, 95:226] = top  # a black cropped top
    arm = np.zeros((h, w), np.uint8)
    cv2.line(arm, (80, 215), (200, 225), 1, 30)
    image[arm > 0] = top
    ycc = cv2.cvtColor(image, cv2.COLOR_RGB2YCrCb).astype(np.float32)
    ycc[..., 0] = cv2.GaussianBlur(ycc[..., 0], (0, 0), 0.8)
    ycc[..., 1:] = cv2.GaussianBlur(ycc[..., 1:], (0, 0), 3.0)
    image = cv2.cvtColor(np.clip(ycc + 0.5, 0, 255).astype(np.uint8), cv2.COLOR_YCrCb2RGB)
    labels = np.full((h, w), -1, np.int16)
    labels[body > 0] = PARTS.index("torso")
    upper = (arm > 0) & (np.arange(w)[None, :] < 130)
    labels[upper] = PARTS.index("r_upper_arm")
    labels[(arm > 0) & ~upper] = PARTS.index("r_lower_arm")
    out, _ = fill_hidden_torso(image, labels, joints)
    lab = cv2.cvtColor(out, cv2.COLOR_RGB2LAB).astype(float)
    belly = np.median(lab[280:320, 120:200, 1:].reshape(-1, 2), axis=0)
    cols = (np.arange(w)[None, :] > 110) & (np.arange(w)[None, :] < 190)
    beside = cv2.dilate(arm, None, iterations=10).astype(bool) & (arm == 0) & (body > 0) & cols
    beside &= np.arange(h)[:, None] > 225  # (below the forearm: above it lies the top's hem)
    off = np.linalg.norm(lab[beside][:, 1:] - belly, axis=1)
    assert np.percentile(off, 95) < 2.5, f"beside where the sleeve was, the skin's hue is {off.max():.1f} off"


def test_a_print_beside_a_sleeve_in_bluish_shade_is_left_as_it_is():
    """A light blue shirt with a print of white letters, its sleeve lying over the torso's side with a bluish
    shadow along its inner edge (TikTok clip 4: skylight makes the shade bluer than the shirt, off every RGB
    multiple of it, while in Lab only its lightness differs). The shadow is a shade of the shirt, not a colour of
    the arm's own: the letters' anti-aliased outlines beside it are no blend of arm and shirt and stay as they
    are (repainted, they made a pale blob beside the sleeve in every frame)."""
    from motion_transfer.engines.puppet.fill import fill_hidden_torso

    h, w = 400, 320
    shirt, shadow = np.array([140, 161, 189]), np.array([76, 105, 131])
    joints = _front_joints(hip_y=310, right_elbow=(80, 200), right_wrist=(75, 290))
    image, body = _front_body((h, w), backdrop=40, colour=shirt, bottom=330)
    image[140:170, 120:190] = (50, 66, 87)  # a navy band of the print above the letters
    letters = np.zeros((h, w), np.uint8)
    for x in range(150, 200, 14):
        cv2.rectangle(letters, (x, 185), (x + 8, 215), 1, -1)
    image[letters > 0] = (216, 232, 249)
    arm = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(arm, np.int32([[205, 95], [245, 95], [250, 230], [212, 230]]), 1)
    image[arm > 0] = shirt
    inner_edge = (arm > 0) & (cv2.erode(arm, np.ones((1, 13), np.uint8)) == 0) & (np.arange(w)[None, :] < 220)
    image[inner_edge] = shadow
    image = cv2.GaussianBlur(image, (0, 0), 1.2)
    labels = np.full((h, w), -1, np.int16)
    labels[body > 0] = PARTS.index("torso")
    labels[arm > 0] = PARTS.index("l_upper_arm")
    out, _ = fill_hidden_torso(image, labels, joints)
    outline = cv2.dilate(letters, None, iterations=3).astype(bool) & (arm == 0)
    changed = np.abs(out.astype(int) - image.astype(int))[outline].sum(axis=1) > 10
    assert changed.mean() < 0.003, f"{changed.sum()} pixels of the print's outline repainted"


def test_lab_distance_is_numpys_norm_bit_for_bit():
    """The rig's colour distances (fill.lab_distance) are the very floats np.linalg.norm gives, for a float32 or
    float64 colour and for a colour per pixel: swapping one for the other must not move a single label."""
    from motion_transfer.engines.puppet.fill import lab_distance

    rng = np.random.default_rng(3)
    image = (rng.random((61, 47, 3)) * 255).astype(np.uint8)
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    for colour in (lab[5, 7], rng.random(3) * 255, lab[::-1]):
        want = np.linalg.norm(lab - colour, axis=2)
        got = lab_distance(lab, colour)
        assert got.dtype == want.dtype
        assert np.array_equal(got, want)


def test_a_speck_of_the_hand_label_up_the_forearm_leaves_no_hole_in_its_mesh():
    """Triangles joining the forearm and the hand far from the wrist are dropped (a hand folded against the
    forearm must not drag it along), but a speck of the hand's label up the forearm, enclosed by it, parts
    nothing: dropped, it left a hole in the forearm (TikTok clip 1, a dark square near the wrist). A seam
    across the arm far from the wrist, from outline to outline, is still dropped."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from motion_transfer.engines.puppet.mesh import _split_folds, triangulate
    from motion_transfer.pose.skeleton import J

    H, W = 300, 200
    joints = np.zeros((33, 2))
    joints[J["left_shoulder"]], joints[J["right_shoulder"]] = (60.0, 20.0), (140.0, 20.0)
    joints[J["left_hip"]], joints[J["right_hip"]] = (80.0, 150.0), (120.0, 150.0)
    joints[J["left_elbow"]], joints[J["left_wrist"]] = (100.0, 40.0), (100.0, 240.0)
    for k in ("left_index", "left_pinky", "left_thumb"):
        joints[J[k]] = (100.0, 280.0)
    py, px = np.mgrid[0:H, 0:W]
    arm = (np.abs(px - 100) < 20) & (py >= 40) & (py < 290)
    labels = np.where(arm, PARTS.index("l_lower_arm"), -1).astype(np.int32)
    labels[arm & (py >= 240)] = PARTS.index("l_hand")
    speck = (np.abs(px - 100) < 8) & (np.abs(py - 120) < 8)
    labels[speck] = PARTS.index("l_hand")
    verts, tris = triangulate(arm, 6.0)

    def covered(v, t, x, y):
        P = v[t]

        def side(a, b):
            return (b[:, 0] - a[:, 0]) * (y - a[:, 1]) - (b[:, 1] - a[:, 1]) * (x - a[:, 0])

        s1, s2, s3 = side(P[:, 0], P[:, 1]), side(P[:, 1], P[:, 2]), side(P[:, 2], P[:, 0])
        return bool((((s1 >= 0) & (s2 >= 0) & (s3 >= 0)) | ((s1 <= 0) & (s2 <= 0) & (s3 <= 0))).any())

    v, t, _ = _split_folds("arm_l", verts, tris, labels, joints)
    assert all(covered(v, t, x, y) for x in (95, 100, 105) for y in (115, 120, 125))
    labels[arm & (py >= 120) & (py < 240)] = PARTS.index("l_hand")  # a seam right across, far from the wrist
    v, t, _ = _split_folds("arm_l", verts, tris, labels, joints)
    joined = coo_matrix((np.ones(3 * len(t)), (t.ravel(), np.roll(t, 1, axis=1).ravel())), shape=(len(v),) * 2)
    assert connected_components(joined, directed=False)[0] == 2  # the forearm above the seam, the rest below


def test_a_strand_of_hair_down_the_chest_beside_a_sleeve_is_left_as_it_is():
    """A thin dark strand of hair hanging down the bare chest past a white sleeve lying over the torso's side.
    Near the sleeve it looks like the arm's drawn outline (a thin line darker than both sides), but it runs on
    far below the arm: no outline of it. Painted over with the torso's colours, it stood as a pale streak on the
    skin in every frame (TikTok clip 5); it stays as it is."""
    from motion_transfer.engines.puppet.fill import fill_hidden_torso

    h, w = 400, 320
    skin, sleeve, hair = np.array([200, 150, 125]), np.array([235, 235, 232]), np.array([35, 28, 30])
    joints = _front_joints(hip_y=330, right_elbow=(80, 200), right_wrist=(75, 290))
    joints[J["left_elbow"]], joints[J["left_wrist"]] = (235, 175), (240, 260)
    image, body = _front_body((h, w), backdrop=225, colour=skin, bottom=390)
    arm = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(arm, np.int32([[204, 92], [250, 92], [252, 170], [206, 170]]), 1)
    image[arm > 0] = sleeve
    strand = np.zeros((h, w), np.uint8)
    cv2.line(strand, (196, 96), (190, 385), 1, 2)
    image[strand > 0] = hair
    image = cv2.GaussianBlur(image, (0, 0), 0.7)
    labels = np.full((h, w), -1, np.int16)
    labels[body > 0] = PARTS.index("torso")
    labels[arm > 0] = PARTS.index("l_upper_arm")
    out, hidden = fill_hidden_torso(image, labels, joints)
    assert hidden.any()
    along = cv2.dilate(strand, None).astype(bool) & (np.arange(h)[:, None] > 110) & (arm == 0)
    changed = np.abs(out.astype(int) - image.astype(int))[along].sum(axis=1) > 30
    assert changed.mean() < 0.02, f"{changed.sum()} of the strand's {along.sum()} pixels painted over"


def _far_arm_hidden(tmp_path):
    """A person whose left arm hangs behind the body (the image shows none of it) and whose right arm the image's
    bottom edge cuts below the elbow (its hand drawn on past the edge), rigged from its true joints with the
    left elbow and hand unseen: the image and its rig."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.engines.puppet.rig import rig_document, save_rig_json
    from motion_transfer.samples.mannequin import character_pose, render_mannequin

    clip = character_pose("a-pose", size=(360, 480))
    joints = clip.joints[0].copy()
    ls, lh, rs = (joints[J[k]] for k in ("left_shoulder", "left_hip", "right_shoulder"))
    hidden = ("elbow", "wrist", "index", "pinky", "thumb")
    for k, t in zip(hidden, (0.45, 0.8, 0.9, 0.9, 0.88)):
        joints[J[f"left_{k}"], :2] = (ls[0] - 0.35 * (ls[0] - rs[0]), ls[1] + t * (lh[1] - ls[1]))
        joints[J[f"left_{k}"], 2] = ls[2] + 200.0  # behind the torso
    image = render_mannequin(joints, clip.size, style="person", scale=clip.scale)
    el, wr = joints[J["right_elbow"]], joints[J["right_wrist"]]
    image = np.ascontiguousarray(image[:int(el[1] + 0.7 * (wr[1] - el[1]))])
    seen = np.ones(33)
    seen[[J[f"left_{k}"] for k in hidden]] = 0.0
    rig_path = save_rig_json(rig_document(joints[:, :2], seen, image.shape[1], image.shape[0], source="user"),
                             tmp_path / "rig.json")
    return image, rig_character(image, rig_path)


def test_an_arm_hidden_behind_the_body_is_drawn_from_its_twin_cut_by_the_border(tmp_path):
    """The far arm the body hides comes out, in the motion, beside the body: it is drawn as the other arm's
    mirror image (that arm's sleeve and skin), though the image's bottom edge cuts the other arm (its forearm
    and hand drawn on past the edge); and only while the actor's arm is seen (hidden, the stand-in is not
    drawn, not even beside the body)."""
    from motion_transfer.engines.puppet import Renderer

    image, rig = _far_arm_hidden(tmp_path)
    assert rig.meta["continued"] == ["arm_r"]
    assert rig.meta["drawn_from_twin"] == ["arm_l"]
    joints = rig.joints.astype(np.float64).copy()
    sh = joints[J["left_shoulder"]]
    upper = np.linalg.norm(joints[J["left_elbow"]] - sh)
    fore = np.linalg.norm(joints[J["left_wrist"]] - joints[J["left_elbow"]])
    out = np.array([np.sin(np.radians(40)), np.cos(np.radians(40))])  # held out to the side, 40 degrees
    joints[J["left_elbow"]] = sh + upper * out
    for k in ("wrist", "index", "pinky", "thumb"):
        joints[J[f"left_{k}"]] = sh + (upper + fore) * out
    posed = extend(joints) + np.array([60.0, 0.0])
    mid = np.round((posed[J["left_elbow"]] + posed[J["left_wrist"]]) / 2).astype(int)
    sleeve = np.round(posed[J["left_shoulder"]] + 0.45 * (posed[J["left_elbow"]] - posed[J["left_shoulder"]]))
    sleeve = sleeve.astype(int)

    def frame(visible: float) -> np.ndarray:
        vis = np.ones(36)
        vis[[J[f"left_{k}"] for k in ("elbow", "wrist")]] = visible
        canvas = np.full((image.shape[0] + 120, image.shape[1] + 120, 3), 200, np.uint8)
        return Renderer(rig, canvas.shape[1], canvas.shape[0]).render(canvas, posed, np.zeros(36), 1.0, 0.0, vis)

    def colour(img: np.ndarray, at: np.ndarray) -> np.ndarray:
        return np.median(img[at[1] - 2:at[1] + 3, at[0] - 2:at[0] + 3].reshape(-1, 3).astype(float), axis=0)

    seen = frame(1.0)
    assert np.linalg.norm(colour(seen, mid) - SKIN) < 45, colour(seen, mid)  # the twin's skin, not a shadow
    assert np.linalg.norm(colour(seen, sleeve) - SHIRT) < 45, colour(seen, sleeve)  # its sleeve, the shirt's
    hidden = frame(0.0)
    assert np.abs(colour(hidden, mid) - 200).max() < 3, colour(hidden, mid)
