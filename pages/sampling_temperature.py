"""Sampling temperature: train a tiny GPT in the lab, then turn every knob of sampling."""

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
import torch

from lib import sampling
from lib.device import pick_device
from lib.transformer import CharTokenizer, TinyGPT
from lib.transformer.checkpoint import load_checkpoint
from lib.transformer.corpus import stdlib_corpus
from lib.transformer.evaluation import bits
from lib.transformer.generation import encode_prompt, next_token_logits
from lib.transformer.pretrained import (
    DEFAULT_SETTINGS,
    TINY_CORPUS_CHARS,
    TINY_SETTINGS,
    corpus_id,
    read_training_text,
    split_text,
    stdlib_corpus_name,
)
from lib.viz.sampling import loss_curve_chart, pipeline_chart, quality_diversity_chart, token_bars
from lib.viz.transformer import show_token
from pages._common import (
    bound,
    chart,
    csv_download,
    global_seed,
    lib_call,
    note,
    page_header,
    plain,
    selected_device,
    show_error,
    snippet,
    torch_worker,
)
from runtime.jobs import QUEUED, RUNNING, STOPPED, JobRunner
from runtime.model_cache import checkpoint_path
from runtime.training import train_and_save
from runtime.worker import ModelSource, on_model, run_in_process, samples_from

TARGET_NATS = 1.8  # the target for the default run on held-out standard-library code
MAX_UPLOAD_BYTES = 2_000_000
POLL_S = 1.0
TOP_BARS = 30
SIZES = {  # settings, characters of the stdlib to train on (None: all), CPU threads (None: torch's default)
    "default": (DEFAULT_SETTINGS, None, None),
    "tiny": (TINY_SETTINGS, TINY_CORPUS_CHARS, 1),  # tiny matrices: a second thread only waits
}
SOURCES = ("stdlib", "upload")
STAGE_NAMES = {"top-k": "top_k", "top-p": "top_p", "min-p": "min_p"}  # as shown (and in the URL) -> lib
TEMPERATURES = [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0]
# The untrained model's vocabulary: what ascii_text leaves of any text.
ASCII_VOCABULARY = "".join(sorted("\t\n" + "".join(chr(c) for c in range(32, 127))))


@st.cache_resource(max_entries=1, show_spinner=False)
def job_runner() -> JobRunner:
    """One runner for the whole server: one training run at a time, four more may wait."""
    return JobRunner(max_workers=1, max_queued=4)


@st.cache_resource(max_entries=4, show_spinner="Loading the trained model…")
def trained_model(path: str, modified: float, device: str) -> tuple[TinyGPT, CharTokenizer, dict]:
    """The checkpoint at ``path`` on ``device``: one copy shared by every session (``modified`` keys retraining)."""
    return load_checkpoint(Path(path), device)


@st.cache_resource(max_entries=4, show_spinner=False)
def untrained_model(size: str, device: str) -> tuple[TinyGPT, CharTokenizer]:
    """The same architecture at its random initialisation, over printable ASCII."""
    tokenizer = CharTokenizer(ASCII_VOCABULARY)
    settings = SIZES[size][0]
    torch.manual_seed(settings.seed)
    return TinyGPT(settings.model_config(tokenizer.vocab_size)).to(device).eval(), tokenizer


@st.cache_data(max_entries=64, show_spinner=False)
def logits_for(source: ModelSource, ids: tuple[int, ...]) -> np.ndarray:
    return torch_worker().call(on_model, source, next_token_logits, ids)


@st.cache_data(max_entries=64, show_spinner=False)
def samples_for(
    source: ModelSource,
    prompt: str,
    temperature: float,
    n: int,
    n_new: int,
    seed: int,
    truncation: tuple,
):
    top_k, top_p, min_p = truncation
    return torch_worker().call(
        samples_from,
        source,
        prompt,
        temperature=temperature,
        n_samples=n,
        n_new=n_new,
        seed=seed,
        top_k=top_k,
        top_p=top_p,
        min_p=min_p,
    )


def stdlib_texts(max_chars: int | None):
    def load() -> tuple[str, str]:
        corpus = stdlib_corpus(max_chars=max_chars)
        return corpus.train, corpus.validation

    return load


