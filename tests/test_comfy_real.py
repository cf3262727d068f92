"""The example workflows, run in a real ComfyUI (CPU) through its HTTP API.

Runs only when ``COMFYUI_DIR`` points at a ComfyUI checkout whose Python (``COMFYUI_PYTHON``, else
``$COMFYUI_DIR/.venv/bin/python``, ``$COMFYUI_DIR/venv/bin/python``, else this interpreter) has ComfyUI's
requirements and this pack's ``requirements.txt`` installed. The checkout is never modified: ComfyUI starts with
``--base-directory`` pointing at a temp folder whose ``custom_nodes/motion-transfer`` links to this repository,
on a free loopback port, with ``--cpu``. Each workflow in ``example_workflows/`` is converted from the UI format
to the API format with the server's own ``/object_info``, queued on ``/prompt`` and followed on ``/history``.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / "example_workflows"
COMFYUI_DIR = os.environ.get("COMFYUI_DIR")
START_TIMEOUT = float(os.environ.get("COMFYUI_START_TIMEOUT", "240"))
RUN_TIMEOUT = float(os.environ.get("COMFYUI_RUN_TIMEOUT", "1200"))
# Front-end-only nodes: they never reach the server.
VIRTUAL_NODES = {"MarkdownNote", "Note", "Reroute", "PrimitiveNode"}
WIDGET_TYPES = {"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"}
PACK_NODES = ("MotionTransfer", "MotionTransferPreflight", "MotionTransferPoseTrack", "MotionTransferRetargetPose")

pytestmark = [
    pytest.mark.skipif(not COMFYUI_DIR, reason="set COMFYUI_DIR to a ComfyUI checkout (with its requirements and "
                                               "this pack's requirements.txt installed) to run the example "
                                               "workflows in a real ComfyUI"),
]


def _python() -> str:
    if os.environ.get("COMFYUI_PYTHON"):
        return os.environ["COMFYUI_PYTHON"]
    for rel in (".venv/bin/python", "venv/bin/python", ".venv/Scripts/python.exe", "venv/Scripts/python.exe"):
        candidate = Path(COMFYUI_DIR) / rel
        if candidate.exists():
            return str(candidate)
    return sys.executable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Comfy:
    """A ComfyUI server of our own on loopback, and the few HTTP calls the tests need."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = base / "comfyui.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        main = Path(COMFYUI_DIR) / "main.py"
        if not main.exists():
            pytest.fail(f"COMFYUI_DIR={COMFYUI_DIR} has no main.py; point it at a ComfyUI checkout.")
        cmd = [_python(), str(main), "--cpu", "--listen", "127.0.0.1", "--port", str(self.port),
               "--base-directory", str(self.base), "--disable-auto-launch"]
        env = dict(os.environ, PYTHONUNBUFFERED="1", GLOG_minloglevel="2", TF_CPP_MIN_LOG_LEVEL="2")
        self._log = open(self.log_path, "w")  # noqa: SIM115 - the server writes to it until stop()
        self.proc = subprocess.Popen(cmd, cwd=COMFYUI_DIR, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"ComfyUI exited with {self.proc.returncode} while starting:\n{self.log()[-4000:]}")
            try:
                self.get("/system_stats")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(1.0)
        pytest.fail(f"ComfyUI did not answer within {START_TIMEOUT:.0f} s:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def get(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return json.loads(r.read())

    def post(self, path: str, data: dict):
        req = urllib.request.Request(self.url + path, data=json.dumps(data).encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def run(self, prompt: dict, workflow: dict | None = None, timeout: float = RUN_TIMEOUT) -> dict:
        """Queue an API-format prompt and wait for its history entry."""
        extra = {"extra_pnginfo": {"workflow": workflow}} if workflow else {}
        status, reply = self.post("/prompt", {"prompt": prompt, "client_id": uuid.uuid4().hex, "extra_data": extra})
        assert status == 200, f"/prompt refused the workflow: {json.dumps(reply, indent=1)[:3000]}"
        prompt_id = reply["prompt_id"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            history = self.get(f"/history/{prompt_id}")
            entry = history.get(prompt_id)
            if entry and entry.get("status", {}).get("completed") is not None and (
                    entry["status"].get("status_str") in ("success", "error")):
                return entry
            if self.proc.poll() is not None:
                pytest.fail(f"ComfyUI died while running the workflow:\n{self.log()[-4000:]}")
            time.sleep(1.0)
        pytest.fail(f"the workflow did not finish within {timeout:.0f} s:\n{self.log()[-3000:]}")


def to_api(workflow: dict, object_info: dict) -> dict:
    """UI-format workflow (what the editor saves) -> API format (what /prompt takes)."""
    links = {link[0]: link for link in workflow["links"]}
    prompt = {}
    for node in workflow["nodes"]:
        kind = node["type"]
        if kind in VIRTUAL_NODES or node.get("mode", 0) in (2, 4):
            continue
        assert kind in object_info, f"node type {kind} is not known to this ComfyUI"
        info = object_info[kind]
        order = info.get("input_order") or {k: list(v) for k, v in info["input"].items()}
        names = list(order.get("required", [])) + list(order.get("optional", []))
        specs = {**info["input"].get("required", {}), **info["input"].get("optional", {})}
        linked = {i["name"]: i["link"] for i in node.get("inputs", []) if i.get("link") is not None}
        values = node.get("widgets_values") or []
        inputs, vi = {}, 0
        for name in names:
            spec = specs[name]
            kind_ = spec[0]
            opts = spec[1] if len(spec) > 1 and isinstance(spec[1], dict) else {}
            if isinstance(kind_, list) or kind_ in WIDGET_TYPES:
                if isinstance(values, dict):
                    value = values.get(name, opts.get("default"))
                elif vi < len(values):
                    value, vi = values[vi], vi + 1
                else:
                    value = opts.get("default")
                if opts.get("control_after_generate"):
                    vi += 1
                if opts.get("image_upload") or opts.get("video_upload") or opts.get("audio_upload"):
                    vi += 1
                if name not in linked:
                    inputs[name] = value
            if name in linked:
                link = links[linked[name]]
                inputs[name] = [str(link[1]), link[2]]
        prompt[str(node["id"])] = {"class_type": kind, "inputs": inputs}
    return prompt


def _outputs(entry: dict) -> list[dict]:
    """Every file record (filename, subfolder, type) in a history entry's outputs."""
    found = []
    for node_out in entry.get("outputs", {}).values():
        for value in node_out.values():
            if isinstance(value, list):
                found += [v for v in value if isinstance(v, dict) and "filename" in v]
    return found


def _texts(entry: dict) -> list[str]:
    out = []
    for node_out in entry.get("outputs", {}).values():
        out += list(node_out.get("text", []))
    return out


def _error(entry: dict) -> dict | None:
    for kind, data in entry.get("status", {}).get("messages", []):
        if kind == "execution_error":
            return data
    return None


@pytest.fixture(scope="module")
def comfy(tmp_path_factory):
    base = tmp_path_factory.mktemp("comfyui-base")
    (base / "custom_nodes").mkdir()
    (base / "custom_nodes" / "motion-transfer").symlink_to(REPO, target_is_directory=True)
    make_inputs(base / "input")
    server = Comfy(base)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def make_inputs(folder: Path) -> None:
    """The files the example workflows name (character.png, motion.mp4), small so CPU runs stay short, plus
    a 2 s clip that breaks the 3 s rule."""
    from motion_transfer.samples import make_character, make_clip

    folder.mkdir(parents=True, exist_ok=True)
    make_character(folder / "character.png", size=(480, 640))
    make_clip(folder / "motion.mp4", "dance", seconds=3.5, fps=15, size=(640, 360), audio=True)
    make_clip(folder / "short.mp4", "dance", seconds=2.0, fps=15, size=(640, 360))


def _workflow(name: str) -> dict:
    return json.loads((WORKFLOWS / f"{name}.json").read_text())


def test_pack_loads_and_core_nodes_still_load(comfy):
    info = comfy.get("/object_info")
    log = comfy.log()
    missing = [n for n in PACK_NODES if n not in info]
    assert not missing, f"nodes missing from ComfyUI: {missing}\n{log[-4000:]}"
    failed = [line for line in log.splitlines() if "IMPORT FAILED" in line or "Cannot import" in line]
    assert not [line for line in failed if "motion-transfer" in line or "motion_transfer" in line], failed
    assert "node pack is disabled" not in log and "is disabled:" not in log, log[-3000:]
    for core in ("KSampler", "CheckpointLoaderSimple", "LoadImage", "SaveImage", "LoadVideo", "SaveVideo",
                 "CreateVideo", "PreviewAny"):
        assert core in info, f"ComfyUI's own node {core} no longer loads"


def test_comfyuis_own_nodes_still_run(comfy):
    prompt = {"1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 48, "batch_size": 2, "color": 255}},
              "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
              "3": {"class_type": "ImageScale", "inputs": {"image": ["2", 0], "upscale_method": "bilinear",
                                                           "width": 32, "height": 24, "crop": "disabled"}},
              "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "core-check"}}}
    entry = comfy.run(prompt)
    assert entry["status"]["status_str"] == "success", _error(entry)
    assert len([f for f in _outputs(entry) if f["filename"].endswith(".png")]) == 2


def test_example_workflows_are_offered_as_templates(comfy):
    listed = comfy.get("/workflow_templates").get("motion-transfer", [])
    assert sorted(listed) == sorted(p.stem for p in WORKFLOWS.glob("*.json"))
    served = comfy.get("/api/workflow_templates/motion-transfer/motion_transfer.json")
    assert served == _workflow("motion_transfer")


def _combo_options(spec) -> list | None:
    kind = spec[0]
    if isinstance(kind, list):
        return kind
    if kind == "COMBO":
        return spec[1].get("options")
    return None


def test_motion_transfer_inputs_match_kling_node(comfy):
    info = comfy.get("/object_info")
    if "KlingMotionControl" not in info:
        pytest.skip("this ComfyUI build has no KlingMotionControl node to compare with")
    kling, ours = info["KlingMotionControl"], info["MotionTransfer"]
    assert ours["input_order"]["required"] == kling["input_order"]["required"]
    for name in kling["input_order"]["required"]:
        k, o = kling["input"]["required"][name], ours["input"]["required"][name]
        k_opts, o_opts = _combo_options(k), _combo_options(o)
        if k_opts is not None:
            assert o_opts == k_opts, name
            assert o[1].get("default", o_opts[0]) == k[1].get("default", k_opts[0]), name
        else:
            assert o[0] == k[0], name
            for key in ("default", "multiline"):
                if key in k[1]:
                    assert o[1].get(key) == k[1][key], (name, key)
    # Kling's optional widgets come first among ours, in the same order, so saved widget values line up
    k_opt = kling["input_order"].get("optional", [])
    assert ours["input_order"]["optional"][:len(k_opt)] == k_opt
    for name in k_opt:
        assert _combo_options(ours["input"]["optional"][name]) == _combo_options(kling["input"]["optional"][name])
    assert ours["output"][0] == kling["output"][0] == "VIDEO"


def test_kling_template_loads_after_swapping_the_class_name(comfy):
    """ComfyUI's own Kling Motion Control template with only the class name changed: every saved widget value
    lands on the input of the same name, ComfyUI's validation accepts them, and our node runs (the short clip
    makes it stop at the rules, quickly, instead of rendering 1080p)."""
    venv = Path(_python()).parents[1]
    candidates = list(venv.glob("lib/python*/site-packages/comfyui_workflow_templates*/**/"
                                "api_kling_motion_control.json"))
    candidates += list(Path(COMFYUI_DIR).glob("**/api_kling_motion_control.json"))
    if not candidates:
        pytest.skip("ComfyUI's api_kling_motion_control template is not installed here")
    workflow = json.loads(candidates[0].read_text())
    kling = next(n for n in workflow["nodes"] if n["type"] == "KlingMotionControl")
    saved_values = list(kling["widgets_values"])
    kling["type"] = "MotionTransfer"
    for node in workflow["nodes"]:
        if node["type"] == "LoadImage":
            node["widgets_values"][0] = "character.png"
        if node["type"] == "LoadVideo":
            node["widgets_values"][0] = "short.mp4"
    prompt = to_api(workflow, comfy.get("/object_info"))
    ours = next(v for v in prompt.values() if v["class_type"] == "MotionTransfer")["inputs"]
    names = ["prompt", "keep_original_sound", "character_orientation", "mode", "model"]
    assert [ours[n] for n in names[:len(saved_values)]] == saved_values
    assert ours["engine"] == "puppet"
    entry = comfy.run(prompt, workflow)
    error = _error(entry)
    assert error and error["node_type"] == "MotionTransfer", (entry["status"], error)
    assert "at least 3 s" in error["exception_message"], error["exception_message"]


def test_example_workflow_end_to_end(comfy):
    workflow = _workflow("motion_transfer")
    prompt = to_api(workflow, comfy.get("/object_info"))
    t0 = time.monotonic()
    entry = comfy.run(prompt, workflow)
    elapsed = time.monotonic() - t0
    assert entry["status"]["status_str"] == "success", json.dumps(_error(entry), indent=1)[:4000]
    files = [f for f in _outputs(entry) if f["filename"].endswith(".mp4")]
    assert files, entry["outputs"]
    saved = comfy.base / "output" / files[0]["subfolder"] / files[0]["filename"]
    assert saved.exists()
    from motion_transfer.media.probe import probe

    info = probe(saved, expect="video")
    src = probe(comfy.base / "input" / "motion.mp4", expect="video")
    assert abs(info.duration - src.duration) < 0.5
    assert min(info.width, info.height) == 720  # mode std in the example workflow
    assert info.has_audio  # keep_original_sound is on
    texts = _texts(entry)
    assert any("fps" in t for t in texts), texts  # the report output shown by PreviewAny
    print(f"end to end in ComfyUI: {elapsed:.1f} s -> {saved}")


def test_preflight_workflow(comfy):
    workflow = _workflow("motion_transfer_preflight")
    entry = comfy.run(to_api(workflow, comfy.get("/object_info")), workflow)
    assert entry["status"]["status_str"] == "success", _error(entry)
    texts = _texts(entry)
    assert any("error(s)" in t for t in texts), texts


@pytest.mark.parametrize("name", ["motion_transfer_pose_track", "motion_transfer_retarget_pose"])
def test_pose_workflows(comfy, name):
    workflow = _workflow(name)
    entry = comfy.run(to_api(workflow, comfy.get("/object_info")), workflow)
    assert entry["status"]["status_str"] == "success", _error(entry)
    files = [f for f in _outputs(entry) if f["filename"].endswith(".mp4")]
    assert files, entry["outputs"]
    from motion_transfer.media.probe import probe

    info = probe(comfy.base / "output" / files[0]["subfolder"] / files[0]["filename"], expect="video")
    assert info.frame_count >= 30 and min(info.width, info.height) == 512


def test_rule_errors_reach_the_error_panel_as_the_cli_says_them(comfy):
    from motion_transfer.api import check

    workflow = _workflow("motion_transfer")
    for node in workflow["nodes"]:
        if node["type"] == "LoadVideo":
            node["widgets_values"][0] = "short.mp4"
    entry = comfy.run(to_api(workflow, comfy.get("/object_info")), workflow)
    assert entry["status"]["status_str"] == "error"
    error = _error(entry)
    assert error and error["node_type"] == "MotionTransfer", error
    report = check(comfy.base / "input" / "character.png", comfy.base / "input" / "short.mp4", engine="puppet")
    said = " ".join(error["exception_message"].split())
    for finding in report.errors:
        assert " ".join(finding.message.split()) in said, (finding.message, said)
        assert " ".join(finding.fix.split()) in said, (finding.fix, said)
