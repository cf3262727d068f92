"""What hangs from the head below the chin follows the head whole; the neck between the head and the collar keeps
its blend, and the mesh there is fine enough that a head coming down over its collar leaves no hole in it.

Blended by height alone, a ponytail's part above the chin went with the head and its part below stayed with the
chest, so it sheared whenever the head turned (TikTok character 1); a fox's short neck was spanned by triangles
reaching from its cheek into its collar, and they turned over when the head came down (the fox's white notch)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.mesh import triangulate
from motion_transfer.engines.puppet.model import PARTS, Rig
from motion_transfer.engines.puppet.neck import hanging, rig_blend
from motion_transfer.engines.puppet.render import Renderer, bone_transforms
from motion_transfer.pose.retarget import FACE, HC, MS, extend, roll_with_neck
from motion_transfer.pose.skeleton import J
from conftest import layered_rig
from lock_scene import H, W, figure_joints, girl_with_lock

WALL, SKIN, HAIR, SHIRT = (150, 170, 190), (225, 180, 150), (40, 30, 26), (200, 60, 60)
LOCK = np.array([(240, 70), (262, 70), (282, 178), (258, 178)], np.int32)  # the ponytail, on the wall beside the neck
SHEAR_MAX = 25.0  # (degrees) see test_a_head_rolling_hard_keeps_its_neck_a_column


def _joints() -> np.ndarray:
    return figure_joints(60)


@pytest.fixture(scope="module")
def ponytail() -> Rig:
    """A girl in a red shirt, her dark ponytail hanging from the back of her head down beside her neck to just
    above her shoulder (against the wall), its labels drawn as the parts step gives them: the head, its hair and
    the neck's upper part the head's, the rest the torso's."""
    shirt = np.array([(140, 185), (260, 185), (250, 400), (150, 400)])
    return girl_with_lock((WALL, SKIN, HAIR, SHIRT), LOCK, shirt, 200, 60)


def _body(rig: Rig):
    return next(layer for layer in rig.layers if layer.name == "body")


def _on(mask: np.ndarray, v: np.ndarray) -> np.ndarray:
    """[N] bool: ``mask`` under each of the vertices ``v`` (False past the picture: the body goes on below it)."""
    x, y = np.round(v[:, 0]).astype(int), np.round(v[:, 1]).astype(int)
    inside = (x >= 0) & (x < mask.shape[1]) & (y >= 0) & (y < mask.shape[0])
    return inside & mask[np.clip(y, 0, mask.shape[0] - 1), np.clip(x, 0, mask.shape[1] - 1)]


def test_the_ponytail_below_the_chin_follows_the_head_whole(ponytail):
    body = _body(ponytail)
    v = body.vertices
    inside = cv2.erode(cv2.fillConvexPoly(np.zeros((H, W), np.uint8), LOCK, 1), None, iterations=3) > 0
    on_lock = _on(inside, v) & (v[:, 1] > 145)
    assert on_lock.sum() >= 2
    # (before: blended by height, 0.0 to 0.8 along it; now only its tip, beside the shoulder, a little less than 1)
    assert body.weights[on_lock, 2].min() > 0.85, np.sort(body.weights[on_lock, 2])
    assert np.median(body.weights[on_lock, 2]) > 0.98, np.sort(body.weights[on_lock, 2])


def test_the_neck_keeps_its_blend(ponytail):
    """The neck's skin is no hair: it blends from the chest to the head (a neck following the head whole would
    tear at the collar)."""
    body = _body(ponytail)
    v = body.vertices
    neck = (np.abs(v[:, 0] - 200) < 12) & (v[:, 1] > 160) & (v[:, 1] < 180)
    assert neck.any()
    assert body.weights[neck, 2].max() < 0.9, body.weights[neck, 2]


