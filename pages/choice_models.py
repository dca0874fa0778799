"""Choice models: the red bus / blue bus paradox, a utility builder, estimation from data, and the probit."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import choice
from lib.viz import heatmap
from lib.viz.choice import convergence_chart, estimate_bands, share_bars
from pages._common import (
    bound,
    cached,
    chart,
    csv_download,
    global_seed,
    lib_call,
    note,
    page_header,
    plain,
    snippet,
)

ATTRIBUTES = ("price", "time", "comfort")
SANDBOX_ASCS = (0.5, -0.3)  # true constants of alternatives 1 and 2 in the sandbox

scenarios = cached(choice.market_scenarios)
sandbox = cached(choice.estimation_sandbox)
recovery = cached(choice.recovery_study)
convergence = cached(choice.probit_convergence)
integrated = cached(choice.probit_probabilities_integrated)
parse_market = cached(choice.parse_market)
elasticity_matrix = cached(choice.elasticities)
fit_csv = cached(choice.fit_choice_csv)


@st.cache_data(max_entries=64, show_spinner=False)
def red_bus_view(v_car: float, v_bus: float, lam: float, rho: float, seed: int) -> dict:
    """The red-bus shares with the rows the chart draws, the car's shares and the zero-sum table."""
    shares = choice.red_bus_shares(v_car, v_bus, lam, rho, 20_000, seed)
    is_before = shares["scenario"] == "before"
    row = np.where(
        is_before,
        np.where(shares["model"].str.startswith("probit"), "before: probit", "before: logit (and nested)"),
        "after: " + shares["model"],
    )
    display = shares.assign(row=row).drop_duplicates(["row", "alternative"])
    car = shares[shares["alternative"] == "car"]
    return {
        "shares": shares,
        "display": display,
        "car_before": float(car[car["scenario"] == "before"]["share"].iloc[0]),
        "car_after": dict(
            zip(car[car["scenario"] == "after"]["model"], car[car["scenario"] == "after"]["share"], strict=True)
        ),
        "sources": choice.clone_sources(shares),
    }


def fit_summary(fits: dict[str, choice.ChoiceFit]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "model": list(fits),
            "log-likelihood": [f.loglik for f in fits.values()],
            "null LL (equal shares)": [f.null_loglik for f in fits.values()],
            "ρ²": [f.rho_squared for f in fits.values()],
            "AIC": [f.aic for f in fits.values()],
            "parameters": [f.n_estimated for f in fits.values()],
            "observations": [f.n_obs for f in fits.values()],
        }
    )


page_header(
    "Choice models",
    "People pick the alternative with the highest utility, and demand moves between products according to "
    "their attributes: a **zero-sum game** of shares. Add a blue bus identical to the red bus, and common "
    "sense says it takes riders only from the red bus; the multinomial logit takes them from the car too "
    "(IIA). Compare the logit, the nested logit and the probit below, build a market from attributes and "
    "tastes, and estimate the models from simulated or uploaded choices.",
)

