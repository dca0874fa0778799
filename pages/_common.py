"""Helpers every Garden Lab page uses (this module is not a page).

A page entry is a table of contents: ``page_header``, the note (``note`` with ``prose``), the
inputs its sections share, then its sections. A section is an ``@st.fragment`` in a module of
its own and reads top to bottom: widgets (``bound``), one call into lib (``lib_call``,
``cached``), figures (``chart``), its snippet (``snippet``) and downloads (``csv_download``,
``png_download``).
"""

from __future__ import annotations

import hashlib
import math
import pickle
import re
import string
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import streamlit as st

from runtime.errors import WorkerStoppedError

if TYPE_CHECKING:  # imported where used: the overview needs none of them (cold start)
    import altair as alt
    import pandas as pd

    from runtime.jobs import Job, JobRunner
    from runtime.worker import TorchWorker

T = TypeVar("T")

SEED_KEY = "seed"
DEVICE_KEY = "device"
CACHE_ENTRIES = 64  # per cached function: bounds memory on a shared server
# One cache holds every page's chart specs: 20 users moving sliders on 11 pages add a few new charts per rerun,
# and with 64 entries a value revisited seconds later rebuilt its charts (20-60 ms each). A spec is its data
# in Arrow: 3-20 kB on average per page, 86 kB the largest at the defaults (the MLE surface), so 256 are a few MB.
CHART_ENTRIES = 256
MAX_ERROR_CHARS = 300
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def _run_through_the_router() -> None:
    """Make sure pages always run inside ``dashboard.py``.

    Streamlit treats a folder named ``pages/`` beside the entrypoint as a legacy (v1)
    multipage app until ``st.navigation`` has run once in the server process, so the
    first visitor of a fresh server who arrives on a deep link (``/markov_chains``)
    would get the bare page: no router, no shared sidebar. The router always calls
    ``st.navigation``, so legacy mode is never wanted: switch it off and rerun, which
    runs the router and lands on the same page (page ids are derived from the URL path).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_header(title: str, intro: str) -> None:
    """Every page starts here: its title and a paragraph that says what it shows."""
    _run_through_the_router()
    st.title(title)
    st.markdown(intro)


# ---------------------------------------------------------------------------
# Widgets and shared settings
# ---------------------------------------------------------------------------


def bound(widget: Callable[..., T], label: str, *, key: str, **kwargs: Any) -> T:
    """Create ``widget`` with its value bound to the URL (``?key=value``), so a link reproduces the view."""
    if getattr(widget, "__name__", "") == "number_input":
        _drop_infinite_url_number(key)
    return widget(label, key=key, bind="query-params", **kwargs)


def _drop_infinite_url_number(key: str) -> None:
    """Remove ``?key=inf`` (or ``1e999``) from the URL before a number input reads it.

    Streamlit 1.67 ignores URL values a number input cannot take (text, NaN, out of range),
    but an integer input converts infinity with ``int()`` and raises ``OverflowError``: a
    shared link such as ``?seed=inf`` would crash every page. The binding seeds widgets from
    the URL as it was when the session started, so the value is dropped there too (Streamlit's
    own way of clearing an invalid bound value); the widget then shows its default.
    """
    raw = st.query_params.get(key)
    try:
        infinite = raw is not None and math.isinf(float(raw))
    except ValueError:
        return
    if infinite:
        from streamlit.runtime.state.session_state_proxy import get_session_state

        with get_session_state().query_params() as params:
            params.remove_param(key)
            params._initial_query_params.pop(key, None)  # private: no public API clears the seed


def shared_sidebar(*, uses_torch: bool) -> None:
    """The sidebar every page shares: the global random seed and, on torch pages, the device."""
    with st.sidebar:
        st.subheader("Lab settings")
        bound(
            st.number_input,
            "Random seed",
            key=SEED_KEY,
            min_value=0,
            max_value=2**31 - 1,
            value=0,
            step=1,
            help="Every simulation and random initialisation on every page uses this seed: same seed, same numbers.",
        )
        if uses_torch:
            from lib.device import available_devices, pick_device

            device = bound(
                st.selectbox,
                "Torch device",
                key=DEVICE_KEY,
                options=["auto", *available_devices()],
                help="Where torch runs. 'auto' picks the best available: cuda, then mps (Apple), then cpu.",
            )
            st.caption(f"Torch runs on **{pick_device(device)}**.")


def global_seed() -> int:
    """The seed chosen in the shared sidebar."""
    return int(st.session_state.get(SEED_KEY) or 0)


def selected_device() -> str:
    """The device name chosen in the shared sidebar (resolve it with ``lib.device.pick_device``)."""
    return str(st.session_state.get(DEVICE_KEY) or "auto")


# ---------------------------------------------------------------------------
# Calling lib
# ---------------------------------------------------------------------------


_CACHED: dict[Callable, Callable] = {}


def cached(fn: Callable[..., T]) -> Callable[..., T]:
    """``st.cache_data`` with a bounded number of entries, for pure lib calls keyed on scalars.

    The wrapper is made once per function and reused: pages run top to bottom on every
    rerun, and wrapping anew each time costs milliseconds (Streamlit hashes the source).
    """
    if fn not in _CACHED:
        _CACHED[fn] = st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)(fn)
    return _CACHED[fn]


@st.cache_resource(max_entries=2, show_spinner=False)
def torch_worker(calls: str = "short") -> TorchWorker:
    """The server's torch worker process for ``calls`` (started now, ready by the first call).

    Model calls run there, not in the session's thread: beside other sessions' Python work, a
    thread making thousands of short torch calls waits for the GIL at every one of them (see
    ``runtime.worker``). A worker runs one call at a time, so there are two: "short" for what a
    user waits on at every slider move (logits, attention maps, samples) and "long" for calls that
    take seconds (training runs, sweeps over a trained model), which then never queue the short ones
    of everybody else on the server.
    """
    from runtime.worker import TorchWorker

    if calls not in ("short", "long"):
        raise ValueError(f"calls must be 'short' or 'long', got {calls!r}.")

    worker = TorchWorker(threads=1)  # tiny models: a second thread only waits
    worker.start()
    return worker


def plain(text: str) -> str:
    """Escape markdown so user-provided text is shown literally (no links, images, HTML or LaTeX)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def show_error(err: Exception) -> None:
    """Show a lib error as one sentence, with anything the user typed shown literally."""
    message = str(err).strip() or "That input cannot be used."
    if len(message) > MAX_ERROR_CHARS:
        message = message[: MAX_ERROR_CHARS - 1] + "…"
    st.error(plain(message), icon=":material/error:")


