"""The Linear algebra lens in a real headless Chromium: every section's charts drawn, a keyboard slider move
reruns its section and the URL, nothing fails, screenshot saved."""

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


def test_linear_algebra_renders_its_charts(server_url, page) -> None:
    page.goto(f"{server_url}/linear_algebra")
    wait_for_script(page, timeout_ms=120_000)
    wait_for_charts(page, 13)  # eigenvalues; 2 gradients; SVD stages; 4 rank k; 2 PCA; 2 LoRA; 1 VJP
    assert page.get_by_text("Torch device").count() >= 1  # uses_torch: the sidebar's device selector
    assert page.get_by_text("Relative difference").count() == 1
    assert_no_errors(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "linear_algebra.png")
    move_slider_with_keyboard(page)  # the power t: 20 -> 21, a fragment rerun
    page.wait_for_url("**la_t=21**", timeout=30_000)
    assert page.get_by_text("21 products", exact=True).count() == 1  # the timing metric's label
    assert_no_errors(page)


def test_linear_algebra_jordan_block_from_the_url(server_url, page) -> None:
    page.goto(f"{server_url}/linear_algebra?la_matrix=a+Jordan+block+%28not+diagonalisable%29&la_t=5")
    wait_for_script(page, timeout_ms=120_000)
    page.get_by_text("A is not diagonalisable").first.wait_for(timeout=60_000)
    assert page.get_by_text("does not exist").count() >= 1
    assert_no_errors(page)