def history_frame(history: tuple, unit: str) -> pd.DataFrame:
    scale = bits if unit == "bits" else float
    rows = [("training", p.step, scale(p.train_loss)) for p in history]
    rows += [("validation", p.step, scale(p.val_loss)) for p in history if p.val_loss is not None]
    return pd.DataFrame(rows, columns=["curve", "step", "loss"])


def in_unit(nats: float | None, unit: str) -> float | None:
    return None if nats is None else (bits(nats) if unit == "bits" else nats)


def loss_text(nats: float) -> str:
    return f"{nats:.3f} nats = {bits(nats):.3f} bits per character"


page_header(
    "Sampling temperature",
    "A language model ends in **logits**, one score per character; **softmax with temperature τ** turns them "
    "into the probabilities the next character is drawn from. Train a tiny character-level GPT here (on Python's "
    "own standard library, or your text), then watch what τ, top-k, top-p and min-p do to its next-character "
    "distribution and to the text it writes.",
)

with note():
    st.markdown("**Softmax with temperature.** For logits $z_1, \\dots, z_V$ and $\\tau > 0$:")
    st.latex(r"p_i(\tau) = \frac{e^{z_i/\tau}}{\sum_j e^{z_j/\tau}}")
    st.markdown(
        "- $\\tau \\to 0$: all the mass goes to the largest logit (argmax, greedy decoding); tied maxima share it.\n"
        "- $\\tau = 1$: the model's own distribution, the one training fitted.\n"
        "- $\\tau \\to \\infty$: every $z_i/\\tau \\to 0$, so the distribution becomes uniform over the vocabulary.\n\n"
        "Temperature only rescales the logits: it never changes their **order**, so greedy output is the same at "
        "every small τ, and a character the model finds very unlikely stays possible at any τ > 0 — which is why "
        "top-k, top-p and min-p cut the tail instead."
    )
    st.markdown(
        "**Log-sum-exp.** Computed literally, $e^{z/\\tau}$ overflows once $z/\\tau$ exceeds 709.78 in float64 "
        "(88.72 in float32, which models use), and the ratio becomes $\\infty/\\infty$, not a number. "
        "Subtracting the maximum $m = \\max_i z_i/\\tau$ changes nothing mathematically and makes the largest "
        "term $e^0 = 1$:"
    )
    st.latex(
        r"\log \sum_j e^{x_j} = m + \log \sum_j e^{x_j - m}, \qquad p_i = \exp\!\Big(x_i - \log \sum_j e^{x_j}\Big)"
    )
    st.markdown(
        "**Maximum likelihood = minimum cross-entropy.** Training maximises the log-likelihood of the text, "
        "$\\sum_t \\log q_\\theta(x_t \\mid x_{<t})$. Divided by the number of characters $N$ and negated, that is "
        "the cross-entropy between the empirical distribution $\\hat p$ of the training text and the model:"
    )
    st.latex(
        r"\hat\theta = \arg\max_\theta \sum_{t=1}^N \log q_\theta(x_t \mid x_{<t})"
        r" = \arg\min_\theta \Big(-\frac{1}{N}\sum_{t=1}^N \log q_\theta(x_t \mid x_{<t})\Big)"
        r" = \arg\min_\theta H(\hat p, q_\theta)"
    )
    st.markdown(
        "So the training loss is the cross-entropy in **nats per character** (natural log); divided by ln 2 it is "
        "in **bits per character**, the number of yes/no questions a perfect code would need. $H(\\hat p, q) = "
        "H(\\hat p) + \\mathrm{KL}(\\hat p \\,\\|\\, q)$: the loss can only approach the text's own entropy. The "
        "**unigram baseline** is the loss of a model that ignores context and predicts character frequencies. "
        "The **entropy** of one next-character distribution, $H(p) = -\\sum_i p_i \\log p_i$, says how unsure "
        "the model is; $e^H$ is its effective vocabulary: the number of equally likely characters with the same "
        "entropy."
    )

device_name = lib_call(pick_device, selected_device())
if device_name is None:
    st.stop()