def lib_call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Call into lib (or a worker process); a ``ValueError`` (bad input) or a ``WorkerStoppedError`` (the
    process died under the call; the next call starts a fresh one) becomes one ``st.error`` and the
    result ``None``."""
    try:
        return fn(*args, **kwargs)
    except (ValueError, WorkerStoppedError) as err:
        show_error(err)
        return None


# ---------------------------------------------------------------------------
# Background training jobs (runtime.jobs): the Train button, its request, the waiting and failing
# ---------------------------------------------------------------------------


def train_button(where: Any, *, key: str, help: str, label: str = "Train") -> None:
    """The primary Train button in ``where`` (``st`` or a column); :func:`train_requested` reads a press once.

    A callback, not the button's return value: the request survives a rerun of the whole page (the router's
    first-visit rerun, a fragment that reruns the page when a job ends).
    """
    where.button(
        label,
        key=key,
        type="primary",
        icon=":material/model_training:",
        help=help,
        on_click=lambda: st.session_state.update({f"{key}_requested": True}),
    )


def train_requested(key: str) -> bool:
    """Whether the Train button ``key`` was pressed since the last call (the request is consumed)."""
    return bool(st.session_state.pop(f"{key}_requested", False))


def training_failed(where: Any, error: str) -> None:
    """The one sentence a failed job leaves (its error, as plain text)."""
    where.error(plain(f"Training failed: {error}"), icon=":material/error:")


def queued_note(runner: JobRunner, job: Job) -> None:
    """Where a queued job stands: the runs ahead of it on this server (one runs at a time)."""
    ahead = runner.position(job.key)
    st.info(
        f"Queued: {ahead} training run(s) ahead of this one on this server (one runs at a time)."
        if ahead
        else "Starting…",
        icon=":material/hourglass:",
    )


# ---------------------------------------------------------------------------
# Showing results
# ---------------------------------------------------------------------------


def _to_arrow_dataset(data: pd.DataFrame, datasets: dict[str, bytes]) -> dict[str, str]:
    """Altair data transformer: keep a chart's table as Arrow bytes, referenced by its hash.

    Altair's default turns every table into JSON records (sanitising each value), which
    Streamlit would then convert to Arrow again; this goes straight to Arrow.
    """
    from streamlit.dataframe_util import convert_anything_to_arrow_bytes

    arrow = convert_anything_to_arrow_bytes(data)
    name = hashlib.md5(arrow, usedforsecurity=False).hexdigest()
    datasets[name] = arrow
    return {"name": name}


_ALTAIR_GLOBALS = threading.Lock()  # the active data transformer is process-wide state
# torch's forward-mode AD level is process-wide too: sessions computing forward-mode Jacobians (lib.linalg's
# gradient norms) take turns, or two at once raise "Nested forward mode AD is not supported".
FORWARD_AD = threading.Lock()


@cache
def _arrow_transformer() -> str:
    """Register :func:`_to_arrow_dataset` with Altair, once per process (on first use: see the imports), and
    return its name. Not ``name in alt.data_transformers.names()`` at every chart: that reads every installed
    package's entry points, 10 ms a call."""
    import altair as alt

    alt.data_transformers.register("garden_arrow", _to_arrow_dataset)
    return "garden_arrow"


