"""The transformer of the notes, one module per idea (see DESIGN.md for the public names)."""

from lib.transformer.attention import causal_mask, linear_attention, scaled_dot_product_attention
from lib.transformer.ffn import GeluFFN, SwiGLU, swiglu_hidden_size
from lib.transformer.model import (
    AttentionTrace,
    KVCache,
    ModelConfig,
    TinyGPT,
    TransformerBlock,
    generate,
    next_token_probabilities,
)
from lib.transformer.norms import layer_norm, rms_norm
from lib.transformer.positional import apply_rope, rope_frequencies, sinusoidal_encoding
from lib.transformer.tokenizer import CharTokenizer
from lib.transformer.train import TrainStep, train

__all__ = [
    "AttentionTrace",
    "CharTokenizer",
    "GeluFFN",
    "KVCache",
    "ModelConfig",
    "SwiGLU",
    "TinyGPT",
    "TrainStep",
    "TransformerBlock",
    "apply_rope",
    "causal_mask",
    "generate",
    "layer_norm",
    "linear_attention",
    "next_token_probabilities",
    "rms_norm",
    "rope_frequencies",
    "scaled_dot_product_attention",
    "sinusoidal_encoding",
    "swiglu_hidden_size",
    "train",
]
