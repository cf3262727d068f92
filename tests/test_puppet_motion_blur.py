"""Motion blur: a moving layer is drawn as the mean of its looks while the shutter is open, a still one as sharp."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.pose.retarget import extend
from motion_transfer.samples import make_character

W, H = 360, 480


@pytest.fixture(scope="module")
def person(tmp_path_factory):
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path_factory.mktemp("blur") / "person.png"
    make_character(path, size=(W, H), style="person")
    rig = rig_character(read_image(path))
    return rig, extend(rig.joints.astype(np.float64))


def _draw(renderer, rig, joints, posed=None, order=None):
    return renderer.render(rig.background.copy(), joints, np.zeros(36), 1.0, 0.0, np.ones(36), order=order,
                           posed_layers=posed)


def test_the_layers_velocities_are_central_differences_of_their_vertices(person):
    from motion_transfer.engines.puppet import Renderer

    from motion_transfer.engines.puppet.render import EXPOSURE

    rig, rest = person
    r = Renderer(rig, W, H, exposure=EXPOSURE)
    joints = np.stack([rest, rest + [3.0, 0.0], rest + [9.0, -4.0]])
    posed = r.pose(joints, np.ones(3), np.zeros(3), np.ones(3))
    for layer in rig.layers:
        v = [p.vertices[layer.name] for p in posed]
        np.testing.assert_allclose(posed[1].velocity[layer.name], (v[2] - v[0]) / 2, atol=1e-9)
        np.testing.assert_allclose(posed[0].velocity[layer.name], v[1] - v[0], atol=1e-9)
        np.testing.assert_allclose(posed[2].velocity[layer.name], v[2] - v[1], atol=1e-9)
        np.testing.assert_allclose(posed[1].velocity[layer.name][:, 0], 4.5, atol=1e-6)  # a translation: 4.5 px


def test_a_figure_standing_still_is_drawn_sharp(person):
    from motion_transfer.engines.puppet import Renderer

    from motion_transfer.engines.puppet.render import EXPOSURE

    rig, rest = person
    r = Renderer(rig, W, H, exposure=EXPOSURE)
    posed = r.pose(np.stack([rest] * 3), np.ones(3), np.zeros(3), np.ones(3))[1]
    order = r.layer_order(rest, np.zeros(36), np.ones(36))
    assert np.array_equal(_draw(r, rig, rest, posed, order), _draw(Renderer(rig, W, H), rig, rest, order=order))


@pytest.mark.parametrize("velocity", [(16.0, 0.0), (0.0, -12.0)])
def test_a_figure_moving_is_drawn_as_the_mean_of_its_looks_while_the_shutter_is_open(person, velocity):
    """The blurred frame is the mean of sharp frames of the figure moved to each moment of the exposure (for a
    translation the two are the same up to rounding): smeared along the move, by the right length, centred on the
    frame's own pose; the colours inside the figure kept."""
    from motion_transfer.engines.puppet import Renderer
    from motion_transfer.engines.puppet.render import EXPOSURE, TAP_PIXELS

    rig, rest = person
    v = np.array(velocity)
    r = Renderer(rig, W, H, exposure=EXPOSURE)
    posed = r.pose(np.stack([rest - v, rest, rest + v]), np.ones(3), np.zeros(3), np.ones(3))[1]
    order = r.layer_order(rest, np.zeros(36), np.ones(36))
    blurred = _draw(r, rig, rest, posed, order).astype(np.float64)
    sharp = Renderer(rig, W, H)
    taps = int(np.ceil(EXPOSURE * np.linalg.norm(v) / TAP_PIXELS)) + 1
    looks = [_draw(sharp, rig, rest + s * v, order=order) for s in EXPOSURE * (np.arange(taps) / (taps - 1) - 0.5)]
    expected = np.mean(looks, axis=0)
    still = looks[taps // 2].astype(np.float64) if taps % 2 else _draw(sharp, rig, rest, order=order).astype(float)
    changed = np.abs(expected - still).sum(axis=2) > 30  # the figure's edges across the move
    assert changed.sum() > 200
    assert np.abs(blurred - expected).sum(axis=2)[changed].mean() < 12.0
    assert np.abs(blurred - still).sum(axis=2)[changed].mean() > 40.0
    assert np.abs(blurred - expected).mean() < 0.5


def test_motion_blur_is_on_in_the_pro_tier_and_can_be_set_or_turned_off():
    from motion_transfer.engines.puppet.render import EXPOSURE
    from motion_transfer.engines.puppet.settings import Settings
    from motion_transfer.errors import InputError

    assert Settings.from_options({}, tier="std").motion_blur == 0.0
    assert Settings.from_options({}, tier="pro").motion_blur == EXPOSURE
    assert Settings.from_options({"motion_blur": False}, tier="pro").motion_blur == 0.0
    assert Settings.from_options({"motion_blur": True}).motion_blur == EXPOSURE
    assert Settings.from_options({"motion_blur": "0.8"}).motion_blur == 0.8
    for bad in (1.5, -0.1, "fast"):
        with pytest.raises(InputError, match="motion_blur"):
            Settings.from_options({"motion_blur": bad})
