"""Torch work in a process of its own, so that the server's other threads cannot starve it.

Streamlit runs every session's script in a thread of one process. A small model makes thousands
of short torch calls; each releases Python's GIL and must take it back, and while other sessions
run Python code (building charts and tables) every take-back waits up to the interpreter's switch
interval (5 ms). Measured on the 2-core machine: 4 samples of 60 characters from the default model
took 0.11 s alone and 289 s beside two busy Python threads. In a process of its own the call keeps
its speed whatever the server's threads do.

- :class:`TorchWorker`: one long-lived worker process for short calls (next-character logits,
  samples, attention maps); ``worker.call(fn, *args)`` returns ``fn(*args)`` computed there.
  Models are loaded in the worker once per :class:`ModelSource` and kept (a few at most).
- :func:`run_in_process`: one fresh process for one long run (training, live timings), whose
  progress comes back to a ``report`` function here, and which stops when ``report`` returns ``False``.

Processes are spawned (not forked): a fork of a threaded server that has used torch can deadlock.
A spawned process first re-runs its parent's ``__main__`` file, and Streamlit installs the running
script as ``__main__``: a worker would run the whole dashboard. So processes start while
``__main__`` is a bare module (:func:`_bare_main`).

Example
-------
>>> worker = TorchWorker()
>>> worker.call(abs, -3)
3
>>> worker.close()
"""

from __future__ import annotations

import functools
import multiprocessing
import queue
import sys
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import torch

from lib.transformer.checkpoint import load_checkpoint
from lib.transformer.corpus import stdlib_corpus
from lib.transformer.generation import SampleSet, sample_texts
from lib.transformer.model import ModelConfig, TinyGPT
from lib.transformer.tokenizer import CharTokenizer
from runtime.errors import WorkerStoppedError

T = TypeVar("T")
_SPAWN = multiprocessing.get_context("spawn")
_STARTING = threading.Lock()


@contextmanager
def _bare_main() -> Iterator[None]:
    """Processes started in this block do not re-run the parent's ``__main__`` (a Streamlit script)."""
    with _STARTING:
        main, bare = sys.modules["__main__"], types.ModuleType("__main__")
        sys.modules["__main__"] = bare
        try:
            yield
        finally:
            if sys.modules.get("__main__") is bare:  # a script that started meanwhile keeps its own
                sys.modules["__main__"] = main


@dataclass(frozen=True)
class ModelSource:
    """How a worker process gets a model: a checkpoint file, or a seeded random initialisation.

    Checkpoint: ``path`` and its ``modified`` time (a retrained file is a new source).
    Random init: ``config`` with ``torch.manual_seed(seed)`` over the characters of ``vocabulary``.
    """

    device: str = "cpu"
    path: str | None = None
    modified: float = 0.0
    config: ModelConfig | None = None
    vocabulary: str = ""
    seed: int = 0

    def __post_init__(self) -> None:
        if (self.path is None) == (self.config is None):
            raise ValueError("A model source needs either a checkpoint path or a config, not both.")


@functools.lru_cache(maxsize=4)
def load_model(source: ModelSource) -> tuple[TinyGPT, CharTokenizer]:
    """The model and tokenizer of ``source``, built once per process (and per source)."""
    if source.path is not None:
        model, tokenizer, _ = load_checkpoint(Path(source.path), source.device)
        return model, tokenizer
    torch.manual_seed(source.seed)
    return TinyGPT(source.config).to(source.device).eval(), CharTokenizer(source.vocabulary)


