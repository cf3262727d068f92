"""The Ray backend: the same motion and row work as Ray tasks, on a local Ray or on a cluster.

Ray is an optional extra (``pip install 'motion-transfer[ray]'``) and is imported here only. A motion's pose
track goes into Ray's object store once and every row task of that motion reads it from there; the driver never
pulls it back. Paths in the manifest and OUTDIR must name the same files on every node (a shared folder).
Each task asks for ``cpus_per_row`` CPUs; a task whose worker or node died is retried up to ``retries`` times
(errors in the inputs are not retried: they would fail again).
"""
from __future__ import annotations

from typing import Any

from ..errors import DependencyError
from . import work
from .manifest import Row


class RayBackend:
    name = "ray"

    def __init__(self, address: str | None = None, *, cpus_per_row: float = 1.0, retries: int = 2) -> None:
        try:
            import ray
            from ray.util.queue import Queue
        except ImportError as exc:
            raise DependencyError(f"--ray needs Ray, which is not installed ({exc}). Install the extra: "
                                  "pip install 'motion-transfer[ray]'.") from exc
        self.ray = ray
        self.owns = not ray.is_initialized()
        if self.owns:
            # no address: a private local Ray for this batch, stopped at the end; "auto" or HOST:PORT: a running
            # cluster; ray://HOST:10001: Ray Client, which takes no other settings. Worker output stays in Ray's
            # logs: the results file carries each row's error.
            if address is None:
                ray.init(include_dashboard=False, log_to_driver=False)
            elif address.startswith("ray://"):
                ray.init(address=address)
            else:
                ray.init(address=address, log_to_driver=False)
        cpus = float(ray.cluster_resources().get("CPU", 1.0))
        self.slots = max(1, int(cpus // cpus_per_row))
        self._analyse = ray.remote(work.analyse_motion).options(num_cpus=cpus_per_row, max_retries=retries)
        self._render = ray.remote(work.render_row).options(num_cpus=cpus_per_row, max_retries=retries)
        self._queue = Queue(actor_options={"num_cpus": 0})

    def analyse(self, video: str, tier: str, use_cache: bool) -> Any:
        return self._analyse.remote(video, tier, use_cache, self._queue)

    def render(self, row: Row, motion: Any | None, use_cache: bool) -> Any:
        # the motion's ObjectRef is handed over as it is: Ray gives the task the track from its object store
        return self._render.remote(row, motion, use_cache, self._queue)

    def ready(self, handles: list, timeout: float) -> list:
        if not handles:
            return []
        done, rest = self.ray.wait(handles, num_returns=1, timeout=timeout)
        if done and rest:
            more, _ = self.ray.wait(rest, num_returns=len(rest), timeout=0)
            done += more
        return done

    def outcome(self, handle: Any) -> Any:
        return self.ray.get(handle)

    def lost(self, handle: Any) -> bool:
        """Ray re-runs a task whose worker died by itself (``retries``), so a motion is never resubmitted here."""
        return False

    def recover(self) -> None:
        """Ray replaces dead workers itself."""

    def stages(self) -> list[tuple]:
        try:
            n = self._queue.qsize()
            return self._queue.get_nowait_batch(n) if n else []
        except Exception:  # the queue actor is gone (cluster shutting down): progress only
            return []

    def close(self, cancel: bool = False, pending: list | None = None) -> None:
        if cancel:
            for ref in pending or []:
                try:
                    self.ray.cancel(ref, force=True)
                except Exception:
                    pass
        try:
            self._queue.shutdown()
        except Exception:
            pass
        if self.owns:
            self.ray.shutdown()
