"""Section 5 · Penney's game: the best reply to any pattern, by Conway's odds, exact and simulated."""

import pandas as pd
import streamlit as st

from lib import markov
from lib.viz import interval_chart, pmf_bars
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, prose, snippet
from pages.markov.formatting import fraction_text

best_reply = cached(markov.best_response)
simulate = cached(markov.simulate_pattern_race)
race_of = cached(markov.pattern_race)
FLIP_BUDGET = 2e7  # flips per simulation, below simulate_pattern_race's own limit


def odds_text(odds) -> str:
    """Odds as a : b, e.g. 7 : 1 or 5 : 3."""
    return f"{odds.numerator} : {odds.denominator}"


@st.fragment
def penney_section(p_heads: float) -> None:
    st.header("5 · Penney's game: the best reply")
    prose(__file__, "penney.md")
    pattern_col, games_col = st.columns(2)
    with pattern_col:
        text = bound(
            st.text_input,
            "Your pattern",
            key="mc_penney",
            value="HHT",
            max_chars=20,
            help="2 to 10 flips of H and T. The reply has the same length; P(heads) is the one above.",
        )
    with games_col:
        n_games = bound(
            st.slider,
            "Games simulated ",
            key="mc_penney_games",
            min_value=100,
            max_value=100_000,
            value=10_000,
            step=100,
            help="Simulated games of your pattern against the best reply.",
        )
    best = lib_call(best_reply, text.strip(), p_heads)
    if best is None:
        return
    seed = global_seed()
    race_length = float(race_of((best.pattern, best.reply), p_heads).expected_length)
    games = min(n_games, int(FLIP_BUDGET // race_length) // 100 * 100)  # whole hundreds within the budget
    sim = simulate((best.pattern, best.reply), p_heads, games, seed) if games >= 100 else None
    if games < n_games:
        st.info(
            f"A game of {best.pattern} against {best.reply} lasts about {race_length:,.0f} flips at this coin, so "
            + (f"only {games:,} games are simulated." if sim else "it is not simulated (the exact answer stands).")
        )
    m = st.columns(3)
    m[0].metric("Best reply", best.reply, help="The pattern of the same length most likely to appear first.")
    m[1].metric("P(reply first), exact", f"{float(best.win_probability):.4f}", help="From Conway's odds.")
    m[1].caption(f"exact: **{fraction_text(best.win_probability)}**, odds **{odds_text(best.odds)}**")
    table = pd.DataFrame(
        {
            "reply": [b for b, _ in best.candidates],
            "P(reply first) exact": [fraction_text(w) for _, w in best.candidates],
            "P(reply first)": [float(w) for _, w in best.candidates],
            "odds": [odds_text(w / (1 - w)) for _, w in best.candidates],
        }
    )
    if sim is not None:
        low, high = sim.win_rate_intervals(0.95)
        m[2].metric(
            "Simulated P(reply first)", f"{sim.win_rates[1]:.4f}", help=f"{games:,} games, 95% Wilson interval."
        )
        m[2].caption(f"95% CI [{low[1]:.4f}, {high[1]:.4f}]")
    bars_col, check_col = st.columns([3, 2])
    with bars_col:
        chart(
            pmf_bars,
            table.head(16),
            x="reply",
            y="P(reply first)",
            x_title="reply (best first; at most 16 shown)",
            y_title=f"P(reply before {best.pattern})",
            title=f"Every reply to {best.pattern}, by Conway's odds",
        )
    if sim is not None:
        with check_col:
            check = pd.DataFrame(
                {
                    "pattern": [best.pattern, best.reply],
                    "exact": [1 - float(best.win_probability), float(best.win_probability)],
                    "simulated": sim.win_rates,
                    "95% CI low": low,
                    "95% CI high": high,
                }
            )
            chart(
                interval_chart,
                check,
                category="pattern",
                estimate="simulated",
                low="95% CI low",
                high="95% CI high",
                reference="exact",
                x_title="P(appears first)",
                y_title="pattern",
                title="Simulated games vs Conway (red tick)",
            )
    csv_download(table, "penney_replies.csv", "Download every reply (CSV)", key="mc_dl_penney")
    snippet(
        """
from lib import markov

best = markov.best_response($pattern, p_heads=$p_heads)
print(best.reply, best.win_probability, best.odds)
print(markov.pattern_race([best.pattern, best.reply], p_heads=$p_heads, exact=True).win_probabilities)
if $n_games:
    sim = markov.simulate_pattern_race([best.pattern, best.reply], p_heads=$p_heads, n_games=$n_games, seed=$seed)
    print(sim.win_rates)
""",
        pattern=best.pattern,
        p_heads=p_heads,
        n_games=games if sim else 0,
        seed=seed,
    )
