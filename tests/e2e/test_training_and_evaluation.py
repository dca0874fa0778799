"""Training and evaluation in a real headless Chromium: every section's chart drawn, a keyboard slider move
reruns its section, the state lives in the URL, screenshot saved."""

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


def test_training_and_evaluation_renders_its_charts(server_url, page) -> None:
    page.goto(f"{server_url}/training_and_evaluation")
    wait_for_script(page, timeout_ms=180_000)  # the first visit starts the torch worker and trains 3 + 6 runs
    wait_for_charts(page, 10, timeout_ms=180_000)
    assert page.get_by_text("Torch device").count() >= 1  # uses_torch: the sidebar's device selector
    assert_no_errors(page)
    before = page.url
    move_slider_with_keyboard(page)  # the first slider: the polynomial degree, 3 → 4
    assert page.url != before
    assert "te_degree=4" in page.url
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=60_000)
    assert_no_errors(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "training_and_evaluation.png")


def test_training_and_evaluation_state_lives_in_the_url(server_url, page) -> None:
    page.goto(f"{server_url}/training_and_evaluation?te_degree=15&te_n_train=5")
    wait_for_script(page, timeout_ms=180_000)
    assert page.get_by_text("degree must be below n_train").count() == 1  # one clear sentence, nothing else
    assert page.locator("[data-testid='stException']").count() == 0