device = str(device_name)

# --- 1. Training -----------------------------------------------------------------------------------
st.header("1 · Train the model")
size_col, source_col, unit_col = st.columns([2, 2, 1])
with size_col:
    size = bound(
        st.selectbox,
        "Model size",
        key="sp_size",
        options=list(SIZES),
        help=(
            "default: 0.8 M parameters, about 90 seconds on 2 idle CPU cores (d_model 128, 4 heads, 4 layers, context "
            "128, 400 steps of 32 windows, AdamW 3e-3 with warm-up and cosine decay). tiny: seconds (d_model 32, "
            "2 heads, 2 layers, 60 steps on the first 200,000 characters); it learns spacing, not Python."
        ),
    )
with source_col:
    source = bound(
        st.radio,
        "Training text",
        key="sp_source",
        options=list(SOURCES),
        horizontal=True,
        help=(
            "stdlib: Python's standard library, its own source code, which ships with every Python; every tenth "
            "module is held out, so the validation loss is measured on code the model never saw. upload: a text "
            "file, split by position (the first 90% trains, the last 10% validates)."
        ),
    )
with unit_col:
    unit = bound(
        st.radio,
        "Loss in",
        key="sp_unit",
        options=["nats", "bits"],
        horizontal=True,
        help="Cross-entropy per character: nats use the natural log, bits log base 2 (bits = nats / ln 2).",
    )

settings, max_chars, threads = SIZES[size]
corpus, load_texts = stdlib_corpus_name(max_chars), stdlib_texts(max_chars)
if source == "upload":
    upload = st.file_uploader(
        "Training text (.txt, UTF-8, up to 2 MB)",
        type=["txt"],
        key="sp_upload",
        help="Any text of at least 5,000 characters; characters outside printable ASCII become '?'.",
    )
    text = None if upload is None else lib_call(read_training_text, upload.getvalue(), MAX_UPLOAD_BYTES)
    split = None if text is None else lib_call(split_text, text)
    if split is not None:
        corpus, load_texts = corpus_id(text), (lambda split=split: split)
        st.caption(f"{len(text):,} characters: {len(split[0]):,} to train on, {len(split[1]):,} to validate.")
    elif upload is None:
        st.info("Upload a text file to train on it; until then the panels below use the standard-library model.")

path = checkpoint_path(settings, corpus)
runner = job_runner()
job = runner.get(str(path))
snap = job.snapshot() if job is not None else None
loaded = None
if path.is_file():
    try:
        loaded = trained_model(str(path), path.stat().st_mtime, device)
    except Exception as err:  # a damaged or foreign file: say so, work on the untrained model, offer to retrain
        show_error(
            ValueError(
                f"The saved model {path.name} could not be loaded ({type(err).__name__}); train again to replace it."
            )
        )
trained = loaded is not None

if not trained and not (snap is not None and snap.active):
    train_col, note_col = st.columns([1, 4])
    train_slot = train_col.empty()
    train_slot.button(
        "Train",
        key="sp_train",
        type="primary",
        icon=":material/model_training:",
        help="Trains in the background on the server; the page stays usable and shows progress while it runs.",
        # A callback, not the button's return value: the request survives the router's first-visit rerun.
        on_click=lambda: st.session_state.update(sp_train_requested=True),
    )
    if st.session_state.pop("sp_train_requested", False):

        def work(report, load_texts=load_texts, settings=settings, path=path, device=device, threads=threads):
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

        submitted = lib_call(runner.submit, str(path), work)
        if submitted is not None:
            job, joined = submitted
            snap = job.snapshot()
            train_slot.empty()
            if joined:
                st.toast("Someone is already training this model: you are watching the same run.")
    busy = [other for other in runner.jobs() if other.key != str(path) and other.snapshot().active]
    if busy and not (snap is not None and snap.active):
        note_col.caption(
            f"{len(busy)} other training run(s) on this server right now: one runs at a time, so yours would wait."
        )
    elif snap is not None and snap.state == STOPPED:
        note_col.info("The last run was stopped before the end, so nothing was saved: train again to keep a model.")
    elif snap is not None and snap.error:
        note_col.error(plain(f"Training failed: {snap.error}"), icon=":material/error:")


