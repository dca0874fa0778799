"""A client of Streamlit's own protocol (protobuf over ``ws://host/_stcore/stream``), as the browser is.

A :class:`Session` opens a page (``BackMsg.rerun_script`` with the page's name), reads ``ForwardMsg``
deltas until ``script_finished``, collects the page's sliders (id, range, step, value) and moves one:
a rerun whose ``widget_states`` carry the slider's new value. A slider inside a section (an
``st.fragment``) is moved as the browser moves it: the rerun request names the fragment
(``ClientState.fragment_id``, read from the slider's own delta), so only that section reruns.

The deployment uses it to warm each replica before it takes users (:func:`open_every_page`);
``bench.load`` and ``bench.fragments`` drive many sessions with it.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import urllib.parse
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from deploy.nginx import STICKY_COOKIE

WIDGET_ELEMENTS = {"slider", "number_input", "text_input", "selectbox", "radio", "checkbox", "file_uploader", "button"}
WIDGET_ELEMENTS |= {"download_button", "multiselect", "toggle", "text_area"}


class RerunError(Exception):
    pass


@dataclass
class Slider:
    id: str
    key: str
    low: float
    high: float
    step: float
    value: float
    fragment_id: str = ""  # the section (st.fragment) the slider lives in; "" = the page itself


@dataclass
class Run:
    """What one script run sent back."""

    elements: int = 0
    texts: list[str] = field(default_factory=list)  # markdown, captions, headings
    output: object = field(default_factory=lambda: hashlib.sha1(usedforsecurity=False))  # digest of non-widgets
    parts: dict[str, object] = field(default_factory=dict)  # the same digest per fragment id ("" = outside any)
    exceptions: list[str] = field(default_factory=list)
    sliders: dict[str, Slider] = field(default_factory=dict)
    page_hash: str = ""


class Session:
    """One user's websocket session (the browser's protocol, no browser)."""

    def __init__(self, url: str, timeout: float, *, fragments: bool = True, sticky: str | None = None) -> None:
        self.url = url
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.sticky = sticky  # the browser's sticky cookie, which nginx routes by (deploy/nginx.conf.template)
        self.timeout = timeout
        self.fragments = fragments  # move a section's slider as a fragment rerun, as the browser does
        self.page_hash = ""
        self.sliders: dict[str, Slider] = {}
        self.query: dict[str, str] = {}  # the page's URL parameters, as the browser's address bar has them
        self.ws = None

    async def connect(self) -> Session:
        headers = {"Cookie": f"{STICKY_COOKIE}={self.sticky}"} if self.sticky else None
        self.ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], max_size=2**27, additional_headers=headers
        )
        return self

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def wait_closed(self) -> None:
        """Return once the websocket has closed (the browser's ``onclose``: a replica that died, say)."""
        await self.ws.wait_closed()

    async def __aenter__(self) -> Session:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _rerun(self, state: ClientState) -> Run:
        message = BackMsg()
        message.rerun_script.CopyFrom(state)
        await self.ws.send(message.SerializeToString())
        run = Run()
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RerunError(f"no script_finished within {self.timeout:g} s")
            forward = ForwardMsg()
            forward.ParseFromString(await asyncio.wait_for(self.ws.recv(), left))
            kind = forward.WhichOneof("type")
            if kind == "navigation":  # st.navigation's page (new_session carries another hash)
                run.page_hash = forward.navigation.page_script_hash
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                run.elements += 1
                element = forward.delta.new_element
                what = element.WhichOneof("type")
                if what in ("markdown", "heading"):
                    run.texts.append(getattr(element, what).body)
                elif what == "metric":
                    run.texts.append(element.metric.label)
                if what not in WIDGET_ELEMENTS:
                    run.output.update(element.SerializeToString())
                    part = run.parts.setdefault(forward.delta.fragment_id, hashlib.sha1(usedforsecurity=False))
                    part.update(element.SerializeToString())
                if what == "exception":
                    run.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:200])
                elif (
                    what == "slider"
                    and not element.slider.options
                    and element.slider.id
                    and not element.slider.disabled
                ):
                    s = element.slider
                    value = (s.value if s.set_value else s.default) or s.default
                    key = s.id.rsplit("-", 1)[-1]
                    fragment = forward.delta.fragment_id
                    run.sliders[s.id] = Slider(s.id, key, s.min, s.max, s.step, float(value[0]), fragment)
            elif kind == "script_finished":
                status = forward.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    run.exceptions.append("compile error")
                return run

    async def open(self, page: str, query: str = "") -> Run:
        """Open ``page`` as a browser does on navigation (the URL's query string seeds its widgets)."""
        run = await self._rerun(ClientState(query_string=query, page_name=page))
        self.page_hash = run.page_hash or self.page_hash
        self.sliders = run.sliders
        self.query = dict(urllib.parse.parse_qsl(query))
        if not run.elements:
            raise RerunError(f"opening {page} drew nothing")
        return run

    async def move(self, slider: Slider, value: float) -> Run:
        """Move one slider to ``value``, as the frontend does: the widget's new state, and the URL
        with the bound widget's new value. The deltas do not echo a widget's value (the browser
        holds it), so callers check the output changed (``Run.output``) or a text that names it.
        """
        self.query[slider.key] = str(int(value)) if float(value).is_integer() else repr(value)
        fragment = slider.fragment_id if self.fragments else ""
        state = ClientState(
            page_script_hash=self.page_hash, query_string=urllib.parse.urlencode(self.query), fragment_id=fragment
        )
        state.widget_states.widgets.append(WidgetState(id=slider.id, double_array_value={"data": [value]}))
        run = await self._rerun(state)
        if not run.elements:
            raise RerunError(f"moving {slider.key} to {value} drew nothing")
        if run.page_hash and run.page_hash != self.page_hash:  # a fragment run sends no navigation
            raise RerunError(f"moving {slider.key} to {value} ran another page")
        if fragment and set(run.parts) != {fragment}:
            raise RerunError(f"moving {slider.key} to {value} redrew more than its section: {sorted(run.parts)}")
        for moved in run.sliders.values():
            if moved.key == slider.key:
                moved.value = value
        if fragment:  # only that section's sliders were redrawn
            others = {i: s for i, s in self.sliders.items() if s.fragment_id != fragment}
            self.sliders = others | run.sliders
        else:
            self.sliders = run.sliders or self.sliders
        return run


async def open_every_page(url: str, pages: list[tuple[str, str]], timeout: float) -> dict[str, float]:
    """Open each ``(page, query string)`` once in one session; the seconds each open took, by page.

    An exception drawn on a page is an error here: a warm-up that hides a broken page would only
    move the traceback to the first user.
    """
    times = {}
    async with Session(url, timeout) as session:
        for page, query in pages:
            start = time.perf_counter()
            run = await session.open(page, query)
            times[page] = time.perf_counter() - start
            if run.exceptions:
                raise RerunError(f"{page}: {run.exceptions[0]}")
    return times
