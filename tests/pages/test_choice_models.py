"""The Choice models page under AppTest: the notes' numbers on screen, widget extremes, uploads good and bad."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lib import choice as ch
from tests.apptest_helpers import (
    ROOT,
    assert_clean,
    assert_extremes_are_clean,
    metric_values,
    run_page,
    run_snippet,
    set_widget,
)

PAGE = "pages/choice_models.py"
SMALL = {"ch_n": "300", "ch_draws": "200"}  # keep the simulations small where the test is about something else


def test_page_shows_the_red_bus_numbers() -> None:
    at = run_page(PAGE, SMALL)
    assert_clean(at)
    metrics = metric_values(at)
    assert metrics["P(car) after: multinomial logit"] == "0.3333"
    assert metrics["P(car) after: nested logit, λ = 0.5"] == f"{1 / (1 + 2**0.5):.4f}"
    assert metrics["P(car) after: common sense: the clone splits the bus"] == "0.5000"
    assert metrics["Value of time"] == "€8.00 per hour"  # 60 × 0.04 / 0.3
    captions = " ".join(c.value for c in at.caption)
    assert "1/(1 + 2^λ) = 0.414214" in captions
    assert "P(car) = 0.414214" in captions
    assert len(at.get("vega_lite_chart")) == 6  # the mixed logit adds its estimates chart


def test_nested_logit_at_lambda_one_is_the_logit_on_screen() -> None:
    at = run_page(PAGE, {**SMALL, "ch_lambda": "1", "ch_v_car": "0.7", "ch_v_bus": "-0.4"})
    assert_clean(at)
    metrics = metric_values(at)
    assert metrics["P(car) after: nested logit, λ = 1"] == metrics["P(car) after: multinomial logit"]
    expected = ch.mnl_probabilities([0.7, -0.4, -0.4])[0]
    assert metrics["P(car) after: multinomial logit"] == f"{expected:.4f}"


def test_widgets_at_their_extremes() -> None:
    keys = {"ch_v_car", "ch_v_bus", "ch_lambda", "ch_rho", "ch_b_price", "ch_b_time", "ch_b_comfort"}
    keys |= {"ch_price_change", "ch_n", "ch_true_lambda", "ch_b1", "ch_b2", "ch_draws", "seed"}
    keys |= {"ch_mx_people", "ch_mx_choices", "ch_mx_sd", "ch_mx_draws"}
    assert_extremes_are_clean(PAGE, keys)


def test_all_extremes_at_once() -> None:
    query = {"ch_v_car": "3", "ch_v_bus": "-3", "ch_lambda": "0.05", "ch_rho": "0.99", "ch_n": "200"}
    query |= {"ch_true_lambda": "0.1", "ch_b1": "-2", "ch_b2": "2", "ch_draws": "100000", "seed": str(2**31 - 1)}
    query |= {"ch_b_price": "-0.01", "ch_b_time": "0", "ch_b_comfort": "2", "ch_price_change": "-50"}
    at = run_page(PAGE, query)
    assert_clean(at)


@pytest.mark.parametrize(
    ("key", "text", "fragment"),
    [
        ("ch_market", "", "between 2 and 8"),
        ("ch_market", "car: 1, 2, 3", "between 2 and 8"),
        ("ch_market", "car: 1, x, 3; bus: 1, 2, 3", "numbers"),
        ("ch_market", "car 1 2 3; bus: 1, 2, 3", "name: price"),
        ("ch_market", "car: 1, 2; bus: 1, 2, 3", "needs 3"),
        ("ch_market", "car: 1, 2, 3; car: 1, 2, 3", "twice"),
        ("ch_market", "[x](http://e.com): 1, 2, 3; <b>: 1, 2, 3", None),
        ("ch_new", "express: 1, 2", "needs 3"),
        ("ch_new", "car: 1, 2, 3", "taken"),
    ],
)
def test_bad_market_text_gives_one_clear_error(key: str, text: str, fragment: str | None) -> None:
    at = set_widget(run_page(PAGE, SMALL), key, text)
    assert not at.exception
    if fragment is None:  # odd names are fine: shown literally, never rendered
        assert_clean(at)
        return
    assert len(at.error) == 1, [e.value for e in at.error]
    assert fragment in at.error[0].value.replace("\\", "")


def simulated_frame():
    result = ch.estimation_sandbox([0.5, -0.3, -1.0, 0.6], 0.5, 400, seed=3)
    return ch.to_long_frame(result.X, result.choice, result.mnl.names, ["car", "bus", "rail"])


def as_csv(frame) -> bytes:
    return frame.to_csv(index=False).encode()


def upload(at, content: bytes, name: str = "choices.csv"):
    at.file_uploader(key="ch_upload").set_value((name, content, "text/csv"))
    return at.run()


def test_a_good_upload_is_fitted_with_a_nest() -> None:
    at = run_page(PAGE, {**SMALL, "ch_nest": "bus, rail"})
    at = upload(at, as_csv(simulated_frame()))
    assert_clean(at)
    labels = [m.label for m in at.metric]
    assert "IIA test: likelihood ratio, nested vs MNL" in labels
    mnl, nested = [d.value for d in at.dataframe if {"model", "parameter"} <= set(d.value.columns)]
    assert set(mnl["model"]) == {"conditional logit"}
    assert set(nested["model"]) == {"nested logit"}
    assert "λ nest 1" in set(nested["parameter"])
    assert any("times each alternative was chosen" in c.value for c in at.caption)


def test_an_upload_with_specific_and_person_attributes_shows_robust_errors() -> None:
    frame = simulated_frame()
    frame["income"] = np.repeat(np.random.default_rng(0).normal(size=frame.obs.nunique()), 3)
    at = run_page(PAGE, {**SMALL, "ch_specific": "x1", "ch_person": "income"})
    at = upload(at, as_csv(frame))
    assert_clean(at)
    (estimates,) = [d.value for d in at.dataframe if {"model", "parameter"} <= set(d.value.columns)]
    expected = ch.fit_choice_csv(as_csv(frame), specific=["x1"], person=["income"]).mnl
    assert list(estimates["parameter"]) == list(expected.names)
    assert {"x1_car", "x1_bus", "x1_rail", "income_bus", "income_rail"} <= set(estimates["parameter"])
    np.testing.assert_allclose(estimates["robust_std_error"], expected.robust_std_errors)
    np.testing.assert_allclose(estimates["std_error"], expected.std_errors)


BAD_SPECIFICATIONS = [("ch_specific", "speed", "'speed'"), ("ch_person", "x1", "same")]


@pytest.mark.parametrize(("key", "value", "fragment"), BAD_SPECIFICATIONS)
def test_a_bad_specification_gives_one_error(key: str, value: str, fragment: str) -> None:
    at = upload(run_page(PAGE, {**SMALL, key: value}), as_csv(simulated_frame()))
    assert not at.exception
    assert len(at.error) == 1, [e.value for e in at.error]
    assert fragment in at.error[0].value.replace("\\", "")


def _bad_csvs() -> list[tuple[bytes, str]]:
    good = simulated_frame()
    text_in_numbers = good.astype({"x1": object})
    text_in_numbers.loc[5, "x1"] = "cheap"
    unavailable = good.copy()
    unavailable.loc[(unavailable.obs == 1) & (unavailable.chosen == 1), "available"] = 0
    never_rail = good.copy()
    rail_choosers = never_rail.loc[(never_rail.alt == "rail") & (never_rail.chosen == 1), "obs"]
    moved = never_rail.obs.isin(rail_choosers)
    never_rail.loc[moved, "chosen"] = (never_rail.loc[moved, "alt"] == "car").astype(int)
    return [
        (as_csv(good.rename(columns={"chosen": "picked"})), "missing: chosen"),
        (as_csv(text_in_numbers), "numbers only"),
        (as_csv(unavailable), "not available"),
        (as_csv(never_rail), "Nobody chose alternative 'rail'"),
        (b"\x00\xff\xfe garbage \x00", "could not be read"),
        (b"", "could not be read"),
        (b"obs,alt,chosen\n1,a,1\n1,b,0\n", "attribute column"),
    ]


@pytest.mark.parametrize(("content", "fragment"), _bad_csvs())
def test_bad_csvs_give_one_clear_error(content: bytes, fragment: str) -> None:
    at = upload(run_page(PAGE, SMALL), content)
    assert not at.exception
    assert len(at.error) == 1, [e.value for e in at.error]
    assert fragment in at.error[0].value.replace("\\", "")


def test_a_long_file_read_as_wide_is_refused_clearly() -> None:
    at = upload(run_page(PAGE, {**SMALL, "ch_layout": "wide"}), as_csv(simulated_frame()))
    assert not at.exception
    assert len(at.error) == 1
    assert "choice column" in at.error[0].value.replace("\\", "")


def test_snippets_run_as_is(tmp_path) -> None:
    # One snippet per section, each with the current values: red bus, market, sandbox, probit, mixed logit.
    at = run_page(PAGE, {**SMALL, "ch_lambda": "0.3", "ch_n": "500"})
    codes = [c.value for c in at.code]
    assert len(codes) == 5
    red_bus, _, sandbox, _, mixed = [run_snippet(c, tmp_path, f"snippet_{i}.py") for i, c in enumerate(codes)]
    assert "[1.0, 0.3]" in codes[0]
    numbers = [float(x) for x in re.findall(r"\d\.\d+", red_bus.splitlines()[3])]
    assert numbers[0] == pytest.approx(1 / (1 + 2**0.3), abs=1e-6)
    assert np.isfinite(numbers[0])
    assert "likelihood ratio" in sandbox
    assert "sd(time)" in mixed
    assert "LL gain over the MNL" in mixed


def test_the_upload_snippet_runs_beside_the_file(tmp_path) -> None:
    at = run_page(PAGE, {**SMALL, "ch_nest": "bus, rail"})
    content = as_csv(simulated_frame())
    at = upload(at, content)
    codes = [c.value for c in at.code]
    assert len(codes) == 6  # the upload section adds its own
    (code,) = [c for c in codes if "fit_choice_csv" in c]
    assert "('bus', ' rail')" in code
    assert "specific=('',)" in code
    (tmp_path / "choices.csv").write_bytes(content)
    output = run_snippet(code, tmp_path)  # the others are run by test_snippets_run_as_is
    assert "likelihood ratio" in output


def test_the_entry_lists_its_sections() -> None:
    entry = (ROOT / PAGE).read_text()
    calls = re.findall(r"^(\w+_section)\(", entry, re.MULTILINE)
    sections = ["red_bus_section", "market_section", "recovery_section", "upload_section", "probit_section"]
    assert calls == [*sections, "mixed_section"]
    assert len(entry.splitlines()) <= 150


def test_price_change_target_survives_a_new_market() -> None:
    # The URL names an alternative that the market no longer has: the page falls back to the first one.
    at = run_page(PAGE, {**SMALL, "ch_change_alt": "train"})
    assert at.selectbox(key="ch_change_alt").value == "train"
    at = set_widget(at, "ch_market", "car: 6, 30, 1; bus: 2, 50, 0")
    assert_clean(at)
    assert at.selectbox(key="ch_change_alt").value == "car"
    assert_clean(run_page(PAGE, {**SMALL, "ch_change_alt": "no such mode"}))


# --- 5 · Mixed logit ---------------------------------------------------------------------------------------------

MIXED_SMALL = {**SMALL, "ch_mx_people": "100", "ch_mx_draws": "100"}


def test_mixed_logit_on_screen_is_libs_fit() -> None:
    at = run_page(PAGE, MIXED_SMALL)
    assert_clean(at)
    X, y, panel = ch.simulate_mixed_panel(100, 5, [-1.0, -0.5, 0.8], [1.0], [0], seed=0)
    mnl = ch.fit_conditional_logit(X, y)
    mixed = ch.fit_mixed_logit(X, y, [0], n_draws=100, seed=0, panel=panel)
    metrics = metric_values(at)
    assert metrics["Log-likelihood: mixed logit"] == f"{mixed.loglik:.2f}"
    assert metrics["Gain over the MNL"] == f"{mixed.loglik - mnl.loglik:.2f}"
    table = at.dataframe[-1].value
    assert list(table["parameter"]) == ["time", "cost", "comfort", "sd(time)"]
    np.testing.assert_allclose(table["mixed logit"], mixed.params)
    np.testing.assert_allclose(table["ML std. error"], mixed.std_errors)


def test_mixed_logit_with_no_heterogeneity_gains_little() -> None:
    at = run_page(PAGE, {**MIXED_SMALL, "ch_mx_sd": "0", "ch_mx_choices": "1"})
    assert_clean(at)
    assert float(metric_values(at)["Gain over the MNL"]) < 3


def test_mixed_logit_bounds_its_work_and_says_so() -> None:
    at = run_page(PAGE, {**SMALL, "ch_mx_people": "1000", "ch_mx_choices": "20", "ch_mx_draws": "1000"})
    assert_clean(at)
    assert any("100 draws per person were used for 20,000 choices" in c.value for c in at.caption)


def test_mixed_logit_view_comes_from_the_url() -> None:
    at = run_page(PAGE, {**MIXED_SMALL, "ch_mx_sd": "2.5", "ch_mx_choices": "8"})
    assert at.slider(key="ch_mx_sd").value == 2.5
    assert at.slider(key="ch_mx_choices").value == 8
    assert_clean(at)
    assert "[2.5]" in at.code[-1].value


# --- 2 · The market with the coefficients of an uploaded fit ------------------------------------------------------


def priced_frame():
    X, _ = ch.simulate_design(500, 3, 2, seed=8)
    y = ch.simulate_choices(X, [0.3, -0.2, -0.6, -0.9], seed=9)
    return ch.to_long_frame(X, y, ["asc_1", "asc_2", "price", "time"], ["car", "bus", "rail"])


def use_the_fit(at):
    at.toggle(key="ch_use_fit").set_value(True)
    return at.run()


def test_the_market_takes_the_estimated_coefficients() -> None:
    content = as_csv(priced_frame())
    at = use_the_fit(upload(run_page(PAGE, SMALL), content))
    assert_clean(at)
    fit = ch.fit_choice_csv(content).mnl
    b_price, b_time = (fit.params[fit.names.index(a)] for a in ("price", "time"))
    assert metric_values(at)["Value of time"] == f"€{60 * b_time / b_price:.2f} per hour"
    assert any("From your CSV's conditional logit: β price" in c.value for c in at.caption)
    (code,) = [c.value for c in at.code if "market_scenarios" in c.value]
    assert f"{b_price}" in code  # the snippet reproduces the estimated market


def test_the_toggle_without_a_fit_keeps_the_sliders() -> None:
    at = run_page(PAGE, {**SMALL, "ch_use_fit": "true"})
    assert_clean(at)
    assert metric_values(at)["Value of time"] == "€8.00 per hour"
    assert any("No CSV fitted yet" in i.value for i in at.info)


def test_a_fit_with_a_positive_price_coefficient_is_refused() -> None:
    frame = priced_frame()
    frame["price"] = -frame["price"]  # dearer now looks better
    at = use_the_fit(upload(run_page(PAGE, SMALL), as_csv(frame)))
    assert not at.exception
    assert len(at.error) == 1
    assert "not negative" in at.error[0].value
