import json
import subprocess
import sys

import numpy as np
from PIL import Image

from conftest import write_clip
from motion_transfer.cli import main


def image(tmp_path, name="char.png", size=(400, 600)):
    path = tmp_path / name
    Image.fromarray(np.full((size[1], size[0], 3), 200, np.uint8)).save(path)
    return path


def test_help_teaches():
    out = subprocess.run([sys.executable, "-m", "motion_transfer.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for word in ("run", "check", "pose", "demo", "examples:"):
        assert word in out.stdout


def test_check_reports_errors_with_exit_2(tmp_path, capsys):
    short = write_clip(tmp_path / "short.mp4", seconds=1.0)
    code = main(["check", str(image(tmp_path)), str(short)])
    out = capsys.readouterr().out
    assert code == 2
    assert "video_too_short" in out and "short.mp4" in out and "1.00 s" in out and "fix:" in out


def test_check_json(tmp_path, capsys):
    code = main(["check", str(tmp_path / "missing.png"), str(tmp_path / "missing.mp4"), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 2 and doc["ok"] is False
    assert [f["code"] for f in doc["findings"]] == ["missing", "missing"]
    assert doc["findings"][0]["file"].endswith("missing.png")


def test_run_with_bad_input_writes_nothing(tmp_path, capsys):
    short = write_clip(tmp_path / "short.mp4", seconds=1.0)
    out = tmp_path / "out.mp4"
    code = main(["run", str(image(tmp_path)), str(short), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "video_too_short" in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["char.png", "short.mp4"]


def test_unknown_orientation_is_refused_by_argparse(tmp_path, capsys):
    assert main(["check", "a.png", "b.mp4", "--orientation", "sideways"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_pose_refuses_unknown_track_suffix(tmp_path, capsys):
    clip = write_clip(tmp_path / "c.mp4")
    assert main(["pose", str(clip), "-o", str(tmp_path / "t.txt")]) == 2
    assert "pose.json or .npz" in capsys.readouterr().err


def test_run_json_reports_refusal_as_json(tmp_path, capsys):
    short = write_clip(tmp_path / "short.mp4", seconds=1.0)
    code = main(["run", str(image(tmp_path)), str(short), "-o", str(tmp_path / "o.mp4"), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 2 and doc["ok"] is False
    assert "video_too_short" in [f["code"] for f in doc["findings"] if f["severity"] == "error"]


def test_choices_come_from_the_shared_lists():
    from motion_transfer.cli import build_parser
    from motion_transfer.engines.base import engine_names
    from motion_transfer.engines.kling.settings import MODELS
    from motion_transfer.request import ORIENTATIONS, TIERS

    run = build_parser()._subparsers._group_actions[0].choices["run"]
    by_dest = {a.dest: a for a in run._actions}
    assert list(by_dest["orientation"].choices) == list(ORIENTATIONS)
    assert list(by_dest["tier"].choices) == list(TIERS)
    assert list(by_dest["engine"].choices) == engine_names()
    assert list(by_dest["model"].choices) == list(MODELS)


def test_pose_with_nobody_in_the_video_is_an_error_unless_asked(tmp_path, capsys):
    clip = write_clip(tmp_path / "bars.mp4", seconds=1.0)
    track = tmp_path / "t.pose.json"
    assert main(["pose", str(clip), "-o", str(track)]) == 2
    err = capsys.readouterr().err
    assert "video_no_person" in err and "--allow-empty" in err
    assert not track.exists()
    assert main(["pose", str(clip), "-o", str(track), "--allow-empty", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is True and doc["body_frames"] == 0 and track.is_file()
    assert [(f["code"], f["severity"]) for f in doc["findings"]] == [("video_no_person", "warning")]


def test_every_json_output_is_one_object_with_ok_and_findings(tmp_path, capsys):
    # a usage error (argparse), an input error before work, and a refusal by the rules
    docs = {}
    short = write_clip(tmp_path / "short.mp4", seconds=1.0)
    for name, argv in {
        "usage": ["run", "a.png", "b.mp4", "-o", "o.mp4", "--tier", "ultra", "--json"],
        "input": ["pose", str(short), "-o", str(tmp_path / "t.txt"), "--json"],
        "refusal": ["run", str(image(tmp_path)), str(short), "-o", str(tmp_path / "o.mp4"), "--json"],
    }.items():
        code = main(argv)
        out = capsys.readouterr().out
        docs[name] = json.loads(out)  # exactly one JSON document on stdout
        assert code == 2 == docs[name]["error"]["exit_code"]
    for doc in docs.values():
        assert doc["ok"] is False and isinstance(doc["findings"], list)
        assert {"type", "code", "message", "fix", "exit_code"} <= set(doc["error"])
    assert docs["usage"]["error"]["code"] == "usage" and "ultra" in docs["usage"]["error"]["message"]
    assert docs["input"]["error"]["code"] == "track_extension"
    assert docs["refusal"]["error"]["type"] == "PreflightError"
    assert "video_too_short" in [f["code"] for f in docs["refusal"]["findings"]]


def test_the_cost_question_is_asked_on_stderr_and_only_on_a_terminal(monkeypatch, capsys):
    import io

    from motion_transfer.cli import _confirm_cost

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for answer, expected in (("y\n", True), ("\n", False), ("no\n", False)):
        monkeypatch.setattr("sys.stdin", Terminal(answer))
        assert _confirm_cost("Submit to Kling for about $0.22?") is expected
        out, err = capsys.readouterr()
        assert out == "" and "Submit to Kling for about $0.22? [y/N]" in err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a pipe: the user chose the paid engine in the command
    assert _confirm_cost("Submit?") is True and capsys.readouterr() == ("", "")


def test_the_program_freezes_what_is_left_before_exit_and_a_caller_is_left_alone():
    # run as the program (argv None) the objects left are frozen out of the collector, so the exit does not
    # walk them all; called with argv (as here, from tests or a host program) the caller's collector is untouched
    code = ("import gc, sys; sys.argv = ['motion-transfer']; from motion_transfer.cli import main; "
            "status = main(); print(status, gc.get_freeze_count() > 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.split()[-2:] == ["1", "True"]
    code = ("import gc; from motion_transfer.cli import main; "
            "status = main([]); print(gc.get_freeze_count())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.split()[-1] == "0"


def test_a_stage_done_at_once_shows_no_rate():
    """A pose track read from the motion cache fills its bar at once: a rate over no time read as millions of
    frames a second. A stage that takes its time keeps its rate."""
    import io
    import time

    from motion_transfer.cli import BarProgress

    bars = BarProgress()
    bars.stream = io.StringIO()
    bars("pose", 0, 180)
    bars("pose", 180, 180)
    shown = bars.stream.getvalue()
    assert "at once" in shown and "frame/s" not in shown.split("\r")[-1], shown
    bars.stream = io.StringIO()
    bars("render", 0, 4)
    time.sleep(0.1)
    bars("render", 4, 4)
    assert "frame/s" in bars.stream.getvalue().split("\r")[-1]


def test_a_run_prints_the_engines_own_notes_after_the_work(capsys):
    """The preflight's warnings are printed before the work; the notes the engine adds while it works (a cut body
    that shows, fingers kept still) were only in the result, never shown. Both reach the user, each once."""
    import io
    from types import SimpleNamespace

    from motion_transfer.cli import BarProgress, _print_result, _Warner
    from motion_transfer.finding import Finding

    before = Finding("aspect_mismatch", "warning", "the image is 1.67:1 and the video 1.33:1.")
    during = Finding("body_cut_in_view", "warning", "the image ends the character's body too high.")
    bars = BarProgress()
    bars.stream = io.StringIO()
    warner = _Warner(bars)
    warner(SimpleNamespace(findings=[before]))
    result = SimpleNamespace(findings=[before, during], extra={}, output="out.mp4", has_audio=False, width=8,
                             height=8, fps=30.0, frames=3, duration=0.1, compare=None, timings={})
    _print_result(result, warner)
    after = capsys.readouterr().out
    assert "body_cut_in_view" in after and "aspect_mismatch" not in after
    assert "Wrote out.mp4" in after
