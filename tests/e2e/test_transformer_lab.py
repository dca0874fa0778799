"""The Transformer lab in a real headless Chromium: maps drawn, tabs switch, nothing fails, screenshot saved."""

from __future__ import annotations

import time
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


GRID_TEXT = "the+quick+brown+fox+jumps+over+the+lazy+dog.+the+quick+brown+fox"  # 64 characters


def test_transformer_lab_all_heads_grid_and_the_stepper(server_url, page) -> None:
    page.goto(
        f"{server_url}/transformer_lab?tl_section=All+heads&tl_layers=4&tl_example=Your+own+text&tl_text={GRID_TEXT}"
    )
    wait_for_script(page, timeout_ms=120_000)
    wait_for_charts(page, 1)
    grid = page.locator("[data-testid='stVegaLiteChart']").first
    grid.locator("canvas, svg").first.wait_for(timeout=60_000)
    assert page.get_by_text("Every one of the 65,536 cells is drawn").count() == 1
    assert_no_errors(page)
    start = time.perf_counter()
    move_slider_with_keyboard(page, index=2)  # the map size (after d_model and layers): the grid is drawn again
    grid.locator("canvas, svg").first.wait_for(timeout=60_000)
    print(f"all-heads grid (64 tokens, 4 × 4 heads) redrawn {time.perf_counter() - start:.2f} s after a slider move")
    assert_no_errors(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.mouse.move(800, 600)  # over the main area, which scrolls: bring the tabs to the top, the grid below them
    page.mouse.wheel(0, page.get_by_role("tab", name="All heads").bounding_box()["y"] - 40)
    page.wait_for_timeout(500)
    page.screenshot(path=SCREENSHOTS / "transformer_lab.png")
    # The stepper: two characters, then back to none.
    page.get_by_role("tab", name="Generation stepper").click()
    next_character = page.get_by_role("button", name="Next character", exact=True)
    next_character.wait_for(timeout=60_000)
    for count in (1, 2):
        next_character.click()
        page.get_by_text(f"{count} generated after the 64-character text").first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_text("0 generated after the 64-character text").first.wait_for(timeout=60_000)
    assert_no_errors(page)