# The child process saves the model a moment before its job reports done: a saved model ends the watch.
watching = snap is not None and snap.active and not trained


@st.fragment(run_every=POLL_S if watching else None)
def training_status(was_active: bool) -> None:
    """Progress of this model's run, refreshed every second while it runs (the rest of the page stays put)."""
    current = job.snapshot()
    if was_active and not current.active:
        st.rerun()  # finished: the whole page reloads with the trained model
    if current.state == QUEUED:
        ahead = runner.position(job.key)
        st.info(
            f"Queued: {ahead} training run(s) ahead of this one on this server (one runs at a time)."
            if ahead
            else "Starting…",
            icon=":material/hourglass:",
        )
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


if watching:
    training_status(True)

if trained:
    model, tokenizer, metrics = loaded
    source = ModelSource(device=device, path=str(path), modified=path.stat().st_mtime)
    val = metrics["val_loss"]
    verdict = "meets" if val <= TARGET_NATS else "misses"
    target_text = f"; it {verdict} the {TARGET_NATS} nats target" if size == "default" else ""
    st.success(
        f"Trained model loaded ({model.n_parameters():,} parameters, {int(metrics['steps'])} steps in "
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
            cache_key=(str(path), snap.submitted_at, len(snap.history), unit),
            title="Cross-entropy during the run (dashed: unigram baseline and the 1.8 nats target)",
        )
else:
    model, tokenizer = untrained_model(size, device)
    source = ModelSource(device=device, config=model.config, vocabulary=tokenizer.vocabulary, seed=SIZES[size][0].seed)
    st.warning(
        "This model is **untrained** (random weights): its distributions are nearly uniform and its text is noise. "
        "Everything below works on it already; press **Train** above and the page switches to the trained model "
        "when it is done.",
        icon=":material/warning:",
    )

# --- 2. Temperature --------------------------------------------------------------------------------
st.header("2 · Temperature: the next character")
prompt_col, tau_col = st.columns([3, 2])
with prompt_col:
    prompt = bound(
        st.text_area,
        "Prompt",
        key="sp_prompt",
        value="import os\n\n\ndef main():\n    ",
        max_chars=1_000,
        height=150,
        help="Text the model continues (printable ASCII, newlines and tabs); only the last 128 characters are seen.",
    )
with tau_col:
    tau = bound(
        st.slider,
        "Temperature τ",
        key="sp_tau",
        min_value=0.0,
        max_value=10.0,
        value=1.0,
        step=0.05,
        help="Divides the logits before softmax. 0 = argmax (greedy), 1 = the model's distribution, large = uniform.",
    )

ids = lib_call(encode_prompt, tokenizer, prompt)
if ids is None:
    st.stop()
logits = logits_for(source, tuple(ids[-model.config.max_seq_len :]))
probs = sampling.softmax(logits, tau)
at_one = sampling.softmax(logits, 1.0)
vocabulary = list(tokenizer.vocabulary)
order = np.lexsort((-logits, -probs))  # most likely first; ties (τ = 0) by logit
frame = pd.DataFrame(
    {
        "character": [vocabulary[i] for i in order],
        "label": [show_token(vocabulary[i]) for i in order],
        "rank": np.arange(1, len(order) + 1),
        "probability": probs[order],
        "at τ = 1": at_one[order],
        "logit": logits[order],
    }
)
H = sampling.entropy(probs)
cols = st.columns(4)
cols[0].metric("Entropy H", f"{H:.3f} nats", help="−Σ p log p of the distribution at this τ.")
cols[1].metric("…in bits", f"{sampling.entropy(probs, base=2):.3f} bits", help="H / ln 2.")
cols[2].metric(
    "Effective vocabulary e^H",
    f"{np.exp(H):.2f}",
    help=f"As unsure as a uniform choice among this many characters (the vocabulary has {len(vocabulary)}).",
)
cols[3].metric(
    "Most likely next",
    frame["label"].iloc[0],
    delta=f"p = {frame['probability'].iloc[0]:.3f}",
    delta_color="off",
    delta_arrow="off",
    help="At τ = 0 this character gets all the mass (greedy decoding); tied maxima share it.",
)
chart(
    token_bars,
    frame.head(TOP_BARS).drop(columns="character"),
    temperature=tau,
    cache_key=(source, tuple(ids[-model.config.max_seq_len :]), tau),
    title=f"Next-character distribution at τ = {tau:g} (bars; orange ticks: τ = 1), top {TOP_BARS}",
)
st.caption("␣ is a space, ↵ a newline, ⇥ a tab. Hover a bar for its probability, rank and logit.")

