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


def test_head_grid_validates_with_one_map_per_layer_and_head() -> None:
    from lib.viz.transformer import head_grid

    weights = np.tril(np.ones((2, 3, 5, 5)))
    weights /= weights.sum(-1, keepdims=True)
    labels = [f"{i} · a" for i in range(5)]
    spec = head_grid(weights, labels, labels, cell=50, title="grid").to_dict()  # validates against the schema
    rows = spec["datasets"][spec["data"]["name"]]
    assert len(rows) == 6 * 15  # the lower triangle of each 5 × 5 map: the mask's zeros are not drawn
    assert {(r["layer"], r["head"]) for r in rows} == {(layer, head) for layer in (1, 2) for head in (1, 2, 3)}
    assert spec["facet"]["row"]["field"] == "layer"
    with pytest.raises(ValueError, match="layers, heads"):
        head_grid(weights[0], labels, labels)
    with pytest.raises(ValueError, match="labels"):
        head_grid(weights, labels[:4], labels)


def test_lens_heatmap_and_loss_difference_validate_without_nan() -> None:
    import pandas as pd

    from lib.viz.transformer import lens_heatmap, loss_difference_chart

    table = pd.DataFrame(
        {
            "layer": [0, 0, 1, 1],
            "position": [0, 1, 0, 1],
            "character": ["a", " ", "a", " "],
            "guess": [" ", "a", "b", "a"],
            "probability": [0.5, 0.6, 0.7, 0.8],
            "next": [" ", "", " ", ""],
            "p(next)": [0.5, np.nan, 0.7, np.nan],
        }
    )
    for colour, drawn in (("probability", 4), ("p(next)", 2)):  # no next character at the last position: no cell
        spec = lens_heatmap(table, colour=colour).to_dict()
        rects = spec["datasets"][spec["layer"][0]["data"]["name"]]
        assert len(rects) == drawn
        assert all(np.isfinite(r["value"]) for r in rects)
    with pytest.raises(ValueError, match="colour"):
        lens_heatmap(table, colour="entropy")
    losses = pd.DataFrame(
        {"position": [1, 2], "character": ["b", "c"], "loss": [1.0, 2.0], "ablated loss": [1.5, 1.0]}
    ).assign(difference=lambda f: f["ablated loss"] - f["loss"])
    spec = loss_difference_chart(losses).to_dict()
    effects = [r["effect"] for r in spec["datasets"][spec["data"]["name"]]]
    assert effects == ["worse without the heads", "better without the heads"]
