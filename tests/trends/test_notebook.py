"""Tests for cchc_analysis.trends.notebook (notebook 01 itself: tests/test_notebooks.py)."""

from __future__ import annotations

from cchc_analysis.trends import pick_unit


def test_pick_unit(frames):
    assert pick_unit(frames.four_units(), "c", year_from=2022, year_to=2023) == "c"
    assert pick_unit(frames.four_units(), "bo-x", year_from=2022, year_to=2023) == "b"