with note():
    st.markdown(
        "**Utility theory.** Person $n$ gets utility $U_{nj} = V_{nj} + \\varepsilon_{nj}$ from alternative $j$, "
        "with a systematic part linear in the attributes, $V_{nj} = x_{nj}^\\top \\beta$, and picks the largest. "
        "The coefficients say which attribute drives the choice and by how much; their ratios are prices: "
        "the value of time is $\\beta_{time} / \\beta_{price}$."
    )
    st.latex(r"P_{nj} = P\big(U_{nj} > U_{nk}\ \forall k \ne j\big)")
    st.markdown(
        "**Logit.** With i.i.d. Gumbel errors the probability has a closed form, and the ratio of two "
        "probabilities ignores every other alternative (independence of irrelevant alternatives):"
    )
    st.latex(r"P_{nj} = \frac{e^{V_{nj}}}{\sum_k e^{V_{nk}}}, \qquad \frac{P_{ni}}{P_{nj}} = e^{V_{ni} - V_{nj}}")
    st.markdown(
        "**Zero sum.** Shares add up to 1, so whatever a new product wins the others lose. Under the logit "
        "every alternative loses the same *fraction* of its share: an identical blue bus takes a third of "
        "the car's riders. **Nested logit** puts the buses in a nest with dissimilarity $\\lambda$ "
        "($\\lambda = \\sqrt{1 - \\text{corr}}$ of the nest's utilities; $\\lambda = 1$ is the logit):"
    )
    st.latex(
        r"P_i = \frac{e^{V_i/\lambda_k}}{\sum_{j \in k} e^{V_j/\lambda_k}} \cdot "
        r"\frac{e^{\lambda_k I_k}}{\sum_l e^{\lambda_l I_l}}, \qquad I_k = \log \sum_{j\in k} e^{V_j/\lambda_k}"
    )
    st.markdown("With car, red bus and blue bus equally good, $I_{bus} = V + \\lambda^{-1}\\cdot\\lambda\\log 2$ gives")
    st.latex(r"P(\text{car}) = \frac{e^{V}}{e^{V} + e^{V + \lambda \log 2}} = \frac{1}{1 + 2^{\lambda}}")
    st.markdown(
        "from 1/3 (λ = 1, logit) to 1/2 (λ → 0, the buses are one alternative). **Probit** takes normal errors "
        "with any covariance: correlated bus errors give the same effect, but the probability is an integral, "
        "simulated here with GHK (Geweke–Hajivassiliou–Keane). **Estimation** maximises "
        "$\\log L(\\beta) = \\sum_n [V_{n c_n} - \\log \\sum_j e^{V_{nj}}]$ with gradient "
        "$\\sum_n (x_{n c_n} - \\bar x_n)$ and Hessian "
        "$-\\sum_n \\sum_j P_{nj} (x_{nj} - \\bar x_n)(x_{nj} - \\bar x_n)^\\top$; "
        "standard errors are the square roots of the diagonal of the inverse of minus the Hessian."
    )
    st.markdown(
        "**Checked against a published table.** On Greene's travel-mode data (210 trips between Sydney, "
        "Canberra and Melbourne by air, train, bus or car; bundled with statsmodels as `modechoice`), "
        "`fit_conditional_logit` reproduces the conditional logit of Greene (2003), *Econometric Analysis*, "
        "5th ed., Table 21.11: generalized cost −0.015501 (SE 0.004408), terminal time −0.096125 (0.010440), "
        "log-likelihood −199.128, to the printed digits (the test suite checks it)."
    )

# --- 1. Red bus / blue bus -------------------------------------------------------------------------
st.header("1 · Red bus, blue bus")
car_col, bus_col, lam_col, rho_col = st.columns(4)
with car_col:
    v_car = bound(
        st.slider,
        "Utility of the car",
        key="ch_v_car",
        min_value=-3.0,
        max_value=3.0,
        value=0.0,
        step=0.1,
        help="Systematic utility V of driving; only differences of utilities matter.",
    )
with bus_col:
    v_bus = bound(
        st.slider,
        "Utility of the bus",
        key="ch_v_bus",
        min_value=-3.0,
        max_value=3.0,
        value=0.0,
        step=0.1,
        help="Systematic utility of the red bus; the blue bus is identical, so it gets the same.",
    )
with lam_col:
    lam = bound(
        st.slider,
        "Nested logit λ",
        key="ch_lambda",
        min_value=0.05,
        max_value=1.0,
        value=0.5,
        step=0.05,
        help="Dissimilarity of the bus nest: 1 = independent errors (the logit), near 0 = the buses are the same.",
    )
with rho_col:
    rho = bound(
        st.slider,
        "Probit error correlation ρ",
        key="ch_rho",
        min_value=0.0,
        max_value=0.99,
        value=0.9,
        step=0.01,
        help="Correlation of the two buses' errors in the probit (their variance is π²/6, as the logit's).",
    )
