"""Benchmarks: run apart from the tests (``python -m benchmarks``); results go to docs/BENCHMARKS.md."""
