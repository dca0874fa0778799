"""Training and evaluation in a real headless Chromium: every section's chart drawn, the two Train buttons run
their trainings in the background and draw their loss curves, a keyboard slider move reruns its section, the
state lives in the URL, screenshot saved."""

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
    wait_for_script(page, timeout_ms=180_000)
    wait_for_charts(page, 8, timeout_ms=180_000)  # nothing trains until a Train button is pressed
    assert page.get_by_text("Torch device").count() >= 1  # uses_torch: the sidebar's device selector
    assert_no_errors(page)
    for key in ("te_train", "te_seed_train"):  # the initialisation's 3 runs, then the seeding's 6
        page.locator(f".st-key-{key} button").first.click()
        page.locator(f".st-key-{key}").first.wait_for(state="detached", timeout=60_000)  # the run's progress instead
    wait_for_charts(page, 10, timeout_ms=180_000)  # both loss-curve charts: the page reran when each run was done
    wait_for_script(page)
    assert page.get_by_text("Loss before → after").count() == 1
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
