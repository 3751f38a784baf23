"""unknot's benchmarks: `uv run python -m benchmarks` runs them all and prints ratios to a same-run baseline."""
