"""lib.sampling against scipy and by its properties; the torch twin used in decoding agrees."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special
import scipy.stats
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lib import sampling
from lib.transformer import next_token_probabilities

logit_vectors = arrays(np.float64, st.integers(1, 30), elements=st.floats(-50, 50))
temperatures = st.floats(0.05, 20)


@settings(max_examples=80, deadline=None)
@given(x=logit_vectors, tau=temperatures)
def test_softmax_matches_scipy(x: np.ndarray, tau: float) -> None:
    np.testing.assert_allclose(sampling.softmax(x, tau), scipy.special.softmax(x / tau), rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(x=logit_vectors)
def test_log_sum_exp_and_entropy_match_scipy(x: np.ndarray) -> None:
    assert sampling.log_sum_exp(x) == pytest.approx(scipy.special.logsumexp(x))
    p = sampling.softmax(x)
    assert sampling.entropy(p) == pytest.approx(scipy.stats.entropy(p), abs=1e-12)
    assert sampling.entropy(p, base=2) == pytest.approx(scipy.stats.entropy(p, base=2), abs=1e-12)
    assert 1 - 1e-9 <= sampling.effective_vocabulary(p) <= x.size + 1e-9


def test_extreme_logits_stay_finite() -> None:
    x = np.array([1e6, -1e6, 999_999.0, 0.0])
    for tau in (0.0, 1e-8, 0.5, 1.0, 10.0, 1e12):
        p = sampling.softmax(x, tau)
        assert np.all(np.isfinite(p))
        assert p.sum() == pytest.approx(1.0)
    assert sampling.log_sum_exp(x) == pytest.approx(1e6 + np.log1p(np.exp(-1.0)))
    assert np.isnan(sampling.naive_softmax(x)).any()  # what the page shows going wrong


def test_temperature_limits() -> None:
    x = np.array([2.0, 5.0, 5.0, 1.0])
    np.testing.assert_array_equal(sampling.softmax(x, 0), [0, 0.5, 0.5, 0])  # ties share the mass
    np.testing.assert_allclose(sampling.softmax(x, 1e-3), [0, 0.5, 0.5, 0], atol=1e-12)
    np.testing.assert_allclose(sampling.softmax(x, 1e9), np.full(4, 0.25), atol=1e-8)
    batch = sampling.softmax(np.stack([x, -x]), 0)
    np.testing.assert_array_equal(batch[1], [0, 0, 0, 1])


def test_filters_on_a_worked_example() -> None:
    p = np.array([0.05, 0.5, 0.15, 0.3])
    np.testing.assert_allclose(sampling.top_k_filter(p, 2), [0, 0.625, 0, 0.375])
    np.testing.assert_allclose(sampling.top_p_filter(p, 0.8), [0, 0.625, 0, 0.375])  # 0.5 + 0.3 reaches 0.8
    np.testing.assert_allclose(sampling.top_p_filter(p, 0.81), [0, 0.5, 0.15, 0.3] / np.float64(0.95))
    np.testing.assert_allclose(sampling.top_p_filter(p, 0.01), [0, 1, 0, 0])  # never empty
    np.testing.assert_allclose(sampling.min_p_filter(p, 0.5), [0, 0.625, 0, 0.375])  # keep p >= 0.25
    np.testing.assert_allclose(sampling.top_k_filter([0.4, 0.4, 0.2], 1), [0.5, 0.5, 0])  # ties with the k-th stay


@settings(max_examples=60, deadline=None)
@given(x=logit_vectors, k=st.integers(1, 40), top_p=st.floats(0.01, 1.0), min_p=st.floats(0.0, 1.0))
def test_filters_renormalise_and_never_empty(x: np.ndarray, k: int, top_p: float, min_p: float) -> None:
    p = sampling.softmax(x)
    for filtered in (sampling.top_k_filter(p, k), sampling.top_p_filter(p, top_p), sampling.min_p_filter(p, min_p)):
        assert filtered.sum() == pytest.approx(1.0)
        assert (filtered > 0).sum() >= 1
        assert filtered[np.argmax(p)] > 0
    np.testing.assert_allclose(sampling.top_p_filter(p, 1.0)[p > 1e-15], p[p > 1e-15] / p[p > 1e-15].sum())
    np.testing.assert_allclose(sampling.min_p_filter(p, 0.0), p)


def test_pipeline_order_matters() -> None:
    x = np.log([0.4, 0.3, 0.2, 0.1])
    k_then_p = sampling.sampling_pipeline(x, 1.0, [("top_k", 2), ("top_p", 0.5)])
    p_then_k = sampling.sampling_pipeline(x, 1.0, [("top_p", 0.5), ("top_k", 2)])
    assert [s.name for s in k_then_p] == ["temperature", "top_k", "top_p"]
    # top-k first renormalises to 4/7, 3/7, and the first token alone already holds 0.5 of that.
    assert k_then_p[-1].kept == 1
    assert p_then_k[-1].kept == 2  # on the raw distribution 0.4 < 0.5, so top-p keeps two
    assert k_then_p[1].mass_removed == pytest.approx(0.3)
    assert k_then_p[2].mass_removed == pytest.approx(3 / 7)
    with pytest.raises(ValueError, match="Unknown sampling stage"):
        sampling.sampling_pipeline(x, 1.0, [("beam", 2)])


def test_sampling_frequencies_match_the_probabilities() -> None:
    x = np.log([0.5, 0.25, 0.15, 0.1])
    rng = np.random.default_rng(2024)
    draws = np.array([sampling.sample(x, 1.0, seed=rng) for _ in range(4000)])
    counts = np.bincount(draws, minlength=4)
    _, pvalue = scipy.stats.chisquare(counts, 4000 * np.array([0.5, 0.25, 0.15, 0.1]))
    assert pvalue > 0.001
    assert sampling.sample(x, 0.0) == 0
    assert sampling.sample(x, 1.0, top_k=1, seed=1) == 0


@settings(max_examples=40, deadline=None)
@given(
    x=arrays(np.float64, st.integers(2, 20), elements=st.floats(-10, 10, allow_subnormal=False)),
    tau=st.floats(0.2, 5),
    k=st.integers(1, 20),
)
def test_the_torch_twin_agrees(x: np.ndarray, tau: float, k: int) -> None:
    stages = [("top_k", k), ("top_p", 0.9), ("min_p", 0.05)]
    ours = sampling.sampling_pipeline(x, tau, stages)[-1].probs
    twin = next_token_probabilities(torch.tensor(x)[None], tau, top_k=k, top_p=0.9, min_p=0.05)[0].numpy()
    np.testing.assert_allclose(twin, ours, atol=1e-9)


@settings(max_examples=80, deadline=None)
@given(
    # Small whole numbers make ties (equal logits, equal probabilities) common; wider floats make them rare.
    x=arrays(np.float64, st.integers(1, 24), elements=st.integers(-4, 4).map(float) | st.floats(-20, 20, width=32)),
    tau=st.floats(0.25, 4),
    k=st.none() | st.integers(1, 30),
    top_p=st.none() | st.floats(0.01, 1.0),
    min_p=st.none() | st.floats(0.0, 1.0),
)
def test_numpy_and_torch_keep_the_same_tokens(x: np.ndarray, tau: float, k, top_p, min_p) -> None:
    # One set of rules (sampling.TRUNCATION_RULES) serves both paths: the same tokens survive.
    stages = [(name, v) for name, v in (("top_k", k), ("top_p", top_p), ("min_p", min_p)) if v is not None]
    ours = sampling.sampling_pipeline(x, tau, stages)[-1].probs
    twin = next_token_probabilities(torch.tensor(x)[None], tau, top_k=k, top_p=top_p, min_p=min_p)[0].numpy()
    np.testing.assert_array_equal(twin > 0, ours > 0)
    descending = -np.sort(-sampling.softmax(x, tau))
    for name, value in stages:  # the rules read numpy arrays and torch tensors alike
        rule = sampling.TRUNCATION_RULES[name]
        np.testing.assert_array_equal(rule(torch.from_numpy(descending), value).numpy(), rule(descending, value))


def test_the_decoder_checks_truncation_values_as_the_filters_do() -> None:
    logits = torch.zeros(1, 4)
    for kwargs, message in (({"top_k": 0}, "top_k"), ({"top_p": 1.5}, "top_p"), ({"min_p": -0.1}, "min_p")):
        with pytest.raises(ValueError, match=message):
            next_token_probabilities(logits, 1.0, **kwargs)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sampling.softmax([], 1.0), "at least one"),
        (lambda: sampling.softmax([1.0, np.nan]), "finite"),
        (lambda: sampling.softmax([1.0], -1.0), "temperature"),
        (lambda: sampling.top_k_filter([0.5, 0.5], 0), "top_k"),
        (lambda: sampling.top_p_filter([0.5, 0.5], 0.0), "top_p"),
        (lambda: sampling.min_p_filter([0.5, 0.5], 1.5), "min_p"),
        (lambda: sampling.top_k_filter([0.5, 0.6], 1), "sum to 1"),
        (lambda: sampling.sample([[1.0, 2.0]]), "one vector"),
    ],
)
def test_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_text_diversity_metrics() -> None:
    assert sampling.distinct_n(["abab"], 2) == pytest.approx(2 / 3)  # ab, ba, ab
    assert sampling.distinct_n(["abc", "abc"], 3) == pytest.approx(1 / 2)
    assert sampling.repetition_rate("abcabc", 3) == pytest.approx(1 / 4)  # abc bca cab, then abc again
    assert sampling.repetition_rate("abcdef", 2) == 0.0
    with pytest.raises(ValueError, match="too short"):
        sampling.distinct_n(["a"], 2)


def test_naive_softmax_overflows_exactly_past_the_threshold() -> None:
    # exp(x) is finite up to log(max float): 709.78 in float64, 88.72 in float32.
    assert sampling.overflow_threshold() == pytest.approx(709.782712893384)
    assert sampling.overflow_threshold(np.float32) == pytest.approx(88.72284, rel=1e-6)
    z = np.array([8.0, 3.0, -2.0])
    tau = 8.0 / 100  # largest z/τ = 100: past float32's limit, far below float64's
    assert np.isnan(sampling.naive_softmax(z, tau, dtype=np.float32)).any()
    np.testing.assert_allclose(sampling.naive_softmax(z, tau), sampling.softmax(z, tau))
    assert np.isfinite(sampling.softmax(z.astype(np.float32), tau)).all()
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is harmless
        np.testing.assert_array_equal(sampling.softmax(np.array([1e6, -1e6]), 1e-6), [1.0, 0.0])


@settings(max_examples=40, deadline=None)
@given(x=logit_vectors, tau=st.floats(0.05, 20))
def test_temperature_never_changes_the_order(x: np.ndarray, tau: float) -> None:
    p, p1 = sampling.softmax(x, tau), sampling.softmax(x)
    # Where the logits differ, the probabilities keep their order (up to underflow to equal values).
    i, j = np.argmax(x), np.argmin(x)
    assert p[i] >= p[j]
    assert p1[i] >= p1[j]
    assert sampling.entropy(sampling.softmax(x, tau * 2)) >= sampling.entropy(p) - 1e-9  # hotter = flatter


def test_naive_softmax_fails_by_overflow_or_underflow() -> None:
    assert sampling.naive_softmax_failure([5.0, 1.0], 0.05, np.float32) == "overflow"  # 100 > 88.7
    assert sampling.naive_softmax_failure([5.0, 1.0], 0.05) is None  # but < 709.8
    assert sampling.naive_softmax_failure([5.0, 1.0], 0.0) == "overflow"
    assert sampling.naive_softmax_failure([-5.0, -6.0], 0.001) == "underflow"  # exp(-5000) = 0, twice
    assert sampling.naive_softmax_failure([-5.0, -6.0], 0.0) == "underflow"
    for logits, tau in (([5.0, 1.0], 0.05), ([-5.0, -6.0], 0.001)):
        assert np.isnan(sampling.naive_softmax(logits, tau, dtype=np.float32)).any()
        assert np.isfinite(sampling.softmax(logits, tau)).all()
