"""The documented deployment, for real: two replicas behind the private nginx that ``python -m deploy``
runs (deploy/), with the configuration the README shows. Every page opens in Chromium through nginx
(the websocket upgrade) and reruns on a slider move; a CSV upload passes; the metrics endpoint and
bodies over the limit are refused; stopping leaves no process behind.

One deployment serves the whole module; the last test stops it.
"""

from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy import Deployment, deployment, site_config
from deploy.deployment import free_ports, processes_of
from deploy.nginx import ROOT, AccessLine, parse_access_line, upload_limit_mb
from pages._registry import PAGES
from tests.e2e.conftest import assert_no_errors, move_slider_with_keyboard, wait_for_script

pytestmark = pytest.mark.e2e

# Small settings for the torch pages (as their own browser tests use), the plain URL for the others.
PAGE_URLS = {
    "sampling_temperature": "sampling_temperature?sp_n_samples=2&sp_n_new=40",
    "transformer_lab": "transformer_lab?tl_layers=2",
    "queueing_distributions": "queueing_distributions?q_customers=5000",
}
PAGE_NAMES = [Path(info.path).stem for info in PAGES]
TIMEOUT_MS = 120_000


def require_nginx() -> None:
    """Skip without nginx (fail in CI, which must install it)."""
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        if os.environ.get("CI"):
            pytest.fail("nginx not found; CI must install it (apt-get install nginx).")
        pytest.skip("nginx not installed")


@pytest.fixture(scope="module")
def proxy(tmp_path_factory) -> Iterator[Deployment]:
    require_nginx()
    with deployment(2, run_dir=tmp_path_factory.mktemp("deploy")) as running:
        yield running


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def _put(deploy: Deployment, size: int) -> tuple[int, str, bytes, list[str]]:
    """PUT ``size`` bytes to the upload endpoint through nginx: (status, Server header, body, its log line)."""
    connection = http.client.HTTPConnection("127.0.0.1", deploy.port, timeout=60)
    try:
        connection.connect()
        port = str(connection.sock.getsockname()[1])
        connection.request("PUT", "/_stcore/upload_file/session/file", body=b"1" * size)
        response = connection.getresponse()
        status, server, body = response.status, response.getheader("Server", ""), response.read()
    finally:
        connection.close()
    return status, server, body, _logged(deploy, port)


def _logged(deploy: Deployment, client_port: str) -> AccessLine | None:
    """The access log's line for the request from ``client_port``: nginx writes it just after the
    response, so wait a little for it."""
    deadline = time.monotonic() + 5
    while True:
        lines = [line for line in _access_log(deploy.access_log) if line.client_port == client_port]
        if lines or time.monotonic() > deadline:
            return lines[-1] if lines else None
        time.sleep(0.05)


def _access_log(path: Path) -> list[AccessLine]:
    return [logged for line in path.read_text().splitlines() if (logged := parse_access_line(line))]


def test_every_replica_opened_every_page_before_taking_users(proxy: Deployment) -> None:
    # Deployment.warm: the first colleague on a just-started server pays for no import or first cache entry.
    assert set(proxy.warm_s) == {r.address for r in proxy.replicas}
    for opened in proxy.warm_s.values():
        assert list(opened) == PAGE_NAMES


def test_health_through_nginx_and_metrics_refused(proxy: Deployment) -> None:
    assert _status(f"{proxy.url}/_stcore/health") == 200
    for path in ("/_stcore/metrics", "/_stcore/metrics/", "//_stcore/metrics", "/_stcore/%6Detrics"):
        assert _status(proxy.url + path) == 403, path
    # nginx refuses it, not the app: a replica itself still serves it (to this machine only).
    assert _status(f"{proxy.replicas[0].url}/_stcore/metrics") == 200


