"""Outputs: never an input, never a folder, never half-written, and every OS failure is one sentence."""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from conftest import write_clip
from motion_transfer import outputs
from motion_transfer.api import transfer
from motion_transfer.atomic import new_part, remove_stale_parts
from motion_transfer.cli import main
from motion_transfer.errors import InputError
from motion_transfer.media.probe import probe
from motion_transfer.media.writer import VideoWriter

SRC = str(Path(__file__).resolve().parents[1] / "src")


@pytest.fixture
def inputs(tmp_path):
    image = tmp_path / "char.png"
    Image.fromarray(np.full((600, 400, 3), 200, np.uint8)).save(image)
    video = write_clip(tmp_path / "dance.mp4", seconds=1.0)
    return image, video


def _snapshot(*paths):
    return {p: p.read_bytes() for p in paths}


@pytest.mark.parametrize("spelling", ["same", "symlink", "dotdot", "hardlink"])
def test_transfer_refuses_an_output_that_is_the_input_video(inputs, tmp_path, spelling):
    image, video = inputs
    before = _snapshot(image, video)
    if spelling == "same":
        out = video
    elif spelling == "symlink":
        out = tmp_path / "link.mp4"
        out.symlink_to(video)
    elif spelling == "dotdot":
        (tmp_path / "sub").mkdir()
        out = tmp_path / "sub" / ".." / video.name
    else:
        out = tmp_path / "hard.mp4"
        os.link(video, out)
    with pytest.raises(InputError) as err:
        transfer(image, video, out)
    assert err.value.code == "output_is_input" and err.value.exit_code == 2
    assert _snapshot(image, video) == before


def test_cli_run_refuses_output_naming_an_input_before_any_work(inputs, capsys):
    image, video = inputs
    before = _snapshot(image, video)
    assert main(["run", str(image), str(video), "-o", str(video)]) == 2
    assert main(["run", str(image), str(video), "-o", str(image)]) == 2
    err = capsys.readouterr().err
    assert err.count("same file as the input") == 2 and "Traceback" not in err
    assert _snapshot(image, video) == before


def test_pose_and_rig_refuse_to_overwrite_their_input(inputs, tmp_path, capsys):
    image, video = inputs
    before = _snapshot(image, video)
    assert main(["pose", str(video), "-o", str(tmp_path / "t.pose.json"), "--skeleton-video", str(video)]) == 2
    assert main(["rig", str(image), "-o", str(image)]) == 2
    assert "same file as the input" in capsys.readouterr().err
    assert _snapshot(image, video) == before
    assert not (tmp_path / "t.pose.json").exists()


def test_output_folder_and_extension_are_refused_before_work(inputs, tmp_path, capsys):
    image, video = inputs
    folder = tmp_path / "results"
    folder.mkdir()
    assert main(["run", str(image), str(video), "-o", str(folder)]) == 2
    assert "existing folder" in capsys.readouterr().err
    assert main(["run", str(image), str(video), "-o", str(tmp_path / "out.avi")]) == 2
    assert "must end in .mp4" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["char.png", "dance.mp4", "results"]


def test_unwritable_folder_and_full_disk_are_refused(tmp_path, monkeypatch):
    target = tmp_path / "out.mp4"
    monkeypatch.setattr(outputs.os, "access", lambda path, mode: False)  # root ignores chmod; fake the answer
    with pytest.raises(InputError) as err:
        outputs.check_output(target)
    assert err.value.code == "output_not_writable" and str(tmp_path) in str(err.value)
    monkeypatch.undo()
    monkeypatch.setattr(outputs.shutil, "disk_usage", lambda path: SimpleNamespace(free=5_000_000))
    with pytest.raises(InputError) as err:
        outputs.check_output(target, needs_bytes=outputs.estimated_video_bytes(10.0, "pro"))
    assert err.value.code == "output_no_space" and "5 MB free" in str(err.value)
    outputs.check_output(target, needs_bytes=0)  # nothing to estimate: no refusal


def test_a_late_disk_full_is_one_sentence_and_leaves_nothing(tmp_path):
    out = tmp_path / "out.mp4"
    writer = VideoWriter(out, 30, 64, 48)
    real = writer._container

    class Full:  # the container as a full disk makes it: every mux fails with ENOSPC
        def __getattr__(self, name):
            return getattr(real, name)

        def mux(self, packet):
            raise OSError(errno.ENOSPC, "No space left on device")

    writer._container = Full()
    with pytest.raises(InputError) as err:
        for _ in range(60):
            writer.write(np.zeros((48, 64, 3), np.uint8))
        writer.close()
    assert err.value.code == "output_write_failed" and err.value.exit_code == 2
    assert str(err.value).startswith(f"{out}: the output could not be written: the disk is full")
    assert list(tmp_path.iterdir()) == []


def test_mov_output_holds_a_mov_container(tmp_path):
    out = write_clip(tmp_path / "clip.mov", seconds=0.5)
    assert probe(out, expect="video").format == "mov"


def test_stale_parts_of_dead_runs_are_removed_and_live_ones_kept(tmp_path):
    out = tmp_path / "out.mp4"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = tmp_path / f".out.mp4.{dead}.abc123.part"
    live = tmp_path / f".out.mp4.{os.getppid()}.def456.part"
    other = tmp_path / f".other.mp4.{dead}.xyz.part"
    for p in (stale, live, other):
        p.write_bytes(b"x")
    assert remove_stale_parts(out) == [stale]
    assert live.exists() and other.exists()
    part = new_part(out)
    assert part.name.startswith(f".out.mp4.{os.getpid()}.") and part.name.endswith(".part")


SLOW_WRITER = textwrap.dedent("""
    import sys, time
    import numpy as np
    from motion_transfer import cli
    from motion_transfer.media.writer import VideoWriter

    def slow(args, progress):
        with VideoWriter(sys.argv[1], 30, 64, 48) as writer:
            while True:
                writer.write(np.zeros((48, 64, 3), np.uint8))
                if writer.frames == 5:
                    print("writing", flush=True)
                time.sleep(0.01)

    cli.COMMANDS["check"] = slow
    sys.exit(cli.main(["check", "a.png", "b.mp4"]))
""")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_clean_up_like_ctrl_c(tmp_path, signum):
    out = tmp_path / "out.mp4"
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "writing"
        assert list(tmp_path.glob(".out.mp4.*.part"))  # the part file exists while writing
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signum
    assert err.strip() == f"stopped by {signal.Signals(signum).name}; unfinished output was removed."
    assert list(tmp_path.iterdir()) == []
