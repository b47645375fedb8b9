"""Criterion-level attribution through rank_change_attribution(by="criterion"): parts add up
exactly, criteria that switched to or from không phát sinh act only through the maximum."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_analysis import applicable_index, rank_change_attribution
from cchc_analysis.scorecard import criterion_attribution

MAXES = [0.5, 1.0, 2.0, 3.0]


@st.composite
def two_years(draw):
    """One unit, two years, up to 7 criteria; each criterion present or not in each year
    (tree changes), applicable or not (KPS flips), points on a quarter grid."""
    n = draw(st.integers(1, 7))
    rows = []
    for y in (2022, 2023):
        for j in range(n):
            present = draw(st.booleans()) if j else True
            if not present:
                continue
            app = draw(st.booleans()) if j else True
            mx = draw(st.sampled_from(MAXES))
            p = draw(st.integers(0, int(mx * 4))) / 4
            rows.append({"year": y, "unit_id": "u", "criterion": f"1.{j}", "criterion_name": f"Tiêu chí {j}",
                         "field": "1", "max_points": mx, "points": p if app else np.nan, "applicable": app})
    return pd.DataFrame(rows)


@settings(max_examples=150, deadline=None)
@given(s=two_years())
def test_parts_add_up_exactly_and_flips_act_through_the_maximum(s):
    t = rank_change_attribution(s, unit="u", year_from=2022, year_to=2023, by="criterion")
    ref = applicable_index(s).set_index("year")["index"]
    change = ref[2023] - ref[2022]
    assert t["total"].sum() == pytest.approx(change, abs=1e-9)
    assert (t["performance"] + t["through_max"]).to_numpy() == pytest.approx(t["total"].to_numpy())
    flipped = t["applicability"] != "both"
    assert (t.loc[flipped, "performance"] == 0).all()
    # with no change of the maximum nothing acts through it
    m = s[s.applicable].groupby("year")["max_points"].sum()
    if not flipped.any() and abs(m[2022] - m[2023]) < 1e-12:
        same = s[s.applicable].pivot(index="criterion", columns="year", values="max_points")
        if (same[2022] == same[2023]).all():
            assert t["through_max"].abs().max() == pytest.approx(0, abs=1e-12)


def test_by_criterion_is_the_scorecard_attribution():
    s = pd.DataFrame({"year": [2022] * 3 + [2023] * 3, "unit_id": "a", "criterion": ["1", "2", "3"] * 2,
                      "max_points": [2.0, 2.0, 4.0] * 2, "points": [2, 1, 2, 1, np.nan, 4.0],
                      "applicable": [True, True, True, True, False, True]})
    t = rank_change_attribution(s, unit="a", year_from=2022, year_to=2023, by="criterion")
    pd.testing.assert_frame_equal(t, criterion_attribution(s, unit="a", year_from=2022, year_to=2023))
    # by hand: 2022 5/8 = 62.5 %; 2023 5/6 = 83.33 %; change 20.83
    assert t.attrs["change"] == pytest.approx(100 * 5 / 6 - 62.5)
    row = t.set_index("criterion")
    # criterion 2 stops arising: no performance part; its rate 0.5 was below the mean index
    # (0.5·(0.625 + 0.8333) = 0.7292), dropping it raises the index: 100·(0.5 − 0.7292)·(0 − 0.25) = +5.73
    assert row.loc["2", "applicability"] == "no_longer" and row.loc["2", "performance"] == 0
    assert row.loc["2", "through_max"] == pytest.approx(100 * (0.5 - 0.5 * (0.625 + 5 / 6)) * (0 - 0.25))
    # criterion 1: rate 1 → 0.5 with mean weight ½(2/8 + 2/6): 100·0.2917·(−0.5) = −14.58
    assert row.loc["1", "performance"] == pytest.approx(100 * 0.5 * (0.25 + 1 / 3) * -0.5)
    assert t["total"].sum() == pytest.approx(t.attrs["change"], abs=1e-12)


def test_by_criterion_refuses_what_it_cannot_do():
    pub = pd.DataFrame({"year": [2022, 2023], "unit_id": "a", "index": [80.0, 81.0]})
    with pytest.raises(ValueError, match="scores table"):
        rank_change_attribution(pub, unit="a", year_from=2022, year_to=2023, by="criterion")
    s = pd.DataFrame({"year": [2022, 2023], "unit_id": "a", "criterion": "1", "max_points": 1.0,
                      "points": [1.0, 0.5], "applicable": True})
    with pytest.raises(ValueError, match="'criterion'"):
        rank_change_attribution(s, unit="a", year_from=2022, year_to=2023, by="field")
    with pytest.raises(ValueError, match="lineage"):
        rank_change_attribution(s, unit="a", year_from=2022, year_to=2023, by="criterion", lineage={"a": "b"})
