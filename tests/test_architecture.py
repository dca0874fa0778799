"""The layering rules of DESIGN.md, checked: lib knows no UI, and pages are registered."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from pages._registry import PAGES, SECTIONS

ROOT = Path(__file__).resolve().parents[1]
IMPORTS_STREAMLIT = re.compile(r"^\s*(import|from)\s+streamlit\b", re.MULTILINE)


def test_lib_never_imports_streamlit() -> None:
    offenders = [
        str(p.relative_to(ROOT)) for p in (ROOT / "lib").rglob("*.py") if IMPORTS_STREAMLIT.search(p.read_text())
    ]
    assert offenders == []


def test_deploy_never_imports_streamlit() -> None:
    # deploy/ starts Streamlit servers and nginx; it never runs inside Streamlit.
    offenders = [p.name for p in (ROOT / "deploy").rglob("*.py") if IMPORTS_STREAMLIT.search(p.read_text())]
    assert offenders == []


def test_the_grep_catches_an_import() -> None:
    assert IMPORTS_STREAMLIT.search("import numpy\nfrom streamlit import cache_data\n")
    assert IMPORTS_STREAMLIT.search("    import streamlit as st")
    assert not IMPORTS_STREAMLIT.search("# streamlit is imported by pages only\nimport streamlit_extras")


def test_lib_imports_neither_streamlit_nor_torch_until_asked() -> None:
    # torch takes seconds to import: only pages that need it may pay for it.
    code = "import sys, lib.markov, lib.viz, lib.device; print('streamlit' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_every_registered_page_exists_and_every_page_is_registered() -> None:
    registered = {info.path for info in PAGES}
    on_disk = {str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_")}
    assert registered <= on_disk
    assert on_disk - registered == {"pages/overview.py"}
    assert all(info.section in SECTIONS for info in PAGES)


TORCH_PROBE = """
import sys
from streamlit.testing.v1 import AppTest
from pages._registry import PAGES
at = AppTest.from_file("dashboard.py", default_timeout=120).run()
assert not at.exception and at.title[0].value == "Garden Lab", at.exception
print("overview", "torch" in sys.modules, "altair" in sys.modules)
for info in PAGES:
    if not info.uses_torch:
        at = AppTest.from_file("dashboard.py", default_timeout=120)
        at.switch_page(info.path)
        assert not at.run().exception, info.path
print("statistics pages", "torch" in sys.modules)
"""


def test_torch_is_imported_only_by_pages_that_use_it() -> None:
    # Cold start: the overview imports neither torch (~3 s) nor altair (~0.4 s); pages not flagged
    # uses_torch never import torch, whatever their lib modules pull in.
    out = subprocess.run([sys.executable, "-c", TORCH_PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["overview", "False", "False", "statistics", "pages", "False"], out.stdout


def _unbounded_caches(source: str) -> list[int]:
    """Lines where st.cache_data / st.cache_resource is used without max_entries or ttl."""
    import ast

    tree = ast.parse(source)
    called = {id(node.func): node for node in ast.walk(tree) if isinstance(node, ast.Call)}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("cache_data", "cache_resource"):
            call = called.get(id(node))
            if call is None or not {k.arg for k in call.keywords} & {"max_entries", "ttl"}:
                lines.append(node.lineno)
    return lines


def test_every_cache_is_bounded() -> None:
    # One server process serves every user: an unbounded cache grows with every new input.
    for path in [ROOT / "dashboard.py", *(ROOT / "pages").rglob("*.py")]:
        assert _unbounded_caches(path.read_text()) == [], f"{path.relative_to(ROOT)}: cache without max_entries/ttl"


def test_the_cache_check_catches_an_unbounded_cache() -> None:
    assert _unbounded_caches("import streamlit as st\n@st.cache_data\ndef f(): pass\n") == [2]
    assert _unbounded_caches("@st.cache_resource(show_spinner=False)\ndef f(): pass\n") == [1]
    assert _unbounded_caches("g = st.cache_data(ttl=60)(f)\nh = st.cache_data(max_entries=3)(f)\n") == []
