"""Batch runs: many characters times many motions from one manifest, here or on a Ray cluster, resumable.

``run_batch(manifest, outdir)`` checks every row first, analyses each distinct motion once and hands its pose
track to all of its rows, renders the rows on a local process pool (or as Ray tasks), skips rows already done
with the same inputs and options, and logs each row to a JSONL results file as it finishes.
"""
from .manifest import COLUMNS, Manifest, Problem, Row, read_manifest
from .runner import Summary, run_batch

__all__ = ["COLUMNS", "Manifest", "Problem", "Row", "Summary", "read_manifest", "run_batch"]
