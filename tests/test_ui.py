"""The web app: its functions called directly (no browser), and one real page in headless Chromium."""
# ruff: noqa: F811  (pytest fixtures imported from fake_kling are redefined as test arguments)
from __future__ import annotations

import json
import shutil
import time

import numpy as np
import pytest

from fake_kling import fake_kling, kling_env, kling_media  # noqa: F401
from motion_transfer.errors import MotionTransferError, PreflightError
from motion_transfer.finding import Finding
from motion_transfer.ui.session import Cancelled, Session, Task, Workspace, error_text, findings_html, job_rows
from motion_transfer.ui.views import SEVERITY_RGB, TIMELINE_WIDTH, joints_image, timeline_image


@pytest.fixture(scope="module")
def workspace():
    ws = Workspace.create()
    yield ws
    ws.remove()


@pytest.fixture(scope="module")
def samples(workspace):
    # small and short: the render stays quick on a loaded machine (the app opens with the demo's 720x960, 6 s)
    return workspace.samples(seconds=3.0, size=(360, 480))


@pytest.fixture(scope="module")
def checked(workspace, samples):
    session = Session(workspace)
    view = session.check(str(samples[0]), str(samples[1]))
    return session, view


# ------------------------------------------------------------------------------------------------ views


def test_timeline_marks_the_frames_a_finding_names_in_its_colour():
    findings = [Finding("clipping_predicted", "warning", "hand leaves", frames=[0, 1, 2, 60]),
                Finding("no_frames", "info", "no frames here")]
    img = timeline_image(findings, frames=90, fps=30.0)
    assert img.shape[1] == TIMELINE_WIDTH and img.shape[0] < 80  # one row: the frameless finding is not drawn
    row = img[30 + 8]  # the middle of the first row
    warn = np.all(row == SEVERITY_RGB["warning"], axis=1)
    cols = np.flatnonzero(warn)
    assert cols.size > 0
    # marks at the start and two thirds in (frame 60 of 90), nothing in between
    span_left, span_right = 190, TIMELINE_WIDTH - 24
    x60 = span_left + round((span_right - span_left) * 60 / 90)
    assert cols.min() < span_left + 40 and abs(cols.max() - x60) <= 12
    assert not warn[span_left + 60: x60 - 10].any()


def test_timeline_without_frames_says_so():
    img = timeline_image([], frames=10, fps=10.0)
    assert img.shape[0] < 80 and (img != 255).any()


def test_joints_image_rings_the_selected_joint():
    rgb = np.full((200, 100, 3), 128, np.uint8)
    doc = {"width": 100, "height": 200, "joints": {"nose": [50, 20], "left_wrist": [80, 100], "left_knee": None}}
    plain = joints_image(rgb, doc)
    ringed = joints_image(rgb, doc, selected="left_wrist")
    assert plain.shape == rgb.shape and (plain != rgb).any()
    magenta = np.all(ringed == (255, 0, 255), axis=2)
    ys, xs = np.nonzero(magenta[40:])  # below the caption
    assert len(xs) and abs(xs.mean() - 80) < 4 and abs(ys.mean() + 40 - 100) < 4


# ------------------------------------------------------------------------------------------------ check and rig


def test_check_shows_findings_skeleton_video_and_joints(checked):
    session, view = checked
    assert view.report.ok
    assert [f.code for f in view.report.findings] == ["video_low_resolution"]
    assert view.overlay is not None and view.overlay.stat().st_size > 1000
    from motion_transfer.media.probe import probe

    info = probe(view.overlay, expect="video")
    assert info.duration == pytest.approx(3.0, abs=0.2)
    assert view.rig["source"].startswith("detected") and view.rig["joints"]["left_wrist"] is not None
    assert view.character.shape[:2] == (960, 720)
    assert len(session.tracks) == 1  # kept for the render
    html = findings_html(view.report.findings)
    assert "WARNING" in html and "video_low_resolution" in html and "fix:" in html


