"""The page's training runs: a Train button submits them to the server, the section shows their progress.

A training run takes seconds (the initialisation section's three MLPs at depth 30 and 100 steps take about 4 s
alone on one core), and the server's one "long" torch worker runs one call at a time: with a training run on
every slider move, 20 users queued behind each other's runs. So a slider only changes the settings; **Train**
submits the run to a :class:`runtime.jobs.JobRunner` (one per server, for this page); the section shows its
progress while it runs and its result once it is done. A configuration trained before, by anyone on this server,
shows at once: the runner keeps the last finished jobs by key.
"""

from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

from pages._common import lib_call, queued_note, train_button, train_requested, training_failed
from runtime.jobs import DONE, FAILED, QUEUED, Job, JobRunner

POLL_S = 0.5


@st.cache_resource(max_entries=1, show_spinner=False)
def job_runner() -> JobRunner:
    """The page's runner on this server: one run at a time (the "long" worker runs one call at a time anyway),
    16 more may wait, and the results of the last 64 runs are kept."""
    return JobRunner(max_workers=1, max_queued=16, keep_finished=64)


def run_calls(calls: list[Callable[[], Any]], report: Callable[[tuple[int, int]], bool]) -> list[Any]:
    """Each call in turn (one training run each), reporting (runs done, runs in all) before each and at the end."""
    results = []
    for done, call in enumerate(calls):
        report((done, len(calls)))
        results.append(call())
    report((len(calls), len(calls)))
    return results


def trained(key: Hashable, calls: list[Callable[[], Any]], *, button_key: str, settings: str) -> list[Any] | None:
    """What ``calls`` return, if this server has trained the configuration ``key``; else None, after drawing
    the Train button (and why the last run failed) or the progress of the run under way.

    ``settings`` names the configuration in the sentence shown before it is trained: a slider move changes it.
    """
    asked = train_requested(button_key)
    runner = job_runner()
    job = runner.get(key)
    snap = job.snapshot() if job is not None else None
    if snap is not None and snap.state == DONE:
        return snap.result
    if asked and (snap is None or not snap.active):
        submitted = lib_call(runner.submit, key, lambda report: run_calls(calls, report))
        job = None if submitted is None else submitted[0]
        snap = None if job is None else job.snapshot()
    if snap is not None and snap.active:
        training_progress(runner, job)
        return None
    train_col, text_col = st.columns([1, 5])
    help_text = (
        "Trains in the background on the server; the result shows here when it is done, and stays for "
        "everyone who asks for the same settings."
    )
    train_button(train_col, key=button_key, help=help_text)
    if snap is not None and snap.state == FAILED:
        training_failed(text_col, snap.error)
    else:
        text_col.info(f"Not trained yet: {settings}. Press **Train** to run it.", icon=":material/model_training:")
    return None


@st.fragment(run_every=POLL_S)
def training_progress(runner: JobRunner, job: Job) -> None:
    """The run's progress, redrawn every POLL_S seconds while it runs; the page reruns when it is done."""
    snap = job.snapshot()
    if not snap.active:
        st.rerun()  # done or failed: the whole page reruns and the section shows the result
    if snap.state == QUEUED:
        queued_note(runner, job)
        return
    done, total = snap.progress or (0, 1)
    st.progress(done / total, text=f"Training in the background: {done} of {total} runs done, {snap.elapsed_s:.0f} s")
