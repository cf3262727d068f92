"""Where the Wan2.2-Animate weights are, and whether that folder is complete, read without loading any weight.

Weights come only from a local folder in diffusers' layout (``model_index.json`` and one sub-folder per
component), named by ``--model-path`` or ``MOTION_TRANSFER_WAN_MODEL``. A Hugging Face hub id is accepted only
together with ``allow_download``: then the snapshot is downloaded (into the usual hub cache) and checked like a
folder. Nothing else ever downloads.

The check reads ``model_index.json``, each component's config, and each ``.safetensors`` file's header (a few
kilobytes): missing files, shards cut short by an interrupted download, and the parameter count of every
component (for the memory check) all come from there.
"""
from __future__ import annotations

import json
import os
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import ConfigError
from .settings import ENV_MODEL, EXAMPLE_HUB_ID, PIPELINE_CLASS

HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
DOWNLOAD_HINT = (f"download it once (`huggingface-cli download {EXAMPLE_HUB_ID} --local-dir FOLDER`), then pass "
                 f"--model-path FOLDER or set {ENV_MODEL}=FOLDER.")
# Files each kind of component needs besides its weights (diffusers' layout).
CONFIG_FILES = {"scheduler": ("scheduler_config.json",), "image_processor": ("preprocessor_config.json",),
                "tokenizer": ("tokenizer_config.json",)}
TOKENIZER_VOCAB = ("tokenizer.json", "spiece.model", "vocab.json")
WEIGHT_SUFFIXES = (".safetensors", ".bin")


@dataclass
class ModelFolder:
    """A checked folder: ``params`` per weighted component (transformer, text_encoder, ...), ``layers`` where
    the component's config says how many blocks it has (for the group-offload estimate)."""

    path: Path
    params: dict[str, int] = field(default_factory=dict)
    layers: dict[str, int] = field(default_factory=dict)
    downloaded: bool = False


def locate(model_path: str | None, allow_download: bool = False) -> ModelFolder:
    """The checked model folder for ``model_path`` (else ``$MOTION_TRANSFER_WAN_MODEL``), or one clear error."""
    value = (model_path or os.environ.get(ENV_MODEL) or "").strip()
    if not value:
        raise ConfigError(f"no Wan2.2-Animate weights were given: the wan-animate engine needs a local folder in "
                          f"diffusers' layout (e.g. a copy of {EXAMPLE_HUB_ID}).", code="wan_no_weights",
                          fix=DOWNLOAD_HINT)
    path = Path(value).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ConfigError("the Wan model path is a file, not a folder in diffusers' layout.", file=path,
                              code="wan_model_path", fix="pass the folder that holds model_index.json.")
        return check_folder(path)
    if HUB_ID.match(value):
        if not allow_download:
            raise ConfigError(f"{value!r} is not a folder on this machine; it looks like a Hugging Face hub id, and "
                              f"nothing is downloaded unless you allow it.", code="wan_download_not_allowed",
                              measured=value, fix=f"add --allow-download (tens of GB for the 14B model), or "
                                                  f"{DOWNLOAD_HINT}")
        return check_folder(_download(value), downloaded=True)
    raise ConfigError("the Wan model folder does not exist.", file=path, code="wan_model_path", fix=DOWNLOAD_HINT)