def test_moved_joints_are_saved_as_a_rig_file_the_render_reads(checked, workspace, samples):
    from motion_transfer.engines.puppet.rig import load_rig_json
    from motion_transfer.pose.skeleton import J

    session = Session(workspace)
    session.detect_rig(str(samples[0]))
    session.place_joint("left_wrist", 600.0, 420.0)
    rows = session.rows()
    rows[[r[0] for r in rows].index("right_knee")][1:] = [250, 700]
    session.set_rows(rows)
    path = session.save_rig()
    doc = json.loads(path.read_text())
    assert doc["source"] == "user" and doc["format"] == "motion-transfer.rig"
    joints, vis = load_rig_json(path, 720, 960)
    assert tuple(joints[J["left_wrist"]]) == (600.0, 420.0) and tuple(joints[J["right_knee"]]) == (250.0, 700.0)


def test_joint_table_mistakes_are_sentences(workspace, samples):
    session = Session(workspace)
    with pytest.raises(MotionTransferError, match="press Check first"):
        session.place_joint("nose", 1, 2)
    session.detect_rig(str(samples[0]))
    with pytest.raises(MotionTransferError, match="unknown joint 'elbow'"):
        session.set_rows([["elbow", 1, 2]])
    with pytest.raises(MotionTransferError, match="'abc' where a pixel position"):
        session.set_rows([["nose", "abc", 2]])
    session.set_rows([["left_shoulder", "", None]])  # blank = not shown in the image
    assert session.rig["joints"]["left_shoulder"] is None
    with pytest.raises(MotionTransferError, match="lacks the joint.*left_shoulder"):
        session.save_rig()


# ------------------------------------------------------------------------------------------------ render


def test_render_reports_stage_and_frame_and_reuses_the_checked_track(checked, samples, monkeypatch):
    import motion_transfer.pose.estimator as estimator

    def not_again(*args, **kwargs):
        raise AssertionError("the render tracked the video again")

    monkeypatch.setattr(estimator, "track_video", not_again)
    session, _ = checked
    task = session.start_render(str(samples[0]), str(samples[1]))
    lines = set()
    while not task.wait(0.05):
        lines.add(task.line().split(" (")[0])
    assert task.error is None, error_text(task.error)
    r = task.result
    assert r.output.exists() and (r.width, r.height, r.frames) == (720, 960, 90)
    assert any(line.startswith("render: frame ") and line.endswith(" of 90") for line in lines)


def test_cancel_stops_the_render_and_leaves_no_output(checked, samples):
    session, _ = checked
    out = session.workspace.root / "out"
    before = set(out.iterdir())
    task = session.start_render(str(samples[0]), str(samples[1]))
    while task.stage != "render" and not task.wait(0.02):
        pass
    assert session.cancel()
    assert task.wait(60) and isinstance(task.error, Cancelled) and task.result is None
    assert error_text(task.error) == "error: cancelled; no output was written."
    assert set(out.iterdir()) == before  # neither the result nor a partial file


def test_task_progress_and_cancel_mechanics():
    def work(progress):
        for i in range(1000):
            progress("render", i + 1, 1000)
            time.sleep(0.002)
        return "done"

    task = Task(work)
    while task.done < 5:
        time.sleep(0.005)
    assert task.line().startswith("render: frame ")
    task.cancel()
    assert task.wait(5) and isinstance(task.error, Cancelled) and task.result is None


def test_errors_read_like_the_cli(workspace, samples, tmp_path):
    from motion_transfer.cli import format_findings

    session = Session(workspace)
    with pytest.raises(MotionTransferError, match="choose a motion video first"):
        session.start_render(str(samples[0]), None)
    with pytest.raises(MotionTransferError, match="no rig for this image"):
        session.start_render(str(samples[0]), str(samples[1]), use_rig=True)
    big = tmp_path / "big.png"
    shutil.copy(samples[0], big)
    with open(big, "ab") as fh:  # over the 10 MB image limit
        fh.truncate(10_000_001 + big.stat().st_size)
    task = session.start_render(str(big), str(samples[1]))
    task.wait(120)
    assert isinstance(task.error, PreflightError)
    text = error_text(task.error)
    assert text == format_findings(task.error.findings) and "image_bytes" in text and "10.0 MB limit" in text


# ------------------------------------------------------------------------------------------------ kling


