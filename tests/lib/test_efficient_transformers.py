"""DeepSeek's ideas in lib.transformer: mixture of experts, latent attention, multi-token prediction."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.transformer import (
    KVCache,
    ModelConfig,
    MoEFFN,
    SwiGLU,
    TinyGPT,
    active_parameters,
    generate,
    kv_cache_bytes,
    load_balancing_loss,
    speculative_generate,
    train,
)
from lib.transformer.inspect.memory import kv_cache_sizes
from lib.transformer.latent import MultiHeadLatentAttention
from lib.transformer.moe import Routing

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(autouse=True)
def _seed() -> None:
    torch.manual_seed(0)


def _tiny(vocab_size: int = 23, **overrides: object) -> TinyGPT:
    config = ModelConfig(vocab_size=vocab_size, d_model=16, n_heads=2, n_layers=2, max_seq_len=48, **overrides)
    return TinyGPT(config).eval()


# ---------------------------------------------------------------------------
# Mixture of experts
# ---------------------------------------------------------------------------


def test_one_expert_one_per_token_is_the_dense_swiglu() -> None:
    moe, dense = MoEFFN(16, 40, n_experts=1, experts_per_token=1), SwiGLU(16, 40)
    dense.load_state_dict(moe.experts[0].state_dict())
    x = torch.randn(3, 7, 16)
    torch.testing.assert_close(moe(x), dense(x))


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 8), k_frac=st.floats(0, 1), shared=st.integers(0, 2), seed=st.integers(0, 999))
def test_routing_weights_sum_to_one_with_exactly_k_non_zero(n: int, k_frac: float, shared: int, seed: int) -> None:
    k = 1 + int(k_frac * (n - 1))
    torch.manual_seed(seed)
    moe = MoEFFN(8, 12, n_experts=n, experts_per_token=k, n_shared_experts=shared)
    routing = moe.route(torch.randn(2, 5, 8))
    assert ((routing.weights > 0).sum(-1) == k).all()
    torch.testing.assert_close(routing.weights.sum(-1), torch.ones(2, 5))
    torch.testing.assert_close(routing.load.sum(), torch.tensor(1.0))
    counts = (routing.weights > 0).sum((0, 1)).float()
    torch.testing.assert_close(routing.load, counts / (10 * k))
    torch.testing.assert_close(routing.probs.sum(-1), torch.ones(2, 5))


def test_moe_forward_is_the_weighted_sum_of_its_experts() -> None:
    moe = MoEFFN(8, 12, n_experts=4, experts_per_token=2, n_shared_experts=1)
    x = torch.randn(2, 3, 8)
    w = moe.route(x).weights  # (B, T, n)
    expected = moe.shared[0](x) + sum(w[..., i : i + 1] * e(x) for i, e in enumerate(moe.experts))
    torch.testing.assert_close(moe(x), expected)


def test_load_balancing_loss_is_one_when_even_and_n_when_collapsed() -> None:
    n = 4
    even = Routing(torch.full((1, 8, n), 1 / n), torch.full((n,), 1 / n), torch.full((1, 8, n), 1 / n))
    assert float(load_balancing_loss(even)) == pytest.approx(1.0)
    probs = torch.zeros(1, 8, n)
    probs[..., 0] = 1
    collapsed = Routing(probs, torch.tensor([1.0, 0, 0, 0]), probs)
    assert float(load_balancing_loss(collapsed)) == pytest.approx(n)


def test_active_parameters_count_k_routed_experts() -> None:
    dense, moe = _tiny(), _tiny(ffn="moe", n_experts=4, experts_per_token=2, n_shared_experts=1)
    per_expert = sum(p.numel() for p in moe.blocks[0].ffn.experts[0].parameters())
    assert active_parameters(dense) == dense.n_parameters()
    assert active_parameters(moe) == moe.n_parameters() - 2 * 2 * per_expert  # 2 layers × 2 unused experts
    router = 16 * 4
    assert active_parameters(moe) == dense.n_parameters() + 2 * (router + 2 * per_expert)  # 1 shared + 2 routed


def test_moe_rejects_more_experts_per_token_than_experts() -> None:
    with pytest.raises(ValueError, match="experts_per_token"):
        ModelConfig(vocab_size=5, ffn="moe", n_experts=2, experts_per_token=3)
    with pytest.raises(ValueError, match="n_experts"):
        MoEFFN(8, 8, n_experts=0, experts_per_token=1)


# ---------------------------------------------------------------------------
# Multi-head latent attention
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("positional", ["rope", "none"])
def test_absorbed_and_naive_mla_give_the_same_output(positional: str) -> None:
    config = ModelConfig(
        vocab_size=5, d_model=32, n_heads=4, attention="mla", kv_latent_dim=6, rope_head_dim=4, positional=positional
    )
    mla = MultiHeadLatentAttention(config)
    x = torch.randn(2, 9, 32)
    naive = mla(x)
    mla.absorbed = True
    torch.testing.assert_close(mla(x), naive, atol=1e-6, rtol=1e-5)


def test_mla_caches_only_the_latent_and_the_shared_rotary_key() -> None:
    model = _tiny(attention="mla", kv_latent_dim=6, rope_head_dim=4)
    cache = KVCache.empty(2)
    with torch.no_grad():
        model(torch.randint(0, 23, (3, 11)), cache)
    for layer in cache.layers:
        assert layer.k is None
        assert layer.v is None
        assert layer.latent.shape == (3, 11, 6)
        assert layer.k_rope.shape == (3, 11, 4)


@pytest.mark.parametrize(("latent", "rope"), [(6, 4), (16, 8), (1, 0)])
def test_kv_cache_bytes_equal_the_formula_and_grow_linearly(latent: int, rope: int) -> None:
    mha, mla = _tiny(), _tiny(attention="mla", kv_latent_dim=latent, rope_head_dim=rope)
    for seq_len in (1, 7, 40):
        sizes = {
            s.variant: s.total_bytes
            for s in kv_cache_sizes(
                n_layers=2,
                n_heads=2,
                d_head=8,
                n_kv_groups=1,
                d_latent=latent,
                d_rope=rope,
                seq_len=seq_len,
                batch=2,
                bytes_per_value=4,
            )
        }
        assert kv_cache_bytes(mha, seq_len, batch=2) == sizes["MHA"]
        assert kv_cache_bytes(mla, seq_len, batch=2) == sizes["MLA"]
    assert kv_cache_bytes(mla, 40) == 40 * kv_cache_bytes(mla, 1)


def test_mla_config_rejects_a_zero_latent_and_an_odd_rotary_size() -> None:
    with pytest.raises(ValueError, match="kv_latent_dim"):
        ModelConfig(vocab_size=5, attention="mla", kv_latent_dim=0)
    with pytest.raises(ValueError, match="rope_head_dim"):
        ModelConfig(vocab_size=5, attention="mla", rope_head_dim=3)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(("attention", "ffn"), [("mla", "moe"), ("mla", "swiglu"), ("softmax", "moe")])
def test_cached_and_uncached_decoding_agree_on_every_device(device: str, attention: str, ffn: str) -> None:
    model = _tiny(attention=attention, ffn=ffn).to(device)
    prompt = torch.randint(0, 23, (2, 5), device=device)
    assert torch.equal(*(generate(model, prompt, 20, temperature=0, use_kv_cache=c) for c in (True, False)))


# ---------------------------------------------------------------------------
# Multi-token prediction
# ---------------------------------------------------------------------------


def test_mtp_logits_shape_and_a_model_without_heads() -> None:
    model = _tiny(mtp_depth=3)
    assert model.mtp_logits(torch.randint(0, 23, (2, 9))).shape == (2, 9, 3, 23)
    with pytest.raises(ValueError, match="mtp_depth"):
        _tiny().mtp_logits(torch.zeros(1, 2, dtype=torch.long))


def test_training_adds_the_mtp_loss_and_learns_to_predict_two_ahead() -> None:
    text = torch.arange(400) % 7  # a cycle: token t + 2 is determined by token t
    model = _tiny(mtp_depth=1, vocab_size=7)
    seen = []
    train(model, text, 120, batch_size=8, seq_len=16, lr=1e-2, callback=seen.append)
    assert seen[0].mtp_loss is not None
    assert seen[-1].mtp_loss < 0.1 < seen[0].mtp_loss
    ids = text[:10].unsqueeze(0)
    assert torch.equal(model.mtp_logits(ids)[0, :-2, 0].argmax(-1), ids[0, 2:])


def test_moe_training_reports_the_load_balancing_loss() -> None:
    model = _tiny(ffn="moe", vocab_size=7)
    seen = []
    train(model, torch.arange(200) % 7, 5, batch_size=4, seq_len=8, callback=seen.append)
    assert all(s.balance_loss is not None and s.balance_loss >= 1 - 1e-4 for s in seen)  # ≥ 1 (Cauchy–Schwarz)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("attention", ["softmax", "mla"])
def test_self_speculative_decoding_gives_the_greedy_tokens(device: str, attention: str) -> None:
    torch.manual_seed(3)
    model = _tiny(mtp_depth=2, attention=attention, ffn="moe").to(device)
    for head in model.mtp_heads:  # random heads: drafts are often rejected, so both branches run
        torch.nn.init.normal_(head.ffn.down.weight, std=2.0)
    prompt = torch.randint(0, 23, (1, 4), device=device)
    result = speculative_generate(model, prompt, 30)
    assert torch.equal(result.ids, generate(model, prompt, 30, temperature=0))
    assert result.forward_passes <= 30
    assert 0 <= result.accepted <= result.drafted


def test_speculative_decoding_refuses_what_it_cannot_do() -> None:
    prompt = torch.zeros(1, 3, dtype=torch.long)
    with pytest.raises(ValueError, match="mtp_depth"):
        speculative_generate(_tiny(), prompt, 4)
    with pytest.raises(ValueError, match="softmax or mla"):
        speculative_generate(_tiny(mtp_depth=1, attention="linear"), prompt, 4)
    with pytest.raises(ValueError, match="max_new_tokens"):
        speculative_generate(_tiny(mtp_depth=1), prompt, 100)
