"""A patch of pale sky the person mask took in on a pale sleeve's outline is no part of the arm."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.model import PARTS

H, W = 240, 320
LEAVES, SKY, SLEEVE, PRINT = (24, 70, 40), (242, 255, 248), (176, 196, 228), (244, 252, 250)
SW = 200.0  # the shoulder width the scene is drawn for
FINGER = (slice(112, 119), slice(119, 121))  # a finger of the sleeve's colour poking up into the patch


def _sleeve_before_leaves(sky_beside: bool = True, print_inside: bool = False, finger: bool = False,
                          blur: np.ndarray | None = None, stray: bool = False
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, labels, patch): a light-blue sleeve (the picture-left upper arm, a disc's quarter with the
    shoulder's round top) before dark leaves, with a patch of near-white sky 18 x 10 pixels on its top outline
    that the matte holds and the labels give the arm (half-length TikTok character 4's shoulder); beside it,
    outside the matte, more of that sky (``sky_beside``); ``print_inside``: a band of the shirt's white print
    across the sleeve further in (the arm's own colour, as light as the sky); ``finger``: a finger of the
    sleeve's colour 2 pixels wide poking 6 up into the patch from the sleeve (``FINGER``, then no part of it);
    ``blur`` (HxW bool, set here): the sleeve's pixels next to the patch, a quarter sky (its blur); ``stray``
    (without ``sky_beside``): one pixel of the patch's colour outside the matte beside it."""
    rng = np.random.default_rng(0)
    image = np.empty((H, W, 3), np.float64)
    image[:] = LEAVES
    arm = np.zeros((H, W), np.uint8)
    cv2.ellipse(arm, (200, 240), (170, 150), 0, 180, 270, 1, -1)
    arm = arm.astype(bool)
    image[arm] = SLEEVE
    if print_inside:
        image[170:200, 120:220][arm[170:200, 120:220]] = PRINT
    yy, xx = np.mgrid[0:H, 0:W]
    edge = arm & ~cv2.erode(arm.astype(np.uint8), np.ones((21, 21), np.uint8)).astype(bool)
    patch = edge & (np.abs(xx - 120) < 9) & (np.hypot(xx - 200, (yy - 240) * 170 / 150) > 160)
    image[patch] = SKY
    if finger:
        image[FINGER] = SLEEVE
        patch[FINGER] = False
    if blur is not None:
        blur[...] = cv2.dilate(patch.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & arm & ~patch
        image[blur] = 0.75 * np.array(SLEEVE) + 0.25 * np.array(SKY)
    outside = ~arm & (np.abs(xx - 120) < 7) & (yy < 240) & ~cv2.dilate(
        arm.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    near = outside & cv2.dilate(arm.astype(np.uint8), np.ones((11, 11), np.uint8)).astype(bool)
    if sky_beside:
        image[near] = SKY
    elif stray:
        image[tuple(np.argwhere(near)[0])] = SKY
    image += rng.normal(0.0, 2.0, image.shape)
    image = np.clip(image, 0, 255).astype(np.uint8)
    matte = cv2.GaussianBlur(arm.astype(np.float32), (0, 0), 0.8)
    labels = np.where(matte > 0.02, PARTS.index("r_upper_arm"), -1).astype(np.int16)
    return image, matte, labels, patch


def test_a_patch_of_sky_on_a_sleeves_outline_leaves_the_matte_and_the_arm():
    """The sky's patch (near white, the sleeve light blue, the sky beside it just outside the matte) rose with
    the arm as a white blob at the end of the sleeve's top outline (half-length character 4 on the mannequin
    dance, frames 30-110): it goes out of the matte and off the arm; the sleeve further in stays whole."""
    from motion_transfer.engines.puppet.rim_specks import backdrop_off_arms

    image, matte, labels, patch = _sleeve_before_leaves()
    new_matte, new_labels = backdrop_off_arms(matte, labels, image, SW)
    assert (new_matte[patch] < 0.5).mean() > 0.9
    assert (new_labels[patch] < 0).mean() > 0.9
    deep = cv2.erode((matte >= 0.5).astype(np.uint8), np.ones((25, 25), np.uint8)).astype(bool)
    assert (new_matte[deep] == matte[deep]).all() and (new_labels[deep] == labels[deep]).all()


@pytest.mark.parametrize("case", ["no sky beside it", "the arm's own print", "one pixel of it beside it"])
def test_a_light_patch_on_a_sleeves_outline_stays_the_arms(case: str):
    """A light patch on the outline whose colour the backdrop beside it does not show (a piping, a lit rim; or but
    one pixel of it, a stray of the arm the matte left out: the close-up mannequin's shaded forearm lost a strip),
    or that the arm shows further in too (its shirt's white print), is the arm's: nothing changes."""
    from motion_transfer.engines.puppet.rim_specks import backdrop_off_arms

    image, matte, labels, _ = _sleeve_before_leaves(sky_beside=case == "the arm's own print",
                                                    print_inside=case == "the arm's own print",
                                                    stray=case == "one pixel of it beside it")
    new_matte, new_labels = backdrop_off_arms(matte, labels, image, SW)
    assert (new_matte == matte).all() and (new_labels == labels).all()


def test_the_patch_is_cut_along_a_smooth_soft_edge():
    """The patch's boundary is a colour test's, pixel by pixel: cut there, the sleeve's outline kept a finger of
    its colour poking up into the patch and went from the arm (the matte 1) to the backdrop (0) in one pixel;
    posed, such a hard, ragged cut stood out of the sleeve's outline as pale specks (half-length character 4 on
    clip 0, frames 40-47). The finger goes with the patch and the matte fades along the cut as it does along the
    rest of the outline (no step between neighbouring pixels over 0.6; the sleeve's own outline: 0.45)."""
    from motion_transfer.engines.puppet.rim_specks import backdrop_off_arms

    image, matte, labels, patch = _sleeve_before_leaves(finger=True)
    new_matte, new_labels = backdrop_off_arms(matte, labels, image, SW)
    assert (new_matte[patch] < 0.5).mean() > 0.9
    # (its tip: its lowest rows are the sleeve's outline, soft)
    assert (new_matte[FINGER][:-3] < 0.5).all() and (new_labels[FINGER][:-3] < 0).all()
    zone = cv2.dilate(patch.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    steps = np.maximum(np.abs(np.diff(new_matte, axis=0, append=0.0)), np.abs(np.diff(new_matte, axis=1, append=0.0)))
    assert steps[zone].max() < 0.6, steps[zone].max()


def test_the_patchs_blur_into_the_sleeve_goes_with_it():
    """The sky's patch blurred into the sleeve: the sleeve's pixels beside it a quarter sky, near enough the
    sleeve's colour to pass for its own. Left on the arm, they drew a pale rim along the cut and a pale hook by the
    hair (half-length character 4 on clip 0, frames 40-46): they leave the matte with the patch."""
    from motion_transfer.engines.puppet.rim_specks import backdrop_off_arms

    blur = np.zeros((H, W), bool)
    image, matte, labels, patch = _sleeve_before_leaves(blur=blur)
    new_matte, new_labels = backdrop_off_arms(matte, labels, image, SW)
    assert (new_matte[patch] < 0.5).mean() > 0.9
    assert (new_matte[blur] < 0.5).mean() > 0.9, (new_matte[blur] < 0.5).mean()
