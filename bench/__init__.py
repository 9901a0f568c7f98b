"""Benchmarks of the map page: load, filter, map build, page runs and the real browser.

A benchmark, not a test: it prints figures and reports targets as met or not met, and never
fails on timing. ``python -m bench --help`` for the options; ``bench/RESULTS.md`` holds the
last full run. Heavy measurements run in child processes (``bench.worker``) so that each has
its own peak memory figure and a crash or runaway size cannot take the whole run down.
"""