seed = global_seed()
view = red_bus_view(v_car, v_bus, lam, rho, seed)
shares, display, before_car = view["shares"], view["display"], view["car_before"]
chart(
    share_bars,
    display,
    row="row",
    segment="alternative",
    share="share",
    title="Shares before and after an identical blue bus appears",
    cache_key=(v_car, v_bus, lam, rho, seed),
)
metrics = st.columns(4)
for col, (model, after_car) in zip(metrics, view["car_after"].items(), strict=True):
    col.metric(
        f"P(car) after: {model}",
        f"{after_car:.4f}",
        delta=f"{100 * (after_car - before_car):+.2f} pp",
        delta_color="off",
        help="The car's share once the blue bus exists; the change is against the logit's share before.",
    )
identity_nested = choice.nested_logit_probabilities([0.0, 0.0, 0.0], [[0], [1, 2]], [1.0, lam])[0]
st.caption(
    f"Check, equal utilities: the nested logit gives P(car) = {identity_nested:.6f} and 1/(1 + 2^λ) = "
    f"{choice.red_bus_car_share(lam):.6f} for λ = {lam:g} (1/3 for the logit, 1/2 as λ → 0)."
)
st.markdown("**Zero sum: where the blue bus's riders come from**")
st.dataframe(view["sources"], hide_index=True)
csv_download(shares, "red_bus_blue_bus_shares.csv", "Download the shares (CSV)", key="ch_dl_shares")

# --- 2. Utility builder ----------------------------------------------------------------------------
st.header("2 · Build a market from attributes and tastes")
market_text = bound(
    st.text_input,
    "Alternatives: name: price, time, comfort; …",
    key="ch_market",
    value="car: 6, 30, 1; bus: 2, 50, 0; train: 4, 35, 1",
    max_chars=300,
    help="Two to eight alternatives separated by semicolons, each with its price (€), travel time (minutes) "
    "and comfort (0 to 1).",
)
b_price_col, b_time_col, b_comfort_col = st.columns(3)
with b_price_col:
    b_price = bound(
        st.slider,
        "β price (per €)",
        key="ch_b_price",
        min_value=-1.0,
        max_value=-0.01,
        value=-0.3,
        step=0.01,
        help="Taste for price: utility lost per euro. Negative: dearer is worse.",
    )
with b_time_col:
    b_time = bound(
        st.slider,
        "β time (per minute)",
        key="ch_b_time",
        min_value=-0.1,
        max_value=0.0,
        value=-0.04,
        step=0.005,
        help="Utility lost per minute of travel time.",
    )
with b_comfort_col:
    b_comfort = bound(
        st.slider,
        "β comfort",
        key="ch_b_comfort",
        min_value=-1.0,
        max_value=2.0,
        value=0.5,
        step=0.1,
        help="Utility of comfort (0 = none, 1 = full).",
    )
market = lib_call(parse_market, market_text, ATTRIBUTES)
if market is not None:
    names, X_market = market
    beta = np.array([b_price, b_time, b_comfort])
    change_col, factor_col, new_col = st.columns(3)
    with change_col:
        changed = bound(
            st.selectbox,
            "Change the price of",
            key="ch_change_alt",
            options=list(names),
            help="The alternative whose price moves in the what-if scenario.",
        )
    with factor_col:
        change_pct = bound(
            st.slider,
            "Price change (%)",
            key="ch_price_change",
            min_value=-50,
            max_value=100,
            value=20,
            step=5,
            help="How much that alternative's price changes in the what-if scenario.",
        )
    with new_col:
        new_text = bound(
            st.text_input,
            "New product (name: price, time, comfort; empty for none)",
            key="ch_new",
            value="express: 5, 25, 1",
            max_chars=80,
            help="A product that joins the market in the last scenario.",
        )
    new_product = lib_call(parse_market, new_text, ATTRIBUTES, 1) if new_text.strip() else None
    new_name, new_x = (new_product[0][0], new_product[1][0]) if new_product else (None, None)
    changed_index = list(names).index(changed) if changed in names else 0
    market_shares = lib_call(scenarios, names, X_market, beta, changed_index, 1 + change_pct / 100, new_name, new_x)
    if market_shares is not None:
        chart(
            share_bars,
            market_shares,
            row="scenario",
            segment="alternative",
            share="share",
            title="Logit shares today, after the price change and with the new product",
            cache_key=(market_text, b_price, b_time, b_comfort, changed, change_pct, new_text),
        )
        st.caption(
            "Under the logit, a new product takes the same fraction of every alternative's share (IIA), "
            "however similar it is to each of them."
        )
    E = elasticity_matrix(X_market, beta, 0)
    wtp = choice.willingness_to_pay(beta, ATTRIBUTES, "price")
    heat_col, wtp_col = st.columns([3, 2])
    with heat_col:
        chart(
            heatmap,
            E,
            list(names),
            list(names),
            x_title="price of",
            y_title="share of",
            value_title="elasticity",
            fmt=".3f",
            title="Price elasticities: % change in each share per 1 % change in each price",
            cache_key=(market_text, b_price, b_time, b_comfort),
        )
    with wtp_col:
        value_of_time = 60 * b_time / b_price
        st.metric(
            "Value of time",
            f"€{value_of_time:.2f} per hour",
            help="β_time / β_price × 60: what a traveller pays to save an hour.",
        )
        st.markdown("**Willingness to pay** for one more unit: −β / β_price")
        st.dataframe(wtp, hide_index=True)
        st.caption(
            "Own elasticities are on the diagonal; under the logit every cross-elasticity in a column is the "
            "same: a price change shifts demand proportionally from every other alternative."
        )
    csv_download(
        pd.DataFrame(E, index=list(names), columns=list(names)).reset_index(names="share of"),
        "price_elasticities.csv",
        "Download the elasticities (CSV)",
        key="ch_dl_elasticities",
    )

