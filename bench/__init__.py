"""Benchmarks for ``canon plan``: ``python -m bench`` (or ``make bench``) prints a Markdown table."""
