"""Concurrent users: one server, N websocket sessions moving sliders across every page.

    python -m bench.load --sessions 20 --seconds 120
    python -m bench.load --sessions 2 --seconds 5          # the smoke test's size
    python -m bench.load --replicas 2 --heavy-seconds 0    # two server processes, sessions stick to one
    python -m bench.load --proxy nginx --replicas 2 --heavy-seconds 0   # the same behind python -m deploy's nginx
    python -m bench.load --page markov_chains --page mle_estimators     # only these pages (the CI test's size)
    python -m bench.load --proxy nginx --replicas 2 --heavy-seconds 0 --kill-after 20   # a replica killed mid-load

Each session is a :class:`deploy.client.Session`, a lightweight client of Streamlit's own protocol
as the browser's frontend is: it opens a page, collects its sliders, then "moves a slider", a rerun
timed until ``script_finished``. A slider inside a section (an ``st.fragment``) reruns only that
section, as in the browser; ``--full-reruns`` sends every move as a whole-page rerun instead (what a page without
sections costs). Every rerun is checked to have really run: the output of the part that reran
(the section, or the page) differs from what that part drew before.
After a few moves the session opens the next page. Users think between moves (``--think``).
Before the sessions start, every page is opened once (imports and first cache entries, as on
a server that has been up a while); those first opens are printed separately.

Streamlit runs every session in one process, so its Python work shares one GIL: one server uses
about one core whatever the machine has. ``--replicas N`` starts N servers and keeps each user on
one of them, as a load balancer with sticky sessions does (see the README). ``--proxy nginx`` starts
the documented deployment instead (``python -m deploy``: the replicas behind nginx, sticky by the
cookie nginx gives each browser) and sends every session through nginx's one URL, each with its
own sticky cookie as a browser has after its first request. Which replica each session landed on
is read from nginx's access log ($upstream_addr of its websocket) and printed.

``--kill-after S`` kills the first replica (``kill -9``) S seconds in. Its users' websockets close; each
reconnects as the browser's frontend does (the same URL and sticky cookie, so nginx picks the next replica
on its ring, and the page with the settings in its URL) and goes on. Printed: how many reconnected, each
one's wait from its websocket closing to its page back, and how many were lost (not back within 10 s).

Errors: an exception element in any delta, a rerun that does not finish (``--timeout``), or a
closed connection. Memory: the resident set size of the servers and their child processes (the
torch worker) before the sessions start and after they stop. Caches are bounded (``max_entries``), so it must level off.

Then a second experiment (``--heavy-seconds``): one light client moves a cached slider on the
Markov page alone, then again while another client keeps rerunning the heaviest page settings
(the queueing simulation at its largest size and the transformer lab at 256 tokens); the light
client's p50/p95 are printed for both phases.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import statistics
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import websockets

from bench.server import streamlit_server, wait_healthy
from deploy import Deployment, deployment
from deploy.client import RerunError, Run, Session, Slider, open_every_page
from deploy.nginx import parse_access_line
from pages._registry import PAGES

PAGE_NAMES = [Path(info.path).stem for info in PAGES]
MOVES_PER_PAGE = 4
LOST_AFTER_S = 10.0  # a session whose page is not back this long after its websocket closed counts as lost
# The heaviest reruns found: the queueing simulation at its largest size, the transformer at 256 tokens.
HEAVY = [  # (page, URL, the slider the heavy user moves: each new value is a new, uncached computation)
    ("queueing_distributions", "q_customers=500000&q_servers=3", "q_customers"),
    ("transformer_lab", "tl_example=Your+own+text&tl_text=" + "abcdefghij" * 25 + "abcdef&tl_layers=8", "tl_d_model"),
]
LIGHT = ("markov_chains", "mc_steps")


def next_value(slider: Slider, rng: random.Random) -> float:
    """One step left or right, inside the range (as ArrowLeft / ArrowRight would)."""
    step = slider.step or (slider.high - slider.low) / 100
    up = slider.value + step <= slider.high and (rng.random() < 0.5 or slider.value - step < slider.low)
    value = slider.value + step if up else slider.value - step
    return round(value, 10)


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    by_session: dict[int, list[float]] = field(default_factory=dict)  # the same reruns, per session
    moves: list[tuple[float, str]] = field(default_factory=list)  # (seconds, "page slider=value"): the slowest
    opens: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reruns: int = 0
    section_reruns: int = 0  # reruns of one section (fragment) rather than the whole page
    changed: int = 0  # reruns whose part (section or page) differs from what it drew before: the new value was used
    unchanged: list[str] = field(default_factory=list)  # "page slider=value (from before)" of the others
    killed_at: float | None = None  # time.monotonic() when --kill-after killed a replica
    after_kill: list[float] = field(default_factory=list)  # rerun latencies after it
    reconnect_waits: list[float] = field(default_factory=list)  # websocket closed → page back, per reconnect
    slow_reconnects: list[str] = field(default_factory=list)  # what the waits over LOST_AFTER_S spent their time on


@dataclass
class Options:
    """What every user of one load run shares."""

    stop_at: float
    think: float
    timeout: float
    fragments: bool
    pages: list[str]


def part_digests(run: Run) -> dict[str, bytes]:
    """What each part of a run drew: "*" everything, "" what lies outside every section, else one per fragment."""
    return {"*": run.output.digest()} | {fragment: digest.digest() for fragment, digest in run.parts.items()}


class DisconnectedError(Exception):
    """The session's websocket closed while its user was thinking."""


