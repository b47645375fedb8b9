"""Tests for cchc_analysis.scoring: hand-computed cases and properties (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_analysis.scoring import applicable_index


def frame(rows):
    df = pd.DataFrame(rows, columns=["unit_id", "field", "criterion", "component", "max_points", "points", "applicable"])
    df.insert(0, "year", 2023)
    return df


def test_hand_computed_total_field_component():
    s = frame([
        ("a", "1", "1.1", "appraisal", 2.0, 1.5, True),
        ("a", "1", "1.2", "survey", 3.0, np.nan, False),   # không phát sinh: out of the max
        ("a", "2", "2.1", "survey", 1.0, 0.0, True),        # scored 0: counts
        ("b", "1", "1.1", "appraisal", 2.0, 2.0, True),
    ])
    t = applicable_index(s).set_index("unit_id")
    assert t.loc["a", "points"] == 1.5 and t.loc["a", "max_points"] == 3.0
    assert t.loc["a", "index"] == pytest.approx(50.0)
    assert (t.loc["a", "n_applicable"], t.loc["a", "n_criteria"]) == (2, 3)
    assert t.loc["b", "index"] == 100.0
    f = applicable_index(s, aggregate="field").set_index(["unit_id", "field"])
    assert f.loc[("a", "1"), "index"] == 75.0 and f.loc[("a", "2"), "index"] == 0.0
    c = applicable_index(s, aggregate="component").set_index(["unit_id", "component"])
    assert c.loc[("a", "survey"), "max_points"] == 1.0 and c.loc[("a", "survey"), "index"] == 0.0


def test_no_applicable_criterion_gives_nan_and_reason():
    s = frame([("a", "1", "1.1", "appraisal", 2.0, np.nan, False), ("b", "1", "1.1", "appraisal", 2.0, 1.0, True)])
    t = applicable_index(s).set_index("unit_id")
    assert np.isnan(t.loc["a", "index"]) and "no applicable criterion" in t.loc["a", "reason"]
    assert pd.isna(t.loc["b", "reason"])


def test_missing_points_on_applicable_is_an_error_not_zero():
    s = frame([("a", "1", "1.1", "appraisal", 2.0, np.nan, True)])
    with pytest.raises(ValueError, match="without points"):
        applicable_index(s)


def test_bad_level_and_input_not_mutated():
    s = frame([("a", "1", "1.1", "appraisal", 2.0, 1.0, True)])
    before = s.copy()
    with pytest.raises(ValueError, match="must be one of"):
        applicable_index(s, aggregate="criterion")
    applicable_index(s, aggregate="field")
    pd.testing.assert_frame_equal(s, before)


# ----------------------------------------------------------------------------- properties

@st.composite
def score_tables(draw):
    n_units = draw(st.integers(1, 5))
    n_crit = draw(st.integers(1, 8))
    rows = []
    for u in range(n_units):
        for c in range(n_crit):
            mx = draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0, 10.0]))
            app = draw(st.booleans())
            frac = draw(st.floats(0, 1))
            rows.append((f"u{u}", str(c % 3 + 1), f"{c % 3 + 1}.{c}", "appraisal" if c % 2 else "survey",
                         mx, mx * frac if app else np.nan, app))
    return frame(rows)


@settings(max_examples=60, deadline=None)
@given(score_tables())
def test_index_within_0_100(s):
    idx = applicable_index(s)["index"].dropna()
    assert ((idx >= 0) & (idx <= 100 + 1e-9)).all()


@settings(max_examples=60, deadline=None)
@given(score_tables(), st.integers(1, 5), st.floats(0.1, 50))
def test_adding_not_applicable_criteria_changes_nothing(s, n_new, mx):
    extra = frame([(u, "9", f"9.{k}", "appraisal", mx, np.nan, False)
                   for u in s["unit_id"].unique() for k in range(n_new)])
    a = applicable_index(s)
    b = applicable_index(pd.concat([s, extra], ignore_index=True))
    pd.testing.assert_series_equal(a["index"], b["index"])
    assert (b["n_criteria"] - a["n_criteria"] == n_new).all()


@settings(max_examples=60, deadline=None)
@given(score_tables(), st.floats(0.01, 1000))
def test_scale_invariance(s, c):
    t = s.assign(max_points=s["max_points"] * c, points=s["points"] * c)
    np.testing.assert_allclose(applicable_index(s)["index"], applicable_index(t)["index"], rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(score_tables())
def test_total_is_max_weighted_mean_of_field_indices(s):
    tot = applicable_index(s).set_index("unit_id")
    fld = applicable_index(s, aggregate="field").dropna(subset=["index"])
    for u, g in fld.groupby("unit_id"):
        v = np.average(g["index"], weights=g["max_points"])
        assert tot.loc[u, "index"] == pytest.approx(v, rel=1e-9, abs=1e-9)
    # units with no applicable field at all have no total index either
    assert tot.loc[~tot.index.isin(fld["unit_id"]), "index"].isna().all()


def test_old_keyword_level_still_works_with_a_future_warning():
    s = pd.DataFrame({"year": 2023, "unit_id": ["a", "a"], "field": ["1", "2"], "criterion": ["1.1", "2.1"],
                      "component": "appraisal", "max_points": [2.0, 2.0], "points": [1.0, 2.0], "applicable": True})
    with pytest.warns(FutureWarning, match="aggregate"):
        old = applicable_index(s, level="field")
    pd.testing.assert_frame_equal(old, applicable_index(s, aggregate="field"))
