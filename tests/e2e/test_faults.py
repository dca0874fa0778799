"""Faults a team server meets, each survived for real through python -m deploy's nginx and Chromium:

- kill -9 the replica a browser is on: nginx sends the tab to another replica, the page reconnects
  and comes back with the settings in its URL; a second user on the surviving replica never notices;
- kill -9 the torch worker in the middle of a call: that user reads one sentence, the next call works;
- kill -9 a training run's process: the job reports the failure and offers to train again, and the
  model saved before still loads (its file unchanged);
- stop the whole deployment during a training run, start it again: no process is left, nothing in the
  model cache is half-written, and the page offers to train again.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy import Deployment, deployment
from deploy.nginx import STICKY_COOKIE
from tests.e2e.conftest import assert_no_errors, move_slider_with_keyboard, wait_for_script
from tests.e2e.test_proxy import require_nginx

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 120_000
WORKER_STOPPED = "The model worker process stopped unexpectedly; try again."
TINY = "sampling_temperature?sp_size=tiny&sp_n_samples=1&sp_n_new=20"
DEFAULT_SIZE = "sampling_temperature?sp_n_samples=1&sp_n_new=20"


def browser_on(browser, lab: Deployment, sticky: str):
    """A browser context whose sticky cookie nginx routes to a replica the test chose."""
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    context.add_cookies([{"name": STICKY_COOKIE, "value": sticky, "url": lab.url}])
    return context


def spawned_children(pid: int) -> set[int]:
    """The processes ``pid`` spawned through multiprocessing (the torch worker, training runs)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:  # a thread, or a child, may end while we look
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in command:
                found.add(int(child))
    return found


