"""lib.viz.transformer: the big-matrix heatmap validates, drops masked cells and refuses bad shapes."""

from __future__ import annotations

import numpy as np
import pytest

from lib.viz.transformer import matrix_heatmap, show_token


def _dataset(spec: dict) -> list[dict]:
    name = spec["data"]["name"]
    return spec["datasets"][name]


@pytest.mark.parametrize("n", [3, 100])
def test_heatmap_spec_validates_and_keeps_finite_cells(n: int) -> None:
    values = np.triu(np.full((n, n), -np.inf), k=1) + np.arange(n * n).reshape(n, n) / n
    labels = [f"{i} · {show_token('a b'[i % 3])}" for i in range(n)]
    chart = matrix_heatmap(values, labels, labels, x_title="key", y_title="query", value_title="score", diverging=True)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    rows = _dataset(spec)
    assert len(rows) == n * (n + 1) // 2  # the masked upper triangle is not drawn
    assert all(np.isfinite(r["v"]) for r in rows)
    tooltips = [t["field"] for t in spec["encoding"]["tooltip"]]
    assert tooltips == ["row_label", "col_label", "v"]
    assert (spec["encoding"]["x"]["field"] == "col_label") == (n <= 64)


def test_show_token_makes_whitespace_visible() -> None:
    assert show_token(" \n\t") == "␣↵⇥"


@pytest.mark.parametrize(
    ("values", "rows", "cols"),
    [
        (np.zeros(3), ["a"], ["a"]),
        (np.zeros((2, 2)), ["a"], ["a", "b"]),
        (np.zeros((400, 400)), ["a"] * 400, ["a"] * 400),
    ],
)
def test_heatmap_bad_input(values, rows, cols) -> None:
    with pytest.raises(ValueError, match=r"matrix|labels|cells"):
        matrix_heatmap(values, rows, cols, x_title="x", y_title="y", value_title="v")


def test_block_labels_name_the_positions_and_their_text() -> None:
    from lib.viz.transformer import block_labels

    assert block_labels([0, 1, 2], tokens="a ") == ["0 · a", "1 · ␣"]
    assert block_labels([0, 4, 6], tokens="the cat") == ["0–3 · the␣", "4–5 · ca"]
    assert block_labels([0, 2, 3], prefix="feature ") == ["feature 0–1", "feature 2"]


def test_next_character_bars_keep_the_models_order() -> None:
    import pandas as pd

    from lib.viz.transformer import next_character_bars

    spec = next_character_bars(pd.DataFrame({"character": ["e", " "], "probability": [0.6, 0.3]})).to_dict()
    rows = _dataset(spec)
    assert [r["next character"] for r in rows] == ["e", "␣"]
    assert spec["encoding"]["x"]["sort"] == {"field": "rank"}
    with pytest.raises(ValueError, match="columns"):
        next_character_bars(pd.DataFrame({"token": ["a"]}))
