"""runtime.worker: torch calls in a process of their own give the in-process answers,
errors cross the process boundary with their type and message, a dead worker is replaced, and a
long run reports its progress back and stops when asked."""

from __future__ import annotations

import dataclasses
import os
import sys
import types

import numpy as np
import pytest
import torch

from lib.transformer import ModelConfig, TinyGPT
from lib.transformer import inspect as ti
from lib.transformer.checkpoint import save_checkpoint
from lib.transformer.generation import next_token_logits, sample_texts
from lib.transformer.tokenizer import CharTokenizer
from runtime.worker import ModelSource, TorchWorker, load_model, on_model, run_in_process, samples_at

VOCABULARY = "abcdefgh \n"
CONFIG = ModelConfig(vocab_size=len(VOCABULARY), d_model=16, n_heads=2, n_layers=1, max_seq_len=32)
WORKER_THREADS = 1  # both sides of a comparison run torch on this many threads

# Two processes compute the same float32 model, but nothing promises the same summation order (a
# process's thread count, or a different kernel picked at start-up, regroups every reduction), so
# their floats are compared with a tolerance, never bit for bit. Reordering a float32 sum of n terms
# changes it by at most about n·eps·Σ|x| (eps = 2^-24 ≈ 6e-8). CONFIG's longest reduction has n = 48
# (the SwiGLU hidden width; d_model = 16, attention over at most 13 positions): 48 · 6e-8 ≈ 3e-6 of Σ|x| per
# reduction, and about five run in series (qkv, scores and mixing, projection, FFN, head), so
# rtol = 1e-5; the logits are about 0.1 in size, so atol = 1e-6 covers logits whose terms nearly
# cancel. Seen on a fresh clone: 3e-8 (7 of 10 logits). A wrong model, weights or ids moves them ~1e-2.
RTOL, ATOL = 1e-5, 1e-6


@pytest.fixture(scope="module")
def worker():
    worker = TorchWorker(threads=WORKER_THREADS)
    yield worker
    worker.close()


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    torch.manual_seed(7)
    model = TinyGPT(CONFIG)
    path = tmp_path_factory.mktemp("worker") / "model.pt"
    save_checkpoint(path, model, CharTokenizer(VOCABULARY), {"val_loss": 1.0})
    return ModelSource(path=str(path), modified=path.stat().st_mtime)


def _exit_abruptly() -> None:
    os._exit(3)


def _count_to(n: int, *, callback) -> int:
    """Reports 1..n; returns how many reports were made before a stop request."""
    for i in range(1, n + 1):
        if callback(i) is False:
            return i
    return n


def _refuse(*, callback) -> None:
    raise ValueError("The text is too short to train on.")


def _crash(*, callback) -> None:
    os._exit(5)


def test_a_random_init_source_is_the_seeded_model() -> None:
    source = ModelSource(config=CONFIG, vocabulary=VOCABULARY, seed=3)
    torch.manual_seed(3)
    expected = TinyGPT(CONFIG)
    model, tokenizer = load_model(source)
    assert tokenizer.vocabulary == VOCABULARY
    for (name, ours), (_, theirs) in zip(model.state_dict().items(), expected.state_dict().items(), strict=True):
        assert torch.equal(ours, theirs), name


def test_a_source_names_exactly_one_model() -> None:
    with pytest.raises(ValueError, match="either a checkpoint path or a config"):
        ModelSource()
    with pytest.raises(ValueError, match="either a checkpoint path or a config"):
        ModelSource(path="x.pt", config=CONFIG)


def test_logits_in_the_worker_equal_the_logits_here(worker, checkpoint) -> None:
    ids = [1, 2, 3, 4, 5]
    model, _ = load_model(checkpoint)
    in_worker = worker.call(on_model, checkpoint, next_token_logits, ids)
    with ti.torch_threads(WORKER_THREADS):
        here = next_token_logits(model, ids)
    np.testing.assert_allclose(in_worker, here, rtol=RTOL, atol=ATOL)


def test_samples_in_the_worker_equal_the_samples_here(worker, checkpoint) -> None:
    kwargs = {"n_samples": 3, "n_new": 10, "seed": 4, "top_k": 5}
    model, tokenizer = load_model(checkpoint)
    in_worker = worker.call(samples_at, checkpoint, "abc", [0.0, 0.8, 2.0], **kwargs)
    assert [s.temperature for s in in_worker] == [0.0, 0.8, 2.0]
    for theirs in in_worker:
        with ti.torch_threads(WORKER_THREADS):
            ours = sample_texts(model, tokenizer, "abc", temperature=theirs.temperature, **kwargs)
        # The characters stay exact: the same seed draws the same random numbers, and a probability that
        # differs by ~1e-7 changes a draw only if its random number falls that close to a boundary between
        # two characters (about 30 draws · 1e-7); distinct-n and repetition rates are functions of them.
        assert dataclasses.replace(theirs, mean_log_prob=0.0) == dataclasses.replace(ours, mean_log_prob=0.0)
        assert theirs.mean_log_prob == pytest.approx(ours.mean_log_prob, rel=RTOL, abs=ATOL)  # a float32 mean


def test_a_value_error_in_the_worker_stays_a_value_error(worker, checkpoint) -> None:
    with pytest.raises(ValueError, match="vocabulary lacks"):
        worker.call(samples_at, checkpoint, "xyz", [1.0], n_samples=1, n_new=5)


def test_a_dead_worker_is_replaced_by_the_next_call() -> None:
    worker = TorchWorker(threads=1)
    try:
        with pytest.raises(RuntimeError, match="stopped unexpectedly"):
            worker.call(_exit_abruptly)
        assert worker.call(abs, -2) == 2
    finally:
        worker.close()


def test_threads_must_be_positive() -> None:
    with pytest.raises(ValueError, match="threads"):
        TorchWorker(threads=0)


def test_a_run_in_a_process_reports_every_progress_value_in_order() -> None:
    seen: list[int] = []
    assert run_in_process(_count_to, 5, report=seen.append) == 5
    assert seen == [1, 2, 3, 4, 5]


def test_a_run_in_a_process_stops_when_report_says_so() -> None:
    seen: list[int] = []

    def report(i: int) -> bool:
        seen.append(i)
        return i < 3

    # The stop reaches the child after a report or two more (they run concurrently), never the full count.
    done = run_in_process(_count_to, 10_000_000, report=report)
    assert 3 <= done < 10_000_000
    assert seen[:3] == [1, 2, 3]


def test_a_run_in_a_process_raises_its_errors_here() -> None:
    with pytest.raises(ValueError, match="too short to train on"):
        run_in_process(_refuse, report=lambda _: None)
    with pytest.raises(RuntimeError, match="exit code 5"):
        run_in_process(_crash, report=lambda _: None)


def test_a_worker_does_not_rerun_the_script_installed_as_main(tmp_path, monkeypatch) -> None:
    # Streamlit installs the running page as __main__; a spawned child would re-run that file first.
    marker = tmp_path / "ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit('the page ran in the worker')\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    worker = TorchWorker(threads=1)
    try:
        assert worker.call(abs, -4) == 4
    finally:
        worker.close()
    assert run_in_process(_count_to, 2, report=lambda _: None) == 2
    assert not marker.exists()
    assert sys.modules["__main__"] is page