def test_the_ponytails_pixels_land_where_the_head_takes_them(ponytail):
    """The head tilted 12 degrees about its centre: every pixel of the ponytail below the chin is drawn where the
    head's transform puts it (before: its lower part stayed behind with the chest and it sheared)."""
    rest = extend(ponytail.joints.astype(np.float64))
    angle = np.deg2rad(12.0)
    c, s = np.cos(angle), np.sin(angle)
    posed = rest.copy()
    hc = rest[35]
    posed[list(FACE)] = (rest[list(FACE)] - hc) @ np.array([[c, s], [-s, c]]) + hc
    posed = extend(posed[:33])
    frame = Renderer(ponytail, W, H).render(np.full((H, W, 3), (255, 0, 255), np.uint8), posed, np.zeros(36), 1.0,
                                            angle, order=["body"])
    head = bone_transforms(rest, posed, 1.0, angle)["head"]
    lock = cv2.erode(cv2.fillConvexPoly(np.zeros((H, W), np.uint8), LOCK, 1), None, iterations=3) > 0
    lock[:145] = False
    ys, xs = np.nonzero(lock)
    to = np.round(np.stack([xs, ys, np.ones_like(xs)], axis=1) @ head.T).astype(int)
    drawn = frame[to[:, 1], to[:, 0]].astype(int)
    hair = np.linalg.norm(drawn - np.array(HAIR), axis=1) < 40
    # (before: 49 % of them)
    assert hair.mean() > 0.97, hair.mean()


def test_a_collar_of_the_shirts_colour_beside_the_neck_is_no_hair():
    """A uniform's collar rising beside the neck, labelled the head's, runs on unbroken into the torso's cloth:
    it is the torso's clothes, not hair (turned with the head, it tore the uniform). A lock of the same colour
    apart from the cloth (a black scrunchie over a black shirt) still hangs; a patch of lighter hair within long dark
    hair that runs on into the torso's part does not."""
    labels = np.full((200, 200), -1, np.int16)
    labc = np.zeros((200, 200, 3), np.float32)
    labc[:] = (200, 128, 128)  # the wall
    labels[60:200, 40:160] = PARTS.index("torso")
    labc[60:200, 40:160] = (30, 128, 128)  # a black uniform
    labels[0:60, 70:130] = PARTS.index("head")
    labc[0:60, 70:130] = (180, 140, 150)  # the face and neck
    labels[30:60, 40:70] = PARTS.index("head")
    labc[30:60, 40:70] = (30, 128, 128)  # the collar, the uniform's colour, beside the neck
    labels[10:45, 135:160] = PARTS.index("head")
    labc[10:45, 135:160] = (32, 128, 128)  # a black lock on the wall, beside the neck on the other side
    ext = extend(np.array([(100, 20)] * 11 + [(160, 60), (40, 60)] + [(100, 120)] * 10 + [(130, 190), (70, 190)]
                          + [(100, 260)] * 8, np.float64))
    labels[5:60, 10:40] = PARTS.index("head")
    labc[5:60, 10:40] = (30, 128, 128)  # long dark hair running on down into the torso's part ...
    labc[12:30, 18:32] = (90, 135, 140)  # ... with a lighter patch in it
    hung = hanging(labels, labc, ext, 8.0)
    assert hung[35:55, 45:65].max() == 0.0, "the collar follows the head"
    assert hung[15:40, 140:155].min() > 0.9, "the lock does not"
    # (a patch within hair the torso's part runs on in, moved with the head, tore from the hair round it)
    assert hung[12:30, 18:32].max() == 0.0, "the patch in the long hair follows the head"


def test_the_fine_zone_holds_closer_points_and_nothing_else_changes():
    mask = np.zeros((120, 120), bool)
    mask[10:110, 10:110] = True
    fine = np.zeros_like(mask)
    fine[50:70] = True
    v0, t0 = triangulate(mask, 12.0)
    v1, t1 = triangulate(mask, 12.0, fine)
    band = (v1[:, 1] >= 50) & (v1[:, 1] < 70)
    before = (v0[:, 1] >= 50) & (v0[:, 1] < 70)
    assert band.sum() >= 5 * before.sum(), (band.sum(), before.sum())
    far = (v1[:, 1] < 30) | (v1[:, 1] >= 90)
    kept = {tuple(p) for p in np.round(v0[(v0[:, 1] < 30) | (v0[:, 1] >= 90)], 2)}
    assert {tuple(p) for p in np.round(v1[far], 2)} == kept


