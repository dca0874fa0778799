"""Markov chains: the notes' HHT vs HTT chain, then any race between coin patterns."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import markov
from lib.viz import heatmap, interval_chart, line_chart
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, note, page_header, snippet

LONG_FRACTION = 18  # characters; longer exact fractions are shown as decimals only

exact_race = cached(markov.pattern_race)
waiting_time = cached(markov.expected_waiting_time)
simulate = cached(markov.simulate_pattern_race)
race_chain = cached(markov.pattern_chain)
absorbing = cached(markov.absorbing_chain)


def fraction_text(value) -> str:
    text = str(value)
    return text if len(text) <= LONG_FRACTION else "—"


def state_name(state: str) -> str:
    return state or "start"


page_header(
    "Markov chains",
    "Flip a fair coin until **HHT** or **HTT** appears. Both need a head to start, yet HHT wins twice as "
    "often. Below, the notes' four-state chain shows it step by step; then any race between coin patterns "
    "(Penney's game) is solved exactly from its Markov chain and checked against simulated games.",
)

with note():
    st.markdown(
        "Both patterns start at the first head, so start in state **H**. From H, the next two flips decide: "
        "HH keeps HHT alive (and HHH stays there), HT ends it with HHT, TH goes back to H, TT ends it with HTT. "
        "Summing the ways HHT can win from H:"
    )
    st.latex(r"p(\mathrm{HHT}\mid H) = 0.25 + 0.25\,[0.5 + 0.5^2 + 0.5^3 + \dots] + 0.25\,p(\mathrm{HHT}\mid H)")
    st.latex(r"p(\mathrm{HHT}\mid H) = \frac{0.25 + 0.25 \cdot 1}{1 - 0.25} = \frac{0.5}{0.75} = \frac{2}{3}")
    st.latex(
        r"p(\mathrm{HTT}\mid H) = 0.25 + 0.25\,p(\mathrm{HTT}\mid H) \;\Rightarrow\; \frac{0.25}{0.75} = \frac{1}{3}"
    )
    st.markdown(
        "As a Markov chain the state is a column vector and $x_{t+1} = A\\,x_t$, so each **column** of $A$ "
        "sums to 1. Ordering the states transient-first, the row form of the chain is "
        "$P = \\begin{pmatrix} Q & R \\\\ 0 & I \\end{pmatrix}$ and the absorbing-chain formulas give every answer:"
    )
    st.latex(r"N = (I - Q)^{-1}, \qquad B = N R, \qquad t = N \mathbf{1}")
    st.markdown(
        "$N_{ij}$ is the expected number of visits to $j$ from $i$, $B_{ik}$ the probability of ending in "
        "absorbing state $k$, and $t_i$ the expected number of steps. The eigenvalues of $A$ are 1 (once per "
        "absorbing state) and those of $Q$; the largest of the latter, $\\rho$, sets the speed: "
        "$P(\\text{not absorbed by } t) \\approx c\\,\\rho^t$. For any set of patterns the chain is built "
        "automatically: a state is the longest run of recent flips that is still the start of some pattern."
    )

# --- 1. The notes' chain -------------------------------------------------------------------------
st.header("1 · The notes' chain")
steps = bound(
    st.slider,
    "Steps t",
    key="mc_steps",
    min_value=0,
    max_value=60,
    value=10,
    help="How many times x_(t+1) = A x_t is applied, starting from x_0 = H (the first head has appeared).",
)
A = markov.hht_vs_htt_matrix()
labels = list(markov.HHT_VS_HTT_LABELS)
x0 = [1.0, 0.0, 0.0, 0.0]
trajectory = markov.evolve(A, x0, steps)
limit_exact = markov.limit_distribution(A, x0, exact=True)
distance = markov.distance_to_limit(A, x0, steps)
rate = markov.convergence_rate(A)

matrix_col, trajectory_col = st.columns([2, 3])
with matrix_col:
    chart(
        heatmap,
        A,
        labels,
        labels,
        x_title="from state",
        y_title="to state",
        value_title="probability",
        text=np.vectorize(fraction_text)(markov.hht_vs_htt_matrix(exact=True)),
        title="Transition matrix A (columns sum to 1)",
    )
with trajectory_col:
    frame = pd.DataFrame(trajectory, columns=labels).assign(step=np.arange(steps + 1))
    long = frame.melt(id_vars="step", var_name="state", value_name="probability")
    chart(
        line_chart,
        long,
        x="step",
        y="probability",
        color="state",
        x_title="step t",
        y_title="P(state at step t)",
        rules={label: float(v) for label, v in zip(labels[2:], limit_exact[2:], strict=True)},
        title="x_t = Aᵗ x_0: where the walk is after t steps (dashed: the limit)",
    )

metric_cols = st.columns(4)
for col, index in zip(metric_cols[:2], (2, 3), strict=True):
    col.metric(
        f"P({labels[index]}) by step {steps}",
        f"{trajectory[-1, index]:.6f}",
        help="Probability that this pattern has already won after t steps of the chain.",
    )
    col.caption(f"limit: **{limit_exact[index]}** = {float(limit_exact[index]):.6f}")
metric_cols[2].metric("Still undecided", f"{distance[-1]:.3g}", help="Mass on the transient states H and HH.")
metric_cols[3].metric("Convergence rate ρ", f"{rate:.3g}", help="Largest |eigenvalue| of A other than 1.")

eigen_col, speed_col = st.columns([2, 3])
with eigen_col:
    lam = markov.eigenvalues(A)
    st.markdown("**Eigenvalues of A**")
    st.dataframe(pd.DataFrame({"λ": [f"{v.real:.4g}" for v in lam], "|λ|": np.abs(lam)}), hide_index=True)
    st.caption(
        f"Two eigenvalues equal 1 (the two absorbing states). The next largest, ρ = {rate:g}, means each "
        f"step multiplies the undecided mass by about {rate:g}."
    )
with speed_col:
    speed = pd.DataFrame(
        {
            "step": np.arange(steps + 1),
            "P(undecided)": distance,
            "ρᵗ": rate ** np.arange(steps + 1),
        }
    ).melt(id_vars="step", var_name="curve", value_name="value")
    chart(
        line_chart,
        speed,
        x="step",
        y="value",
        color="curve",
        dash="curve",
        x_title="step t",
        y_title="distance to the limit (log scale)",
        log_y=True,
        title="Distance to the limit = P(undecided), against ρᵗ",
    )
csv_download(frame[["step", *labels]], "hht_vs_htt_trajectory.csv", "Download the trajectory (CSV)", key="mc_dl_traj")

# --- 2. Any race -----------------------------------------------------------------------------------
st.header("2 · Any race between coin patterns")
text_col, p_col, games_col = st.columns(3)
with text_col:
    text = bound(
        st.text_input,
        "Patterns",
        key="mc_patterns",
        value="HHT, HTT",
        max_chars=80,
        help=(
            "One to six patterns of H and T, separated by commas or spaces (e.g. THH, HHT); none may contain "
            "another. One pattern alone gives its waiting time."
        ),
    )
with p_col:
    p_heads = bound(
        st.slider,
        "P(heads)",
        key="mc_p_heads",
        min_value=0.01,
        max_value=0.99,
        value=0.5,
        step=0.01,
        help="Probability that one flip lands heads. Exact fractions read it as the decimal shown (0.55 = 11/20).",
    )
with games_col:
    n_games = bound(
        st.slider,
        "Games simulated",
        key="mc_games",
        min_value=100,
        max_value=100_000,
        value=10_000,
        step=100,
        help="Monte-Carlo games, each flipped until a pattern appears. More games, narrower intervals.",
    )

patterns = lib_call(markov.parse_patterns, text)
if patterns is None:
    st.stop()
race = exact_race(patterns, p_heads, exact=True)
chain = race_chain(patterns, p_heads)
seed = global_seed()
with st.spinner("Flipping coins…"):
    sim = lib_call(simulate, patterns, p_heads, n_games, seed)

alone = [waiting_time(pat, p_heads, exact=True) for pat in patterns]
table = pd.DataFrame(
    {
        "pattern": patterns,
        "P(wins) exact": [fraction_text(v) for v in race.win_probabilities],
        "P(wins)": race.win_probabilities.astype(float),
        "E[flips] alone, exact": [fraction_text(v) for v in alone],
        "E[flips] alone": [float(v) for v in alone],
    }
)
if sim is not None:
    low, high = sim.win_rate_intervals(0.95)
    table = table.assign(**{"simulated": sim.win_rates, "95% CI low": low, "95% CI high": high})
st.dataframe(table, hide_index=True)
csv_download(table, "pattern_race.csv", "Download the race table (CSV)", key="mc_dl_race")

if sim is not None:
    inside = sim.covers(race.win_probabilities.astype(float), 0.95)
    len_low, len_high = sim.mean_length_interval(0.95)
    length_inside = len_low <= float(race.expected_length) <= len_high
    result_col, length_col = st.columns([3, 2])
    with result_col:
        chart(
            interval_chart,
            table,
            category="pattern",
            estimate="simulated",
            low="95% CI low",
            high="95% CI high",
            reference="P(wins)",
            x_title="P(pattern appears first)",
            y_title="pattern",
            title=f"{n_games:,} simulated games (95% Wilson intervals) vs the exact value (red tick)",
        )
    with length_col:
        st.metric(
            "Expected flips until the race ends",
            f"{float(race.expected_length):.4f}",
            help="Exact, from t = N·1 of the race chain, started before any flip.",
        )
        st.caption(f"exact: **{fraction_text(race.expected_length)}**")
        st.metric("Simulated mean length", f"{sim.mean_length:.4f}", help="Average number of flips per simulated game.")
        st.caption(f"95% CI [{len_low:.4f}, {len_high:.4f}]")
    misses = [pat for pat, ok in zip(patterns, inside, strict=True) if not ok] + (
        [] if length_inside else ["race length"]
    )
    if misses:
        st.warning(
            f"The exact value falls outside the 95% interval for {', '.join(misses)}; with independent intervals "
            "this happens about 1 time in 20 — change the seed and it should come back inside."
        )
    else:
        st.success("Every exact value lies inside its simulated 95% interval.")

    horizon = int(min(200, max(10, np.quantile(sim.lengths, 0.99))))
    exact_progress = markov.race_progress(patterns, p_heads, horizon)
    simulated_progress = sim.decided_by(horizon)
    progress = pd.concat(
        [
            pd.DataFrame(values, columns=list(patterns))
            .assign(flip=np.arange(horizon + 1), source=source)
            .melt(id_vars=["flip", "source"], var_name="pattern", value_name="P(won by flip t)")
            for values, source in ((exact_progress, "exact (Aᵗx₀)"), (simulated_progress, "simulated"))
        ]
    )
    chart(
        line_chart,
        progress,
        x="flip",
        y="P(won by flip t)",
        color="pattern",
        dash="source",
        x_title="flip t",
        y_title="P(pattern has won by flip t)",
        title="When the race is decided: the chain iterated flip by flip vs the simulated games",
    )

# --- 3. Inside the race chain ----------------------------------------------------------------------
st.header("3 · Inside the race chain")
names = [state_name(s) for s in chain.states]
exact_chain = race_chain(patterns, p_heads, exact=True)
st.markdown(
    f"The race above is a chain of **{len(chain.transient)} transient states** (the useful recent flips) "
    f"and **{len(chain.absorbing)} absorbing states** (one per pattern), built from the patterns themselves."
)
chart(
    heatmap,
    chain.A,
    names,
    names,
    x_title="from state",
    y_title="to state",
    value_title="probability",
    text=np.array([[fraction_text(v) if v else "" for v in row] for row in exact_chain.A]),
    title="One flip of the race chain: A (columns sum to 1)",
)
solved = absorbing(chain.A, chain.transient, chain.absorbing, orientation="columns")
transient_names = [names[i] for i in chain.transient]
n_col, b_col = st.columns([3, 2])
with n_col:
    st.markdown("**Fundamental matrix N = (I − Q)⁻¹**: expected visits to each state")
    st.dataframe(pd.DataFrame(solved.fundamental, index=transient_names, columns=transient_names))
with b_col:
    st.markdown("**B = N R** (who wins) and **t = N·1** (flips left)")
    st.dataframe(
        pd.DataFrame(solved.absorption, index=transient_names, columns=list(patterns)).assign(
            **{"E[flips left]": solved.expected_steps}
        )
    )
race_rate = markov.convergence_rate(chain.A)
st.caption(
    f"Eigenvalues of the race chain: 1 (×{len(chain.absorbing)}), then ρ = {race_rate:.4f}. "
    f"After t flips the race is still undecided with probability roughly proportional to {race_rate:.4f}ᵗ."
)

snippet(
    """
from lib.markov import (
    evolve, hht_vs_htt_matrix, limit_distribution, pattern_race, simulate_pattern_race,
)

A = hht_vs_htt_matrix()  # the notes' chain: H, HH, HHT first, HTT first
x0 = [1.0, 0.0, 0.0, 0.0]
print(evolve(A, x0, steps=$steps)[-1])
print(limit_distribution(A, x0, exact=True))  # [0, 0, 2/3, 1/3]

race = pattern_race($patterns, p_heads=$p_heads, exact=True)
print(race.win_probabilities, race.expected_length)
sim = simulate_pattern_race($patterns, p_heads=$p_heads, n_games=$n_games, seed=$seed)
print(sim.win_rates, sim.win_rate_intervals(0.95))
""",
    steps=steps,
    patterns=list(patterns),
    p_heads=p_heads,
    n_games=n_games,
    seed=seed,
)
