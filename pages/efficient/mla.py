"""Section 2 · Multi-head latent attention: cache bytes measured after a prefill beside the formula,
absorbed vs naive attention, and decoding speed with the cache on this device."""

import streamlit as st

from lib.transformer.inspect import efficient as te
from lib.viz import line_chart
from pages._common import bound, chart, csv_download, global_seed, lib_call, prose, snippet
from pages.efficient import worker_calls
from runtime.worker import run_in_process

SNIPPET = """
from lib.transformer import ModelConfig, TinyGPT, kv_cache_bytes
from lib.transformer.inspect import kv_cache_table

common = dict(vocab_size=97, d_model=$d_model, n_heads=$n_heads, n_layers=$n_layers)
mha = TinyGPT(ModelConfig(**common))
mla = TinyGPT(ModelConfig(**common, attention="mla", kv_latent_dim=$latent, rope_head_dim=$rope))
print(kv_cache_bytes(mha, $seq_len), kv_cache_bytes(mla, $seq_len))  # measured from the cache tensors
print(kv_cache_table(n_layers=$n_layers, n_heads=$n_heads, d_head=$d_head, n_kv_groups=$groups, d_latent=$latent,
                     d_rope=$rope, seq_len=$seq_len, bytes_per_value=4))  # the formula
"""


@st.fragment
def mla_section(device: str) -> None:
    st.header("2 · Multi-head latent attention")
    prose(__file__, "mla.md")
    c1, c2, c3, c4 = st.columns(4)
    latent = bound(
        c1.number_input,
        "Latent size d_c",
        key="ef_latent",
        min_value=0,
        max_value=256,
        value=16,
        step=1,
        help="Values of the compressed latent cached per token per layer (at least 1).",
    )
    rope = bound(
        c2.slider,
        "Rotary key size d_r",
        key="ef_rope",
        min_value=0,
        max_value=32,
        value=8,
        step=2,
        help="The decoupled rotary key shared by every head, also cached.",
    )
    n_heads = bound(
        c3.select_slider,
        "Heads",
        key="ef_heads",
        options=[1, 2, 4, 8],
        value=4,
        help="Attention heads of d_model = 64 (head size 64 / heads).",
    )
    seq_len = bound(
        c4.slider,
        "Prefill tokens",
        key="ef_seq",
        min_value=1,
        max_value=128,
        value=128,
        help="Tokens prefilled before the cache is measured.",
    )
    sizes = {
        "d_model": 64,
        "n_heads": n_heads,
        "n_layers": 2,
        "kv_latent_dim": int(latent),
        "rope_head_dim": rope,
        "seed": global_seed(),
    }
    table = lib_call(worker_calls.mla_cache_table, **sizes, seq_len=seq_len)
    if table is None:
        return
    table_col, growth_col = st.columns([3, 2])
    with table_col:
        st.dataframe(table, hide_index=True, column_config={"vs MHA": st.column_config.NumberColumn(format="percent")})
        st.caption(
            "Measured: the bytes of the cache tensors of a built float32 model after the prefill. Formula: the "
            "KV calculator's (Transformer lab) values per token per layer × layers × tokens × 4 bytes; GQA with "
            "n_heads / 2 groups."
        )
    with growth_col:
        growth = worker_calls.mla_cache_growth(**sizes)
        chart(
            line_chart,
            growth,
            x="seq_len",
            y="bytes",
            color="variant",
            x_title="prefill tokens",
            y_title="cache bytes (measured)",
            title="The cache grows linearly in sequence length",
        )
    gap = worker_calls.absorbed_vs_naive(**{k: v for k, v in sizes.items() if k != "n_layers"})
    st.metric(
        "max |absorbed − naive| attention output",
        f"{gap:.2e}",
        help="One MLA layer on a random input: scoring against the latents (W_ukᵀ absorbed into the query) "
        "vs rebuilding per-head keys and values.",
    )
    st.button(
        "Measure decoding speed on " + device,
        key="ef_measure",
        icon=":material/speed:",
        help="Greedy decoding of 64 tokens with the KV cache, MHA vs absorbed MLA, in a process of its own.",
        on_click=lambda: st.session_state.update(ef_measure_requested=True),
    )
    if st.session_state.pop("ef_measure_requested", False):
        with st.spinner("Timing…"):
            speed = lib_call(
                run_in_process,
                te.decoding_speed,
                report=lambda _: None,
                n_tokens=64,
                device=device,
                threads=1 if device == "cpu" else None,
                **sizes,
            )
        st.session_state["ef_speed"] = {"key": (device, tuple(sizes.items())), "table": speed}
    measured = st.session_state.get("ef_speed")
    if measured and measured["key"] == (device, tuple(sizes.items())) and measured["table"] is not None:
        st.dataframe(measured["table"], hide_index=True)
        st.caption(
            "At this size the latent's extra projections cost more than the memory they save: MLA pays off "
            "when the cache, not the arithmetic, bounds decoding (long contexts, big batches)."
        )
    csv_download(table, "mla_cache.csv", "Download the cache table (CSV)", key="ef_dl_mla")
    snippet(
        SNIPPET,
        d_model=64,
        n_heads=n_heads,
        n_layers=2,
        latent=int(latent),
        rope=rope,
        seq_len=seq_len,
        d_head=64 // n_heads,
        groups=max(1, n_heads // 2),
    )
