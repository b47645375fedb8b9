"""points_needed: hand-computed cases and brute force for the cheapest set."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_analysis import applicable_index, make_synthetic_scores
from cchc_analysis.scorecard import cheapest_set, criterion_attribution, points_needed


def table():
    # index: a 90, b 80, c 80 (tie), d 50; all max 10 over two criteria of 5
    return pd.DataFrame({
        "year": 2023, "unit_id": np.repeat(list("abcd"), 2), "criterion": ["1.1", "1.2"] * 4,
        "criterion_name": ["Ban hành kế hoạch", "Báo cáo"] * 4, "max_points": 5.0,
        "points": [5, 4, 4, 4, 3, 5, 2, 3.0], "applicable": True})


def test_tie_shares_the_better_rank():
    # d wants rank 2: the others' 2nd best is 80 (b and c tie) -> 8 points needed of 10: 3 more
    t = points_needed(table(), unit="d", rank=2)
    assert t.loc[0, "target_index"] == 80.0
    assert t.loc[0, "points_needed"] == pytest.approx(3.0)
    # b already at 80, tied with c at rank 2: nothing needed for rank 2
    t = points_needed(table(), unit="b", rank=2)
    assert t.loc[0, "points_needed"] == 0.0 and t.loc[0, "n_criteria"] == 0


def test_target_out_of_reach():
    s = table()
    s.loc[(s.unit_id == "d") & (s.criterion == "1.2"), ["points"]] = np.nan
    s.loc[(s.unit_id == "d") & (s.criterion == "1.2"), ["applicable"]] = False
    # d now 2/5 = 40; headroom 3; rank 1 needs 90 % of 5 = 4.5 -> 2.5 more: reachable;
    t = points_needed(s, unit="d", rank=1, index=[100.0, 101.0])
    assert t.loc[0, "points_needed"] == pytest.approx(2.5) and t.loc[0, "reachable"]
    assert t.loc[1, "points_needed"] == pytest.approx(3.0)
    assert math.isinf(t.loc[2, "points_needed"]) and not t.loc[2, "reachable"]


def test_one_criterion_and_the_90_line():
    # c: 3/5 and 5/5 = 80; the 90 % line needs 1 more point, on 1.1 (its only headroom)
    t = points_needed(table(), unit="c", index=90)
    assert t.loc[0, "points_needed"] == pytest.approx(1.0)
    assert t.loc[0, "n_criteria"] == 1
    crit, name, gain = t.loc[0, "criteria"][0]
    assert (crit, name, gain) == ("1.1", "Ban hành kế hoạch", pytest.approx(1.0))


def test_group_top():
    s = table().assign(unit_type=np.repeat(["cuc", "cuc", "vu", "vu"], 2))
    t = points_needed(s, unit="d", group="unit_type")
    assert t.loc[0, "target"] == "vu" and t.loc[0, "target_index"] == 80.0


@settings(max_examples=60, deadline=None)
@given(h=st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.5, 2.0]), min_size=1, max_size=7),
       frac=st.floats(0.01, 1.2))
def test_cheapest_set_is_minimal_by_brute_force(h, frac):
    need = frac * sum(h) if sum(h) else frac
    sel, last = cheapest_set(h, need)
    best = None
    for k in range(len(h) + 1):
        if any(sum(c) >= need - 1e-12 for c in itertools.combinations(h, k)):
            best = k
            break
    if best is None:
        assert math.isinf(last)
    else:
        assert len(sel) == best
        assert sum(np.asarray(h)[sel[:-1]]) + last == pytest.approx(need)


def test_points_needed_reaches_the_target():
    s = make_synthetic_scores()
    y = s[s.year == 2023]
    idx = applicable_index(y).set_index("unit_id")
    worst = idx["index"].idxmin()
    t = points_needed(s, unit=worst, year=2023, rank=5).iloc[0]
    # adding exactly the points needed puts the unit level with the 5th best of the others
    m = idx.loc[worst, "max_points"]
    new = 100 * (idx.loc[worst, "points"] + t.points_needed) / m
    others = idx.drop(index=worst)["index"].sort_values(ascending=False)
    assert new == pytest.approx(others.iloc[4])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_criterion_parts_add_up(seed):
    rng = np.random.default_rng(seed)
    rows = []
    for y in (2022, 2023):
        app = rng.random(6) < 0.7
        app[0] = True
        mx = rng.choice([0.5, 1.0, 2.0], 6)
        for j in range(6):
            p = float(np.round(rng.random() * mx[j] * 4) / 4)
            rows.append({"year": y, "unit_id": "u", "criterion": f"1.{j}", "max_points": mx[j],
                         "points": p if app[j] else np.nan, "applicable": bool(app[j])})
    s = pd.DataFrame(rows)
    t = criterion_attribution(s, unit="u", year_from=2022, year_to=2023)
    ref = applicable_index(s).set_index("year")["index"]
    assert t["total"].sum() == pytest.approx(ref[2023] - ref[2022], abs=1e-9)
    assert t.attrs["change"] == pytest.approx(ref[2023] - ref[2022], abs=1e-9)
    # a criterion applicable in one year only acts through the maximum
    assert (t.loc[t.applicability != "both", "performance"] == 0).all()


def test_all_units_at_once_equals_one_by_one():
    s = make_synthetic_scores()
    allu = points_needed(s, year=2023, rank=[1, 5], index=90.0, group="unit_type")
    for u in ["cuc-01", "vu-07", "van-phong-bo", "thanh-tra-bo"]:
        one = points_needed(s, unit=u, year=2023, rank=[1, 5], index=90.0, group="unit_type")
        sub = allu[allu.unit_id == u].reset_index(drop=True)
        pd.testing.assert_frame_equal(one.drop(columns="criteria"), sub.drop(columns="criteria"))
        assert one["criteria"].tolist() == sub["criteria"].tolist()
    assert len(allu) == 36 * 4


@st.composite
def league(draw):
    """3-5 units × 1-4 criteria, some not arising, points on a quarter grid (ties are likely)."""
    n_u, n_c = draw(st.integers(2, 5)), draw(st.integers(1, 4))
    rows = []
    for i in range(n_u):
        for j in range(n_c):
            mx = draw(st.sampled_from([1.0, 2.0]))
            app = draw(st.booleans()) if j else True
            p = draw(st.integers(0, int(mx * 4))) / 4
            rows.append({"year": 2023, "unit_id": f"u{i}", "criterion": f"1.{j}", "criterion_name": f"Tiêu chí {j}",
                         "max_points": mx, "points": p if app else np.nan, "applicable": app})
    return pd.DataFrame(rows)


@settings(max_examples=120, deadline=None)
@given(s=league(), r=st.integers(1, 5), line=st.sampled_from([80.0, 90.0, 100.0]))
def test_points_needed_against_brute_force(s, r, line):
    idx = applicable_index(s).set_index("unit_id")
    res = points_needed(s, rank=r, index=line, top_criteria=99)
    for _, row in res.iterrows():
        u = row["unit_id"]
        P, M = idx.loc[u, "points"], idx.loc[u, "max_points"]
        others = idx.drop(index=u)["index"].sort_values(ascending=False).to_numpy()
        if row["target_kind"] == "rank":
            # the r-th best of the others; equalling it is enough (ties share the better rank)
            target = others[r - 1] if r - 1 < len(others) else -np.inf
        else:
            target = line
        need = max(0.0, target * M / 100 - P) if np.isfinite(target) else 0.0
        if round(100 * P / M, 9) >= round(target, 9):
            need = 0.0
        mine = s[(s.unit_id == u) & s.applicable]
        head = (mine["max_points"] - mine["points"]).to_numpy()
        if need > head.sum() + 1e-9:
            assert math.isinf(row["points_needed"]) and not row["reachable"]
            continue
        assert row["points_needed"] == pytest.approx(need, abs=1e-9)
        # the fewest criteria, by brute force over all subsets
        k = next(k for k in range(len(head) + 1)
                 if any(sum(c) >= need - 1e-9 for c in itertools.combinations(head, k)))
        assert row["n_criteria"] == k
        # applying the proposed gains reaches the target: rank ≤ r (or the index line)
        gains = dict((c, g) for c, _, g in row["criteria"])
        assert all(0 < g <= h + 1e-12 for c, g in gains.items()
                   for h in [float(mine.set_index("criterion").loc[c, "max_points"]
                                   - mine.set_index("criterion").loc[c, "points"])])
        new = s.copy()
        for c, g in gains.items():
            new.loc[(new.unit_id == u) & (new.criterion == c), "points"] += g
        ni = applicable_index(new).set_index("unit_id")["index"]
        if row["target_kind"] == "rank":
            rank = 1 + int((np.round(ni.drop(index=u), 9) > round(ni[u], 9)).sum())
            assert rank <= r
        else:
            assert round(ni[u], 9) >= round(line, 9)


def test_every_unit_three_targets_on_a_tie_and_the_top():
    # a (90) is first: no "next" row; b and c tie at 80 (rank 2): next for both is rank 1;
    # d (50): next is rank 2 = 80 -> 3 points
    t = points_needed(table(), rank="next", index=90.0)
    nxt = t[t.target_kind == "rank"].set_index("unit_id")
    assert "a" not in nxt.index
    assert nxt.loc["b", "target"] == 1 and nxt.loc["b", "points_needed"] == pytest.approx(1.0)
    assert nxt.loc["d", "target"] == 2 and nxt.loc["d", "points_needed"] == pytest.approx(3.0)
    line = t[t.target_kind == "index"].set_index("unit_id")["points_needed"]
    assert line.to_dict() == pytest.approx({"a": 0.0, "b": 1.0, "c": 1.0, "d": 4.0})


@settings(max_examples=80, deadline=None)
@given(s=league())
def test_next_rank_is_the_nearest_better_score(s):
    idx = applicable_index(s).set_index("unit_id")["index"].round(9)
    res = points_needed(s, rank="next").set_index("unit_id")
    for u, v in idx.items():
        better = idx[idx > v]
        if better.empty:
            assert u not in res.index  # already first: no next rank
            continue
        row = res.loc[u]
        assert row["target_index"] == pytest.approx(better.min())
        assert row["target"] == 1 + int((idx > better.min()).sum())
