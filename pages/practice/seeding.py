"""Section 7 · Seed everything: two runs with the same seed, and what makes them part on this device."""

import functools

import numpy as np
import pandas as pd
import streamlit as st

from lib.device import pick_device
from lib.practice import training
from lib.viz import line_chart
from pages._common import (
    bound,
    chart,
    csv_download,
    global_seed,
    note,
    prose,
    selected_device,
    snippet,
    torch_worker,
)
from pages.practice.training_runs import trained

BREAKERS = {
    "none": "nothing: seed_everything, then the same code",
    "unseeded augmentation": "input noise from np.random.default_rng() without a seed (as a data-loader worker)",
    "index_add_": "a layer that sums rows with Tensor.index_add_ (atomic adds on CUDA)",
}


def paired_runs(seed: int, steps: int, device: str, *, button_key: str) -> pd.DataFrame | None:
    """Two runs per breaker (long format: breaker, run, step, loss), once the Train button has trained them in
    the torch worker; None until then (the button, or the runs' progress, is drawn instead)."""
    worker = torch_worker("long")
    labels = [(breaker, run) for breaker in training.NONDETERMINISM for run in ("run 1", "run 2")]
    calls = [functools.partial(worker.call, training.seeded_run, seed, steps, breaker, device) for breaker, _ in labels]
    key = ("seeding", seed, steps, device)
    losses = trained(key, calls, button_key=button_key, settings=f"{steps} steps per run, seed {seed}")
    if losses is None:
        return None
    frames = [
        pd.DataFrame({"breaker": breaker, "run": run, "step": np.arange(1, steps + 1), "loss": loss})
        for (breaker, run), loss in zip(labels, losses, strict=True)
    ]
    return pd.concat(frames, ignore_index=True)


def differences(runs: pd.DataFrame) -> pd.DataFrame:
    """Per breaker: the largest |run 1 − run 2| over the steps, and whether the curves are bit-identical."""
    rows = []
    for breaker, group in runs.groupby("breaker", sort=False):
        one, two = (group[group["run"] == r]["loss"].to_numpy() for r in ("run 1", "run 2"))
        gap = float(np.max(np.abs(one - two)))
        rows.append(
            {
                "source of nondeterminism": breaker,
                "what it is": BREAKERS[breaker],
                "max |loss₁ − loss₂|": gap,
                "identical": bool(gap == 0.0),
            }
        )
    return pd.DataFrame(rows)


@st.fragment
def seeding_section() -> None:
    st.header("7 · Seed everything")
    cols = st.columns(2)
    with cols[0]:
        breaker = bound(
            st.selectbox,
            "Hidden source of nondeterminism",
            key="te_breaker",
            options=list(BREAKERS),
            help="Added to both runs of the curves drawn below; the table runs all three.",
        )
    with cols[1]:
        steps = bound(
            st.slider,
            "Steps per run",
            key="te_seed_steps",
            min_value=10,
            max_value=200,
            value=50,
            step=10,
            help="Minibatch SGD steps of a small MLP (8 → 64 → 64 → 1), twice, with one seed.",
        )
    seed, device = global_seed(), selected_device()
    runs = paired_runs(seed, steps, device, button_key="te_seed_train")
    if runs is not None:
        show_runs(runs, breaker, seed, steps, device)
    with note("The derivation"):
        prose(__file__, "seeding.md")
    snippet(
        """
from lib.practice.training import seeded_run

for breaker in ("none", "unseeded augmentation", "index_add_"):
    a = seeded_run($seed, steps=$steps, breaker=breaker, device=$device)
    b = seeded_run($seed, steps=$steps, breaker=breaker, device=$device)
    print(breaker, abs(a - b).max())
""",
        seed=seed,
        steps=steps,
        device=device,
    )


def show_runs(runs: pd.DataFrame, breaker: str, seed: int, steps: int, device: str) -> None:
    """The two curves of ``breaker``, the table of all three breakers (and its CSV), what they mean here."""
    shown = runs[runs["breaker"] == breaker]
    chart(
        line_chart,
        shown[["step", "loss", "run"]],
        x="step",
        y="loss",
        color="run",
        x_title="SGD step",
        y_title="minibatch MSE",
        title=f"Two runs with seed {seed}: {BREAKERS[breaker]}",
        cache_key=(seed, steps, device, breaker),
    )
    table = differences(runs)
    st.dataframe(table, hide_index=True)
    on_cuda = pick_device(device).type == "cuda"
    st.caption(
        "With everything seeded the two curves are the same to the last bit: the loss printed at step k is a "
        "function of the seed and the code. An unseeded generator anywhere (here a data-augmentation noise, as a "
        "data-loader worker creating its own generator would) makes every run different. "
        + (
            "On this CUDA device index_add_ adds in whatever order the threads finish, and float addition is not "
            "associative; torch.use_deterministic_algorithms(True) swaps in an ordered kernel."
            if on_cuda
            else "index_add_ is ordered on the CPU, so on this device it stays identical; on a CUDA GPU its atomic "
            "adds finish in a different order each run, and float addition is not associative."
        )
    )
    csv_download(runs, "seeded_runs.csv", "Download the loss curves (CSV)", key="te_dl_seed")
