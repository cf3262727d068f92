"""An MP4 writer that never leaves a half-written file: H.264 yuv420p, faststart, optional AAC audio.

The video goes to a hidden temp file next to the destination and is renamed into place only when complete, so
a crash, a Ctrl-C, SIGTERM or an exception leaves either the old file or nothing. An OS error while writing
(disk full, permission) becomes one sentence naming the output (``outputs.output_error``).
"""
from __future__ import annotations

import threading
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..atomic import new_part, replace_into_place
from ..errors import EngineError, InputError
from ..outputs import output_error

AUDIO_RATE = 48000


def container_format(path: Path) -> str:
    """``mov`` for a .mov name, else ``mp4`` (.mp4, .m4v): the bytes match what the extension promises."""
    return "mov" if path.suffix.lower() == ".mov" else "mp4"


def even(n: int) -> int:
    """H.264 with 4:2:0 chroma needs even frame sizes."""
    return n + (n % 2)


class VideoWriter:
    """Write RGB frames to ``path``; use as a context manager.

    ``audio_from``: a media file whose first audio track is trimmed to the video's length: AAC (what phones and
    editors write) is copied packet by packet, anything else re-encoded to AAC.
    ``audio``: raw audio as ``(samples float32 [channels, n] in -1..1, sample_rate)``.
    ``crf``: x264 quality (lower is better; 18 is visually lossless for most content).
    ``frames``: how many frames will be written, when known: the audio (whose length follows the video's) is then
    encoded on a thread of its own while the frames are written, instead of after the last one.
    ``bframes``: at most this many B-frames in a row (None: the preset's).
    """

    def __init__(
        self,
        path: str | Path,
        fps: float,
        width: int,
        height: int,
        *,
        audio_from: str | Path | None = None,
        audio: tuple[np.ndarray, int] | None = None,
        crf: int = 18,
        preset: str = "veryfast",
        frames: int | None = None,
        bframes: int | None = None,
    ) -> None:
        import av

        self.path = Path(path)
        self.fps = float(fps)
        self.width, self.height = even(int(width)), even(int(height))
        self.frames = 0
        self._audio_from = Path(audio_from) if audio_from is not None else None
        self._audio = audio
        self._astream = None
        self._audio_source = None
        self._audio_copy = None  # the source's AAC stream, when its packets are copied instead of re-encoded
        self._audio_job: threading.Thread | None = None
        self._audio_packets: list = []
        self._audio_error: BaseException | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._tmp = new_part(self.path)
        except OSError as exc:
            raise output_error(exc, self.path) from None
        try:
            self._container = av.open(str(self._tmp), mode="w", format=container_format(self.path),
                                      options={"movflags": "+faststart"})
        except OSError as exc:
            self._tmp.unlink(missing_ok=True)
            raise output_error(exc, self.path) from None
        self._closed = False
        try:
            self._open_streams(crf, preset, bframes)
            if self._astream is not None and self._audio_copy is None and frames:
                # the header written now, with every stream's encoder opened, so the audio thread's encoder
                # does not race the video's first packet to open them
                self._container.start_encoding()
                self._audio_job = threading.Thread(target=self._encode_audio_ahead, args=(int(frames),),
                                                   name="audio-encoder", daemon=True)
                self._audio_job.start()
        except BaseException:
            self.abort()
            raise

    def _open_streams(self, crf: int, preset: str, bframes: int | None) -> None:
        rate = Fraction(self.fps).limit_denominator(1001)
        self._stream = self._container.add_stream("libx264", rate=rate)
        self._stream.width, self._stream.height = self.width, self.height
        self._stream.pix_fmt = "yuv420p"
        self._stream.options = {"crf": str(crf), "preset": preset,
                                **({} if bframes is None else {"bf": str(int(bframes))})}
        self._stream.thread_type = "AUTO"
        self._stream.codec_context.time_base = 1 / rate
        if self._audio_from is not None:
            self._audio_source = self._open_audio_source(self._audio_from)
        if self._audio_source is not None and self._audio is None:
            source = self._audio_source.streams.audio[0]
            if source.codec_context.name == "aac":
                # copying costs nothing and loses nothing; re-encoding cost half a CPU-second per 10 s and a
                # generation of quality
                self._audio_copy = source
                self._astream = self._container.add_stream_from_template(source)
                return
        if self._audio_source is not None or self._audio is not None:
            rate_a = AUDIO_RATE if self._audio is None else int(self._audio[1])
            self._astream = self._container.add_stream("aac", rate=rate_a)
            self._astream.layout = "stereo"

    @property
    def has_audio(self) -> bool:
        return self._astream is not None

    @staticmethod
    def _open_audio_source(path: Path):
        import av

        try:
            src = av.open(str(path))
        except Exception as exc:
            raise InputError(f"cannot read the audio of this file ({exc}).", file=path, code="corrupt") from exc
        if not src.streams.audio:
            src.close()
            return None
        return src

    def write(self, rgb: np.ndarray) -> None:
        """Append one HxWx3 uint8 RGB frame; odd sizes are padded by one edge row/column."""
        import av
        import cv2

        if rgb.shape[0] != self.height or rgb.shape[1] != self.width:
            h, w = rgb.shape[:2]
            if (even(w), even(h)) != (self.width, self.height):
                raise EngineError(f"frame {self.frames} is {w}x{h}, the video is {self.width}x{self.height}.")
            rgb = np.pad(rgb, ((0, self.height - h), (0, self.width - w), (0, 0)), mode="edge")
        # OpenCV's BT.601 limited-range conversion matches swscale's output and is about 5x faster
        yuv = cv2.cvtColor(np.ascontiguousarray(rgb, dtype=np.uint8), cv2.COLOR_RGB2YUV_I420)
        # the frame wraps ``yuv`` (made for this frame alone; x264 copies what it keeps) instead of copying it:
        # from_ndarray's copy held the GIL about 1 ms a 720p frame, time the drawing threads waited for
        try:
            frame = av.VideoFrame.from_numpy_buffer(yuv, format="yuv420p")
        except ValueError:  # a PyAV that cannot wrap this format copies it
            frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        frame.pts = self.frames
        try:
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        except OSError as exc:
            self.abort()
            raise output_error(exc, self.path) from None
        self.frames += 1

    def _encode_audio_ahead(self, frames: int) -> None:
        """The audio thread: the packets for ``frames`` video frames, kept for :meth:`close` to write (the
        container is written by one thread only)."""
        try:
            self._write_audio(frames, self._audio_packets.append)
        except BaseException as exc:  # raised by close()
            self._audio_error = exc

    def _copy_audio(self, frames: int) -> None:
        """Mux the source's AAC packets that start within ``frames`` video frames. Timestamps are kept: the first
        packet's negative start (the encoder's priming samples) tells players what to skip, as in the source."""
        source, stream = self._audio_copy, self._astream
        limit = frames / self.fps / float(source.time_base)
        first = None
        for packet in self._audio_source.demux(source):
            if packet.pts is None or packet.size == 0:
                continue
            first = packet.pts if first is None else first
            if packet.pts - max(first, 0) >= limit:
                break
            packet.stream = stream
            self._container.mux(packet)

    def _finish_audio_job(self) -> list:
        """Wait for the audio thread; its packets (an error it met is raised here)."""
        self._audio_job.join()
        if self._audio_error is not None:
            raise self._audio_error
        return self._audio_packets

    def _write_audio(self, frames: int, mux) -> None:
        """Encode the audio for ``frames`` video frames, handing each packet to ``mux``."""
        import av

        duration = frames / self.fps
        stream = self._astream
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=stream.rate)
        limit = int(round(duration * stream.rate))
        written = 0

        def emit(frames):
            nonlocal written
            for f in frames:
                if written >= limit:
                    return
                n = min(f.samples, limit - written)
                if n < f.samples:
                    arr = f.to_ndarray()[:, :n]
                    f = av.AudioFrame.from_ndarray(np.ascontiguousarray(arr), format="fltp", layout="stereo")
                    f.sample_rate = stream.rate
                f.pts = written
                written += n
                for packet in stream.encode(f):
                    mux(packet)

        if self._audio is not None:
            samples = np.asarray(self._audio[0], dtype=np.float32)
            if samples.ndim == 1:
                samples = samples[None]
            if samples.shape[0] == 1:
                samples = np.repeat(samples, 2, axis=0)
            for i in range(0, samples.shape[1], 1024):
                f = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples[:2, i:i + 1024]), format="fltp",
                                               layout="stereo")
                f.sample_rate = stream.rate
                emit([f])
        else:
            src = self._audio_source
            for frame in src.decode(src.streams.audio[0]):
                frame.pts = None
                emit(resampler.resample(frame))
                if written >= limit:
                    break
            emit(resampler.resample(None))
        for packet in stream.encode(None):
            mux(packet)

    def close(self) -> Path:
        """Finish the file and move it into place; returns the final path."""
        if self._closed:
            return self.path
        self._closed = True
        try:
            if self.frames == 0:
                raise EngineError(f"no frames were written to {self.path}.")
            for packet in self._stream.encode(None):
                self._container.mux(packet)
            if self._audio_job is not None:
                # encoded ahead, as long as the frames announced (a writer handed more or fewer keeps that length)
                for packet in self._finish_audio_job():
                    self._container.mux(packet)
            elif self._audio_copy is not None:
                self._copy_audio(self.frames)
            elif self._astream is not None:
                self._write_audio(self.frames, self._container.mux)
            self._container.close()
            replace_into_place(self._tmp, self.path)
        except OSError as exc:
            self.abort()
            raise output_error(exc, self.path) from None
        except BaseException:
            self.abort()
            raise
        finally:
            if self._audio_source is not None:
                self._audio_source.close()
        return self.path

    def abort(self) -> None:
        """Drop everything written so far; the destination is left untouched."""
        self._closed = True
        if self._audio_job is not None:
            self._audio_job.join()  # it reads the audio source and uses the container's audio encoder
        try:
            self._container.close()
        except Exception:
            pass  # the container may already be broken; the temp file is removed either way
        if self._audio_source is not None:
            self._audio_source.close()
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
