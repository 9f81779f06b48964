"""Benchmarks: Birtizim against the status quo, Splink alone, recordlinkage and the read floor.

``python -m bench`` (``make bench`` / ``make bench-small``) generates synthetic regions, runs every
contender in its own process on the same files, scores each against the generator's ground truth
and writes a Markdown table. See docs/benchmarks.md.
"""
