"""The hypothesis-testing page under AppTest: numbers on screen, widget extremes, bad input, the snippets."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from lib import hypothesis as ht
from tests.apptest_helpers import (
    ROOT,
    assert_clean,
    assert_extremes_are_clean,
    chart_frames,
    metric_values,
    run_page,
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
    assert len(at.get("vega_lite_chart")) == 8


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
        | {"ht_boot_B", "ht_cov_runs", "ht_cov_resamples", "seed"},
    )


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


def run_snippets(at, tmp_path) -> list[str]:
    """Run every snippet on the page as a script (one per section); returns their outputs."""
    outputs = []
    for i, code in enumerate(c.value for c in at.code):
        script = tmp_path / f"snippet_{i}.py"
        script.write_text(code)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=tmp_path)
        assert result.returncode == 0, (code, result.stderr)
        outputs.append(result.stdout)
    return outputs


def test_snippets_run_as_is(tmp_path) -> None:
    # One snippet per section, each with the current values.
    at = run_page(PAGE, {"ht_source": COUNT, "ht_k": "115", "ht_count_n": "200", "ht_p1": "0.65"})
    codes = [c.value for c in at.code]
    assert len(codes) == 4
    picture, coin, power, _ = codes
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
    positions = [entry.index(f"\n{call}") for call in calls]
    assert positions == sorted(positions)
    assert len(entry.splitlines()) <= 150
    at = run_page(PAGE)
    assert [h.value for h in at.header] == [
        "1 · The picture of a test",
        "2 · Is the coin fair? Five ways on the same flips",
        "3 · Power and sample size",
        "4 · Bootstrap confidence intervals",
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
