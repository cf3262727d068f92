"""The GPU side: the optional packages, the device, the memory each offload setting needs, and loading the
pipeline with those settings. Everything here except ``load_pipeline`` runs before any weight is read.

Memory estimates (bytes) are what the allocator holds (``torch.cuda.max_memory_reserved``) plus the CUDA context.
Weights: 2 bytes per parameter (bf16), 4 for the VAE (kept in float32, as diffusers' example recommends for Wan's
VAE). A run has two kinds of stage, and the estimate is the larger of the two with the weights each setting keeps
on the GPU during it:

- the transformer's sampling steps: the transformer's activations for one segment (tokens x (4 x width + FFN
  width) x 2 bytes; from the model's shapes, not measured at the real model's width);
- the VAE's encoding of the pose and conditioning videos and its decoding of the segment: ``VAE_FRAME_COPIES``
  float32 copies of the segment's frames plus ``VAE_BYTES_PER_PIXEL`` for each pixel of the area the VAE works on
  at once (one 256 px tile with ``vae_tiling``, else a whole frame). Both constants were measured on an H200
  (``bench/wan_gpu_check.py``: Wan's own VAE with random weights, 1280x720, one 77-frame segment): the allocator
  held 5.6 GB beyond the weights with tiling and 30.0 GB without (4.2 and 21.8 GB allocated); the constants
  cover both (10% and 3% to spare). They are fitted at the model's own size and segment length, the engine's
  defaults; other sizes are extrapolated.

Weights on the GPU per setting: ``none`` all of them; ``model`` (``enable_model_cpu_offload``) the component at
work (the transformer while sampling, the VAE while encoding and decoding); ``group`` (``enable_group_offload``,
block level, one block per group, prefetched on a CUDA stream) two blocks of the largest component plus the VAE and
image encoder, which stay on the GPU. ``CONTEXT_BYTES`` covers the CUDA context (0.65 GB measured on an H200 with
torch 2.11 and CUDA 13) and what other libraries load.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from ...errors import ConfigError, DependencyError
from .settings import OFFLOAD_HELP, PIPELINE_CLASS, WanSettings
from .weights import ModelFolder

GB = 1e9
CONTEXT_BYTES = int(1.5 * GB)
TILE = 256  # diffusers' default tile for the Wan VAE (tile_sample_min_height/width)
VAE_FRAME_COPIES = 5.0  # float32 copies of a segment's frames the VAE stages hold (fitted, see above)
VAE_BYTES_PER_PIXEL = 29_000  # the VAE's feature maps per pixel of the tile or frame it works on (fitted)
# The published model's shapes, used only when a folder's configs cannot be read.
DEFAULT_DIM, DEFAULT_FFN = 5120, 13824
REQUIRED = (("torch", "torch"), ("diffusers", "diffusers>=0.36"), ("transformers", "transformers"),
            ("accelerate", "accelerate"))


def require_packages() -> None:
    """The optional extra is installed and diffusers has the pipeline, or one sentence saying what to install."""
    missing = []
    for module, requirement in REQUIRED:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(requirement)
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise DependencyError(f"the wan-animate engine needs {', '.join(missing)}, which {verb} not installed.",
                              code="wan_packages", measured=missing,
                              fix="install the extra: pip install 'motion-transfer[wan]' (with your CUDA build of "
                                  "torch already in place).")
    import diffusers

    if not hasattr(diffusers, PIPELINE_CLASS):
        raise DependencyError(f"diffusers {diffusers.__version__} has no {PIPELINE_CLASS} (it arrived in 0.36).",
                              code="wan_packages", measured=diffusers.__version__, limit=">=0.36",
                              fix="upgrade it: pip install 'motion-transfer[wan]'.")


@dataclass(frozen=True)
class Shapes:
    """What the working-memory estimate needs: the generated frame and the transformer's widths."""

    width: int
    height: int
    segment_frames: int
    dim: int = DEFAULT_DIM
    ffn: int = DEFAULT_FFN