def test_only_a_short_neck_gets_the_finer_mesh():
    """A neck whose blend spans a triangle or so (a cartoon's) gets the fine zone across it; a photograph's
    longer neck keeps its coarse mesh."""
    from motion_transfer.engines.puppet.neck import join_zone

    ext = extend(_joints())  # the blend runs from y 182 up to the chin at y 140: 42 px
    assert join_zone((H, W), (0, 0), ext, 13.0) is None
    zone = join_zone((H, W), (0, 0), ext, 40.0)
    assert zone is not None and zone[160, 200] and not zone[100, 200] and not zone[260, 200]


FUR, MUZZLE, TEAL, INK = (230, 120, 50), (235, 230, 220), (60, 170, 170), (40, 30, 30)


@pytest.fixture(scope="module")
def cartoon() -> Rig:
    """A drawn fox in a sweater: a round head whose white cheeks overhang the collar with a slit of 8 pixels between
    their outlines and the collar's, on a short neck (its blend from the chest to the head spans about a mesh
    spacing, as the fox's does), every shape outlined in ink."""
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    head, torso = np.zeros((H, W), np.uint8), np.zeros((H, W), np.uint8)
    cheeks = np.zeros((H, W), np.uint8)
    cv2.ellipse(head, (200, 120), (62, 58), 0, 0, 360, 1, -1)
    for x in (160, 240):
        cv2.ellipse(cheeks, (x, 176), (44, 16), 0, 0, 360, 1, -1)
    cv2.rectangle(head, (184, 150), (216, 202), 1, -1)
    cv2.rectangle(torso, (130, 200), (270, 400), 1, -1)
    image[head > 0] = FUR
    image[cheeks > 0] = MUZZLE
    image[torso > 0] = TEAL
    figure = head | cheeks | torso
    for shape in (figure, torso):
        image[(cv2.dilate(shape, None) > 0) & (cv2.erode(shape, None, iterations=2) == 0)] = INK
    labels = np.full((H, W), -1, np.int16)
    labels[torso > 0] = PARTS.index("torso")
    labels[((head | cheeks) > 0) & (torso == 0)] = PARTS.index("head")
    joints = _joints()
    joints[list(FACE)] = (200, 120)
    joints[J["nose"]] = (200, 140)
    joints[J["left_eye"]], joints[J["right_eye"]] = (220, 115), (180, 115)
    joints[J["mouth_left"]], joints[J["mouth_right"]] = (210, 160), (190, 160)
    joints[J["left_ear"]], joints[J["right_ear"]] = (250, 110), (150, 110)
    joints[J["left_shoulder"]], joints[J["right_shoulder"]] = (255, 205), (145, 205)
    matte = cv2.GaussianBlur(cv2.dilate(figure, None).astype(np.float32), (0, 0), 0.7)
    rig = layered_rig(cv2.GaussianBlur(image, (0, 0), 0.6), matte, joints, labels)
    return rig


@pytest.mark.parametrize("scale", [0.6, 1.0])
def test_nothing_is_drawn_off_the_mesh_beside_a_cartoons_neck(cartoon, scale):
    """The head tilted either way, drawn at two sizes: the body layer draws nothing outside its drawn triangles
    (what it draws is told by drawing it over black and over white). Beside the neck the slit between the cheeks
    and the collar is no triangle's: the border triangles' maps carried out over it read the collar's outline
    across the slit in the texture, drawn as dark dashes beside the neck as the head tilted (77 and 141 pixels at
    the two sizes before; the fox's neck, dancing)."""
    body = _body(cartoon)
    drawn = body.triangles if body.clear is None else body.triangles[~body.clear]
    rest = extend(cartoon.joints.astype(np.float64))
    w, h = round(W * scale), round(H * scale)
    renderer = Renderer(cartoon, w, h)
    off = {}
    for degrees in range(-16, 17, 4):
        angle = np.deg2rad(degrees)
        c, s = np.cos(angle), np.sin(angle)
        posed = rest.copy()
        posed[list(FACE)] = (rest[list(FACE)] - rest[35]) @ np.array([[c, s], [-s, c]]) + rest[35]
        posed = extend(posed[:33]) * scale
        over = [renderer.render(np.full((h, w, 3), v, np.uint8), posed, np.zeros(36), scale, angle,
                                order=["body"]).astype(int) for v in (0, 255)]
        seen = (over[1] - over[0]).max(axis=2) < 0.9 * 255
        vertices = renderer.posed_vertices(body, bone_transforms(rest, posed, scale, angle))
        mesh = np.zeros((h, w), np.uint8)
        for tri in np.round(vertices[drawn] * 16).astype(np.int32):
            cv2.fillConvexPoly(mesh, tri, 1, cv2.LINE_8, 4)
        outside = seen & (cv2.dilate(mesh, None) == 0)
        off[degrees] = int(outside.sum())
    assert sum(off.values()) == 0, off


