"""pages._common.png_download / png_bytes: a lib.viz chart as a PNG, rendered on the server only on click."""

from __future__ import annotations

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from lib.viz import line_chart
from lib.viz.transformer import matrix_heatmap
from pages._common import png_bytes
from tests.apptest_helpers import ROOT

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_png_bytes_of_a_line_chart() -> None:
    frame = pd.DataFrame({"x": [0, 1, 2, 0, 1, 2], "y": [1.0, 2.0, 4.0, 1.0, 1.5, 2.0], "c": list("aaabbb")})
    png = png_bytes(line_chart, frame, x="x", y="y", color="c", x_title="x", y_title="y", title="t", scale=1)
    assert png.startswith(PNG_SIGNATURE)
    width, height = _size(png)
    assert 720 <= width < 900  # the container width becomes 720 px, plus the axis and legend
    assert height > 300


def test_png_bytes_of_a_big_heatmap_keeps_every_cell() -> None:
    # 80 × 80 = 6,400 cells: past Altair's default 5,000-row limit, which the export lifts.
    values = np.arange(6400.0).reshape(80, 80)
    labels = [str(i) for i in range(80)]
    png = png_bytes(matrix_heatmap, values, labels, labels, x_title="k", y_title="q", value_title="v", scale=2)
    assert png.startswith(PNG_SIGNATURE)
    assert _size(png)[0] >= 2 * 720


def test_png_download_is_built_only_on_click() -> None:
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import pandas as pd
from lib.viz import pmf_bars
from pages._common import png_download

calls = []
def counted(*args, **kwargs):
    calls.append(1)
    return pmf_bars(*args, **kwargs)

png_download(counted, pd.DataFrame({{"k": [0, 1], "p": [0.4, 0.6]}}), x="k", y="p", x_title="k", y_title="p",
             file_name="pmf.png", key="png")
import streamlit as st
st.write(f"built {{len(calls)}} times")
"""
    at = AppTest.from_string(script).run()
    assert not at.exception
    (button,) = at.get("download_button")
    assert button.proto.deferred_file_id  # registered for a click, not rendered now
    assert not button.proto.url
    assert at.markdown[0].value == "built 0 times"
