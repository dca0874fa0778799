"""lib.transformer.generation: prompts, the sliding context window and seeded samples with their metrics."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lib.sampling import distinct_n, softmax
from lib.transformer import CharTokenizer, ModelConfig, TinyGPT
from lib.transformer.evaluation import token_log_probs
from lib.transformer.generation import context_window, encode_prompt, next_token_logits, sample_texts

TOKENIZER = CharTokenizer.from_text("abcdefgh \n")


@pytest.fixture(scope="module")
def model() -> TinyGPT:
    torch.manual_seed(0)
    config = ModelConfig(vocab_size=TOKENIZER.vocab_size, d_model=16, n_heads=2, n_layers=1, max_seq_len=32)
    return TinyGPT(config).eval()


def test_context_window_keeps_the_tail() -> None:
    assert context_window([1, 2, 3], 5) == [1, 2, 3]
    assert context_window(range(10), 3) == [7, 8, 9]
    with pytest.raises(ValueError, match="empty"):
        context_window([], 3)
    with pytest.raises(ValueError, match="room"):
        context_window([1], 0)


def test_encode_prompt_names_every_unknown_character() -> None:
    assert TOKENIZER.decode(encode_prompt(TOKENIZER, "bad cafe")) == "bad cafe"
    with pytest.raises(ValueError, match=r"2 characters .*: 'X', 'é';"):
        encode_prompt(TOKENIZER, "café aXe")
    with pytest.raises(ValueError, match="empty"):
        encode_prompt(TOKENIZER, "")


def test_next_token_logits_use_the_last_window(model: TinyGPT) -> None:
    ids = encode_prompt(TOKENIZER, "abcdefgh " * 10)  # 90 characters: more than the 32 the model sees
    logits = next_token_logits(model, ids)
    assert logits.shape == (TOKENIZER.vocab_size,)
    np.testing.assert_allclose(logits, next_token_logits(model, ids[-32:]))
    with torch.no_grad():
        direct = model(torch.tensor([ids[-32:]]))[0, -1].double().numpy()
    np.testing.assert_allclose(logits, direct)


def test_samples_are_seeded_and_measured(model: TinyGPT) -> None:
    one = sample_texts(model, TOKENIZER, "abc", temperature=1.0, n_samples=3, n_new=12, seed=5)
    again = sample_texts(model, TOKENIZER, "abc", temperature=1.0, n_samples=3, n_new=12, seed=5)
    assert one == again
    assert len(one.texts) == 3
    assert all(len(text) == 12 for text in one.texts)
    assert one.distinct_2 == pytest.approx(distinct_n(one.texts, 2))
    # The mean log-probability is that of the generated characters under the model at τ = 1.
    ids = torch.tensor([encode_prompt(TOKENIZER, "abc" + text) for text in one.texts])
    assert one.mean_log_prob == pytest.approx(float(token_log_probs(model, ids)[:, -12:].mean()), abs=1e-6)
    assert one.mean_log_prob < 0


def test_the_first_sample_keeps_its_logits_and_the_stages_apply(model: TinyGPT) -> None:
    s = sample_texts(model, TOKENIZER, "abab", temperature=0.0, n_samples=2, n_new=8, stages=[("no_repeat_ngram", 2)])
    assert TOKENIZER.decode(list(s.first_ids)) == "abab" + s.texts[0]
    assert s.first_logits.shape == (8, TOKENIZER.vocab_size)
    np.testing.assert_allclose(s.first_logits[0], next_token_logits(model, encode_prompt(TOKENIZER, "abab")), atol=1e-5)
    text = "abab" + s.texts[0]
    for i in range(4, len(text)):  # no generated character repeats a pair seen before it
        assert text[i - 1 : i + 1] not in {text[j : j + 2] for j in range(i - 1)}, (i, text)


def test_temperature_zero_is_greedy_and_identical_across_samples(model: TinyGPT) -> None:
    greedy = sample_texts(model, TOKENIZER, "ab", temperature=0.0, n_samples=4, n_new=6)
    assert len(set(greedy.texts)) == 1
    ids = encode_prompt(TOKENIZER, "ab")
    first = int(np.argmax(softmax(next_token_logits(model, ids), 0)))
    assert greedy.texts[0][0] == TOKENIZER.vocabulary[first]


def test_long_prompts_slide_and_bad_lengths_are_refused(model: TinyGPT) -> None:
    long = sample_texts(model, TOKENIZER, "abcdefgh" * 20, temperature=0.7, n_samples=1, n_new=20, seed=1)
    assert len(long.texts[0]) == 20
    with pytest.raises(ValueError, match="n_new"):
        sample_texts(model, TOKENIZER, "ab", temperature=1.0, n_samples=1, n_new=32)
    with pytest.raises(ValueError, match="n_samples"):
        sample_texts(model, TOKENIZER, "ab", temperature=1.0, n_samples=0, n_new=8)
