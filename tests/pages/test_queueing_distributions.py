"""The queueing page under AppTest: every family, widget extremes, bad input, the unstable queue, the snippet."""

from __future__ import annotations

import re

import pytest

from lib import queueing as q
from tests.apptest_helpers import (
    assert_clean,
    assert_extremes_are_clean,
    metric_values,
    run_page,
    run_snippets,
    set_widget,
)

PAGE = "pages/queueing_distributions.py"
FAST = {"q_customers": "5000", "q_fin_customers": "20000", "q_net_customers": "5000", "q_gg_customers": "10000"}
JACKSON = {"q_net_kind": "Open Jackson network (typed)"}


def test_default_view_shows_theory_beside_simulation() -> None:
    at = run_page(PAGE)
    assert_clean(at)
    shown = metric_values(at)
    # Coxian(3, 2, 4; continue 0.6, 0.5): E[S] = 1/3 + 0.6 (1/2 + 0.5/4) = 0.70833…
    assert shown["Mean E[S]"] == "0.7083"
    assert shown["P(wait), exact"] == "0.8"  # M/G/1: P(wait) = ρ
    assert "Mean wait W_q, exact" in shown
    assert len(at.get("graphviz_chart")) == 1
    assert len(at.get("vega_lite_chart")) == 13  # 8 in sections 1–4, 3 finite capacity, 1 network, 1 G/G/c
    assert len(at.success) + len(at.warning) == 1  # theory inside the interval, or a warning saying not


def test_the_entry_lists_seven_sections_each_with_its_snippet() -> None:
    at = run_page(PAGE, FAST)
    assert [h.value for h in at.header] == [
        "1 · Build a service distribution",
        "2 · The convolution from the notes",
        "3 · Moment matching",
        "4 · The queue",
        "5 · Finite capacity and impatience",
        "6 · Networks",
        "7 · Non-Poisson arrivals",
    ]
    assert len(at.code) == 7


@pytest.mark.parametrize(
    ("family", "mean"),
    [
        ("Exponential", "0.6667"),  # 1 / 1.5
        ("Erlang", "0.75"),  # 3 / 4
        ("Hypo-exponential", "0.8333"),  # 1/2 + 1/3
        ("Hyper-exponential", "0.65"),  # 0.4 / 0.8 + 0.6 / 4
        ("General phase-type (α, S)", "0.4071"),  # Ciw's documented PhaseType example
    ],
)
def test_every_family_runs_and_reports_its_mean(family: str, mean: str) -> None:
    at = run_page(PAGE, {"q_family": family, **FAST})
    assert_clean(at)
    assert metric_values(at)["Mean E[S]"] == mean


def test_widgets_at_their_extremes() -> None:
    assert_extremes_are_clean(
        PAGE,
        {"q_mu1", "q_mu2", "q_fit_mean", "q_fit_scv", "q_servers", "q_rho", "q_customers", "q_target", "seed"}
        | {"q_fin_servers", "q_fin_load", "q_fin_room", "q_fin_theta", "q_fin_customers"}
        | {"q_tan_lambda", "q_tan_mu1", "q_tan_mu2", "q_tan_c1", "q_tan_c2", "q_net_customers"}
        | {"q_gg_ca2", "q_gg_cs2", "q_gg_rho", "q_gg_servers", "q_gg_customers"},
    )


@pytest.mark.parametrize(
    "query",
    [
        {"q_family": "Erlang", "q_erl_k": "20", "q_erl_rate": "0.1"},
        {"q_family": "Erlang", "q_erl_k": "1", "q_erl_rate": "20"},
        {"q_family": "Exponential", "q_exp_rate": "0.1", "q_servers": "10", "q_rho": "0.99"},
        {"q_family": "Exponential", "q_exp_rate": "10", "q_servers": "10", "q_rho": "0.05"},
        {"q_mu1": "2.5", "q_mu2": "2.5"},  # equal rates: the 0/0 case of the closed form
        {"q_fit_scv": "0.05", "q_source": "The fewest-phase fit from 3", "q_rho": "0.95"},
        {"q_fit_scv": "5", "q_source": "The fewest-phase fit from 3", "q_servers": "4", "q_target": "0.01"},
    ],
)
def test_family_sliders_and_combinations_are_clean(query: dict[str, str]) -> None:
    at = run_page(PAGE, {**FAST, **query})
    assert_clean(at)


