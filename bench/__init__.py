"""Benchmarks for newsgraph (run with `make bench`); see bench/README.md."""
