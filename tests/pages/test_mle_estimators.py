"""The MLE estimators page under AppTest: defaults, widget extremes, typed data (good and bad), the snippets."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lib import mle
from tests.apptest_helpers import (
    assert_clean,
    assert_extremes_are_clean,
    chart_frames,
    metric_values,
    run_page,
    run_snippet,
    run_snippets,
    set_widget,
    url_value,
)

PAGE = "pages/mle_estimators.py"
NEGATIVE = "negative binomial: trials until the k-th success"
ENTER = {"mle_source": "enter counts"}


def test_mle_page_defaults_show_closed_form_and_numeric_agreeing() -> None:
    at = run_page(PAGE)
    assert_clean(at)
    metrics = metric_values(at)
    assert metrics["p̂ = Σk / (m·n)"] == metrics["Numeric maximum of ℓ(p)"]
    # The page's numbers are lib's numbers for the same seed.
    est = mle.binomial_mle(mle.simulate_counts("binomial", 0.3, 10, 20, seed=0), 10)
    assert metrics["p̂ = Σk / (m·n)"] == f"{est.value:.6f}"
    assert metrics["Profile 95%"] == f"{est.profile_ci[0]:.4f} – {est.profile_ci[1]:.4f}"
    assert metrics["Relative error"].endswith(("e-16", "e-15", "e-14"))
    assert len(at.get("vega_lite_chart")) == 14  # 11 in sections 1–5, then histogram, QQ and PP in section 6
    assert at.header[0].value.startswith("1 · Binomial")


def test_mle_widgets_at_their_extremes() -> None:
    assert_extremes_are_clean(
        PAGE,
        {
            "seed",
            "mle_p",
            "mle_n",
            "mle_m",
            "mle_reps",
            "mle_bnb_k",
            "mle_alpha",
            "mle_beta",
            "mle_bnb_m",
            "mle_d",
            "mle_C",
            "mle_threshold",
            "mle_budget",
            "mle_decimals",
            "mle_fit_mc",
        },
    )


@pytest.mark.parametrize(("key", "value"), [("mle_k", 1), ("mle_k", 20), ("mle_p", 0.01), ("mle_m", 500)])
def test_negative_binomial_model_at_its_extremes(key, value) -> None:
    at = run_page(PAGE, {"mle_model": NEGATIVE, key: url_value(value)})
    assert_clean(at)
    assert "p̂ = m·k / Σn" in metric_values(at)


def test_label_mode_with_hard_settings() -> None:
    # Heavily regularised model, extreme threshold, answers rounded to one decimal, smallest budget.
    query = {"mle_reveal": "labels only", "mle_C": "0.001", "mle_threshold": "0.95", "mle_decimals": "1"}
    at = run_page(PAGE, {**query, "mle_budget": "2", "mle_d": "10"})
    assert_clean(at)
    assert float(metric_values(at)["Direction cosine"]) > 0.99
    assert any("raised to" in c.value for c in at.caption)


def page_snippets(at, tmp_path) -> tuple[list[str], list[str]]:
    """Every section's snippet and what it printed, run as a script from an empty folder, in page order."""
    return [c.value for c in at.code], run_snippets(at, tmp_path)


def test_typed_counts_are_used(tmp_path) -> None:
    at = run_page(PAGE, {**ENTER, "mle_n": "10"})
    at = set_widget(at, "mle_counts_binomial", "3, 5, 4")
    assert_clean(at)
    assert metric_values(at)["p̂ = Σk / (m·n)"] == "0.400000"
    codes, outputs = page_snippets(at, tmp_path)
    assert len(codes) == 6  # one per section
    for section in (0, 3):  # the likelihood and the cross-entropy sections both start from the typed counts
        assert "data = [3, 5, 4]  # your counts" in codes[section]
    assert outputs[0].startswith("0.4 ")  # p̂ = 6/15, as on the page


def test_zero_successes_is_a_documented_boundary_not_a_nan() -> None:
    at = run_page(PAGE, {**ENTER, "mle_n": "10"})
    at = set_widget(at, "mle_counts_binomial", "0 0 0")
    assert_clean(at)
    metrics = metric_values(at)
    assert metrics["p̂ = Σk / (m·n)"] == "0.000000"
    assert metrics["Wald 95%"] == "0.0000 – 0.0000"
    assert metrics["Profile 95%"].startswith("0.0000 – 0.06")
    assert any("boundary" in w.value for w in at.warning)


