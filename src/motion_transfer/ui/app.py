"""The Gradio page of ``motion-transfer ui``: the CLI's inputs, Check, Render and (for Kling) the job list.

Only this module imports Gradio. Every handler calls :mod:`.session`, which does the work without a browser;
errors come back as the sentences the CLI prints, shown in the tab's message box.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import gradio as gr

from ..cli_jobs import JOB_COLUMNS
from ..engines.base import DEFAULT_ENGINE, engine_help, engine_names
from ..engines.kling.settings import DEFAULT_MODEL, MODELS
from ..errors import MotionTransferError
from ..finding import format_findings
from ..loopback import is_loopback
from ..media.probe import file_size_text
from ..pose.skeleton import BODY_JOINTS
from ..request import ORIENTATIONS, TIERS
from ..rules import RULES, rules_for
from .session import Session, Task, Workspace, error_text, findings_html, job_rows

POLL_S = 0.25  # how often the page asks a running task for its stage and frame
UPLOAD_LIMIT = max(max(r.image_max_bytes, r.video_max_bytes) for r in RULES.values())
INTRO = """# motion-transfer
The character in the image performs the motion of the video, on this computer. The built-in samples are loaded:
press **Check** to see what the preflight predicts, then **Render**. Upload your own image and video to replace them.
"""


def _theme() -> gr.themes.Base:
    # system fonts: the page never asks a font service on the internet for anything
    return gr.themes.Default(font=["ui-sans-serif", "system-ui", "sans-serif"],
                             font_mono=["ui-monospace", "monospace"])


def _image_label() -> str:
    r = rules_for(DEFAULT_ENGINE)
    return (f"Character image ({', '.join(f.upper() for f in r.image_formats)}; at most "
            f"{file_size_text(r.image_max_bytes)})")


def _video_label() -> str:
    r = rules_for(DEFAULT_ENGINE)
    return (f"Motion video ({', '.join(f.upper() for f in r.video_formats)}; {r.min_seconds:g}-"
            f"{max(r.max_seconds.values()):g} s; at most {file_size_text(r.video_max_bytes)})")


def build_app(workspace: Workspace, samples: tuple[Path, Path] | None = None) -> gr.Blocks:
    """The page, opening with ``samples`` (image, video) as its inputs."""
    image0, video0 = (str(p) for p in samples) if samples else (None, None)
    with gr.Blocks(title="motion-transfer", analytics_enabled=False) as demo:
        state = gr.State(lambda: Session(workspace))
        gr.Markdown(INTRO)
        with gr.Row():
            with gr.Column(scale=1):
                image = gr.File(value=image0, label=_image_label(),
                                file_types=["image"], type="filepath", elem_id="image")
                video = gr.Video(value=video0, label=_video_label(), sources=["upload"], height=360,
                                 elem_id="video")
            with gr.Column(scale=1):
                prompt = gr.Textbox(label="Prompt (generative engines only; at most 2,500 characters)", lines=2)
                with gr.Row():
                    orientation = gr.Radio(list(ORIENTATIONS), value="video", label="Orientation",
                                           info="video: follow the video's framing (up to 30 s); image: keep the "
                                                "image's framing (up to 10 s)")
                    tier = gr.Radio(list(TIERS), value="std", label="Tier", info="std 720p, pro 1080p")
                with gr.Row():
                    engine = gr.Dropdown(engine_names(), value=DEFAULT_ENGINE, label="Engine", info=engine_help())
                    keep_sound = gr.Checkbox(value=True, label="Keep the video's sound")
                with gr.Row():
                    background = gr.Textbox(label="Background colour", placeholder="#00ff00 or green; empty: "
                                            "the image's own background")
                    background_file = gr.File(label="or a background image / video", type="filepath")
                with gr.Accordion("Kling (paid cloud engine)", open=False):
                    with gr.Row():
                        model = gr.Dropdown(list(MODELS), value=DEFAULT_MODEL, label="Kling model")
                        video_url = gr.Textbox(label="Public https URL of the video (else your S3 bucket)")
                    estimate = gr.Markdown("Choose the kling engine to see the estimated cost.")
                    confirm = gr.Checkbox(value=False, label="I accept the estimated cost: submit to Kling")

        with gr.Tabs():
            with gr.Tab("Check"):
                check_btn = gr.Button("Check", variant="primary", elem_id="check-btn")
                findings = gr.HTML(elem_id="findings")
                check_msg = gr.Textbox(label="Messages", lines=3, interactive=False, elem_id="check-messages")
                gr.Markdown("**Frames named by a finding** (one row per finding, in its severity's colour)")
                timeline = gr.Image(show_label=False, interactive=False, elem_id="timeline")
                with gr.Row():
                    overlay = gr.Video(label="Tracked skeleton over the motion video", interactive=False,
                                       height=480, elem_id="overlay")
                    character = gr.Image(label="The character's joints (pick a joint, then click the image to "
                                         "place it)", interactive=False, height=480, elem_id="character")
                with gr.Row():
                    joint = gr.Dropdown(list(BODY_JOINTS), value="left_wrist", label="Joint to place")
                    use_rig = gr.Checkbox(value=False, label="Render with my rig (else the puppet detects it)")
                joints_table = gr.Dataframe(headers=["joint", "x", "y"], datatype=["str", "number", "number"],
                                            type="array", interactive=True, label="Joint positions (pixels; "
                                            "empty = not shown in the image)", elem_id="joints")
                with gr.Row():
                    apply_btn = gr.Button("Apply table")
                    save_btn = gr.Button("Save rig")
                    rig_file = gr.File(label="Rig file", interactive=False)

            with gr.Tab("Render"):
                with gr.Row():
                    render_btn = gr.Button("Render", variant="primary", elem_id="render-btn")
                    cancel_btn = gr.Button("Cancel", variant="stop", elem_id="cancel-btn")
                status = gr.Markdown("", elem_id="render-status")
                render_msg = gr.Textbox(label="Messages", lines=3, interactive=False, elem_id="render-messages")
                with gr.Row():
                    reference = gr.Video(value=video0, label="Reference", interactive=False, height=480)
                    result = gr.Video(label="Result", interactive=False, height=480, elem_id="result")
                download = gr.DownloadButton("Download the result", visible=False, elem_id="download")

            with gr.Tab("Kling jobs"):
                gr.Markdown("Every Kling task is stored before it is submitted; an alive one (cut off by a crash "
                            "or a closed page) can be finished here without paying twice.")
                jobs_btn = gr.Button("Refresh")
                jobs = gr.Dataframe(headers=list(JOB_COLUMNS), type="array", interactive=False, label="Jobs")
                with gr.Row():
                    job_id = gr.Textbox(label="Job id (ID column, Kling task id or mt-... id)")
                    resume_btn = gr.Button("Resume")
                jobs_status = gr.Markdown("")
                jobs_msg = gr.Textbox(label="Messages", lines=3, interactive=False)
                job_result = gr.Video(label="Result", interactive=False)

        # ---- check and the rig editor
        def on_check(s: Session, img, vid, ori, eng, text, tr, progress=gr.Progress()):
            def report(stage: str, done: int, total: int) -> None:
                progress((done, total), desc=stage, unit="frames")

            t0 = time.perf_counter()
            try:
                view = s.check(img, vid, orientation=ori, engine=eng, prompt=text or "", tier=tr, progress=report)
            except MotionTransferError as exc:
                return (gr.skip(),) * 4 + (error_text(exc), gr.skip())
            seconds = sum(view.report.timings.values())
            note = "\n".join([f"Checked in {time.perf_counter() - t0:.1f} s (preflight {seconds:.1f} s)."]
                             + view.notes)
            return (findings_html(view.report.findings), view.timeline,
                    str(view.overlay) if view.overlay else None, view.character, note,
                    s.rows() if view.rig else None)

        check_btn.click(on_check, [state, image, video, orientation, engine, prompt, tier],
                        [findings, timeline, overlay, character, check_msg, joints_table])

        def on_place(s: Session, name: str, evt: gr.SelectData):
            try:
                x, y = evt.index
                s.place_joint(name, x, y)
                return s.character_image(name), s.rows(), f"{name} placed at ({x}, {y})."
            except MotionTransferError as exc:
                return gr.skip(), gr.skip(), error_text(exc)

        character.select(on_place, [state, joint], [character, joints_table, check_msg])

        def on_joint(s: Session, name: str):
            return s.character_image(name) if s.rig is not None else gr.skip()

        joint.change(on_joint, [state, joint], [character])

        def on_apply(s: Session, rows, name: str):
            try:
                s.set_rows(rows or [])
                return s.character_image(name), s.rows(), "Joint table applied."
            except MotionTransferError as exc:
                return gr.skip(), gr.skip(), error_text(exc)

        apply_btn.click(on_apply, [state, joints_table, joint], [character, joints_table, check_msg])

        def on_save(s: Session, rows):
            try:
                s.set_rows(rows or [])
                path = s.save_rig()
            except MotionTransferError as exc:
                return gr.skip(), gr.skip(), error_text(exc)
            return str(path), True, f"Saved {path.name}; the render will use it (untick to let the puppet detect)."

        save_btn.click(on_save, [state, joints_table], [rig_file, use_rig, check_msg])

        # ---- kling cost
        def on_estimate(s: Session, eng, vid, mdl, tr):
            if eng != "kling":
                return "Choose the kling engine to see the estimated cost.", False
            try:
                return s.kling_estimate(vid, mdl, tr), False
            except MotionTransferError as exc:
                return error_text(exc), False

        for trigger in (engine, video, model, tier):
            trigger.change(on_estimate, [state, engine, video, model, tier], [estimate, confirm])

        # ---- render
        def on_render(s: Session, img, vid, text, ori, tr, keep, eng, bg, bg_file, rig_on, ok, mdl, url,
                      progress=gr.Progress()):
            try:
                task = s.start_render(img, vid, prompt=text or "", orientation=ori, tier=tr, keep_sound=keep,
                                      engine=eng, background=bg_file or (bg or "").strip() or None,
                                      use_rig=rig_on, confirmed_cost=ok, model=mdl, video_url=url)
            except MotionTransferError as exc:
                yield "Not started.", error_text(exc), gr.skip(), gr.skip(), gr.skip()
                return
            yield from _follow(task, progress, reference_value=vid)

        render_btn.click(on_render, [state, image, video, prompt, orientation, tier, keep_sound, engine, background,
                                     background_file, use_rig, confirm, model, video_url],
                         [status, render_msg, reference, result, download])

        def on_cancel(s: Session):
            return "Cancelling..." if s.cancel() else "Nothing is running."

        cancel_btn.click(on_cancel, [state], [status])

        # ---- jobs
        def on_jobs():
            try:
                return job_rows(), ""
            except MotionTransferError as exc:
                return gr.skip(), error_text(exc)

        jobs_btn.click(on_jobs, None, [jobs, jobs_msg])

        def on_resume(s: Session, ref: str, progress=gr.Progress()):
            try:
                task = s.start_resume(ref)
            except MotionTransferError as exc:
                yield "Not started.", error_text(exc), gr.skip()
                return
            for line, msg, _ref, video_out, _dl in _follow(task, progress, reference_value=None):
                yield line, msg, video_out

        resume_btn.click(on_resume, [state, job_id], [jobs_status, jobs_msg, job_result])
    return demo


def _follow(task: Task, progress, reference_value):
    """Yield (status, messages, reference, result, download) while ``task`` runs, then its outcome."""
    yield task.line(), "", reference_value if reference_value else gr.skip(), None, gr.update(visible=False)
    while not task.wait(POLL_S):
        progress(task.fraction(), desc=task.line())
        yield task.line(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
    if task.error is not None:
        yield "Stopped.", error_text(task.error), gr.skip(), None, gr.update(visible=False)
        return
    r = task.result
    audio = "with audio" if r.has_audio else "no audio"
    done = (f"Done in {task.seconds:.1f} s: {r.width}x{r.height}, {r.fps:g} fps, {r.frames} frames, "
            f"{r.duration:.1f} s, {audio}.")
    shown = [f for f in r.findings if f.severity != "error"]
    yield done, format_findings(shown) if shown else "", gr.skip(), str(r.output), \
        gr.update(value=str(r.output), visible=True)


def serve(host: str = "127.0.0.1", port: int = 7860, *, share: bool = False,
          samples: tuple[Path, Path] | None = None, workspace: Workspace | None = None) -> gr.Blocks:
    """Build and start the page; returns the running Blocks (``block_thread()`` waits, ``close()`` stops it).

    Uploads land in the workspace (removed by the caller when the app stops), uploads over the input rules'
    largest limit are refused by the server, and nothing is public unless ``share``."""
    workspace = workspace or Workspace.create()
    uploads = workspace.root / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(uploads)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    samples = samples or workspace.samples()
    demo = build_app(workspace, samples)
    demo.queue(default_concurrency_limit=2)
    demo.launch(server_name=host, server_port=port, share=share, inbrowser=False, show_error=True,
                max_file_size=UPLOAD_LIMIT, allowed_paths=[str(workspace.root)], prevent_thread_lock=True,
                quiet=True, theme=_theme(), footer_links=[])
    return demo


__all__ = ["build_app", "is_loopback", "serve"]
