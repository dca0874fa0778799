"""The benchmark runner runs and prints its table (timings are never asserted here)."""

from __future__ import annotations

from bench.__main__ import discover, format_table, main
from bench.common import Result


def test_every_benchmark_module_is_discovered() -> None:
    names = {b.__name__ for b in discover("")}
    assert {"rerun_after_steps_slider", "simulation_vs_python_loop"} <= names


def test_table_has_one_row_per_result() -> None:
    table = format_table([Result("a", 0.002, "anchor", 0.001), Result("b", 0.001, "anchor", 0.004)])
    lines = table.splitlines()
    assert lines[0].split(" | ")[0].strip() == "what"
    assert len(lines) == 4
    assert lines[2].rstrip().endswith("2")
    assert lines[3].rstrip().endswith("0.25")


def test_runner_end_to_end(capsys) -> None:
    assert main(["--repeats", "1", "simulation_vs_python_loop"]) == 0
    out = capsys.readouterr().out
    assert "pure-Python flip loop" in out
    assert main(["no-such-benchmark"]) == 1