@pytest.mark.parametrize(
    ("model", "key", "text", "fragment"),
    [
        ("binomial: successes out of n trials", "mle_counts_binomial", "", "at least one count"),
        ("binomial: successes out of n trials", "mle_counts_binomial", "3, five", "'five' is not one"),
        ("binomial: successes out of n trials", "mle_counts_binomial", "3, 11", "between 0 and n_trials = 10"),
        ("binomial: successes out of n trials", "mle_counts_binomial", "3, -1", "'-1' is not one"),
        (NEGATIVE, "mle_counts_negative_binomial", "7, 2", ">= k = 3"),
        (NEGATIVE, "mle_counts_negative_binomial", "[x](http://e.com) <b>", "is not one"),
    ],
)
def test_bad_counts_give_one_clear_error(model, key, text, fragment) -> None:
    at = run_page(PAGE, {**ENTER, "mle_model": model})
    at = set_widget(at, key, text)
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert fragment in message.replace("\\", "")
    assert not re.search(r"(?<!\\)[<>\[\]()$!*_`]", message), message
    assert_clean(at, allow_errors=True)
    assert len(at.get("vega_lite_chart")) >= 6  # the other panels still work


def test_view_comes_from_the_url() -> None:
    at = run_page(PAGE, {"mle_model": NEGATIVE, "mle_k": "5", "mle_p": "0.4", "mle_reveal": "labels only"})
    assert at.selectbox(key="mle_model").value == NEGATIVE
    assert at.slider(key="mle_k").value == 5
    assert at.radio(key="mle_reveal").value == "labels only"
    assert_clean(at)


def test_mle_snippets_run_as_is(tmp_path) -> None:
    # One snippet per section, each with the current values.
    at = run_page(PAGE, {"mle_model": NEGATIVE, "mle_reveal": "labels only", "mle_decimals": "4"})
    codes, outputs = page_snippets(at, tmp_path)
    assert len(codes) == 6
    assert "mode='label'" in codes[4]  # the black box's snippet
    assert "ExactProperties(" in outputs[1]  # the sampling distribution's snippet


def test_the_page_is_its_six_sections_in_order() -> None:
    at = run_page(PAGE)
    headers = [h.value for h in at.header]
    assert [h.split(" · ")[0] for h in headers] == ["1", "2", "3", "4", "5", "6"], headers


def test_bad_counts_leave_no_snippet_for_their_sections() -> None:
    # Sections 1 and 4 have nothing to reproduce without valid counts; the other four keep theirs.
    at = run_page(PAGE, ENTER)
    at = set_widget(at, "mle_counts_binomial", "3, five")
    codes = [c.value for c in at.code]
    assert len(codes) == 4
    calls = ("simulate_estimates", "fit_beta_negative_binomial", "unbox_logistic", "fit_families")
    for code, call in zip(codes, calls, strict=True):
        assert call in code
    assert any("Enter valid counts in panel 1" in i.value for i in at.info)


# --- 6 · Fit your own data -----------------------------------------------------------------------------------------

UPLOAD = {"mle_fit_source": "upload a CSV"}


def test_fit_section_defaults_are_libs_numbers() -> None:
    at = run_page(PAGE)
    from pages.mle.fit_data import DEFAULT_DATA

    data = [float(v) for v in DEFAULT_DATA.split(",")]
    fits, _ = mle.fit_families(data)
    table = at.dataframe[-1].value
    assert list(table["family"]) == [f.family for f in fits]
    assert table["AIC"].iloc[0] == pytest.approx(fits[0].aic)
    metrics = metric_values(at)
    assert metrics["Family tested"] == fits[0].family
    test = mle.goodness_of_fit(data, fits[0].family, "ad", 99, 0)
    assert metrics["Goodness-of-fit p-value"] == f"{test.pvalue:.3f}"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "at least two numbers"),
        ("1, 2, abc", "'abc' is not"),
        ("3", "at least two values"),
        ("4, 4, 4", "two distinct values"),
    ],
)
def test_bad_pasted_data_gives_one_error(text, fragment) -> None:
    at = set_widget(run_page(PAGE), "mle_fit_text", text)
    assert not at.exception
    assert len(at.error) == 1
    assert fragment in at.error[0].value.replace("\\", ""), at.error[0].value
    assert_clean(at, allow_errors=True)
    assert len(at.get("vega_lite_chart")) == 11  # sections 1–5 still draw


def test_negative_values_fit_only_the_normal_and_say_why() -> None:
    at = set_widget(run_page(PAGE), "mle_fit_text", "-1.5, 0.2, 2.5, 3.1, -0.4")
    assert_clean(at)
    assert list(at.dataframe[-1].value["family"]) == ["normal"]
    assert any("positive values" in c.value for c in at.caption)
    assert metric_values(at)["Family tested"] == "normal"
    # Asking to test a positive family on such data is one sentence, not a traceback.
    at = set_widget(at, "mle_fit_family", "gamma")
    assert len(at.error) == 1
    assert "positive values" in at.error[0].value


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty"),
        (b"x\n1\nfoo\n", "numbers only"),
        (b'x\n"1,2\n', "could not be read"),
    ],
)
def test_malformed_csv_gives_one_error(content, fragment) -> None:
    at = run_page(PAGE, UPLOAD)
    at.file_uploader(key="mle_fit_csv").set_value(("bad.csv", content, "text/csv"))
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    assert fragment in at.error[0].value, at.error[0].value
    assert_clean(at, allow_errors=True)


