"""The stdlib corpus, evaluation helpers and checkpoints of the tiny GPT."""

from __future__ import annotations

import itertools
import math

import pytest
import torch

from lib.transformer import CharTokenizer, ModelConfig, TinyGPT, train
from lib.transformer import inspect as ti
from lib.transformer.checkpoint import CheckpointInfo, load_checkpoint, read_checkpoint_info, save_checkpoint
from lib.transformer.corpus import ascii_text, stdlib_corpus
from lib.transformer.evaluation import bits, evaluate, token_log_probs, unigram_loss
from lib.transformer.pretrained import DEFAULT_SETTINGS, STDLIB_CORPUS, TrainingSettings, corpus_id, train_model
from lib.transformer.train import learning_rate
from runtime.model_cache import cache_dir, checkpoint_path, trained_checkpoint


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
    with torch.no_grad():
        logits = model(ids[:, :-1])
    reference = -torch.nn.functional.cross_entropy(logits.reshape(-1, 11), ids[:, 1:].reshape(-1))
    assert float(logp.mean()) == pytest.approx(float(reference), rel=1e-5)


INFO_CONFIGS = [
    {},
    {"ffn": "gelu", "norm": "layer", "norm_placement": "post", "positional": "learned"},
    {"positional": "sinusoidal", "attention": "linear", "n_layers": 3, "d_ff": 40},
    {"positional": "none", "causal": False, "n_heads": 4},
]


@pytest.mark.parametrize("switches", INFO_CONFIGS, ids=lambda s: "-".join(map(str, s.values())) or "defaults")
def test_checkpoint_info_is_read_without_building_the_model(tmp_path, monkeypatch, switches: dict) -> None:
    tok = CharTokenizer.from_text("hello, world")
    config = ModelConfig(vocab_size=tok.vocab_size, **{"d_model": 16, "n_heads": 2, "n_layers": 2, **switches})
    model = TinyGPT(config)
    save_checkpoint(tmp_path / "model.pt", model, tok, {"val_loss": 1.25, "steps": 3.0})
    loaded, loaded_tok, metrics = load_checkpoint(tmp_path / "model.pt", "cpu")

    def no_model(*args, **kwargs):
        raise AssertionError("read_checkpoint_info built a TinyGPT")

    monkeypatch.setattr(TinyGPT, "__init__", no_model)
    info = read_checkpoint_info(tmp_path / "model.pt")
    assert info == CheckpointInfo(config, tok, {"val_loss": 1.25, "steps": 3.0}, model.n_parameters())
    assert (info.config, info.tokenizer, info.metrics) == (loaded.config, loaded_tok, metrics)
    assert info.n_parameters == loaded.n_parameters() == ti.n_parameters(config)


def test_checkpoint_info_of_a_file_that_is_no_checkpoint(tmp_path) -> None:
    (tmp_path / "junk.pt").write_bytes(b"not a torch file")
    with pytest.raises(ValueError, match=r"junk\.pt is not a Garden Lab checkpoint"):
        read_checkpoint_info(tmp_path / "junk.pt")
    torch.save({"weights": torch.zeros(2)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="it needs config, vocabulary, state_dict, metrics"):
        read_checkpoint_info(tmp_path / "other.pt")
    model = TinyGPT(ModelConfig(vocab_size=3, d_model=8, n_heads=2, n_layers=1))
    save_checkpoint(tmp_path / "odd.pt", model, CharTokenizer("abcd"), {})
    with pytest.raises(ValueError, match="the vocabulary has 4 characters, the config 3"):
        read_checkpoint_info(tmp_path / "odd.pt")


def test_checkpoint_round_trip(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GARDEN_LAB_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path
    tok = CharTokenizer.from_text("hello world")
    config = ModelConfig(vocab_size=tok.vocab_size, d_model=16, n_heads=2, n_layers=1, max_seq_len=16)
    model = TinyGPT(config)
    save_checkpoint(tmp_path / "model.pt", model, tok, {"val_loss": 1.5})
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]  # the temporary file was renamed
    loaded, loaded_tok, metrics = load_checkpoint(tmp_path / "model.pt", "cpu")
    assert loaded_tok == tok
    assert metrics == {"val_loss": 1.5}
    ids = torch.tensor([tok.encode("hello")])
    torch.testing.assert_close(loaded(ids), model.eval()(ids))


def test_learning_rate_warms_up_then_decays_to_a_tenth() -> None:
    rates = [learning_rate(step, 100, 1.0, warmup_steps=10) for step in range(1, 101)]
    assert rates[:10] == pytest.approx([step / 10 for step in range(1, 11)])
    assert all(a >= b for a, b in itertools.pairwise(rates[9:]))
    assert rates[-1] == pytest.approx(0.1)
    assert learning_rate(5, 10, 2.0) == pytest.approx(2.0 * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi / 2))))


TINY = TrainingSettings(
    d_model=32,
    n_heads=2,
    n_layers=1,
    max_seq_len=32,
    batch_size=16,
    steps=120,
    lr=1e-2,
    warmup_steps=10,
    eval_every=40,
    eval_batches=2,
)


def test_train_model_learns_held_out_code_and_saves_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GARDEN_LAB_CACHE", str(tmp_path))
    corpus = stdlib_corpus(max_chars=40_000)
    assert trained_checkpoint(TINY) is None
    seen = []
    result = train_model(
        corpus.train, corpus.validation, TINY, device="cpu", callback=seen.append, save_to=checkpoint_path(TINY)
    )
    assert [p.step for p in seen] == list(range(1, 121))
    assert [p.step for p in seen if p.val_loss is not None] == [40, 80, 120] == list(result.val_steps)
    assert result.val_losses[-1] < result.val_losses[0] < math.log(result.tokenizer.vocab_size)
    assert result.val_losses[-1] < result.unigram_val_loss
    assert not result.stopped_early
    assert trained_checkpoint(TINY) == checkpoint_path(TINY)
    model, tok, metrics = load_checkpoint(trained_checkpoint(TINY), "cpu")
    assert tok == result.tokenizer
    assert metrics["val_loss"] == pytest.approx(result.val_losses[-1])
    assert model.config == TINY.model_config(tok.vocab_size)


def test_stopping_early_still_measures_the_model() -> None:
    corpus = stdlib_corpus(max_chars=20_000)
    result = train_model(corpus.train, corpus.validation, TINY, device="cpu", callback=lambda p: p.step < 7)
    assert result.stopped_early
    assert len(result.train_losses) == 7
    assert result.val_steps == (7,)


def test_checkpoint_names_follow_settings_and_corpus(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GARDEN_LAB_CACHE", str(tmp_path))
    names = {
        checkpoint_path(),
        checkpoint_path(TINY),
        checkpoint_path(corpus=corpus_id("some uploaded text")),
        checkpoint_path(corpus=corpus_id("other uploaded text")),
    }
    assert len(names) == 4
    assert checkpoint_path() == checkpoint_path(DEFAULT_SETTINGS, STDLIB_CORPUS)
    assert all(path.parent == tmp_path for path in names)


@pytest.mark.parametrize("change", [{"steps": 0}, {"lr": 0.0}, {"lr": 2.0}, {"d_model": -4}])
def test_bad_training_settings_are_refused(change) -> None:
    with pytest.raises(ValueError, match="must"):
        TrainingSettings(**change)
    with pytest.raises(ValueError, match="at least"):
        train_model("short", "text", TINY)
