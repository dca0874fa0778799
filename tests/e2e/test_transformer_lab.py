"""The Transformer lab in a real headless Chromium: maps drawn, tabs switch, nothing fails, screenshot saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import (
    SCREENSHOTS,
    assert_no_errors,
    move_slider_with_keyboard,
    wait_for_charts,
    wait_for_script,
)

pytestmark = pytest.mark.e2e


def test_transformer_lab_renders_its_charts(server_url, page) -> None:
    page.goto(f"{server_url}/transformer_lab?tl_layers=2")
    wait_for_script(page, timeout_ms=120_000)
    wait_for_charts(page, 3)  # the Attention tab: scores, weights, weighted values
    assert page.get_by_text("Torch device").count() >= 1  # uses_torch: the sidebar's device selector
    assert page.get_by_role("tab", name="Shapes and parameters").count() == 1
    assert_no_errors(page)
    move_slider_with_keyboard(page)  # a keyboard move reruns the page; it must stay clean
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=60_000)
    assert_no_errors(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "transformer_lab.png")
    # Every chart has a PNG and a CSV download, made on the server when clicked.
    png_buttons = page.get_by_role("button", name="PNG", exact=True)
    csv_buttons = page.get_by_role("button", name="CSV", exact=True)
    assert png_buttons.count() == csv_buttons.count() == 4  # scores, weights, values, next character
    with page.expect_download(timeout=60_000) as png:
        png_buttons.nth(0).click()
    assert png.value.suggested_filename == "attention_scores_layer1_head1.png"
    assert Path(png.value.path()).read_bytes().startswith(b"\x89PNG")
    with page.expect_download(timeout=60_000) as csv:
        csv_buttons.nth(1).click()
    assert csv.value.suggested_filename == "attention_weights_layer1_head1.csv"
    assert Path(csv.value.path()).read_text().splitlines()[0].startswith("query \\ key,0 · t,1 · h,2 · e")
    # Lazy tabs: opening Positions runs its part of the page and puts the choice in the URL.
    page.get_by_role("tab", name="Positions").click()
    page.wait_for_url("**tl_section=Positions**", timeout=30_000)
    wait_for_script(page, timeout_ms=120_000)
    page.get_by_text("Largest spread along any diagonal").wait_for(timeout=60_000)
    assert_no_errors(page)


def test_transformer_lab_256_tokens_pooled(server_url, page) -> None:
    page.goto(f"{server_url}/transformer_lab?tl_example=256+characters")
    wait_for_script(page, timeout_ms=120_000)
    wait_for_charts(page, 3)
    assert page.get_by_text("64 × 64 blocks of 4 × 4 cells").count() == 1
    assert_no_errors(page)
