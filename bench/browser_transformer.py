"""Transformer lab in headless Chromium: how long a slider move takes until the page is redrawn.

    python -m bench.browser_transformer            # default text, 256 tokens and the all-heads grid, 7 moves each
    python -m bench.browser_transformer --repeats 3

Not part of ``python -m bench`` (it needs Chromium and starts its own server). Each sample:
focus the *d_model* slider, press an arrow key, then wait until the script has run again
(``notRunning`` after ``running``), every chart on the page has its canvas or SVG, and the
browser has painted two frames (Vega draws on the main thread, so the frames wait for it).
The value alternates between two neighbours, so after the first pair every rerun is cached
on the server and the time is mostly the browser's.
"""

from __future__ import annotations

import argparse
import statistics

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, streamlit_server, wait_for_script

VERBOSE = False
GRID_TEXT = "the+quick+brown+fox+jumps+over+the+lazy+dog.+the+quick+brown+fox"  # 64 characters
CASES = {  # name -> (the URL's query, the slider moved)
    "default text (23 tokens)": ("", "d_model"),
    "256 tokens": ("&tl_example=256+characters", "d_model"),
    "all heads, 64 tokens, 4 layers × 4 heads": (
        f"&tl_section=All+heads&tl_layers=4&tl_example=Your+own+text&tl_text={GRID_TEXT}",
        "Map size",
    ),
}
_CHARTS_DRAWN = """() => {
  const charts = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")];
  return charts.length > 0 && charts.every(c => c.querySelector('canvas, svg'));
}"""
_WATCH = """() => {
  window.__longTasks = [];
  window.__states = [];
  if (!window.__watching) {
    window.__watching = true;
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
    }).observe({type: 'longtask'});
    const app = document.querySelector("[data-testid='stApp']");
    new MutationObserver(() => window.__states.push([app.getAttribute('data-test-script-state'), performance.now()]))
      .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
}"""
_TIMELINE = "[performance.now(), window.__states, window.__longTasks]"
QUIET_MS = 1000


def slider_move_ms(page, key: str, slider: str = "d_model") -> float:
    """One arrow-key press on the slider and the time until the page is redrawn, in milliseconds.

    Measured on the page's clock: from just before the key press to the later of the script's
    end (``notRunning`` after ``running``, seen by a MutationObserver) and the end of the last
    long task (> 50 ms of main-thread work: React and Vega parsing and drawing), once the main
    thread has been quiet for a second and every chart has its canvas.
    """
    page.evaluate(_WATCH)
    page.locator("[data-testid='stSlider']").filter(has_text=slider).locator("input[type='range']").focus()
    start = page.evaluate("performance.now()")
    page.keyboard.press(key)
    while True:
        page.wait_for_timeout(100)
        now, states, tasks = page.evaluate(_TIMELINE)
        started = [t for state, t in states if state == "running"]
        done = [t for state, t in states if state == "notRunning" and started and t > started[0]]
        last = max([done[0] if done else now, *(t + d for t, d in tasks)])
        if done and now - last > QUIET_MS and page.evaluate(_CHARTS_DRAWN):
            break
    if VERBOSE:
        busy = sum(d for t, d in tasks)
        print(
            f"  running at {started[0] - start:.0f}, done at {done[0] - start:.0f}, last long task ends at "
            f"{last - start:.0f} ms; {len(tasks)} long tasks, {busy:.0f} ms"
        )
    return last - start


def measure(repeats: int, only: str = "") -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, list[float]] = {}
    with streamlit_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
        for name, (query, slider) in ((n, c) for n, c in CASES.items() if only in n):
            page.goto(f"{url}/transformer_lab?tl_d_model=64{query}")
            wait_for_script(page, timeout_ms=120_000)
            page.wait_for_function(_CHARTS_DRAWN, timeout=120_000)
            for key in ("ArrowRight", "ArrowLeft"):  # warm the server's caches for both values
                slider_move_ms(page, key, slider)
            keys = ("ArrowRight", "ArrowLeft")
            results[name] = [slider_move_ms(page, keys[i % 2], slider) for i in range(repeats)]
        browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser_transformer", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--verbose", action="store_true", help="print each sample's phases")
    parser.add_argument("--only", default="", help="only the cases whose name contains this (e.g. 'all heads')")
    args = parser.parse_args(argv)
    global VERBOSE
    VERBOSE = args.verbose
    for name, times in measure(args.repeats, args.only).items():
        shown = ", ".join(f"{t:,.0f}" for t in times)
        print(f"{name}: median {statistics.median(times):,.0f} ms (min {min(times):,.0f}) over {len(times)}: {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
