"""A real Garden Lab server and a headless Chromium for the browser tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("GARDEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots land here; GARDEN_SCREENSHOTS=docs/screenshots regenerates the README's.
SCREENSHOTS = Path(os.environ.get("GARDEN_SCREENSHOTS", ROOT / "build" / "screenshots"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"streamlit did not become healthy within {timeout} s")


@contextmanager
def streamlit_server(env: dict[str, str] | None = None) -> Iterator[str]:
    """Start ``streamlit run dashboard.py`` on a free port (with ``env`` added to the environment);
    yield its URL once it is healthy."""
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install it (apt-get install chromium).")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    page = context.new_page()
    yield page
    context.close()


def wait_for_script(page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has run the page's script to the end.

    The state reads notRunning before the first run starts too, so first wait for the
    page's content, then for the state, then check that it stays finished.
    """
    page.wait_for_selector("[data-testid='stMain'] [data-testid='stElementContainer']", timeout=timeout_ms)
    for _ in range(2):
        page.wait_for_selector("[data-test-script-state='notRunning']", state="attached", timeout=timeout_ms)
        page.wait_for_timeout(300)
    page.wait_for_selector("[data-test-script-state='notRunning']", state="attached", timeout=timeout_ms)


def assert_no_errors(page) -> None:
    """Neither an exception nor an error alert is on the page."""
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


def wait_for_charts(page, count: int, timeout_ms: int = 60_000) -> None:
    """Wait until at least ``count`` charts are on the page (they mount one by one on a cold server)."""
    page.wait_for_function(
        f"document.querySelectorAll(\"[data-testid='stVegaLiteChart']\").length >= {count}", timeout=timeout_ms
    )


def move_slider_with_keyboard(page, index: int = 0, timeout_ms: int = 60_000) -> str:
    """Focus the ``index``-th slider of the main area, press ArrowRight and wait for the rerun.

    Returns the slider's new value (as the thumb reports it); the caller checks the page after.
    """
    thumb = page.locator("[data-testid='stMain'] [data-testid='stSlider'] input[type='range']").nth(index)
    before_url, before = page.url, thumb.input_value()
    thumb.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("url => window.location.href !== url", arg=before_url, timeout=timeout_ms)
    wait_for_script(page, timeout_ms)
    after = thumb.input_value()
    assert after != before, f"the slider did not move from {before}"
    return after
