"""Diaodu 调度台 — the dispatch desk for a city's economic work."""

__version__ = "0.1.0"
