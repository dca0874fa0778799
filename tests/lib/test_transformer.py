"""lib.transformer against torch's own kernels and the properties the notes rely on."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.transformer import (
    CharTokenizer,
    GeluFFN,
    KVCache,
    ModelConfig,
    SwiGLU,
    TinyGPT,
    apply_rope,
    causal_mask,
    generate,
    layer_norm,
    linear_attention,
    next_token_probabilities,
    rms_norm,
    rope_frequencies,
    scaled_dot_product_attention,
    sinusoidal_encoding,
    swiglu_hidden_size,
    train,
)
from lib.transformer.attention import feature_map

VARIANTS = [
    dict(zip(("ffn", "norm", "norm_placement", "positional", "attention"), combo, strict=True))
    for combo in itertools.product(
        ("swiglu", "gelu"),
        ("rms", "layer"),
        ("pre", "post"),
        ("rope", "sinusoidal", "learned", "none"),
        ("softmax", "linear"),
    )
]
# DeepSeek's switches: a mixture of experts and latent attention, beside every other attention and ffn.
VARIANTS += [
    dict(zip(("ffn", "norm", "norm_placement", "positional", "attention"), combo, strict=True))
    for combo in itertools.product(
        ("swiglu", "gelu", "moe"),
        ("rms",),
        ("pre", "post"),
        ("rope", "sinusoidal", "learned", "none"),
        ("softmax", "linear", "mla"),
    )
    if "moe" in combo or "mla" in combo
]


def _variant_id(variant: dict) -> str:
    return "-".join(variant.values())


@pytest.fixture(autouse=True)
def _seed() -> None:
    torch.manual_seed(0)


# ---------------------------------------------------------------------------
# Attention
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("causal", [False, True])
def test_attention_matches_torch_sdpa(causal: bool) -> None:
    q, k, v = (torch.randn(2, 3, 7, 8, dtype=torch.float64) for _ in range(3))
    mask = causal_mask(7).double() if causal else None
    out, weights = scaled_dot_product_attention(q, k, v, mask)
    reference = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    torch.testing.assert_close(out, reference)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3, 7, dtype=torch.float64))
    if causal:
        assert torch.all(weights.triu(diagonal=1) == 0)


def test_attention_with_an_arbitrary_additive_mask() -> None:
    q, k, v = torch.randn(4, 5, 6), torch.randn(4, 9, 6), torch.randn(4, 9, 3)
    mask = torch.randn(5, 9)
    out, _ = scaled_dot_product_attention(q, k, v, mask)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask))


def test_causal_mask_values_and_offset() -> None:
    mask = causal_mask(2, offset=3)
    assert mask.shape == (2, 5)
    assert torch.equal(torch.isinf(mask), torch.tensor([[False] * 4 + [True], [False] * 5]))
    assert causal_mask(0).shape == (0, 0)
    with pytest.raises(ValueError, match="offset"):
        causal_mask(3, offset=-1)


def test_linear_attention_matches_its_definition() -> None:
    q, k, v = (torch.randn(2, 6, 4, dtype=torch.float64) for _ in range(3))
    phi_q, phi_k = feature_map(q), feature_map(k)
    scores = phi_q @ phi_k.transpose(-2, -1)  # (B, T, T), all positive
    for causal in (False, True):
        s = scores.tril() if causal else scores
        expected = (s / s.sum(-1, keepdim=True)) @ v
        torch.testing.assert_close(linear_attention(q, k, v, causal=causal), expected)


# ---------------------------------------------------------------------------
# Positions
# ---------------------------------------------------------------------------


def test_sinusoidal_encoding_matches_the_paper() -> None:
    pe = sinusoidal_encoding(50, 16)
    t, i = 17, 3
    assert pe[t, 2 * i] == pytest.approx(math.sin(t / 10000 ** (2 * i / 16)), abs=1e-6)
    assert pe[t, 2 * i + 1] == pytest.approx(math.cos(t / 10000 ** (2 * i / 16)), abs=1e-6)
    with pytest.raises(ValueError, match="even"):
        sinusoidal_encoding(5, 7)


def test_rope_matches_complex_rotation_and_keeps_norms() -> None:
    x = torch.randn(2, 10, 8, dtype=torch.float64)
    freqs = rope_frequencies(8, 10)
    rotated = apply_rope(x, freqs)
    # Reference: view pairs as complex numbers and multiply by e^{i t θ}.
    angles = torch.polar(torch.ones(10, 4, dtype=torch.float64), torch.atan2(freqs[..., 1], freqs[..., 0]).double())
    reference = torch.view_as_real(torch.view_as_complex(x.reshape(2, 10, 4, 2)) * angles).flatten(-2)
    torch.testing.assert_close(rotated, reference, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(rotated.norm(dim=-1), x.norm(dim=-1))


@settings(max_examples=25, deadline=None)
@given(m=st.integers(0, 60), n=st.integers(0, 60), shift=st.integers(0, 60))
def test_rope_scores_depend_only_on_relative_position(m: int, n: int, shift: int) -> None:
    gen = torch.Generator().manual_seed(m * 1000 + n)
    q, k = torch.randn(16, generator=gen, dtype=torch.float64), torch.randn(16, generator=gen, dtype=torch.float64)
    freqs = rope_frequencies(16, 130, dtype=torch.float64)

    def score(i: int, j: int) -> float:
        return float(apply_rope(q[None], freqs[i : i + 1]) @ apply_rope(k[None], freqs[j : j + 1]).T)

    assert score(m, n) == pytest.approx(score(m + shift, n + shift), rel=1e-9, abs=1e-12)


# ---------------------------------------------------------------------------
# Norms and feed-forward
# ---------------------------------------------------------------------------


def test_norms_match_torch() -> None:
    x = torch.randn(3, 5, 16)
    gamma, beta = torch.randn(16), torch.randn(16)
    torch.testing.assert_close(layer_norm(x, gamma, beta, 1e-5), F.layer_norm(x, (16,), gamma, beta, 1e-5))
    torch.testing.assert_close(rms_norm(x, gamma, 1e-6), F.rms_norm(x, (16,), gamma, 1e-6))


def test_swiglu_uses_the_eight_thirds_rule() -> None:
    d = 96
    assert swiglu_hidden_size(d) == 256  # 8/3 · 96
    swiglu, gelu = SwiGLU(d), GeluFFN(d)
    swiglu_weights = sum(p.numel() for n, p in swiglu.named_parameters())
    gelu_weights = sum(p.numel() for n, p in gelu.named_parameters() if n.endswith("weight"))
    assert swiglu_weights == 3 * d * 256 == gelu_weights  # same budget as the 4·d GELU MLP
    x = torch.randn(2, 3, d)
    assert swiglu(x).shape == gelu(x).shape == x.shape


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


def _tiny(variant: dict, **overrides: object) -> TinyGPT:
    config = ModelConfig(vocab_size=23, d_model=16, n_heads=2, n_layers=2, max_seq_len=32, **variant, **overrides)
    return TinyGPT(config).eval()


@pytest.mark.parametrize("variant", VARIANTS, ids=_variant_id)
def test_future_tokens_never_change_past_logits(variant: dict) -> None:
    model = _tiny(variant)
    ids = torch.randint(0, 23, (2, 12))
    changed = ids.clone()
    changed[:, 7:] = torch.randint(0, 23, (2, 5))
    with torch.no_grad():
        torch.testing.assert_close(model(ids)[:, :7], model(changed)[:, :7])


@pytest.mark.parametrize("variant", VARIANTS, ids=_variant_id)
def test_cached_and_uncached_decoding_agree(variant: dict) -> None:
    model = _tiny(variant)
    prompt = torch.randint(0, 23, (2, 5))
    greedy = [generate(model, prompt, 12, temperature=0, use_kv_cache=c) for c in (True, False)]
    assert torch.equal(*greedy)
    sampled = [generate(model, prompt, 12, temperature=1.3, top_k=8, seed=4, use_kv_cache=c) for c in (True, False)]
    assert torch.equal(*sampled)
    # Logits too, position by position.
    cache = KVCache.empty(model.config.n_layers)
    with torch.no_grad():
        stepwise = torch.cat(
            [model(greedy[0][:, :5], cache)] + [model(greedy[0][:, t : t + 1], cache) for t in range(5, 16)], 1
        )
        torch.testing.assert_close(stepwise, model(greedy[0][:, :16]), atol=1e-5, rtol=1e-4)


def test_non_causal_attention_sees_the_future() -> None:
    model = _tiny(VARIANTS[0], causal=False)
    ids = torch.randint(0, 23, (1, 8))
    changed = ids.clone()
    changed[0, -1] = (ids[0, -1] + 1) % 23
    with torch.no_grad():
        assert not torch.allclose(model(ids)[:, 0], model(changed)[:, 0])


def test_parameter_count() -> None:
    c = ModelConfig(vocab_size=65, d_model=64, n_heads=4, n_layers=2, ffn="swiglu", norm="rms", positional="rope")
    d, h = c.d_model, swiglu_hidden_size(c.d_model)
    per_block = 4 * d * d + 3 * d * h + 2 * d  # attention, SwiGLU, two RMSNorm gains
    assert TinyGPT(c).n_parameters() == c.vocab_size * d + c.n_layers * per_block + d  # tied head, final norm


def test_config_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError, match="divisible"):
        ModelConfig(vocab_size=10, d_model=30, n_heads=4)
    with pytest.raises(ValueError, match="positional"):
        ModelConfig(vocab_size=10, positional="alibi")
    model = _tiny(VARIANTS[0])
    with pytest.raises(ValueError, match="max_seq_len"):
        generate(model, torch.zeros(1, 30, dtype=torch.long), 5)


def test_sampling_filters() -> None:
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    torch.testing.assert_close(next_token_probabilities(logits), torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    torch.testing.assert_close(next_token_probabilities(logits, top_k=2), torch.tensor([[0.625, 0.375, 0, 0]]))
    torch.testing.assert_close(next_token_probabilities(logits, top_p=0.8), torch.tensor([[0.625, 0.375, 0, 0]]))
    torch.testing.assert_close(next_token_probabilities(logits, top_p=0.81), torch.tensor([[0.5, 0.3, 0.15, 0]]) / 0.95)
    torch.testing.assert_close(next_token_probabilities(logits, min_p=0.5), torch.tensor([[0.625, 0.375, 0, 0]]))
    assert next_token_probabilities(logits, temperature=1e-4)[0, 0] == pytest.approx(1.0)


def test_tokenizer_round_trip_and_errors() -> None:
    text = "def f(x):\n    return x + 1\n"
    tok = CharTokenizer.from_text(text)
    assert tok.decode(tok.encode(text)) == text
    assert tok.vocab_size == len(set(text))
    with pytest.raises(ValueError, match="never seen"):
        tok.encode("λ")
    with pytest.raises(ValueError, match="empty"):
        CharTokenizer.from_text("")


def test_training_reduces_the_loss() -> None:
    text = "abcabcabcabd" * 40
    tok = CharTokenizer.from_text(text)
    model = TinyGPT(ModelConfig(vocab_size=tok.vocab_size, d_model=32, n_heads=2, n_layers=1, max_seq_len=16))
    seen = []
    losses = train(model, tok.encode(text), steps=60, batch_size=16, lr=1e-2, seed=0, callback=seen.append)
    assert len(seen) == 60
    assert sum(losses[-10:]) / 10 < 0.5 * sum(losses[:5]) / 5
    stopped = train(model, tok.encode(text), steps=50, callback=lambda s: s.step < 3)
    assert len(stopped) == 3