def test_unstable_queue_says_it_grows_without_bound() -> None:
    at = run_page(PAGE, {"q_rho": "1.1", **FAST})
    assert_clean(at)
    assert any("grows without bound" in w.value for w in at.warning)
    assert not any(label.startswith("Mean wait W_q") for label in metric_values(at))


def test_several_servers_label_exact_and_approximate_theory() -> None:
    exact = run_page(PAGE, {"q_family": "Exponential", "q_servers": "3", **FAST})
    assert "Mean wait W_q, exact" in metric_values(exact)
    approx = run_page(PAGE, {"q_servers": "3", **FAST})
    assert "Mean wait W_q, approximation" in metric_values(approx)
    assert any("simulation only" in c.value for c in approx.caption)


def test_staffing_answer_is_printed() -> None:
    at = run_page(PAGE, {"q_family": "Exponential", "q_rho": "0.8", "q_servers": "1", "q_target": "0.2", **FAST})
    # λ = 0.8 / (2/3) = 1.2, a = 0.8 Erlangs: C(1) = 0.8, C(2) = 0.2286, C(3) = 0.052 -> c = 3.
    assert any("is **c = 3**" in m.value for m in at.markdown)


@pytest.mark.parametrize(
    ("family", "key", "text", "fragment"),
    [
        ("Hypo-exponential", "q_hypo_rates", "", "at least one number"),
        ("Hypo-exponential", "q_hypo_rates", "2, x", "numbers separated"),
        ("Hypo-exponential", "q_hypo_rates", "2, -3", "positive, finite rate"),
        ("Hyper-exponential", "q_hyper_probs", "0.5, 0.6", "must sum to 1"),
        ("Hyper-exponential", "q_hyper_probs", "0.3, 0.3, 0.4", "same length"),
        ("Hyper-exponential", "q_hyper_rates", "inf, 2", "finite"),
        ("Coxian", "q_cox_cont", "1.5, 0.5", "probability in [0, 1]"),
        ("Coxian", "q_cox_cont", "0.5", "one probability fewer"),
        ("Coxian", "q_cox_rates", "<b>1</b>", "numbers separated"),
        ("General phase-type (α, S)", "q_ph_S", "-1 2; 0 -1; 1 1 1", "square"),
        ("General phase-type (α, S)", "q_ph_S", "-1 1 0; 1 -1 0; 0 0 -1", "reach absorption"),
        ("General phase-type (α, S)", "q_ph_alpha", "0.9, 0.9, 0.1", "sum to at most 1"),
    ],
)
def test_bad_text_gives_one_clear_error(family: str, key: str, text: str, fragment: str) -> None:
    at = run_page(PAGE, {"q_family": family, **FAST})
    at = set_widget(at, key, text)
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value.replace("\\", "")
    assert fragment in message, message
    assert not re.search(r"(?<!\\)[<>]", at.error[0].value)
    assert_clean(at, allow_errors=True)


def test_queue_still_runs_on_the_fit_when_the_distribution_is_bad() -> None:
    at = run_page(PAGE, {"q_family": "Hypo-exponential", "q_source": "The fewest-phase fit from 3", **FAST})
    at = set_widget(at, "q_hypo_rates", "oops")
    assert len(at.error) == 1
    assert "Simulated mean wait" in metric_values(at)


