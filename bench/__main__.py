"""Run every benchmark in bench/ and print one table: what, ours, the anchor, ratio.

    python -m bench                 # all benchmarks, 7 repeats each
    python -m bench --repeats 3 markov   # only those whose module or name contains 'markov'

Timings are medians measured in this run, ours and the anchor side by side on the same
machine; the ratio (ours / anchor) is what to compare between machines.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
import time
from pathlib import Path

from bench.common import Result


def discover(selector: str) -> list:
    benchmarks = []
    for module_info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if not module_info.name.startswith("bench_"):
            continue
        module = importlib.import_module(f"bench.{module_info.name}")
        benchmarks += [b for b in module.BENCHMARKS if selector in f"{module_info.name}.{b.__name__}"]
    return benchmarks


def format_table(results: list[Result]) -> str:
    header = ("what", "ours", "anchor", "anchor time", "ratio")
    rows = [
        (r.what, f"{r.ours_s * 1e3:,.1f} ms", r.anchor, f"{r.anchor_s * 1e3:,.1f} ms", f"{r.ratio:.3g}")
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [" | ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)) for row in [header, *rows]]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("selector", nargs="?", default="", help="run only benchmarks whose name contains this")
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats per measurement (median is reported)")
    args = parser.parse_args(argv)
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    benchmarks = discover(args.selector)
    if not benchmarks:
        print(f"no benchmark matches {args.selector!r}", file=sys.stderr)
        return 1
    start = time.perf_counter()
    results = []
    for benchmark in benchmarks:  # a benchmark returns one Result or a list of them (a sweep)
        outcome = benchmark(args.repeats)
        results += outcome if isinstance(outcome, list) else [outcome]
    print(format_table(results))
    print(f"\n{len(results)} benchmarks, {args.repeats} repeats each, {time.perf_counter() - start:.1f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
