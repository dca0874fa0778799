"""Start and stop a real ``streamlit run dashboard.py`` for the cold-start and load scripts."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    started: float  # time.perf_counter() just before the process was started

    @property
    def pid(self) -> int:
        return self.process.pid


def is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_healthy(server: Server, timeout: float = 60.0) -> float:
    """Seconds from process start until ``/_stcore/health`` answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {server.process.returncode}")
        if is_healthy(server.url):
            return time.perf_counter() - server.started
        time.sleep(0.05)
    raise TimeoutError(f"streamlit did not become healthy within {timeout} s")


@contextmanager
def streamlit_server(*extra: str, log: Path | None = None, port: int | None = None) -> Iterator[Server]:
    """``streamlit run dashboard.py`` on 127.0.0.1:``port`` (default: a free port) with the repository's config."""
    port = port or free_port()
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", *extra]
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield Server(process, f"http://127.0.0.1:{port}", started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            out.close()
