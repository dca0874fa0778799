"""The MLE page in a real headless Chromium: it renders its charts, nothing fails, and it saves a screenshot."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS, assert_no_errors, move_slider_with_keyboard, wait_for_script

pytestmark = pytest.mark.e2e


def test_mle_page_renders_its_charts(server_url, page) -> None:
    page.goto(f"{server_url}/mle_estimators")
    wait_for_script(page)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.first.wait_for(state="visible", timeout=30_000)
    assert charts.count() >= 8
    assert_no_errors(page)
    assert page.get_by_text("Numeric maximum of ℓ(p)").count() == 1
    move_slider_with_keyboard(page)  # a keyboard move reruns the page; it must stay clean
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=60_000)
    assert_no_errors(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "mle_estimators.png")


def test_mle_page_unboxes_from_labels_via_the_url(server_url, page) -> None:
    page.goto(
        f"{server_url}/mle_estimators?mle_reveal=labels+only&mle_model=negative+binomial%3A+trials+until+the+k-th+success"
    )
    wait_for_script(page)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=30_000)
    assert page.get_by_text("p̂ = m·k / Σn").count() == 1
    # The table is drawn on a canvas, so check the URL-bound choice instead of its column names.
    assert page.get_by_role("radio", name="labels only").is_checked()
    assert page.get_by_text("Direction cosine").count() == 1
    assert_no_errors(page)
