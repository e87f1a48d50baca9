"""Airdate's benchmarks: run them all with ``python -m bench`` (``--quick`` skips the 1 M size).

Every figure in the report is measured in the same run, side by side with the figure it is compared
to, as the median of repeated runs; the report is printed and written to ``bench/results/latest.md``.
"""
