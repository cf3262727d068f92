"""Long clips in overlapping segments, exactly as WanAnimatePipeline lays them out.

A clip of ``frames`` frames is generated in segments of ``length`` frames (77 by default). Every segment after
the first starts ``overlap`` frames (1 or 5) before the previous one ends: those *continuation frames* are the
previous segment's last decoded frames, given to the model as known content (mask 1), so the new segment carries
on from them - position and, with 5 frames, velocity - instead of starting afresh. They are not written twice:
each segment contributes only its new frames, so the stitched video has exactly ``frames`` frames and every
frame comes from one segment.

To fill the last segment, the conditioning (pose, face, background) is padded past the clip's end by
reflection (…, n-2, n-1, n-2, …), as the pipeline's ``pad_video_frames`` does; the padded frames are generated
and dropped.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Segments:
    """The segment layout for ``frames`` frames (``frames`` > ``overlap``)."""

    frames: int
    length: int
    overlap: int

    def __post_init__(self) -> None:
        if self.frames <= self.overlap:
            raise ValueError(f"a clip of {self.frames} frames is too short for {self.overlap} continuation frames")

    @property
    def effective(self) -> int:
        """New frames per segment after the first."""
        return self.length - self.overlap

    @property
    def padding(self) -> int:
        rest = (self.frames - self.overlap) % self.effective
        return 0 if rest == 0 else self.effective - rest

    @property
    def count(self) -> int:
        return (self.frames + self.padding) // self.effective

    def start(self, k: int) -> int:
        """First frame (in the padded clip) of segment ``k``."""
        return k * self.effective

    def source_indices(self, k: int) -> np.ndarray:
        """The clip's frame index for each of segment ``k``'s ``length`` frames (reflection past the end)."""
        return reflect_indices(self.frames, self.frames + self.padding)[self.start(k):self.start(k) + self.length]

    def new_frames(self, k: int) -> range:
        """The output frames segment ``k`` contributes (its continuation frames excluded, padding dropped)."""
        first = self.start(k) + (self.overlap if k > 0 else 0)
        return range(min(first, self.frames), min(self.start(k) + self.length, self.frames))

    def keep_from(self, k: int) -> int:
        """The earliest clip frame segment ``k`` or any later one still reads (so earlier ones can be freed)."""
        return int(reflect_indices(self.frames, self.frames + self.padding)[self.start(k):].min())


def reflect_indices(n: int, target: int) -> np.ndarray:
    """Indices 0..n-1, then bouncing back and forth, ``target`` long: the pipeline's ``pad_video_frames``."""
    if n == 1:
        return np.zeros(target, np.int64)
    period = 2 * (n - 1)
    k = np.arange(target) % period
    return np.where(k < n, k, period - k).astype(np.int64)
