"""How wide a turned torso is drawn: its outline, not its joints' span.

A torso turned by an angle brings its shoulder (and hip) joints together by the angle's cosine, but its outline
narrows far less: the body has depth, which turns into view as the front turns away. The puppet's torso is a flat
front view spanned between the joints, so a character whose torso simply follows the actor's joints turns into a
paper cut-out squeezed by the cosine (TikTok clip 5's close-up, frame 115: the pose model's shoulders at 0.65 of
their frontal span as she turns a little, her silhouette (MediaPipe's person mask) at 0.77, the character's body,
sleeves and all, drawn at the 0.65). Drawn as wide as the outline of a body ``DEPTH`` deep (an ellipse in cross
section), the character narrows as the actor's silhouette does; its joints stay the actor's. Turned far, the
arms hang where the torso draws its shoulders (``engines.puppet.render.ARM_AT_OUTLINE``): hung at the joints, an
arm's top, as wide as ever, slid inwards over the narrowed torso's neckline.
"""
from __future__ import annotations

import numpy as np

# a torso's depth, front to back, in its frontal outline's widths (the silhouettes of TikTok clips 1 and 5 against
# their joints' spans: joints at 0.41-0.53 of their frontal span, silhouette 0.68-0.72 (0.61-0.68 with this
# depth); joints at 0.65-0.85, silhouette 0.77-0.89 (0.75-0.89))
DEPTH = 0.5


def outline_share(facing: np.ndarray) -> np.ndarray:
    """The outline's width, in the frontal outline's widths, of a torso whose joints span ``facing`` (0..1) of
    their frontal span: the cosine of its turn."""
    c = np.clip(facing, 0.0, 1.0)
    return np.sqrt(c * c + DEPTH * DEPTH * (1.0 - c * c))


def outline_gain(span: np.ndarray, full: np.ndarray, drawn_at: float = 1.0) -> np.ndarray:
    """How many times wider than the actor's joints ``span`` [T] a torso width is drawn, the actor's frontal span
    being ``full`` [T] (its distance to the camera included): the turned body's outline over the joints' span,
    against the same ratio at ``drawn_at``, the share of the frontal span the character's image shows (its texture
    already has that turn's outline). Below 1 where the actor faces the camera more than the image does: its joints
    spread by the turn's cosine, its outline by far less (TikTok character 1, turned in her image, joints at 0.76
    of their frontal span: drawn at the joints as her dancer turned to the camera, her shirt's print swelled)."""
    facing = np.clip(span / np.maximum(full, 1e-6), 1e-3, 1.0)
    at = float(np.clip(drawn_at, 1e-3, 1.0))
    ratio = outline_share(facing) / facing
    return ratio / (float(outline_share(np.array(at))) / at)