def test_a_fitted_mascots_head_follows_the_head_whole_down_to_where_its_silhouette_narrows():
    """The teddy bear (its skeleton fitted to its silhouette: its face joints are guessed, high on its big round
    head) has no neck: its head sits on its body. Blended from a chin guessed half-way up the head, the head's lower
    half stayed with the chest and was dragged into a bean whenever the head leaned (clip 0, frames 20 and 24). Its
    head follows the head bone whole down to where the silhouette narrows between head and body."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.engines.puppet.neck import fitted_neck
    from motion_transfer.samples.stylised import make_stylised

    bear = make_stylised("teddy_bear")
    rig = rig_character(bear.image)
    assert rig.source == "template"
    ext = extend(rig.joints.astype(np.float64))
    ms, hc = ext[33], ext[35]
    narrow = ms + fitted_neck(rig.matte >= 0.5, ext) * (hc - ms)
    head = bear.mask("head")
    rows = np.flatnonzero(head.any(axis=1))
    bottom = rows.max()  # the head's lowest row, where it meets the body
    assert abs(narrow[1] - bottom) < 0.1 * (rows.max() - rows.min()), (narrow, bottom)
    body = _body(rig)
    x, y = np.round(body.vertices).astype(int).T
    inside = (x >= 0) & (x < head.shape[1]) & (y >= 0) & (y < head.shape[0])
    on_head = np.zeros(len(x), bool)
    on_head[inside] = head[y[inside], x[inside]]
    on_head &= y < bottom - 0.1 * (rows.max() - rows.min())  # (clear of the join)
    w_head = body.weights[on_head, body.bones.index("head")]
    # (from the guessed chin: as little as 0.2 at the head's lower rim, a tenth of it under 0.9)
    assert on_head.sum() > 50 and w_head.min() > 0.9 and np.percentile(w_head, 5) > 0.97, (on_head.sum(), w_head.min())


def test_the_whole_face_down_to_the_chin_follows_the_head(ponytail):
    """The face's lower half (the mouth, the chin) follows the head whole, as the face above it does: the smoothing of
    the skinning weights over the mesh softens the neck's blend down into the neck, never up into the face (it took
    a tenth to a third off the head's share between the mouth and the chin, and the lower face was sheared wide
    whenever the head tilted from the chest: TikTok character 3 driven by clip 5's close-up)."""
    from motion_transfer.engines.puppet.neck import head_share

    body = _body(ponytail)
    v = body.vertices.astype(np.float64)
    ext = extend(ponytail.joints.astype(np.float64))
    eyes = ext[[J["left_eye"], J["right_eye"]]].mean(axis=0)
    mouth = ext[[J["mouth_left"], J["mouth_right"]]].mean(axis=0)
    face = np.linalg.norm(v - (eyes + mouth) / 2, axis=1) < 1.2 * np.linalg.norm(mouth - eyes)
    lower = face & (v[:, 1] > eyes[1] + 0.5 * (mouth[1] - eyes[1]))  # from under the nose down to the chin
    above_chin = lower & (head_share(v, ext) >= 1.0 - 1e-6)
    assert above_chin.sum() >= 3, above_chin.sum()
    assert body.weights[above_chin, 2].min() > 0.999, np.sort(body.weights[above_chin, 2])
    # the neck below the chin still blends (a neck following the head whole would tear at the collar)
    assert body.weights[face & (head_share(v, ext) < 0.5), 2].max(initial=0.0) < 0.99