def _download(repo_id: str) -> Path:
    """The user named a hub id and allowed the download: fetch the snapshot into the hub cache."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError as exc:
        raise ConfigError(f"downloading {repo_id} needs huggingface_hub ({exc}).", code="wan_packages",
                          fix="install the extra: pip install 'motion-transfer[wan]'.") from exc
    try:
        return Path(snapshot_download(repo_id))
    except Exception as exc:  # noqa: BLE001 - network, auth and not-found errors all end the same way
        raise ConfigError(f"downloading {repo_id} failed: {exc}.", code="wan_download",
                          fix=f"check the id and your connection, or {DOWNLOAD_HINT}") from exc


def check_folder(path: Path, downloaded: bool = False) -> ModelFolder:
    """Check ``path`` holds a complete WanAnimatePipeline; raise one sentence naming every missing file."""
    index = path / "model_index.json"
    if not index.is_file():
        raise ConfigError("this is not a diffusers model folder: it has no model_index.json.", file=path,
                          code="wan_not_diffusers", fix=DOWNLOAD_HINT)
    try:
        spec = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"model_index.json cannot be read ({exc}).", file=index, code="wan_damaged",
                          fix="download the model again.") from exc
    if spec.get("_class_name") != PIPELINE_CLASS:
        raise ConfigError(f"this folder holds a {spec.get('_class_name', 'unknown')} model, not Wan2.2-Animate "
                          f"({PIPELINE_CLASS}).", file=path, code="wan_wrong_model",
                          measured=spec.get("_class_name"), limit=PIPELINE_CLASS,
                          fix=f"point --model-path at a copy of {EXAMPLE_HUB_ID}.")
    folder = ModelFolder(path=path, downloaded=downloaded)
    missing: list[str] = []
    damaged: list[str] = []
    for name, entry in spec.items():
        if name.startswith("_") or not isinstance(entry, list) or entry[0] is None:
            continue
        sub = path / name
        if not sub.is_dir():
            missing.append(f"{name}/")
            continue
        if name in CONFIG_FILES:
            missing += [f"{name}/{f}" for f in CONFIG_FILES[name] if not (sub / f).is_file()]
            if name == "tokenizer" and not any((sub / f).is_file() for f in TOKENIZER_VOCAB):
                missing.append(f"{name}/tokenizer.json")
            continue
        if not (sub / "config.json").is_file():
            missing.append(f"{name}/config.json")
        else:
            layers = _layers(sub / "config.json")
            if layers:
                folder.layers[name] = layers
        files, absent = _weight_files(sub)
        missing += [f"{name}/{f}" for f in absent]
        params = 0
        for f in files:
            count, problem = _safetensors_params(f) if f.suffix == ".safetensors" else (f.stat().st_size // 2, None)
            if problem:
                damaged.append(f"{name}/{f.name} ({problem})")
            params += count
        if files:
            folder.params[name] = params
    if missing:
        raise ConfigError(f"the model folder is incomplete: missing {', '.join(missing)}.", file=path,
                          code="wan_incomplete", measured=missing,
                          fix=f"download the missing files again (`huggingface-cli download {EXAMPLE_HUB_ID} "
                              f"--local-dir {path}` resumes and fills the gaps).")
    if damaged:
        raise ConfigError(f"the model folder has damaged weight files: {', '.join(damaged)}.", file=path,
                          code="wan_damaged", measured=damaged, fix="delete them and download them again.")
    return folder


def _weight_files(sub: Path) -> tuple[list[Path], list[str]]:
    """The component's weight files, and the shards its index names that are not there."""
    indexes = sorted(sub.glob("*.safetensors.index.json")) or sorted(sub.glob("*.bin.index.json"))
    if indexes:
        try:
            shards = sorted(set(json.loads(indexes[0].read_text(encoding="utf-8"))["weight_map"].values()))
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigError(f"the shard index cannot be read ({exc}).", file=indexes[0], code="wan_damaged",
                              fix="download it again.") from exc
        present = [sub / s for s in shards if (sub / s).is_file()]
        return present, [s for s in shards if not (sub / s).is_file()]
    files = sorted(p for p in sub.iterdir() if p.suffix in WEIGHT_SUFFIXES and p.is_file())
    if not files:
        return [], ["diffusion_pytorch_model.safetensors" if sub.name in ("transformer", "vae")
                    else "model.safetensors"]
    return files, []


def _safetensors_params(path: Path) -> tuple[int, str | None]:
    """(parameter count, problem or None) from a safetensors header; a truncated file is a problem."""
    size = path.stat().st_size
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            if len(head) < 8:
                return 0, f"{size} bytes, no header"
            n = struct.unpack("<Q", head)[0]
            if n > min(size - 8, 100_000_000):
                return 0, "header cut short"
            header = json.loads(fh.read(n))
    except (OSError, ValueError) as exc:
        return 0, f"unreadable header: {exc}"
    params, end = 0, 0
    for key, info in header.items():
        if key == "__metadata__":
            continue
        count = 1
        for dim in info.get("shape", []):
            count *= int(dim)
        params += count
        end = max(end, int(info.get("data_offsets", [0, 0])[1]))
    if 8 + n + end > size:
        return params, f"cut short: {size:,} of {8 + n + end:,} bytes"
    return params, None


def _layers(config: Path) -> int:
    try:
        cfg = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    for key in ("num_layers", "num_hidden_layers"):
        if isinstance(cfg.get(key), int):
            return int(cfg[key])
    vision = cfg.get("vision_config") or {}
    return int(vision.get("num_hidden_layers", 0) or 0)
