"""Section 1 · Train the model: a background run on the server, its live progress, and the model it leaves."""

import pandas as pd
import streamlit as st

from lib.transformer.evaluation import bits
from lib.viz.sampling import loss_curve_chart
from pages._common import bound, chart, lib_call, queued_note, train_button, train_requested, training_failed
from pages.sampling.model import SIZES, ModelChoice, model_snippet, saved_at
from runtime.jobs import QUEUED, RUNNING, STOPPED, Job, JobRunner, JobSnapshot
from runtime.training import train_and_save
from runtime.worker import run_in_process

TARGET_NATS = 1.8  # the target for the default run on held-out standard-library code
POLL_S = 1.0


@st.cache_resource(max_entries=1, show_spinner=False)
def job_runner() -> JobRunner:
    """One runner for the whole server: one training run at a time, four more may wait."""
    return JobRunner(max_workers=1, max_queued=4)


def history_frame(history: tuple, unit: str) -> pd.DataFrame:
    scale = bits if unit == "bits" else float
    rows = [("training", p.step, scale(p.train_loss)) for p in history]
    rows += [("validation", p.step, scale(p.val_loss)) for p in history if p.val_loss is not None]
    return pd.DataFrame(rows, columns=["curve", "step", "loss"])


def in_unit(nats: float | None, unit: str) -> float | None:
    return None if nats is None else (bits(nats) if unit == "bits" else nats)


def loss_text(nats: float) -> str:
    return f"{nats:.3f} nats = {bits(nats):.3f} bits per character"


@st.fragment
def training_section(choice: ModelChoice) -> None:
    if saved_at(choice.path) != choice.saved_at:
        st.rerun()  # a run saved this model since the page chose one: every section switches to it
    unit = bound(
        st.radio,
        "Loss in",
        key="sp_unit",
        options=["nats", "bits"],
        horizontal=True,
        help="Cross-entropy per character: nats use the natural log, bits log base 2 (bits = nats / ln 2).",
    )
    runner = job_runner()
    job = runner.get(str(choice.path))
    snap = job.snapshot() if job is not None else None
    if not choice.trained and not (snap is not None and snap.active):
        job = offer_training(choice, runner, job)
        snap = job.snapshot() if job is not None else None
    # The child process saves the model a moment before its job reports done: a saved model ends the watch.
    if snap is not None and snap.active and not choice.trained:
        training_status(runner, job, unit)
    if choice.trained:
        show_trained(choice, snap, unit)
    else:
        st.warning(
            "This model is **untrained** (random weights): its distributions are nearly uniform and its text is "
            "noise. Everything below works on it already; press **Train** above and the page switches to the "
            "trained model when it is done.",
            icon=":material/warning:",
        )
    model_snippet(choice, "", 'print(f"{model.n_parameters():,} parameters")')
    if choice.text.uploaded:
        st.caption(
            "The snippets load (or quickly train) the standard-library model; an uploaded text stays on the page."
        )


def offer_training(choice: ModelChoice, runner: JobRunner, job: Job | None) -> Job | None:
    """The Train button (which submits a run), and why the last run left no model; the job to watch."""
    snap = job.snapshot() if job is not None else None
    train_col, note_col = st.columns([1, 4])
    train_slot = train_col.empty()
    help_text = "Trains in the background on the server; the page stays usable and shows progress while it runs."
    train_button(train_slot, key="sp_train", help=help_text)
    if train_requested("sp_train"):
        settings, _, threads = SIZES[choice.size]

        def work(
            report,
            load_texts=choice.text.load,
            settings=settings,
            path=choice.path,
            device=choice.device,
            threads=threads,
        ):
            train_text, validation_text = load_texts()
            return run_in_process(  # a process of its own: see runtime.worker
                train_and_save,
                train_text,
                validation_text,
                settings,
                path,
                device=device,
                report=report,
                threads=threads if device == "cpu" else None,
            )

        submitted = lib_call(runner.submit, str(choice.path), work)
        if submitted is not None:
            job, joined = submitted
            snap = job.snapshot()
            train_slot.empty()
            if joined:
                st.toast("Someone is already training this model: you are watching the same run.")
    busy = [other for other in runner.jobs() if other.key != str(choice.path) and other.snapshot().active]
    if busy and not (snap is not None and snap.active):
        note_col.caption(
            f"{len(busy)} other training run(s) on this server right now: one runs at a time, so yours would wait."
        )
    elif snap is not None and snap.state == STOPPED:
        note_col.info("The last run was stopped before the end, so nothing was saved: train again to keep a model.")
    elif snap is not None and snap.error:
        training_failed(note_col, snap.error)
    return job