st.subheader("Why log-sum-exp: the same logits, softmax computed naively")
rows = []
WORDS = {"overflow": "overflow: ∞ / ∞ = not a number", "underflow": "underflow: 0 / 0 = not a number"}
top_logit = float(np.max(logits))
for name, dtype in (("float64", np.float64), ("float32 (what models use)", np.float32)):
    threshold = sampling.overflow_threshold(dtype)
    failure = sampling.naive_softmax_failure(logits, tau, dtype=dtype)
    if tau == 0:
        largest = "± ∞ (division by τ = 0)"
    else:
        largest = f"{top_logit / tau:,.2f}" + (" > " if top_logit / tau > threshold else " ≤ ") + f"{threshold:.2f}"
    if failure is None:
        naive_text = f"p max = {float(np.max(sampling.naive_softmax(logits, tau, dtype=dtype))):.6f}"
    else:
        naive_text = WORDS[failure]
    rows.append({"precision": name, "largest z/τ vs overflow limit": largest, "naive exp(z/τ) / Σ": naive_text})
table = pd.DataFrame(rows).assign(**{"log-sum-exp softmax": f"p max = {float(np.max(probs)):.6f} (always finite)"})
st.dataframe(table, hide_index=True)
if top_logit > 0:
    st.caption(
        f"This model's largest logit here is {top_logit:.2f}, so a naive float32 softmax overflows for "
        f"τ < {top_logit / sampling.overflow_threshold(np.float32):.4f} and float64 for "
        f"τ < {top_logit / sampling.overflow_threshold():.4f}; at τ = 0 the division itself is infinite. "
        "Subtracting the largest logit first keeps every exponent ≤ 0 and the largest term exactly 1."
    )
else:
    st.caption(
        f"Every logit here is negative (the largest is {top_logit:.2f}), so the naive exp never overflows; as τ "
        "shrinks every term underflows to 0 instead (0 / 0). Subtracting the largest logit first makes the "
        "largest term exactly 1, so neither can happen."
    )

# --- 3. Truncation pipeline -----------------------------------------------------------------------
st.header("3 · Truncation: temperature → top-k → top-p → min-p")
stage_col, k_col, p_col, m_col = st.columns([2, 1, 1, 1])
with stage_col:
    stage_order = bound(
        st.multiselect,
        "Stages after temperature, in order",
        key="sp_stages",
        options=list(STAGE_NAMES),
        default=list(STAGE_NAMES),
        help="The order you pick them in is the order they run. Remove one to skip it; add it back to move it last.",
    )
with k_col:
    top_k = bound(
        st.slider,
        "top-k",
        key="sp_top_k",
        min_value=1,
        max_value=len(vocabulary),
        value=min(20, len(vocabulary)),
        help="Keep the k most likely characters (ties with the k-th too), renormalise.",
    )
with p_col:
    top_p = bound(
        st.slider,
        "top-p",
        key="sp_top_p",
        min_value=0.01,
        max_value=1.0,
        value=0.9,
        step=0.01,
        help="Nucleus: keep the smallest set of most likely characters whose mass reaches p (at least one).",
    )
with m_col:
    min_p = bound(
        st.slider,
        "min-p",
        key="sp_min_p",
        min_value=0.0,
        max_value=1.0,
        value=0.05,
        step=0.01,
        help="Keep characters with probability ≥ min-p × the top probability.",
    )