# --- 3. Estimation ---------------------------------------------------------------------------------
st.header("3 · Estimate the models from choices")
st.subheader("a · Recovery sandbox: simulate choices with known coefficients, then fit")
n_col, true_lam_col, b1_col, b2_col = st.columns(4)
with n_col:
    n_obs = bound(
        st.slider,
        "Sample size",
        key="ch_n",
        min_value=200,
        max_value=20_000,
        value=2000,
        step=100,
        help="Simulated choice situations, each among 3 alternatives (0, 1, 2).",
    )
with true_lam_col:
    true_lam = bound(
        st.slider,
        "True λ of the nest {1, 2}",
        key="ch_true_lambda",
        min_value=0.1,
        max_value=1.0,
        value=0.5,
        step=0.05,
        help="Choices are drawn from a nested logit with alternatives 1 and 2 nested; λ = 1 makes them MNL.",
    )
with b1_col:
    b1 = bound(
        st.slider,
        "True β of x1",
        key="ch_b1",
        min_value=-2.0,
        max_value=0.0,
        value=-1.0,
        step=0.1,
        help="Coefficient of the first attribute (a price-like attribute, standard normal across alternatives).",
    )
with b2_col:
    b2 = bound(
        st.slider,
        "True β of x2",
        key="ch_b2",
        min_value=0.0,
        max_value=2.0,
        value=0.6,
        step=0.1,
        help="Coefficient of the second attribute (a quality-like attribute).",
    )
true_beta = (*SANDBOX_ASCS, b1, b2)
with st.spinner("Simulating and fitting…"):
    result = lib_call(sandbox, true_beta, true_lam, n_obs, seed)
