"""Repetition penalty, no-repeat n-gram and typical-p against Hugging Face's definitions; temperature last.

transformers is not a dependency: the references below follow its processors line by line
(``RepetitionPenaltyLogitsProcessor``, ``NoRepeatNGramLogitsProcessor`` with ``_get_ngrams`` and
``_calc_banned_ngram_tokens``, ``TypicalLogitsWarper`` with min_tokens_to_keep = 1), in torch as it does.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import sampling
from lib.transformer import decoding


def hf_repetition_penalty(input_ids: torch.Tensor, scores: torch.Tensor, penalty: float) -> torch.Tensor:
    score = torch.gather(scores, 1, input_ids)
    score = torch.where(score < 0, score * penalty, score / penalty)
    return scores.scatter(1, input_ids, score)


def hf_no_repeat_ngram(input_ids: torch.Tensor, scores: torch.Tensor, n: int) -> torch.Tensor:
    scores = scores.clone()
    batch, cur_len = input_ids.shape
    if cur_len + 1 < n:
        return scores
    for b in range(batch):
        tokens = input_ids[b].tolist()
        grams: dict[tuple, list[int]] = {}
        for gram in zip(*[tokens[i:] for i in range(n)], strict=False):
            grams.setdefault(tuple(gram[:-1]), []).append(gram[-1])
        banned = grams.get(tuple(tokens[cur_len + 1 - n : cur_len]), [])
        scores[b, banned] = -float("inf")
    return scores


def hf_typical(scores: torch.Tensor, mass: float) -> torch.Tensor:
    normalized = torch.nn.functional.log_softmax(scores, dim=-1)
    p = torch.exp(normalized)
    ent = -(normalized * p).nansum(-1, keepdim=True)
    shifted_scores = torch.abs((-normalized) - ent)
    sorted_scores, sorted_indices = torch.sort(shifted_scores, descending=False)
    sorted_logits = scores.gather(-1, sorted_indices)
    cumulative_probs = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    last_ind = (cumulative_probs < mass).sum(dim=1)
    last_ind.clamp_(max=sorted_scores.shape[-1] - 1)
    sorted_indices_to_remove = sorted_scores > sorted_scores.gather(1, last_ind.view(-1, 1))
    sorted_indices_to_remove[..., :1] = 0
    indices_to_remove = sorted_indices_to_remove.scatter(1, sorted_indices, sorted_indices_to_remove)
    return scores.masked_fill(indices_to_remove, -float("inf"))


def random_case(seed: int, batch: int = 3, vocab: int = 12, length: int = 20):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 3, size=(batch, vocab))
    ids = rng.integers(0, rng.integers(2, vocab + 1), size=(batch, length))  # few distinct ids: n-grams repeat
    return logits, ids


@pytest.mark.parametrize("seed", range(20))
def test_repetition_penalty_is_hugging_faces(seed: int) -> None:
    logits, ids = random_case(seed)
    penalty = 0.5 + 2 * np.random.default_rng(seed).random()
    reference = hf_repetition_penalty(torch.tensor(ids), torch.tensor(logits), penalty).numpy()
    np.testing.assert_allclose(sampling.repetition_penalty(logits, ids, penalty), reference, rtol=1e-12)
    twin = decoding.repetition_penalty(torch.tensor(logits), torch.tensor(ids), penalty).numpy()
    np.testing.assert_allclose(twin, reference, rtol=1e-12)
    np.testing.assert_array_equal(sampling.repetition_penalty(logits, ids, 1.0), logits)  # θ = 1: identity


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_no_repeat_ngram_is_hugging_faces(seed: int, n: int) -> None:
    logits, ids = random_case(seed, length=int(np.random.default_rng(seed).integers(1, 25)))
    reference = hf_no_repeat_ngram(torch.tensor(ids), torch.tensor(logits), n).numpy()
    np.testing.assert_array_equal(sampling.no_repeat_ngram(logits, ids, n), reference)
    twin = decoding.no_repeat_ngram_mask(torch.tensor(ids), n, logits.shape[-1]).numpy()
    np.testing.assert_array_equal(twin, np.isinf(reference))


def test_no_repeat_ngram_bans_something_on_these_cases() -> None:
    # The comparison above would pass for a ban that never bans: these cases do ban.
    banned = [np.isinf(sampling.no_repeat_ngram(*random_case(s)[:1], random_case(s)[1], 2)).sum() for s in range(20)]
    assert sum(banned) > 20


@pytest.mark.parametrize("seed", range(30))
def test_typical_filter_is_hugging_faces(seed: int) -> None:
    logits, _ = random_case(seed, vocab=int(np.random.default_rng(seed).integers(2, 40)))
    mass = float(np.random.default_rng(seed + 1).uniform(0.05, 0.99))
    reference = torch.softmax(hf_typical(torch.tensor(logits), mass), dim=-1).numpy()
    probs = sampling.softmax(logits)
    np.testing.assert_allclose(sampling.typical_filter(probs, mass), reference, atol=1e-12)
    np.testing.assert_array_equal(decoding.typical_kept(torch.tensor(probs), mass).numpy(), reference > 0)


def test_typical_filter_can_drop_the_most_likely_token() -> None:
    # H = 1.75 nats: the top token's surprise (0.92) is farther from it than the others' (2.30).
    p = np.array([0.4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    kept = sampling.typical_filter(p, 0.05)
    np.testing.assert_allclose(kept, [0] + [1 / 6] * 6)  # the six equally typical tokens tie: all kept
    np.testing.assert_allclose(sampling.typical_filter(p, 1.0), p)  # mass 1 keeps everything


stage_lists = st.lists(
    st.sampled_from([("top_k", 3), ("top_p", 0.6), ("min_p", 0.2), ("typical_p", 0.7)]), max_size=4, unique=True
)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    tau=st.sampled_from([0.0, 0.3, 1.0, 2.5]),
    filters=stage_lists,
    penalty=st.sampled_from([1.0, 1.4, 0.7]),
    ngram=st.sampled_from([0, 1, 2, 3]),
    last=st.booleans(),
)
def test_the_pipeline_and_its_torch_twin_agree(seed, tau, filters, penalty, ngram, last) -> None:
    logits, ids = random_case(seed, batch=1, vocab=10, length=15)
    processors = [
        (n, v) for n, v, off in (("repetition_penalty", penalty, 1.0), ("no_repeat_ngram", ngram, 0)) if v != off
    ]
    stages = processors + filters
    ours = sampling.sampling_pipeline(logits[0], tau, stages, previous_ids=ids[0], temperature_last=last)
    for stage in ours:
        assert stage.probs.sum() == pytest.approx(1.0)
        assert stage.kept >= 1
    twin = decoding.pipeline_probabilities(torch.tensor(logits), torch.tensor(ids), tau, stages, last)[0].numpy()
    np.testing.assert_allclose(twin, ours[-1].probs, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), tau=st.sampled_from([0.0, 0.2, 1.0, 3.0]), penalty=st.sampled_from([1.0, 1.5]))
def test_temperature_last_without_filters_is_temperature_first(seed: int, tau: float, penalty: float) -> None:
    logits, ids = random_case(seed, batch=1)
    stages = [("repetition_penalty", penalty), ("no_repeat_ngram", 2)]
    first = sampling.sampling_pipeline(logits[0], tau, stages, previous_ids=ids[0])
    last = sampling.sampling_pipeline(logits[0], tau, stages, previous_ids=ids[0], temperature_last=True)
    np.testing.assert_allclose(last[-1].probs, first[-1].probs, atol=1e-12)
    assert [s.name for s in last][-2:] == ["softmax", "temperature"]


def test_temperature_last_changes_what_min_p_keeps() -> None:
    # Hot first, min-p judges a flat distribution and keeps much; min-p first keeps only the head.
    logits = np.log([0.5, 0.3, 0.1, 0.05, 0.05])
    first = sampling.sampling_pipeline(logits, 5.0, [("min_p", 0.5)])
    last = sampling.sampling_pipeline(logits, 5.0, [("min_p", 0.5)], temperature_last=True)
    assert (first[-1].kept, last[-1].kept) == (5, 2)


def test_the_torch_pipeline_runs_the_filters_in_the_order_given() -> None:
    logits = torch.log(torch.tensor([[0.4, 0.3, 0.2, 0.1]]))
    k_then_p = decoding.pipeline_probabilities(logits, None, 1.0, [("top_k", 2), ("top_p", 0.5)])
    p_then_k = decoding.pipeline_probabilities(logits, None, 1.0, [("top_p", 0.5), ("top_k", 2)])
    assert (k_then_p > 0).sum() == 1
    assert (p_then_k > 0).sum() == 2


def test_processors_come_before_the_filters() -> None:
    with pytest.raises(ValueError, match="before the filters"):
        sampling.sampling_pipeline([1.0, 2.0], 1.0, [("top_k", 1), ("repetition_penalty", 1.2)], previous_ids=[0])
    with pytest.raises(ValueError, match="penalty"):
        sampling.repetition_penalty([1.0, 2.0], [0], 0.0)
    with pytest.raises(ValueError, match="previous_ids"):
        sampling.repetition_penalty([1.0, 2.0], [5], 1.2)
    with pytest.raises(ValueError, match="typical_p"):
        sampling.typical_filter([0.5, 0.5], 0.0)


def test_a_ban_of_every_token_is_lifted() -> None:
    stages = sampling.sampling_pipeline([1.0, 2.0], 1.0, [("no_repeat_ngram", 1)], previous_ids=[0, 1])
    np.testing.assert_allclose(stages[-1].probs, sampling.softmax([1.0, 2.0]))


def test_the_trace_reads_the_pipeline_of_each_step() -> None:
    logits = np.log([[0.6, 0.3, 0.1], [0.6, 0.3, 0.1], [0.6, 0.3, 0.1]])
    ids = [2, 0, 1, 0]  # context [2], then 0, 1, 0 drawn
    plain = sampling.trace_draws(logits, ids, 1.0)
    assert [(d.token, d.rank, d.model_rank, d.changed_by) for d in plain] == [
        (0, 1, 1, ""),
        (1, 2, 2, "the draw"),
        (0, 1, 1, ""),
    ]
    assert all(d.probability == pytest.approx(d.model_probability) for d in plain)
    banned = sampling.trace_draws(logits, ids, 1.0, [("no_repeat_ngram", 1)])  # every seen token is banned
    assert banned[1].changed_by == "no_repeat_ngram"  # 0 was seen: the ban removed the top token
    assert banned[1].probability == pytest.approx(1.0)
    assert banned[1].rank == 1


def test_generation_config_has_hugging_faces_keys_and_off_values() -> None:
    config = sampling.generation_config(
        0.7, [("repetition_penalty", 1.3), ("no_repeat_ngram", 3), ("top_p", 0.9), ("typical_p", 0.8)], 60
    )
    assert json.loads(json.dumps(config)) == {
        "do_sample": True,
        "temperature": 0.7,
        "top_k": 0,
        "top_p": 0.9,
        "min_p": None,
        "typical_p": 0.8,
        "repetition_penalty": 1.3,
        "no_repeat_ngram_size": 3,
        "max_new_tokens": 60,
    }
    greedy = sampling.generation_config(0.0)
    assert greedy == {"do_sample": False, "repetition_penalty": 1.0, "no_repeat_ngram_size": 0, "max_new_tokens": 20}
    assert sampling.in_hf_order([("top_k", 5), ("min_p", 0.1)])
    assert not sampling.in_hf_order([("min_p", 0.1), ("top_k", 5)])
    assert not sampling.in_hf_order([("top_k", 5)], temperature_last=True)
