"""Section 5 · Mixed logit: a panel with a normal random coefficient, fitted by the MNL and the mixed logit."""

import pandas as pd
import streamlit as st
from scipy import stats

from lib import choice
from lib.viz import interval_chart
from pages._common import bound, chart, csv_download, global_seed, lib_call, prose, snippet

NAMES = ("time", "cost", "comfort")
TRUE_BETA = (-1.0, -0.5, 0.8)  # the mean tastes; time is the random one
RANDOM = [0]
CELL_BUDGET = 2_000_000  # observations × draws on the page: bounds one fit to a few seconds


@st.cache_data(max_entries=64, show_spinner=False)
def mixed_study(n_people: int, n_choices: int, sd: float, n_draws: int, seed: int):
    """The simulated panel's MNL and mixed-logit fits (cached: the fit is the slow part of a rerun)."""
    X, y, panel = choice.simulate_mixed_panel(n_people, n_choices, TRUE_BETA, [sd], RANDOM, seed=seed)
    mnl = choice.fit_conditional_logit(X, y, names=NAMES)
    mixed = choice.fit_mixed_logit(X, y, RANDOM, n_draws=n_draws, seed=seed, panel=panel, names=NAMES)
    return mnl, mixed


def estimates_table(mnl: choice.ChoiceFit, mixed: choice.ChoiceFit, sd: float) -> pd.DataFrame:
    """True values beside both fits' estimates and SEs; the MNL's sd is fixed at 0 (SE 0)."""
    return pd.DataFrame(
        {
            "parameter": list(mixed.names),
            "true": [*TRUE_BETA, sd],
            "MNL": [*mnl.params, 0.0],
            "MNL std. error": [*mnl.std_errors, 0.0],
            "mixed logit": mixed.params,
            "ML std. error": mixed.std_errors,
            "ML t-stat": mixed.t_stats,
        }
    )


def interval_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Long rows for the interval chart: estimate ± 1.96 SE per model and parameter, the truth as reference."""
    rows = []
    for model, se in (("MNL", "MNL std. error"), ("mixed logit", "ML std. error")):
        part = table if model == "mixed logit" else table.iloc[:-1]
        rows.append(
            pd.DataFrame(
                {
                    "estimate of": model + ": " + part["parameter"],
                    "estimate": part[model],
                    "95% low": part[model] - 1.96 * part[se],
                    "95% high": part[model] + 1.96 * part[se],
                    "true": part["true"],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


@st.fragment
def mixed_section() -> None:
    st.header("5 · Mixed logit: tastes that differ across people")
    people_col, choices_col, sd_col, draws_col = st.columns(4)
    with people_col:
        n_people = bound(
            st.slider,
            "People",
            key="ch_mx_people",
            min_value=20,
            max_value=1000,
            value=200,
            step=20,
            help="Simulated respondents; each keeps their own time coefficient for all their choices.",
        )
    with choices_col:
        n_choices = bound(
            st.slider,
            "Choices per person",
            key="ch_mx_choices",
            min_value=1,
            max_value=20,
            value=5,
            help="Choice situations per person among 3 alternatives (a panel). With one, σ is barely identified.",
        )
    with sd_col:
        sd = bound(
            st.slider,
            "True σ of the time coefficient",
            key="ch_mx_sd",
            min_value=0.0,
            max_value=3.0,
            value=1.0,
            step=0.1,
            help=f"The time coefficient is N({TRUE_BETA[0]}, σ²) across people; σ = 0 is the plain logit.",
        )
    with draws_col:
        n_draws = bound(
            st.slider,
            "Halton draws per person",
            key="ch_mx_draws",
            min_value=50,
            max_value=1000,
            value=200,
            step=50,
            help="Quasi-random draws that simulate the integral over tastes; more is closer to the exact likelihood.",
        )
    seed = global_seed()
    draws_used = int(min(n_draws, max(50, CELL_BUDGET // (n_people * n_choices))))
    with st.spinner("Fitting the mixed logit…"):
        fitted = lib_call(mixed_study, n_people, n_choices, sd, draws_used, seed)
    if fitted is not None:
        show_fits(*fitted, sd)
        if draws_used < n_draws:
            st.caption(f"{draws_used} draws per person were used for {n_people * n_choices:,} choices (bounded work).")
    prose(__file__, "mixed.md")
    snippet(
        """
from lib import choice

# 5. Mixed logit on a simulated panel
X, y, panel = choice.simulate_mixed_panel($n_people, $n_choices, $beta, [$sd], [0], seed=$seed)
mnl = choice.fit_conditional_logit(X, y, names=$names)
mixed = choice.fit_mixed_logit(X, y, random=[0], n_draws=$n_draws, seed=$seed, panel=panel, names=$names)
print(mixed.table())
print("LL gain over the MNL:", mixed.loglik - mnl.loglik)
""",
        n_people=n_people,
        n_choices=n_choices,
        beta=list(TRUE_BETA),
        sd=sd,
        seed=seed,
        names=NAMES,
        n_draws=draws_used,
    )


def show_fits(mnl: choice.ChoiceFit, mixed: choice.ChoiceFit, sd: float) -> None:
    gain = mixed.loglik - mnl.loglik
    lr_pvalue = 0.5 * stats.chi2.sf(max(2 * gain, 0.0), 1)  # σ = 0 is on the boundary: half a χ²₁
    cols = st.columns(4)
    cols[0].metric("Log-likelihood: MNL", f"{mnl.loglik:.2f}", help="The plain logit on the same panel.")
    cols[1].metric("Log-likelihood: mixed logit", f"{mixed.loglik:.2f}", help="Simulated, with the Halton draws.")
    cols[2].metric(
        "Gain over the MNL", f"{gain:.2f}", help="One more parameter (σ); twice the gain is the LR statistic."
    )
    cols[3].metric("LR test of σ = 0: p", f"{lr_pvalue:.3g}", help="½·P(χ²₁ > 2·gain): σ = 0 is on the boundary.")
    table = estimates_table(mnl, mixed, sd)
    st.dataframe(table, hide_index=True)
    csv_download(table, "mixed_logit_estimates.csv", "Download the estimates (CSV)", key="ch_dl_mixed")
    chart(
        interval_chart,
        interval_frame(table),
        category="estimate of",
        estimate="estimate",
        low="95% low",
        high="95% high",
        reference="true",
        x_title="estimate ± 1.96 SE (red tick: the true value)",
        y_title="model: parameter",
        title=f"Mixed logit against the MNL ({mixed.n_obs:,} choices, {mixed.params.size} parameters)",
    )
    if not mixed.converged:
        st.caption("The Newton iterations stopped before converging; the estimates are the last step's.")