values = {"top_k": top_k, "top_p": top_p, "min_p": min_p}
stages = [(STAGE_NAMES[name], values[STAGE_NAMES[name]]) for name in stage_order]
pipeline = sampling.sampling_pipeline(logits, tau, stages)
described = [f"τ = {tau:g}"] + [f"{s.name.replace('_', '-')} {s.value:g}" for s in pipeline[1:]]
stage_table = pd.DataFrame(
    {
        "after": described,
        "kept characters": [s.kept for s in pipeline],
        "mass removed": [s.mass_removed for s in pipeline],
        "entropy (nats)": [s.entropy for s in pipeline],
        "entropy (bits)": [s.entropy / np.log(2) for s in pipeline],
        "e^H": [float(np.exp(s.entropy)) for s in pipeline],
    }
)
table_col, chart_col = st.columns([1, 1])
with table_col:
    st.dataframe(stage_table, hide_index=True)
    kept_now = pipeline[-1].kept
    by_order = {}
    for perm in itertools.permutations(stage_order):
        final = sampling.sampling_pipeline(logits, tau, [(STAGE_NAMES[n], values[STAGE_NAMES[n]]) for n in perm])[-1]
        by_order[" → ".join(perm) or "temperature only"] = final.kept
    if len(set(by_order.values())) > 1:
        groups = {}
        for name, kept in by_order.items():
            groups.setdefault(kept, []).append(name)
        st.caption(
            f"**Order matters here:** your order keeps {kept_now} characters. "
            + " ".join(f"{kept} kept by {', '.join(names)}." for kept, names in sorted(groups.items()))
            + " Each stage renormalises, so a later stage judges a different distribution."
        )
    else:
        st.caption(
            f"Every order of these stages keeps the same {kept_now} characters at these settings. Order matters when "
            "top-k renormalises before top-p: with p = (0.4, 0.3, 0.2, 0.1), top-k 2 then top-p 0.5 keeps one "
            "character (0.4 / 0.7 ≥ 0.5), top-p 0.5 then top-k 2 keeps two. Try a small top-k with top-p ≈ 0.5."
        )
with chart_col:
    shown = order[: min(20, len(order))]
    long = pd.DataFrame(
        [
            {"label": show_token(vocabulary[i]), "rank": r + 1, "stage": described[j], "probability": s.probs[i]}
            for j, s in enumerate(pipeline)
            for r, i in enumerate(shown)
        ]
    )
    chart(
        pipeline_chart,
        long,
        cache_key=(source, tuple(ids[-model.config.max_seq_len :]), tau, tuple(stages)),
        title="The top 20 characters after each stage (renormalised)",
    )

# --- 4. Generation ---------------------------------------------------------------------------------
st.header("4 · Generation: samples, quality and diversity")
temps_col, n_col, len_col = st.columns([2, 1, 1])
with temps_col:
    temperatures = bound(
        st.multiselect,
        "Temperatures to compare",
        key="sp_temps",
        options=TEMPERATURES,
        default=[0.0, 0.5, 1.0, 1.5],
        help="Values of τ. Each samples from the same seed (the sidebar's), so differences come from τ alone.",
    )
with n_col:
    n_samples = bound(
        st.slider,
        "Samples per temperature",
        key="sp_n_samples",
        min_value=1,
        max_value=16,
        value=4,
        help="Seeded samples drawn per temperature; distinct-n and the mean log-probability average over them.",
    )
with len_col:
    n_new = bound(
        st.slider,
        "Characters per sample",
        key="sp_n_new",
        min_value=8,
        max_value=100,
        value=60,
        help="New characters per sample (the prompt's tail fills the rest of the 128-character context).",
    )

truncate = bound(
    st.toggle,
    "Also truncate with the stages chosen in section 3",
    key="sp_gen_truncate",
    value=False,
    help=(
        "Off: temperature only. On: the top-k, top-p and min-p selected above are applied too, in the order "
        "temperature → top-k → top-p → min-p (how lib.transformer.generate applies them, whatever the order above)."
    ),
)
truncation = tuple(values[STAGE_NAMES[name]] if truncate and name in stage_order else None for name in STAGE_NAMES)
seed = global_seed()
if not temperatures:
    st.info("Choose at least one temperature to sample at.")
