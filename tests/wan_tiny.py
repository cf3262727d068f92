"""Randomly initialised WanAnimatePipelines built from configs (no download). ``tiny_pipeline``: a few layers,
tiny widths, a 16 px motion encoder; used by the wan-animate tests on the CPU. ``wan_shaped_pipeline``: Wan's own
VAE architecture and the transformer's real head width at a few heads and layers, so a GPU check at 720p sees
memory and time of the right shape (``bench/wan_gpu_check.py``). Both draw noise, not pictures."""
from __future__ import annotations

FACE_SIZE = 16
TEXT_DIM = 32
IMAGE_DIM = 8


def tiny_tokenizer():
    """A word-level tokenizer made in memory (the real model uses umT5's; any tokenizer with padding works)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    words = ["<pad>", "</s>", "<unk>", "a", "dancer", "on", "the", "beach", "at", "night", "character"]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")


def tiny_pipeline():
    import torch
    from diffusers import AutoencoderKLWan

    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    return _pipeline(vae, heads=2, head_dim=8, ffn=16, layers=2, rope_max_seq_len=32)


def wan_shaped_pipeline(heads: int = 8, layers: int = 4):
    """Wan2.2-Animate's VAE (diffusers' defaults are the published one's shapes, 127M parameters) and a transformer
    with its 128-wide heads, ``heads`` of them (the model has 40) in ``layers`` blocks (40), FFN 4x the width;
    the text and image encoders and the face encoder stay tiny (they add little working memory)."""
    import torch
    from diffusers import AutoencoderKLWan

    torch.manual_seed(0)
    return _pipeline(AutoencoderKLWan(), heads=heads, head_dim=128, ffn=4 * 128 * heads, layers=layers,
                     rope_max_seq_len=1024)


def _pipeline(vae, *, heads: int, head_dim: int, ffn: int, layers: int, rope_max_seq_len: int):
    from diffusers import FlowMatchEulerDiscreteScheduler, WanAnimatePipeline, WanAnimateTransformer3DModel
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModel, UMT5Config, UMT5EncoderModel

    text_encoder = UMT5EncoderModel(UMT5Config(vocab_size=16, d_model=TEXT_DIM, d_kv=8, d_ff=32, num_layers=1,
                                               num_heads=2, relative_attention_num_buckets=8))
    image_encoder = CLIPVisionModel(CLIPVisionConfig(hidden_size=IMAGE_DIM, intermediate_size=16,
                                                     num_hidden_layers=2, num_attention_heads=2, image_size=16,
                                                     patch_size=8))
    image_processor = CLIPImageProcessor(crop_size=16, size={"shortest_edge": 16})
    transformer = WanAnimateTransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=heads, attention_head_dim=head_dim, in_channels=36,
        latent_channels=16, out_channels=16, text_dim=TEXT_DIM, freq_dim=16, ffn_dim=ffn, num_layers=layers,
        image_dim=IMAGE_DIM, rope_max_seq_len=rope_max_seq_len, motion_encoder_channel_sizes={"16": 8, "8": 8, "4": 8},
        motion_encoder_size=FACE_SIZE, motion_style_dim=8, motion_dim=4, motion_encoder_dim=8,
        face_encoder_hidden_dim=8, face_encoder_num_heads=2, inject_face_latents_blocks=1,
        motion_encoder_batch_size=4)
    scheduler = FlowMatchEulerDiscreteScheduler(shift=5.0)
    for module in (vae, text_encoder, image_encoder, transformer):
        module.eval()  # as from_pretrained leaves them: no dropout
    return WanAnimatePipeline(tokenizer=tiny_tokenizer(), text_encoder=text_encoder, vae=vae, scheduler=scheduler,
                              image_processor=image_processor, image_encoder=image_encoder, transformer=transformer)


def save_tiny(folder, pipeline=None) -> None:
    """Write the tiny pipeline (or ``pipeline``) in diffusers' folder layout, as a downloaded copy would be."""
    (tiny_pipeline() if pipeline is None else pipeline).save_pretrained(str(folder))