def wait_for_new_child(pid: int, before: set[int], timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = spawned_children(pid) - before
        if new:
            return new.pop()
        time.sleep(0.1)
    raise TimeoutError(f"process {pid} spawned no new process within {timeout:g} s")


def file_digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def slider_value(page, label: str) -> str:
    slider = page.locator("[data-testid='stSlider']", has_text=label).locator("input[type='range']")
    return slider.input_value()


@pytest.fixture
def lab(tmp_path) -> Iterator[Deployment]:
    """A fresh deployment of two replicas for one test (it may kill parts of it); its model cache is
    ``tmp_path / "cache"``."""
    require_nginx()
    with deployment(2, run_dir=tmp_path / "run", cache_dir=tmp_path / "cache", warm=False) as running:
        yield running


def test_a_killed_replica_moves_its_user_and_the_other_user_never_notices(lab: Deployment, browser) -> None:
    doomed, survivor = lab.replicas
    cookie_a, cookie_b = lab.sticky_cookies(2, "fault")  # a on the doomed replica, b on the survivor
    a = browser_on(browser, lab, cookie_a).new_page()
    b = browser_on(browser, lab, cookie_b).new_page()
    sockets: dict[str, list] = {"a": [], "b": []}
    closed: dict[str, list] = {"a": [], "b": []}

    def watch(name: str, ws) -> None:
        sockets[name].append(ws)
        ws.on("close", lambda closing: closed[name].append(closing))

    for name, page in (("a", a), ("b", b)):
        page.on("websocket", lambda ws, name=name: watch(name, ws))
    a.goto(f"{lab.url}/markov_chains?mc_steps=7&mc_p_heads=0.62", timeout=TIMEOUT_MS)
    b.goto(f"{lab.url}/markov_chains?mc_steps=4", timeout=TIMEOUT_MS)
    for page in (a, b):
        wait_for_script(page, TIMEOUT_MS)
        assert_no_errors(page)
    assert slider_value(a, "Steps t") == "7"

    os.kill(doomed.process.pid, signal.SIGKILL)
    doomed.process.wait(timeout=30)
    # a's websocket breaks; the frontend reconnects through nginx, which finds the survivor.
    deadline = time.monotonic() + 60
    while not closed["a"] and time.monotonic() < deadline:
        a.wait_for_timeout(200)
    assert closed["a"], "a's websocket stayed open after its replica died"
    while len(sockets["a"]) < 2 and time.monotonic() < deadline:
        a.wait_for_timeout(200)
    assert len(sockets["a"]) >= 2, "a's page did not reconnect"
    wait_for_script(a, TIMEOUT_MS)
    a.get_by_text("limit: 2/3").first.wait_for(timeout=TIMEOUT_MS)  # the page ran again, on the survivor
    assert_no_errors(a)
    assert slider_value(a, "Steps t") == "7"  # its settings came back from the URL
    assert "mc_p_heads=0.62" in a.url
    assert lab.route_of(cookie_a) == survivor.address

    # b never noticed: the same websocket throughout, and the page still reruns.
    move_slider_with_keyboard(b)
    assert_no_errors(b)
    assert len(sockets["b"]) == 1
    assert not closed["b"]
    for page in (a, b):
        page.context.close()


def test_a_killed_torch_worker_costs_one_sentence_and_the_next_call_works(lab: Deployment, browser) -> None:
    replica = lab.replicas[0]
    (cookie,) = lab.sticky_cookies(1, "worker")
    page = browser_on(browser, lab, cookie).new_page()
    page.goto(f"{lab.url}/sampling_temperature?sp_n_samples=2&sp_n_new=100", timeout=TIMEOUT_MS)
    wait_for_script(page, TIMEOUT_MS)
    assert_no_errors(page)
    (worker,) = spawned_children(replica.process.pid)  # the server's one torch worker

    # The worker is frozen (SIGSTOP), then the slider asks for new samples: the call is surely under way
    # (submitted, waiting for its answer) when the worker is killed.
    os.kill(worker, signal.SIGSTOP)
    generation = page.locator("[data-testid='stSlider']", has_text="Samples per temperature")
    generation.locator("input[type='range']").focus()
    page.keyboard.press("End")
    page.get_by_text("Sampling 16 × 100 characters").wait_for(timeout=TIMEOUT_MS)  # the worker call's spinner
    page.wait_for_timeout(500)
    assert page.locator("[data-test-script-state='running']").count() == 1
    os.kill(worker, signal.SIGKILL)
    page.get_by_text(WORKER_STOPPED).wait_for(timeout=TIMEOUT_MS)
    wait_for_script(page, TIMEOUT_MS)
    assert page.locator("[data-testid='stAlertContentError']").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0

    # The next call starts a fresh worker and works.
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**sp_n_samples=15**", timeout=TIMEOUT_MS)
    wait_for_script(page, TIMEOUT_MS)
    page.get_by_text(WORKER_STOPPED).wait_for(state="detached", timeout=TIMEOUT_MS)
    assert_no_errors(page)
    assert spawned_children(replica.process.pid) - {worker}
    page.context.close()


def train_tiny_model(page, lab: Deployment) -> None:
    page.goto(f"{lab.url}/{TINY}", timeout=TIMEOUT_MS)
    wait_for_script(page, TIMEOUT_MS)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Trained model loaded").wait_for(timeout=240_000)


def start_default_run(page, lab: Deployment, replica) -> int:
    """Press Train for the default-size model; the training process's pid, once it reports a step."""
    page.goto(f"{lab.url}/{DEFAULT_SIZE}", timeout=TIMEOUT_MS)
    wait_for_script(page, TIMEOUT_MS)
    before = spawned_children(replica.process.pid)
    page.get_by_role("button", name="Train", exact=True).click()
    trainer = wait_for_new_child(replica.process.pid, before)
    page.get_by_text(re.compile(r"step \d+ / 400")).first.wait_for(timeout=TIMEOUT_MS)
    return trainer


def test_a_killed_training_run_reports_the_failure_and_the_saved_model_still_loads(
    lab: Deployment, browser, tmp_path
) -> None:
    replica = lab.replicas[0]
    (cookie,) = lab.sticky_cookies(1, "train")
    page = browser_on(browser, lab, cookie).new_page()
    train_tiny_model(page, lab)
    cache = tmp_path / "cache"
    saved = file_digests(cache)
    assert len(saved) == 1

    os.kill(start_default_run(page, lab, replica), signal.SIGKILL)
    page.get_by_text(re.compile(r"Training failed: The worker process stopped unexpectedly")).wait_for(
        timeout=TIMEOUT_MS
    )
    assert page.get_by_role("button", name="Train", exact=True).count() == 1  # offered again
    assert page.locator("[data-testid='stException']").count() == 0
    assert file_digests(cache) == saved  # no half-written model beside the saved one, which is unchanged

    page.goto(f"{lab.url}/{TINY}", timeout=TIMEOUT_MS)
    wait_for_script(page, TIMEOUT_MS)
    page.get_by_text("Trained model loaded").wait_for(timeout=TIMEOUT_MS)
    assert_no_errors(page)
    page.context.close()


def test_stopping_the_deployment_during_training_leaves_nothing_corrupt(browser, tmp_path) -> None:
    require_nginx()
    cache = tmp_path / "cache"
    with deployment(1, run_dir=tmp_path / "run1", cache_dir=cache, warm=False) as first:
        page = browser_on(browser, first, "stop").new_page()
        train_tiny_model(page, first)
        saved = file_digests(cache)
        start_default_run(page, first, first.replicas[0])
        first.stop()  # SIGTERM to nginx and the replica's group, mid-run
        assert first.processes() == []
        page.context.close()
    assert file_digests(cache) == saved

    with deployment(1, run_dir=tmp_path / "run2", cache_dir=cache, warm=False) as second:
        page = browser_on(browser, second, "again").new_page()
        page.goto(f"{second.url}/{DEFAULT_SIZE}", timeout=TIMEOUT_MS)
        wait_for_script(page, TIMEOUT_MS)
        assert page.get_by_text("This model is untrained").count() == 1
        assert page.get_by_role("button", name="Train", exact=True).count() == 1  # offers to train again
        page.goto(f"{second.url}/{TINY}", timeout=TIMEOUT_MS)
        wait_for_script(page, TIMEOUT_MS)
        page.get_by_text("Trained model loaded").wait_for(timeout=TIMEOUT_MS)
        assert_no_errors(page)
        page.context.close()
