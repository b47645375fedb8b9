"""Shared frames for the trends tests (a session fixture, so hypothesis tests can use it)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest


def four_units():
    """b: 88 → 78 (2nd → 4th); d: 70 → 86."""
    return pd.DataFrame({"year": [2022] * 4 + [2023] * 4, "unit_id": list("abcdabcd"),
                         "unit_name": ["A", "B", "C", "D"] * 2,
                         "index": [90.0, 88.0, 80.0, 70.0, 91.0, 78.0, 79.0, 86.0]})


def scores_frame(rows):
    """rows: (year, unit, field, component, max, points|None)."""
    df = pd.DataFrame(rows, columns=["year", "unit_id", "field", "component", "max_points", "points"])
    df["criterion"] = df["field"] + "." + df.groupby(["year", "unit_id", "field"]).cumcount().astype(str)
    df["applicable"] = df["points"].notna()
    df["unit_name"] = df["unit_id"]
    return df


def random_scores(seed, *, n_units=6, n_crit=12, years=(2022, 2023)):
    rng = np.random.default_rng(seed)
    rows = []
    for y in years:
        for u in range(n_units):
            for c in range(n_crit):
                mx = float(rng.choice([0.5, 1.0, 2.0]))
                app = rng.uniform() < 0.75 or c == 0
                pts = float(mx * rng.integers(0, 5) / 4) if app else None
                rows.append((y, f"u{u}", str(c % 4 + 1), "survey" if c % 3 == 0 else "appraisal", mx, pts))
    return scores_frame(rows)


def published_pair(components_2022: bool):
    pub = pd.DataFrame({
        "year": [2022] * 3 + [2023] * 3, "rank": [1, 2, 3, 1, 2, 3],
        "unit_id": ["x", "y", "z", "y", "z", "x"], "unit_name": ["X", "Y", "Z", "Y", "Z", "X"],
        "appraisal": [62.0, 61.0, 60.0, 62.67, 61.52, 60.50],
        "survey": [27.0, 26.5, 26.0, 27.21, 27.66, 25.33],
        "index": [89.0, 87.5, 86.0, 89.89, 89.18, 85.83],
    })
    pub["total"] = pub["index"]
    pub["source_url"] = "http://example.org"
    if not components_2022:
        pub.loc[pub["year"] == 2022, ["appraisal", "survey"]] = np.nan
    return pub


def partial_published():
    """2022 lists 3 of 5 ranked units (ranks 1, 3, 5); 2023 is complete; 2021 gives m's rank only."""
    return pd.DataFrame({
        "year": [2021] + [2022] * 3 + [2023] * 5, "rank": [2, 1, 3, 5, 1, 2, 3, 4, 5],
        "unit_id": ["m", "a", "m", "e", "a", "b", "c", "m", "e"],
        "index": [np.nan, 90.0, 87.0, 80.0, 91.0, 89.0, 88.0, 85.8, 80.0],
    })


@pytest.fixture(scope="session")
def frames():
    """The small hand-made tables: ``frames.four_units()``, ``frames.random_scores(seed)``, ..."""
    return SimpleNamespace(four_units=four_units, scores_frame=scores_frame, random_scores=random_scores,
                           published_pair=published_pair, partial_published=partial_published)
