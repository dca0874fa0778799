"""The queueing page in a real headless Chromium: phase diagram, charts, no error."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS, assert_no_errors, move_slider_with_keyboard, wait_for_script

pytestmark = pytest.mark.e2e


def test_queueing_page_renders_diagram_and_charts(server_url, page) -> None:
    page.goto(f"{server_url}/queueing_distributions")
    wait_for_script(page)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.first.wait_for(state="visible", timeout=30_000)
    # On a busy machine the last charts may still be mounting when the script reports done.
    page.wait_for_function(
        "document.querySelectorAll(\"[data-testid='stVegaLiteChart']\").length >= 12", timeout=60_000
    )
    page.locator("[data-testid='stGraphVizChart']").first.wait_for(state="visible", timeout=30_000)
    assert_no_errors(page)
    assert page.get_by_text("Queueing distributions", exact=True).count() >= 1
    move_slider_with_keyboard(page)  # a keyboard move reruns the page; it must stay clean
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=60_000)
    assert_no_errors(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "queueing_distributions.png", full_page=True)


def test_unstable_queue_says_so_from_the_url(server_url, page) -> None:
    page.goto(f"{server_url}/queueing_distributions?q_rho=1.1&q_family=Exponential")
    wait_for_script(page)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=30_000)
    assert page.get_by_text("grows without bound").count() >= 1
    assert_no_errors(page)


def test_jackson_network_from_the_url(server_url, page) -> None:
    routing = "0%201%3B%200.5%200"  # 0 1; 0.5 0
    page.goto(
        f"{server_url}/queueing_distributions?q_customers=5000&q_net_kind=Open%20Jackson%20network%20(typed)"
        f"&q_net_external=1%200&q_net_routing={routing}&q_net_rates=4%203&q_net_servers=1%201"
    )
    wait_for_script(page)
    page.get_by_text("Time in network, exact").first.wait_for(state="visible", timeout=60_000)
    assert page.get_by_text("Finite capacity and impatience").count() >= 1
    assert_no_errors(page)