@pytest.mark.parametrize(
    "query",
    [
        {"q_rho": "0.7", "q_customers": "3000", "q_fin_room": "0", "q_net_customers": "5000"},
        {
            "q_family": "Hyper-exponential",
            "q_servers": "2",
            "q_customers": "3000",
            **JACKSON,
            "q_net_customers": "5000",
        },
        {"q_source": "The fewest-phase fit from 3", "q_fit_scv": "0.3", "q_rho": "1.1", "q_customers": "3000"},
    ],
)
def test_snippet_runs_as_is(tmp_path, query: dict[str, str]) -> None:
    # One snippet per section, each run as a script; the queue's (the last) simulates the queue.
    at = run_page(PAGE, query)
    codes = [c.value for c in at.code]
    assert len(codes) == 7
    outputs = run_snippets(at, tmp_path)
    assert "simulated mean wait" in outputs[3]
    assert ("theory:" in outputs[3]) == (float(query.get("q_rho", "0.8")) < 1)
    assert "FiniteQueueMetrics" not in outputs[4]  # the finite section prints numbers, then Erlang A's metrics
    assert "ImpatientQueueMetrics" in outputs[4]
    assert "time in network:" in outputs[5]
    assert "Allen–Cunneen" in outputs[6]


def test_view_comes_from_the_url() -> None:
    at = run_page(PAGE, {"q_family": "Erlang", "q_erl_k": "4", "q_erl_rate": "8", "q_servers": "2", **FAST})
    assert at.selectbox(key="q_family").value == "Erlang"
    assert at.slider(key="q_erl_k").value == 4
    assert metric_values(at)["Mean E[S]"] == "0.5"
    assert metric_values(at)["SCV"] == "0.25"


def _upload(at, content: bytes):
    at.file_uploader(key="q_upload").set_value(("times.csv", content, "text/csv"))
    return at.run()


def test_uploaded_service_times_are_fitted() -> None:
    times = "\n".join(str(0.5 + (i % 7) * 0.3) for i in range(700))  # mean 1.4
    at = _upload(run_page(PAGE, FAST), f"service_time\n{times}\n".encode())
    assert_clean(at)
    assert any("Fitting 700 uploaded service times: mean 1.4," in c.value for c in at.caption)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"service_time\n1.0\nabc\n2.0\n", "numbers only; row 2 holds 'abc'"),
        (b"service_time\n1.0\n-2.0\n", "must be ≥ 0"),
        (b"", "empty"),
        (b"service_time\n1.5\n", "At least two"),
        (b"service_time\n2\n2\n2\n", "all equal"),
        (b"t\n1.0\n1.0001\n1.0\n1.0001\n", "at least 1/60"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "numbers only"),
    ],
)
def test_bad_uploads_give_one_clear_error(content: bytes, fragment: str) -> None:
    at = _upload(run_page(PAGE, FAST), content)
    assert not at.exception
    assert len(at.error) == 1, [e.value for e in at.error]
    assert fragment in at.error[0].value.replace("\\", "")
    assert_clean(at, allow_errors=True)


# ---------------------------------------------------------------------------
# Section 5: finite capacity and impatience; section 6: networks
# ---------------------------------------------------------------------------


def test_finite_section_shows_exact_numbers_beside_simulation() -> None:
    at = run_page(PAGE, FAST)
    shown = metric_values(at)
    # M/M/3/10 at a = 2.7 Erlangs, and the loss system M/M/3/3
    assert shown["P(blocked), exact"] == f"{q.mmck_metrics(2.7, 1.0, 3, 10).blocking_probability:.4g}"
    assert shown["Erlang B(3, 2.7)"] == "0.3087"
    assert shown["Erlang A: P(abandon)"] == f"{q.erlang_a_metrics(2.7, 1.0, 3, 0.5).prob_abandon:.4g}"
    table = next(t.value for t in at.dataframe if "quantity" in t.value.columns)
    assert len(table) == 7
    # every simulated value is close to its exact one (20,000 customers)
    assert ((table["simulated"] - table["exact"]).abs() <= 0.1 * table["exact"].abs() + 0.01).all(), table


@pytest.mark.parametrize(
    "query",
    [
        {"q_fin_load": "40", "q_fin_servers": "1", "q_fin_theta": "0.05"},  # ρ = 40, impatient: long Erlang A chain
        {"q_fin_load": "0.1", "q_fin_servers": "20", "q_fin_room": "50"},  # nobody blocked (to 1e-50)
        {"q_fin_room": "0", "q_fin_load": "25", "q_fin_servers": "20", "q_fin_theta": "5"},
        {"q_tan_c1": "5", "q_tan_c2": "5", "q_tan_lambda": "10", "q_tan_mu1": "10", "q_tan_mu2": "10"},
    ],
)
def test_finite_and_network_combinations_are_clean(query: dict[str, str]) -> None:
    at = run_page(PAGE, {**FAST, **query})
    assert_clean(at)