def _bearded(chin: np.ndarray | None) -> Rig:
    """A girl with a dark beard on her jaw (rows 136 to 150, the head's lowest), her joints' guessed chin at row
    140 (0.5 eye-to-mouth distances below the mouth), ``chin`` the face mesh's (None: no mesh seen)."""
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    head, body = np.zeros((H, W), np.uint8), np.zeros((H, W), np.uint8)
    cv2.ellipse(head, (200, 105), (38, 45), 0, 0, 360, 1, -1)
    cv2.rectangle(body, (185, 140), (215, 190), 1, -1)
    cv2.fillConvexPoly(body, np.array([(140, 185), (260, 185), (250, 400), (150, 400)], np.int32), 1)
    image[(head | body) > 0] = SKIN
    image[(body > 0) & (np.arange(H)[:, None] >= 190)] = SHIRT
    image[(head > 0) & (np.arange(H)[:, None] >= 136)] = HAIR
    labels = np.full((H, W), -1, np.int16)
    labels[body > 0] = PARTS.index("torso")
    labels[head > 0] = PARTS.index("head")
    return layered_rig(image, ((head | body) > 0).astype(np.float32), _joints(), labels, chin=chin)


def _beard_off_the_head(rig: Rig, degrees: float = 16.0) -> float:
    """How far (pixels, at most) the beard's vertices are drawn from where the head's transform puts them, the head
    tilted ``degrees`` about its centre."""
    rest = extend(rig.joints.astype(np.float64))
    angle = np.deg2rad(degrees)
    c, s = np.cos(angle), np.sin(angle)
    posed = rest.copy()
    posed[list(FACE)] = (rest[list(FACE)] - rest[35]) @ np.array([[c, s], [-s, c]]) + rest[35]
    moves = bone_transforms(rest, extend(posed[:33]), 1.0, angle)
    body = _body(rig)
    beard = _on(np.linalg.norm(rig.image.astype(int) - HAIR, axis=2) < 30, body.vertices)
    drawn = Renderer(rig, W, H).posed_vertices(body, moves)[beard]
    carried = np.c_[body.vertices[beard], np.ones(int(beard.sum()))] @ moves["head"].T
    return float(np.linalg.norm(drawn - carried, axis=1).max())


def test_the_jaw_down_to_the_face_meshs_chin_follows_the_head():
    """The face mesh's chin (the head's lowest row here, 0.83 eye-to-mouth distances below the mouth) ends the
    head's blend into the neck: the whole jaw turns with the head. From the chin guessed 0.5 of them below the
    mouth, the jaw's lower half blended with the chest and smeared into the neck as the head tilted."""
    rig = _bearded(np.array([200.0, 150.0]))
    # (from the guessed chin: 3.0 pixels)
    assert _beard_off_the_head(rig) < 0.25, _beard_off_the_head(rig)
    body = _body(rig)
    neck = (np.abs(body.vertices[:, 0] - 200) < 12) & (body.vertices[:, 1] > 165) & (body.vertices[:, 1] < 185)
    assert neck.any() and body.weights[neck, 2].max() < 0.9, body.weights[neck, 2]  # the neck still blends


def test_a_face_mesh_far_from_the_face_joints_is_no_chin():
    """A face mesh whose chin lies above the mouth (the face model found a face in a pattern), or far below it (over
    a high collar the steep blend tore its top beside the jaw; down at the shoulders of a cartoon's big head, the
    blend fell back to one up over the lower face), is not taken: the blend is the guessed chin's."""
    from motion_transfer.engines.puppet.neck import neck_blend

    ext = extend(_joints())
    assert neck_blend(ext, chin=np.array([200.0, 110.0])) == neck_blend(ext)
    assert neck_blend(ext, chin=np.array([200.0, 188.0])) == neck_blend(ext)
    assert neck_blend(ext, chin=np.array([200.0, 152.0])) == neck_blend(ext)  # (0.9 below the mouth)
    assert neck_blend(ext, chin=np.array([200.0, 150.0]))[1] < neck_blend(ext)[1]


