"""The Efficient transformers page in a real headless Chromium: its charts drawn, a keyboard slider move, clean."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    SCREENSHOTS,
    assert_no_errors,
    move_slider_with_keyboard,
    wait_for_charts,
    wait_for_script,
)

pytestmark = pytest.mark.e2e


def test_efficient_page_renders_its_charts(server_url, page) -> None:
    page.goto(f"{server_url}/efficient_transformers")
    wait_for_script(page)
    wait_for_charts(page, 4)  # routing heatmap, expert load, cache growth, FP8 errors
    assert page.get_by_text("max |absorbed − naive| attention output").count() == 1
    assert_no_errors(page)
    move_slider_with_keyboard(page)  # the experts slider: a rerun of the MoE section
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=60_000)
    assert_no_errors(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "efficient_transformers.png", full_page=False)
