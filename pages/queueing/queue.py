"""Section 4 · The queue: Poisson arrivals through the chosen service, theory beside simulation, and staffing."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import queueing as q
from lib.viz import line_chart
from lib.viz.queueing import theory_vs_simulation
from pages._common import bound, cached, chart, csv_download, global_seed, snippet
from pages.queueing.inputs import FitTarget, Service

SOURCES = ("The distribution built in 1", "The fewest-phase fit from 3")
GRID = 100
SWEEP_CUSTOMERS = 20_000

simulate = cached(q.simulate_queue)
theory_of = cached(q.queue_theory)
curve_by_rho = cached(q.wait_curve_by_utilization)
curve_by_scv = cached(q.wait_curve_by_scv)
cdf_on = cached(q.cdf)
summarize = cached(q.summarize_waits)


@st.fragment
def queue_section(built: Service, target: FitTarget) -> None:
    st.header("4 · The queue")
    source = bound(
        st.selectbox,
        "Service in the queue",
        key="q_source",
        options=SOURCES,
        help="Which service distribution the customers get.",
    )
    from_section_1 = source.startswith("The distribution")
    queue_service = built.distribution if from_section_1 else target.fit
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
        max_p_wait = bound(
            st.slider,
            "Staffing target P(wait) ≤",
            key="q_target",
            min_value=0.01,
            max_value=0.99,
            value=0.2,
            step=0.01,
            help="For the staffing answer: the largest acceptable probability that a customer waits.",
        )
    if queue_service is None:
        st.info("Fix the service distribution in section 1 (or use the fit from section 3) to run the queue.")
        return

    seed = global_seed()
    lam = rho * servers / queue_service.mean
    st.markdown(
        f"Arrivals: Poisson at λ = ρc / E[S] = **{lam:.4g} per minute**; mean service {queue_service.mean:.4g} min, "
        f"SCV {queue_service.scv:.3g}; offered load a = λE[S] = **{lam * queue_service.mean:.4g} Erlangs**."
    )
    with st.spinner("Simulating the queue…"):
        waits = simulate(lam, queue_service, n_customers, servers, seed)
    if rho >= 1:
        show_unstable_queue(waits, queue_service, servers, rho, n_customers, seed)
    else:
        show_stable_queue(waits, lam, queue_service, servers, rho, n_customers, max_p_wait, seed)

    csv_download(
        lambda: pd.DataFrame({"customer": np.arange(1, waits.size + 1), "wait_in_queue": waits}),
        "simulated_waits.csv",
        "Download the simulated waits (CSV)",
        key="q_dl_waits",
    )
    fit_ctor = f"q.fit_two_moments({target.mean!r}, {target.scv!r})"
    snippet(
        """
from lib import queueing as q

service = $ctor
print(service.mean, service.variance, service.scv)

# Poisson arrivals at utilisation rho into c servers
servers, rho = $servers, $rho
arrival_rate = rho * servers / service.mean
waits = q.simulate_queue(arrival_rate, service, n_customers=$n_customers, servers=servers, seed=$seed)
print("simulated mean wait:", q.batch_means_interval(waits))
if rho < 1:
    print("theory:", q.queue_theory(arrival_rate, service, servers))

# staffing
print("servers needed:", q.min_servers(offered_load=arrival_rate * service.mean, max_prob_wait=$max_p_wait))
""".replace("$ctor", built.ctor if from_section_1 else fit_ctor),
        seed=seed,
        servers=servers,
        rho=rho,
        n_customers=n_customers,
        max_p_wait=max_p_wait,
    )


def interval_frame(rows, x: str) -> pd.DataFrame:
    """Sweep rows (x, theory, simulated interval) as a table for ``theory_vs_simulation``."""
    return pd.DataFrame(
        {
            x: [r[0] for r in rows],
            "theory": [r[1] for r in rows],
            "simulated": [r[2].mean for r in rows],
            "low": [r[2].low for r in rows],
            "high": [r[2].high for r in rows],
        }
    )


def show_unstable_queue(
    waits: np.ndarray, service: q.PhaseType, servers: int, rho: float, n_customers: int, seed: int
) -> None:
    """At ρ ≥ 1 there is no steady state: say so and show the waits climbing."""
    st.warning(
        f"At ρ = {rho:g} work arrives at least as fast as the servers can do it: the queue grows without bound, "
        "so there is no steady-state mean wait to print. The simulated waits below keep climbing."
    )
    step = max(1, waits.size // 400)
    path = pd.DataFrame({"customer": np.arange(waits.size)[::step], "wait": waits[::step], "run": "simulated"})
    chart(
        line_chart,
        path,
        cache_key=("path", service, servers, rho, n_customers, seed),
        x="customer",
        y="wait",
        color="run",
        x_title="customer number",
        y_title="wait in queue (min)",
        title="Each customer's wait: no steady state when ρ ≥ 1",
    )


def show_stable_queue(
    waits: np.ndarray,
    lam: float,
    service: q.PhaseType,
    servers: int,
    rho: float,
    n_customers: int,
    max_p_wait: float,
    seed: int,
) -> None:
    """The theory beside the simulation, the wait's distribution, the two sweeps and the staffing answer."""
    theory = theory_of(lam, service, servers)
    summary = summarize(waits, GRID)
    show_wait_metrics(theory, summary, lam, service)
    dist_col, rho_col = st.columns(2)
    with dist_col:
        wait_distribution(theory, summary, service, servers, rho, n_customers, seed)
    with rho_col:
        wait_by_utilization(theory, summary.interval, service, servers, rho, n_customers, seed)
    scv_col, staff_col = st.columns(2)
    with scv_col:
        wait_by_scv(lam, service, servers, rho, seed)
    with staff_col:
        staffing(lam, service, max_p_wait, seed)


