"""The load script still runs (2 websocket sessions for 5 seconds on two servers of its own, no errors;
the same through nginx in front of two replicas, one session on each), and its client moves a
section's slider as the browser does: a rerun of that section alone."""

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


def test_load_script_runs_without_errors() -> None:
    command = [
        sys.executable,
        "-m",
        "bench.load",
        "--sessions",
        "2",
        "--seconds",
        "5",
        "--think",
        "0.2",
        "--replicas",
        "2",
    ]
    out = subprocess.run([*command, "--heavy-seconds", "3"], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "errors: 0" in out.stdout
    assert "2 sessions on 2 server(s)" in out.stdout
    assert "all slider reruns" in out.stdout
    assert "server RSS" in out.stdout
    assert "light user beside the heavy one" in out.stdout


def test_load_script_runs_through_nginx_with_sessions_spread_over_the_replicas() -> None:
    # --proxy nginx: python -m deploy's replicas behind nginx, every session through its one URL. Each
    # session carries a sticky cookie nginx routes to its own replica (Deployment.sticky_cookies).
    command = [sys.executable, "-m", "bench.load", "--proxy", "nginx", "--replicas", "2", "--sessions", "2"]
    command += ["--seconds", "5", "--think", "0.2", "--heavy-seconds", "0"]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "errors: 0" in out.stdout
    assert "2 sessions through nginx on 2 replica(s)" in out.stdout
    assert "each of the 2 websockets" in out.stdout
    spread = re.findall(r"^  127\.0\.0\.1:\d+ +(\d+) session\(s\)", out.stdout, re.MULTILINE)
    assert spread == ["1", "1"], out.stdout


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