def test_kling_is_never_called_without_the_cost_confirmed(checked, samples, fake_kling):
    session, _ = checked
    with pytest.raises(MotionTransferError, match="Nothing was paid"):
        session.start_render(str(samples[0]), str(samples[1]), engine="kling", confirmed_cost=False)
    assert fake_kling.log == []
    text = session.kling_estimate(str(samples[1]), "kling-v2-6", "std")
    assert text.startswith("estimated cost: 3.0 s x $0.070/s = $0.21 (kling-v2-6, std)")


def test_kling_render_after_confirmation_and_the_job_list(checked, samples, fake_kling, kling_env, monkeypatch):
    for k, v in kling_env.items():
        monkeypatch.setenv(k, v)
    session, _ = checked
    task = session.start_render(str(samples[0]), str(samples[1]), engine="kling", confirmed_cost=True,
                                model="kling-v2-6", video_url="https://example.com/motion.mp4")
    task.wait(120)
    assert task.error is None, error_text(task.error)
    assert task.result.output.exists() and len(fake_kling.tasks) == 1
    rows = job_rows(kling_env["MOTION_TRANSFER_JOBS_DB"])
    assert len(rows) == 1 and rows[0][1:3] == ["kling", "succeeded"]
    task = session.start_resume(rows[0][0], jobs_db=kling_env["MOTION_TRANSFER_JOBS_DB"])
    task.wait(60)
    assert task.error is None and task.result.output.exists() and len(fake_kling.tasks) == 1


# ------------------------------------------------------------------------------------------------ app and CLI


def test_ui_command_help_teaches_the_safe_defaults(capsys):
    from motion_transfer.cli import main

    with pytest.raises(SystemExit):
        main(["ui", "--help"])
    out = capsys.readouterr().out
    assert "--host" in out and "127.0.0.1" in out and "--share" in out and "removed" in out


def test_app_builds_with_the_samples_loaded(workspace, samples):
    pytest.importorskip("gradio")
    from motion_transfer.ui.app import build_app, is_loopback

    demo = build_app(workspace, samples)
    config = json.dumps(demo.get_config_file(), default=str)
    assert "motion.mp4" in config and "character.png" in config
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and not is_loopback("0.0.0.0")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_ui_command_removes_its_temporary_folder_on_the_way_out(monkeypatch):
    pytest.importorskip("gradio")
    import motion_transfer.ui.app as app
    from motion_transfer.cli import main

    seen = {}

    def fake_serve(host, port, *, share, workspace):
        seen.update(host=host, port=port, share=share, root=workspace.root, existed=workspace.root.is_dir())
        raise KeyboardInterrupt  # what Ctrl-C does while the page is served

    monkeypatch.setattr(app, "serve", fake_serve)
    assert main(["ui", "--port", "7999"]) == 130
    assert seen["host"] == "127.0.0.1" and seen["port"] == 7999 and seen["share"] is False
    assert seen["existed"] and not seen["root"].exists()


def test_page_checks_and_renders_the_samples_in_a_real_browser(workspace, samples, monkeypatch):
    """Load the page, press Check, then Render, and find the result video on the page."""
    pytest.importorskip("gradio")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    import socket

    from motion_transfer.ui.app import serve

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(workspace.root / "uploads"))  # restored afterwards
    demo = serve("127.0.0.1", port, samples=samples, workspace=workspace)
    assert demo.max_file_size == 100_000_000  # the largest input-rule limit; the server refuses bigger uploads
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"http://127.0.0.1:{port}/")
            page.click("#check-btn")
            page.wait_for_selector("#findings li.finding-warning", timeout=300_000)
            page.wait_for_selector("#overlay video[src]", timeout=60_000)
            page.get_by_role("tab", name="Render").click()
            page.click("#render-btn")
            page.wait_for_selector("#result video[src]", timeout=300_000)
            assert page.inner_text("#render-status").startswith("Done in")
            src = page.get_attribute("#result video", "src")
            assert "result-" in src and src.endswith(".mp4")
            # nothing leaves this computer: no fonts, analytics or scripts from the internet
            assert [u for u in requests if not u.startswith((f"http://127.0.0.1:{port}/", "data:", "blob:"))] == []
            browser.close()
    finally:
        demo.close()