async def think_or_notice_close(session: Session, seconds: float) -> None:
    """Pause ``seconds`` as a user thinks; a websocket that closes meanwhile raises :class:`DisconnectedError`,
    as the browser's frontend notices at once (and reconnects) rather than at the next move."""
    closed = asyncio.ensure_future(session.wait_closed())
    try:
        done, _ = await asyncio.wait([closed], timeout=seconds)
    finally:
        closed.cancel()
    if done:
        raise DisconnectedError("the websocket closed")


async def visit(session: Session, page: str, index: int, rng: random.Random, stats: Stats, options: Options) -> None:
    """Open ``page``, then move up to MOVES_PER_PAGE of its sliders, thinking between moves."""
    start = time.perf_counter()
    run = await session.open(page)
    stats.opens.append(time.perf_counter() - start)
    drawn = part_digests(run)
    stats.errors += [f"{page} (open): {e}" for e in run.exceptions]
    for _ in range(MOVES_PER_PAGE):
        if time.monotonic() >= options.stop_at or not session.sliders:
            return
        await think_or_notice_close(session, rng.expovariate(1 / options.think) if options.think else 0)
        slider = rng.choice(list(session.sliders.values()))
        value = next_value(slider, rng)
        start = time.perf_counter()
        run = await session.move(slider, value)
        elapsed = time.perf_counter() - start
        stats.latencies.setdefault(page, []).append(elapsed)
        stats.by_session.setdefault(index, []).append(elapsed)
        stats.moves.append((elapsed, f"{page} {slider.key}={value:g}"))
        if stats.killed_at is not None:
            stats.after_kill.append(elapsed)
        stats.reruns += 1
        part = slider.fragment_id if options.fragments and slider.fragment_id else "*"
        stats.section_reruns += part != "*"
        now = part_digests(run)
        if now[part] != drawn.get(part):
            stats.changed += 1
        else:
            stats.unchanged.append(f"{page} {slider.key}={value:g} (from {slider.value:g})")
        drawn = now if part == "*" else drawn | {part: now[part]}
        stats.errors += [f"{page} ({slider.key}={value}): {e}" for e in run.exceptions]


async def come_back(broken: Session, page: str, stats: Stats, options: Options) -> Session | None:
    """Reconnect as the browser's frontend does after its replica died: a new websocket through the same URL
    with the same sticky cookie, and the page it was on with the settings in its URL. None if it never came back
    (within ``options.timeout``); a wait over LOST_AFTER_S counts as a lost session."""
    query = urllib.parse.urlencode(broken.query)
    noticed = time.perf_counter()
    await broken.close()
    tries: list[str] = []
    while time.perf_counter() - noticed < options.timeout:
        session = Session(broken.url, options.timeout, fragments=broken.fragments, sticky=broken.sticky)
        start = time.perf_counter()
        try:
            await session.connect()
            connected = time.perf_counter()
            await session.open(page, query)
        except (OSError, websockets.WebSocketException, RerunError, TimeoutError) as err:
            tries.append(f"{type(err).__name__} after {time.perf_counter() - start:.1f} s")
            await session.close()
            await asyncio.sleep(0.2)
            continue
        waited = time.perf_counter() - noticed
        stats.reconnect_waits.append(waited)
        if waited > LOST_AFTER_S:
            opened = f"connected in {connected - start:.1f} s, {page} ran in {time.perf_counter() - connected:.1f} s"
            stats.slow_reconnects.append(", ".join([*tries, opened]))
        return session
    stats.reconnect_waits.append(float("inf"))
    stats.slow_reconnects.append(", ".join(tries))
    return None


