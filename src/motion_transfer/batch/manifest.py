"""The batch manifest: one row per job, read from CSV or JSONL, every row checked before any work starts.

Columns (CSV header or JSON keys): ``image`` and ``video`` (required; relative paths are read from the manifest's
folder), and any ``run`` option: ``output`` (a name inside OUTDIR; default ``IMAGE__VIDEO.mp4``), ``orientation``,
``tier``, ``keep_sound``, ``background`` (a file, or a colour), ``engine``, ``prompt``, ``rig``, ``compare``
(a second name inside OUTDIR for the side-by-side video). Empty cells take the ``run`` defaults.

Checking a row costs a probe of each distinct file (container headers, one decoded frame) plus the engine's input
rules, never a decode of the whole clip, so a manifest of thousands of rows is checked in seconds and a typo in
row 900 is found before row 1 is rendered.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engines.base import engine_names
from ..errors import InputError
from ..media.probe import MediaInfo, probe
from ..outputs import VIDEO_SUFFIXES, check_output
from ..request import ORIENTATIONS, TIERS, VIDEO_BACKGROUND
from ..rules import check_inputs

COLUMNS: tuple[str, ...] = ("image", "video", "output", "orientation", "tier", "keep_sound", "background",
                            "engine", "prompt", "rig", "compare")
REQUIRED: tuple[str, ...] = ("image", "video")
# engines that spend money per row: a batch runs them only when the user said so up front (``--yes``)
PAID_ENGINES: tuple[str, ...] = ("kling",)
_TRUE = ("1", "true", "yes", "y", "on")
_FALSE = ("0", "false", "no", "n", "off")


@dataclass
class Row:
    """One checked job. Paths are absolute; ``name`` (the output's path inside OUTDIR) identifies the row's
    output across runs, so it keys the row's lock and its done record."""

    number: int  # 1-based among the manifest's data rows
    line: int  # line in the manifest file, for messages
    image: Path
    video: Path
    output: Path
    name: str
    orientation: str = "video"
    tier: str = "std"
    keep_sound: bool = True
    engine: str = "puppet"
    prompt: str = ""
    background: str | None = None  # an absolute file path or a colour
    rig: Path | None = None
    compare: Path | None = None
    findings: list = field(default_factory=list)  # warnings from the input rules

    def where(self) -> str:
        return f"row {self.number} (line {self.line})"


@dataclass
class Problem:
    """Why a row cannot run: every reason at once, so the user fixes the manifest in one pass."""

    number: int
    line: int
    messages: list[str]
    image: str | None = None
    video: str | None = None

    def where(self) -> str:
        return f"row {self.number} (line {self.line})"

    def sentence(self) -> str:
        return f"{self.where()}: " + " ".join(self.messages)


@dataclass
class Manifest:
    path: Path
    rows: list[Row]
    problems: list[Problem]

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.problems)


def read_records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line, record) for each data row of a CSV (header first) or JSONL (one object a line) manifest."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the manifest ({exc.strerror or exc}).", file=path, code="manifest",
                         fix="check the path.") from exc
    except UnicodeDecodeError as exc:
        raise InputError("the manifest is not UTF-8 text.", file=path, code="manifest",
                         fix="save it as UTF-8 CSV or JSONL.") from exc
    suffix = path.suffix.lower()
    jsonl = suffix in (".jsonl", ".ndjson") or (suffix != ".csv" and text.lstrip().startswith("{"))
    records = _read_jsonl(path, text) if jsonl else _read_csv(path, text)
    if not records:
        raise InputError("the manifest has no rows.", file=path, code="manifest",
                         fix="add one row per job with at least the image and video columns.")
    return records


def _read_jsonl(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    out = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {line_no} is not valid JSON ({exc.msg}).", file=path, code="manifest",
                             fix="write one JSON object per line.") from exc
        if not isinstance(rec, dict):
            raise InputError(f"line {line_no} is not a JSON object.", file=path, code="manifest",
                             fix='write one object per line, e.g. {"image": "a.png", "video": "b.mp4"}.')
        out.append((line_no, rec))
    return out


def _read_csv(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.reader(text.splitlines())
    header = None
    out = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip().lower() for c in cells]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise InputError(f"the header row lacks the column(s) {', '.join(missing)}.", file=path,
                                 code="manifest", measured=header, limit=list(COLUMNS),
                                 fix="start the CSV with a header such as: image,video,output,tier")
            continue
        rec = {k: v for k, v in zip(header, cells)}
        if len(cells) > len(header):
            rec["__extra__"] = cells[len(header):]
        out.append((reader.line_num, rec))
    return out


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _bool(value: Any, problems: list[str]) -> bool:
    if isinstance(value, bool):
        return value
    t = _text(value).lower()
    if t in _TRUE or t == "":
        return True
    if t in _FALSE:
        return False
    problems.append(f"keep_sound must be yes or no, not {value!r}.")
    return True