def on_model(source: ModelSource, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``fn(model, *args, **kwargs)`` with the model of ``source`` (``fn`` must pickle: a module-level function)."""
    return fn(load_model(source)[0], *args, **kwargs)


@functools.lru_cache(maxsize=2)
def _stdlib_validation_ids(vocabulary: str, max_chars: int | None) -> torch.Tensor:
    """The standard library's validation text (as the default run split it), encoded over ``vocabulary``;
    characters outside it are dropped (the default run's tokenizer covers them all)."""
    known = set(vocabulary)
    text = "".join(c for c in stdlib_corpus(max_chars=max_chars).validation if c in known)
    return torch.tensor(CharTokenizer(vocabulary).encode(text))


def on_stdlib_validation(
    source: ModelSource, fn: Callable[..., T], /, *args: Any, max_chars: int | None = None, **kwargs: Any
) -> T:
    """``fn(model, validation_ids, *args, **kwargs)``: the model of ``source`` and the standard library's
    validation text it was evaluated on while training, encoded (read once per process: it takes seconds)."""
    model, tokenizer = load_model(source)
    return fn(model, _stdlib_validation_ids(tokenizer.vocabulary, max_chars), *args, **kwargs)


def samples_at(source: ModelSource, prompt: str, temperatures: Sequence[float], **kwargs: Any) -> list[SampleSet]:
    """:func:`lib.transformer.generation.sample_texts` of the model of ``source`` at each of ``temperatures``.

    One call for them all: on a shared server the worker's queue is waited on once, not once per temperature.
    """
    model, tokenizer = load_model(source)
    return [sample_texts(model, tokenizer, prompt, temperature=t, **kwargs) for t in temperatures]


def _set_threads(threads: int | None) -> None:
    if threads is not None:
        torch.set_num_threads(int(threads))


class TorchWorker:
    """One worker process that runs calls one at a time (``threads`` torch threads; None: torch's default).

    The process starts on the first call (importing torch takes a few seconds) or on :meth:`start`.
    If it dies, the call that saw it raises :class:`~runtime.errors.WorkerStoppedError` (a ``RuntimeError``)
    and the next call starts a fresh one.
    """

    def __init__(self, threads: int | None = 1) -> None:
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}.")
        self.threads = threads
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=_SPAWN, initializer=_set_threads, initargs=(self.threads,)
                )
            return self._pool

    def start(self) -> None:
        """Start the process now, without waiting for it (the first call then finds it ready)."""
        with _bare_main():
            self._executor().submit(int)

    def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` run in the worker (``fn`` and its arguments must pickle).

        Exceptions raised by ``fn`` are raised here unchanged (a ``ValueError`` stays one).
        """
        pool = self._executor()
        try:
            with _bare_main():  # a submit may start the process
                future = pool.submit(fn, *args, **kwargs)
            return future.result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None  # the next call starts a fresh process
            raise WorkerStoppedError("The model worker process stopped unexpectedly; try again.") from None

    def close(self) -> None:
        """Stop the process (a running call finishes first)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _run_child(fn, args, kwargs, threads, messages, stop) -> None:
    """In the child: run ``fn``, passing each progress value back, and send its result or error."""
    _set_threads(threads)

    def callback(progress: Any) -> bool:
        messages.put(("progress", progress))
        return not stop.is_set()

    try:
        result = fn(*args, callback=callback, **kwargs)
    except ValueError as err:
        messages.put(("value_error", str(err)))
    except Exception as err:  # any other failure reaches the parent as one sentence
        messages.put(("error", f"{type(err).__name__}: {err}"))
    else:
        messages.put(("result", result))


def run_in_process(
    fn: Callable[..., T],
    /,
    *args: Any,
    report: Callable[[Any], bool | None],
    threads: int | None = None,
    poll_s: float = 0.5,
    **kwargs: Any,
) -> T:
    """``fn(*args, callback=..., **kwargs)`` in a fresh process; its result, back here.

    Every value the child passes to ``callback`` is handed to ``report`` in this process; when
    ``report`` returns ``False``, the child's next ``callback`` returns ``False`` (stop early, as
    :func:`lib.transformer.train.train` does). A ``ValueError`` in the child is raised here as a
    ``ValueError`` with its message; any other failure as ``RuntimeError``, a child that dies as
    :class:`~runtime.errors.WorkerStoppedError`.
    """
    messages = _SPAWN.Queue()
    stop = _SPAWN.Event()
    child = _SPAWN.Process(target=_run_child, args=(fn, args, kwargs, threads, messages, stop), daemon=True)
    with _bare_main():
        child.start()
    try:
        while True:
            try:
                kind, payload = messages.get(timeout=poll_s)
            except queue.Empty:
                if not child.is_alive():
                    stopped = f"The worker process stopped unexpectedly (exit code {child.exitcode})."
                    raise WorkerStoppedError(stopped) from None
                continue
            if kind == "progress":
                if report(payload) is False:
                    stop.set()
            elif kind == "result":
                return payload
            else:
                raise (ValueError if kind == "value_error" else RuntimeError)(payload)
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
            child.join()
