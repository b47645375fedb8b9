"""Tests for cchc_analysis.trends.trajectory: gaps, breaks, lineage, unranked units, movers."""

from __future__ import annotations
import pandas as pd
import pytest

from cchc_analysis.trends import movers, rank_change_attribution, rank_trajectory


def test_trajectory_gaps_breaks_and_lineage():
    pub = pd.DataFrame({
        "year": [2020, 2020, 2021, 2021, 2023, 2023, 2023],
        "unit_id": ["old", "b", "old", "b", "new", "b", "c"],
        "index": [80.0, 85.0, 90.0, 84.0, 70.0, 75.0, 95.0],
    })
    lin = pd.DataFrame({"unit_id": ["old", "c2"], "successor_id": ["new", "new"]})
    t = rank_trajectory(pub, units="new", lineage=lin)
    assert t["year"].tolist() == [2020, 2021, 2023]
    assert t["unit_id"].tolist() == ["old", "old", "new"]
    assert t["rank"].tolist() == [2, 1, 3]
    assert (t["lineage_id"] == "new").all()
    # a gap year inside the span is an explicit row, never a zero
    t2 = rank_trajectory(pub, units="b")
    assert t2["year"].tolist() == [2020, 2021, 2023]
    all_years = rank_trajectory(pub.assign(year=pub["year"].replace({2021: 2022})), units="b")
    assert all_years["observed"].all()
    tb = rank_trajectory(pub[pub["unit_id"] != "b"], units="c")
    assert tb["observed"].tolist() == [False, False, True] and tb["index"].isna().sum() == 2
    assert tb["rank"].isna().sum() == 2
    # break 876 (2022) lies between 2021 and 2023
    assert t.set_index("year")["break_before"].to_dict() == {2020: True, 2021: False, 2023: True}
    assert t.set_index("year").loc[2023, "break_decision"] == "876/QĐ-BNV"
    # forward lineage: following "old" reaches "new"
    assert rank_trajectory(pub, units="old", lineage=lin)["unit_id"].tolist() == ["old", "old", "new"]
    with pytest.raises(ValueError, match="not in the data"):
        rank_trajectory(pub, units="nope")


def test_unranked_units_keep_index_but_no_rank(frames):
    pub = frames.four_units()
    pub["ranked"] = pub["unit_id"] != "a"
    t = rank_trajectory(pub)
    a = t[t["unit_id"] == "a"]
    assert a["rank"].isna().all() and a["index"].notna().all()
    assert t.loc[(t["unit_id"] == "b") & (t["year"] == 2022), "rank"].iloc[0] == 1
    assert (t.loc[t["unit_id"] != "a", "n_ranked"] == 3).all()


def test_movers_hand_example(frames):
    m = movers(frames.four_units(), year_from=2022, year_to=2023, top=2)
    rise = m[m["kind"] == "rank_rise"]
    assert rise["unit_id"].tolist() == ["d"] and rise["places_gained"].tolist() == [2]
    fall = m[m["kind"] == "rank_fall"]
    # 2023 order a 91, d 86, c 79, b 78: c keeps 3rd, so only b falls
    assert fall["unit_id"].tolist() == ["b"] and fall["places_gained"].tolist() == [-2]
    ifall = m[m["kind"] == "index_fall"]
    assert ifall["unit_id"].tolist() == ["b", "c"]
    assert ifall["index_change"].tolist() == pytest.approx([-10.0, -1.0])
    assert not m["break_between"].any()
    with pytest.raises(ValueError, match="top"):
        movers(frames.four_units(), year_from=2022, year_to=2023, top=0)


def test_lineage_absorbing_successor_does_not_stand_in_while_both_exist():
    # m absorbed into s in 2025; s existed all along; m has a gap in 2021
    pub = pd.DataFrame({
        "year": [2020, 2020, 2021, 2022, 2022, 2025],
        "unit_id": ["m", "s", "s", "m", "s", "s"],
        "index": [80.0, 85.0, 86.0, 82.0, 87.0, 90.0],
    })
    lin = pd.DataFrame({"unit_id": ["m"], "successor_id": ["s"]})
    t = rank_trajectory(pub, units="m", lineage=lin)
    obs = t[t["observed"]]
    assert obs["unit_id"].tolist() == ["m", "m", "s"] and obs["year"].tolist() == [2020, 2022, 2025]
    assert not t.set_index("year").loc[2021, "observed"]  # the gap stays a gap
    # following s backwards: s's own rows only (m is not s while both exist)
    assert set(rank_trajectory(pub, units="s", lineage=lin)["unit_id"]) == {"s"}
    att = rank_change_attribution(pub, unit="m", year_from=2022, year_to=2025, lineage=lin)
    assert att["unit_id"].iloc[0] == "s" and att["index_from"].iloc[0] == 82.0
