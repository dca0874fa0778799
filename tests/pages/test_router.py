"""The router: the overview links every page, every page runs from it, and the shared sidebar."""

from __future__ import annotations

import pytest

from pages._registry import PAGES
from tests.apptest_helpers import assert_clean, run_page


def test_router_runs_the_overview_and_links_every_page() -> None:
    at = run_page()
    assert_clean(at)
    assert at.title[0].value == "Garden Lab"
    assert len(at.get("page_link")) == len(PAGES)
    assert at.number_input(key="seed").value == 0
    assert not at.selectbox  # no torch page is open: no device selector, torch not needed


@pytest.mark.parametrize("path", [info.path for info in PAGES])
def test_every_page_runs_from_the_router(path: str) -> None:
    at = run_page(path)
    assert_clean(at)
    assert at.title, "a page starts with its title"
    assert at.get("expander"), "a page carries the note and the snippet"


def test_shared_sidebar_offers_torch_devices() -> None:
    from streamlit.testing.v1 import AppTest

    def script() -> None:
        from pages._common import shared_sidebar

        shared_sidebar(uses_torch=True)

    at = AppTest.from_function(script, default_timeout=120).run()
    assert not at.exception
    device = at.selectbox(key="device")
    assert device.options[0] == "auto"
    assert "cpu" in device.options
    assert any("Torch runs on" in c.value for c in at.caption)