def test_the_chin_is_read_in_the_rigged_copys_pixels():
    """The chin of the face mesh the pose model found with the figure, in pixels of the (halved) copy rigged."""
    from motion_transfer.engines.puppet.character import _mesh_chin
    from motion_transfer.pose import facemesh as fm
    from motion_transfer.pose.figure import Figure
    from motion_transfer.pose.track import PoseTrack

    pose = PoseTrack.empty(1, 0.0, 800, 600)
    pose.face[0, fm.CHIN] = (400.0, 300.0, 0.0)
    figure = Figure(joints=_joints() * 2, visibility=np.ones(33), depth=np.zeros(33), method="detected",
                    width=800, height=600, pose=pose)
    assert np.allclose(_mesh_chin(figure.resized(400, 300), 400, 300), (200.0, 150.0))
    assert _mesh_chin(Figure(joints=_joints(), visibility=np.ones(33), depth=np.zeros(33), method="detected",
                             width=400, height=300, pose=PoseTrack.empty(1, 0.0, 400, 300)), 400, 300) is None


def _shears(rig: Rig, neck_turn: float, roll: float) -> tuple[np.ndarray, np.ndarray]:
    """How far (degrees) each triangle of the body layer shears the picture (the turn between its upward and its
    sideways directions, less a right angle) once the actor's neck turns ``neck_turn`` degrees about the
    mid-shoulder and the head rolls ``roll`` degrees, the head then placed as the engine places it
    (:func:`roll_with_neck` about the neck's blend's start); and the triangles' centres in the picture."""
    body = _body(rig)
    rest = extend(rig.joints.astype(np.float64))

    def turn(degrees: float) -> np.ndarray:
        a = np.deg2rad(degrees)
        return np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])

    joints = rig.joints.astype(np.float64).copy()
    centre = rest[MS] + turn(neck_turn) @ (rest[HC] - rest[MS])
    joints[list(FACE)] = centre + (joints[list(FACE)] - rest[HC]) @ turn(roll).T
    base = rig_blend(rig.matte, rest, False, rig.chin)[1][0]
    posed = roll_with_neck(extend(joints)[None], np.deg2rad([roll]), rest, base)[0]
    drawn = Renderer(rig, W, H).posed_vertices(body, bone_transforms(rest, posed, 1.0, np.deg2rad(roll)))
    a, b = body.vertices.astype(np.float64)[body.triangles], drawn[body.triangles]
    maps = np.einsum("nij,njk->nik", np.stack([b[:, 1] - b[:, 0], b[:, 2] - b[:, 0]], -1),
                     np.linalg.inv(np.stack([a[:, 1] - a[:, 0], a[:, 2] - a[:, 0]], -1)))
    up, side = maps @ np.array([0.0, -1.0]), maps @ np.array([1.0, 0.0])
    cos = (up * side).sum(axis=1) / (np.linalg.norm(up, axis=1) * np.linalg.norm(side, axis=1))
    return np.abs(90.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))), a.mean(axis=1)


@pytest.mark.parametrize("neck_turn, roll", [(30, 0), (30, 10), (-30, -10), (30, 30), (0, 30)])
def test_a_head_rolling_hard_keeps_its_neck_a_column(neck_turn, roll):
    """The actor's neck turned 30 degrees about the mid-shoulder while the head rolls less, as far, or alone (clip 0
    frames 20-24 turn the neck 24-44 degrees against the chest, the head 1-21): no triangle of the bare neck
    between the collar and the chin is sheared more than SHEAR_MAX. With the head slid off its neck as the neck
    turned, and rolled about the mid-shoulder, the neck was sheared into a skin wedge from the jaw to the collar
    (Grace Hopper, half-length TikTok character 3 on clip 0): before, 62.7, 53.0, 55.3, 33.1 and 43.8 degrees; now
    13.6, 19.9, 18.9, 21.1 and 11.1."""
    cap = np.array([(195, 60), (205, 60), (205, 66), (195, 66)], np.int32)  # a patch of hair on top: no lock
    shirt = np.array([(130, 185), (270, 185), (260, 400), (140, 400)])
    rig = girl_with_lock((WALL, SKIN, HAIR, SHIRT), cap, shirt, 188, 70)
    shear, centres = _shears(rig, neck_turn, roll)
    neck = (np.abs(centres[:, 0] - 200) < 12) & (centres[:, 1] > 145) & (centres[:, 1] < 195)
    assert neck.sum() >= 6
    assert shear[neck].max() < SHEAR_MAX, np.sort(shear[neck])[-5:]