def test_unstable_tandem_says_it_grows_without_bound() -> None:
    at = run_page(PAGE, {**FAST, "q_tan_lambda": "10", "q_tan_mu1": "0.1"})
    assert_clean(at)
    assert any("Station 1 is unstable" in w.value and "without bound" in w.value for w in at.warning)
    assert "Time in network, exact" not in metric_values(at)


def test_tandem_is_the_notes_haircut_then_shampoo() -> None:
    at = run_page(PAGE, {**FAST, "q_tan_lambda": "0.8", "q_tan_mu1": "1.2", "q_tan_mu2": "2"})
    # W = 1/(μ₁ − λ) + 1/(μ₂ − λ) = 2.5 + 0.8333
    assert metric_values(at)["Time in network, exact"] == "3.333"
    table = next(t.value for t in at.dataframe if "station" in t.value.columns)
    assert list(table["station"]) == ["haircut", "shampoo"]


def test_jackson_network_from_the_url() -> None:
    query = {**FAST, **JACKSON, "q_net_routing": "0 1; 0.5 0", "q_net_external": "1 0", "q_net_rates": "4 3"}
    at = run_page(PAGE, {**query, "q_net_servers": "1 1"})
    assert_clean(at)
    assert at.text_input(key="q_net_routing").value == "0 1; 0.5 0"
    # λ = (2, 2): W = 1/(4 − 2) + 1/(3 − 2) per visit, two visits each: T = Σ λᵢWᵢ / γ = 2·0.5 + 2·1 = 3
    assert metric_values(at)["Time in network, exact"] == "3"


@pytest.mark.parametrize(
    ("key", "text", "fragment"),
    [
        ("q_net_routing", "0 0.7 0.5; 0.2 0 0.5; 0 0.1 0", "Row 1 of routing sums to 1.2"),
        ("q_net_routing", "0 1 0; 0 0 1; 1 0 0", "never leave"),
        ("q_net_routing", "0 1; 0 0", "3 × 3"),
        ("q_net_rates", "0, 2, 2.5", "positive, finite"),
        ("q_net_servers", "1, 1.5, 1", "whole number of servers"),
        ("q_net_external", "[x](http://e.com)", "numbers separated"),
        ("q_net_external", "-1 0 0", "non-negative"),
    ],
)
def test_bad_networks_give_one_clear_error(key: str, text: str, fragment: str) -> None:
    at = run_page(PAGE, {**FAST, **JACKSON})
    at = set_widget(at, key, text)
    assert not at.exception
    assert len(at.error) == 1
    assert fragment in at.error[0].value.replace("\\", ""), at.error[0].value
    assert_clean(at, allow_errors=True)


def test_gg_section_puts_kingman_beside_the_simulation() -> None:
    at = run_page(PAGE, {**FAST, "q_gg_ca2": "1", "q_gg_cs2": "1", "q_gg_rho": "0.8"})
    shown = metric_values(at)
    assert shown["Kingman approximation"] == "4"  # M/M/1 at ρ = 0.8: exact, ρ/(1 − ρ)
    assert shown["With Poisson arrivals (c_a² = 1)"] == "4"
    at = run_page(PAGE, {**FAST, "q_gg_servers": "3"})
    assert "Allen–Cunneen approximation" in metric_values(at)


@pytest.mark.parametrize(
    "query",
    [
        {"q_gg_ca2": "0.1", "q_gg_cs2": "0.1", "q_gg_rho": "0.98"},
        {"q_gg_servers": "10", "q_gg_ca2": "4", "q_gg_cs2": "4", "q_gg_rho": "0.98"},
        {"q_gg_rho": "0.3", "q_gg_ca2": "4", "q_gg_customers": "500000"},
    ],
)
def test_gg_combinations_are_clean(query: dict[str, str]) -> None:
    assert_clean(run_page(PAGE, {**FAST, **query}))
