"""Tests for cchc_analysis.trends.attribution: hand-computed attributions, exact Shapley sums,
incomplete years, breaks."""

from __future__ import annotations
from hypothesis import given, settings
from hypothesis import strategies as st
import numpy as np
import pandas as pd
import pytest

from cchc_analysis.trends import attribution_report, movers, rank_change_attribution, rank_trajectory


def test_hand_computed_attribution_four_units(frames):
    att = rank_change_attribution(frames.four_units(), unit="b", year_from=2022, year_to=2023)
    r = att[att["group"] == "rank"].set_index("part")
    # R(s0,O0)=2, R(s1,O1)=4, R(s1,O0)=3 (78 vs 90,80,70), R(s0,O1)=2 (88 vs 91,79,86)
    assert r.loc["total", "value"] == -2.0
    assert r.loc["own_score", "value"] == -1.5  # ½[(3-2) + (4-2)]
    assert r.loc["others", "value"] == -0.5  # ½[(2-2) + (4-3)]
    assert (r["cf_rank_own_new"] == 3).all() and (r["cf_rank_others_new"] == 2).all()
    assert att["rank_from"].iloc[0] == 2 and att["rank_to"].iloc[0] == 4
    idx = att[(att["group"] == "index") & (att["part"] == "total")]["value"].iloc[0]
    assert idx == pytest.approx(-10.0)
    assert "B: hạng 2 năm 2022 → hạng 4 năm 2023 (giảm 2 bậc" in att["sentence_vi"].iloc[0]
    assert "down 1.5 places" in att["sentence_en"].iloc[1]
    assert att["sentence_vi"].str.len().gt(0).all() and att["sentence_en"].str.len().gt(0).all()


def test_field_and_component_attribution_on_scores(frames):
    rows = [
        (2022, "a", "1", "appraisal", 10.0, 5.0), (2022, "a", "2", "survey", 10.0, 8.0),
        (2023, "a", "1", "appraisal", 10.0, 9.0), (2023, "a", "2", "survey", 10.0, None),
        (2022, "b", "1", "appraisal", 10.0, 7.0), (2022, "b", "2", "survey", 10.0, 7.0),
        (2023, "b", "1", "appraisal", 10.0, 7.0), (2023, "b", "2", "survey", 10.0, 7.0),
    ]
    att = rank_change_attribution(frames.scores_frame(rows), unit="a", year_from=2022, year_to=2023)
    f = att[att["group"] == "field"].set_index("part")["value"]
    assert f["1"] == pytest.approx(30.0) and f["2"] == pytest.approx(-5.0)
    c = att[att["group"] == "component"].set_index("part")["value"]
    assert c["appraisal"] == pytest.approx(30.0) and c["survey"] == pytest.approx(-5.0)
    r = att[att["group"] == "rank"].set_index("part")["value"]
    assert r["total"] == 1.0  # 65 (2nd, b=70) -> 90 (1st)
    assert not att["break_between"].any()
    assert "Field 2" in att.loc[(att["group"] == "field") & (att["part"] == "2"), "sentence_en"].iloc[0]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), unit=st.integers(0, 5))
def test_parts_sum_exactly_to_totals(frames, seed, unit):
    sc = frames.random_scores(seed)
    att = rank_change_attribution(sc, unit=f"u{unit}", year_from=2022, year_to=2023)
    rank = att[att["group"] == "rank"].set_index("part")["value"]
    assert rank["own_score"] + rank["others"] == pytest.approx(rank["total"], abs=1e-12)
    total = att.loc[(att["group"] == "index") & (att["part"] == "total"), "value"].iloc[0]
    for g in ("component", "field"):
        part = att.loc[(att["group"] == g) & att["computable"], "value"]
        assert part.sum() == pytest.approx(total, abs=1e-9)
    # the rank change equals the change of the recomputed ranks
    from cchc_analysis.ranking import rank_units
    from cchc_analysis.scoring import applicable_index

    ranks = rank_units(applicable_index(sc)).set_index(["year", "unit_id"])["rank"]
    assert rank["total"] == ranks[(2022, f"u{unit}")] - ranks[(2023, f"u{unit}")]


