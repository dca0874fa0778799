"""The load script still runs: 2 websocket sessions for 5 seconds on two servers of its own, no errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
