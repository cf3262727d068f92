"""The forearm and hand the rig draws past a photograph's border read as that photograph's skin: its colour, its
shading across the limb, its grain (drawn in smooth shading alone, TikTok character 4's raised forearm and hand lay
on the photo as flat orange-beige cut-outs beside her grainy upper arm); drawn art's flat colours stay flat."""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from motion_transfer.engines.puppet import fill
from motion_transfer.engines.puppet.drawn_hand import draw_hand, open_hand_joints
from motion_transfer.engines.puppet.photo_look import add_grain, skin_grain
from motion_transfer.engines.puppet.model import LAYERS, PARTS
from motion_transfer.pose.fingers import FINGERS
from motion_transfer.pose.skeleton import J
from close_up_scene import seg_dist

SHIRT = np.array([46.0, 98.0, 168.0])
SKIN = np.array([226.0, 168.0, 136.0])
NOISE = 5.0  # the photograph's grain (8-bit levels per channel)
H, W, h = 360, 280, 180  # the image is the top 180 rows; below, the padding the arm goes on over
RADIUS = 14.0
ELBOW = np.array([110.0, 100.0])
U = np.array([np.sin(np.radians(30.0)), np.cos(np.radians(30.0))])  # down the forearm


def _photographed_cut(noise: float = NOISE):
    """(image, matte, labels, joints): a photographed figure in a shirt, its bare left forearm running down to the
    image's bottom edge, its wrist past it; the skin shaded round across the arm (darker to its sides) and grainy
    (``noise``), as a camera's."""
    rng = np.random.default_rng(1)
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    shoulder = np.array([95.0, 40.0])
    inside = py < h
    d_arm = seg_dist(px, py, ELBOW, ELBOW + 300 * U)
    arm = inside & ((d_arm < RADIUS) | (seg_dist(px, py, shoulder, ELBOW) < 15))
    torso = inside & (px >= 20) & (px < 92) & (py >= 35) & ~arm
    head = inside & (np.hypot(px - 55, py - 15) < 14)
    round_shade = 1.0 - 0.18 * np.clip(d_arm / RADIUS, 0.0, 1.0) ** 2
    image = np.zeros((H, W, 3), np.float64)
    image[torso] = SHIRT
    image[head] = SKIN
    image[arm] = SKIN * round_shade[arm][:, None]
    image += rng.standard_normal((H, W, 1)) * noise + rng.standard_normal((H, W, 3)) * 0.3 * noise
    image = np.clip(image, 0, 255).astype(np.uint8)
    matte = (torso | head | arm).astype(np.float32)
    labels = np.full((H, W), -1, np.int32)
    labels[torso] = PARTS.index("torso")
    labels[head] = PARTS.index("head")
    labels[arm] = PARTS.index("l_upper_arm")
    labels[arm & (py > ELBOW[1])] = PARTS.index("l_lower_arm")
    wrist = ELBOW + 160 * U
    joints = np.zeros((len(J), 2))
    for name, at in {"nose": (55, 15), "left_shoulder": shoulder, "right_shoulder": (15, 40),
                     "right_elbow": (5, 100), "right_wrist": (0, 150), "left_elbow": ELBOW, "left_wrist": wrist,
                     "left_index": wrist + 30 * U + (4, 0), "left_pinky": wrist + 28 * U - (6, 0),
                     "left_thumb": wrist + 12 * U + (8, 0), "left_hip": (75, 210), "right_hip": (25, 210)}.items():
        joints[J[name]] = at
    return image, matte, labels, joints


def _spread(image: np.ndarray, where: np.ndarray) -> float:
    """The robust spread (8-bit levels, mean over channels) of what a 1.5 px blur takes out of ``image`` there."""
    high = image.astype(np.float32) - cv2.GaussianBlur(image.astype(np.float32), (0, 0), 1.5)
    d = high[where]
    return float((1.4826 * np.median(np.abs(d - np.median(d, axis=0)), axis=0)).mean())


