"""The transformer of the notes, one module per idea (see DESIGN.md for the public names)."""

from lib.transformer.attention import causal_mask, linear_attention, scaled_dot_product_attention
from lib.transformer.efficient import SpeculativeResult, active_parameters, kv_cache_bytes, speculative_generate
from lib.transformer.ffn import GeluFFN, SwiGLU, swiglu_hidden_size
from lib.transformer.latent import MultiHeadLatentAttention
from lib.transformer.model import (
    AttentionTrace,
    KVCache,
    ModelConfig,
    TinyGPT,
    TransformerBlock,
    generate,
    next_token_probabilities,
)
from lib.transformer.moe import MoEFFN, Routing, load_balancing_loss
from lib.transformer.norms import layer_norm, rms_norm
from lib.transformer.positional import apply_rope, rope_frequencies, sinusoidal_encoding
from lib.transformer.tokenizer import CharTokenizer
from lib.transformer.train import TrainStep, train

__all__ = [
    "AttentionTrace",
    "CharTokenizer",
    "GeluFFN",
    "KVCache",
    "MoEFFN",
    "ModelConfig",
    "MultiHeadLatentAttention",
    "Routing",
    "SpeculativeResult",
    "SwiGLU",
    "TinyGPT",
    "TrainStep",
    "TransformerBlock",
    "active_parameters",
    "apply_rope",
    "causal_mask",
    "generate",
    "kv_cache_bytes",
    "layer_norm",
    "linear_attention",
    "load_balancing_loss",
    "next_token_probabilities",
    "rms_norm",
    "rope_frequencies",
    "scaled_dot_product_attention",
    "sinusoidal_encoding",
    "speculative_generate",
    "swiglu_hidden_size",
    "train",
]
