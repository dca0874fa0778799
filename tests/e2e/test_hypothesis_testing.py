"""The hypothesis-testing page in a real headless Chromium: charts drawn, verdicts shown, nothing fails."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS, assert_no_errors, move_slider_with_keyboard, wait_for_script

pytestmark = pytest.mark.e2e


def test_hypothesis_page_renders_its_charts(server_url, page) -> None:
    page.goto(f"{server_url}/hypothesis_testing")
    wait_for_script(page)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.first.wait_for(state="visible", timeout=30_000)
    assert charts.count() >= 16  # sections 1-4: 8; the JASP views 3; the t-tests 2; G*Power 2; randomisation 1
    assert_no_errors(page)
    assert page.get_by_text("The z-test rejects when p̂ is beyond").count() == 1
    move_slider_with_keyboard(page)  # a keyboard move reruns the page; it must stay clean
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=60_000)
    assert_no_errors(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "hypothesis_testing.png")


def test_hypothesis_bad_flips_give_one_error_in_the_browser(server_url, page) -> None:
    page.goto(f"{server_url}/hypothesis_testing?ht_flips=HTXH")
    wait_for_script(page)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=30_000)
    assert page.locator("[data-testid='stAlertContentError']").count() == 1
    assert page.get_by_text("letters H and T only").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0


def test_hypothesis_page_on_simulated_flips_and_pasted_numbers(server_url, page) -> None:
    query = "ht_source=simulate+flips+from+a+true+p&ht_true_p=0.7&ht_sim_n=400&ht_boot_source=pasted+numbers"
    page.goto(f"{server_url}/hypothesis_testing?{query}")
    wait_for_script(page)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=30_000)
    assert page.get_by_text("Flips simulated").count() == 1
    assert page.get_by_text("The coverage lab needs a known truth").count() == 1
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 7
    assert_no_errors(page)


def test_hypothesis_two_group_sections_in_the_browser(server_url, page) -> None:
    page.goto(f"{server_url}/hypothesis_testing")
    wait_for_script(page)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=30_000)
    for heading in (
        "5 · A/B test and t-tests",
        "6 · Power analysis like G*Power",
        "7 · Randomisation test like StatKey",
    ):
        assert page.get_by_text(heading).count() == 1
    assert page.get_by_text("0.07939").count() >= 1  # R's Welch test on the sleep data
    # G*Power's n slider, moved by the keyboard: the post hoc power reruns in its fragment, cleanly.
    slider = page.locator("[data-testid='stSlider']").filter(has_text="n per group").first
    thumb = slider.locator("input[type='range']")
    thumb.scroll_into_view_if_needed()
    before_url = page.url
    thumb.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("url => window.location.href !== url", arg=before_url, timeout=60_000)
    wait_for_script(page)
    assert "ht_gp_n=65" in page.url
    assert_no_errors(page)
