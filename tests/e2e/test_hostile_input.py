"""Hostile input in a real browser: an upload over the limit, garbage typed by one user while another works.

The per-widget payloads run under AppTest (tests/pages/test_hostile_input.py); these check what
only a real server shows: Streamlit's own upload limit and that sessions stay independent.
"""

from __future__ import annotations

import urllib.request

import pytest

from tests.e2e.conftest import assert_no_errors, wait_for_script

pytestmark = pytest.mark.e2e

QUEUEING = "queueing_distributions?q_customers=5000"


def _healthy(server_url: str) -> bool:
    with urllib.request.urlopen(f"{server_url}/_stcore/health", timeout=10) as response:
        return response.status == 200


def test_upload_over_the_limit_is_refused_and_the_server_stays_up(server_url, page) -> None:
    page.goto(f"{server_url}/{QUEUEING}")
    wait_for_script(page)
    too_big = b"service_time\n" + b"1.25\n" * (11 * 1024 * 1024 // 5)  # 11 MB; the limit is 10 MB
    uploader = page.locator("[data-testid='stFileUploader']").first
    uploader.locator("input[type='file']").set_input_files(
        files=[{"name": "times.csv", "mimeType": "text/csv", "buffer": too_big}]
    )
    page.get_by_text("File must be 10.0MB or smaller.").wait_for(timeout=30_000)
    assert _healthy(server_url)
    # The page still works: a CSV under the limit is read and fitted.
    small = b"service_time\n" + b"\n".join(str(0.5 + (i % 7) / 4).encode() for i in range(200)) + b"\n"
    uploader.locator("input[type='file']").set_input_files(
        files=[{"name": "small.csv", "mimeType": "text/csv", "buffer": small}]
    )
    page.get_by_text("Fitting 200 uploaded service times").wait_for(timeout=60_000)
    wait_for_script(page)
    assert page.locator("[data-testid='stException']").count() == 0


def test_garbage_from_one_user_leaves_another_user_alone(server_url, browser) -> None:
    hostile = browser.new_context(viewport={"width": 1400, "height": 1200})
    other = browser.new_context(viewport={"width": 1400, "height": 1200})
    try:
        attacker, colleague = hostile.new_page(), other.new_page()
        colleague.goto(f"{server_url}/markov_chains")
        wait_for_script(colleague)
        attacker.goto(f"{server_url}/{QUEUEING}&q_family=Hyper-exponential&seed=inf")
        wait_for_script(attacker)
        box = attacker.get_by_label("Branch rates", exact=True)
        for garbage in ("<img src=x onerror=alert(1)>", "nan, inf", "1e999, 1", "ßπ漢字🙂", "   "):
            box.fill(garbage)
            box.press("Enter")
            wait_for_script(attacker)
            assert attacker.locator("[data-testid='stException']").count() == 0, garbage
            assert attacker.locator("[data-testid='stAlertContentError']").count() == 1, garbage
            assert attacker.locator("img[src='x']").count() == 0, "user text must never become markup"
        attacker.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
            files=[{"name": "junk.csv", "mimeType": "text/csv", "buffer": b"1," * 500_000}]
        )
        attacker.get_by_text("comma-separated fields").wait_for(timeout=60_000)

        # Meanwhile the colleague moves a slider and gets a fresh, clean page.
        colleague.locator("[data-testid='stSlider'] input[type='range']").first.focus()
        colleague.keyboard.press("ArrowRight")
        colleague.wait_for_url("**mc_steps=11**", timeout=30_000)
        wait_for_script(colleague)
        assert colleague.get_by_text("P(HHT first) by step 11").count() == 1
        assert_no_errors(colleague)
        assert _healthy(server_url)
    finally:
        hostile.close()
        other.close()
