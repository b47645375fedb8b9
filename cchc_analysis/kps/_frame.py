"""Shared checks for the KPS analyses (one year of a scores table)."""

from __future__ import annotations

import pandas as pd

NEED = ["year", "unit_id", "criterion", "max_points", "points", "applicable"]


def check_scores(scores: pd.DataFrame, extra=()) -> None:
    missing = [c for c in (*NEED, *extra) if c not in scores.columns]
    if missing:
        raise ValueError(f"`scores` lacks the column(s) {missing}; see cchc_analysis.read_scores.")


def pick_year(scores: pd.DataFrame, year) -> int:
    years = sorted(pd.unique(scores["year"]))
    if not years:
        raise ValueError("`scores` is empty.")
    if year is None:
        return int(years[-1])
    if int(year) not in {int(y) for y in years}:
        raise ValueError(f"year {year} is not in the data (years present: {[int(y) for y in years]}).")
    return int(year)
