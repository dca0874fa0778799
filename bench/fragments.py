"""A section's slider: rerunning its section (a fragment, as the browser does) vs the whole page.

    python -m bench.fragments                 # every page, every slider that lives in a section
    python -m bench.fragments --page markov_chains --moves 9

One websocket session (``bench.load.Session``, Streamlit's own protocol) opens each page and
moves each section slider back and forth between two neighbouring values, alternately as a
fragment rerun (``ClientState.fragment_id`` set, what the browser sends) and as a whole-page
rerun (the same request without it: what every move cost before pages had sections). Both are
timed in the same run, on the same server, with the same cache entries (after the first two
moves both values are cached), so the ratio is the share of a rerun that the rest of the page
costs. Medians of ``--moves`` per mode.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time

from bench.load import PAGE_NAMES
from bench.server import streamlit_server, wait_healthy
from deploy.client import Session, Slider


async def timed_move(session: Session, slider: Slider, value: float, *, fragment: bool) -> float:
    session.fragments = fragment
    start = time.perf_counter()
    await session.move(slider, value)
    return time.perf_counter() - start


async def page_rows(url: str, page: str, moves: int, timeout: float) -> list[tuple[str, str, float, float]]:
    """(page, slider key, median section rerun, median page rerun) for each slider inside a section."""
    rows = []
    async with Session(url, timeout) as session:
        await session.open(page)
        for key in [s.key for s in session.sliders.values() if s.fragment_id]:
            slider = next(s for s in session.sliders.values() if s.key == key)
            step = slider.step or (slider.high - slider.low) / 100
            there = slider.value + step if slider.value + step <= slider.high else slider.value - step
            values = [there, slider.value]
            for value in values:  # fill the caches for both values first
                await timed_move(session, slider, value, fragment=False)
            times: dict[bool, list[float]] = {True: [], False: []}
            for i in range(2 * moves):
                fragment = i % 2 == 0
                slider = next(s for s in session.sliders.values() if s.key == key)
                times[fragment].append(await timed_move(session, slider, values[(i // 2) % 2], fragment=fragment))
            rows.append((page, key, statistics.median(times[True]), statistics.median(times[False])))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", action="append", choices=PAGE_NAMES, help="pages to measure (default: all)")
    parser.add_argument("--moves", type=int, default=5, help="moves per slider and mode (median)")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args(argv)
    with streamlit_server() as server:
        wait_healthy(server)
        print(f"{'page':24s} {'slider':18s} {'section rerun':>14s} {'whole page':>11s} {'ratio':>6s}")
        for page in args.page or PAGE_NAMES:
            for name, key, section, whole in asyncio.run(page_rows(server.url, page, args.moves, args.timeout)):
                print(f"{name:24s} {key:18s} {section * 1e3:11.0f} ms {whole * 1e3:8.0f} ms {section / whole:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