def estimates(folder: ModelFolder | None, shapes: Shapes, vae_tiling: bool) -> dict[str, int]:
    """Bytes of GPU memory each offload setting needs (see the module docstring)."""
    params = dict(folder.params) if folder else {}
    weights = {k: v * (4 if k == "vae" else 2) for k, v in params.items()}
    latent_frames = (shapes.segment_frames - 1) // 4 + 2  # the segment's latents plus the reference frame
    tokens = latent_frames * (shapes.height // 16) * (shapes.width // 16)
    sampling = tokens * (4 * shapes.dim + shapes.ffn) * 2
    frames = shapes.segment_frames * shapes.width * shapes.height * 3 * 4
    area = min(TILE, shapes.width) * min(TILE, shapes.height) if vae_tiling else shapes.width * shapes.height
    coding = VAE_FRAME_COPIES * frames + VAE_BYTES_PER_PIXEL * area
    largest = max(weights.values(), default=0)
    biggest = max(weights, key=weights.get) if weights else ""
    block = largest / max(folder.layers.get(biggest, 8) if folder else 8, 1)
    vae = weights.get("vae", 0)
    streamed = 2 * block + vae + weights.get("image_encoder", 0)
    held = {"none": (sum(weights.values()),) * 2, "model": (largest, vae), "group": (streamed, streamed)}
    return {k: int(max(on_sampling + sampling, on_coding + coding) + CONTEXT_BYTES)
            for k, (on_sampling, on_coding) in held.items()}


def check_device(settings: WanSettings, need: dict[str, int]) -> str:
    """The offload setting to use: the chosen one if it fits the GPU's free memory, else one clear error.

    ``auto`` takes the fastest that fits. ``device="cpu"`` (tests with tiny models) skips the GPU checks.
    """
    if settings.device == "cpu":
        return "none" if settings.offload == "auto" else settings.offload
    import torch

    if not torch.cuda.is_available():
        why = ("this torch build has no CUDA support (a CPU wheel)" if torch.version.cuda is None
               else "no CUDA GPU is visible (check the NVIDIA driver and CUDA_VISIBLE_DEVICES)")
        raise DependencyError(f"the wan-animate engine needs an NVIDIA GPU with CUDA, and torch {torch.__version__} "
                              f"finds none: {why}.", code="wan_no_gpu",
                              fix="run it on a machine with a GPU, or use --engine puppet here.")
    index = torch.device(settings.device).index or 0
    count = torch.cuda.device_count()
    if index >= count:  # torch would only say "invalid device ordinal", from deep inside the first allocation
        raise ConfigError(f"the wan-animate device {settings.device!r} names GPU {index}, and torch sees "
                          f"{count} GPU{'s' if count != 1 else ''} (numbered from 0).", code="wan_device",
                          measured=index, limit=count - 1,
                          fix="use device 'cuda' (the first GPU), or check CUDA_VISIBLE_DEVICES.")
    free, total = torch.cuda.mem_get_info(index)
    name = torch.cuda.get_device_name(index)
    order = ("none", "model", "group")
    if settings.offload == "auto":
        for choice in order:
            if need[choice] <= free:
                return choice
    elif need[settings.offload] <= free:
        return settings.offload
    fits = [o for o in order if need[o] <= free]
    asked = settings.offload if settings.offload != "auto" else "group"
    options = "; ".join(f"--offload {o} about {need[o] / GB:.1f} GB" for o in order)
    advice = (f"use --offload {fits[0]} ({OFFLOAD_HELP[fits[0]]})" if fits
              else "free the GPU of other programs, or use a GPU with more memory")
    raise ConfigError(f"the GPU {name} has {free / GB:.1f} GB free (of {total / GB:.1f} GB), and --offload {asked} "
                      f"needs about {need[asked] / GB:.1f} GB for this model ({options}).", code="wan_gpu_memory",
                      measured=int(free), limit=int(need[asked]), fix=f"{advice}.")


def load_pipeline(folder: ModelFolder, settings: WanSettings, offload: str):
    """Load the pipeline in bf16 (VAE in float32) and apply the offload and VAE-tiling settings.

    On ``device="cpu"`` (tests with tiny models only) everything stays float32: bf16 matmuls are slow there."""
    import torch
    from diffusers import WanAnimatePipeline

    dtype = torch.bfloat16 if settings.device != "cpu" else torch.float32
    pipe = WanAnimatePipeline.from_pretrained(str(folder.path), torch_dtype={"default": dtype, "vae": torch.float32},
                                              local_files_only=True)
    if settings.vae_tiling:
        pipe.vae.enable_tiling()
    pipe.set_progress_bar_config(disable=True)
    device = torch.device(settings.device)
    if offload == "none":
        pipe.to(device)
    elif offload == "model":
        pipe.enable_model_cpu_offload(device=device)
    else:
        pipe.enable_group_offload(onload_device=device, offload_device=torch.device("cpu"),
                                  offload_type="block_level", num_blocks_per_group=1,
                                  use_stream=device.type == "cuda", low_cpu_mem_usage=True,
                                  exclude_modules=["vae", "image_encoder"])  # these two are put on the GPU
    return pipe
