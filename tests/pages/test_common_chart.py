"""pages._common.chart keys its cache on a digest of the chart's arguments: equal data share an
entry, any change in the data or the options makes a new one, and the chart on screen follows;
csv_download writes its file only when clicked."""

from __future__ import annotations

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from pages._common import _digest
from tests.apptest_helpers import ROOT


def _frame(n: int = 2_000) -> pd.DataFrame:
    return pd.DataFrame({"x": np.arange(n), "y": np.linspace(0, 1, n), "curve": ["a", "b"] * (n // 2)})


def test_equal_arguments_have_equal_digests() -> None:
    assert _digest(((_frame(),), {"x": "x"})) == _digest(((_frame(),), {"x": "x"}))


def test_any_change_makes_a_new_digest() -> None:
    changed = _frame()
    changed.loc[1_234, "y"] += 1e-12
    renamed = _frame().assign(curve=["a", "c"] * 1_000)
    digests = {_digest(((frame,), {"x": "x"})) for frame in (_frame(), changed, renamed)}
    digests.add(_digest(((_frame(),), {"x": "y"})))
    assert len(digests) == 4


def test_what_does_not_pickle_is_its_own_key() -> None:
    def local():  # local functions do not pickle
        return 1

    assert _digest(local) is local


def _page() -> None:
    import pandas as pd
    import streamlit as st

    from lib.viz import line_chart
    from pages._common import chart

    last = st.number_input("last y", value=1.0)
    frame = pd.DataFrame({"x": [0, 1], "y": [0.0, last], "c": ["a", "a"]})
    chart(line_chart, frame, x="x", y="y", color="c", x_title="x", y_title="y")


def test_the_chart_follows_its_data() -> None:
    at = AppTest.from_function(_page).run()
    first = at.get("vega_lite_chart")[0].proto.spec
    at.number_input[0].set_value(2.0).run()
    second = at.get("vega_lite_chart")[0].proto.spec
    at.number_input[0].set_value(1.0).run()
    assert first != second
    assert at.get("vega_lite_chart")[0].proto.spec == first


def test_csv_download_writes_the_file_only_on_click() -> None:
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import pandas as pd
import streamlit as st
from pages._common import csv_download

calls = []
class Counted(pd.DataFrame):
    def to_csv(self, *args, **kwargs):
        calls.append(1)
        return super().to_csv(*args, **kwargs)

csv_download(Counted({{"a": [1, 2]}}), "a.csv", key="csv")
st.write(f"written {{len(calls)}} times")
"""
    at = AppTest.from_string(script).run()
    assert not at.exception
    (button,) = at.get("download_button")
    assert button.proto.deferred_file_id  # registered for a click, not written now
    assert at.markdown[0].value == "written 0 times"
