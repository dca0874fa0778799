"""The background trainer the MoE and MTP sections share: a Train button, live progress, a Stop button,
and the finished comparison (curves and per-variant results) for the section to show."""

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lib.transformer.inspect import efficient as te
from lib.viz import line_chart
from pages._common import chart, lib_call, queued_note, train_button, train_requested, training_failed
from runtime.jobs import QUEUED, STOPPED, Job, JobRunner
from runtime.worker import run_in_process

POLL_S = 1.0


@st.cache_resource(max_entries=1, show_spinner=False)
def job_runner() -> JobRunner:
    """One runner for the page on the whole server: one comparison at a time, four more may wait."""
    return JobRunner(max_workers=1, max_queued=4)


def curves_of(results: list[te.VariantResult]) -> pd.DataFrame:
    return pd.concat([r.curves for r in results], ignore_index=True)


def validation_chart(results: list[te.VariantResult], key: tuple, title: str) -> None:
    curves = curves_of(results)
    curves = curves[curves["curve"].str.startswith("validation")].assign(
        run=lambda f: f["variant"] + " · " + f["curve"]
    )
    chart(
        line_chart,
        curves,
        x="step",
        y="loss",
        color="run",
        x_title="training step",
        y_title="validation cross-entropy (nats/char)",
        cache_key=key,
        title=title,
    )


def trainer(
    key: tuple, variants: tuple[tuple[str, dict], ...], steps: int, *, button_key: str, label: str
) -> list[te.VariantResult] | None:
    """The Train button for ``variants`` (``steps`` each), the run's progress while it runs, and its
    results once it is done (None before)."""
    key = repr(key)  # the runner keys jobs by a hashable value; the variants hold dicts
    runner = job_runner()
    job = runner.get(key)
    snap = job.snapshot() if job is not None else None
    if snap is None or (not snap.active and snap.state != "done"):
        help_text = "Trains in a background process on the server; the page stays usable and shows progress."
        train_button(st, key=button_key, label=label, help=help_text)
        if snap is not None and snap.state == STOPPED:
            st.info("The last run was stopped before the end: train again to see the comparison.")
        elif snap is not None and snap.error:
            training_failed(st, snap.error)
    if train_requested(button_key):

        def work(report: Callable, variants=variants, steps=steps) -> list[te.VariantResult]:
            return run_in_process(te.compare_training, variants, report=report, threads=1, steps=steps)

        submitted = lib_call(runner.submit, key, work)
        if submitted is not None:
            job = submitted[0]
            snap = job.snapshot()
    if snap is not None and snap.active:
        progress_of(runner, job, button_key)
        return None
    return snap.result if snap is not None and snap.state == "done" else None


@st.fragment(run_every=POLL_S)
def progress_of(runner: JobRunner, job: Job, button_key: str) -> None:
    current = job.snapshot()
    if not current.active:
        st.rerun()
    if current.state == QUEUED:
        queued_note(runner, job)
    progress = current.progress
    if progress is not None:
        st.progress(
            progress.fraction,
            text=f"{progress.variant}: step {progress.step} / {progress.steps} · loss {progress.loss:.3f} · "
            f"{current.elapsed_s:.0f} s elapsed",
        )
    st.button(
        "Stop", key=f"{button_key}_stop", icon=":material/stop:", help="Stops at the next step.", on_click=job.stop
    )