@settings(max_examples=25, deadline=None)
@given(vals=st.lists(st.tuples(st.floats(50, 100), st.floats(50, 100)), min_size=2, max_size=8))
def test_rank_parts_sum_on_published(vals):
    n = len(vals)
    pub = pd.DataFrame({"year": [2022] * n + [2023] * n, "unit_id": [f"u{i}" for i in range(n)] * 2,
                        "index": [v[0] for v in vals] + [v[1] for v in vals]})
    att = rank_change_attribution(pub, unit="u0", year_from=2022, year_to=2023)
    r = att[att["group"] == "rank"].set_index("part")["value"]
    assert r["own_score"] + r["others"] == r["total"]
    # own part is 0 when the own score did not change; others' is 0 when nobody else moved
    if vals[0][0] == vals[0][1]:
        assert r["own_score"] == 0


def test_published_without_components_says_so_not_crash(frames):
    att = rank_change_attribution(frames.published_pair(False), unit="x", year_from=2022, year_to=2023)
    comp = att[att["group"] == "component"]
    assert len(comp) == 1 and not comp["computable"].iloc[0] and np.isnan(comp["value"].iloc[0])
    assert "2022" in comp["sentence_vi"].iloc[0] and "2022" in comp["sentence_en"].iloc[0]
    assert not att.loc[att["group"] == "field", "computable"].any()
    r = att[att["group"] == "rank"].set_index("part")["value"]
    assert r["total"] == -2 and r["own_score"] + r["others"] == -2
    txt = attribution_report(att, lang="en")
    assert "components missing" in txt and "not fully" in txt
    assert "thiếu thành phần" in attribution_report(att, lang="vi")


def test_published_components_with_rounding_residual_sum_exactly(frames):
    att = rank_change_attribution(frames.published_pair(True), unit="x", year_from=2022, year_to=2023)
    comp = att[att["group"] == "component"].set_index("part")["value"]
    assert comp["appraisal"] == pytest.approx(60.50 - 62.0)
    assert comp["survey"] == pytest.approx(25.33 - 27.0)
    total = att.loc[(att["group"] == "index") & (att["part"] == "total"), "value"].iloc[0]
    assert comp.sum() == pytest.approx(total, abs=1e-12)
    assert comp["rounding"] == pytest.approx((85.83 - 89.0) - (60.50 - 62.0) - (25.33 - 27.0))


def test_comparison_across_a_break_is_flagged(frames):
    pub = frames.published_pair(True)
    pub["year"] = pub["year"].replace({2022: 2021})
    att = rank_change_attribution(pub, unit="x", year_from=2021, year_to=2023)
    assert att["break_between"].all()
    cav = att[att["part"] == "methodology_break"]
    assert len(cav) == 1 and "876/QĐ-BNV" in cav["sentence_vi"].iloc[0]
    m = movers(pub, year_from=2021, year_to=2023)
    assert m["break_between"].all() and m["note_en"].str.contains("876").all() and m["note_vi"].str.contains("876").all()
    # unit-level scores: no national break assumed unless given
    sc = frames.random_scores(1, years=(2021, 2022))
    assert not rank_change_attribution(sc, unit="u0", year_from=2021, year_to=2022)["break_between"].any()
    own = pd.DataFrame({"year_from": [2022], "decision": ["QĐ nội bộ"], "what_changed_vi": ["x"],
                        "what_changed_en": ["y"]})
    att2 = rank_change_attribution(sc, unit="u0", year_from=2021, year_to=2022, breaks=own)
    assert att2["break_between"].all()


def test_attribution_does_not_mutate_input_and_bad_args(frames):
    pub = frames.four_units()
    before = pub.copy()
    rank_change_attribution(pub, unit="b", year_from=2022, year_to=2023)
    pd.testing.assert_frame_equal(pub, before)
    with pytest.raises(ValueError, match="not a year"):
        rank_change_attribution(pub, unit="b", year_from=2021, year_to=2023)
    with pytest.raises(ValueError, match="no index"):
        rank_change_attribution(pub, unit="zz", year_from=2022, year_to=2023)


