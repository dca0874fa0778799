"""The background trainer the MoE and MTP sections share: a Train button, live progress, a Stop button,
and the finished comparison (curves and per-variant results) for the section to show."""

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lib.transformer.inspect import efficient as te
from lib.viz import line_chart
from pages._common import chart, lib_call, plain
from runtime.jobs import QUEUED, STOPPED, JobRunner
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
        st.button(
            label,
            key=button_key,
            type="primary",
            icon=":material/model_training:",
            help="Trains in a background process on the server; the page stays usable and shows progress.",
            on_click=lambda: st.session_state.update({f"{button_key}_requested": True}),
        )
        if snap is not None and snap.state == STOPPED:
            st.info("The last run was stopped before the end: train again to see the comparison.")
        elif snap is not None and snap.error:
            st.error(plain(f"Training failed: {snap.error}"), icon=":material/error:")
    if st.session_state.pop(f"{button_key}_requested", False):

        def work(report: Callable, variants=variants, steps=steps) -> list[te.VariantResult]:
            return run_in_process(te.compare_training, variants, report=report, threads=1, steps=steps)

        submitted = lib_call(runner.submit, key, work)
        if submitted is not None:
            job = submitted[0]
            snap = job.snapshot()
    if snap is not None and snap.active:
        progress_of(job, button_key)
        return None
    return snap.result if snap is not None and snap.state == "done" else None


@st.fragment(run_every=POLL_S)
def progress_of(job, button_key: str) -> None:
    current = job.snapshot()
    if not current.active:
        st.rerun()
    if current.state == QUEUED:
        st.info("Queued behind another comparison on this server (one runs at a time).", icon=":material/hourglass:")
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
