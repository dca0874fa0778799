"""The hypothesis-testing page under AppTest: numbers on screen, widget extremes, bad input, the snippets."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from lib import hypothesis as ht
from tests.apptest_helpers import (
    ROOT,
    assert_clean,
    assert_extremes_are_clean,
    chart_frames,
    metric_values,
    run_page,
    run_snippet,
    run_snippets,
    set_widget,
)

PAGE = "pages/hypothesis_testing.py"
COUNT = "a count: k heads in n flips"
SIMULATE = "simulate flips from a true p"


def test_page_shows_the_test_picture_numbers() -> None:
    at = run_page(PAGE)
    assert_clean(at)
    shown = metric_values(at)
    assert shown["Power 1 − β"] == f"{ht.power_proportion(0.5, 0.6, 100, 0.05, 'two-sided', 'z'):.4f}"
    assert shown["Exact test: power"] == f"{ht.power_proportion(0.5, 0.6, 100, 0.05, 'two-sided', 'exact'):.4f}"
    assert shown["p-value of p̂"] == f"{ht.proportion_ztest(58, 100).pvalue:.4g}"
    assert shown["n for target power, z formula"] == "194"
    # Sections 1-4: 8 charts; section 2's JASP views 3; the t-tests 2; G*Power 2; the randomisation test 1.
    assert len(at.get("vega_lite_chart")) == 16


def test_coin_count_from_the_url_gives_every_verdict() -> None:
    # pingouin's documented coin: 115 heads in 200 tosses, BF01 = 1.197.
    at = run_page(PAGE, {"ht_source": COUNT, "ht_k": "115", "ht_count_n": "200"})
    assert_clean(at)
    assert metric_values(at)["BF01"] == "1.197"
    table = at.dataframe[0].value
    assert list(table["method"])[:4] == [
        "score z-test (SE from p0)",
        "Wald z-test (SE from p̂)",
        "exact binomial, minlike (R, scipy)",
        "exact binomial, central",
    ]
    exact = table.set_index("method").loc["exact binomial, minlike (R, scipy)"]
    assert exact["p-value / posterior"] == f"{ht.binomial_test(115, 200).pvalue:.4g}"
    assert exact["verdict"] == "reject H0"  # p = 0.04: the tests reject while the Bayes factor favours H0


def test_mendel_example_shows_minlike_and_central_apart() -> None:
    at = run_page(PAGE, {"ht_source": COUNT, "ht_k": "682", "ht_count_n": "925", "ht_coin_p0": "0.75"})
    assert_clean(at)
    table = at.dataframe[0].value.set_index("method")
    assert table.loc["exact binomial, minlike (R, scipy)", "p-value / posterior"] == "0.3825"  # R's ?binom.test
    central = ht.binomial_test(682, 925, 0.75, two_sided="central").pvalue
    assert table.loc["exact binomial, central", "p-value / posterior"] == f"{central:.4g}"


def test_wald_is_undefined_at_zero_heads_without_an_error() -> None:
    at = run_page(PAGE, {"ht_source": COUNT, "ht_k": "0", "ht_count_n": "12"})
    assert_clean(at)
    table = at.dataframe[0].value.set_index("method")
    assert table.loc["Wald z-test (SE from p̂)", "statistic"] == "undefined (p̂ = 0 or 1)"


def test_simulated_flips_follow_the_seed() -> None:
    query = {"ht_source": SIMULATE, "ht_true_p": "0.7", "ht_sim_n": "300", "seed": "5"}
    at = run_page(PAGE, query)
    assert_clean(at)
    expected = int(ht.simulate_flips(0.7, 300, 5).sum())
    assert metric_values(at)["Heads k"] == f"{expected:,}"
    assert run_page(PAGE, query).metric[5].value == at.metric[5].value


def test_widgets_at_their_extremes() -> None:
    assert_extremes_are_clean(
        PAGE,
        {"ht_p0", "ht_p1", "ht_n", "ht_alpha", "ht_observed", "ht_coin_p0", "ht_a", "ht_b", "ht_prior_null"}
        | {"ht_map_n", "ht_pow_nmax", "ht_target", "ht_sims", "ht_boot_n", "ht_boot_q", "ht_boot_level"}
        | {"ht_boot_B", "ht_cov_runs", "ht_cov_resamples", "seed"}
        | {"ht_ab_k1", "ht_ab_n1", "ht_ab_k2", "ht_ab_n2", "ht_t_mu", "ht_gp_d", "ht_gp_n", "ht_gp_alpha"}
        | {"ht_gp_power", "ht_gp_q", "ht_gp_ratio", "ht_rt_B"},
    )


def test_the_quantile_slider_works_only_for_the_quantile() -> None:
    assert run_page(PAGE).slider(key="ht_boot_q").disabled  # the default statistic is the mean
    for q in ("0.05", "0.95"):
        at = run_page(PAGE, {"ht_boot_stat": "quantile", "ht_boot_q": q})
        assert_clean(at)
        assert not at.slider(key="ht_boot_q").disabled


def test_count_mode_extremes() -> None:
    for k, n in (("0", "1"), ("1", "1"), ("1000000", "1000000"), ("0", "1000000")):
        at = run_page(PAGE, {"ht_source": COUNT, "ht_k": k, "ht_count_n": n, "ht_map_n": "10"})
        assert_clean(at)


# The URL holds the alternative as shown (its label); a bare "greater" is ignored (the page stays two-sided).
SIDE_LABELS = {"greater": "greater (p > p0)", "less": "less (p < p0)"}


@pytest.mark.parametrize("alternative", ["greater", "less"])
@pytest.mark.parametrize("statistic", ["median", "std", "quantile"])
def test_other_sides_and_statistics(alternative: str, statistic: str) -> None:
    at = run_page(
        PAGE,
        {"ht_alternative": SIDE_LABELS[alternative], "ht_boot_stat": statistic, "ht_boot_source": "lognormal (σ = 1)"},
    )
    assert_clean(at)
    assert at.selectbox(key="ht_alternative").value == alternative
    assert at.selectbox(key="ht_boot_stat").value == statistic


def one_error(at, fragment: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1, [e.value for e in at.error]
    message = at.error[0].value
    assert fragment in message.replace("\\", ""), message
    assert not re.search(r"(?<!\\)[<>\[\]()$!*_`]", message), message  # user text is escaped


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "at least one flip"),
        ("   ", "at least one flip"),
        ("HTXH", "letters H and T only"),
        ("[x](http://example.com)", "letters H and T only"),
        ("<script>alert(1)</script>", "letters H and T only"),
    ],
)
def test_bad_flips_give_one_clear_error(text: str, fragment: str) -> None:
    at = set_widget(run_page(PAGE), "ht_flips", text)
    one_error(at, fragment)


@pytest.mark.parametrize(
    ("k", "n", "fragment"), [("3", "0", "n (the number of trials)"), ("12", "10", "between 0 and n = 10")]
)
def test_bad_counts_give_one_clear_error(k: str, n: str, fragment: str) -> None:
    at = run_page(PAGE, {"ht_source": COUNT, "ht_k": k, "ht_count_n": n})
    one_error(at, fragment)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "at least two numbers"),
        ("1, 2, three", "must be a number"),
        ("5, 5, 5, 5", "All values in data are equal"),
        ("42", "at least 2 observations"),
        ("1, nan, 3", "finite numbers only"),
        ("$\\frac{1}{0}$", "must be a number"),
    ],
)
def test_bad_pasted_numbers_give_one_clear_error(text: str, fragment: str) -> None:
    at = run_page(PAGE, {"ht_boot_source": "pasted numbers"})
    assert_clean(at)
    one_error(set_widget(at, "ht_boot_text", text), fragment)


def test_pasted_r_boot_data_by_default() -> None:
    at = run_page(PAGE, {"ht_boot_source": "pasted numbers", "ht_boot_B": "20000"})
    assert_clean(at)
    table = at.dataframe[2].value.set_index("method")
    assert table.loc["basic (δ method)", "estimate"] == pytest.approx(53.9938, abs=1e-4)  # the mean of R's data
    # R's boot.ci: basic (23.77, 79.12), within Monte-Carlo error of 20,000 resamples.
    assert table.loc["basic (δ method)", "low"] == pytest.approx(23.77, abs=1.5)
    assert table.loc["basic (δ method)", "high"] == pytest.approx(79.12, abs=1.5)


def test_snippets_run_as_is(tmp_path) -> None:
    # One snippet per section, each with the current values.
    at = run_page(PAGE, {"ht_source": COUNT, "ht_k": "115", "ht_count_n": "200", "ht_p1": "0.65"})
    codes = [c.value for c in at.code]
    assert len(codes) == 7
    picture, coin, power, *_ = codes
    assert "power_proportion(0.5, 0.65, 100, 0.05, 'two-sided'" in picture
    assert "k, n = 115, 200" in coin
    assert "sample_size_proportion(0.5, 0.65, 0.05, 0.8, 'two-sided')" in power
    outputs = run_snippets(at, tmp_path)
    assert "1.197" in outputs[1][:2000] or "1.1971" in outputs[1]  # BF01 of pingouin's coin
    n_z, n_exact = (int(line) for line in outputs[2].splitlines()[-2:])
    shown = metric_values(at)
    assert (f"{n_z:,}", f"{n_exact:,}") == (
        shown["n for target power, z formula"],
        shown["n for target power, exact test"],
    )


def test_snippets_run_without_a_sample_size_or_valid_data(tmp_path) -> None:
    # p1 = p0: no sample size detects a zero difference; bad flips: the coin snippet falls back to k = 60, n = 100.
    at = run_page(PAGE, {"ht_p1": "0.5", "ht_flips": "HTXH"})
    assert len(at.info) == 1
    assert "p1 must differ from p0" in at.info[0].value
    codes = [c.value for c in at.code]
    assert "sample_size_proportion" not in codes[2]
    assert "k, n = 60, 100" in codes[1]
    run_snippets(at, tmp_path)


def test_sections_share_the_test_of_section_one() -> None:
    # Section 3 shows the power of section 1's test at section 1's n; section 2 tests at its α and alternative.
    at = run_page(PAGE, {"ht_n": "150", "ht_p1": "0.58", "ht_alpha": "0.01", "ht_alternative": SIDE_LABELS["greater"]})
    assert_clean(at)
    shown = metric_values(at)
    assert shown["Power at n = 150, z formula"] == shown["Power 1 − β"]
    assert shown["Power at n = 150, exact test"] == shown["Exact test: power"]
    assert "For the test of section 1: p0 = 0.5, p1 = 0.58, α = 0.010, greater." in [c.value for c in at.caption]
    assert "One-sided, both exact rules are the same tail sum." in [c.value for c in at.caption]


def verdict_map_point(at) -> tuple[float, float] | None:
    """(k, n) of the ring on the verdict map (the cell's lower corner), or None when the map has no ring."""
    rings = [
        row
        for frame in chart_frames(at)
        if {"n", "k", "what"} <= set(frame.columns)
        for row in frame.to_dict("records")
        if row["what"] == "your data"
    ]
    assert len(rings) <= 1
    return (rings[0]["k"] - 0.5, rings[0]["n"] - 0.5) if rings else None


def test_verdict_map_marks_the_tested_data() -> None:
    at = run_page(PAGE, {"ht_source": COUNT, "ht_k": "30", "ht_count_n": "50"})
    assert_clean(at)
    assert verdict_map_point(at) == (30, 50)
    # New data, same map: the ring follows the data (it is the map's own argument, not a stale value).
    at = set_widget(at, "ht_k", 12)
    assert verdict_map_point(at) == (12, 50)
    assert metric_values(at)["Heads k"] == "12"
    # Beyond the map (n = 50 > 40 flips), or nothing valid to test: no ring.
    assert verdict_map_point(set_widget(at, "ht_map_n", 40)) is None
    assert verdict_map_point(run_page(PAGE, {"ht_source": COUNT, "ht_k": "12", "ht_count_n": "10"})) is None
    # Typed flips: the ring is at their own count.
    at = run_page(PAGE, {"ht_flips": "HHTHT"})
    assert verdict_map_point(at) == (3, 5)


def test_the_page_entry_lists_its_sections_in_order() -> None:
    entry = (ROOT / PAGE).read_text(encoding="utf-8")
    calls = ["picture_section(", "coin_section(", "power_section(", "bootstrap_section("]
    calls += ["ab_test_section(", "gpower_section(", "randomisation_section("]
    positions = [entry.index(f"\n{call}") for call in calls]
    assert positions == sorted(positions)
    assert len(entry.splitlines()) <= 150
    at = run_page(PAGE)
    assert [h.value for h in at.header] == [
        "1 · The picture of a test",
        "2 · Is the coin fair? Five ways on the same flips",
        "3 · Power and sample size",
        "4 · Bootstrap confidence intervals",
        "5 · A/B test and t-tests",
        "6 · Power analysis like G*Power",
        "7 · Randomisation test like StatKey",
    ]


def test_uploaded_csv_of_numbers_is_bootstrapped() -> None:
    at = run_page(PAGE, {"ht_boot_source": "an uploaded CSV"})
    assert_clean(at)
    at.get("file_uploader")[0].upload("sample.csv", b"value,label\n1.5,a\n2.5,b\n4,c\n8,d\n", "text/csv")
    at = at.run()
    assert_clean(at)
    table = at.dataframe[2].value.set_index("method")
    assert table.loc["percentile", "estimate"] == pytest.approx(4.0)


def test_uploaded_csv_with_text_in_the_numeric_column_gives_one_error() -> None:
    at = run_page(PAGE, {"ht_boot_source": "an uploaded CSV"})
    at.get("file_uploader")[0].upload("sample.csv", b"value\n1.5\ntwo\n4\n", "text/csv")
    one_error(at.run(), "row 2 holds 'two'")


def test_uploaded_csv_of_flips_is_tested() -> None:
    at = run_page(PAGE, {"ht_source": "an uploaded CSV of flips"})
    assert_clean(at)
    at.get("file_uploader")[0].upload("flips.csv", b"flip\nH\nH\nT\n1\n0\nH\n", "text/csv")
    at = at.run()
    assert_clean(at)
    assert metric_values(at)["Heads k"] == "4"
    assert metric_values(at)["Flips n"] == "6"
    at.get("file_uploader")[0].upload("flips.csv", b"flip\nH\nheads\n", "text/csv")
    one_error(at.run(), "H/T or 1/0")


# ---------------------------------------------------------------------------
# Sections 5-7: A/B and t-tests, G*Power, the randomisation test; section 2's JASP views
# ---------------------------------------------------------------------------

SIMULATED_T = "simulated normal samples"
UPLOADED_T = "an uploaded CSV (two columns)"
PROPORTIONS = "difference in proportions"


def test_ab_and_t_defaults_match_statsmodels_and_r() -> None:
    from statsmodels.stats.proportion import proportions_ztest

    at = run_page(PAGE)
    assert_clean(at)
    shown = metric_values(at)
    assert shown["Cohen's h"] == f"{ht.cohens_h(0.12, 0.09):+.4f}"
    ab = next(d.value for d in at.dataframe if "test" in d.value.columns and "p-value" in d.value.columns)
    z, p = proportions_ztest([120, 90], [1000, 1000])
    assert ab.loc[0, "statistic"] == f"z = {z:.4f}"
    assert ab.loc[0, "p-value"] == f"{p:.4g}"
    # R: t.test(extra ~ group, data = sleep): Welch t = -1.8608, df = 17.776, p-value = 0.07939.
    assert shown["Welch two-sample: p-value"] == "0.07939"
    t_table = next(d.value for d in at.dataframe if "Cohen's d" in d.value.columns).set_index("test")
    assert t_table.loc["Welch two-sample", "t"] == pytest.approx(-1.8608, abs=1e-4)
    assert t_table.loc["Welch two-sample", "df"] == pytest.approx(17.776, abs=1e-3)
    assert t_table.loc["paired", "p-value"] == "0.002833"  # R: t.test(..., paired = TRUE)


def t_chart_frames(at) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The t picture's rules (observed t, critical values) and the means chart's intervals."""
    frames = list(chart_frames(at))
    rules = next(f for f in frames if "observed t" in set(f.get("what", [])))
    intervals = next(f for f in frames if "tested" in f.columns)
    return rules, intervals


@pytest.mark.parametrize(
    ("query", "test"),
    [
        ({}, "Welch two-sample"),
        ({"ht_t_test": "paired", "ht_alpha": "0.01", "ht_ab_alt": "less (first < second)"}, "paired"),
    ],
)
def test_t_charts_show_the_tests_numbers(query: dict, test: str) -> None:
    from scipy import stats

    at = run_page(PAGE, query)
    assert_clean(at)
    x = ht.parse_numbers("0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0")
    y = ht.parse_numbers("1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4")
    alpha = float(query.get("ht_alpha", 0.05))
    rules, intervals = t_chart_frames(at)
    t_table = next(d.value for d in at.dataframe if "Cohen's d" in d.value.columns).set_index("test")
    observed = rules.set_index("what").loc["observed t", "t"]
    assert observed == pytest.approx(t_table.loc[test, "t"], abs=1e-4)
    tested = intervals[intervals["tested"]].iloc[0]
    if test == "paired":  # R: t.test(x, y, paired = TRUE, conf.level = 0.99)
        ci = stats.ttest_rel(x, y).confidence_interval(1 - alpha)
        assert len(rules) == 2  # one-sided: the observed t and one critical value
        assert rules.set_index("what").loc["critical value at α", "t"] == pytest.approx(stats.t.ppf(alpha, 9))
    else:  # R: t.test(extra ~ group, data = sleep): 95 percent CI -3.3654832 0.2054832
        ci = stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
        assert (tested["low"], tested["high"]) == pytest.approx((-3.3654832, 0.2054832), abs=1e-7)
    assert (tested["low"], tested["high"]) == pytest.approx((ci.low, ci.high))


def test_paired_t_from_the_url_and_one_sample() -> None:
    at = run_page(PAGE, {"ht_t_test": "paired"})
    assert_clean(at)
    assert metric_values(at)["paired: p-value"] == "0.002833"
    at = run_page(PAGE, {"ht_t_test": "one-sample", "ht_t_mu": "0.5"})
    assert_clean(at)
    x = ht.parse_numbers("0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0")
    assert metric_values(at)["one-sample: p-value"] == f"{ht.t_test(x, mu=0.5).pvalue:.4g}"
    assert metric_values(at)["mean of y"] == "—"


def test_simulated_t_samples_follow_the_seed_and_their_extremes() -> None:
    query = {"ht_t_source": SIMULATED_T, "ht_t_n": "40", "ht_t_shift": "1.0", "seed": "3", "ht_t_test": "paired"}
    at = run_page(PAGE, query)
    assert_clean(at)
    x, y = ht.simulate_two_samples(40, 40, 1.0, 1.0, 0.0, 3)
    assert metric_values(at)["paired: p-value"] == f"{ht.t_test(x, y, paired=True).pvalue:.4g}"
    for key, value in (("ht_t_n", "2"), ("ht_t_n", "2000"), ("ht_t_shift", "-2.0"), ("ht_t_sd", "5.0")):
        assert_clean(run_page(PAGE, {**query, key: value}))
    for rho in ("-0.9", "0.9"):
        assert_clean(run_page(PAGE, {**query, "ht_t_rho": rho}))


def test_uploaded_two_column_csv_is_t_tested() -> None:
    at = run_page(PAGE, {"ht_t_source": UPLOADED_T})
    assert_clean(at)
    assert any("two numeric columns" in i.value for i in at.info)
    uploader = next(u for u in at.get("file_uploader") if u.proto.label == "CSV with two columns")
    uploader.upload("two.csv", b"before,after\n1,2\n2,4\n3,5\n5,5\n", "text/csv")
    at = at.run()
    assert_clean(at)
    expected = ht.t_test([1, 2, 3, 5], [2, 4, 5, 5]).pvalue
    assert metric_values(at)["Welch two-sample: p-value"] == f"{expected:.4g}"
    uploader = next(u for u in at.get("file_uploader") if u.proto.label == "CSV with two columns")
    uploader.upload("one.csv", b"only\n1\n2\n", "text/csv")
    one_error(at.run(), "needs two columns")


@pytest.mark.parametrize(
    ("key", "text", "fragment"),
    [
        ("ht_t_x", "1, 2, x", "must be a number"),
        ("ht_t_y", "<b>5</b>", "must be a number"),
        ("ht_t_x", "4, 4, 4", None),  # constant x beside a varying y is fine for the two-sample tests
    ],
)
def test_bad_t_data_gives_one_clear_error(key: str, text: str, fragment: str | None) -> None:
    at = set_widget(run_page(PAGE), key, text)
    if fragment is None:
        assert_clean(at)
    else:
        one_error(at, fragment)


def test_paired_test_on_unequal_samples_is_one_sentence() -> None:
    at = set_widget(run_page(PAGE, {"ht_t_test": "paired"}), "ht_t_y", "1, 2, 3")
    one_error(at, "same length")


def test_ab_k_cannot_exceed_n_and_extreme_counts_are_clean() -> None:
    at = run_page(PAGE, {"ht_ab_n1": "50"})
    assert_clean(at)
    assert at.number_input(key="ht_ab_k1").value == 50  # clamped to n1
    at = run_page(PAGE, {"ht_ab_k1": "0", "ht_ab_k2": "0"})
    one_error(at, "pooled proportion is 0 or 1")


def test_gpower_analyses_match_statsmodels() -> None:
    from statsmodels.stats.power import NormalIndPower, TTestPower

    at = run_page(
        PAGE, {"ht_gp_analysis": "Post hoc: power for an n", "ht_gp_family": "t-test: paired differences (d_z)"}
    )
    assert_clean(at)
    expected = TTestPower().power(0.5, 64, 0.05)
    assert metric_values(at)["Post hoc: power 1 − β"] == f"{expected:.6g}"
    query = {
        "ht_gp_family": "z-test: two proportions (Cohen's h)",
        "ht_gp_analysis": "Sensitivity: the smallest effect",
    }
    at = run_page(PAGE, query)
    assert_clean(at)
    mde = NormalIndPower().solve_power(None, nobs1=64, alpha=0.05, power=0.8)
    assert float(metric_values(at)["Sensitivity: smallest effect"]) == pytest.approx(mde, rel=1e-4)
    at = run_page(PAGE, {"ht_gp_analysis": "Compromise: α and β at β/α = q", "ht_gp_q": "2.0"})
    assert_clean(at)
    alpha, beta = (float(metric_values(at)[f"Compromise: {w}"]) for w in ("α", "β"))
    assert beta == pytest.approx(2 * alpha, rel=1e-4)


def test_gpower_proportion_sliders_and_impossible_analyses() -> None:
    family = {"ht_gp_family": "z-test: two proportions (Cohen's h)"}
    for key, value in (("ht_gp_p1", "0.01"), ("ht_gp_p1", "0.99"), ("ht_gp_p2", "0.01"), ("ht_gp_p2", "0.99")):
        assert_clean(run_page(PAGE, {**family, key: value}))
    # p1 = p2: no n detects a zero effect; the chosen analysis says so in one sentence, the others still answer.
    at = run_page(PAGE, {**family, "ht_gp_p1": "0.5"})
    one_error(at, "must be non-zero")
    at = run_page(PAGE, {"ht_gp_d": "0.0", "ht_gp_analysis": "Post hoc: power for an n"})
    assert_clean(at)
    assert metric_values(at)["Post hoc: power 1 − β"] == "0.05"
    at = run_page(PAGE, {"ht_gp_d": "-0.5", "ht_gp_alt": "greater (first > second)"})
    one_error(at, "must be positive")


def test_gpower_unequal_groups_match_statsmodels_and_their_snippet_runs(tmp_path) -> None:
    from statsmodels.stats.power import NormalIndPower, TTestIndPower

    at = run_page(PAGE, {"ht_gp_ratio": "2.0"})
    assert_clean(at)
    shown = metric_values(at)
    n1 = math.ceil(TTestIndPower().solve_power(0.5, None, 0.05, 0.8, ratio=2.0))
    assert (shown["A priori: n1 (group 1)"], shown["A priori: n2 (group 2)"]) == (str(n1), str(2 * n1))
    assert float(shown["A priori: actual power at that n"]) >= 0.8
    gpower = next(c.value for c in at.code if "sample_size_for_power" in c.value)
    assert "= 0.5, 64, 0.05, 0.8, 2.0  # ratio = N2/N1" in gpower
    assert f"a priori n: {n1}" in run_snippet(gpower, tmp_path)
    query = {"ht_gp_family": "z-test: two proportions (Cohen's h)", "ht_gp_ratio": "0.5"}
    at = run_page(PAGE, {**query, "ht_gp_analysis": "Sensitivity: the smallest effect"})
    assert_clean(at)
    mde = NormalIndPower().solve_power(None, nobs1=64, alpha=0.05, power=0.8, ratio=0.5)
    assert float(metric_values(at)["Sensitivity: smallest effect"]) == pytest.approx(mde, rel=1e-4)
    # One group: the ratio widget is not offered (a ratio in the URL is ignored), the answer is n.
    at = run_page(PAGE, {"ht_gp_family": "t-test: paired differences (d_z)", "ht_gp_ratio": "3.0"})
    assert_clean(at)
    assert not [b for b in at.number_input if b.key == "ht_gp_ratio"]
    assert "A priori: n per group" in metric_values(at)


def test_randomisation_test_defaults_and_proportions() -> None:
    at = run_page(PAGE)
    shown = metric_values(at)
    x = ht.parse_numbers("0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0")
    y = ht.parse_numbers("1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4")
    assert shown["randomisation p-value"] == f"{ht.permutation_test(x, y, n_resamples=10_000, seed=0).pvalue:.4g}"
    assert float(shown["randomisation p-value"]) == pytest.approx(0.0794, abs=0.01)  # close to Welch's t
    at = run_page(PAGE, {"ht_rt_stat": PROPORTIONS})
    assert_clean(at)
    shown = metric_values(at)
    assert shown["observed p̂1 − p̂2"] == "+0.2000"
    assert shown["Fisher exact p-value"] == f"{ht.fisher_exact_test(14, 40, 6, 40).pvalue:.4g}"
    for key in ("ht_rt_k1", "ht_rt_n1", "ht_rt_k2", "ht_rt_n2"):
        for value in ("0", "2000"):
            assert_clean(run_page(PAGE, {"ht_rt_stat": PROPORTIONS, key: value, "ht_rt_B": "1000"}))


def test_randomisation_bad_input_and_too_much_work() -> None:
    one_error(set_widget(run_page(PAGE), "ht_rt_x", "1, two"), "must be a number")
    at = run_page(PAGE, {"ht_rt_stat": PROPORTIONS, "ht_rt_k1": "0", "ht_rt_k2": "0"})
    assert_clean(at)  # all failures: every deal has the same statistic, p = 1
    assert metric_values(at)["randomisation p-value"] == "1"


def test_jasp_views_sequential_needs_flips() -> None:
    at = run_page(PAGE)
    assert any(s.value == "The Bayes factor as JASP draws it" for s in at.subheader)
    at = run_page(PAGE, {"ht_source": COUNT})
    assert_clean(at)
    assert any("needs the flips in order" in i.value for i in at.info)
    frames = [f for f in chart_frames(at) if "prior sd of p" in f.columns]
    assert frames
    assert frames[0]["BF01"].gt(0).all()


def test_coverage_lab_says_what_95_percent_means() -> None:
    at = run_page(PAGE)
    text = " ".join(c.value for c in at.caption)
    assert "covers the true value in about 95% of repeated samples" in text
    assert "does not mean that this one interval contains the parameter with probability 95%" in text


def test_new_sections_from_the_url_and_their_snippets_run(tmp_path) -> None:
    query = {"ht_t_test": "Student two-sample", "ht_gp_family": "t-test: one sample (d)", "ht_rt_B": "2000"}
    query |= {"ht_ab_k1": "30", "ht_ab_n1": "200", "ht_ab_alt": "greater (first > second)", "ht_t_mu": "-0.5"}
    at = run_page(PAGE, query)
    assert_clean(at)
    assert at.selectbox(key="ht_ab_alt").value == "greater"
    assert at.selectbox(key="ht_t_test").value == "Student two-sample"
    codes = [c.value for c in at.code]
    ab, gpower, rand = codes[4:]
    assert "two_proportion_ztest(30, 200, 90, 1000, 'greater')" in ab
    assert "equal_var=True" in ab
    assert "mu=-0.5" in ab
    assert "'one-sample'" in gpower
    assert "n_resamples=2000" in rand
    outputs = run_snippets(at, tmp_path)
    shown = metric_values(at)
    assert f"a priori n: {shown['A priori: n per group']}" in outputs[5]
    assert "x̄ − ȳ" in outputs[4]  # the t-test chart's intervals, printed by the A/B snippet
    ours = float(outputs[6].splitlines()[0].split()[1])
    assert f"{ours:.4g}" == shown["randomisation p-value"]


def test_new_sections_snippets_run_with_bad_data(tmp_path) -> None:
    at = run_page(PAGE, {"ht_t_x": "1, x", "ht_rt_x": "y"})
    assert len(at.error) == 2
    run_snippets(at, tmp_path)
