"""WanAnimatePipeline's sampling, one segment at a time, with its own components and helper methods.

``pipe(...)`` would do the same work in one call, but it preprocesses the whole clip's pose, face and background
videos onto the GPU up front (a 30 s 720p clip's pose video alone is about 10 GB in float32) and keeps every
decoded frame there until the end, and it reports no progress we can show or cancel between steps. This module
follows ``WanAnimatePipeline.__call__`` step for step (diffusers 0.36-0.42: same prompt and image encoding, the
same ``prepare_*`` methods, the same denoising loop and VAE decoding, the same continuation frames) but feeds
each segment's conditioning when it is needed and hands each segment's new frames out as soon as they are
decoded. With the same generator it produces the same frames as ``pipe(...)`` (tests compare the two).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from .segments import Segments


@dataclass
class SegmentInputs:
    """One segment's conditioning, ``length`` frames each (PIL images, as the pipeline takes them)."""

    pose: list
    face: list
    background: list | None = None
    mask: list | None = None


StepCallback = Callable[[int, int, int, int], None]  # (segment, segments, step, steps)


def sample(pipe, *, image, segments: Segments, inputs: Callable[[int], SegmentInputs], prompt: str, height: int,
           width: int, steps: int, mode: str, guidance: float = 1.0, negative_prompt: str | None = None,
           generator=None, max_sequence_length: int = 512,
           on_step: StepCallback | None = None) -> Iterator[np.ndarray]:
    """Yield, segment by segment, the new frames as float arrays [t, height, width, 3] in 0..1.

    ``on_step`` runs after every denoising step; an exception raised there (Ctrl-C, ComfyUI's Cancel) stops the
    run at once. The pipeline's model hooks are released whatever happens.
    """
    import torch

    try:
        with torch.no_grad():
            yield from _sample(pipe, image, segments, inputs, prompt, height, width, steps, mode, guidance,
                               negative_prompt, generator, max_sequence_length, on_step)
    finally:
        pipe.maybe_free_model_hooks()


def _standardize(pipe, latents):
    """The Wan VAE's latent mean and 1/std, shaped to broadcast over [B, C, T, H, W]."""
    import torch

    cfg = pipe.vae.config
    mean = torch.tensor(cfg.latents_mean).view(1, cfg.z_dim, 1, 1, 1).to(latents.device, latents.dtype)
    recip_std = 1.0 / torch.tensor(cfg.latents_std).view(1, cfg.z_dim, 1, 1, 1).to(latents.device, latents.dtype)
    return mean, recip_std


def _sample(pipe, image, segments, inputs, prompt, height, width, steps, mode, guidance, negative_prompt,
            generator, max_sequence_length, on_step):
    import torch

    device = pipe._execution_device
    cfg = guidance > 1.0
    prompt_embeds, negative_embeds = pipe.encode_prompt(
        prompt=prompt, negative_prompt=negative_prompt, do_classifier_free_guidance=cfg, num_videos_per_prompt=1,
        max_sequence_length=max_sequence_length, device=device)
    dtype = pipe.transformer.dtype
    prompt_embeds = prompt_embeds.to(dtype)
    if negative_embeds is not None:
        negative_embeds = negative_embeds.to(dtype)

    image_pixels = pipe.vae_image_processor.preprocess(image, height=height, width=width, resize_mode="fill").to(
        device, dtype=torch.float32)
    image_embeds = pipe.encode_image(image, device).to(dtype)
    reference_latents = pipe.prepare_reference_image_latents(image_pixels, 1, generator=generator, device=device)
    face_size = pipe.transformer.config.motion_encoder_size
    z_dim = pipe.vae.config.z_dim
    length, overlap = segments.length, segments.overlap
    previous = None  # the last decoded segment's continuation frames

    for k in range(segments.count):
        pipe.scheduler.set_timesteps(steps, device=device)
        timesteps = pipe.scheduler.timesteps
        start = segments.start(k)
        latents = pipe.prepare_latents(1, num_channels_latents=z_dim, height=height, width=width,
                                       num_frames=length, dtype=torch.float32, device=device, generator=generator)
        seg = inputs(k)
        pose = pipe.video_processor.preprocess_video(seg.pose, height=height, width=width).to(device, torch.float32)
        face = pipe.video_processor.preprocess_video(seg.face, height=face_size, width=face_size).to(
            device, torch.float32).to(dtype)
        background = mask = None
        if mode == "replace":
            background = pipe.video_processor.preprocess_video(seg.background, height=height, width=width).to(
                device, torch.float32)
            mask = pipe.video_processor_for_mask.preprocess_video(seg.mask, height=height, width=width).to(
                device, torch.float32)
        pose_latents = pipe.prepare_pose_latents(pose, 1, generator=generator, device=device).to(dtype)
        del pose
        continuation = previous if start > 0 else None
        cond_latents = pipe.prepare_prev_segment_cond_latents(
            continuation, background_video=background, mask_video=mask, batch_size=1,
            segment_frame_length=length, start_frame=start, height=height, width=width,
            prev_segment_cond_frames=overlap, task=mode, generator=generator, device=device)
        del background, mask, continuation
        conditioning = torch.cat([reference_latents, cond_latents], dim=2)

        for i, t in enumerate(timesteps):
            model_input = torch.cat([latents, conditioning], dim=1).to(dtype)
            timestep = t.expand(latents.shape[0])
            with pipe.transformer.cache_context("cond"):
                noise = pipe.transformer(hidden_states=model_input, timestep=timestep,
                                         encoder_hidden_states=prompt_embeds, encoder_hidden_states_image=image_embeds,
                                         pose_hidden_states=pose_latents, face_pixel_values=face,
                                         return_dict=False)[0]
            if cfg:
                with pipe.transformer.cache_context("uncond"):
                    noise_uncond = pipe.transformer(
                        hidden_states=model_input, timestep=timestep, encoder_hidden_states=negative_embeds,
                        encoder_hidden_states_image=image_embeds, pose_hidden_states=pose_latents,
                        face_pixel_values=face * 0 - 1, return_dict=False)[0]
                noise = noise_uncond + guidance * (noise - noise_uncond)
            latents = pipe.scheduler.step(noise, t, latents, return_dict=False)[0]
            if on_step is not None:
                on_step(k, segments.count, i + 1, len(timesteps))

        latents = latents.to(pipe.vae.dtype)
        mean, recip_std = _standardize(pipe, latents)
        latents = latents / recip_std + mean
        decoded = pipe.vae.decode(latents[:, :, 1:], return_dict=False)[0]  # the first latent is the reference
        del latents, conditioning, pose_latents, face
        if start > 0:
            decoded = decoded[:, :, overlap:]
        # Only the continuation frames outlive this segment: the whole decoded segment (0.85 GB at 720p) would
        # otherwise stay on the GPU through the next segment's sampling and decoding.
        previous = decoded[:, :, -overlap:].clone()
        new = segments.new_frames(k)
        first = start + (overlap if start > 0 else 0)
        frames = pipe.video_processor.postprocess_video(decoded[:, :, new.start - first:new.stop - first],
                                                        output_type="np")[0]
        del decoded
        yield frames
