"""Start and stop the documented deployment: N ``streamlit run dashboard.py`` replicas behind a private nginx.

Every replica runs in a process group (and session) of its own, and so does nginx: stopping sends
SIGTERM to each group, waits, then SIGKILL, so a replica's torch worker and training processes
(spawned children, in their parent's group) go with it. Every process also carries
``GARDEN_DEPLOYMENT=<run directory>`` in its environment, and a last sweep kills any process that
carries it, wherever it went: :meth:`Deployment.processes` is what a test checks is empty after stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from deploy.nginx import ROOT, STICKY_COOKIE, main_config, nginx_binary, parse_access_line, site_config
from pages._registry import PAGES

MARKER = "GARDEN_DEPLOYMENT"


@dataclass
class Replica:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"


@dataclass
class Deployment:
    url: str  # nginx: the one address users open
    port: int
    run_dir: Path
    replicas: list[Replica]
    nginx: subprocess.Popen | None = None
    stopped: bool = field(default=False, init=False)
    warm_s: dict[str, dict[str, float]] = field(default_factory=dict, init=False)  # replica -> page -> seconds

    @property
    def access_log(self) -> Path:
        return self.run_dir / "nginx-access.log"

    @property
    def error_log(self) -> Path:
        return self.run_dir / "nginx-error.log"

    def _groups(self) -> list[int]:
        """The process groups: one per replica and nginx's (each leader's pid is its group's id)."""
        return [r.process.pid for r in self.replicas] + ([self.nginx.pid] if self.nginx else [])

    def route_of(self, sticky: str, timeout: float = 10.0) -> str:
        """The replica (``host:port``) nginx sends a browser with the sticky cookie ``sticky`` to:
        one health check through nginx with that cookie, read back from the access log."""
        request = urllib.request.Request(f"{self.url}/_stcore/health", headers={"Cookie": f"{STICKY_COOKIE}={sticky}"})
        with urllib.request.urlopen(request, timeout=timeout):
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in reversed(self.access_log.read_text().splitlines()):
                logged = parse_access_line(line)
                if logged and logged.sticky == sticky and logged.path == "/_stcore/health":
                    return logged.replica
            time.sleep(0.05)
        raise TimeoutError(f"nginx logged no request with the sticky cookie {sticky!r}")

    def sticky_cookies(self, count: int, prefix: str = "user") -> list[str]:
        """``count`` sticky cookies, cookie i routed to replica i mod N: users spread evenly (as many
        random cookies are on average), so a test or a benchmark knows who is where."""
        wanted = [self.replicas[i % len(self.replicas)].address for i in range(count)]
        free: dict[str, list[str]] = {}
        for probe in range(100 * count + 100):
            if all(len(free.get(r, [])) >= wanted.count(r) for r in wanted):
                break
            cookie = f"{prefix}-{probe}"
            free.setdefault(self.route_of(cookie), []).append(cookie)
        else:
            raise RuntimeError(f"nginx routed no probe cookie to some of {sorted(set(wanted))}: {free}")
        return [free[replica].pop(0) for replica in wanted]

    def warm(self, timeout: float = 180.0) -> None:
        """Open every page once on every replica, directly (not through nginx), before users come:
        the imports, the torch worker, the saved model in it and the default view's cache entries are
        then ready, and a colleague's first visit does not pay for them. Replicas warm in parallel."""
        from deploy.client import open_every_page  # Streamlit's protocol modules: only when warming

        pages = [(Path(info.path).stem, "") for info in PAGES]

        async def every_replica() -> list[dict[str, float]]:
            return await asyncio.gather(*(open_every_page(r.url, pages, timeout) for r in self.replicas))

        # In a thread of its own: the caller may have an event loop running (Playwright's sync API does).
        with ThreadPoolExecutor(max_workers=1) as pool:
            times = pool.submit(asyncio.run, every_replica()).result()
        self.warm_s = dict(zip([r.address for r in self.replicas], times, strict=True))

    def processes(self) -> list[int]:
        """Every live process of this deployment: in one of its groups, or carrying its marker."""
        return processes_of(self.run_dir, self._groups())

    def stop(self, grace: float = 15.0) -> None:
        """nginx first (no new requests), then the replicas: SIGTERM to every group, SIGKILL what is left
        after ``grace`` seconds, then every process that still carries the marker. Idempotent."""
        if self.stopped:
            return
        self.stopped = True
        leaders = [r.process for r in self.replicas] + ([self.nginx] if self.nginx else [])
        groups, marker = set(self._groups()), _marker(self.run_dir)
        if self.nginx:
            _signal_group(self.nginx.pid, signal.SIGTERM)  # fast shutdown: closes the websockets
            _wait_gone({self.nginx.pid}, b"", leaders, timeout=5)
        for replica in self.replicas:
            _signal_group(replica.process.pid, signal.SIGTERM)
        if _wait_gone(groups, marker, leaders, timeout=grace):
            return
        for pid, _ in _live_processes(groups, marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for group in groups:
            _signal_group(group, signal.SIGKILL)
        if not _wait_gone(groups, marker, leaders, timeout=5):
            raise RuntimeError(f"processes of the deployment survived SIGKILL: {self.processes()}")


def processes_of(run_dir: Path, groups: Iterable[int] = ()) -> list[int]:
    """The live processes of the deployment run from ``run_dir``: those in ``groups`` (process group ids)
    and those whose environment carries its marker (every replica and its children do)."""
    return sorted(pid for pid, _ in _live_processes(set(groups), _marker(Path(run_dir).resolve())))


def _marker(run_dir: Path) -> bytes:
    return f"{MARKER}={run_dir}".encode()


def _live_processes(groups: set[int], marker: bytes) -> Iterator[tuple[int, int]]:
    """(pid, process group) of every process that is in ``groups`` or has ``marker`` in its
    environment, zombies excepted (they are dead; their parent, or init, reaps them)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            state, _, group = stat[stat.rindex(")") + 2 :].split()[:3]
            if state in "ZX":
                continue
            if int(group) in groups or (marker and marker + b"\0" in (entry / "environ").read_bytes()):
                yield int(entry.name), int(group)
        except (OSError, ValueError):  # gone meanwhile, or not ours to read
            continue


def _signal_group(group: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, sig)


def _wait_gone(groups: set[int], marker: bytes, leaders: list[subprocess.Popen], timeout: float) -> bool:
    """Wait until no process of ``groups`` or with ``marker`` is alive (reaping our own children)."""
    deadline = time.monotonic() + timeout
    while True:
        for leader in leaders:
            leader.poll()  # reap: a zombie leader would otherwise look alive to a kill(pid, 0)
        if not any(True for _ in _live_processes(groups, marker)):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def free_ports(count: int, tries: int = 200) -> int:
    """The first of ``count`` consecutive ports free on 127.0.0.1 (checked by binding each)."""
    rng = random.Random()
    for _ in range(tries):
        first = rng.randrange(20_000, 60_000 - count)
        if all(_is_free(port) for port in range(first, first + count)):
            return first
    raise RuntimeError(f"found no {count} consecutive free ports")


def _is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def healthy(url: str) -> bool:
    """``GET /_stcore/health`` answers 200 (``ok`` once Streamlit's runtime is ready)."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.HTTPError):
        return False


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _wait_ready(deployment: Deployment, timeout: float) -> None:
    """Every replica's ``/_stcore/health``, then nginx's (the proxy path itself, to the upstream)."""
    deadline = time.monotonic() + timeout
    waiting = list(deployment.replicas)
    while waiting:
        for replica in list(waiting):
            if replica.process.poll() is not None:
                raise RuntimeError(
                    f"replica {replica.address} exited with code {replica.process.returncode}:\n{_tail(replica.log)}"
                )
            if healthy(replica.url):
                waiting.remove(replica)
        if time.monotonic() > deadline:
            raise TimeoutError(f"replicas not healthy within {timeout:g} s: {[r.address for r in waiting]}")
        time.sleep(0.1)
    while not healthy(deployment.url):
        if deployment.nginx.poll() is not None:
            raise RuntimeError(f"nginx exited with code {deployment.nginx.returncode}:\n{_tail(deployment.error_log)}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"nginx not healthy within {timeout:g} s:\n{_tail(deployment.error_log)}")
        time.sleep(0.1)


def start(
    replicas: int | None = None,
    port: int | None = None,
    *,
    replica_port: int | None = None,
    host: str = "127.0.0.1",
    run_dir: Path | None = None,
    cache_dir: Path | None = None,
    ready_timeout: float = 180.0,
    warm: bool = True,
) -> Deployment:
    """Start ``replicas`` (default: one per core) Streamlit servers on consecutive ports from
    ``replica_port`` (default: free ones) and nginx on ``host:port`` (default port: a free one)
    in front of them; return once every replica and nginx answer their health check.

    ``cache_dir`` is the model cache every replica reads (``GARDEN_LAB_CACHE``). Replicas share one
    cookie secret (``STREAMLIT_SERVER_COOKIE_SECRET``, generated unless set), so a browser's signed
    cookies stay valid when nginx moves it to another replica, and one BLAS / OpenMP thread each
    (``OPENBLAS_NUM_THREADS=1`` …, unless set). With ``warm``, every replica opens
    every page once before this returns (:meth:`Deployment.warm`).
    """
    replicas = replicas or os.cpu_count() or 1
    replica_port = replica_port or free_ports(replicas)
    port = port or free_ports(1)
    run_dir = Path(run_dir or tempfile.mkdtemp(prefix="garden-lab-deploy-")).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "tmp").mkdir(exist_ok=True)
    env = {**os.environ, MARKER: str(run_dir)}
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
    # One replica per core: a replica's numpy (OpenBLAS) and torch should not start a thread per core
    # each, or N replicas run N² threads on N cores and every matrix product waits for the others.
    for threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(threads, "1")
    if cache_dir:
        env["GARDEN_LAB_CACHE"] = str(Path(cache_dir).resolve())

    deployment = Deployment(f"http://{_url_host(host)}:{port}", port, run_dir, [])
    try:
        for replica_port_i in range(replica_port, replica_port + replicas):
            log = run_dir / f"replica-{replica_port_i}.log"
            command = [sys.executable, "-m", "streamlit", "run", "dashboard.py"]
            command += ["--server.port", str(replica_port_i), "--server.address", "127.0.0.1"]
            command += ["--server.headless", "true"]
            with open(log, "w") as out:  # the child keeps its own copy of the descriptor
                process = subprocess.Popen(
                    command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            deployment.replicas.append(Replica(replica_port_i, process, log))
        site = run_dir / "garden-lab.conf"
        site.write_text(site_config([r.address for r in deployment.replicas], listen=f"{host}:{port}"))
        conf = run_dir / "nginx.conf"
        conf.write_text(main_config(run_dir, site))
        command = [nginx_binary(), "-p", str(run_dir), "-c", str(conf), "-e", str(deployment.error_log)]
        deployment.nginx = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
        )
        _wait_ready(deployment, ready_timeout)
        if warm:
            deployment.warm(ready_timeout)
    except BaseException:
        deployment.stop()
        raise
    return deployment


def _url_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "*") else host  # where to reach it from this machine


@contextlib.contextmanager
def deployment(replicas: int | None = None, port: int | None = None, **options: object) -> Iterator[Deployment]:
    """:func:`start`, and :meth:`Deployment.stop` on the way out (whatever happens inside).

    Without a ``run_dir`` option, a temporary one is used and removed after the stop."""
    temporary = None if options.get("run_dir") else tempfile.TemporaryDirectory(prefix="garden-lab-deploy-")
    if temporary:
        options["run_dir"] = Path(temporary.name)
    try:
        running = start(replicas, port, **options)
        try:
            yield running
        finally:
            running.stop()
    finally:
        if temporary:
            temporary.cleanup()