def show_wait_metrics(theory: q.QueueTheory, summary: q.WaitSummary, lam: float, service: q.PhaseType) -> None:
    """Mean wait and P(wait), theory and simulation, and whether the theory lies inside the interval."""
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
    mc[3].caption(f"L_q = λW_q = {lam * theory.mean_wait:.4g}, W = W_q + E[S] = {theory.mean_wait + service.mean:.4g}")
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


def wait_distribution(
    theory: q.QueueTheory,
    summary: q.WaitSummary,
    service: q.PhaseType,
    servers: int,
    rho: float,
    n_customers: int,
    seed: int,
) -> None:
    """The simulated cdf of the wait in queue, with the exact one where there is a closed form."""
    tgrid = summary.t
    frames = [pd.DataFrame({"t": tgrid, "P(W_q ≤ t)": summary.ecdf, "source": "simulated"})]
    if theory.wait_distribution is not None:
        exact_name = "exact (M/PH/1)" if servers == 1 else "exact (M/M/c)"
        frames.insert(
            0,
            pd.DataFrame({"t": tgrid, "P(W_q ≤ t)": cdf_on(theory.wait_distribution, tgrid), "source": exact_name}),
        )
    chart(
        line_chart,
        pd.concat(frames),
        cache_key=("wait cdf", service, servers, rho, n_customers, seed),
        x="t",
        y="P(W_q ≤ t)",
        color="source",
        x_title="wait in queue t (min)",
        y_title="P(W_q ≤ t)",
        title="The waiting-time distribution (the jump at 0 is P(no wait))",
    )
    if theory.wait_distribution is None:
        st.caption("No closed form for several servers with non-exponential service: simulation only.")


def wait_by_utilization(
    theory: q.QueueTheory,
    interval: q.MeanInterval,
    service: q.PhaseType,
    servers: int,
    rho: float,
    n_customers: int,
    seed: int,
) -> None:
    """Mean wait against ρ: the theory as a curve, short simulations as points, the run above at the current ρ."""
    sweep = tuple(r for r in (0.3, 0.5, 0.7, 0.8, 0.9) if abs(r - rho) > 0.005)
    rows = curve_by_rho(service, servers, sweep, SWEEP_CUSTOMERS, seed)
    rows = [*rows, (rho, theory.mean_wait, interval)]  # the simulation above, at the current ρ
    dense = np.linspace(0.05, max(rho, 0.95), 40)
    dense_theory = [
        q.mean_wait_from_moments(r * servers / service.mean, service.mean, service.scv, servers) for r in dense
    ]
    frame = pd.concat([interval_frame(rows, "ρ"), pd.DataFrame({"ρ": dense, "theory": dense_theory})]).sort_values("ρ")
    chart(
        theory_vs_simulation,
        frame,
        cache_key=("by rho", service, servers, rho, n_customers, seed),
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


def wait_by_scv(lam: float, service: q.PhaseType, servers: int, rho: float, seed: int) -> None:
    """Mean wait against the SCV of service at the same mean and ρ."""
    scvs = (0.25, 0.5, 1.0, 2.0, 4.0)
    rows = curve_by_scv(service.mean, scvs, rho, servers, SWEEP_CUSTOMERS, seed)
    dense_scv = np.linspace(0.25, 4.0, 16)
    dense_theory = [q.mean_wait_from_moments(lam, service.mean, s, servers) for s in dense_scv]
    frame = pd.concat(
        [interval_frame(rows, "SCV"), pd.DataFrame({"SCV": dense_scv, "theory": dense_theory})]
    ).sort_values("SCV")
    chart(
        theory_vs_simulation,
        frame,
        cache_key=("by scv", service.mean, servers, rho, seed),
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


def staffing(lam: float, service: q.PhaseType, max_p_wait: float, seed: int) -> None:
    """The fewest servers with P(wait) ≤ the target (Erlang C), checked by simulating this service."""
    load = lam * service.mean
    need_c = q.min_servers(load, max_p_wait)
    options = range(int(np.floor(load)) + 1, need_c + 3)
    staff = pd.DataFrame({"servers c": list(options)})
    staff["P(wait), Erlang C"] = [q.erlang_c(c, load) for c in options]
    staff["mean wait W_q (M/M/c)"] = [q.mmc_metrics(lam, 1 / service.mean, c).mean_wait for c in options]
    staff["meets target"] = np.where(staff["P(wait), Erlang C"] <= max_p_wait, "yes", "no")
    st.markdown(
        f"**Staffing:** at λ = {lam:.4g}/min and E[S] = {service.mean:.4g} min (a = {load:.4g} Erlangs), "
        f"the smallest number of servers with P(wait) ≤ {max_p_wait:g} is **c = {need_c}**."
    )
    st.dataframe(staff, hide_index=True)
    check = simulate(lam, service, SWEEP_CUSTOMERS, need_c, seed)
    st.caption(
        f"Erlang C assumes exponential service. Simulated with this service at c = {need_c}: "
        f"P(wait) = {float((check[check.size // 10 :] > 0).mean()):.3f}."
    )
