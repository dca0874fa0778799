"""Looking inside TinyGPT: shapes, parameter counts, attention maps, positions, depth and cost.

Everything the Transformer lab page shows comes from here. Pure functions (no streamlit);
every function that runs torch takes a ``device``. Shapes: B batch, T sequence length,
C = d_model, H heads, D = d_k = C / H, F = d_ff, V vocabulary size.

Modules: ``shapes`` (parameter counts and the shape of every tensor), ``maps`` (attention maps,
pooling big matrices, the next character, one text through the model), ``positions`` (RoPE and the
positional tables), ``depth`` (norm outputs and pre- vs post-norm as depth grows), ``timings`` (live
timings on a device: decoding with and without the KV cache, softmax vs linear attention, norms),
``memory`` (the KV-cache memory of MHA, GQA, MQA and MLA), ``lens`` (the logit lens), ``heads`` (head
ablation and the per-character loss), ``stepper`` (one greedy decoding step, cached and uncached).
"""

from lib.transformer.inspect.depth import depth_profile, norm_outputs
from lib.transformer.inspect.heads import ablate_heads, ablation_losses, position_losses
from lib.transformer.inspect.lens import lens_table, logit_lens, residual_stream
from lib.transformer.inspect.maps import (
    AttentionMaps,
    NextCharacter,
    PooledMatrix,
    TextInspection,
    attention_maps,
    inspect_text,
    next_character,
    pool_matrix,
    stacked_weights,
)
from lib.transformer.inspect.memory import KVCacheSize, kv_cache_sizes, kv_cache_table
from lib.transformer.inspect.positions import position_tables, rope_relative_scores, rope_score_matrix, rope_wavelengths
from lib.transformer.inspect.shapes import (
    ffn_hidden_size,
    ffn_size_comparison,
    n_parameters,
    parameter_counts,
    shape_trace,
)
from lib.transformer.inspect.stepper import DecodeStep, cached_last_step, decode_step, uncached_last_step
from lib.transformer.inspect.timings import (
    CostTimings,
    attention_timings,
    cost_timings,
    crossover_length,
    decoding_speed,
    time_norms,
    torch_threads,
)

__all__ = [
    "AttentionMaps",
    "CostTimings",
    "DecodeStep",
    "KVCacheSize",
    "NextCharacter",
    "PooledMatrix",
    "TextInspection",
    "ablate_heads",
    "ablation_losses",
    "attention_maps",
    "attention_timings",
    "cached_last_step",
    "cost_timings",
    "crossover_length",
    "decode_step",
    "decoding_speed",
    "depth_profile",
    "ffn_hidden_size",
    "ffn_size_comparison",
    "inspect_text",
    "kv_cache_sizes",
    "kv_cache_table",
    "lens_table",
    "logit_lens",
    "n_parameters",
    "next_character",
    "norm_outputs",
    "parameter_counts",
    "pool_matrix",
    "position_losses",
    "position_tables",
    "residual_stream",
    "rope_relative_scores",
    "rope_score_matrix",
    "rope_wavelengths",
    "shape_trace",
    "stacked_weights",
    "time_norms",
    "torch_threads",
    "uncached_last_step",
]
