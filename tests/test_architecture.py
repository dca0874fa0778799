"""The layering rules of DESIGN.md, checked: lib knows no UI and no processes, and pages are registered."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from pages._registry import PAGES, SECTIONS

ROOT = Path(__file__).resolve().parents[1]
IMPORTS_STREAMLIT = re.compile(r"^\s*(import|from)\s+streamlit\b", re.MULTILINE)


def test_lib_and_runtime_never_import_streamlit() -> None:
    files = [*(ROOT / "lib").rglob("*.py"), *(ROOT / "runtime").rglob("*.py")]
    offenders = [str(p.relative_to(ROOT)) for p in files if IMPORTS_STREAMLIT.search(p.read_text())]
    assert offenders == []


def test_deploy_never_imports_streamlit_but_its_protocol() -> None:
    # deploy/ starts Streamlit servers and nginx; it never runs inside Streamlit. Its warm-up client
    # speaks Streamlit's wire protocol (streamlit.proto's messages), as the browser does.
    imports = re.compile(r"^\s*(import|from)\s+streamlit\b(?!\.proto\.)", re.MULTILINE)
    offenders = [p.name for p in (ROOT / "deploy").rglob("*.py") if imports.search(p.read_text())]
    assert offenders == []
    assert imports.search("from streamlit import runtime")
    assert not imports.search("from streamlit.proto.X import Y")


def test_the_grep_catches_an_import() -> None:
    assert IMPORTS_STREAMLIT.search("import numpy\nfrom streamlit import cache_data\n")
    assert IMPORTS_STREAMLIT.search("    import streamlit as st")
    assert not IMPORTS_STREAMLIT.search("# streamlit is imported by pages only\nimport streamlit_extras")


# lib is pure functions: processes, threads and the model cache on disk are runtime's (pages -> runtime -> lib).
NOT_IN_LIB = frozenset({"runtime", "multiprocessing", "threading", "_thread", "subprocess", "concurrent"})


def _forbidden_imports(source: str) -> list[str]:
    """The modules of NOT_IN_LIB that ``source`` imports anywhere (top level or inside a function)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name.split(".")[0] in NOT_IN_LIB]
    return found


def test_lib_imports_neither_runtime_nor_processes_nor_threads() -> None:
    offenders = {
        str(p.relative_to(ROOT)): found
        for p in sorted((ROOT / "lib").rglob("*.py"))
        if (found := _forbidden_imports(p.read_text()))
    }
    assert offenders == {}


def test_the_import_check_catches_runtime_processes_and_threads() -> None:
    source = (
        "import numpy\nfrom runtime.worker import TorchWorker\n"
        "def f():\n    import threading, os\n    from concurrent.futures import ThreadPoolExecutor\n"
        "import multiprocessing as mp\n"
    )
    expected = ["concurrent.futures", "multiprocessing", "runtime.worker", "threading"]
    assert sorted(_forbidden_imports(source)) == expected
    assert _forbidden_imports("import runtimes\nfrom lib.transformer import train\nimport queue\n") == []


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


# --- Pages are tables of contents of fragment sections ---------------------------------------------

PAGE_ENTRY_LINES = 150
LIB_MODULE_LINES = 600


def _section_packages() -> list[Path]:
    return sorted(p for p in (ROOT / "pages").iterdir() if p.is_dir() and (p / "__init__.py").exists())


def _section_functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.endswith("_section")]


def _is_fragment(function: ast.FunctionDef) -> bool:
    return any(ast.unparse(d).startswith("st.fragment") for d in function.decorator_list)


def test_every_page_entry_reads_as_a_table_of_contents() -> None:
    for info in PAGES:
        lines = len((ROOT / info.path).read_text(encoding="utf-8").splitlines())
        assert lines <= PAGE_ENTRY_LINES, f"{info.path} has {lines} lines: move its body into sections"


def test_every_page_is_built_from_fragment_sections() -> None:
    packages = {p.name: p for p in _section_packages()}
    for info in PAGES:
        imports = [
            n.module
            for n in ast.walk(ast.parse((ROOT / info.path).read_text(encoding="utf-8")))
            if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("pages.")
        ]
        used = {m.split(".")[1] for m in imports} & set(packages)
        assert len(used) == 1, f"{info.path} draws its sections from one package under pages/, found {used}"
        sections = [f for p in packages[used.pop()].glob("*.py") for f in _section_functions(p)]
        assert sections, f"{info.path}: no *_section functions"
        assert all(_is_fragment(f) for f in sections), f"{info.path}: every section is an @st.fragment"


def test_the_fragment_check_can_fail() -> None:
    (plain,) = ast.parse("def a_section():\n    pass\n").body
    (fragment,) = ast.parse("@st.fragment\ndef a_section():\n    pass\n").body
    assert not _is_fragment(plain)
    assert _is_fragment(fragment)


def test_sections_never_import_another_pages_sections() -> None:
    for package in _section_packages():
        for path in package.glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pages."):
                    owner = node.module.split(".")[1]
                    shared = owner.startswith("_")  # pages/_common.py, pages/_registry.py
                    assert owner == package.name or shared, f"{path.relative_to(ROOT)} imports {node.module}"


def test_lib_modules_hold_one_idea() -> None:
    for path in (ROOT / "lib").rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= LIB_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it by idea"