async def user(url: str, index: int, stats: Stats, options: Options, sticky: str | None = None) -> None:
    rng = random.Random(index)
    pages = options.pages[index % len(options.pages) :] + options.pages[: index % len(options.pages)]
    session = Session(url, options.timeout, fragments=options.fragments, sticky=sticky)
    try:
        await session.connect()
        while time.monotonic() < options.stop_at:
            for page in pages:
                try:
                    await visit(session, page, index, rng, stats, options)
                except (DisconnectedError, OSError, websockets.ConnectionClosed):
                    if stats.killed_at is None:
                        raise
                    session = await come_back(session, page, stats, options)
                    if session is None:
                        return
                if time.monotonic() >= options.stop_at:
                    break
    except (TimeoutError, RerunError, OSError, websockets.ConnectionClosed, DisconnectedError) as err:
        stats.errors.append(f"session {index}: {type(err).__name__}: {err}")
    finally:
        await session.close()


def _process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (the server's torch worker and training processes)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return [pid, *(p for child in children for p in _process_tree(child))]


def rss_mib(pids: list[int]) -> float:
    """Resident memory of the servers ``pids`` with their child processes, in MiB."""
    total = 0
    for pid in (p for server in pids for p in _process_tree(server)):
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)  # 0: a zombie
    return total / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    if not values:
        return "no reruns"
    p50, p95 = statistics.median(values) * 1e3, percentile(values, 95) * 1e3
    return f"p50 {p50:7.0f} ms   p95 {p95:7.0f} ms   n {len(values):5d}"


async def light_latencies(url: str, seconds: float, timeout: float) -> list[float]:
    """A light user moving a cached slider back and forth on the Markov page, as fast as it reruns."""
    page, key = LIGHT
    latencies: list[float] = []
    async with Session(url, timeout) as session:
        await session.open(page)
        slider = next(s for s in session.sliders.values() if s.key == key)
        values = [slider.value + slider.step, slider.value]
        stop_at = time.monotonic() + seconds
        while time.monotonic() < stop_at:
            value = values[len(latencies) % 2]
            start = time.perf_counter()
            run = await session.move(slider, value)
            latencies.append(time.perf_counter() - start)
            if not any(f"by step {value:g}" in text for text in run.texts):  # the page used the new value
                found = [text for text in run.texts if "by step" in text]
                raise RerunError(f"the Markov page did not recompute for {key}={value:g}: {found}, {run.elements}")
            await asyncio.sleep(0.2)
    return latencies


async def heavy_user(url: str, stop: asyncio.Event, timeout: float, durations: list[float]) -> None:
    rng = random.Random(1)
    async with Session(url, timeout) as session:
        while not stop.is_set():
            for page, query, key in HEAVY:
                await session.open(page, query)
                for _ in range(2):
                    slider = next(s for s in session.sliders.values() if s.key == key)
                    start = time.perf_counter()
                    await session.move(slider, next_value(slider, rng))
                    durations.append(time.perf_counter() - start)
                    if stop.is_set():
                        return


async def heavy_experiment(url: str, seconds: float, timeout: float) -> None:
    alone = await light_latencies(url, seconds, timeout)
    stop, durations = asyncio.Event(), []
    heavy = asyncio.create_task(heavy_user(url, stop, timeout, durations))
    await asyncio.sleep(2)  # let the heavy work start
    beside = await light_latencies(url, seconds, timeout)
    stop.set()
    await heavy
    print(f"\nheavy work beside a light user ({seconds:g} s each phase):")
    print(f"  light user alone (Markov, cached slider):     {summary(alone)}")
    print(f"  light user beside the heavy one:               {summary(beside)}")
    print(f"  heavy reruns (queueing ~500,000 customers, transformer 256 tokens): {summary(durations)}")


