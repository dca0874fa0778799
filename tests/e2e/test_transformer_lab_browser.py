"""The Transformer lab in a real headless Chromium: maps drawn, nothing fails, screenshot saved."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS, assert_no_errors, move_slider_with_keyboard, wait_for_script

pytestmark = pytest.mark.e2e


def test_transformer_lab_renders_its_charts(server_url, page) -> None:
    page.goto(f"{server_url}/transformer_lab?tl_layers=2")
    wait_for_script(page, timeout_ms=120_000)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.first.wait_for(state="visible", timeout=60_000)
    assert charts.count() >= 12
    assert page.get_by_text("Torch device").count() >= 1  # uses_torch: the sidebar's device selector
    assert page.get_by_role("heading", name="1 · Shapes and parameters").count() == 1
    assert_no_errors(page)
    move_slider_with_keyboard(page)  # a keyboard move reruns the page; it must stay clean
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=60_000)
    assert_no_errors(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "transformer_lab.png")
