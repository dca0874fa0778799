"""lib.transformer.inspect's logit lens, head ablation and decoding step, against the model run by hand."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lib.transformer import CharTokenizer, ModelConfig, TinyGPT, generate
from lib.transformer import inspect as ti

VARIANTS = [
    {},
    {"norm_placement": "post", "norm": "layer", "positional": "learned"},
    {"positional": "sinusoidal", "ffn": "gelu", "attention": "linear"},
    {"positional": "none", "causal": False},
]
TEXT = "the cat sat on the mat."


def _model(seed: int = 0, **switches) -> TinyGPT:
    torch.manual_seed(seed)
    config = ModelConfig(vocab_size=13, d_model=24, n_heads=3, n_layers=3, max_seq_len=32, **switches)
    return TinyGPT(config).eval()


def _ids(T: int = 12, seed: int = 1) -> torch.Tensor:
    return torch.randint(0, 13, (1, T), generator=torch.Generator().manual_seed(seed))


def _embeddings(model: TinyGPT, ids: torch.Tensor) -> torch.Tensor:
    """The residual stream before block 1, written out: token embedding plus any additive positions."""
    x = model.embed(ids)[0]
    T = ids.size(1)
    if model.config.positional == "learned":
        x = x + model.pos_embed.weight[:T]
    if model.config.positional == "sinusoidal":
        x = x + model.pos_table[:T]
    return x


@pytest.mark.parametrize("switches", VARIANTS)
def test_logit_lens_ends_at_the_logits_and_starts_at_the_embeddings(switches: dict) -> None:
    model, ids = _model(**switches), _ids()
    lens = ti.logit_lens(model, ids)
    assert lens.shape == (model.config.n_layers + 1, ids.size(1), model.config.vocab_size)
    with torch.no_grad():
        torch.testing.assert_close(lens[-1], model(ids)[0])
        torch.testing.assert_close(lens[0], model.lm_head(model.final_norm(_embeddings(model, ids))))


def test_logit_lens_middle_rows_read_the_stream_after_each_block() -> None:
    model, ids = _model(), _ids()
    lens = ti.logit_lens(model, ids)
    with torch.no_grad():
        x = _embeddings(model, ids)[None]
        for layer, block in enumerate(model.blocks, start=1):
            x = block(x, model.rope)
            torch.testing.assert_close(lens[layer], model.lm_head(model.final_norm(x))[0])


def test_lens_table_reads_softmax_of_each_row() -> None:
    tok = CharTokenizer.from_text(TEXT)
    torch.manual_seed(0)
    model = TinyGPT(ModelConfig(vocab_size=tok.vocab_size, d_model=16, n_heads=2, n_layers=2)).eval()
    ids = tok.encode(TEXT)
    table = ti.lens_table(model, ids, tok.vocabulary)
    probs = F.softmax(ti.logit_lens(model, torch.tensor([ids])), dim=-1).numpy()  # (L + 1, T, V)
    assert len(table) == 3 * len(ids)
    row = table[(table.layer == 1) & (table.position == 4)].iloc[0]
    assert row["character"] == TEXT[4]
    assert row["next"] == TEXT[5]
    assert row["guess"] == tok.vocabulary[probs[1, 4].argmax()]
    assert row["probability"] == pytest.approx(probs[1, 4].max(), rel=1e-6)
    assert row["p(next)"] == pytest.approx(probs[1, 4, ids[5]], rel=1e-6)
    last = table[table.position == len(ids) - 1]
    assert last["p(next)"].isna().all()
    assert (last["next"] == "").all()
    assert not table.drop(columns="p(next)").isna().any().any()


def test_lens_rejects_bad_ids() -> None:
    model = _model()
    with pytest.raises(ValueError, match="shape"):
        ti.logit_lens(model, torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="vocabulary"):
        ti.logit_lens(model, torch.tensor([[0, 13]]))
    with pytest.raises(ValueError, match="max_seq_len"):
        ti.logit_lens(model, torch.zeros(1, 33, dtype=torch.long))


# --- Head ablation ---------------------------------------------------------------------------------


def _hand_ablated_logits(model: TinyGPT, ids: torch.Tensor, heads: list[tuple[int, int]]) -> torch.Tensor:
    """The model's logits with each head's output zeroed on its way into W_O, by forward pre-hooks."""
    D = model.config.head_size

    def zero_heads(layer: int):
        def hook(_module, args):
            out = args[0].clone()  # (B, T, H·D): the heads' outputs, concatenated
            for lay, head in heads:
                if lay == layer:
                    out[..., head * D : (head + 1) * D] = 0.0
            return (out,)

        return hook

    hooks = [block.attn.proj.register_forward_pre_hook(zero_heads(i)) for i, block in enumerate(model.blocks)]
    try:
        with torch.no_grad():
            return model(ids)
    finally:
        for hook in hooks:
            hook.remove()


@pytest.mark.parametrize(
    ("switches", "heads"),
    [({}, [(0, 1)]), ({}, [(0, 0), (1, 2), (2, 1)]), (VARIANTS[1], [(2, 0), (2, 2)]), (VARIANTS[2], [(1, 1)])],
)
def test_ablating_heads_matches_zeroing_their_outputs_by_hand(switches: dict, heads: list) -> None:
    model, ids = _model(**switches), _ids()
    before = [p.clone() for p in model.parameters()]
    with torch.no_grad():
        ablated = ti.ablate_heads(model, heads)(ids)
    torch.testing.assert_close(ablated, _hand_ablated_logits(model, ids, heads))
    with torch.no_grad():
        assert not torch.allclose(ablated, model(ids))  # the heads did contribute
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))  # the original is intact


def test_ablating_nothing_is_the_identity() -> None:
    model, ids = _model(), _ids()
    with torch.no_grad():
        torch.testing.assert_close(ti.ablate_heads(model, [])(ids), model(ids), rtol=0, atol=0)


def test_ablating_every_head_of_a_layer_removes_its_attention() -> None:
    model, ids = _model(), _ids()
    hook = model.blocks[1].attn.register_forward_hook(lambda _m, _a, out: torch.zeros_like(out))
    try:
        with torch.no_grad():
            without_attention = model(ids)
    finally:
        hook.remove()
    with torch.no_grad():
        ablated = ti.ablate_heads(model, [(1, h) for h in range(3)])(ids)
    torch.testing.assert_close(ablated, without_attention)


def test_ablation_losses_difference_and_means() -> None:
    tok = CharTokenizer.from_text(TEXT)
    torch.manual_seed(0)
    model = TinyGPT(ModelConfig(vocab_size=tok.vocab_size, d_model=16, n_heads=2, n_layers=2)).eval()
    ids = tok.encode(TEXT)
    table = ti.ablation_losses(model, ids, [(0, 0), (1, 1)], tok.vocabulary)
    assert list(table["position"]) == list(range(1, len(ids)))
    assert "".join(table["character"]) == TEXT[1:]
    np.testing.assert_allclose(table["difference"], table["ablated loss"] - table["loss"])
    full = ti.next_character(model, torch.tensor([ids]), tok.vocabulary).text_loss
    assert table["loss"].mean() == pytest.approx(full, rel=1e-5)
    assert table["difference"].abs().max() > 0


def test_ablation_rejects_bad_heads_and_a_non_causal_model() -> None:
    model = _model()
    with pytest.raises(ValueError, match="0 ≤ layer < 3"):
        ti.ablate_heads(model, [(3, 0)])
    with pytest.raises(ValueError, match="0 ≤ head < 3"):
        ti.ablate_heads(model, [(0, -1)])
    with pytest.raises(ValueError, match="causal mask"):
        ti.position_losses(_model(causal=False), _ids())
    with pytest.raises(ValueError, match="two characters"):
        ti.position_losses(model, _ids(T=1))


# --- One decoding step -----------------------------------------------------------------------------


@pytest.mark.parametrize("switches", [{}, VARIANTS[1], {"positional": "learned", "ffn": "gelu"}])
def test_cached_step_equals_the_full_forward_pass(switches: dict) -> None:
    model = _model(**switches)
    for T in (1, 2, 9):
        ids = _ids(T)
        cached_logits, cached_weights = ti.cached_last_step(model, ids)
        logits, weights = ti.uncached_last_step(model, ids)
        torch.testing.assert_close(cached_logits, logits, rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(cached_weights, weights, rtol=1e-5, atol=1e-6)
        assert weights.shape == (3, 3, T)


def test_greedy_steps_reproduce_generate_with_and_without_the_cache() -> None:
    tok = CharTokenizer.from_text(TEXT)
    torch.manual_seed(0)
    model = TinyGPT(ModelConfig(vocab_size=tok.vocab_size, d_model=16, n_heads=2, n_layers=2, max_seq_len=40)).eval()
    ids = tok.encode("the cat")
    for _ in range(8):
        step = ti.decode_step(model, ids, tok.vocabulary)
        assert step.cache_difference < 1e-5
        np.testing.assert_allclose(step.weights.sum(-1), 1.0, atol=1e-5)
        assert step.top["character"].iloc[0] == tok.vocabulary[step.next_id]
        ids = [*ids, step.next_id]
    for use_kv_cache in (True, False):
        expected = generate(model, torch.tensor([tok.encode("the cat")]), 8, temperature=0, use_kv_cache=use_kv_cache)
        assert ids == expected[0].tolist()


@pytest.mark.parametrize(("switches", "refusal"), [({"attention": "linear"}, "softmax"), ({"causal": False}, "causal")])
def test_steps_without_a_cached_trace(switches: dict, refusal: str) -> None:
    model = _model(**switches)
    step = ti.decode_step(model, _ids(6).tolist()[0], "abcdefghijklm")
    assert step.cache_difference is None
    np.testing.assert_allclose(step.weights.sum(-1), 1.0, atol=1e-5)
    with pytest.raises(ValueError, match=refusal):
        ti.cached_last_step(model, _ids(6))


def test_stacked_weights_hold_every_layer_and_head() -> None:
    model, ids = _model(), _ids()
    maps = ti.attention_maps(model, ids)
    stacked = ti.stacked_weights(maps)
    assert stacked.shape == (3, 3, 12, 12)
    np.testing.assert_array_equal(stacked[2, 1], maps[2].weights[1])