def _drawn_forearm(labels: np.ndarray, matte: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """The drawn forearm's solid pixels past the border, short of its hand, away from its outline."""
    fore = (labels == PARTS.index(LAYERS["arm_l"][1])) & (matte >= 0.99)
    fore[:h + 5] = False
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    fore &= np.hypot(px - joints[J["left_wrist"]][0], py - joints[J["left_wrist"]][1]) > 12
    return cv2.erode(fore.astype(np.uint8), None, iterations=3).astype(bool)


def _lab(rgb: np.ndarray) -> np.ndarray:
    px = np.clip(np.asarray(rgb, np.float32) + 0.5, 0, 255).astype(np.uint8).reshape(-1, 1, 3)
    return cv2.cvtColor(px, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)


def test_a_forearm_drawn_past_a_photographs_border_has_its_skins_colour_shading_and_grain():
    """The forearm drawn on past the border: its colour within 8 (Lab, 8-bit) of the visible forearm's, darker
    toward its sides than along its middle (round, not flat), and as grainy as the photograph's skin (at least
    half its grain; drawn in smooth shading alone it had a fifth of it)."""
    image, matte, labels, joints = _photographed_cut()
    visible = (labels == PARTS.index("l_lower_arm")) & (matte >= 0.99)
    visible = cv2.erode(visible.astype(np.uint8), None, iterations=3).astype(bool)
    seen = _spread(image, visible)
    hand = fill.continue_cut_arm(image, matte, labels, joints, "arm_l", (0, 0, W, h))
    assert hand is not None
    drawn = _drawn_forearm(labels, matte, joints)
    assert drawn.sum() > 200, "no forearm drawn past the border"
    gap = np.linalg.norm(_lab(np.median(image[drawn], axis=0)) - _lab(np.median(image[visible], axis=0)))
    assert gap < 8.0, f"the drawn forearm's colour {gap:.1f} from the visible one's"
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    axis = seg_dist(px, py, ELBOW, hand.joints[0])
    solid = (labels == PARTS.index(LAYERS["arm_l"][1])) & (matte >= 0.99) & (py > h + 5) & (py < h + 60)
    width = float(axis[solid].max())
    light = image[solid & (axis < 0.3 * width)].mean()
    sides = image[solid & (axis > 0.75 * width)].mean()
    assert light - sides >= 6.0, f"across the drawn forearm {light:.0f} along its middle, {sides:.0f} at its sides"
    grain = _spread(image, drawn)
    assert grain >= 0.5 * seen, f"the drawn forearm's grain {grain:.1f}, the photograph's {seen:.1f}"
    assert np.all(hand.grain > 0)


def _hue(rgb: np.ndarray) -> float:
    """The hue angle (degrees, Lab's a-b plane) of ``rgb``."""
    a, b = _lab(rgb)[0, 1:] - 128.0
    return float(np.degrees(np.arctan2(b, a)))


def test_a_hand_drawn_on_an_arm_in_a_coloured_shade_takes_that_arms_skin_not_the_faces():
    """The bare forearm the border cuts lies in a room's warmer, yellower shade than the face (its hue 18 degrees
    off the face's, 32 levels darker). The hand and forearm drawn past the border take the arm's own hue (within 4
    degrees), brightened to near the face's lightness (within 12 levels: a hand the motion raises is lit), not the
    face's colour: on main the arm's shade was passed over for the skin below the face, a hand 18 degrees off the
    arm it ends (the face's colour, read as drawn: TikTok character 3, and a coloured room's light)."""
    arm_skin = np.array([180.0, 140.0, 92.0])
    image, matte, labels, joints = _photographed_cut()
    arm = np.isin(labels, [PARTS.index(p) for p in LAYERS["arm_l"]])
    image[arm] = np.clip(image[arm] * (arm_skin / SKIN) + 0.5, 0, 255).astype(np.uint8)
    hand = fill.continue_cut_arm(image, matte, labels, joints, "arm_l", (0, 0, W, h))
    assert hand is not None
    own, face = _hue(arm_skin), _hue(SKIN)
    assert abs(own - face) > 15.0
    for what, colour in (("hand", hand.skin), ("forearm", np.median(image[_drawn_forearm(labels, matte, joints)],
                                                                     axis=0))):
        assert abs(_hue(colour) - own) <= 4.0, f"the drawn {what}'s hue {_hue(colour):.0f}, the arm's {own:.0f}, " \
            f"the face's {face:.0f}"
    lightness, lit = _lab(hand.skin)[0, 0], _lab(SKIN)[0, 0]
    assert lightness >= lit - 12.0, f"the drawn hand's lightness {lightness:.0f}, the face's {lit:.0f}"


def test_drawn_arts_flat_skin_has_no_grain_and_none_is_laid_on_it():
    """A flat-coloured (drawn) figure measures no grain, and the skin drawn for it is left exactly as drawn (the
    drawn characters' layers stay as they were)."""
    image, _, labels, _ = _photographed_cut(noise=0.0)
    skin = labels >= 0
    grain = skin_grain(image, skin)
    assert not np.any(grain)
    before = image.copy()
    add_grain(image, skin, grain)
    assert np.array_equal(image, before)


def test_a_drawn_hand_on_a_photograph_is_grainy_with_no_dark_lines_inside_it():
    """The hand drawn each frame for a photograph gets the skin's grain (fixed to the hand: the same pattern as it
    moves), and its fingers are parted by soft shade: no pixel inside it darker than the skin's shade by more than
    the grain allows."""
    wrist = np.array([80.0, 30.0])
    joints = open_hand_joints(wrist, wrist + (0, 100), wrist + (40, 0), 150.0, 20.0)
    shade = SKIN * 0.85
    grain = np.full(3, NOISE, np.float32)
    patch = np.zeros((200, 160, 4), np.uint8)
    draw_hand(patch, joints, np.zeros(16), 20.0, SKIN, shade, grain=grain)
    solid = cv2.erode((patch[:, :, 3] == 255).astype(np.uint8), None, iterations=2).astype(bool)
    assert solid.sum() > 2000
    assert _spread(patch[:, :, :3], solid) >= 0.5 * NOISE
    smooth = cv2.GaussianBlur(patch[:, :, :3].astype(np.float32), (0, 0), 1.5)
    darkest = smooth[solid].mean(axis=1).min()
    assert darkest >= shade.mean() - 2.0 * NOISE / 1.5, f"a dark line inside the hand: {darkest:.0f}"
    moved = np.zeros((200, 160, 4), np.uint8)
    draw_hand(moved, joints + (7, 5), np.zeros(16), 20.0, SKIN, shade, grain=grain)
    here = solid[:-5, :-7] & solid[5:, 7:]
    assert np.abs(moved[5:, 7:, :3][here].astype(int) - patch[:-5, :-7, :3][here].astype(int)).max() <= 1


def _seams(blur: float) -> float:
    """The sharpest seam inside a hand drawn with ``blur``: the largest drop of a pixel below its row's lighter
    neighbours 2 px to either side (an ink line is a deep, narrow one)."""
    wrist = np.array([80.0, 30.0])
    joints = open_hand_joints(wrist, wrist + (0, 100), wrist + (40, 0), 150.0, 20.0)
    patch = np.zeros((200, 160, 4), np.uint8)
    draw_hand(patch, joints, np.zeros(16), 20.0, SKIN, SKIN * 0.85, blur=blur)
    grey = patch[:, :, :3].astype(np.float32).mean(axis=2)
    solid = cv2.erode((patch[:, :, 3] == 255).astype(np.uint8), None, iterations=4).astype(bool)
    sides = np.minimum(np.roll(grey, 2, axis=1), np.roll(grey, -2, axis=1))
    return float((sides - grey)[solid].max())


def test_the_seams_between_a_photographs_drawn_fingers_are_as_soft_as_its_edges():
    """With the photograph's blur (1 px), the seams between the drawn fingers are soft shade, not ink lines: at
    most two thirds as deep over their width as drawn crisp to the pixel."""
    crisp, soft = _seams(0.0), _seams(1.0)
    assert crisp > 2.0
    assert soft <= 2.0 / 3.0 * crisp, f"seams {soft:.1f} deep with the blur, {crisp:.1f} without"


def _side_view_sleeve():
    """(image, matte, labels, joints): a photographed body seen from the side (shoulders 30 px apart over a torso
    150 px long), its left arm in a short sleeve the image's bottom edge cuts above the elbow."""
    rng = np.random.default_rng(2)
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    shoulder, elbow, wrist = np.array([70.0, 40.0]), np.array([80.0, 215.0]), np.array([95.0, 320.0])
    inside = py < h
    arm = inside & (seg_dist(px, py, shoulder, elbow) < 13)
    torso = inside & (px >= 30) & (px < 75) & (py >= 35) & ~arm
    head = inside & (np.hypot(px - 55, py - 15) < 14)
    image = np.zeros((H, W, 3), np.float64)
    image[torso] = SHIRT
    image[arm] = SHIRT * 0.8
    image[head] = SKIN
    image = np.clip(image + rng.standard_normal((H, W, 1)) * 1.0, 0, 255).astype(np.uint8)
    matte = (torso | head | arm).astype(np.float32)
    labels = np.full((H, W), -1, np.int32)
    labels[torso] = PARTS.index("torso")
    labels[head] = PARTS.index("head")
    labels[arm] = PARTS.index("l_upper_arm")
    joints = np.zeros((len(J), 2))
    u = (wrist - elbow) / np.linalg.norm(wrist - elbow)
    for name, at in {"nose": (60, 15), "left_shoulder": shoulder, "right_shoulder": (40, 40),
                     "right_elbow": (35, 120), "right_wrist": (35, 170), "left_elbow": elbow, "left_wrist": wrist,
                     "left_index": wrist + 30 * u + (4, 0), "left_pinky": wrist + 28 * u - (6, 0),
                     "left_thumb": wrist + 12 * u + (8, 0), "left_hip": (70, 190), "right_hip": (40, 190)}.items():
        joints[J[name]] = at
    return image, matte, labels, joints


def test_a_forearm_drawn_for_a_body_seen_from_the_side_is_as_thick_as_its_hand_is_wide():
    """A body seen from the side has narrow shoulders: the forearm drawn past the border from its elbow, sized by
    them, was a thin stick holding a hand twice as wide (TikTok character 1 cut at 60%). Sized by the body the hand
    is sized by, the palm is at most 1.6 times as wide as the forearm halfway along it."""
    image, matte, labels, joints = _side_view_sleeve()
    hand = fill.continue_cut_arm(image, matte, labels, joints, "arm_l", (0, 0, W, h))
    assert hand is not None
    elbow, wrist = joints[J["left_elbow"]], joints[J["left_wrist"]]
    mid = (elbow + wrist) / 2
    u = (wrist - elbow) / np.linalg.norm(wrist - elbow)
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    along = (px - mid[0]) * u[0] + (py - mid[1]) * u[1]
    across = (px - mid[0]) * -u[1] + (py - mid[1]) * u[0]
    fore = (labels == PARTS.index("l_lower_arm")) & (matte >= 0.5) & (np.abs(along) < 1.0)
    assert fore.sum() > 3, "no forearm drawn halfway to the wrist"
    width = float(across[fore].max() - across[fore].min())
    assert 2.0 * hand.half_width <= 1.6 * width, f"palm {2 * hand.half_width:.0f} px wide, the forearm {width:.0f}"


def _photographs_drawn_hand(scale: float = 1.0, grainy: bool = True, spread: float = 0.0):
    """(hand, patch, smooth): the hand drawn for the photographed figure whose wrist lies past the image's border,
    as each frame draws it (its rest pose, ``scale`` times its size about its wrist, its four fingers turned apart
    about their bases by ``spread`` radians each from the next, over nothing, with the photograph's blur and, if
    ``grainy``, its grain), and its lightness smoothed of the grain."""
    image, matte, labels, joints = _photographed_cut()
    hand = fill.continue_cut_arm(image, matte, labels, joints, "arm_l", (0, 0, W, h))
    assert hand is not None and not hand.outlined
    posed = hand.joints[0] + scale * (hand.joints - hand.joints[0])
    for k, finger in enumerate(FINGERS[name] for name in ("index", "middle", "ring", "pinky")):
        turn = spread * (1.5 - k)
        c, s = np.cos(turn), np.sin(turn)
        base = posed[finger[0]].copy()
        posed[list(finger)] = base + (posed[list(finger)] - base) @ np.array([[c, s], [-s, c]])
    patch = np.zeros((H + round(scale * 120), W + round(scale * 60), 4), np.uint8)
    draw_hand(patch, posed, np.zeros(16), scale * hand.half_width, hand.skin, hand.shade, hand.light, hand.outlined,
              hand.grain if grainy else None, hand.blur)
    smooth = cv2.GaussianBlur(patch[:, :, :3].astype(np.float32), (0, 0), 1.5).mean(axis=2)
    return replace(hand, joints=posed, half_width=scale * hand.half_width), patch, smooth


def _across(hand, at: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """[N, 2] the points ``offsets`` (pixels) from ``at`` across the hand (perpendicular to wrist-to-knuckles)."""
    along = (hand.joints[5] + hand.joints[17]) / 2 - hand.joints[0]
    v = np.array([-along[1], along[0]]) / np.linalg.norm(along)
    return at + offsets[:, None] * v


def _sample(a: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``a`` (HxW float32) at ``points`` [N, 2] (x, y), bilinear."""
    xy = points.astype(np.float32)
    return cv2.remap(a, xy[:, :1], xy[:, 1:], cv2.INTER_LINEAR)[:, 0]


def test_a_photographs_drawn_fingers_are_round_across():
    """Each drawn finger is lit along its middle and darker towards its sides, as a round finger is (in one flat
    colour, shaded only at its very edge, the hand read as a cartoon mitten beside the photographed face: TikTok
    characters 4 and 5): across the middle finger's middle bone (the hand drawn three times the figure's size, so
    that its fingers are wider than the grain), its sides (0.18 of the palm's half-width out, inside the finger)
    at least 4 levels darker than its middle."""
    hand, patch, smooth = _photographs_drawn_hand(scale=3.0)
    mid = (hand.joints[10] + hand.joints[11]) / 2
    offsets = np.array([-0.18, 0.0, 0.18]) * hand.half_width
    inside = _sample(patch[:, :, 3].astype(np.float32), _across(hand, mid, offsets))
    assert inside.min() >= 250, "the middle finger is not where its joints are"
    profile = _sample(smooth, _across(hand, mid, offsets))
    assert profile[1] - max(profile[0], profile[2]) >= 4.0, f"across the middle finger: {profile.round(1)}"


def test_a_photographs_drawn_fingers_are_lit_from_the_side_the_light_comes_from():
    """Lit from one side across the hand (the character's skin brightening that way at full strength), each of the
    middle three fingers is lighter on that side than on its other, as a round finger in side light is: across its
    middle bone (the hand drawn three times the figure's size, without grain), 0.12 of the palm's half-width either
    side of its axis, at least 8 levels apart. On main (shaded alike on both sides, the hand's light across it alone)
    4 levels, now 12: the fingers read as a glove's beside the photograph lit from one side (TikTok 5<-0)."""
    image, matte, labels, joints = _photographed_cut()
    hand = fill.continue_cut_arm(image, matte, labels, joints, "arm_l", (0, 0, W, h))
    assert hand is not None and not hand.outlined
    scale = 3.0
    posed = hand.joints[0] + scale * (hand.joints - hand.joints[0]) + (0.0, -100.0)
    along = (posed[5] + posed[17]) / 2 - posed[0]
    light = np.array([-along[1], along[0]], np.float32) / np.linalg.norm(along)
    patch = np.zeros((H, W + 100, 4), np.uint8)
    draw_hand(patch, posed, np.zeros(16), scale * hand.half_width, hand.skin, hand.shade, light, False, None, 0.0)
    lightness = patch[:, :, :3].astype(np.float32).mean(axis=2)
    for name in ("index", "middle", "ring"):
        at = (posed[FINGERS[name][1]] + posed[FINGERS[name][2]]) / 2
        bone = posed[FINGERS[name][2]] - posed[FINGERS[name][1]]
        v = np.array([-bone[1], bone[0]]) / np.linalg.norm(bone)
        v = v if v @ light > 0 else -v
        points = at + np.array([[0.12], [-0.12]]) * scale * hand.half_width * v
        assert _sample(patch[:, :, 3].astype(np.float32), points).min() >= 250, f"no {name} finger there"
        lit_side, far_side = _sample(lightness, points)
        assert lit_side - far_side >= 8.0, f"the {name} finger {lit_side:.0f} on its lit side, {far_side:.0f} across"


def test_a_photographs_drawn_hand_is_no_wider_than_its_wrist_allows():
    """The drawn hand is at most 1.25 times as wide across its fingers' bases (the palm's breadth, the thumb left
    out) as the forearm at its wrist (wider, beside its spread fingers, it read as a glove too big for the arm:
    TikTok characters 4 and 5)."""
    hand, patch, _ = _photographs_drawn_hand()
    knuckles = hand.joints[0] + 1.1 * ((hand.joints[5] + hand.joints[17]) / 2 - hand.joints[0])
    steps = np.arange(-4.0 * hand.half_width, 4.0 * hand.half_width, 0.25)
    alpha = _sample(patch[:, :, 3].astype(np.float32), _across(hand, knuckles, steps))
    width = 0.25 * float((alpha >= 128).sum())
    assert width <= 1.25 * 2.0 * hand.wrist_radius, f"hand {width:.1f} px wide, its wrist {2 * hand.wrist_radius:.1f}"


def test_a_photographs_drawn_hand_has_no_lines_across_its_palm():
    """Across the drawn palm (the hand three times the figure's size, its fingers spread, drawn without the grain,
    which is no line) the skin's shade changes smoothly: no pixel more than 3 levels darker than the lighter of its
    neighbours 2 px to either side. The fingers' rounded bases, shaded round, drew brown lines across the palm, ink
    beside the blurry photograph, until merged into it (over 3 levels deep, unmerged)."""
    hand, patch, smooth = _photographs_drawn_hand(scale=3.0, grainy=False, spread=-0.3)
    knuckles = (hand.joints[5] + hand.joints[17]) / 2
    py, px = np.mgrid[0:patch.shape[0], 0:patch.shape[1]].astype(np.float64)
    u = (knuckles - hand.joints[0]) / np.linalg.norm(knuckles - hand.joints[0])
    along = (px - hand.joints[0][0]) * u[0] + (py - hand.joints[0][1]) * u[1]
    reach = float(np.linalg.norm(knuckles - hand.joints[0]))
    solid = cv2.erode((patch[:, :, 3] == 255).astype(np.uint8), None, iterations=3).astype(bool)
    palm = solid & (along > 0.15 * reach) & (along < 1.1 * reach)
    assert palm.sum() > 300
    drop = np.zeros_like(smooth)
    for shift in ((0, 2), (2, 0), (2, 2), (2, -2)):  # (either side, in four directions)
        sides = np.minimum(np.roll(smooth, shift, axis=(0, 1)), np.roll(smooth, (-shift[0], -shift[1]), axis=(0, 1)))
        drop = np.maximum(drop, sides - smooth)
    assert float(drop[palm].max()) <= 3.0, f"a line {drop[palm].max():.1f} levels deep across the palm"