@st.cache_data(max_entries=CHART_ENTRIES, show_spinner=False)
def _chart_spec(name: str, key: object, _build: Callable[[], alt.TopLevelMixin]) -> dict:
    # Building an Altair chart costs tens of milliseconds (schema objects, copies, hashing):
    # the finished spec, its data already in Arrow, is cached per input. JSON-schema
    # validation is skipped here: tests/lib/test_viz.py validates every builder's spec.
    import altair as alt

    figure = _build()
    datasets: dict[str, bytes] = {}
    with _ALTAIR_GLOBALS, alt.data_transformers.enable(_arrow_transformer(), datasets=datasets):
        spec = figure.to_dict(validate=False)
    spec["datasets"] = datasets
    return spec


def _digest(value: object) -> object:
    """A short key for ``value``: the hash of its pickle, or the value itself if it does not pickle.

    Equal pickles mean equal values, so a digest never mistakes one chart's data for another's.
    Streamlit's own hasher took 2.2 ms for a 2,000-row frame with a text column, this 0.2 ms.
    """
    try:
        return hashlib.blake2b(pickle.dumps(value, protocol=5), digest_size=16).hexdigest()
    except (pickle.PicklingError, TypeError, AttributeError):
        return value


def chart(builder: Callable[..., alt.TopLevelMixin], *args: Any, cache_key: tuple | None = None, **kwargs: Any) -> None:
    """Show ``builder(*args, **kwargs)``, a chart from ``lib.viz``, at full width, cached per input.

    The cache is keyed on a digest of the arguments (the data included), or on ``cache_key`` (the
    widget values that determine the data) when given, which spares even the digest.
    """
    name = f"{builder.__module__}.{builder.__qualname__}"  # the cache key for the unhashable function
    key = cache_key if cache_key is not None else _digest((args, kwargs))
    st.vega_lite_chart(spec=_chart_spec(name, key, lambda: builder(*args, **kwargs)), width="stretch")