else:
    temperatures = sorted(temperatures)
    progress = st.progress(0.0, text="Sampling…") if len(temperatures) * n_samples * n_new > 2_000 else None
    sets = []
    for i, t in enumerate(temperatures):
        sets.append(samples_for(source, prompt, t, n_samples, n_new, seed, truncation))
        if progress is not None:
            progress.progress((i + 1) / len(temperatures), text=f"Sampled τ = {t:g}")
    if progress is not None:
        progress.empty()
    columns = st.columns(len(sets))
    for col, result in zip(columns, sets, strict=True):
        with col:
            st.markdown(f"**τ = {result.temperature:g}**")
            for text_ in result.texts[:2]:
                st.code(text_, language=None, wrap_lines=True)
    summary = pd.DataFrame(
        {
            "temperature": [s.temperature for s in sets],
            "mean log-prob": [s.mean_log_prob for s in sets],
            "distinct-1": [s.distinct_1 for s in sets],
            "distinct-2": [s.distinct_2 for s in sets],
            "repetition rate": [s.repetition_rate for s in sets],
        }
    )
    summary_col, plot_col = st.columns([1, 1])
    with summary_col:
        st.dataframe(summary, hide_index=True)
        st.caption(
            "mean log-prob: average log p(character) of the samples under the model at τ = 1 (higher = the model "
            "finds them more typical); distinct-n: distinct character n-grams / all n-grams over the samples; "
            "repetition rate: share of each sample's 4-grams already seen earlier in it."
        )
        samples_table = pd.DataFrame(
            [
                {"temperature": s.temperature, "sample": j + 1, "seed": seed, "prompt": prompt, "text": text_}
                for s in sets
                for j, text_ in enumerate(s.texts)
            ]
        ).merge(summary, on="temperature")
        csv_download(samples_table, "samples.csv", "Download the samples (CSV)", key="sp_dl_samples")
    with plot_col:
        chart(
            quality_diversity_chart,
            summary,
            cache_key=(source, prompt, tuple(temperatures), n_samples, n_new, seed, truncation),
            title="Quality vs diversity: higher τ writes more varied, less likely text",
        )

snippet(
    """
import dataclasses

import torch

from lib.sampling import effective_vocabulary, entropy, softmax
from lib.transformer import generate
from lib.transformer.checkpoint import load_checkpoint
from lib.transformer.corpus import stdlib_corpus
from lib.transformer.pretrained import TrainingSettings, stdlib_corpus_name, train_model
from runtime.model_cache import trained_checkpoint

settings = TrainingSettings(**$settings)
path = trained_checkpoint(settings, stdlib_corpus_name($max_chars))  # trained by the page on this machine?
if path is not None:
    model, tokenizer, metrics = load_checkpoint(path, "cpu")
    print("loaded", path, metrics)
else:  # a quick stand-in: 30 steps on 100,000 characters of the standard library
    corpus = stdlib_corpus(max_chars=100_000)
    quick = dataclasses.replace(settings, steps=30, eval_every=30, eval_batches=1)
    result = train_model(corpus.train, corpus.validation, quick, device="cpu")
    model, tokenizer = result.model, result.tokenizer
    print("validation loss", result.val_losses[-1], "nats/char")

prompt = "".join(c for c in $prompt if c in tokenizer.vocabulary) or tokenizer.vocabulary[0]
ids = torch.tensor([tokenizer.encode(prompt)[-(model.config.max_seq_len - $n_new) :]])
with torch.no_grad():
    logits = model(ids)[0, -1].double().numpy()
p = softmax(logits, temperature=$tau)
print("entropy", entropy(p), "nats; e^H =", effective_vocabulary(p))
out = generate(model, ids, $n_new, temperature=$tau, seed=$seed)
print(tokenizer.decode(out[0, ids.size(1) :].tolist()))
""",
    settings=dict(vars(settings)),
    max_chars=max_chars,
    prompt=prompt,
    n_new=n_new,
    tau=tau,
    seed=seed,
)
if source == "upload":
    st.caption("The snippet loads (or quickly trains) the standard-library model; an uploaded text stays on the page.")
