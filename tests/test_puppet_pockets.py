"""A pocket of the backdrop the person mask holds (a wedge of wall under the jaw) leaves the matte; the figure
beside it, a strand of hair hanging past it, and a top in the wall's own colour stay (puppet/pockets.py)."""
import cv2
import numpy as np

from motion_transfer.engines.puppet.pockets import pockets_off

SHOULDERS = 80.0
WALL = (170, 150, 210)
SKIN = (225, 180, 150)


def _scene(wall=WALL, shirt=(30, 30, 35)):
    """(image, figure mask, wedge mask): a head and neck over a shirt before a wall, with a wedge of the wall under
    the jaw beside the neck that the matte takes in."""
    rng = np.random.default_rng(0)
    img = np.empty((200, 200, 3), np.float32)
    img[:] = wall
    figure = np.zeros((200, 200), np.uint8)
    cv2.circle(figure, (100, 70), 38, 1, -1)
    cv2.rectangle(figure, (86, 90), (114, 160), 1, -1)
    img[figure.astype(bool)] = SKIN
    shirt_mask = np.zeros_like(figure)
    cv2.rectangle(shirt_mask, (50, 150), (150, 199), 1, -1)
    img[shirt_mask.astype(bool)] = shirt
    figure |= shirt_mask
    wedge = np.zeros_like(figure)
    cv2.fillConvexPoly(wedge, np.array([[115, 100], [136, 98], [132, 116], [115, 118]], np.int32), 1)
    wedge = wedge.astype(bool) & ~figure.astype(bool)
    img += rng.normal(0, 1.5, img.shape)
    img = cv2.GaussianBlur(np.clip(img, 0, 255), (0, 0), 0.8).astype(np.uint8)
    return img, figure.astype(bool), wedge, shirt_mask.astype(bool)


def _cut(mask, img):
    """The matte (``mask`` softened) after the cut, and checks that the pixels it took off are no part's."""
    matte = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 0.7)
    labels = np.where(matte > 0.05, 0, -1).astype(np.int16)
    out, out_labels = pockets_off(matte, labels, img, SHOULDERS)
    assert np.all(out_labels[out < 0.01] == -1)
    assert np.array_equal(out_labels[out >= 0.5], labels[out >= 0.5])
    return out


def test_a_wedge_of_wall_under_the_jaw_leaves_the_matte_and_the_head_and_neck_stay():
    img, figure, wedge, _ = _scene()
    out = _cut(figure | wedge, img)
    inner = cv2.erode(wedge.astype(np.uint8), None).astype(bool)
    assert (out[inner] < 0.5).mean() > 0.9
    away = cv2.distanceTransform((~wedge).astype(np.uint8), cv2.DIST_L2, 5) > 3
    core = cv2.erode(figure.astype(np.uint8), None).astype(bool) & away
    assert (out[core] >= 0.5).mean() > 0.99


def test_a_strand_of_hair_hanging_past_the_wedge_stays():
    img, figure, wedge, _ = _scene()
    strand = np.zeros_like(figure)
    strand[94:112, 134:137] = True
    img[strand] = (70, 45, 30)
    out = _cut(figure | wedge | strand, img)
    assert (out[wedge & ~cv2.dilate(strand.astype(np.uint8), None, iterations=3).astype(bool)] < 0.5).mean() > 0.8
    assert (out[strand] >= 0.5).mean() > 0.9


def test_a_top_in_the_walls_own_colour_is_not_peeled_as_wall():
    white = (235, 235, 232)
    img, figure, wedge, shirt = _scene(wall=white, shirt=white)
    img[figure & ~shirt] = SKIN
    out = _cut(figure, img)
    assert (out[cv2.erode(shirt.astype(np.uint8), None).astype(bool)] >= 0.5).mean() > 0.99