def test_attribution_infers_the_units_level(frames):
    m = frames.published_pair(True).assign(level="ministry")
    p = m.assign(level="province", unit_id=m["unit_id"] + "-tinh", index=m["index"] - 1)
    both = pd.concat([m, p], ignore_index=True)
    att = rank_change_attribution(both, unit="x", year_from=2022, year_to=2023)
    assert att["n_others_to"].iloc[0] == 2
    with pytest.raises(ValueError, match="level"):
        movers(both, year_from=2022, year_to=2023)
    assert len(movers(both, year_from=2022, year_to=2023, level="province")) > 0


def test_incomplete_year_uses_published_ranks_and_says_why(frames):
    att = rank_change_attribution(frames.partial_published(), unit="m", year_from=2022, year_to=2023)
    r = att[att["group"] == "rank"].set_index("part")
    assert r.loc["total", "value"] == -1.0 and r.loc["total", "computable"]  # 3rd -> 4th (published)
    for part in ("own_score", "others"):
        assert not r.loc[part, "computable"] and np.isnan(r.loc[part, "value"])
    assert "2022" in r.loc["own_score", "sentence_en"] and "incomplete" in r.loc["own_score", "sentence_en"]
    assert "chưa đầy đủ" in r.loc["own_score", "sentence_vi"]
    assert not att["years_complete"].any() and att["cf_rank_own_new"].isna().all()
    assert att.loc[(att["group"] == "index") & (att["part"] == "total"), "value"].iloc[0] == pytest.approx(-1.2)
    t = rank_trajectory(frames.partial_published(), units="m")
    assert t["rank"].tolist() == [2, 3, 4] and t["year_complete"].tolist() == [False, False, True]
    assert t["observed"].all() and t["index"].isna().tolist() == [True, False, False]
    m = movers(frames.partial_published(), year_from=2022, year_to=2023)
    assert m["note_en"].str.contains("incomplete").all()
    assert m.loc[m["kind"] == "rank_fall", "unit_id"].tolist() == ["m"]
    txt = attribution_report(att, lang="en")
    cannot = txt.split("**What it cannot explain:**")[1]
    assert "own score and how much the others'" in cannot
    assert "own score and how much the others'" not in attribution_report(
        rank_change_attribution(frames.four_units(), unit="b", year_from=2022, year_to=2023), lang="en"
    ).split("**What it cannot explain:**")[1]


def test_coverage_argument_marks_a_year_incomplete(frames):
    pub = frames.four_units().assign(level="ministry", rank=[1, 2, 3, 4, 1, 4, 3, 2])
    full = rank_change_attribution(pub, unit="b", year_from=2022, year_to=2023)
    assert full["years_complete"].all()
    cov = pd.DataFrame({"level": "ministry", "year": [2022, 2023], "status": ["partial", "complete"]})
    att = rank_change_attribution(pub, unit="b", year_from=2022, year_to=2023, coverage=cov)
    r = att[att["group"] == "rank"].set_index("part")
    assert not att["years_complete"].any() and r.loc["total", "value"] == -2.0
    assert not r.loc["own_score", "computable"]
    same = rank_change_attribution(pub, unit="b", year_from=2022, year_to=2023,
                                   coverage={("ministry", 2022): "partial"})
    pd.testing.assert_frame_equal(att, same)
    with pytest.raises(ValueError, match="coverage"):
        rank_change_attribution(pub, unit="b", year_from=2022, year_to=2023, coverage=[2022])


def test_half_places_are_shown_so_that_the_parts_add_up():
    """Shapley parts of a rank change can be halves (−9.5 and −1.5 of −11): shown rounded
    to whole places they would read −10 and −2, which do not add up."""
    import pandas as pd

    from cchc_analysis.trends import findings as tf

    att = pd.DataFrame({
        "group": ["rank", "rank", "rank"], "part": ["total", "own_score", "others"], "measure": "places",
        "value": [-11.0, -9.5, -1.5], "computable": True, "unit_name": "Sở A", "rank_from": 1, "rank_to": 12,
        "year_from": 2024, "year_to": 2025, "sentence_vi": "", "sentence_en": ""})
    shown = tf.attribution_for_people(att, lang="vi")["value"].tolist()
    assert shown == ["−11", "−9,5", "−1,5"]
    assert [tf._signed_places(v, "vi") for v in (-9.5, -1.5, -2.0)] == ["−9,5", "−1,5", "−2"]  # the sentence's rule