if result is not None:
    truth = [*true_beta, true_lam]
    mnl_table, nested_table = result.mnl.table(), result.nested.table()
    comparison = pd.DataFrame(
        {
            "parameter": nested_table["parameter"],
            "true": truth,
            "conditional logit": [*mnl_table["estimate"], 1.0],
            "CL std. error": [*mnl_table["std_error"], 0.0],
            "nested logit": nested_table["estimate"],
            "NL std. error": nested_table["std_error"],
            "NL t-stat": nested_table["t_stat"],
        }
    )
    st.dataframe(comparison, hide_index=True)
    st.caption(
        "The conditional logit fixes λ = 1. The nested logit's t-statistic for λ is against 1 (the logit); "
        "the others are against 0."
    )
    st.dataframe(fit_summary({"conditional logit": result.mnl, "nested logit": result.nested}), hide_index=True)
    lr_col, hm_col = st.columns(2)
    for col, test in ((lr_col, result.lr_test), (hm_col, result.hausman)):
        col.metric(
            f"IIA test: {test.name}",
            f"χ² = {test.statistic:.2f} (df {test.df})",
            help="Large values reject the logit's independence of irrelevant alternatives.",
        )
        col.caption(
            f"p-value {test.pvalue:.3g}: "
            + ("IIA is rejected at 5 %." if test.pvalue < 0.05 else "no evidence against IIA at 5 %.")
        )
    recovery_model = bound(
        st.radio,
        "Track as the sample grows",
        key="ch_recovery_model",
        options=["conditional logit", "nested logit"],
        horizontal=True,
        help="Refit on the first n simulated choices, n from 200 up to the sample size. With λ < 1 only the "
        "nested logit is correctly specified: the logit's estimates settle on the wrong values.",
    )
    with st.spinner("Refitting as the sample grows…"):
        path = lib_call(
            recovery,
            true_beta,
            true_lam,
            n_obs,
            seed,
            model="nested" if recovery_model == "nested logit" else "conditional",
        )
    if path is not None and len(path):
        bands = path.assign(low=path.estimate - 1.96 * path.std_error, high=path.estimate + 1.96 * path.std_error)
        chart(
            estimate_bands,
            bands,
            x="n",
            estimate="estimate",
            low="low",
            high="high",
            truth="truth",
            parameter="parameter",
            x_title="observations used (log scale)",
            y_title="estimate ± 1.96 SE",
            title=f"{recovery_model.capitalize()}: estimates (solid, 95% band) close in on the truth (dashed)?",
            cache_key=(true_beta, true_lam, n_obs, seed, recovery_model),
        )
    csv_download(
        lambda: choice.to_long_frame(result.X, result.choice, result.mnl.names, ["0", "1", "2"]),
        "simulated_choices.csv",
        "Download the simulated choices (long-format CSV, readable by part b)",
        key="ch_dl_simulated",
    )

st.subheader("b · Your data: upload a CSV")
st.markdown(
    "**Long format** (one row per person and alternative): `obs` (choice situation id), `alt` (alternative "
    "name), `chosen` (1 on the chosen row, else 0), optional `available` (0/1; a missing row also means "
    "unavailable), and numeric attribute columns (every other column, e.g. `price`, `time`).  \n"
    "**Wide format** (one row per person): `choice` (name of the chosen alternative), attributes as "
    "`<attribute>_<alternative>` (e.g. `price_car`, `price_bus`) and optional availability `av_<alternative>`.  \n"
    "A constant is added for every alternative but the first (the reference). The simulated sample above "
    "downloads in long format."
)
layout_col, nest_col = st.columns(2)
with layout_col:
    layout = bound(
        st.radio,
        "Layout",
        key="ch_layout",
        options=["long", "wide"],
        horizontal=True,
        help="Long: one row per observation and alternative. Wide: one row per observation.",
    )
with nest_col:
    nest_text = bound(
        st.text_input,
        "Nest for the nested logit (alternative names, comma-separated; empty for none)",
        key="ch_nest",
        value="",
        max_chars=200,
        help="Two or more alternatives that share unobserved traits (e.g. 1, 2 for the simulated data); "
        "the others stay alone.",
    )
upload = st.file_uploader(
    "Choice data (CSV)", type="csv", key="ch_upload", help="At most 10 MB; see the expected columns above."
)
fitted = None
if upload is not None:
    with st.spinner("Fitting…"):
        fitted = lib_call(fit_csv, upload.getvalue(), layout, tuple(nest_text.split(",")))