async def kill_replica_later(proxied: Deployment, after: float, stats: Stats) -> None:
    """``kill -9`` the first replica ``after`` seconds into the load (its users must reconnect to the other)."""
    await asyncio.sleep(after)
    doomed = proxied.replicas[0]
    os.kill(doomed.process.pid, signal.SIGKILL)
    stats.killed_at = time.monotonic()
    print(f"killed replica {doomed.address} (pid {doomed.process.pid}) after {after:g} s")


async def load(
    urls: list[str],
    sessions: int,
    seconds: float,
    think: float,
    timeout: float,
    fragments: bool = True,
    cookies: list[str] | None = None,
    pages: list[str] = PAGE_NAMES,
    kill: tuple[Deployment, float] | None = None,
) -> Stats:
    """``sessions`` users for ``seconds`` on ``pages``; user i stays on server i mod len(urls) (sticky
    sessions), sending the sticky cookie ``cookies[i]`` if given (nginx routes by it). ``kill``: (the
    deployment, seconds) kills its first replica that far into the run."""
    stats = Stats()
    options = Options(time.monotonic() + seconds, think, timeout, fragments, pages)
    users = [
        user(urls[i % len(urls)], i, stats, options, cookie) for i, cookie in enumerate(cookies or [None] * sessions)
    ]
    killer = [kill_replica_later(*kill, stats)] if kill else []
    await asyncio.gather(*users, *killer)
    return stats


def landed(access_log: Path, cookies: list[str], wait: float = 10.0) -> dict[str, str]:
    """The replica each sticky cookie's websocket reached, from nginx's access log. A websocket's
    line is written when it closes, so wait until there is one per session."""
    deadline = time.monotonic() + wait
    while True:
        found = {}
        for line in access_log.read_text().splitlines():
            logged = parse_access_line(line)
            if logged and logged.path == "/_stcore/stream" and logged.sticky in cookies:
                found[logged.sticky] = logged.replica
        if len(found) >= len(cookies) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def print_spread(proxied: Deployment, stats: Stats, cookies: list[str]) -> None:
    """Sessions and their reruns per replica, as nginx's access log says each session's websocket went."""
    replica_of = landed(proxied.access_log, cookies)
    counts = {r.address: 0 for r in proxied.replicas}
    for replica in replica_of.values():
        counts[replica] = counts.get(replica, 0) + 1
    print(f"sessions per replica (nginx's $upstream_addr for each of the {len(replica_of)} websockets):")
    for replica, count in counts.items():
        reruns = [x for i, c in enumerate(cookies) if replica_of.get(c) == replica for x in stats.by_session.get(i, [])]
        print(f"  {replica:24s} {count:3d} session(s)   {summary(reruns)}")


