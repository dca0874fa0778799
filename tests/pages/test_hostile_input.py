"""Hostile input: every text input, number input and file uploader on every page is fed garbage.

Each widget is listed once in ``WIDGETS`` (how to make it appear); a test reads the pages'
source and fails when a page gains such a widget without an entry here. Every payload must
give no exception and either a valid result or exactly one ``st.error``, with nothing on
screen that is NaN, a traceback or raw HTML.

Text inputs get their payloads as a browser would send them (the widget's value over the
websocket, ``set_value``); number inputs get theirs through the URL (a shared link is the only
way to put text into a number box). Uploads go through AppTest's ``file_uploader``; the lib
CSV readers are also fed the same files directly. The 10 MB upload limit and a second user
staying unaffected are browser tests (tests/e2e/test_hostile_browser.py).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import lib.choice as choice
import lib.hypothesis as ht
import lib.queueing as q
from lib.uploads import check_csv_width
from tests.apptest_helpers import ROOT, TEXT_ELEMENTS, assert_clean, chart_frames, run_page
from tests.apptest_helpers import _has_nan as has_nan

INPUT_CALLS = ("text_input", "text_area", "number_input", "file_uploader")

TEXT_PAYLOADS = (
    "",
    "   \t ",
    "ßπ漢字🙂",
    "x" * 10**6,
    "nan",
    "inf",
    "-inf",
    "1e999",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
)
# Through the URL; the last one is over Streamlit's 512 KiB query-string limit (ignored whole).
NUMBER_PAYLOADS = (*TEXT_PAYLOADS, "9" * 400, "-1e308", "1e-320", "0x10")
URL_LIMIT = 524_288  # characters; Streamlit ignores a longer query string

rng = np.random.default_rng(9)
CSV_PAYLOADS = {
    "empty file": b"",
    "binary named .csv": bytes(rng.integers(0, 256, 4096, dtype=np.uint8)) + b"\x00\x00\xff\xfe",
    "text in numeric columns": b"value,price,time\nabc,x,y\n1,two,3\n",
    "NaN and Inf cells": b"value,price,time\n1,nan,inf\n-inf,2,NaN\n3,4,5\n",
    "header only": b"value,price,time\n",
    "one line of 10^6 characters": b"1," * 500_000,
    "a data row of 10^6 characters": b"value\n" + b"1," * 500_000 + b"\n",
    "HTML in cells": b"value\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n",
}


@dataclass(frozen=True)
class Widget:
    page: str
    kind: str  # one of INPUT_CALLS
    query: dict[str, str] = field(default_factory=dict)  # URL parameters that make the widget appear
    sidebar: bool = False
    upload_name: str = "data.csv"  # uploads must carry an extension the uploader accepts


MARKOV = "pages/markov_chains.py"
QUEUE = "pages/queueing_distributions.py"
CHOICE = "pages/choice_models.py"
HYPO = "pages/hypothesis_testing.py"
MLE = "pages/mle_estimators.py"
TRANSFORMER = "pages/transformer_lab.py"
SAMPLING = "pages/sampling_temperature.py"
INFO = "pages/information_and_inference.py"
LINALG = "pages/linear_algebra.py"
EFFICIENT = "pages/efficient_transformers.py"
Q_FAST = {"q_customers": "5000"}
CH_SMALL = {"ch_n": "300", "ch_draws": "200"}
COUNT = {"ht_source": "a count: k heads in n flips"}
MLE_ENTER = {"mle_source": "enter counts"}
OWN_TEXT = {"tl_example": "Your own text"}

# Every input widget of every page: key -> where it is and what makes it appear.
WIDGETS: dict[str, Widget] = {
    "seed": Widget(MARKOV, "number_input", sidebar=True),
    "mc_patterns": Widget(MARKOV, "text_input"),
    "mc_chain": Widget(MARKOV, "text_area"),
    "mc_targets": Widget(MARKOV, "text_input"),
    "mc_penney": Widget(MARKOV, "text_input"),
    "q_hypo_rates": Widget(QUEUE, "text_input", {**Q_FAST, "q_family": "Hypo-exponential"}),
    "q_hyper_probs": Widget(QUEUE, "text_input", {**Q_FAST, "q_family": "Hyper-exponential"}),
    "q_hyper_rates": Widget(QUEUE, "text_input", {**Q_FAST, "q_family": "Hyper-exponential"}),
    "q_cox_rates": Widget(QUEUE, "text_input", {**Q_FAST, "q_family": "Coxian"}),
    "q_cox_cont": Widget(QUEUE, "text_input", {**Q_FAST, "q_family": "Coxian"}),
    "q_ph_alpha": Widget(QUEUE, "text_input", {**Q_FAST, "q_family": "General phase-type (α, S)"}),
    "q_ph_S": Widget(QUEUE, "text_input", {**Q_FAST, "q_family": "General phase-type (α, S)"}),
    "q_upload": Widget(QUEUE, "file_uploader", Q_FAST),
    **{
        f"q_net_{name}": Widget(QUEUE, "text_input", {**Q_FAST, "q_net_kind": "Open Jackson network (typed)"})
        for name in ("external", "routing", "rates", "servers")
    },
    "ch_market": Widget(CHOICE, "text_input", CH_SMALL),
    "ch_new": Widget(CHOICE, "text_input", CH_SMALL),
    "ch_nest": Widget(CHOICE, "text_input", CH_SMALL),
    "ch_specific": Widget(CHOICE, "text_input", CH_SMALL),
    "ch_person": Widget(CHOICE, "text_input", CH_SMALL),
    "ch_upload": Widget(CHOICE, "file_uploader", CH_SMALL),
    "ht_flips": Widget(HYPO, "text_input"),
    "ht_k": Widget(HYPO, "number_input", COUNT),
    "ht_count_n": Widget(HYPO, "number_input", COUNT),
    "ht_coin_csv": Widget(HYPO, "file_uploader", {"ht_source": "an uploaded CSV of flips"}),
    "ht_boot_text": Widget(HYPO, "text_input", {"ht_boot_source": "pasted numbers"}),
    "ht_boot_csv": Widget(HYPO, "file_uploader", {"ht_boot_source": "an uploaded CSV"}),
    "ht_ab_k1": Widget(HYPO, "number_input"),
    "ht_ab_n1": Widget(HYPO, "number_input"),
    "ht_ab_k2": Widget(HYPO, "number_input"),
    "ht_ab_n2": Widget(HYPO, "number_input"),
    "ht_t_mu": Widget(HYPO, "number_input"),
    "ht_gp_ratio": Widget(HYPO, "number_input"),
    "ht_t_x": Widget(HYPO, "text_input"),
    "ht_t_y": Widget(HYPO, "text_input"),
    "ht_t_csv": Widget(HYPO, "file_uploader", {"ht_t_source": "an uploaded CSV (two columns)"}),
    "ht_rt_x": Widget(HYPO, "text_input"),
    "ht_rt_y": Widget(HYPO, "text_input"),
    **{
        f"ht_rt_{name}": Widget(HYPO, "number_input", {"ht_rt_stat": "difference in proportions"})
        for name in ("k1", "n1", "k2", "n2")
    },
    "mle_counts_binomial": Widget(MLE, "text_input", MLE_ENTER),
    "mle_counts_negative_binomial": Widget(
        MLE, "text_input", {**MLE_ENTER, "mle_model": "negative binomial: trials until the k-th success"}
    ),
    "mle_C": Widget(MLE, "number_input"),
    "mle_fit_text": Widget(MLE, "text_input"),
    "mle_fit_csv": Widget(MLE, "file_uploader", {"mle_fit_source": "upload a CSV"}),
    "tl_text": Widget(TRANSFORMER, "text_input", OWN_TEXT),
    "ii_p": Widget(INFO, "text_input"),
    "ii_q": Widget(INFO, "text_input"),
    "la_typed": Widget(LINALG, "text_input", {"la_matrix": "type your own"}),
    "ef_text": Widget(EFFICIENT, "text_input"),
    "ef_latent": Widget(EFFICIENT, "number_input"),
    "ef_tile": Widget(EFFICIENT, "number_input"),
    "sp_prompt": Widget(SAMPLING, "text_area", {"sp_n_samples": "1", "sp_n_new": "10"}),
    "sp_upload": Widget(
        SAMPLING,
        "file_uploader",
        {"sp_source": "upload", "sp_n_samples": "1", "sp_n_new": "10"},
        upload_name="data.txt",
    ),
    **{
        f"tl_kv_{name}": Widget(TRANSFORMER, "number_input", {"tl_section": "Cost on this device"})
        for name in ("layers", "heads", "dhead", "groups", "latent", "rope", "seq", "batch")
    },
}
# Keys built at run time in the source (f-strings) -> the keys they take.
KEY_TEMPLATES = {
    "f'mle_counts_{kind}'": ("mle_counts_binomial", "mle_counts_negative_binomial"),
    # pages.hypothesis.counts.two_group_counts, called by the A/B test ("ht_ab") and the randomisation test ("ht_rt")
    "f'{key}_n{i + 1}'": ("ht_ab_n1", "ht_ab_n2", "ht_rt_n1", "ht_rt_n2"),
    "f'{key}_k{i + 1}'": ("ht_ab_k1", "ht_ab_k2", "ht_rt_k1", "ht_rt_k2"),
}


def _is_input_call(node: ast.AST) -> str | None:
    """The widget kind when ``node`` names one of INPUT_CALLS (``st.x``, ``col.x``)."""
    if isinstance(node, ast.Attribute) and node.attr in INPUT_CALLS:
        return node.attr
    return None


def input_widgets_in_source() -> list[tuple[str, str, str | None, bool]]:
    """(file, kind, key source or None, disabled) for every input widget call in the app's code."""
    found = []
    for path in [ROOT / "dashboard.py", *sorted((ROOT / "pages").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            kind = _is_input_call(node.func)
            # bound(st.text_input, "Label", key=...) creates the widget too.
            if kind is None and isinstance(node.func, ast.Name) and node.func.id == "bound" and node.args:
                kind = _is_input_call(node.args[0])
            if kind is None:
                continue
            kwargs = {k.arg: k.value for k in node.keywords}
            key = kwargs.get("key")
            disabled = isinstance(kwargs.get("disabled"), ast.Constant) and kwargs["disabled"].value is True
            found.append((str(path.relative_to(ROOT)), kind, None if key is None else ast.unparse(key), disabled))
    return found


def test_every_input_widget_is_in_the_table() -> None:
    source = input_widgets_in_source()
    assert len(source) >= 25, "the AST scan finds the pages' widgets"
    listed = set()
    for file, kind, key, disabled in source:
        if key is None:
            assert disabled, f"{file}: an enabled {kind} needs a key to be listed in WIDGETS"
            continue
        keys = KEY_TEMPLATES.get(key) or (ast.literal_eval(key) if key.startswith(("'", '"')) else None,)
        if keys == (None,):  # a constant name such as SEED_KEY
            keys = ("seed",) if key == "SEED_KEY" else (key,)
        for concrete in keys:
            assert concrete in WIDGETS, f"{file}: {kind} {concrete!r} has no hostile-input entry in WIDGETS"
            assert WIDGETS[concrete].kind == kind, f"{concrete} is a {kind}"
            listed.add(concrete)
    assert listed == set(WIDGETS), f"entries for widgets that no longer exist: {set(WIDGETS) - listed}"


def test_every_text_input_caps_its_length() -> None:
    """The server cuts text to ``max_chars`` (a forged websocket message can send more than the box allows)."""
    for path in sorted((ROOT / "pages").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "bound":
                kind = _is_input_call(node.args[0]) if node.args else None
                if kind in ("text_input", "text_area"):
                    assert "max_chars" in {k.arg for k in node.keywords}, (
                        f"{path.relative_to(ROOT)}: a {kind} without max_chars"
                    )


def test_no_raw_html_anywhere() -> None:
    """Nothing is rendered as raw HTML, so nothing a user types or uploads can become markup or script."""
    pattern = re.compile(r"unsafe_allow_html\s*=\s*True|st\.html\(|components\.v1|components\.html|\.html\(")
    for path in [ROOT / "dashboard.py", *sorted((ROOT / "pages").rglob("*.py")), *sorted((ROOT / "lib").rglob("*.py"))]:
        assert not pattern.search(path.read_text(encoding="utf-8")), f"{path.relative_to(ROOT)} renders raw HTML"


def assert_survives(at: AppTest, what: str, typed: str = "") -> None:
    """No exception, at most one error, no HTML element, and nothing on screen that is NaN or a traceback.

    An error may quote what the user typed (``'nan' is not a number``); ``typed`` is that text.
    """
    assert not at.exception, (what, [e.value for e in at.exception])
    assert len(at.error) <= 1, (what, [e.value for e in at.error])
    assert not at.get("html"), what
    for error in at.error:
        message = str(error.value)
        assert 0 < len(message) <= 400, (what, message)
        assert "traceback" not in message.lower(), (what, message)
        assert not re.search(r"(?<!\\)<(script|img)", message), (what, "HTML in an error must be escaped", message)
        if "nan" not in typed.lower():
            assert not re.search(r"\bnan\b", message, re.IGNORECASE), (what, message)
    for kind in TEXT_ELEMENTS:
        if kind != "error":
            for element in getattr(at, kind):
                text = str(element.value)
                assert not re.search(r"\bnan\b", text, re.IGNORECASE) or "nan" in typed.lower(), (what, text)
                assert "traceback" not in text.lower(), (what, text)
    for metric in at.metric:
        assert not re.search(r"\bnan\b", f"{metric.value}", re.IGNORECASE), (what, metric.label, metric.value)
    for table in at.dataframe:
        assert not has_nan(table.value), (what, table.value)
    for frame in chart_frames(at):
        assert not frame.select_dtypes("number").isna().to_numpy().any(), (what, frame)


def _short(payload: str | bytes) -> str:
    return repr(payload[:30]) + (f"… ({len(payload):,} long)" if len(payload) > 30 else "")


TEXT_KEYS = [k for k, w in WIDGETS.items() if w.kind in ("text_input", "text_area")]
UPLOAD_KEYS = [k for k, w in WIDGETS.items() if w.kind == "file_uploader"]


@pytest.mark.parametrize("key", TEXT_KEYS)
def test_text_input_survives_garbage(key: str) -> None:
    widget = WIDGETS[key]
    at = run_page(widget.page, widget.query)
    assert_clean(at)
    box = getattr(at, widget.kind)(key=key)
    for payload in TEXT_PAYLOADS:
        box.set_value(payload)
        at.run()
        assert_survives(at, f"{key} = {_short(payload)}", payload)
        box = getattr(at, widget.kind)(key=key)
        cap = box.proto.max_chars
        expected = payload[:cap] if cap else payload
        assert box.value == expected, "the server cuts text to max_chars"


def _number_groups() -> dict[tuple[str, tuple], list[str]]:
    """Number inputs that appear together (same page, same URL parameters): one URL sets them all."""
    groups: dict[tuple[str, tuple], list[str]] = {}
    for key, widget in WIDGETS.items():
        if widget.kind == "number_input":
            groups.setdefault((widget.page, tuple(sorted(widget.query.items()))), []).append(key)
    return groups


NUMBER_GROUPS = _number_groups()


@pytest.mark.parametrize("group", list(NUMBER_GROUPS), ids=lambda g: "+".join(NUMBER_GROUPS[g]))
def test_number_inputs_survive_garbage_in_the_url(group: tuple[str, tuple]) -> None:
    page, query = group[0], dict(group[1])
    keys = NUMBER_GROUPS[group]
    fresh = run_page(page, query)
    defaults = {key: fresh.number_input(key=key).value for key in keys}
    for payload in NUMBER_PAYLOADS:
        at = run_page(page, {**query, **dict.fromkeys(keys, payload)})
        assert_survives(at, f"{keys} = {_short(payload)} in the URL", payload)
        if len(payload) * len(keys) > URL_LIMIT:
            continue  # Streamlit ignores the whole query string: the page's defaults are shown
        for key in keys:
            value = at.number_input(key=key).value
            assert np.isfinite(value), (key, payload, value)
            if payload.strip() in ("", "nan", "inf", "-inf", "1e999", "9" * 400):
                assert value == defaults[key], f"?{key}={_short(payload)} falls back to the default"


@pytest.mark.parametrize("key", UPLOAD_KEYS)
def test_uploader_survives_garbage_files(key: str) -> None:
    widget = WIDGETS[key]
    at = run_page(widget.page, widget.query)
    assert_clean(at)
    for name, content in CSV_PAYLOADS.items():
        at.file_uploader(key=key).set_value((widget.upload_name, content, "text/plain"))
        at.run()
        assert_survives(at, f"{key}: {name}")
    at.file_uploader(key=key).set_value(None)
    at.run()
    assert_survives(at, f"{key}: file removed")


# The lib readers behind the uploaders, fed the same files directly: a value or one-sentence ValueError.
READERS = {
    "queueing.read_service_times": q.read_service_times,
    "hypothesis.read_csv_column (numbers)": ht.read_csv_column,
    "hypothesis.read_csv_column (flips)": lambda content: ht.read_csv_column(content, kind="flips"),
    "hypothesis.read_two_samples": lambda content: np.concatenate(ht.read_two_samples(content)),
    "choice.fit_choice_csv (long)": lambda content: choice.fit_choice_csv(content, "long", ("",)),
    "choice.fit_choice_csv (wide)": lambda content: choice.fit_choice_csv(content, "wide", ("",)),
    "choice.fit_choice_csv (person)": lambda content: choice.fit_choice_csv(content, "long", (), ("x",), ("x",)),
}


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("name", list(CSV_PAYLOADS))
def test_lib_csv_readers_refuse_garbage_in_one_sentence(reader: str, name: str) -> None:
    content = CSV_PAYLOADS[name]
    try:
        result = READERS[reader](content)
    except ValueError as err:
        message = str(err)
        assert 0 < len(message) <= 300, message
        assert "\n" not in message, message
        assert message.rstrip().endswith((".", ")", "'")), message
        return
    values = np.asarray(getattr(result, "values", result) if not hasattr(result, "mnl") else result.mnl.params)
    assert values.size, (reader, name)
    assert np.isfinite(values.astype(float)).all(), (reader, name, values)


def test_parsers_refuse_garbage_in_one_sentence() -> None:
    parsers = {
        "markov.parse_patterns": __import__("lib.markov", fromlist=["x"]).parse_patterns,
        "queueing.parse_vector": q.parse_vector,
        "queueing.parse_matrix": q.parse_matrix,
        "hypothesis.parse_flips": ht.parse_flips,
        "hypothesis.parse_numbers": ht.parse_numbers,
        "mle.parse_counts": __import__("lib.mle", fromlist=["x"]).parse_counts,
        "information.parse_distribution": __import__("lib.information", fromlist=["x"]).parse_distribution,
        "choice.parse_market": lambda text: choice.parse_market(text, ("price", "time", "comfort")),
        "linalg.parse_matrix": __import__("lib.linalg", fromlist=["x"]).parse_matrix,
        "markov.parse_transition_matrix": __import__("lib.markov", fromlist=["x"]).parse_transition_matrix,
        "markov.parse_states": lambda text: __import__("lib.markov", fromlist=["x"]).parse_states(text, 3),
        "markov.best_response": __import__("lib.markov", fromlist=["x"]).best_response,
    }
    for name, parse in parsers.items():
        for payload in TEXT_PAYLOADS:
            try:
                result = parse(payload)
            except ValueError as err:
                message = str(err)
                assert 0 < len(message) <= 400, (name, _short(payload), message)
                assert "\n" not in message, (name, _short(payload), message)
                continue
            raise AssertionError(f"{name} accepted {_short(payload)}: {result!r:.80}")


def test_csv_width_guard() -> None:
    check_csv_width(b"," * 499 + b"\n" + b"," * 499)
    check_csv_width("a,b\n1,2\n" * 10_000)  # many commas in all, few per line
    with pytest.raises(ValueError, match=r"Line 1 .* at most 500 columns"):
        check_csv_width(b"," * 500 + b"\n1\n")
    with pytest.raises(ValueError, match=r"Line 3 of the file has 10,001"):
        check_csv_width("a\r\n1\r\n" + "1," * 10_000)
