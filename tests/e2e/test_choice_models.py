"""The Choice models page in a real headless Chromium: charts drawn, no error, a screenshot for the README."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS, assert_no_errors, move_slider_with_keyboard, wait_for_script

pytestmark = pytest.mark.e2e


def test_choice_models_page_renders(server_url, page) -> None:
    page.goto(f"{server_url}/choice_models?ch_n=500")
    wait_for_script(page)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.first.wait_for(state="visible", timeout=60_000)
    assert charts.count() >= 5
    assert_no_errors(page)
    assert page.get_by_text("1/(1 + 2^λ) = 0.414214").count() == 1
    move_slider_with_keyboard(page)  # a keyboard move reruns the page; it must stay clean
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=60_000)
    assert_no_errors(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "choice_models.png")
