"""Benchmarks. Each ``bench/<name>_bench.py`` measures one thing against a baseline
run side by side in the same process; ``python -m bench.run`` runs them and keeps
the results under ``bench/results/``."""
