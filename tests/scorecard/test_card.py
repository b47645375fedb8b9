"""unit_scorecard on data with several years and không phát sinh flips."""

import numpy as np
import pytest

from cchc_analysis import applicable_index, make_synthetic_scores
from cchc_analysis.scorecard import scorecard_context, unit_scorecard


@pytest.fixture(scope="module")
def scores():
    return make_synthetic_scores()


def test_scorecard_with_flips(scores):
    s = scores.copy()
    unit = "vu-03"
    # make one applicable criterion of 2023 not arising, and one KPS criterion of 2022 arise
    m23 = (s.year == 2023) & (s.unit_id == unit) & s.applicable
    first = s[m23].index[0]
    s.loc[first, ["applicable", "points"]] = [False, np.nan]
    card = unit_scorecard(s, unit=unit, year=2023)
    idx = applicable_index(s).set_index(["year", "unit_id"])["index"]
    assert card.index == pytest.approx(idx[(2023, unit)])
    assert card.change["index_change"] == pytest.approx(idx[(2023, unit)] - idx[(2022, unit)])
    assert card.causes["total"].sum() == pytest.approx(card.change["index_change"], abs=1e-9)
    flipped = card.causes.set_index("criterion").loc[s.loc[first, "criterion"]]
    assert flipped.applicability == "no_longer" and flipped.performance == 0
    # lost points are sorted and real
    assert (card.lost["lost"].diff().dropna() <= 1e-12).all()
    assert card.summary.startswith(s.loc[first, "unit_name"])
    # profile: one row per field with a gap against the type mean
    assert card.field_profile["gap"].notna().all()


def test_every_unit_one_context(scores):
    ctx = scorecard_context(scores, year=2023)
    cards = [unit_scorecard(scores, unit=u, context=ctx) for u in sorted(scores.unit_id.unique())]
    ranks = sorted(c.rank for c in cards)
    assert ranks[0] == 1 and len(cards) == 36
    best = [c for c in cards if c.rank == 1][0]
    assert best.needed[best.needed.target_kind == "rank"].empty  # nothing above the top


def test_peer_groups_give_a_top_of_group_target(scores):
    from cchc_analysis import peers

    pr = peers.peer_rank(scores, peers.by_unit_type(), year=2023)
    ctx = scorecard_context(scores, year=2023, peer_ranks=pr)
    idx = applicable_index(scores[scores.year == 2023]).set_index("unit_id")
    for t in ("vu", "cuc"):
        group = pr[pr.unit_type == t].sort_values("rank")
        leader, other = group.iloc[0]["unit_id"], group.iloc[-1]["unit_id"]
        lead_card = unit_scorecard(scores, unit=leader, context=ctx)
        assert (lead_card.needed.target_kind != "group_top").all()  # already first in its group
        card = unit_scorecard(scores, unit=other, context=ctx)
        row = card.needed[card.needed.target_kind == "group_top"].iloc[0]
        # by hand: the leader's index times the unit's own applicable maximum, minus its points
        me, top = idx.loc[other], idx.loc[leader, "index"]
        assert row["target"] == t and row["target_index"] == pytest.approx(top)
        assert row["points_needed"] == pytest.approx(top * me["max_points"] / 100 - me["points"])
    # one group (the single league) or a score other than the index: no such target
    for scheme in (peers.single_league(), peers.standardised_league()):
        ctx = scorecard_context(scores, year=2023, peer_ranks=peers.peer_rank(scores, scheme, year=2023))
        assert (ctx["needed"].target_kind != "group_top").all()