def _choice(rec: dict, key: str, choices: tuple[str, ...] | list[str], default: str, problems: list[str]) -> str:
    value = _text(rec.get(key)) or default
    if value not in choices:
        problems.append(f"{key} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def _output_name(value: str, what: str, outdir: Path, inputs: list, problems: list[str]) -> str | None:
    """A relative name inside OUTDIR (sub-folders allowed, never ``..`` or an absolute path) that the writer
    can write without touching an input (the same checks as ``run -o``)."""
    p = Path(value)
    if p.is_absolute() or ".." in p.parts:
        problems.append(f"{what} {value!r} must be a name inside the output folder (no absolute path, no '..').")
        return None
    try:
        check_output(outdir / p, inputs=inputs, what=what, suffixes=VIDEO_SUFFIXES)
    except InputError as exc:
        problems.append(str(exc))
        return None
    return p.as_posix()


class _Probes:
    """Each distinct file is probed once however many rows name it."""

    def __init__(self) -> None:
        self.seen: dict[tuple[Path, str], MediaInfo | InputError] = {}

    def get(self, path: Path, kind: str) -> MediaInfo | InputError:
        key = (path, kind)
        if key not in self.seen:
            try:
                self.seen[key] = probe(path, expect=kind)
            except InputError as exc:
                self.seen[key] = exc
        return self.seen[key]


def check_row(number: int, line: int, rec: dict[str, Any], base: Path, outdir: Path, probes: _Probes,
              paid_ok: bool) -> Row | Problem:
    """Turn one record into a :class:`Row`, or a :class:`Problem` listing everything wrong with it."""
    from ..media.color import parse_color

    problems: list[str] = []
    unknown = sorted(k for k in rec if k not in COLUMNS)
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}.")
    paths: dict[str, Path | None] = {}
    for key in ("image", "video", "rig"):
        value = _text(rec.get(key))
        if not value:
            if key in REQUIRED:
                problems.append(f"the {key} cell is empty.")
            paths[key] = None
            continue
        p = Path(value).expanduser()
        paths[key] = p if p.is_absolute() else (base / p)
        if key == "rig" and not paths[key].is_file():
            problems.append(f"the rig file {value!r} does not exist (looked at {paths[key]}).")
    orientation = _choice(rec, "orientation", ORIENTATIONS, "video", problems)
    tier = _choice(rec, "tier", TIERS, "std", problems)
    engine = _choice(rec, "engine", engine_names(), "puppet", problems)
    if engine in PAID_ENGINES and not paid_ok:
        problems.append(f"engine {engine!r} is paid per second of video; pass --yes to the batch to accept the "
                        "cost of every such row without being asked.")
    keep_sound = _bool(rec.get("keep_sound"), problems)
    prompt = _text(rec.get("prompt"))
    background = _text(rec.get("background")) or None
    if background is not None and background != VIDEO_BACKGROUND:
        bg = Path(background).expanduser()
        bg = bg if bg.is_absolute() else base / bg
        if bg.is_file():
            background = str(bg)
        elif parse_color(background) is None:
            problems.append(f"background {background!r} is neither an existing file (looked at {bg}), a "
                            f"colour such as '#00ff00' or 'green', nor {VIDEO_BACKGROUND!r} (the motion video's "
                            "own scene).")
    image, video = paths["image"], paths["video"]
    inputs = [image, video, paths["rig"], background if background and Path(background).is_file() else None]
    default_name = f"{image.stem if image else 'image'}__{video.stem if video else 'video'}{VIDEO_SUFFIXES[0]}"
    name = _output_name(_text(rec.get("output")) or default_name, "output", outdir, inputs, problems)
    compare_name = _text(rec.get("compare"))
    compare = _output_name(compare_name, "comparison video", outdir, inputs, problems) if compare_name else None
    findings = []
    infos = {}
    for key, p in (("image", image), ("video", video)):
        if p is not None:
            got = probes.get(p, key)
            if isinstance(got, InputError):
                problems.append(str(got))
            else:
                infos[key] = got
    if len(infos) == 2 and orientation in ORIENTATIONS and engine in engine_names():
        for f in check_inputs(infos["image"], infos["video"], orientation, engine, prompt):
            if f.severity == "error":
                problems.append(f.sentence())
            else:
                findings.append(f)
    if problems:
        return Problem(number, line, problems, image=str(image) if image else None,
                       video=str(video) if video else None)
    return Row(number=number, line=line, image=image, video=video, output=outdir / name, name=name,
               orientation=orientation, tier=tier, keep_sound=keep_sound, engine=engine, prompt=prompt,
               background=background, rig=paths["rig"], compare=(outdir / compare) if compare else None,
               findings=findings)


def read_manifest(path: str | Path, outdir: str | Path, *, paid_ok: bool = False) -> Manifest:
    """Read and check every row. A malformed file raises :class:`InputError`; bad rows become problems."""
    path = Path(path)
    outdir = Path(outdir).resolve()
    base = path.resolve().parent
    probes = _Probes()
    rows: list[Row] = []
    problems: list[Problem] = []
    for number, (line, rec) in enumerate(read_records(path), start=1):
        extra = rec.pop("__extra__", None)
        checked = check_row(number, line, rec, base, outdir, probes, paid_ok)
        if extra and isinstance(checked, Problem):
            checked.messages.insert(0, f"{len(extra)} cell(s) more than the header has columns.")
        elif extra:
            checked = Problem(number, line, [f"{len(extra)} cell(s) more than the header has columns."],
                              str(checked.image), str(checked.video))
        (rows if isinstance(checked, Row) else problems).append(checked)
    _refuse_shared_outputs(rows, problems)
    problems.sort(key=lambda p: p.number)
    return Manifest(path=path, rows=rows, problems=problems)


def _refuse_shared_outputs(rows: list[Row], problems: list[Problem]) -> None:
    """Two rows writing one file would overwrite each other: the later rows are refused, naming the first."""
    owner: dict[Path, Row] = {}
    for row in list(rows):
        clash = None
        for target in (row.output, row.compare):
            if target is None:
                continue
            if target in owner:
                clash = owner[target]
                break
        if clash is not None:
            rows.remove(row)
            problems.append(Problem(row.number, row.line, [
                f"writes {row.name} (or its compare video), as {clash.where()} does already; give each row its own "
                "output name in an 'output' column."], str(row.image), str(row.video)))
            continue
        for target in (row.output, row.compare):
            if target is not None:
                owner[target] = row
