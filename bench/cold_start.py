"""Cold start: from ``streamlit run dashboard.py`` to the overview page rendered in Chromium; and the
first open of every page on a just-started server, with and without the deployment's warm-up.

    python -m bench.cold_start            # median of 3 runs, then the overview's top importers
    python -m bench.cold_start --runs 5
    python -m bench.cold_start --pages    # each page's first open: a bare server vs a warmed replica

``--pages`` times, for each page, the first open server-side (from the websocket's rerun request to
``script_finished``, :class:`deploy.client.Session`): on a fresh ``streamlit run`` of its own (cold:
imports, the torch worker's start, the first cache entries all fall on that visit), and through
nginx on a just-started ``python -m deploy --replicas 1`` whose replica warmed itself
(:meth:`deploy.Deployment.warm`) before taking users. Target: ≤ 2 s warmed, every page.

Each run starts a fresh server process and times, from just before the process starts:
the health check answering 200, the page loaded (Streamlit's HTML and JavaScript), and the
overview rendered in headless Chromium (the script has finished, ``data-test-script-state`` is
``notRunning``, and the "Garden Lab" heading is visible). Chromium is launched once, before the
first run: a visitor's browser is already open. The runs are made twice: with a fresh browser
profile (nothing cached), then with a browser that visited the app before (its HTTP cache holds
Streamlit's static files, as a colleague's browser does); the server is cold in both. Then
``python -X importtime`` lists what the overview's imports cost, and a fresh interpreter that
runs the overview through the router confirms torch is not imported.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.server import ROOT, free_port, streamlit_server, wait_healthy

CHROMIUM = os.environ.get("GARDEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [  # as in tests/e2e/conftest.py
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TARGET_S = 5.0
PAGE_TARGET_S = 2.0  # the first open of any page on a just-started (warmed) server
# What the router imports before it draws the overview (dashboard.py, pages/overview.py).
OVERVIEW_IMPORTS = "import streamlit, pages._common, pages._registry"
TORCH_CHECK = """
import sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("dashboard.py", default_timeout=120).run()
assert not at.exception and at.title[0].value == "Garden Lab"
print("torch imported:", "torch" in sys.modules)
"""


def one_run(browser, port: int, cached_context=None) -> tuple[float, float, float]:
    """Seconds from process start to: healthy, the page loaded (HTML and scripts), the overview rendered.

    ``cached_context``: a browser context that has visited the app before (its HTTP cache holds
    Streamlit's static files, as a colleague's browser does); by default a fresh one.
    """
    with streamlit_server(port=port) as server:
        healthy = wait_healthy(server)
        context = cached_context or browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            page.goto(server.url)  # returns on the load event: the frontend's scripts are in
            loaded = time.perf_counter() - server.started
            page.get_by_role("heading", name="Garden Lab").first.wait_for(state="visible", timeout=60_000)
            page.wait_for_selector("[data-test-script-state='notRunning']", state="attached", timeout=60_000)
            rendered = time.perf_counter() - server.started
        finally:
            if cached_context is None:
                context.close()
            else:
                page.close()
    return healthy, loaded, rendered


def top_importers(limit: int = 12) -> list[tuple[float, str]]:
    """The modules with the largest cumulative import time (ms) for the overview's imports."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", OVERVIEW_IMPORTS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in out.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) <= 3:  # top-level and first-level imports only
            rows.append((int(match.group(1)) / 1000, match.group(3)))
    return sorted(rows, reverse=True)[:limit]


def torch_imported_by_overview() -> bool:
    out = subprocess.run([sys.executable, "-c", TORCH_CHECK], cwd=ROOT, capture_output=True, text=True, check=True)
    return "torch imported: True" in out.stdout


def first_open(url: str, page: str, timeout: float = 180.0) -> float:
    """Seconds one new session takes to open ``page`` at its default view (server-side)."""
    from deploy.client import open_every_page

    return asyncio.run(open_every_page(url, [(page, "")], timeout))[page]


def page_first_opens() -> int:
    """Each page's first open on a cold server of its own, and on a warmed deployment; 1 if any misses."""
    from deploy import deployment
    from pages._registry import PAGES

    names = [Path(info.path).stem for info in PAGES]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    cold = {}
    for name in names:
        with streamlit_server() as server:
            wait_healthy(server)
            cold[name] = first_open(server.url, name)
    with deployment(1) as warmed:
        warm_up_s = sum(next(iter(warmed.warm_s.values())).values())
        warm = {name: first_open(warmed.url, name) for name in names}
    print(f"first open of each page, server-side (target ≤ {PAGE_TARGET_S:g} s on a warmed replica):")
    print(f"  {'page':24s} {'cold server':>12s} {'warmed replica':>15s}")
    for name in names:
        print(f"  {name:24s} {cold[name]:10.2f} s {warm[name]:13.2f} s")
    print(f"the replica's warm-up (every page opened once before users) took {warm_up_s:.1f} s")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    slowest = max(warm, key=warm.get)
    verdict = "meets" if warm[slowest] <= PAGE_TARGET_S else "MISSES"
    print(f"slowest warmed first open: {slowest} {warm[slowest]:.2f} s ({verdict} the target)")
    return 0 if verdict == "meets" else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", action="store_true", help="each page's first open, cold vs warmed")
    args = parser.parse_args(argv)
    if args.pages:
        return page_first_opens()
    from playwright.sync_api import sync_playwright

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    healthy, rendered, rendered_cached = [], [], []
    port = free_port()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for run in range(1, args.runs + 1):
                h, loaded, r = one_run(browser, port)
                healthy.append(h)
                rendered.append(r)
                print(f"run {run}: healthy after {h:.2f} s, page loaded {loaded:.2f} s, overview rendered {r:.2f} s")
            cached = browser.new_context(viewport={"width": 1400, "height": 1000})
            one_run(browser, port, cached)  # fills the browser's cache (not counted)
            for run in range(1, args.runs + 1):
                h, loaded, r = one_run(browser, port, cached)
                rendered_cached.append(r)
                print(
                    f"browser cache warm, run {run}: healthy {h:.2f} s, page loaded {loaded:.2f} s, rendered {r:.2f} s"
                )
            cached.close()
        finally:
            browser.close()
    median = statistics.median(rendered)
    verdict = "meets" if median <= TARGET_S else "MISSES"
    print(f"cold start, median of {args.runs}: healthy {statistics.median(healthy):.2f} s, ", end="")
    print(f"overview rendered {median:.2f} s ({verdict} the {TARGET_S:g} s target) with a fresh browser profile,")
    print(f"  {statistics.median(rendered_cached):.2f} s with the browser's cache warm from an earlier visit")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\npython -X importtime -c {OVERVIEW_IMPORTS!r}: largest cumulative import times")
    for ms, module in top_importers():
        print(f"  {ms:8.1f} ms  {module}")
    torch = torch_imported_by_overview()
    print(f"\ntorch imported when the router draws the overview: {torch}")
    return 1 if torch else 0


if __name__ == "__main__":
    sys.exit(main())
