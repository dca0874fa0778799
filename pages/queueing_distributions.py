"""Queueing distributions: exponential phases in series, in parallel and Coxian — and the queue they make."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import queueing as q
from lib.viz import histogram_with_density, line_chart
from lib.viz.queueing import feasibility_chart, phase_diagram, theory_vs_simulation
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, note, page_header, snippet

FAMILIES = (
    "Exponential",
    "Erlang",
    "Hypo-exponential",
    "Hyper-exponential",
    "Coxian",
    "General phase-type (α, S)",
)
SAMPLES = 20_000
GRID = 100
SWEEP_CUSTOMERS = 20_000

sample = cached(q.sample)
simulate = cached(q.simulate_queue)
theory_of = cached(q.queue_theory)
curve_by_rho = cached(q.wait_curve_by_utilization)
curve_by_scv = cached(q.wait_curve_by_scv)
convolve = cached(q.convolve_exponentials)
pdf_on = cached(q.pdf)
cdf_on = cached(q.cdf)
ecdf_on = cached(q.empirical_cdf)
summarize = cached(q.summarize_waits)
fit_fewest = cached(q.fit_two_moments)
fit_cox2 = cached(q.fit_coxian2)


def numbers(text: str, name: str) -> list[float] | None:
    values = lib_call(q.parse_vector, text, name)
    return None if values is None else values.tolist()


def interval_frame(rows, x: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            x: [r[0] for r in rows],
            "theory": [r[1] for r in rows],
            "simulated": [r[2].mean for r in rows],
            "low": [r[2].low for r in rows],
            "high": [r[2].high for r in rows],
        }
    )


page_header(
    "Queueing distributions",
    "A haircut takes an exponential time. Put a shampoo after it and the service is **hypo-exponential** "
    "(phases in series, its pdf a convolution); let each customer pick one of two barbers and it is "
    "**hyper-exponential** (phases in parallel, a mixture); let the customer decide after each phase whether "
    "to go on and it is **Coxian**. All are *phase-type*: the time a small Markov chain takes to be absorbed. "
    "Build one, check its closed form against samples, match it to a mean and variability, then send Poisson "
    "arrivals through it and watch how the **shape** of service — not just its mean — sets the wait.",
)

with note():
    st.markdown("**Exponential** service (one phase, rate μ): memoryless, mean 1/μ, SCV = Var/mean² = 1.")
    st.latex(r"f(x) = \mu e^{-\mu x},\quad x \ge 0")
    st.markdown(
        "**In series** (hair-cut at μ₁, then shampoo at μ₂): the pdf of X₁ + X₂ is the convolution. "
        "The first phase ends at t and the second takes the rest, x − t; both must be non-negative, so 0 ≤ t ≤ x:"
    )
    st.latex(
        r"f_{X_1+X_2}(x) = \int_0^x \mu_1 e^{-\mu_1 t}\,\mu_2 e^{-\mu_2 (x-t)}\,dt"
        r"= \mu_1\mu_2 e^{-\mu_2 x}\int_0^x e^{-(\mu_1-\mu_2)t}\,dt"
        r"= \frac{\mu_1\mu_2}{\mu_2-\mu_1}\left(e^{-\mu_1 x}-e^{-\mu_2 x}\right)"
    )
    st.markdown("For μ₁ = μ₂ = μ the fraction is 0/0; the integrand is constant in t and the limit is Erlang-2:")
    st.latex(r"f(x) = \mu^2 x\, e^{-\mu x}")
    st.markdown(
        "**In parallel** (the bag with coins A and B): pick branch i with probability pᵢ, then serve at μᵢ. "
        "By total probability the pdf is the mixture, and every moment mixes too:"
    )
    st.latex(r"f(x) = \sum_i p_i\,\mu_i e^{-\mu_i x},\qquad E[X^k] = k!\sum_i \frac{p_i}{\mu_i^k}")
    st.markdown(
        "**Coxian**: after phase i the customer continues to phase i + 1 with probability pᵢ (or leaves). "
        "Every one of these is a phase-type distribution PH(α, S): α is where service starts, S holds the rates "
        "between phases (diagonal −μᵢ), and s₀ = −S·1 the exit rates. Then"
    )
    st.latex(
        r"f(x) = \alpha\, e^{Sx} s_0,\qquad F(x) = 1 - \alpha\, e^{Sx}\mathbf{1},"
        r"\qquad E[X^k] = k!\,\alpha(-S)^{-k}\mathbf{1}"
    )
    st.markdown(
        "The matrix form never divides by μⱼ − μᵢ, so equal rates are no special case. With n phases the SCV "
        "is at least 1/n (Aldous & Shepp, 1987): series lowers variability, mixing raises it above 1."
    )
    st.markdown(
        "**The queue.** Poisson arrivals at rate λ, utilisation ρ = λE[S]/c. For one server, "
        "Pollaczek–Khinchine gives the mean wait in queue for *any* service distribution:"
    )
    st.latex(r"W_q = \frac{\lambda E[S^2]}{2(1-\rho)} = \frac{\rho\,E[S]\,(1+\mathrm{SCV})}{2(1-\rho)}")
    st.markdown(
        "It explodes as ρ → 1 and grows linearly with the SCV at a fixed mean. With phase-type service the whole "
        "wait is phase-type too: an atom 1 − ρ at zero and PH(α₊, S + s₀α₊) with α₊ = λα(−S)⁻¹. "
        "For c servers with exponential service, Erlang C gives the probability of waiting (a = λ/μ):"
    )
    st.latex(
        r"C(c, a) = \frac{\frac{a^c}{c!}\frac{c}{c-a}}{\sum_{k=0}^{c-1}\frac{a^k}{k!} + \frac{a^c}{c!}\frac{c}{c-a}},"
        r"\qquad W_q = \frac{C(c,a)}{c\mu-\lambda}"
    )
    st.markdown(
        "The simulation solves Lindley's recursion W₍ₙ₊₁₎ = max(0, Wₙ + Sₙ − Aₙ₊₁) for all customers at once "
        "(Wₙ = Xₙ − min(0, minⱼ≤ₙ Xⱼ) with X the running sum of Sₙ₋₁ − Aₙ); its confidence interval uses batch "
        "means, since successive waits are correlated."
    )

# --- 1. Build a service distribution -------------------------------------------------------------
st.header("1 · Build a service distribution")
family = bound(
    st.selectbox,
    "Family",
    key="q_family",
    options=FAMILIES,
    index=FAMILIES.index("Coxian"),
    help="How the exponential phases are wired: one phase, in series, in parallel, Coxian, or any (α, S).",
)
left, right = st.columns(2)
if family == "Exponential":
    with left:
        rate = bound(
            st.slider,
            "Rate μ",
            key="q_exp_rate",
            min_value=0.1,
            max_value=10.0,
            value=1.5,
            step=0.1,
            help="Services completed per minute; the mean service time is 1/μ.",
        )
    ctor, service = f"q.exponential({rate!r})", lib_call(q.exponential, rate)
elif family == "Erlang":
    with left:
        k = bound(
            st.slider,
            "Phases k",
            key="q_erl_k",
            min_value=1,
            max_value=20,
            value=3,
            help="Identical phases in series; the SCV is 1/k.",
        )
    with right:
        rate = bound(
            st.slider,
            "Rate per phase μ",
            key="q_erl_rate",
            min_value=0.1,
            max_value=20.0,
            value=4.0,
            step=0.1,
            help="Every phase runs at this rate; the mean is k/μ.",
        )
    ctor, service = f"q.erlang({k!r}, {rate!r})", lib_call(q.erlang, k, rate)
elif family == "Hypo-exponential":
    with left:
        text = bound(
            st.text_input,
            "Rates in series",
            key="q_hypo_rates",
            value="2, 3",
            max_chars=200,
            help="One rate per phase, e.g. 2, 3 (hair-cut, then shampoo). Equal rates are fine.",
        )
    rates = numbers(text, "the rates")
    ctor = f"q.hypoexponential({rates!r})"
    service = None if rates is None else lib_call(q.hypoexponential, rates)
elif family == "Hyper-exponential":
    with left:
        text_p = bound(
            st.text_input,
            "Branch probabilities",
            key="q_hyper_probs",
            value="0.4, 0.6",
            max_chars=200,
            help="Probability of taking each branch; they must sum to 1.",
        )
    with right:
        text_r = bound(
            st.text_input,
            "Branch rates",
            key="q_hyper_rates",
            value="0.8, 4",
            max_chars=200,
            help="The exponential rate of each branch, in the same order.",
        )
    probs, rates = numbers(text_p, "the branch probabilities"), numbers(text_r, "the branch rates")
    ctor = f"q.hyperexponential({probs!r}, {rates!r})"
    service = None if probs is None or rates is None else lib_call(q.hyperexponential, probs, rates)
elif family == "Coxian":
    with left:
        text_r = bound(
            st.text_input,
            "Phase rates",
            key="q_cox_rates",
            value="3, 2, 4",
            max_chars=200,
            help="One rate per phase, k phases in order.",
        )
    with right:
        text_c = bound(
            st.text_input,
            "Continue probabilities",
            key="q_cox_cont",
            value="0.6, 0.5",
            max_chars=200,
            help="k − 1 probabilities of going on to the next phase (Ciw's exit probability is 1 − this).",
        )
    rates, cont = numbers(text_r, "the phase rates"), numbers(text_c, "the continue probabilities")
    ctor = f"q.coxian({rates!r}, {cont!r})"
    service = None if rates is None or cont is None else lib_call(q.coxian, rates, cont)
else:
    with left:
        text_a = bound(
            st.text_input,
            "Initial probabilities α",
            key="q_ph_alpha",
            value="0.7, 0.2, 0.1",
            max_chars=200,
            help="Where service starts; at most 1 in total (the rest is an atom at zero).",
        )
    with right:
        text_s = bound(
            st.text_input,
            "Sub-generator S",
            key="q_ph_S",
            value="-6 2 0; 0 -3 3; 1 0 -5",
            max_chars=400,
            help="Rows separated by ';'. Negative diagonal, non-negative elsewhere, rows summing to ≤ 0.",
        )
    alpha = numbers(text_a, "α")
    matrix = lib_call(q.parse_matrix, text_s, "S")
    S = None if matrix is None else matrix.tolist()
    ctor = f"q.PhaseType({alpha!r}, {S!r})"
    service = None if alpha is None or S is None else lib_call(q.PhaseType, alpha, S)

seed = global_seed()
if service is not None:
    draws = sample(service, SAMPLES, seed)
    moments = [service.moment(k) for k in (1, 2, 3)]
    cols = st.columns(6)
    cols[0].metric("Mean E[S]", f"{service.mean:.4g}", help="α(−S)⁻¹1, in minutes.")
    cols[1].metric("Variance", f"{service.variance:.4g}", help="E[S²] − E[S]².")
    cols[2].metric("SCV", f"{service.scv:.4g}", help="Variance / mean²: 1 for exponential, < 1 series, > 1 mixtures.")
    cols[3].metric("E[S²]", f"{moments[1]:.4g}", help="2! α(−S)⁻²1; the P-K formula needs it.")
    cols[4].metric("E[S³]", f"{moments[2]:.4g}", help="3! α(−S)⁻³1.")
    cols[5].metric(
        "Sample mean", f"{draws.mean():.4g}", help=f"Mean of {SAMPLES:,} draws (phase walks) with the sidebar seed."
    )
    diagram_col, pdf_col = st.columns([2, 3])
    with diagram_col:
        st.graphviz_chart(phase_diagram(service.alpha, service.S), width="stretch")
        st.caption("Circles are phases (rate μ); arrows carry the probability of each next step.")
    grid = np.linspace(0.0, max(float(draws.max()), 1e-6), GRID)
    with pdf_col:
        curves = pd.DataFrame({"x": grid, "density": pdf_on(service, grid), "curve": "closed form α·exp(Sx)·s₀"})
        chart(
            histogram_with_density,
            draws,
            curves,
            x_title="service time (min)",
            sample_label=f"{SAMPLES:,} samples",
            title="pdf: the closed form over a histogram of simulated phase walks",
        )
    ecdf = ecdf_on(draws, grid)
    cdf_frame = pd.concat(
        [
            pd.DataFrame({"x": grid, "P(S ≤ x)": cdf_on(service, grid), "source": "closed form 1 − α·exp(Sx)·1"}),
            pd.DataFrame({"x": grid, "P(S ≤ x)": ecdf, "source": "empirical (samples)"}),
        ]
    )
    chart(
        line_chart,
        cdf_frame,
        x="x",
        y="P(S ≤ x)",
        color="source",
        dash="source",
        x_title="service time (min)",
        y_title="P(S ≤ x)",
        title="cdf: closed form and the empirical cdf of the samples",
    )

# --- 2. The convolution from the notes ----------------------------------------------------------------
st.header("2 · The convolution from the notes")
c1, c2 = st.columns(2)
with c1:
    mu1 = bound(
        st.slider,
        "μ₁ (hair-cut)",
        key="q_mu1",
        min_value=0.1,
        max_value=10.0,
        value=2.0,
        step=0.1,
        help="Rate of the first phase.",
    )
with c2:
    mu2 = bound(
        st.slider,
        "μ₂ (shampoo)",
        key="q_mu2",
        min_value=0.1,
        max_value=10.0,
        value=3.0,
        step=0.1,
        help="Rate of the second phase. Set it equal to μ₁ to see the 0/0 case handled.",
    )
xs = np.linspace(0, 6 / min(mu1, mu2) + 1 / max(mu1, mu2), 41)
conv = convolve(xs, mu1, mu2)
closed = q.hypoexponential2_pdf(xs, mu1, mu2)
matrix_form = q.hypoexponential([mu1, mu2]).pdf(xs)
conv_frame = pd.concat(
    [
        pd.DataFrame({"x": xs, "density": conv.value, "method": "∫₀ˣ numerically (scipy quad)"}),
        pd.DataFrame({"x": xs, "density": closed, "method": "closed form"}),
        pd.DataFrame({"x": xs, "density": matrix_form, "method": "phase-type α·exp(Sx)·s₀"}),
    ]
)
conv_col, table_col = st.columns([3, 2])
with conv_col:
    chart(
        line_chart,
        conv_frame,
        x="x",
        y="density",
        color="method",
        dash="method",
        x_title="x = X₁ + X₂ (min)",
        y_title="density",
        title="Three ways to the same pdf of hair-cut + shampoo",
    )
with table_col:
    picks = np.linspace(0, len(xs) - 1, 7).astype(int)[1:]
    st.dataframe(
        pd.DataFrame(
            {
                "x": np.round(xs[picks], 3),
                "quad": conv.value[picks],
                "closed form": closed[picks],
                "|quad − closed|": [f"{v:.1e}" for v in np.abs(conv.value - closed)[picks]],
                "quad's error bound": [f"{v:.1e}" for v in conv.abs_error[picks]],
            }
        ),
        hide_index=True,
    )
    formula = "μ² x e^(−μx) (equal rates)" if mu1 == mu2 else "μ₁μ₂ (e^(−μ₁x) − e^(−μ₂x)) / (μ₂ − μ₁)"
    st.caption(
        f"Closed form used: {formula}. Largest gap between quad and the closed form over the grid: "
        f"{np.abs(conv.value - closed).max():.2e}."
    )

# --- 3. Moment matching ---------------------------------------------------------------------------------
st.header("3 · Moment matching")
m1_col, m2_col = st.columns(2)
with m1_col:
    target_mean = bound(
        st.slider,
        "Target mean",
        key="q_fit_mean",
        min_value=0.1,
        max_value=10.0,
        value=1.0,
        step=0.1,
        help="The mean service time to match (min).",
    )
with m2_col:
    target_scv = bound(
        st.slider,
        "Target SCV",
        key="q_fit_scv",
        min_value=0.05,
        max_value=5.0,
        value=0.7,
        step=0.05,
        help="Variance / mean². Below 1 needs phases in series (n ≥ 1/SCV); above 1 a mixture.",
    )
uploaded = st.file_uploader(
    "…or fit service times you measured (CSV)",
    type=["csv"],
    key="q_upload",
    help="One service time per row: a column named service_time, or the first column. Overrides the sliders.",
)
times = None
if uploaded is not None:
    times = lib_call(q.read_service_times, uploaded.getvalue())
    moments = None if times is None else lib_call(q.sample_moments, times)
    if moments is None:
        times = None
    else:
        target_mean, target_scv = moments
        st.caption(
            f"Fitting {times.size:,} uploaded service times: mean {target_mean:.4g}, SCV {target_scv:.4g} "
            "(the sliders are ignored while a file is loaded)."
        )
fit = lib_call(fit_fewest, target_mean, target_scv)
if fit is not None:
    cox2 = fit_cox2(target_mean, target_scv) if target_scv >= 0.5 else None
    need = q.min_phases(target_scv)
    fit_kind = (
        "single exponential phase"
        if fit.n_phases == 1
        else "two-phase hyper-exponential (balanced means)"
        if target_scv > 1
        else f"mixture of Erlang-{need - 1} and Erlang-{need} (a {need}-phase Coxian)"
    )
    st.markdown(
        f"**Fewest phases:** a {fit_kind} matches mean {target_mean:g} and SCV {target_scv:g} exactly"
        + (" (Tijms' two-moment fit)." if fit.n_phases > 1 else ".")
    )
    fit_left, fit_right = st.columns(2)
    with fit_left:
        chart(
            feasibility_chart,
            target_scv,
            max_phases=max(10, min(20, need + 3)),
            title=f"SCV {target_scv:g} needs at least n = ⌈1/SCV⌉ = {need} phase{'s' if need > 1 else ''}",
        )
    with fit_right:
        grid_fit = np.linspace(0, target_mean * (3 + 2 * np.sqrt(target_scv)), GRID)
        if times is not None:
            grid_fit = np.linspace(0, float(times.max()), GRID)
        fits = [
            pd.DataFrame({"x": grid_fit, "density": pdf_on(fit, grid_fit), "curve": f"fewest phases ({fit.n_phases})"})
        ]
        if cox2 is not None:
            fits.append(
                pd.DataFrame({"x": grid_fit, "density": pdf_on(cox2, grid_fit), "curve": "two-phase Coxian (Marie)"})
            )
        if times is None:
            chart(
                line_chart,
                pd.concat(fits),
                x="x",
                y="density",
                color="curve",
                x_title="service time (min)",
                y_title="density",
                title="Distributions with the target mean and SCV",
            )
        else:
            chart(
                histogram_with_density,
                times,
                pd.concat(fits),
                x_title="service time (min)",
                sample_label=f"{times.size:,} uploaded times",
                title="The uploaded service times and the fitted distributions",
            )
    fit_rows = [("fewest phases", fit)] + ([("two-phase Coxian", cox2)] if cox2 is not None else [])
    st.dataframe(
        pd.DataFrame(
            {
                "fit": [name for name, _ in fit_rows],
                "phases": [d.n_phases for _, d in fit_rows],
                "rates": [", ".join(f"{r:.4g}" for r in -np.diag(d.S)) for _, d in fit_rows],
                "mean": [d.mean for _, d in fit_rows],
                "SCV": [d.scv for _, d in fit_rows],
                "E[S³]": [d.moment(3) for _, d in fit_rows],
            }
        ),
        hide_index=True,
    )
    if cox2 is None:
        st.caption(
            f"No two-phase Coxian reaches SCV {target_scv:g} (two phases give SCV ≥ 1/2); the fit uses {need} phases."
        )
    else:
        st.caption("Two moments do not pin a distribution down: both fits agree on mean and SCV but not on E[S³].")

# --- 4. The queue -------------------------------------------------------------------------------------------
st.header("4 · The queue")
source = bound(
    st.selectbox,
    "Service in the queue",
    key="q_source",
    options=("The distribution built in 1", "The fewest-phase fit from 3"),
    help="Which service distribution the customers get.",
)
queue_service = service if source.startswith("The distribution") else fit
qc = st.columns(4)
with qc[0]:
    servers = bound(
        st.slider,
        "Servers c",
        key="q_servers",
        min_value=1,
        max_value=10,
        value=1,
        help="Identical servers sharing one FCFS queue.",
    )
with qc[1]:
    rho = bound(
        st.slider,
        "Utilisation ρ",
        key="q_rho",
        min_value=0.05,
        max_value=1.2,
        value=0.8,
        step=0.01,
        help="ρ = λ E[S] / c; the arrival rate λ follows from it. At ρ ≥ 1 the queue is unstable.",
    )
with qc[2]:
    n_customers = bound(
        st.slider,
        "Customers simulated",
        key="q_customers",
        min_value=1_000,
        max_value=500_000,
        value=100_000,
        step=1_000,
        help="Customers pushed through the queue (the first 10% are dropped as warm-up for the interval).",
    )
with qc[3]:
    target = bound(
        st.slider,
        "Staffing target P(wait) ≤",
        key="q_target",
        min_value=0.01,
        max_value=0.99,
        value=0.2,
        step=0.01,
        help="For the staffing answer: the largest acceptable probability that a customer waits.",
    )

waits = None
if queue_service is None:
    st.info("Fix the service distribution in section 1 (or use the fit from section 3) to run the queue.")
else:
    lam = rho * servers / queue_service.mean
    st.markdown(
        f"Arrivals: Poisson at λ = ρc / E[S] = **{lam:.4g} per minute**; mean service {queue_service.mean:.4g} min, "
        f"SCV {queue_service.scv:.3g}; offered load a = λE[S] = **{lam * queue_service.mean:.4g} Erlangs**."
    )
    with st.spinner("Simulating the queue…"):
        waits = simulate(lam, queue_service, n_customers, servers, seed)
    if rho >= 1:
        st.warning(
            f"At ρ = {rho:g} work arrives at least as fast as the servers can do it: the queue grows without bound, "
            "so there is no steady-state mean wait to print. The simulated waits below keep climbing."
        )
        step = max(1, waits.size // 400)
        path = pd.DataFrame({"customer": np.arange(waits.size)[::step], "wait": waits[::step], "run": "simulated"})
        chart(
            line_chart,
            path,
            cache_key=("path", queue_service, servers, rho, n_customers, seed),
            x="customer",
            y="wait",
            color="run",
            x_title="customer number",
            y_title="wait in queue (min)",
            title="Each customer's wait: no steady state when ρ ≥ 1",
        )
    else:
        theory = theory_of(lam, queue_service, servers)
        summary = summarize(waits, GRID)
        interval, sim_p_wait = summary.interval, summary.prob_wait
        label = "exact" if theory.exact else "approximation"
        mc = st.columns(4)
        mc[0].metric(f"Mean wait W_q, {label}", f"{theory.mean_wait:.4g}", help=theory.method)
        mc[1].metric(
            "Simulated mean wait",
            f"{interval.mean:.4g}",
            help="Batch means over the customers after the warm-up.",
        )
        mc[1].caption(f"95% CI [{interval.low:.4g}, {interval.high:.4g}]")
        mc[2].metric(
            f"P(wait), {label}",
            f"{theory.prob_wait:.4g}",
            help="One server: ρ. Several: Erlang C (exact only for exponential service).",
        )
        mc[3].metric("Simulated P(wait)", f"{sim_p_wait:.4g}", help="Share of customers after warm-up who waited.")
        mc[3].caption(
            f"L_q = λW_q = {lam * theory.mean_wait:.4g}, W = W_q + E[S] = {theory.mean_wait + queue_service.mean:.4g}"
        )
        if interval.covers(theory.mean_wait):
            st.success(f"The {label} mean wait lies inside the simulated 95% interval.")
        elif theory.exact:
            st.warning(
                "The exact mean wait falls outside the simulated 95% interval: at high ρ the queue forgets its empty "
                "start slowly and batch means are rough — simulate more customers or change the seed."
            )
        else:
            st.warning(
                "The approximation falls outside the simulated 95% interval: Lee–Longton is only an approximation "
                "for several servers with non-exponential service."
            )

        tgrid = summary.t
        frames = [pd.DataFrame({"t": tgrid, "P(W_q ≤ t)": summary.ecdf, "source": "simulated"})]
        if theory.wait_distribution is not None:
            exact_name = "exact (M/PH/1)" if servers == 1 else "exact (M/M/c)"
            frames.insert(
                0,
                pd.DataFrame({"t": tgrid, "P(W_q ≤ t)": cdf_on(theory.wait_distribution, tgrid), "source": exact_name}),
            )
        dist_col, rho_col = st.columns(2)
        with dist_col:
            chart(
                line_chart,
                pd.concat(frames),
                cache_key=("wait cdf", queue_service, servers, rho, n_customers, seed),
                x="t",
                y="P(W_q ≤ t)",
                color="source",
                x_title="wait in queue t (min)",
                y_title="P(W_q ≤ t)",
                title="The waiting-time distribution (the jump at 0 is P(no wait))",
            )
            if theory.wait_distribution is None:
                st.caption("No closed form for several servers with non-exponential service: simulation only.")
        with rho_col:
            sweep = tuple(r for r in (0.3, 0.5, 0.7, 0.8, 0.9) if abs(r - rho) > 0.005)
            rows = curve_by_rho(queue_service, servers, sweep, SWEEP_CUSTOMERS, seed)
            rows = [*rows, (rho, theory.mean_wait, interval)]  # the simulation above, at the current ρ
            dense = np.linspace(0.05, max(rho, 0.95), 40)
            dense_theory = [
                q.mean_wait_from_moments(
                    r * servers / queue_service.mean, queue_service.mean, queue_service.scv, servers
                )
                for r in dense
            ]
            frame = pd.concat(
                [interval_frame(rows, "ρ"), pd.DataFrame({"ρ": dense, "theory": dense_theory})]
            ).sort_values("ρ")
            chart(
                theory_vs_simulation,
                frame,
                cache_key=("by rho", queue_service, servers, rho, n_customers, seed),
                x="ρ",
                theory="theory",
                estimate="simulated",
                low="low",
                high="high",
                x_title="utilisation ρ",
                y_title="mean wait in queue (min)",
                theory_label=theory.method,
                title="The wait explodes as ρ → 1 (simulated points: 20,000 customers; at your ρ: the run above)",
            )
        scv_col, staff_col = st.columns(2)
        with scv_col:
            scvs = (0.25, 0.5, 1.0, 2.0, 4.0)
            rows = curve_by_scv(queue_service.mean, scvs, rho, servers, SWEEP_CUSTOMERS, seed)
            dense_scv = np.linspace(0.25, 4.0, 16)
            dense_theory = [q.mean_wait_from_moments(lam, queue_service.mean, s, servers) for s in dense_scv]
            frame = pd.concat(
                [interval_frame(rows, "SCV"), pd.DataFrame({"SCV": dense_scv, "theory": dense_theory})]
            ).sort_values("SCV")
            chart(
                theory_vs_simulation,
                frame,
                cache_key=("by scv", queue_service.mean, servers, rho, seed),
                x="SCV",
                theory="theory",
                estimate="simulated",
                low="low",
                high="high",
                x_title="SCV of service (mean fixed)",
                y_title="mean wait in queue (min)",
                theory_label="P-K (c = 1) / Lee–Longton",
                title=f"Same mean, more variable service, longer wait (ρ = {rho:g})",
            )
        with staff_col:
            load = lam * queue_service.mean
            need_c = q.min_servers(load, target)
            options = range(int(np.floor(load)) + 1, need_c + 3)
            staff = pd.DataFrame({"servers c": list(options)})
            staff["P(wait), Erlang C"] = [q.erlang_c(c, load) for c in options]
            staff["mean wait W_q (M/M/c)"] = [q.mmc_metrics(lam, 1 / queue_service.mean, c).mean_wait for c in options]
            staff["meets target"] = np.where(staff["P(wait), Erlang C"] <= target, "yes", "no")
            st.markdown(
                f"**Staffing:** at λ = {lam:.4g}/min and E[S] = {queue_service.mean:.4g} min (a = {load:.4g} Erlangs), "
                f"the smallest number of servers with P(wait) ≤ {target:g} is **c = {need_c}**."
            )
            st.dataframe(staff, hide_index=True)
            check = simulate(lam, queue_service, SWEEP_CUSTOMERS, need_c, seed)
            st.caption(
                f"Erlang C assumes exponential service. Simulated with this service at c = {need_c}: "
                f"P(wait) = {float((check[check.size // 10 :] > 0).mean()):.3f}."
            )

    csv_download(
        lambda: pd.DataFrame({"customer": np.arange(1, waits.size + 1), "wait_in_queue": waits}),
        "simulated_waits.csv",
        "Download the simulated waits (CSV)",
        key="q_dl_waits",
    )

if queue_service is not None and fit is not None:
    snippet(
        """
from lib import queueing as q

service = $ctor_placeholder
print(service.mean, service.variance, service.scv, [service.moment(k) for k in (1, 2, 3)])
samples = service.sample(10_000, seed=$seed)

# Poisson arrivals at utilisation rho into c servers
servers, rho = $servers, $rho
arrival_rate = rho * servers / service.mean
waits = q.simulate_queue(arrival_rate, service, n_customers=$n_customers, servers=servers, seed=$seed)
print("simulated mean wait:", q.batch_means_interval(waits))
if rho < 1:
    print("theory:", q.queue_theory(arrival_rate, service, servers))

# moment matching and staffing
fit = q.fit_two_moments(mean=$target_mean, scv=$target_scv)
print(fit.n_phases, fit.mean, fit.scv)
print("servers needed:", q.min_servers(offered_load=arrival_rate * service.mean, max_prob_wait=$target))
""".replace(
            "$ctor_placeholder",
            ctor if source.startswith("The distribution") else f"q.fit_two_moments({target_mean!r}, {target_scv!r})",
        ),
        seed=seed,
        servers=servers,
        rho=rho,
        n_customers=n_customers,
        target_mean=target_mean,
        target_scv=target_scv,
        target=target,
    )