def test_a_body_over_the_limit_is_refused_by_nginx(proxy: Deployment) -> None:
    limit = upload_limit_mb() * 1024 * 1024
    status, server, body, logged = _put(proxy, limit + 2 * 1024 * 1024)  # over client_max_body_size (limit + 1 MB)
    assert (status, server.split("/")[0]) == (413, "nginx")
    assert b"413 Request Entity Too Large" in body
    assert logged.status == 413
    assert logged.replica == "-"  # no replica saw it
    # Just over the app's own limit passes nginx and reaches a replica, which refuses it (no XSRF token
    # here): 403, or 502 when Streamlit answers before reading the whole body and nginx sees it close.
    for _ in range(4):
        status, _, _, logged = _put(proxy, limit + 512 * 1024)
        assert status in (403, 502)
        assert logged.replica in {r.address for r in proxy.replicas}, logged
    # Such a refusal never takes a replica out of nginx's upstream (max_fails=0): with nginx's default,
    # one of them disabled a replica for 10 s, and two (the upload replayed on the other) all of them.
    assert "temporarily disabled" not in proxy.error_log.read_text()
    assert "no live upstreams" not in proxy.error_log.read_text()
    assert _status(proxy.url) == 200
    assert all(_status(f"{r.url}/_stcore/health") == 200 for r in proxy.replicas)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_opens_and_reruns_through_nginx(proxy: Deployment, page, name: str) -> None:
    page.goto(f"{proxy.url}/{PAGE_URLS.get(name, name)}")
    wait_for_script(page, TIMEOUT_MS)
    assert_no_errors(page)
    move_slider_with_keyboard(page, timeout_ms=TIMEOUT_MS)  # a rerun over the proxied websocket
    assert_no_errors(page)


def test_the_overview_opens_and_its_links_navigate_through_nginx(proxy: Deployment, page) -> None:
    page.goto(proxy.url)
    wait_for_script(page, TIMEOUT_MS)
    assert page.get_by_role("heading", name="Garden Lab").first.is_visible()
    assert page.locator("[data-testid='stPageLink']").count() == len(PAGES)
    page.get_by_role("link", name="Markov chains").first.click()
    page.wait_for_url("**/markov_chains**", timeout=TIMEOUT_MS)
    wait_for_script(page, TIMEOUT_MS)
    move_slider_with_keyboard(page, timeout_ms=TIMEOUT_MS)
    assert page.get_by_text("P(HHT first) by step 11").count() == 1
    assert_no_errors(page)


