"""The dark lines beside an arm that the body layer paints over (:func:`fill._paint_lines`: the arm's outline, the
folds it presses into the shirt) are painted with the cloth right round them, in its own shade, fading into it,
and a light print beside them is left as it is. Painted flat from the shirt's clean pixels farther off (the lit
shirt and the print's light letters among them: the folds' soft shoulders are no clean pixels), TikTok character
4's folds at the armpit stood as pale flat fingers with dark rims, letter-like ghosts on the side a raised arm
uncovers."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.fill import _paint_lines
from torso_scene import cie_lab, photographed

H, W, SW = 120, 120, 150.0  # the crop, and the body's shoulder width in pixels
SHIRT, SHADE, FOLD, PRINT = (180, 200, 235), (140, 160, 200), (80, 100, 145), (248, 250, 253)
LIT = 80  # the columns right of this are the lit shirt, left of it the shirt in the arm's shade
LETTER = np.s_[30:90, 62:74]  # a light print's stroke just beyond the folds, in the shade


def _folds_in_shade() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, folds, known, letter): the shirt in the arm's shade with three dark folds (each with a soft
    shoulder of its shade), a light print's stroke beside them, the lit shirt beyond; the known (clean) pixels
    all but the folds' shoulders, as the fill finds them beside an arm."""
    image = np.zeros((H, W, 3), np.float32)
    image[:] = SHADE
    image[:, LIT:] = SHIRT
    folds = np.zeros((H, W), np.uint8)
    for x in (20, 34, 48):
        cv2.line(folds, (x, 25), (x + 6, 95), 1, 3)
    shoulders = cv2.dilate(folds, None, iterations=2).astype(bool)
    folds = folds.astype(bool)
    image[shoulders & ~folds] = 0.5 * (np.float32(SHADE) + np.float32(FOLD))
    image[folds] = FOLD
    letter = np.zeros((H, W), bool)
    letter[LETTER] = True
    image[letter] = PRINT
    known = ~shoulders
    return photographed(image, 2.0), folds, known, letter


def test_folds_are_painted_in_the_shade_round_them_not_from_the_print_and_lit_shirt_beyond():
    image, folds, known, letter = _folds_in_shade()
    box = np.s_[0:H, 0:W]
    lines = cv2.dilate(folds.astype(np.uint8), None).astype(bool)
    out = _paint_lines(image, lines, box, known, SW, np.zeros((H, W), np.int64), np.ones((H, W), bool))
    before, after = cie_lab(image)[..., 0], cie_lab(out)[..., 0]
    shade = cie_lab(np.uint8([[SHADE]]))[0, 0, 0]
    lit = cie_lab(np.uint8([[SHIRT]]))[0, 0, 0]
    # the folds painted, no darker than the fold's shoulders round them, and no lighter than the shade by half the
    # step to the lit shirt (painted from the print and the lit shirt, they stood paler than the shade round them)
    assert np.median(after[folds] - before[folds]) > 15, "the folds are left on the shirt"
    off = np.percentile(after[folds], 90) - shade
    assert off < 0.5 * (lit - shade), f"the folds painted {off:.1f} lighter than the shade round them"
    # faded into the cloth round them: no step at the painted lines' rim
    rim = cv2.dilate(lines.astype(np.uint8), None, iterations=2).astype(bool) & ~lines & ~letter
    inner = cv2.erode(lines.astype(np.uint8), None).astype(bool)
    step = abs(float(np.median(after[rim])) - float(np.median(after[inner])))
    assert step < 6, f"a step of {step:.1f} between the painted folds and the cloth round them"
    moved = np.abs(after[letter] - before[letter])
    assert np.mean(moved > 5) < 0.2, f"{np.mean(moved > 5):.0%} of the print's stroke painted over"
