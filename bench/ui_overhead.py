"""Bench: what the web app adds to a render. The same job (the built-in samples) three ways:

1. the CLI, ``motion-transfer run IMAGE VIDEO -o out.mp4`` in a fresh process (wall time);
2. the page, Render pressed without a Check first: from the click to the result video on the page;
3. the page, Render pressed after Check (which already tracked the video, so the render reuses the track).

Runs 1 and 2 are the same work, so (2 - 1) / 1 is the app's overhead (target at most 10 %). It also prints the
render's own time as the page reports it ("Done in ... s"), to separate the browser round trips from the job,
and saves a screenshot of the page after the render.

    python bench/ui_overhead.py [--seconds 6] [--size 720x960] [--repeat 1] [--screenshot /tmp/ui/page.png]

Needs the ``[ui]`` extra, the ``playwright`` package and a Chromium at /usr/bin/chromium (or --chromium).
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def cli_seconds(image: Path, video: Path, out: Path) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "motion_transfer.cli", "run", str(image), str(video), "-o", str(out)],
                   check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    return time.perf_counter() - t


def page_seconds(page, check_first: bool, screenshot: Path | None) -> tuple[float, float]:
    """(click to result on the page, the render's own time as the page reports it)."""
    page.reload()
    page.wait_for_selector("#check-btn")
    if check_first:
        page.click("#check-btn")
        page.wait_for_selector("#overlay video[src]", timeout=900_000)
    page.get_by_role("tab", name="Render").click()
    t = time.perf_counter()
    page.click("#render-btn")
    page.wait_for_selector("#result video[src]", timeout=900_000)
    seconds = time.perf_counter() - t
    status = page.inner_text("#render-status")
    own = float(re.search(r"Done in ([\d.]+) s", status).group(1))
    if screenshot:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(1500)  # let the two players show their first frames
        page.screenshot(path=str(screenshot), full_page=True)
    return seconds, own


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=6.0, help="length of the sample dance (default 6, as demo)")
    ap.add_argument("--size", default="720x960", help="sample video size WxH (default 720x960, as demo)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--screenshot", type=Path, default=Path("/tmp/ui/page-after-render.png"))
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.split("x"))

    from playwright.sync_api import sync_playwright

    from motion_transfer.ui.app import serve
    from motion_transfer.ui.session import Workspace

    ws = Workspace.create()
    image, video = ws.samples(seconds=args.seconds, size=(w, h))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = serve("127.0.0.1", port, samples=(image, video), workspace=ws)
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            page.goto(f"http://127.0.0.1:{port}/")
            for i in range(args.repeat):
                cli = cli_seconds(image, video, ws.root / f"cli-{i}.mp4")
                cold, cold_own = page_seconds(page, False, None)
                warm, warm_own = page_seconds(page, True, args.screenshot if i == args.repeat - 1 else None)
                rows.append((cli, cold, cold_own, warm, warm_own))
                print(f"run {i + 1}: CLI {cli:.1f} s | page, no Check: click->result {cold:.1f} s (render "
                      f"{cold_own:.1f} s) | page, after Check: click->result {warm:.1f} s (render {warm_own:.1f} s)",
                      flush=True)
            browser.close()
    finally:
        demo.close()
        ws.remove()
    cli = sum(r[0] for r in rows) / len(rows)
    cold = sum(r[1] for r in rows) / len(rows)
    cold_own = sum(r[2] for r in rows) / len(rows)
    warm = sum(r[3] for r in rows) / len(rows)
    print(f"samples {args.seconds:g} s {w}x{h}; mean of {len(rows)}: CLI {cli:.1f} s, page without Check "
          f"{cold:.1f} s ({100 * (cold - cli) / cli:+.1f} % vs CLI; browser round trips {cold - cold_own:.1f} s), "
          f"page after Check {warm:.1f} s ({100 * (warm - cli) / cli:+.1f} %). Screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
