"""The Sampling temperature page in a real headless Chromium: the τ slider moved with the keyboard
reruns the page, the charts are drawn, nothing fails, screenshot saved; a tiny model trained from
the Train button on a server with an empty model cache (the run happens in a process of its own)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import SCREENSHOTS, assert_no_errors, streamlit_server, wait_for_charts, wait_for_script

pytestmark = pytest.mark.e2e


def test_sampling_temperature_moves_tau_with_the_keyboard(server_url, page) -> None:
    page.goto(f"{server_url}/sampling_temperature?sp_n_samples=2&sp_n_new=40")
    wait_for_script(page, timeout_ms=120_000)
    wait_for_charts(page, 3)
    assert page.get_by_text("Torch device").count() >= 1  # uses_torch: the sidebar's device selector
    tau = page.locator("[data-testid='stSlider']").filter(has_text="Temperature τ").locator("input[type='range']")
    tau.focus()
    for _ in range(4):  # 1.00 -> 1.20 in steps of 0.05
        page.keyboard.press("ArrowRight")
    page.wait_for_url("**sp_tau=1.2**", timeout=30_000)
    wait_for_script(page, timeout_ms=120_000)
    assert tau.input_value() == "1.2"
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.first.wait_for(state="visible", timeout=60_000)
    assert charts.count() >= 3
    assert page.get_by_role("heading", name="2 · Temperature: the next character").count() == 1
    assert_no_errors(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "sampling_temperature.png")


def test_a_tiny_model_trains_from_the_button(page, tmp_path) -> None:
    with streamlit_server(env={"GARDEN_LAB_CACHE": str(tmp_path)}) as url:
        page.goto(f"{url}/sampling_temperature?sp_size=tiny&sp_n_samples=1&sp_n_new=20")
        wait_for_script(page, timeout_ms=120_000)
        assert page.get_by_text("This model is untrained").count() == 1
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("Trained model loaded").wait_for(timeout=240_000)
        wait_for_script(page, timeout_ms=120_000)
        assert_no_errors(page)
        assert page.get_by_text("60 steps").count() >= 1
    assert len(list(tmp_path.glob("tinygpt-*.pt"))) == 1


def test_a_default_run_stops_from_the_button_and_saves_nothing(page, tmp_path) -> None:
    with streamlit_server(env={"GARDEN_LAB_CACHE": str(tmp_path)}) as url:
        page.goto(f"{url}/sampling_temperature?sp_n_samples=1&sp_n_new=20")
        wait_for_script(page, timeout_ms=120_000)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text(re.compile(r"step \d+ / 400")).wait_for(timeout=120_000)  # the training process reports
        page.get_by_role("button", name="Stop", exact=True).click()
        page.get_by_text("The last run was stopped before the end").wait_for(timeout=60_000)
        wait_for_script(page, timeout_ms=120_000)
        assert_no_errors(page)
        assert page.get_by_text("This model is untrained").count() == 1
    assert not list(tmp_path.glob("tinygpt-*.pt"))
