"""Shared AppTest helpers: run a page from the router, push its widgets to their extremes,
and check that nothing on screen is an exception, a traceback or a NaN.

AppTest drops what the router draws in the sidebar when it reruns a page of an
``st.navigation`` app (a real browser keeps it), so widget extremes are tested from fresh
runs with the value in the URL: every widget is URL-bound, and this is the path a shared
link takes.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pandas as pd
import pyarrow as pa
from streamlit.runtime.caching.cache_utils import CachedFunc
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
ROUTER = str(ROOT / "dashboard.py")
TIMEOUT = 120
TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "latex", "success", "warning", "info", "error")


def run_page(path: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    """Run the router, optionally switched to ``path`` and with URL query parameters."""
    at = AppTest.from_file(ROUTER, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if path:
        at.switch_page(path)
    return at.run()


def chart_frames(at: AppTest) -> Iterator[pd.DataFrame]:
    """The data behind every Vega-Lite chart on the page (Streamlit ships it as Arrow)."""
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            yield pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()


def visible_strings(at: AppTest) -> Iterator[str]:
    for kind in TEXT_ELEMENTS:
        for element in getattr(at, kind):
            yield str(element.value)
    for metric in at.metric:
        yield f"{metric.label} {metric.value}"


def metric_values(at: AppTest) -> dict[str, str]:
    """Every ``st.metric`` on the page: label -> displayed value."""
    return {m.label: m.value for m in at.metric}


def _has_nan(frame: pd.DataFrame) -> bool:
    numeric = frame.select_dtypes("number")
    if numeric.isna().to_numpy().any() or not numeric.apply(lambda c: c.map(math.isfinite)).to_numpy().all():
        return True
    text = frame.select_dtypes(exclude="number").astype(str)
    return bool(text.apply(lambda c: c.str.fullmatch(r"(?i)nan|inf|-inf")).to_numpy().any())


def assert_clean(at: AppTest, *, allow_errors: bool = False) -> None:
    """No exception, no traceback, and no NaN/inf in text, metrics, tables or chart data."""
    assert not at.exception, [e.value for e in at.exception]
    if not allow_errors:
        assert not at.error, [e.value for e in at.error]
    for text in visible_strings(at):
        assert not re.search(r"\bnan\b", text, re.IGNORECASE), text
        assert "traceback" not in text.lower(), text
    for table in at.dataframe:
        assert not _has_nan(table.value), table.value
    frames = list(chart_frames(at))
    assert len(frames) >= len(at.get("vega_lite_chart")), "every chart carries its data"
    for frame in frames:
        # Empty cells in chart data (e.g. a blank label) are fine; NaN in numbers is not.
        assert not frame.select_dtypes("number").isna().to_numpy().any(), frame


def numeric_widgets(at: AppTest) -> Iterator[tuple[str, object, object]]:
    """(key, min, max) of every keyed slider and number input, sidebar included."""
    for slider in at.slider:
        if slider.key:
            yield slider.key, slider.min, slider.max
    for box in at.number_input:
        if box.key and box.min is not None and box.max is not None:
            yield box.key, box.min, box.max


def url_value(value: object) -> str:
    """How a number is written in the URL: whole numbers without a decimal point."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def set_widget(at: AppTest, key: str, value: object) -> AppTest:
    """Change a main-area widget and rerun (see the module docstring for the sidebar)."""
    widgets = (*at.slider, *at.number_input, *at.text_input, *at.text_area, *at.selectbox)
    widget = next(w for w in widgets if w.key == key)
    widget.set_value(value)
    return at.run()


def assert_extremes_are_clean(path: str, required_keys: set[str]) -> None:
    """Open ``path`` with each numeric widget at its minimum, then its maximum, via the URL."""
    widgets = list(numeric_widgets(run_page(path)))
    assert {key for key, *_ in widgets} >= required_keys
    for key, low, high in widgets:
        for value in (low, high):
            at = run_page(path, {key: url_value(value)})
            widget = next(w for w in (*at.slider, *at.number_input) if w.key == key)
            assert float(widget.value) == float(value), f"{key} did not take {value} from the URL"
            assert_clean(at)


def no_model_in_this_process(monkeypatch, *modules: ModuleType) -> None:
    """Make ``TinyGPT(...)`` raise in this process, where AppTest runs the page as the server would.

    The torch worker is a spawned process: it imports an unpatched ``TinyGPT`` and builds its models
    as usual. The cached functions defined in ``modules`` are emptied first, so that a model cached by
    an earlier test cannot hide a build (the worker, cached in ``pages._common``, stays).
    """
    from lib.transformer.model import TinyGPT

    for module in modules:
        for value in vars(module).values():
            if isinstance(value, CachedFunc) and value.__module__ == module.__name__:
                value.clear()

    def refuse(self, *args, **kwargs) -> None:
        raise AssertionError("the page built a TinyGPT in the server process: models belong to the worker")

    monkeypatch.setattr(TinyGPT, "__init__", refuse)


def run_snippet(code: str, folder: Path, name: str = "snippet.py", env: dict[str, str] | None = None) -> str:
    """Run one "Reproduce in Python" snippet as a script of its own in ``folder``, as a user would paste
    it (the repository on ``PYTHONPATH``, ``env`` added); assert it succeeds and return what it printed."""
    script = folder / name
    script.write_text(code)
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=full_env, cwd=folder)
    assert result.returncode == 0, (code, result.stderr)
    return result.stdout


def run_snippets(at: AppTest, folder: Path, env: dict[str, str] | None = None) -> list[str]:
    """:func:`run_snippet` for every Python code block on the page, in order; what each printed."""
    codes = [c.value for c in at.code if c.proto.language == "python"]
    return [run_snippet(code, folder, f"snippet_{i}.py", env) for i, code in enumerate(codes)]
