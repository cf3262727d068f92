"""Batch runs on generated pairs: the manifest checks, fingerprints and locks, a local run (each motion tracked once,
a bad row failing alone), kill-and-resume, two batches on one folder, and the same work as Ray tasks."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

import motion_transfer
from motion_transfer.batch import read_manifest
from motion_transfer.batch.ledger import Hashes, fingerprint
from motion_transfer.batch.locks import STALE_AFTER, RowLocks
from motion_transfer.batch.runner import manifest_error
from motion_transfer.errors import InputError

SRC = Path(motion_transfer.__file__).resolve().parents[1]
# every Python process the batch starts (pool workers, Ray workers) imports this: it counts real trackings
COUNTER = """\
import os
if os.environ.get("MT_TRACK_COUNT"):
    import motion_transfer.pose.estimator as _est
    _track = _est.track_video
    def _counted(*args, **kwargs):
        with open(os.environ["MT_TRACK_COUNT"], "a") as fh:
            fh.write(f"{os.getpid()}\\n")
        return _track(*args, **kwargs)
    _est.track_video = _counted
"""


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """Two characters, two 3 s motions at 6 fps (tiny: a row renders in seconds), a corrupt and a blank image."""
    from motion_transfer.samples import make_character, make_clip

    folder = tmp_path_factory.mktemp("batch-media")
    make_character(folder / "fox.png", size=(240, 320))
    make_character(folder / "owl.png", size=(240, 320), style="person")
    make_clip(folder / "dance.mp4", "dance", seconds=3.0, fps=6, size=(320, 180), audio=True)
    make_clip(folder / "wave.mp4", "wave", seconds=3.0, fps=6, size=(320, 180))
    (folder / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    Image.fromarray(np.full((320, 240, 3), 128, np.uint8)).save(folder / "blank.png")
    return folder


def write_csv(path: Path, rows: list[str], header: str = "image,video,output") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def batch_env(tmp_path: Path) -> tuple[dict, Path]:
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(COUNTER)
    count = tmp_path / "tracked.txt"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(hook), str(SRC), os.environ.get("PYTHONPATH", "")]),
               MT_TRACK_COUNT=str(count), MOTION_TRANSFER_CACHE="off",
               MOTION_TRANSFER_CACHE_DIR=str(tmp_path / "cache"))
    return env, count


def cli(args: list[str], env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "motion_transfer.cli", "batch", *args], env=env,
                          capture_output=True, text=True, timeout=600, **kw)


def results(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def decodes(path: Path) -> int:
    with av.open(str(path)) as c:
        return sum(1 for _ in c.decode(video=0))


def tracked(count: Path) -> int:
    return len(count.read_text().split()) if count.exists() else 0


# ------------------------------------------------------------------------------------------ manifest, no render
def test_every_bad_row_is_reported_with_its_number(media, tmp_path):
    manifest = write_csv(media / "check.csv", [
        "fox.png,dance.mp4,a.mp4",                 # 1 good
        "fox.png,,b.mp4",                           # 2 no video
        "missing.png,dance.mp4,c.mp4",              # 3 no such image
        "corrupt.png,dance.mp4,d.mp4",              # 4 corrupt image
        "owl.png,wave.mp4,a.mp4",                   # 5 same output as row 1
        "owl.png,wave.mp4,e.avi",                   # 6 not an MP4 name
        "owl.png,wave.mp4,../f.mp4",                # 7 outside OUTDIR
    ])
    m = read_manifest(manifest, tmp_path / "out")
    assert [r.number for r in m.rows] == [1]
    assert [p.number for p in m.problems] == [2, 3, 4, 5, 6, 7]
    text = {p.number: p.sentence() for p in m.problems}
    assert "video cell is empty" in text[2]
    assert "missing.png" in text[3]
    assert "corrupt.png" in text[4] and "Fix:" in text[4]
    assert "row 1 (line 2)" in text[5]
    assert ".mp4" in text[6] and "inside the output folder" in text[7]
    error = manifest_error(m)
    assert isinstance(error, InputError) and all(f"row {n} (line {n + 1})" in str(error) for n in range(2, 8))


def test_choices_come_from_the_request_and_engine_lists(media, tmp_path):
    manifest = media / "choices.jsonl"
    manifest.write_text("\n".join(json.dumps(r) for r in [
        {"image": "fox.png", "video": "dance.mp4", "tier": "pro", "orientation": "image", "keep_sound": False,
         "background": "green"},
        {"image": "fox.png", "video": "dance.mp4", "output": "x.mp4", "tier": "ultra", "orientation": "side",
         "engine": "nope", "keep_sound": "maybe", "background": "no-such-file.png", "colour": 1},
        {"image": "owl.png", "video": "dance.mp4", "engine": "kling"},
    ]) + "\n")
    m = read_manifest(manifest, tmp_path / "out")
    row = m.rows[0]
    assert (row.tier, row.orientation, row.keep_sound, row.background, row.name) == \
        ("pro", "image", False, "green", "fox__dance.mp4")
    bad = m.problems[0].sentence()
    for word in ("std, pro", "video, image", "puppet, kling", "keep_sound", "no-such-file.png", "colour"):
        assert word in bad
    assert m.problems[1].number == 3 and "--yes" in m.problems[1].sentence()
    kling = read_manifest(manifest, tmp_path / "out", paid_ok=True).problems[1].sentence()
    assert "--yes" not in kling and "300" in kling  # accepted as paid; then Kling's own size rules apply


def test_fingerprint_follows_content_and_options_not_names(media, tmp_path):
    import shutil

    shutil.copy(media / "fox.png", tmp_path / "renamed.png")
    shutil.copy(media / "dance.mp4", tmp_path / "dance.mp4")
    manifest = write_csv(tmp_path / "fp.csv", [f"{media / 'fox.png'},dance.mp4,a.mp4,std",
                                               "renamed.png,dance.mp4,b.mp4,std",
                                               "renamed.png,dance.mp4,c.mp4,pro"], "image,video,output,tier")
    a, b, c = read_manifest(manifest, tmp_path / "out").rows
    fps = [fingerprint(r, Hashes()) for r in (a, b, c)]
    assert fps[0] == fps[1] != fps[2]
    with open(tmp_path / "dance.mp4", "ab") as fh:
        fh.write(b"\0")
    assert fingerprint(b, Hashes()) != fps[1]


def test_row_locks_exclude_and_stale_ones_are_taken_over(tmp_path):
    mine, other = RowLocks(tmp_path), RowLocks(tmp_path)
    assert mine.acquire("a.mp4") is None
    holder = other.acquire("a.mp4")
    assert holder is not None and holder.pid == os.getpid()
    mine.release("a.mp4")
    assert other.acquire("a.mp4") is None
    other.release_all()
    # a holder on this host whose process is gone
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = mine.path("b.mp4")
    path.write_text(json.dumps({"host": socket.gethostname(), "pid": dead.pid, "token": "t", "since": 0}))
    assert mine.acquire("b.mp4") is None and json.loads(path.read_text())["pid"] == os.getpid()
    # a holder on another host: alive while it touches the lock, stale once it stopped for STALE_AFTER
    path = mine.path("c.mp4")
    path.write_text(json.dumps({"host": "elsewhere", "pid": 1, "token": "t", "since": 0}))
    assert mine.acquire("c.mp4").host == "elsewhere"
    old = time.time() - STALE_AFTER - 5
    os.utime(path, (old, old))
    assert mine.acquire("c.mp4") is None


# ------------------------------------------------------------------------------------------------ local runs
def test_local_batch_tracks_each_motion_once_and_a_bad_row_fails_alone(media, tmp_path):
    manifest = write_csv(tmp_path / "jobs.csv", [
        f"{media}/fox.png,{media}/dance.mp4,fox_dance.mp4",
        f"{media}/owl.png,{media}/dance.mp4,owl_dance.mp4",
        f"{media}/fox.png,{media}/wave.mp4,fox_wave.mp4",
        f"{media}/blank.png,{media}/wave.mp4,blank_wave.mp4",   # nobody to animate: fails while rendering
        f"{media}/corrupt.png,{media}/wave.mp4,corrupt.mp4",    # refused when the manifest is checked
    ])
    out = tmp_path / "out"
    env, count = batch_env(tmp_path)
    run = cli([str(manifest), "-o", str(out), "--workers", "2"], env)
    assert run.returncode == 1, run.stderr
    assert "row 5 (line 6)" in run.stderr and "corrupt.png" in run.stderr
    got = {r["row"]: r for r in results(out / "results.jsonl")}
    assert {n: r["status"] for n, r in got.items()} == {1: "done", 2: "done", 3: "done", 4: "failed", 5: "invalid"}
    assert "blank.png" in got[4]["error"] and got[5]["error"].startswith(str(media / "corrupt.png"))
    for n in (1, 2, 3):
        assert decodes(Path(got[n]["output"])) == 18 and got[n]["fingerprint"]
        assert got[n]["result"]["frames"] == 18
    assert got[1]["result"]["has_audio"] and not got[3]["result"]["has_audio"]
    assert not (out / "blank_wave.mp4").exists() and not list(out.glob(".*.part"))
    assert tracked(count) == 2  # dance and wave, each once for its rows
    assert "3 done" in run.stdout and "1 failed" in run.stdout and "1 invalid" in run.stdout

    # the same command again: finished rows are skipped untouched, the failed row is tried again
    before = {n: os.stat(got[n]["output"]).st_mtime_ns for n in (1, 2, 3)}
    again = cli([str(manifest), "-o", str(out), "--workers", "2", "--json"], env)
    summary = json.loads(again.stdout)
    assert again.returncode == 1 and (summary["skipped"], summary["failed"], summary["invalid"]) == (3, 1, 1)
    assert {n: os.stat(got[n]["output"]).st_mtime_ns for n in (1, 2, 3)} == before
    assert tracked(count) == 3  # only the wave, for the blank row

    # editing a row's options makes exactly that row run again
    text = manifest.read_text().replace("fox_wave.mp4", "fox_wave.mp4,image")
    manifest.write_text(text.replace("image,video,output", "image,video,output,orientation"))
    strict = cli([str(manifest), "-o", str(out), "--workers", "2", "--json", "--strict"], env)
    refusal = json.loads(strict.stdout)
    assert strict.returncode == 2 and refusal["ok"] is False and "row 5 (line 6)" in refusal["error"]["message"]
    manifest.write_text("\n".join(line for line in manifest.read_text().splitlines()
                                  if "corrupt" not in line and "blank" not in line) + "\n")
    fourth = json.loads(cli([str(manifest), "-o", str(out), "--workers", "2", "--json", "--strict"], env).stdout)
    assert (fourth["done"], fourth["skipped"], fourth["ok"]) == (1, 2, True)


def test_killed_batch_resumes_without_redoing_finished_rows(media, tmp_path):
    rows = [f"{media}/{c},{media}/{m},{c[:-4]}_{m[:-4]}.mp4" for m in ("dance.mp4", "wave.mp4")
            for c in ("fox.png", "owl.png")]
    manifest = write_csv(tmp_path / "jobs.csv", rows)
    out = tmp_path / "out"
    env, count = batch_env(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "motion_transfer.cli", "batch", str(manifest), "-o", str(out),
                             "--workers", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = out / "results.jsonl"
    deadline = time.time() + 400
    while time.time() < deadline and not (log.exists() and '"done"' in log.read_text()):
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    first = results(log)
    finished = {r["output"]: os.stat(r["output"]).st_mtime_ns for r in first if r["status"] == "done"}
    assert 1 <= len(finished) < 4
    for video in out.glob("*.mp4"):  # nothing half-written under an output's name
        assert str(video) in finished and decodes(video) == 18
    time.sleep(1.0)  # the orphaned worker dies with its parent (PR_SET_PDEATHSIG)

    resumed = cli([str(manifest), "-o", str(out), "--workers", "1", "--json"], env)
    summary = json.loads(resumed.stdout)
    assert resumed.returncode == 0, resumed.stderr
    assert (summary["skipped"], summary["done"]) == (len(finished), 4 - len(finished))
    assert {p: os.stat(p).st_mtime_ns for p in finished} == finished
    assert sorted(p.name for p in out.glob("*.mp4")) == sorted(f"{c}_{m}.mp4" for c in ("fox", "owl")
                                                                for m in ("dance", "wave"))
    assert all(decodes(p) == 18 for p in out.glob("*.mp4"))
    assert not list((out / ".motion-transfer-batch/locks").iterdir())
    assert not list(out.glob(".*.part"))  # the killed worker's part went when its row was written again


def test_two_batches_on_one_folder_never_render_a_row_twice(media, tmp_path):
    manifest = write_csv(tmp_path / "jobs.csv", [f"{media}/{c},{media}/dance.mp4,{c[:-4]}.mp4"
                                                 for c in ("fox.png", "owl.png")])
    out = tmp_path / "out"
    env, _ = batch_env(tmp_path)
    args = [sys.executable, "-m", "motion_transfer.cli", "batch", str(manifest), "-o", str(out), "--workers", "1",
            "--json"]
    procs = [subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
             for _ in range(2)]
    summaries = [json.loads(p.communicate(timeout=600)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sum(s["done"] for s in summaries) == 2 and sum(s["skipped"] for s in summaries) == 2
    done = [r for r in results(out / "results.jsonl") if r["status"] == "done"]
    assert sorted(r["row"] for r in done) == [1, 2]


# ------------------------------------------------------------------------------------------------------- Ray
def test_ray_batch_on_a_local_cluster(media, tmp_path, monkeypatch):
    ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'motion-transfer[ray]'")
    from motion_transfer.batch import run_batch

    env, count = batch_env(tmp_path)
    for key in ("PYTHONPATH", "MT_TRACK_COUNT", "MOTION_TRANSFER_CACHE", "MOTION_TRANSFER_CACHE_DIR"):
        monkeypatch.setenv(key, env[key])  # Ray's workers inherit the driver's environment
    manifest = write_csv(tmp_path / "jobs.csv", [f"{media}/fox.png,{media}/dance.mp4,fox.mp4",
                                                 f"{media}/owl.png,{media}/dance.mp4,owl.mp4",
                                                 f"{media}/blank.png,{media}/dance.mp4,blank.mp4"])
    try:
        ray.init(num_cpus=2, include_dashboard=False, object_store_memory=200_000_000,
                 _node_ip_address="127.0.0.1", log_to_driver=False)
    except Exception as exc:  # Ray waits a fixed 30 s for its own daemons; an overloaded machine can miss that
        ray.shutdown()
        if "timed out during startup" in str(exc):
            pytest.skip(f"the local Ray did not start on this overloaded machine: {exc}")
        raise
    try:
        summary = run_batch(manifest, tmp_path / "out", use_ray=True)
    finally:
        ray.shutdown()
    assert (summary.backend, summary.done, summary.failed, summary.motions_analysed) == ("ray", 2, 1, 1)
    assert summary.failures[0]["row"] == 3 and "blank.png" in summary.failures[0]["error"]
    assert tracked(count) == 1
    assert decodes(tmp_path / "out" / "fox.mp4") == 18 and decodes(tmp_path / "out" / "owl.mp4") == 18


def test_ray_is_optional_and_said_so(monkeypatch):
    from motion_transfer.batch.ray_backend import RayBackend
    from motion_transfer.cli import build_parser
    from motion_transfer.errors import DependencyError

    parse = build_parser().parse_args
    assert parse(["batch", "m.csv", "-o", "out"]).ray is None
    assert parse(["batch", "m.csv", "-o", "out", "--ray"]).ray == ""  # a local Ray for this batch
    assert parse(["batch", "m.csv", "-o", "out", "--ray", "auto"]).ray == "auto"
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    with pytest.raises(DependencyError, match=r"motion-transfer\[ray\]"):
        RayBackend()
