"""Benchmarks and the chaos run: measured on this machine, reported as ratios and counts."""
