"""The load script still runs (2 websocket sessions on two pages through nginx in front of two replicas,
one session on each, then the heavy-work experiment; the same with a replica killed mid-run, whose user
comes back; the same for 2 seconds on two servers of its own; no errors either way), and its client moves
a section's slider as the browser does: a rerun of that section alone."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from deploy.client import Run, Session
from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.e2e
PAGES = ("markov_chains", "mle_estimators")


def load_script(*options: str) -> str:
    """Run ``python -m bench.load`` with ``options`` on two pages (Markov: sections; MLE: whole-page sliders
    too) for a few seconds; assert it succeeds with no errors and return what it printed."""
    command = [sys.executable, "-m", "bench.load", "--sessions", "2", "--think", "0.2", "--replicas", "2"]
    command += [f"--page={page}" for page in PAGES]
    command += options
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "errors: 0" in out.stdout
    for page in PAGES:  # each session starts on one of them: both pages' sliders were moved
        assert re.search(rf"^  {page} +p50 ", out.stdout, re.MULTILINE), out.stdout
    assert "all slider reruns" in out.stdout
    assert "server RSS" in out.stdout
    return out.stdout


def test_load_script_runs_through_nginx_with_sessions_spread_over_the_replicas() -> None:
    # --proxy nginx: python -m deploy's replicas behind nginx, every session through its one URL. Each
    # session carries a sticky cookie nginx routes to its own replica (Deployment.sticky_cookies). Then
    # the heavy-work experiment, through nginx too.
    out = load_script("--proxy", "nginx", "--seconds", "4", "--heavy-seconds", "2")
    assert "2 sessions through nginx on 2 replica(s)" in out
    assert "each of the 2 websockets" in out
    spread = re.findall(r"^  127\.0\.0\.1:\d+ +(\d+) session\(s\)", out, re.MULTILINE)
    assert spread == ["1", "1"], out
    assert "light user beside the heavy one" in out


def test_load_script_kills_a_replica_and_its_user_comes_back() -> None:
    # --kill-after: kill -9 of the first replica mid-load; its one session reconnects through nginx (the same
    # sticky cookie, so the next replica on the ring) to its page and goes on; nothing is lost or an error.
    out = load_script("--proxy", "nginx", "--seconds", "10", "--kill-after", "3", "--heavy-seconds", "0")
    assert re.search(r"^killed replica 127\.0\.0\.1:\d+", out, re.MULTILINE), out
    assert "after the kill: 1 session(s) lost their websocket" in out, out
    assert "lost sessions (page not back within 10 s): 0" in out, out
    after = re.search(r"^  reruns after the kill +p50 .* n +(\d+)$", out, re.MULTILINE)
    assert after, out
    assert int(after.group(1)) > 0, out  # both users went on moving sliders, on the survivor


def test_load_script_runs_on_servers_of_its_own() -> None:
    out = load_script("--seconds", "2", "--heavy-seconds", "0")  # no proxy: user i on server i mod 2
    assert "2 sessions on 2 server(s)" in out


def test_a_section_slider_reruns_only_its_section(server_url: str) -> None:
    # What the browser sends for a slider inside an st.fragment: only that section's elements come back.
    async def move_steps() -> tuple[str, Run]:
        async with Session(server_url, timeout=60) as session:
            opened = await session.open("markov_chains")
            steps = next(s for s in session.sliders.values() if s.key == "mc_steps")
            assert steps.fragment_id
            assert len(opened.parts) > 2, "the page draws several sections"
            return steps.fragment_id, await session.move(steps, steps.value + 1)

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        fragment, run = pool.submit(asyncio.run, move_steps()).result()
    assert set(run.parts) == {fragment}
    assert any("by step 11" in text for text in run.texts)  # the section used the new value
