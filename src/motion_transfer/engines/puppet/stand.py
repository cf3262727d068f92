"""Standing a figure whose legs its picture hides on the floor the picture shows.

A drawn figure fitted with hidden legs (a penguin, a snowman, a long dress: the fit finds no legs apart below its
trunk) still gets the dancer's legs in its skeleton, hanging at a person's length from its hips inside or below
its body. Placed by those legs' feet (the retarget pins them to the dancer's), its drawn bottom floated above the
floor by that length less its own stubby bottom's. Instead its lowest drawn point keeps to the row it stood on in
its picture (where the picture's own background shows that floor), and leaves it only by as much as the dancer's
lower foot rises above where the dancer stands: a jump lifts it, a squat or a raised knee does not.

A figure whose picture shows its legs is stood by them: the retarget puts its feet on the dancer's. (Moved instead
by its foot joints to its picture's floor, the lead's teddy bear rose 40 px off it: its stubby feet are drawn
short of their joints, and on the dancer's ground they had stood where they stood in the picture.)
"""
from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d, maximum_filter1d

from ...media.framing import cover
from ...pose.retarget import LEFT_FOOT, RIGHT_FOOT, Motion, extend
from ...pose.skeleton import J
from .model import LEG_PARTS, PARTS, Rig
from .render import bone_transforms

LEGS = (J["left_knee"], J["right_knee"]) + LEFT_FOOT + RIGHT_FOOT
SOLE = 0.01  # the lowest drawn points: those within this share of the picture's height of its lowest row
# where the dancer stands: the lower foot's lowest row over this many seconds about each frame (a jump is shorter)
GROUND_S = 1.5
# the dancer's feet are seen in at least this share of the frames (a full-body dance): a dance framed from the
# waist up has no floor to stand on, and the figure, at the dancer's size, stood on its picture's floor showed only
# its belly (TikTok clip 0, whose dancer's feet are never in view; the lead's dances show them in every frame)
FEET_SEEN = 0.5
RISE_SMOOTH_S = 0.05  # the lift's smoothing (the pose model's feet jitter by a few pixels from frame to frame)


def whole(rig: Rig) -> bool:
    """Whether the picture shows the whole figure: its bottom above the picture's bottom edge."""
    return rig.matte is not None and rig.labels is not None and not (rig.matte[-1] > 0.5).any()


def hidden_legs(rig: Rig) -> bool:
    """Whether the picture shows the whole figure and none of its legs: no knee or foot seen, no pixel labelled
    a leg."""
    if not whole(rig):
        return False
    legs = [PARTS.index(p) for p in LEG_PARTS["left"] + LEG_PARTS["right"]]
    return bool((rig.visibility[list(LEGS)] < 0.5).all() and not np.isin(rig.labels, legs).any())


def soles(rig: Rig) -> np.ndarray:
    """[N, 2] the figure's lowest drawn points (rig pixels): the bottom of each column of its matte, where that
    lies within :data:`SOLE` of its lowest row."""
    inside = rig.matte > 0.5
    cols = np.flatnonzero(inside.any(axis=0))
    bottom = rig.height - 1 - np.argmax(inside[::-1, cols], axis=0)
    keep = bottom >= bottom.max() - SOLE * rig.height
    return np.stack([cols[keep], bottom[keep]], axis=1).astype(np.float64)


def feet_seen(motion: Motion) -> np.ndarray:
    """[T] bool: both of the dancer's feet are seen, inside the output frame."""
    seen = np.ones(len(motion), bool)
    for foot in (LEFT_FOOT, RIGHT_FOOT):
        seen &= (motion.visibility[:, list(foot)].min(axis=1) >= 0.5) & (motion.joints[:, list(foot), 1].max(axis=1)
                                                                          < motion.out_h)
    return seen


def lower_foot(motion: Motion) -> np.ndarray:
    """[T] output row of the dancer's lower foot (its lowest point)."""
    return motion.joints[:, list(LEFT_FOOT + RIGHT_FOOT), 1].astype(np.float64).max(axis=1)


def dancer_ground(motion: Motion) -> np.ndarray:
    """[T] output row the dancer stands on: the lower foot's lowest row over :data:`GROUND_S` about each frame."""
    return maximum_filter1d(lower_foot(motion), 2 * round(GROUND_S * motion.fps / 2) + 1, mode="nearest")


def dancer_rise(motion: Motion, ground: np.ndarray) -> np.ndarray:
    """[T] output pixels the dancer's lower foot is above ``ground`` (:func:`dancer_ground`): 0 while a foot is
    planted (between its contacts the retarget places the feet from the shoulders down, a few pixels off the
    ground) or a foot is not seen."""
    airborne = feet_seen(motion) & ~motion.planted.any(axis=1)
    rise = np.where(airborne, np.maximum(ground - lower_foot(motion), 0.0), 0.0)
    return gaussian_filter1d(rise, max(1.0, RISE_SMOOTH_S * motion.fps), mode="nearest")


def pelvis_maps(rig: Rig, motion: Motion) -> np.ndarray:
    """[T, 2, 3] the pelvis's map from rig pixels to output pixels in each frame."""
    rest = extend(rig.joints.astype(np.float64))
    return bone_transforms(rest, motion.joints.astype(np.float64), motion.width_scale, np.zeros(len(motion)),
                           torso_width=motion.torso_width)["pelvis"]


def stands_on_floor(rig: Rig, motion: Motion) -> bool:
    """Whether the figure is stood on its picture's floor (:func:`floor_shift`): the picture hides its legs, and
    the dance shows the dancer's feet (:data:`FEET_SEEN`)."""
    return len(motion) > 0 and hidden_legs(rig) and feet_seen(motion).mean() >= FEET_SEEN


def floor_shift(rig: Rig, motion: Motion) -> np.ndarray:
    """[T] output pixels to move a figure that :func:`stands_on_floor` down by (up where negative) so that its
    lowest drawn point (moved with its pelvis) stands on its picture's floor (that point's row in the picture,
    placed like the background and moved with the camera), lifted by :func:`dancer_rise`; on the dancer's ground
    where the output crops its picture's floor away (a portrait picture in a landscape output: stood on it, the
    penguin was cut at its chest)."""
    pts = soles(rig)
    place = cover(rig.width, rig.height, motion.out_w, motion.out_h)
    floor = place.apply(np.array([pts[:, 0].mean(), pts[:, 1].max()], np.float32)).astype(np.float64)
    ground = dancer_ground(motion)
    if floor[1] >= motion.out_h:
        rows = gaussian_filter1d(ground, max(1.0, GROUND_S * motion.fps / 2), mode="nearest")
    elif motion.camera is not None:  # the picture's floor moves with the background
        rows = motion.camera[:, 1, 0] * floor[0] + motion.camera[:, 1, 1] * floor[1] + motion.camera[:, 1, 2]
    else:
        rows = np.full(len(motion), floor[1])
    pelvis = pelvis_maps(rig, motion)
    lowest = (pelvis[:, None, 1, :2] @ pts.T[None]).squeeze(1).max(axis=1) + pelvis[:, 1, 2]
    return rows - dancer_rise(motion, ground) - lowest
