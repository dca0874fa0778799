"""lib.precision against torch's own float8 / half casts."""

from __future__ import annotations

import pytest
import torch

from lib.precision import MAX_FINITE, quantize, quantize_padded, quantize_weights, quantized_matmul


def test_e4m3_at_scale_one_is_torchs_float8_cast() -> None:
    x = torch.randn(64, 128) * 50
    x[0, 0] = 448.0  # the largest |x| is 448: the scale is exactly 1
    x = x.clamp(-448, 448)
    torch.testing.assert_close(quantize(x, "e4m3"), x.to(torch.float8_e4m3fn).float(), atol=0, rtol=0)


@pytest.mark.parametrize(("fmt", "dtype"), [("e4m3", torch.float8_e4m3fn), ("e5m2", torch.float8_e5m2)])
def test_representable_values_come_back_exactly(fmt: str, dtype: torch.dtype) -> None:
    bits = torch.arange(256, dtype=torch.uint8).view(dtype).float()
    values = bits[torch.isfinite(bits)]
    values = torch.cat([values, torch.tensor([MAX_FINITE[fmt]])])  # pin the scale at 1
    assert torch.equal(quantize(values, fmt), values)
    assert {"e4m3": 448.0, "e5m2": 57344.0, "fp16": 65504.0, "bf16": MAX_FINITE["bf16"]} == MAX_FINITE


@pytest.mark.parametrize(("fmt", "dtype"), [("fp16", torch.float16), ("bf16", torch.bfloat16)])
def test_half_formats_are_plain_casts(fmt: str, dtype: torch.dtype) -> None:
    x = torch.randn(8, 16) * 1000
    assert torch.equal(quantize(x, fmt, "tile", tile=16), x.to(dtype).float())


@pytest.mark.parametrize(("fmt", "outlier"), [("e4m3", 1e4), ("e5m2", 1e8)])  # e5m2 spans a far wider range
def test_tile_scaling_beats_tensor_scaling_with_an_outlier(fmt: str, outlier: float) -> None:
    torch.manual_seed(0)
    x = torch.randn(16, 256) * 1e-2
    x[3, 7] = outlier
    error = {s: ((quantize(x, fmt, s, tile=128) - x).abs() / x.abs()).mean() for s in ("tensor", "tile")}
    assert error["tile"] < error["tensor"] / 10


def test_tile_scale_is_per_block_of_the_last_dimension() -> None:
    x = torch.tensor([[1.0, 2.0, 1000.0, 3.0]])
    q = quantize(x, "e4m3", "tile", tile=2)
    assert q[0, 0] == 1.0
    assert q[0, 1] == 2.0


def test_quantized_matmul_accumulates_quantised_operands_in_float32() -> None:
    torch.manual_seed(1)
    a, b = torch.randn(32, 256), torch.randn(256, 16)
    expected = quantize(a, "e4m3", "tile") @ quantize(b.T, "e4m3", "tile").T
    torch.testing.assert_close(quantized_matmul(a, b, "e4m3", "tile"), expected)
    relative = (quantized_matmul(a, b) - a @ b).norm() / (a @ b).norm()
    assert 0 < relative < 0.1


def test_bad_arguments_are_one_sentence() -> None:
    with pytest.raises(ValueError, match="tile must divide"):
        quantize(torch.ones(2, 10), scaling="tile", tile=4)
    with pytest.raises(ValueError, match="fmt"):
        quantize(torch.ones(2), fmt="e3m4")
    with pytest.raises(ValueError, match="scaling"):
        quantize(torch.ones(2), scaling="block")
    with pytest.raises(ValueError, match="finite"):
        quantize(torch.tensor([float("nan")]))
    with pytest.raises(ValueError, match="matrices"):
        quantized_matmul(torch.ones(2, 3), torch.ones(2, 3))


def test_padded_quantize_is_quantize_where_the_tile_divides_and_gives_the_last_tile_its_own_scale() -> None:
    torch.manual_seed(0)
    x = torch.randn(3, 8)
    assert torch.equal(quantize_padded(x, "e4m3", "tile", 4), quantize(x, "e4m3", "tile", 4))
    y = torch.cat([torch.randn(2, 4), torch.full((2, 2), 1e-3)], dim=1)  # last tile 2 wide, tiny values
    q = quantize_padded(y, "e4m3", "tile", 4)
    assert q.shape == y.shape
    assert torch.allclose(q[:, 4:], y[:, 4:], rtol=0.07)  # its own scale: not flushed by the big first tile


def test_quantize_weights_rounds_the_linear_weights_and_keeps_the_tied_embedding() -> None:
    from lib.transformer import ModelConfig, TinyGPT

    torch.manual_seed(0)
    model = TinyGPT(ModelConfig(vocab_size=7, d_model=16, n_heads=2, n_layers=1, max_seq_len=16))
    quantized = quantize_weights(model, "e4m3", "tile", 128)
    assert torch.equal(quantized.embed.weight, model.embed.weight)
    assert quantized.lm_head.weight is quantized.embed.weight  # still tied
    before, after = model.blocks[0].attn.qkv.weight, quantized.blocks[0].attn.qkv.weight
    assert torch.equal(after, quantize_padded(before, "e4m3", "tile", 128))
    assert not torch.equal(after, before)
    assert torch.equal(model.blocks[0].attn.qkv.weight, before)  # the original is untouched


def test_the_trained_models_loss_in_each_format() -> None:
    from lib.transformer import ModelConfig, TinyGPT
    from lib.transformer.inspect.efficient import quantized_weight_losses

    torch.manual_seed(0)
    model = TinyGPT(ModelConfig(vocab_size=7, d_model=16, n_heads=2, n_layers=1, max_seq_len=16)).eval()
    ids = torch.randint(0, 7, (400,), generator=torch.Generator().manual_seed(1))
    table = quantized_weight_losses(model, ids, tile=8, batches=2)
    assert list(zip(table["format"], table["scaling"], strict=True)) == [
        ("e4m3", "tensor"), ("e4m3", "tile"), ("e5m2", "tensor"), ("e5m2", "tile"), ("fp16", "cast"), ("bf16", "cast")
    ]  # fmt: skip
    fp16 = table[table["format"] == "fp16"].iloc[0]
    assert abs(fp16["increase"]) < 1e-3  # fp16 keeps ~3 significant digits: the loss barely moves
    assert (table["float32_val_loss"] == table["float32_val_loss"].iloc[0]).all()