def print_reconnects(stats: Stats) -> None:
    """How the users of the killed replica fared: reconnected, how long they waited, lost (over LOST_AFTER_S)."""
    waits = stats.reconnect_waits
    lost = sum(w > LOST_AFTER_S for w in waits)
    shown = ", ".join(f"{w:.1f}" for w in sorted(waits))
    print(
        f"after the kill: {len(waits)} session(s) lost their websocket; waits (websocket closed → page back): {shown} s"
    )
    print(f"  lost sessions (page not back within {LOST_AFTER_S:g} s): {lost}")
    for what in stats.slow_reconnects:
        print(f"    {what}")
    print(f"  {'reruns after the kill':24s} {summary(stats.after_kill)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--page", action="append", choices=PAGE_NAMES, help="pages the users visit (default: all)")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's moves (s)")
    parser.add_argument("--timeout", type=float, default=120, help="a rerun slower than this is an error (s)")
    parser.add_argument("--heavy-seconds", type=float, default=20, help="0 skips the heavy-work experiment")
    parser.add_argument("--url", help="use a running server instead of starting one (no memory figures)")
    parser.add_argument(
        "--replicas", type=int, default=1, help="servers to start, one process each; user i stays on server i mod N"
    )
    parser.add_argument(
        "--proxy",
        choices=["none", "nginx"],
        default="none",
        help="nginx: start the deployment (python -m deploy) and send every session through nginx",
    )
    parser.add_argument(
        "--kill-after",
        type=float,
        help="with --proxy nginx: kill -9 the first replica this many seconds in; its users reconnect to another",
    )
    parser.add_argument(
        "--full-reruns",
        action="store_true",
        help="rerun the whole page on every move, as if no page had sections (the before of the sections change)",
    )
    args = parser.parse_args(argv)
    pages = args.page or PAGE_NAMES
    if args.kill_after is not None and (args.proxy != "nginx" or args.replicas < 2):
        parser.error("--kill-after needs --proxy nginx and at least 2 replicas")

    def run(urls: list[str], pids: list[int], proxied: Deployment | None = None) -> int:
        if pids:
            print(f"server RSS when started: {rss_mib(pids):.0f} MiB ({len(pids)} server process(es))")
        for url in [r.url for r in proxied.replicas] if proxied else urls:  # each replica, directly
            warm = asyncio.run(open_every_page(url, [(page, "") for page in pages], args.timeout))
            print("warm-up, first open of each page: " + ", ".join(f"{p} {t:.1f} s" for p, t in warm.items()))
        if pids:
            before = rss_mib(pids)
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        # As browsers behind nginx: each with its sticky cookie, spread evenly over the replicas.
        cookies = proxied.sticky_cookies(args.sessions, "load") if proxied else None
        wall = time.perf_counter()
        kill = (proxied, args.kill_after) if args.kill_after is not None else None
        stats = asyncio.run(
            load(
                urls, args.sessions, args.seconds, args.think, args.timeout, not args.full_reruns, cookies, pages, kill
            )
        )
        wall = time.perf_counter() - wall
        load_avg = " ".join(f"{x:.2f}" for x in os.getloadavg())
        where = f"through nginx on {len(proxied.replicas)} replica(s)" if proxied else f"on {len(urls)} server(s)"
        print(
            f"\n{args.sessions} sessions {where} for {wall:.0f} s (think time {args.think:g} s): "
            f"{stats.reruns} slider reruns, {stats.section_reruns} of them of one section (fragment)"
        )
        for page in pages:
            print(f"  {page:24s} {summary(stats.latencies.get(page, []))}")
        everything = [x for values in stats.latencies.values() for x in values]
        print(f"  {'all slider reruns':24s} {summary(everything)}")
        print(f"  {'page opens':24s} {summary(stats.opens)}")
        slowest = sorted(stats.moves, reverse=True)[:5]
        print("slowest reruns: " + ", ".join(f"{what} {seconds:.1f} s" for seconds, what in slowest))
        print(f"reruns whose output changed (the new value was used): {stats.changed} of {stats.reruns}")
        if stats.unchanged:
            print("unchanged: " + ", ".join(sorted(set(stats.unchanged))))
        if stats.killed_at is not None:
            print_reconnects(stats)
        elif proxied:
            print_spread(proxied, stats, cookies)
        print(f"errors: {len(stats.errors)}")
        for error in stats.errors[:20]:
            print(f"  {error}")
        if pids:
            after = rss_mib(pids)
            print(f"server RSS: {before:.0f} MiB before the sessions (after the warm-up), {after:.0f} MiB after")
        print(f"load average at the end: {load_avg}")
        if args.heavy_seconds:
            asyncio.run(heavy_experiment(urls[0], args.heavy_seconds, args.timeout))
            if pids:
                print(f"server RSS after the heavy experiment: {rss_mib(pids):.0f} MiB")
        return 1 if stats.errors or not stats.reruns else 0

    if args.url:
        return run([args.url], [])
    if args.proxy == "nginx":
        with deployment(args.replicas, warm=False) as proxied:  # warmed below, every page timed
            return run([proxied.url], [r.process.pid for r in proxied.replicas], proxied)
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(streamlit_server()) for _ in range(args.replicas)]
        for server in servers:
            wait_healthy(server)
        return run([server.url for server in servers], [server.pid for server in servers])


if __name__ == "__main__":
    sys.exit(main())
