"""The stdlib corpus, evaluation helpers and checkpoints of the tiny GPT."""

from __future__ import annotations

import math

import pytest
import torch

from lib.transformer import CharTokenizer, ModelConfig, TinyGPT, train
from lib.transformer.checkpoint import cache_dir, checkpoint_name, load_checkpoint, save_checkpoint
from lib.transformer.corpus import ascii_text, stdlib_corpus
from lib.transformer.evaluation import bits, evaluate, token_log_probs, unigram_loss


def test_stdlib_corpus_holds_out_whole_files() -> None:
    corpus = stdlib_corpus(max_chars=50_000)
    assert len(corpus.train) == 50_000
    assert len(corpus.validation) >= 5_000
    assert not set(corpus.train_files) & set(corpus.validation_files)
    assert "def " in corpus.train
    assert set(corpus.train + corpus.validation) <= set(ascii_text(corpus.train + corpus.validation))
    assert ascii_text("naïve\tx\n") == "na?ve\tx\n"


def test_unigram_baseline_is_the_entropy_of_the_frequencies() -> None:
    # With many tokens the smoothed unigram loss approaches the entropy of the letter frequencies.
    ids = [0] * 5000 + [1] * 3000 + [2] * 2000
    expected = -(0.5 * math.log(0.5) + 0.3 * math.log(0.3) + 0.2 * math.log(0.2))
    assert unigram_loss(ids, ids, 3) == pytest.approx(expected, rel=1e-3)
    assert bits(math.log(2)) == pytest.approx(1.0)


def test_training_beats_the_unigram_baseline_on_held_out_code() -> None:
    torch.manual_seed(0)
    corpus = stdlib_corpus(max_chars=40_000)
    tok = CharTokenizer.from_text(corpus.train + corpus.validation)
    model = TinyGPT(ModelConfig(vocab_size=tok.vocab_size, d_model=32, n_heads=2, n_layers=1, max_seq_len=32))
    train(model, tok.encode(corpus.train), steps=150, batch_size=16, lr=1e-2, seed=0)
    val_ids = tok.encode(corpus.validation)
    assert evaluate(model, val_ids, batches=4) < unigram_loss(tok.encode(corpus.train), val_ids, tok.vocab_size)


def test_token_log_probs_are_the_model_cross_entropy() -> None:
    model = TinyGPT(ModelConfig(vocab_size=11, d_model=16, n_heads=2, n_layers=1, max_seq_len=16))
    ids = torch.randint(0, 11, (3, 16))
    logp = token_log_probs(model, ids)
    assert logp.shape == (3, 15)
    logits = model(ids[:, :-1])
    reference = -torch.nn.functional.cross_entropy(logits.reshape(-1, 11), ids[:, 1:].reshape(-1))
    assert float(logp.mean()) == pytest.approx(float(reference), rel=1e-5)


def test_checkpoint_round_trip(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GARDEN_LAB_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path
    tok = CharTokenizer.from_text("hello world")
    config = ModelConfig(vocab_size=tok.vocab_size, d_model=16, n_heads=2, n_layers=1, max_seq_len=16)
    model = TinyGPT(config)
    name = checkpoint_name(config, steps=10, corpus="x")
    assert name != checkpoint_name(config, steps=11, corpus="x")
    save_checkpoint(tmp_path / name, model, tok, {"val_loss": 1.5})
    loaded, loaded_tok, metrics = load_checkpoint(tmp_path / name, "cpu")
    assert loaded_tok == tok
    assert metrics == {"val_loss": 1.5}
    ids = torch.tensor([tok.encode("hello")])
    torch.testing.assert_close(loaded(ids), model.eval()(ids))
