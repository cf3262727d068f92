import json
import subprocess
import sys

import numpy as np
import pytest
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
    with pytest.raises(SystemExit) as exc:
        main(["check", "a.png", "b.mp4", "--orientation", "sideways"])
    assert exc.value.code == 2
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
