"""Consistency, coverage and THE year-completeness rule (published/checks.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_analysis.published import consistency_checks, coverage, load_claims, load_published, year_completeness

LEVELS = ("ministry", "province")


@pytest.fixture(scope="module")
def tables():
    return {lv: load_published(lv) for lv in LEVELS}


@pytest.mark.parametrize("level", LEVELS)
def test_components_add_up(tables, level):
    """appraisal + survey = total within 0.02 where all three are given."""
    t = tables[level].dropna(subset=["appraisal", "survey", "total"])
    diff = (t["appraisal"] + t["survey"] - t["total"]).abs()
    assert (diff <= 0.02 + 1e-9).all()
    assert len(t) >= 17 if level == "ministry" else True


@pytest.mark.parametrize("level", LEVELS)
def test_ranks_agree_with_indices(tables, level):
    """No undocumented deviation: a higher index never has a worse rank (ties allowed)."""
    chk = consistency_checks(tables[level])
    assert chk[~chk["documented"]].empty, chk.to_string()


def test_consistency_checks_catch_planted_errors(tables):
    t = tables["ministry"].query("year == 2023").copy()
    i = t.index[t["unit_id"] == "bo-tu-phap"][0]
    t.loc[i, "appraisal"] = 60.00  # 60.00 + 28.10 = 88.10 vs 89.95
    j = t.index[t["unit_id"] == "bo-cong-thuong"][0]
    t.loc[j, "rank"] = 1  # rank 1 with the lowest index; also a shared rank 1
    chk = consistency_checks(t)
    assert set(chk["check"]) == {"components", "rank_order", "rank_unique"}
    comp = chk[chk["check"] == "components"]
    assert comp["unit_id"].tolist() == ["bo-tu-phap"] and "-1.85" in comp["detail"].iloc[0]
    assert not chk["documented"].any()
    # a deviation explained in notes is reported as documented
    t.loc[j, "notes"] = "rank as published (hạng công bố khác)"
    chk2 = consistency_checks(t)
    assert chk2.loc[chk2["unit_id"] == "bo-cong-thuong", "documented"].all()


def test_ties_are_allowed():
    t = pd.DataFrame({"year": 2023, "level": "ministry", "unit_id": ["a", "b", "c"], "rank": [1, 1, 3],
                      "index": [90.0, 90.0, 80.0], "ranked": True, "notes": ""})
    t["rank"] = t["rank"].astype("Int64")
    assert consistency_checks(t).empty
    t.loc[1, "rank"] = 2  # tie in index broken either way is fine too
    assert consistency_checks(t).empty


def test_coverage_table(tables):
    c = coverage(pd.concat(tables.values(), ignore_index=True)).set_index(["level", "year"])
    assert c.at[("ministry", 2023), "status"] == "complete"
    assert c.at[("province", 2024), "status"] == "partial"
    assert c.at[("ministry", 2023), "columns"] == "rank, appraisal, survey, total, index"


def _table(ranks, index, ranked=True):
    t = pd.DataFrame({"year": 2023, "level": "ministry", "unit_id": list("abc"), "index": index, "ranked": ranked})
    t["rank"] = pd.array(ranks, dtype="Int64")
    return t


def test_year_completeness_is_the_one_rule():
    exp = {("ministry", 2023): 3}
    ok = year_completeness(_table([1, 2, 2], [90.0, 85.0, 85.0]), expected=exp)
    assert ok[["n_with_index", "n_ranked_published", "ranks_consistent", "complete"]].values.tolist() == [[3, 3, True, True]]
    # the count matches but a published rank disagrees with the indices: complete, inconsistent
    bad = year_completeness(_table([1, 3, 2], [90.0, 85.0, 80.0]), expected=exp)
    assert bad[["ranks_consistent", "complete"]].values.tolist() == [[False, True]]
    # a ranked row without its index: one unit short
    gap = year_completeness(_table([1, 2, 3], [90.0, float("nan"), 80.0]), expected=exp)
    assert gap[["n_with_index", "ranks_consistent", "complete"]].values.tolist() == [[2, False, False]]
    # nothing known about the count: never complete, nothing read from disk
    assert not year_completeness(_table([1, 2, 3], [90.0, 85.0, 80.0]))["complete"].any()
    # no level column: one group per year, level NA
    nolevel = year_completeness(_table([1, 2, 3], [90.0, 85.0, 80.0]).drop(columns="level"))
    assert nolevel["level"].isna().all() and nolevel["ranks_consistent"].all()


def test_coverage_year_status_and_claims_agree(tables):
    from cchc_analysis.published import year_status

    claims = load_claims()
    for lv, t in tables.items():
        yc = year_completeness(t, claims=claims).set_index("year")["complete"]
        cov = coverage(t).set_index("year")["status"].eq("complete")
        ys = year_status(t, claims).set_index("year")["complete"]
        assert yc.equals(cov.sort_index()) and yc.equals(ys), lv
    assert year_completeness(tables["ministry"], claims=claims).query("complete")["year"].tolist() == [2023]