@st.fragment(run_every=POLL_S)
def training_status(runner: JobRunner, job: Job, unit: str) -> None:
    """Progress of this model's run, refreshed every second while it runs (the rest of the page stays put)."""
    current = job.snapshot()
    if not current.active:
        st.rerun()  # finished: the whole page reloads with the trained model
    if current.state == QUEUED:
        queued_note(runner, job)
    progress = current.progress
    if current.state == RUNNING and progress is None:
        st.info("Reading the training text…", icon=":material/hourglass:")
    if progress is not None:
        per_step = progress.elapsed_s / progress.step
        eta = per_step * (progress.steps - progress.step)
        st.progress(
            progress.step / progress.steps,
            text=f"step {progress.step} / {progress.steps} · {progress.elapsed_s:.0f} s elapsed · {eta:.0f} s left",
        )
        validated = [p for p in current.history if p.val_loss is not None]
        cols = st.columns(3)
        cols[0].metric("Training loss", f"{in_unit(progress.train_loss, unit):.3f} {unit}/char")
        if validated:
            last = validated[-1].val_loss
            cols[1].metric(
                "Validation loss",
                f"{in_unit(last, unit):.3f} {unit}/char",
                delta=f"{in_unit(last - TARGET_NATS, unit):+.3f} vs target",
                delta_color="inverse",
                help=f"Held-out text; the target for the default run is {loss_text(TARGET_NATS)}.",
            )
        if progress.unigram_val_loss is not None:
            cols[2].metric("Unigram baseline", f"{in_unit(progress.unigram_val_loss, unit):.3f} {unit}/char")
        chart(
            loss_curve_chart,
            history_frame(current.history, unit),
            unit=unit,
            baseline=in_unit(progress.unigram_val_loss, unit),
            target=in_unit(TARGET_NATS, unit),
            cache_key=(str(job.key), current.submitted_at, len(current.history), unit),
            title="Cross-entropy while training (dashed: unigram baseline and the 1.8 nats target)",
        )
    if current.active:
        st.caption(
            "This run belongs to the server: anyone who opens this model watches the same run, and it goes on "
            "if you leave the page."
        )
        st.button(
            "Stop",
            key="sp_stop",
            icon=":material/stop:",
            help="Stops at the end of the current step; a stopped run is not saved.",
            on_click=job.stop,
        )


def show_trained(choice: ModelChoice, snap: JobSnapshot | None, unit: str) -> None:
    """What the saved model measured, and the loss curve of the run that made it (if this server ran it)."""
    metrics = choice.metrics
    val = metrics["val_loss"]
    verdict = "meets" if val <= TARGET_NATS else "misses"
    target_text = f"; it {verdict} the {TARGET_NATS} nats target" if choice.size == "default" else ""
    st.success(
        f"Trained model loaded ({choice.n_parameters:,} parameters, {int(metrics['steps'])} steps in "
        f"{metrics['wall_time_s']:.0f} s): validation loss {loss_text(val)}, unigram baseline "
        f"{metrics['unigram_val_loss']:.3f} nats{target_text}.",
        icon=":material/check_circle:",
    )
    if snap is not None and snap.history:
        chart(
            loss_curve_chart,
            history_frame(snap.history, unit),
            unit=unit,
            baseline=in_unit(metrics["unigram_val_loss"], unit),
            target=in_unit(TARGET_NATS, unit),
            cache_key=(str(choice.path), snap.submitted_at, len(snap.history), unit),
            title="Cross-entropy during the run (dashed: unigram baseline and the 1.8 nats target)",
        )
