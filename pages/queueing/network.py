"""Section 6 · Networks: the notes' haircut → shampoo as a tandem and any open Jackson network: solved, simulated."""

import pandas as pd
import streamlit as st

from lib import queueing as q
from lib.viz import interval_chart
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, prose, snippet

KINDS = ("Haircut → shampoo (tandem)", "Open Jackson network (typed)")
solve = cached(q.jackson_network)
simulate = cached(q.simulate_network)


def _rate(label: str, key: str, value: float, help: str) -> float:
    return bound(st.slider, label, key=key, min_value=0.1, max_value=10.0, value=value, step=0.1, help=help)


def _servers(label: str, key: str) -> int:
    return bound(st.slider, label, key=key, min_value=1, max_value=5, value=1, help="Servers at this station.")


def tandem_inputs() -> tuple[list, list, list, list]:
    cols = st.columns(5)
    with cols[0]:
        lam = _rate("Arrivals λ (per min)", "q_tan_lambda", 0.8, "Poisson arrivals at the haircut.")
    with cols[1]:
        mu1 = _rate("Haircut rate μ₁", "q_tan_mu1", 1.2, "Each barber's service rate.")
    with cols[2]:
        mu2 = _rate("Shampoo rate μ₂", "q_tan_mu2", 2.0, "Each shampooer's service rate.")
    with cols[3]:
        c1 = _servers("Barbers c₁", "q_tan_c1")
    with cols[4]:
        c2 = _servers("Shampooers c₂", "q_tan_c2")
    return [lam, 0.0], [[0.0, 1.0], [0.0, 0.0]], [mu1, mu2], [c1, c2]


def jackson_inputs() -> tuple | None:
    """The four typed inputs, parsed one after the other: the first bad one gives the only error."""
    cols = st.columns(4)
    with cols[0]:
        gamma = bound(
            st.text_input,
            "Outside arrivals γ",
            key="q_net_external",
            value="1, 0.5, 0",
            max_chars=400,
            help="One rate per station (commas or spaces); up to 10 stations.",
        )
    with cols[1]:
        routing = bound(
            st.text_input,
            "Routing R (rows ; )",
            key="q_net_routing",
            value="0 0.5 0.3; 0.2 0 0.5; 0 0.1 0",
            max_chars=400,
            help="R[i][j] = P(a customer leaving station i goes to j); rows separated by "
            "';'; what a row leaves over exits the network.",
        )
    with cols[2]:
        rates = bound(
            st.text_input,
            "Service rates μ",
            key="q_net_rates",
            value="3, 2, 2.5",
            max_chars=400,
            help="Each server's rate, per station.",
        )
    with cols[3]:
        servers = bound(
            st.text_input,
            "Servers c",
            key="q_net_servers",
            value="1, 2, 1",
            max_chars=400,
            help="Whole number of servers per station.",
        )
    parsed = []
    for parse in (
        lambda: q.parse_vector(gamma, "γ", max_size=q.MAX_STATIONS),
        lambda: q.parse_matrix(routing, "R", max_size=q.MAX_STATIONS),
        lambda: q.parse_vector(rates, "μ", max_size=q.MAX_STATIONS),
        lambda: q.parse_vector(servers, "c", max_size=q.MAX_STATIONS),
    ):
        value = lib_call(parse)
        if value is None:
            return None
        parsed.append(value.tolist())
    return tuple(parsed)


def station_table(gamma, routing, stations, sim: q.NetworkSimulation) -> pd.DataFrame:
    lam = q.traffic_equations(gamma, routing)
    L = [rate * m.mean_sojourn for rate, m in zip(lam, stations, strict=True)]
    return pd.DataFrame(
        {
            "station": [f"{i + 1}" for i in range(len(stations))],
            "λ (traffic equations)": lam,
            "λ simulated": [t.mean for t in sim.throughput],
            "ρ": [m.utilization for m in stations],
            "L exact": L,
            "L simulated": [x.mean for x in sim.mean_in_system],
            "L 95% low": [x.low for x in sim.mean_in_system],
            "L 95% high": [x.high for x in sim.mean_in_system],
            "W exact": [m.mean_sojourn for m in stations],
            "W simulated": [x.mean for x in sim.mean_sojourn],
        }
    )


@st.fragment
def network_section() -> None:
    st.header("6 · Networks")
    prose(__file__, "network.md")
    kind = bound(st.selectbox, "Network", key="q_net_kind", options=KINDS, help="The tandem of the notes, or your own.")
    if kind == KINDS[0]:
        net = tandem_inputs()
        names = ["haircut", "shampoo"]
    else:
        net = jackson_inputs()
        names = None
    n_customers = bound(
        st.slider,
        "Customers simulated  ",
        key="q_net_customers",
        min_value=5_000,
        max_value=200_000,
        value=20_000,
        step=5_000,
        help="Outside arrivals, shared by 32 replications.",
    )
    if net is None:
        return
    gamma, routing, rates, servers = net
    unstable = lib_call(q.unstable_stations, gamma, routing, rates, servers)  # bad input: one error
    if unstable is None:
        return
    if unstable:
        lam = q.traffic_equations(gamma, routing)
        i = unstable[0]
        st.warning(
            f"Station {i + 1} is unstable: work reaches it at λ = {lam[i]:.4g} per minute (outside plus routed), "
            f"at least what its servers can do (c μ = {servers[i] * rates[i]:.4g}), so its queue grows without bound "
            "and there is no steady state to solve or simulate."
        )
        return
    stations = solve(gamma, routing, rates, servers)
    seed = global_seed()
    with st.spinner("Simulating the network…"):
        sim = simulate(gamma, routing, rates, servers, n_customers, seed=seed)
    table = station_table(gamma, routing, stations, sim)
    if names:
        table["station"] = names
    total = q.network_sojourn(gamma, routing, rates, servers)
    m = st.columns(3)
    m[0].metric("Time in network, exact", f"{total:.4g}", help="Σ λᵢ Wᵢ / Σ γᵢ (Little's law).")
    m[1].metric("Time in network, simulated", f"{sim.time_in_network.mean:.4g}", help="Σ Lᵢ / Σ γᵢ from the runs.")
    m[1].caption(f"95% CI [{sim.time_in_network.low:.4g}, {sim.time_in_network.high:.4g}]")
    m[2].metric(
        "Busiest station ρ", f"{table['ρ'].max():.3g}", help="λᵢ / (cᵢ μᵢ); the network is stable when all < 1."
    )
    chart(
        interval_chart,
        table,
        category="station",
        estimate="L simulated",
        low="L 95% low",
        high="L 95% high",
        reference="L exact",
        x_title="mean number at the station L",
        y_title="station",
        title="Each station as M/M/c at its traffic-equation rate (red tick) vs the simulated network",
    )
    st.dataframe(table, hide_index=True)
    csv_download(table, "network.csv", "Download the stations (CSV)", key="q_dl_network")
    snippet(
        """
from lib import queueing as q

external, routing = $gamma, $routing
rates, servers = $rates, $servers
print(q.traffic_equations(external, routing))
for station in q.jackson_network(external, routing, rates, servers):
    print(station)
print("time in network:", q.network_sojourn(external, routing, rates, servers))
sim = q.simulate_network(external, routing, rates, servers, $n_customers, seed=$seed)
print(sim.time_in_network)
""",
        gamma=gamma,
        routing=routing,
        rates=rates,
        servers=[int(c) if float(c).is_integer() else c for c in servers],
        n_customers=n_customers,
        seed=seed,
    )
