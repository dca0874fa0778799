"""Section 2 · Any race between coin patterns: the exact answer beside simulated games."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import markov
from lib.viz import interval_chart, line_chart
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, snippet
from pages.markov.formatting import fraction_text

exact_race = cached(markov.pattern_race)
waiting_time = cached(markov.expected_waiting_time)
simulate = cached(markov.simulate_pattern_race)


def race_table(patterns: tuple[str, ...], p_heads: float, sim: markov.RaceSimulation | None) -> pd.DataFrame:
    """One row per pattern: exact win probability, waiting time alone and, if simulated, the rate and its CI."""
    race = exact_race(patterns, p_heads, exact=True)
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
    if sim is None:
        return table
    low, high = sim.win_rate_intervals(0.95)
    return table.assign(**{"simulated": sim.win_rates, "95% CI low": low, "95% CI high": high})


@st.fragment
def race_section(patterns: tuple[str, ...], p_heads: float) -> None:
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
    seed = global_seed()
    with st.spinner("Flipping coins…"):
        sim = lib_call(simulate, patterns, p_heads, n_games, seed)
    race = exact_race(patterns, p_heads, exact=True)
    table = race_table(patterns, p_heads, sim)
    st.dataframe(table, hide_index=True)
    csv_download(table, "pattern_race.csv", "Download the race table (CSV)", key="mc_dl_race")
    if sim is not None:
        show_simulation(patterns, p_heads, n_games, race, sim, table)
    snippet(
        """
from lib.markov import pattern_race, simulate_pattern_race

race = pattern_race($patterns, p_heads=$p_heads, exact=True)
print(race.win_probabilities, race.expected_length)
sim = simulate_pattern_race($patterns, p_heads=$p_heads, n_games=$n_games, seed=$seed)
print(sim.win_rates, sim.win_rate_intervals(0.95))
""",
        patterns=list(patterns),
        p_heads=p_heads,
        n_games=n_games,
        seed=seed,
    )


def show_simulation(
    patterns: tuple[str, ...],
    p_heads: float,
    n_games: int,
    race: markov.RaceResult,
    sim: markov.RaceSimulation,
    table: pd.DataFrame,
) -> None:
    """Simulated win rates and race length against the exact values, and when the race is decided."""
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
    progress = pd.concat(
        [
            pd.DataFrame(values, columns=list(patterns))
            .assign(flip=np.arange(horizon + 1), source=source)
            .melt(id_vars=["flip", "source"], var_name="pattern", value_name="P(won by flip t)")
            for values, source in (
                (markov.race_progress(patterns, p_heads, horizon), "exact (Aᵗx₀)"),
                (sim.decided_by(horizon), "simulated"),
            )
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
