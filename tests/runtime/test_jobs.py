"""Background jobs (runtime.jobs), the model cache (runtime.model_cache), the page's training helpers
in lib.transformer.pretrained and the saving training run (runtime.training)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lib.transformer.checkpoint import load_checkpoint
from lib.transformer.corpus import stdlib_corpus
from lib.transformer.pretrained import (
    STDLIB_CORPUS,
    TINY_CORPUS_CHARS,
    TINY_SETTINGS,
    TrainingSettings,
    split_text,
    stdlib_corpus_name,
)
from runtime.jobs import DONE, FAILED, QUEUED, RUNNING, STOPPED, JobRunner
from runtime.model_cache import checkpoint_path, trained_checkpoint
from runtime.training import train_and_save

ROOT = Path(__file__).resolve().parents[2]
WAIT = 30  # seconds; a job that takes longer is a failure, not a slow machine


class Gate:
    """Work that reports 0, 1, 2, … and blocks after each report until the test lets it go on."""

    def __init__(self, steps: int = 3) -> None:
        self.steps = steps
        self.go = threading.Semaphore(0)
        self.reported = threading.Semaphore(0)

    def __call__(self, report):
        for i in range(self.steps):
            keep_going = report(i)
            self.reported.release()
            if not keep_going:
                return f"stopped after {i}"
            self.go.acquire(timeout=WAIT)
        return "finished"

    def wait_report(self) -> None:
        assert self.reported.acquire(timeout=WAIT)


@pytest.fixture
def runner():
    runner = JobRunner(max_workers=1, max_queued=2)
    yield runner
    runner.shutdown()


def test_a_job_runs_and_records_its_progress(runner) -> None:
    gate = Gate(3)
    job, joined = runner.submit("a", gate)
    assert not joined
    gate.wait_report()
    snap = job.snapshot()
    assert snap.state == RUNNING
    assert snap.progress == 0
    assert snap.active
    for _ in range(2):
        gate.go.release()
        gate.wait_report()
    gate.go.release()
    done = job.wait(WAIT)
    assert done.state == DONE
    assert done.result == "finished"
    assert done.history == (0, 1, 2)
    assert done.error is None
    assert done.finished_at >= done.started_at >= done.submitted_at
    assert not done.active


def test_stop_ends_the_work_at_its_next_report(runner) -> None:
    gate = Gate(10)
    job, _ = runner.submit("a", gate)
    gate.wait_report()
    job.stop()
    gate.go.release()
    gate.wait_report()  # the report after the stop returned False
    done = job.wait(WAIT)
    assert done.state == STOPPED
    assert done.result == "stopped after 1"
    assert done.history == (0, 1)


def test_the_same_key_joins_the_running_job(runner) -> None:
    gate = Gate(2)
    first, joined_first = runner.submit("same", gate)
    second, joined_second = runner.submit("same", lambda report: "never runs")
    assert second is first
    assert (joined_first, joined_second) == (False, True)
    gate.wait_report()
    gate.go.release()
    gate.wait_report()
    gate.go.release()
    assert first.wait(WAIT).result == "finished"
    # Once finished, the same key starts a fresh job.
    again, joined = runner.submit("same", lambda report: "again")
    assert again is not first
    assert not joined
    assert again.wait(WAIT).result == "again"


def test_other_keys_queue_behind_one_worker_and_the_queue_is_bounded(runner) -> None:
    gate = Gate(1)
    running, _ = runner.submit("first", gate)
    gate.wait_report()
    second, _ = runner.submit("second", lambda report: "second")
    third, _ = runner.submit("third", lambda report: "third")
    assert second.snapshot().state == QUEUED
    assert runner.position("second") == 1
    assert runner.position("third") == 2
    assert runner.position("first") == 0
    with pytest.raises(ValueError, match="queue is full"):
        runner.submit("fourth", lambda report: "fourth")
    third.stop()  # a queued job is dropped before it starts
    assert third.wait(WAIT).state == STOPPED
    assert third.snapshot().started_at is None
    gate.go.release()
    assert running.wait(WAIT).state == DONE
    assert second.wait(WAIT).result == "second"
    assert [job.key for job in runner.jobs()] == ["first", "second", "third"]


def test_an_error_is_captured_and_the_worker_survives(runner) -> None:
    def broken(report):
        report("step 1")
        raise ValueError("The corpus is too short.")

    def crashing(report):
        return 1 / 0

    failed = runner.submit("broken", broken)[0].wait(WAIT)
    assert failed.state == FAILED
    assert failed.error == "The corpus is too short."
    assert failed.history == ("step 1",)
    assert runner.submit("crash", crashing)[0].wait(WAIT).error == "ZeroDivisionError: division by zero"
    assert runner.submit("after", lambda report: "ok")[0].wait(WAIT).state == DONE


def test_finished_jobs_are_forgotten_beyond_the_limit() -> None:
    runner = JobRunner(max_workers=1, keep_finished=2)
    try:
        for key in range(5):
            runner.submit(key, lambda report: None)[0].wait(WAIT)
        runner.submit("last", lambda report: None)[0].wait(WAIT)
        assert len(runner.jobs()) <= 3
        assert runner.get("last") is not None
        assert runner.get(0) is None
    finally:
        runner.shutdown()


def test_bad_runner_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="max_workers"):
        JobRunner(max_workers=0)


def test_split_text_is_by_position() -> None:
    text = "".join(chr(65 + i % 26) for i in range(10_000))
    train, val = split_text(text)
    assert train + val == text
    assert len(val) == 1_000
    with pytest.raises(ValueError, match="at least 5,000"):
        split_text("too short")
    with pytest.raises(ValueError, match="validation_fraction"):
        split_text(text, validation_fraction=1.0)


def test_corpus_names_keep_the_default_checkpoint_name(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GARDEN_LAB_CACHE", str(tmp_path))
    assert stdlib_corpus_name() == STDLIB_CORPUS
    assert checkpoint_path(TINY_SETTINGS, stdlib_corpus_name(TINY_CORPUS_CHARS)) != checkpoint_path(TINY_SETTINGS)


def test_train_and_save_saves_only_whole_runs(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GARDEN_LAB_CACHE", str(tmp_path))
    settings = TrainingSettings(d_model=16, n_heads=2, n_layers=1, max_seq_len=32, batch_size=4, steps=6, eval_every=3)
    corpus = stdlib_corpus(max_chars=20_000)
    path = checkpoint_path(settings, "test")
    stop_at_2 = lambda p: p.step < 2  # noqa: E731
    stopped = train_and_save(corpus.train, corpus.validation, settings, path, device="cpu", callback=stop_at_2)
    assert stopped["steps"] == 2
    assert trained_checkpoint(settings, "test") is None
    whole = train_and_save(corpus.train, corpus.validation, settings, path, device="cpu")
    assert whole["steps"] == settings.steps
    assert trained_checkpoint(settings, "test") == path
    _, _, metrics = load_checkpoint(path, "cpu")
    assert metrics == pytest.approx(whole)


def test_the_interpreter_exits_while_a_job_runs(tmp_path) -> None:
    # Work that only ends when asked to stop: without the exit hook the process would never end.
    script = tmp_path / "exit.py"
    script.write_text(
        "import time\n"
        "from runtime.jobs import JobRunner\n"
        "runner = JobRunner()\n"
        "def work(report):\n"
        "    while report('tick'):\n"
        "        time.sleep(0.05)\n"
        "    return 'stopped'\n"
        "job, _ = runner.submit('forever', work)\n"
        "while job.snapshot().progress is None:\n"
        "    time.sleep(0.05)\n"
        "print(job.snapshot().state)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "running"