def test_a_csv_upload_works_through_nginx(proxy: Deployment, page) -> None:
    page.goto(f"{proxy.url}/{PAGE_URLS['queueing_distributions']}")
    wait_for_script(page, TIMEOUT_MS)
    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']").first
    # Over the app's limit: the browser refuses it itself, before any byte reaches nginx.
    too_big = b"service_time\n" + b"1.25\n" * (11 * 1024 * 1024 // 5)
    uploader.set_input_files(files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": too_big}])
    page.get_by_text("File must be 10.0MB or smaller.").wait_for(timeout=30_000)
    small = b"service_time\n" + b"\n".join(str(0.5 + (i % 7) / 4).encode() for i in range(200)) + b"\n"
    uploader.set_input_files(files=[{"name": "small.csv", "mimeType": "text/csv", "buffer": small}])
    page.get_by_text("Fitting 200 uploaded service times").wait_for(timeout=TIMEOUT_MS)
    wait_for_script(page, TIMEOUT_MS)
    assert_no_errors(page)
    # The file went through nginx to the replica that holds this tab's session.
    log = _access_log(proxy.access_log)
    uploads = [line for line in log if line.method == "PUT" and line.path.startswith("/_stcore/upload_file/")]
    served = [line.replica for line in uploads if line.status in (200, 204)]
    assert len(served) == 1, uploads  # the small file; the big one never left the browser
    assert served[0] in {r.address for r in proxy.replicas}


def test_the_command_serves_survives_a_dead_replica_and_stops_on_sigterm(tmp_path: Path) -> None:
    first = free_ports(3)  # nginx, then two replicas
    command = [sys.executable, "-m", "deploy", "--replicas", "2", "--port", str(first), "--no-warm"]
    command += ["--replica-port", str(first + 1), "--run-dir", str(tmp_path)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    printed: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [printed.put(line) for line in process.stdout], daemon=True)
    reader.start()
    seen: list[str] = []

    def wait_for(text: str, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                seen.append(printed.get(timeout=left))
            except queue.Empty:
                break
            if text in seen[-1]:
                return seen[-1]
        raise AssertionError(f"{text!r} not printed within {timeout:g} s: {seen}")

    try:
        up = wait_for("is up at")
        assert f"http://127.0.0.1:{first} " in up
        assert _status(f"http://127.0.0.1:{first}/_stcore/health") == 200
        assert _status(f"http://127.0.0.1:{first}/_stcore/metrics") == 403
        pids = [int(pid) for pid in re.findall(r"pid (\d+)", up)]  # nginx's and each replica's: group leaders
        assert len(pids) == 3
        assert set(pids) <= set(processes_of(tmp_path, pids))
        site = (tmp_path / "garden-lab.conf").read_text()
        assert site == site_config([f"127.0.0.1:{first + 1}", f"127.0.0.1:{first + 2}"], listen=f"127.0.0.1:{first}")
        # kill -9 the replica this machine's requests go to: nginx sends them, and their uploads, to the other.
        served = _served_last(tmp_path / "nginx-access.log")
        os.killpg(pids[1 + int(served.rsplit(":", 1)[1]) - (first + 1)], signal.SIGKILL)
        wait_for(f"replica {served} exited with code -9; nginx sends its users to the others", timeout=10)
        assert _status(f"http://127.0.0.1:{first}/") == 200
        assert _served_last(tmp_path / "nginx-access.log") != served
        connection = http.client.HTTPConnection("127.0.0.1", first, timeout=30)
        connection.request("PUT", "/_stcore/upload_file/session/file", body=b"1" * 1000)
        assert connection.getresponse().read() == b"XSRF token missing or invalid"  # a replica answered
        connection.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        reader.join(timeout=10)
    while not printed.empty():
        seen.append(printed.get())
    assert process.returncode == 0, seen
    assert "stopped: no process of the deployment is left\n" in seen
    assert processes_of(tmp_path, pids) == []


def _served_last(access_log: Path) -> str:
    """The replica that served the last logged request that reached one (the last of $upstream_addr's tries)."""
    time.sleep(0.2)  # nginx writes a request's line just after its response
    return [line.replica for line in _access_log(access_log) if line.replica != "-"][-1]


def test_stop_leaves_no_process_of_the_deployment(proxy: Deployment, page) -> None:
    # The last test of the module: it stops the module's deployment. First make sure a replica has
    # started its torch worker (a child process of its own, kept after the tab closes), which must go too.
    page.goto(f"{proxy.url}/{PAGE_URLS['transformer_lab']}")
    wait_for_script(page, TIMEOUT_MS)
    page.close()
    replicas = {r.process.pid for r in proxy.replicas}
    before = proxy.processes()
    workers = [pid for pid in before if _group(pid) in replicas and pid not in replicas]
    assert workers, "no replica started a child process (its torch worker)"
    assert proxy.nginx.pid in before
    proxy.stop()
    assert proxy.processes() == []
    for pid in before:
        assert not Path(f"/proc/{pid}").exists() or _is_zombie(pid), pid
    assert all(r.process.returncode is not None for r in proxy.replicas)
    assert _status_or_refused(proxy.url) == "refused"


def _group(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[2])


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2] in "ZX"


def _status_or_refused(url: str) -> int | str:
    try:
        return _status(f"{url}/_stcore/health")
    except (ConnectionError, urllib.error.URLError):
        return "refused"