if fitted is not None:
    data = fitted.data
    counts = np.bincount(data.choice, minlength=len(data.alternatives))
    chosen_text = ", ".join(f"{a} {c}" for a, c in zip(data.alternatives, counts, strict=True))
    st.caption(f"{data.X.shape[0]:,} observations; times each alternative was chosen: {plain(chosen_text)}.")
    fits = {"conditional logit": fitted.mnl}
    tables = [fitted.mnl.table().assign(model="conditional logit")]
    if fitted.nested is not None:
        fits["nested logit"] = fitted.nested
        tables.append(fitted.nested.table().assign(model="nested logit"))
    estimates = pd.concat(tables, ignore_index=True)
    st.dataframe(estimates, hide_index=True)
    st.dataframe(fit_summary(fits), hide_index=True)
    if fitted.lr_test is not None:
        test = fitted.lr_test
        st.metric(
            "IIA test: likelihood ratio, nested vs MNL",
            f"χ² = {test.statistic:.2f} (df {test.df}), p = {test.pvalue:.3g}",
            help="Large values reject independence of irrelevant alternatives for this nest.",
        )
    csv_download(estimates, "choice_model_estimates.csv", "Download the estimates (CSV)", key="ch_dl_estimates")

# --- 4. Probit by simulation -----------------------------------------------------------------------
st.header("4 · Probit probabilities by simulation")
draws = bound(
    st.slider,
    "Simulation draws",
    key="ch_draws",
    min_value=10,
    max_value=100_000,
    value=2000,
    step=10,
    help="Simulation draws for the probit; the curves show estimates from 10 draws up to this many, by GHK "
    "and by the crude frequency simulator.",
)
V_after = np.array([v_car, v_bus, v_bus])
cov = choice.LOGIT_ERROR_VARIANCE * choice.red_bus_covariance(rho)
path = convergence(V_after, cov, draws, seed)
reference = integrated(V_after, cov)
labels = np.array(choice.RED_BUS_ALTERNATIVES)
path = path.assign(
    alternative=labels[path["alternative"]],
    reference=reference[path["alternative"]],
    simulator=path["method"].map({"ghk": "GHK", "frequency": "frequency (count the winners)"}),
).drop(columns="method")
chart(
    convergence_chart,
    path,
    x="draws",
    y="probability",
    color="alternative",
    reference="reference",
    dash="simulator",
    x_title="draws (log scale)",
    y_title="simulated probability",
    title=f"Probit, car / red bus / blue bus (ρ = {rho:g}): GHK settles on the integrated value (grey) long "
    "before counting winners does",
    cache_key=(v_car, v_bus, rho, draws, seed),
)
final = path[(path["draws"] == path["draws"].max()) & (path["simulator"] == "GHK")]
probit_cols = st.columns(3)
for col, row in zip(probit_cols, final.itertuples(), strict=True):
    col.metric(
        f"P({row.alternative}) with {row.draws:,} draws",
        f"{row.probability:.4f}",
        delta=f"{row.probability - row.reference:+.5f} vs integrated {row.reference:.4f}",
        delta_color="off",
        help="GHK estimate, rescaled so the three add up to 1; the delta is its distance to the probability "
        "integrated numerically (the multivariate normal cdf of the utility differences).",
    )
binary = choice.probit_binary_exact(v_car, v_bus, choice.LOGIT_ERROR_VARIANCE * np.eye(2))
st.caption(
    f"Before the clone there are two alternatives and the probit is exact: P(car) = Φ((V_car − V_bus) / "
    f"√(π²/3)) = {binary:.4f}, against the logit's {before_car:.4f}."
)

snippet(
    """
import numpy as np
from lib.choice import (
    estimation_sandbox, mnl_probabilities, nested_logit_probabilities, probit_probabilities,
    red_bus_car_share, red_bus_covariance,
)

V = np.array([$v_car, $v_bus, $v_bus])  # car, red bus, blue bus
print(mnl_probabilities(V))
print(nested_logit_probabilities(V, [[0], [1, 2]], [1.0, $lam]))
print(probit_probabilities(V, np.pi**2 / 6 * red_bus_covariance($rho), n_draws=$draws, seed=$seed))
print(red_bus_car_share($lam))  # P(car) for equal utilities: 1 / (1 + 2**lam)

result = estimation_sandbox($true_beta, lam=$true_lam, n_obs=$n_obs, seed=$seed)
print(result.mnl.table(), result.nested.table(), sep="\\n")
print(result.lr_test)
""",
    v_car=v_car,
    v_bus=v_bus,
    lam=lam,
    rho=rho,
    draws=draws,
    seed=seed,
    true_beta=list(true_beta),
    true_lam=true_lam,
    n_obs=n_obs,
)
