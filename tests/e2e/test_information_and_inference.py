"""The Information and inference page in headless Chromium: charts drawn, a keyboard slider move, a screenshot."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    SCREENSHOTS,
    assert_no_errors,
    move_slider_with_keyboard,
    wait_for_charts,
    wait_for_script,
)

pytestmark = pytest.mark.e2e


def test_information_page_renders_its_charts(server_url, page) -> None:
    page.goto(f"{server_url}/information_and_inference")
    wait_for_script(page)
    wait_for_charts(page, 8)  # bars; densities, sweep; ellipses; coin densities, SVI trace; variances; score field
    assert_no_errors(page)
    assert page.get_by_text("H(p, q) = H(p) + KL(p‖q):").count() == 1
    move_slider_with_keyboard(page)  # the bumps' distance: reruns section 2 alone
    page.wait_for_url("**ii_sep=6.1**", timeout=30_000)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=60_000)
    assert_no_errors(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "information_and_inference.png")


def test_an_infinite_kl_comes_from_the_url(server_url, page) -> None:
    page.goto(f"{server_url}/information_and_inference?ii_q=0.5+0.5+0+0")
    wait_for_script(page)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=30_000)
    expect(page.get_by_label("q", exact=True).and_(page.locator("input"))).to_have_value("0.5 0.5 0 0")
    expect(page.get_by_text("A divergence is infinite")).to_have_count(1)
    assert_no_errors(page)