def test_uploaded_csv_is_fitted_and_its_snippet_runs(tmp_path) -> None:
    values = mle.sample_family("lognormal", {"s": 0.5, "scale": 2.0}, 300, seed=1)
    content = ("time\n" + "\n".join(f"{v:.6f}" for v in values)).encode()
    at = run_page(PAGE, {**UPLOAD, "mle_fit_mc": "19"})
    at.file_uploader(key="mle_fit_csv").set_value(("times.csv", content, "text/csv"))
    at.run()
    assert_clean(at)
    assert at.dataframe[-1].value["family"].iloc[0] == "lognormal"
    (tmp_path / "times.csv").write_bytes(content)
    code = at.code[-1].value
    assert "Path('times.csv')" in code
    printed = run_snippet(code, tmp_path, "fit.py")
    assert "lognormal" in printed
    assert "GoodnessOfFit(family='lognormal'" in printed


def test_fit_section_view_comes_from_the_url(tmp_path) -> None:
    at = run_page(PAGE, {"mle_fit_family": "exponential", "mle_fit_mc": "39", "mle_fit_text": "0.5 1.5 2 7 0.1"})
    assert at.selectbox(key="mle_fit_family").value == "exponential"
    assert at.slider(key="mle_fit_mc").value == 39
    assert_clean(at)
    assert metric_values(at)["Family tested"] == "exponential"
    codes, outputs = page_snippets(at, tmp_path)
    assert "data = [0.5, 1.5, 2.0, 7.0, 0.1]  # your numbers" in codes[5]
    assert "n_mc_samples=39" in codes[5]
    assert "GoodnessOfFit(family='exponential'" in outputs[5]


def test_negative_binomial_with_k_unknown_is_shown() -> None:
    at = run_page(PAGE, {"mle_model": NEGATIVE, "mle_k": "4", "mle_m": "300"})
    assert_clean(at)
    metrics = metric_values(at)
    fit = mle.negative_binomial_unknown_k(mle.simulate_counts("negative_binomial", 0.3, 4, 300, 0))
    assert metrics["k̂ (k unknown)"] == str(fit.k)
    low, high = (int(v) for v in metrics["Profile 95% set for k"].split(" – "))
    assert low <= 4 <= high
    # The binomial has no such panel.
    assert "k̂ (k unknown)" not in metric_values(run_page(PAGE))


def bnb_intervals(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "profile 95%" in d.value.columns).set_index("parameter")


def test_bnb_standard_errors_and_profile_intervals_are_libs(tmp_path) -> None:
    query = {"mle_bnb_k": "2", "mle_alpha": "6.0", "mle_beta": "3.0", "mle_bnb_m": "500", "seed": "4"}
    at = run_page(PAGE, query)
    assert_clean(at)
    assert at.slider(key="mle_alpha").value == 6.0  # the view comes from the URL
    fit = mle.bnb_inference(mle.sample_beta_negative_binomial(2, 6.0, 3.0, 500, seed=4), 2)
    table = bnb_intervals(at)
    assert table.loc["α", "standard error"] == f"{fit.se_alpha:.4g}"
    assert table.loc["β", "profile 95%"] == f"{fit.beta_ci[0]:.4g} – {fit.beta_ci[1]:.4g}"
    # Both profile charts: the profile interval's ends sit on the cut at −1.92, the MLE at the top.
    # (Section 1's likelihood chart draws its profile interval the same way: the last two are section 3's.)
    segments = [f for f in chart_frames(at) if "low" in f.columns and "profile 95%" in set(f.get("curve", []))]
    for frame, ci in zip(segments[-2:], (fit.alpha_ci, fit.beta_ci), strict=True):
        row = frame.set_index("curve").loc["profile 95%"]
        assert (row["low"], row["high"]) == pytest.approx(ci)
        assert row["level"] == pytest.approx(-1.9207, abs=1e-4)
    bnb = next(c.value for c in at.code if "bnb_inference" in c.value)
    printed = run_snippet(bnb, tmp_path)
    assert f"{fit.se_alpha:.6g}"[:5] in printed


def test_bnb_without_an_upper_end_says_so() -> None:
    # 20 draws from a strong prior: no more spread than a negative binomial, the profiles never drop by 1.92.
    at = run_page(PAGE, {"mle_bnb_k": "1", "mle_alpha": "30.0", "mle_beta": "30.0", "mle_bnb_m": "20"})
    assert_clean(at)
    table = bnb_intervals(at)
    assert table.loc["α", "profile 95%"].endswith("– ∞")
    assert any("no upper end (∞)" in c.value for c in at.caption)
