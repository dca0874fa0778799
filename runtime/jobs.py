"""Long work (training a model) in the background: one bounded runner per server, jobs joined by key.

A page must never block while a model trains, and a team server must not train the same model
twice or ten models at once. :class:`JobRunner` runs jobs on a small thread pool (one worker by
default, so at most one training run at a time); submitting a key that is already queued or
running joins that job instead of starting another; other keys wait in a bounded queue.

A job's work is a plain function ``work(report)``: it calls ``report(progress)`` as often as it
likes (after every training step) and stops early when ``report`` returns ``False`` (the stop
button). The runner records the latest progress, the whole progress history, the result or the
error, and hands out consistent :class:`JobSnapshot` copies that any thread may read.

Example
-------
>>> runner = JobRunner(max_workers=1)
>>> job, joined = runner.submit("double", lambda report: [report(i) for i in range(3)] and 42)
>>> job.wait(5).result, joined
(42, False)
>>> runner.shutdown()
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from runtime.errors import WorkerStoppedError

QUEUED, RUNNING, DONE, STOPPED, FAILED = "queued", "running", "done", "stopped", "failed"
ACTIVE_STATES = (QUEUED, RUNNING)

Work = Callable[[Callable[[Any], bool]], Any]


@dataclass(frozen=True)
class JobSnapshot:
    """A consistent copy of a job's state at one moment.

    state : "queued", "running", "done", "stopped" (stop requested, the work returned) or "failed";
    progress : the last value reported (None before the first); history : every value reported;
    result : what the work returned (done or stopped); error : one sentence when failed;
    submitted_at, started_at, finished_at : ``time.monotonic()`` stamps (None until reached).
    """

    key: Hashable
    state: str
    progress: Any
    history: tuple[Any, ...]
    result: Any
    error: str | None
    submitted_at: float
    started_at: float | None
    finished_at: float | None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def elapsed_s(self) -> float:
        """Seconds since the job started (0 while queued), up to when it finished."""
        if self.started_at is None:
            return 0.0
        return (self.finished_at or time.monotonic()) - self.started_at


class Job:
    """One piece of background work; created by :meth:`JobRunner.submit`, never directly."""

    def __init__(self, key: Hashable, work: Work) -> None:
        self.key = key
        self._work = work
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._finished = threading.Event()
        self._state = QUEUED
        self._progress: Any = None
        self._history: list[Any] = []
        self._result: Any = None
        self._error: str | None = None
        self._submitted_at = time.monotonic()
        self._started_at: float | None = None
        self._finished_at: float | None = None
        self._future: Future | None = None

    # -- called by the worker thread -------------------------------------------------------------
    def _report(self, progress: Any) -> bool:
        with self._lock:
            self._progress = progress
            self._history.append(progress)
        return not self._stop.is_set()

    def _run(self) -> None:
        with self._lock:
            if self._state != QUEUED:  # stopped while it waited
                return
            if self._stop.is_set():  # stop arrived as the worker picked it up
                self._state = STOPPED
                self._finished_at = time.monotonic()
                self._finished.set()
                return
            self._state = RUNNING
            self._started_at = time.monotonic()
        try:
            result = self._work(self._report)
        except Exception as err:  # the page shows the error; the worker thread must survive
            # A bad input or a killed process already reads as a sentence; anything else is named by its type.
            plain = isinstance(err, ValueError | WorkerStoppedError)
            self._finish(FAILED, error=str(err) if plain else f"{type(err).__name__}: {err}")
        else:
            self._finish(STOPPED if self._stop.is_set() else DONE, result=result)

    def _finish(self, state: str, *, result: Any = None, error: str | None = None) -> None:
        with self._lock:
            self._state, self._result, self._error = state, result, error
            self._finished_at = time.monotonic()
        self._finished.set()

    # -- called by anyone ------------------------------------------------------------------------
    def stop(self) -> None:
        """Ask the work to stop at its next report; a queued job is dropped before it starts."""
        self._stop.set()
        with self._lock:
            queued = self._state == QUEUED
        if queued and (self._future is None or self._future.cancel()):
            self._finish(STOPPED)

    def snapshot(self) -> JobSnapshot:
        with self._lock:
            return JobSnapshot(
                key=self.key,
                state=self._state,
                progress=self._progress,
                history=tuple(self._history),
                result=self._result,
                error=self._error,
                submitted_at=self._submitted_at,
                started_at=self._started_at,
                finished_at=self._finished_at,
            )

    def wait(self, timeout: float | None = None) -> JobSnapshot:
        """Block until the job has finished (or ``timeout`` seconds passed) and return a snapshot."""
        self._finished.wait(timeout)
        return self.snapshot()


class JobRunner:
    """A server-wide runner: ``max_workers`` jobs at once, at most ``max_queued`` waiting.

    Jobs are kept by key; finished ones are forgotten oldest first beyond ``keep_finished``.
    """

    def __init__(self, max_workers: int = 1, max_queued: int = 4, keep_finished: int = 16) -> None:
        if max_workers < 1 or max_queued < 0 or keep_finished < 0:
            raise ValueError("max_workers must be at least 1, max_queued and keep_finished at least 0.")
        self.max_workers = max_workers
        self.max_queued = max_queued
        self.keep_finished = keep_finished
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="garden-job")
        self._lock = threading.Lock()
        self._jobs: dict[Hashable, Job] = {}
        # At interpreter exit the executor waits for its running job: ask every job to stop first, so
        # stopping the server does not wait minutes for a training run. Hooks run last-registered first.
        register = getattr(threading, "_register_atexit", None)
        if register is not None:
            runner = weakref.ref(self)
            register(lambda: (r := runner()) is not None and r.stop_all())

    def submit(self, key: Hashable, work: Work) -> tuple[Job, bool]:
        """Start (or queue) ``work`` under ``key``; if a job with that key is queued or running,
        return it instead. Returns ``(job, joined)``; raises ``ValueError`` when the queue is full."""
        with self._lock:
            current = self._jobs.get(key)
            if current is not None and current.snapshot().active:
                return current, True
            waiting = sum(1 for job in self._jobs.values() if job.snapshot().state == QUEUED)
            running = sum(1 for job in self._jobs.values() if job.snapshot().state == RUNNING)
            if running >= self.max_workers and waiting >= self.max_queued:
                raise ValueError(
                    f"The training queue is full ({waiting} runs waiting); try again when one has finished."
                )
            job = Job(key, work)
            self._jobs.pop(key, None)  # a finished job of the same key is replaced
            self._jobs[key] = job
            job._future = self._executor.submit(job._run)
            self._forget_old()
            return job, False

    def get(self, key: Hashable) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def jobs(self) -> list[Job]:
        """Every job the runner remembers, oldest submission first."""
        with self._lock:
            return list(self._jobs.values())

    def position(self, key: Hashable) -> int:
        """How many jobs must finish before the queued job ``key`` starts (0 if it is about to start,
        running or unknown)."""
        with self._lock:
            job = self._jobs.get(key)
            if job is None or job.snapshot().state != QUEUED:
                return 0
            ahead = 0
            for other in self._jobs.values():
                if other is job:
                    break
                ahead += other.snapshot().active
            return max(ahead - self.max_workers + 1, 0)

    def stop_all(self) -> None:
        """Ask every job to stop (queued ones never start)."""
        for job in self.jobs():
            job.stop()

    def shutdown(self, wait: bool = True) -> None:
        """Stop every job and the worker threads."""
        self.stop_all()
        self._executor.shutdown(wait=wait, cancel_futures=True)

    def _forget_old(self) -> None:
        finished = [key for key, job in self._jobs.items() if not job.snapshot().active]
        for key in finished[: max(len(finished) - self.keep_finished, 0)]:
            del self._jobs[key]
