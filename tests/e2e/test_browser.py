"""Garden Lab in a real headless Chromium: the page renders, a chart is drawn, nothing fails."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS, wait_for_script

pytestmark = pytest.mark.e2e


def test_overview_links_every_page(server_url, page) -> None:
    page.goto(server_url)
    wait_for_script(page)
    assert page.get_by_role("heading", name="Garden Lab").first.is_visible()
    assert page.locator("[data-testid='stPageLink']").count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0


def test_markov_page_renders_its_charts(server_url, page) -> None:
    page.goto(f"{server_url}/markov_chains")
    wait_for_script(page)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.first.wait_for(state="visible", timeout=30_000)
    assert charts.count() >= 5
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    assert page.get_by_text("Every exact value lies inside").count() + page.get_by_text("falls outside").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "markov_chains.png", full_page=True)


def test_markov_state_lives_in_the_url(server_url, page) -> None:
    page.goto(f"{server_url}/markov_chains?mc_patterns=THH+HHT&mc_steps=3")
    wait_for_script(page)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=30_000)
    assert page.get_by_label("Patterns", exact=True).and_(page.locator("input")).input_value() == "THH HHT"
    # THH vs HHT: the race lasts 13/2 flips on average; the caption prints the exact fraction.
    assert page.get_by_text("exact: 13/2").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