def csv_download(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    file_name: str,
    label: str = "Download CSV",
    *,
    key: str | None = None,
) -> None:
    """A download button for a table, without rerunning the page on click.

    The CSV is written only when the button is clicked (formatting a table of thousands of rows
    took a tenth of an MLE rerun when it was done on every rerun); ``frame`` may also be a
    function returning the table, so that even building it waits for the click.
    """

    def to_csv() -> bytes:
        table = frame() if callable(frame) else frame
        return table.to_csv(index=False).encode("utf-8")

    st.download_button(
        label,
        to_csv,
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key=key,
    )


PNG_WIDTH = 720  # pixels: charts stretch to their container on screen, a file needs a width


def png_bytes(
    builder: Callable[..., alt.TopLevelMixin], *args: Any, width: int = PNG_WIDTH, scale: float = 2.0, **kwargs: Any
) -> bytes:
    """``builder(*args, **kwargs)``, a chart from ``lib.viz``, rendered to PNG on the server (vl-convert).

    Container-wide charts get ``width`` pixels; ``scale`` 2 gives a sharp image on high-DPI screens.
    """
    import altair as alt
    import vl_convert  # imported on first use: only a click on a PNG button needs it

    figure = builder(*args, **kwargs)
    with _ALTAIR_GLOBALS, alt.data_transformers.enable("default", max_rows=None):
        spec = figure.to_dict(validate=False)  # data inline: the file must carry it
    if spec.get("width") == "container":
        spec["width"] = width
    return vl_convert.vegalite_to_png(spec, scale=scale)


def png_download(
    builder: Callable[..., alt.TopLevelMixin],
    *args: Any,
    file_name: str,
    key: str | None = None,
    label: str = "Download PNG",
    help: str | None = "The chart as shown, as a PNG image (drawn on the server when you click).",
    **kwargs: Any,
) -> None:
    """A download button for ``builder(*args, **kwargs)`` as a PNG; the image is rendered only on click.

    Pass the same builder and arguments as to :func:`chart`. Rendering takes a few hundred
    milliseconds (the first one about a second), so it never runs on a plain rerun.
    """
    st.download_button(
        label,
        lambda: png_bytes(builder, *args, **kwargs),
        file_name=file_name,
        mime="image/png",
        icon=":material/image:",
        on_click="ignore",
        key=key,
        help=help,
    )


@contextmanager
def note(title: str = "The note: where this comes from") -> Iterator[None]:
    """The expander that holds a page's derivation from the notes (write st.markdown/st.latex inside)."""
    with st.expander(title, icon=":material/menu_book:"):
        yield


@cache
def _markdown_file(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def prose(beside: str, name: str) -> None:
    """Show the markdown file ``name`` that lies beside the module file ``beside`` (pass ``__file__``).

    A page's prose (the note's derivation, long explanations) lives in markdown files next to its
    sections, so the Python reads as code; ``$…$`` and ``$$…$$`` render as LaTeX.
    """
    st.markdown(_markdown_file(Path(beside).with_name(name)))


def _literal(value: Any) -> str:
    """Python source for a value: numpy scalars become plain numbers so the snippet needs no numpy."""
    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


RUNS_AS_IS = "Runs as-is from the repository root, or anywhere after `pip install -e .`."


def snippet(template: str, *, caption: str = RUNS_AS_IS, **values: Any) -> str:
    """Show the "Reproduce in Python" panel and return its code.

    ``template`` is Python source with ``$name`` placeholders; each is replaced by the
    ``repr`` of the current value, so the code runs as-is and user text stays a literal.
    """
    code = string.Template(template.strip("\n")).substitute({k: _literal(v) for k, v in values.items()})
    with st.expander("Reproduce in Python", icon=":material/code:"):
        st.caption(caption)
        st.code(code, language="python")
    return code
