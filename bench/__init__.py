"""Benchmarks run by `make bench`; each compares a figure with a ceiling measured in the same run."""
