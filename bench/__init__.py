"""Side-by-side benchmarks: each measures ours and an anchor in the same run and reports the ratio."""
