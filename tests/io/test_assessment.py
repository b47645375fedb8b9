"""self_assessment_gap: hand computations, the over-claiming rule, the plot, notebook 05."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_analysis.assessment import has_self_points, plot_self_assessment, self_assessment_gap


def frame():
    # unit a claims 1 point more on each of 8 criteria; b equals appraisal except one
    # criterion it under-claims; c over-claims on 4 and under-claims on 4 (no system)
    rows = []
    for u, gaps in {"a": [1] * 8, "b": [0] * 7 + [-1], "c": [1, 1, 1, 1, -1, -1, -1, -1]}.items():
        for k, g in enumerate(gaps):
            rows.append(dict(year=2024, unit_id=u, unit_name=u.upper(), criterion=f"1.{k}", criterion_name=f"TC {k}",
                             max_points=3.0, applicable=True, points=1.0, self_points=1.0 + g))
    rows.append(dict(year=2024, unit_id="a", unit_name="A", criterion="9.9", criterion_name="KPS",
                     max_points=3.0, applicable=False, points=np.nan, self_points=np.nan))
    return pd.DataFrame(rows)


def test_gap_by_hand():
    g = self_assessment_gap(frame())
    u = g.by_unit.set_index("unit_id")
    assert u.loc["a", "self_gap"] == 8 and u.loc["a", "n_compared"] == 8  # the KPS row is left out
    assert u.loc["a", "cut_share"] == pytest.approx(8 / 16)
    assert u.loc["c", "cut_share"] == pytest.approx(4 / 8)  # only the cut part counts: 4 of 8 claimed
    assert u.loc["b", "cut_share"] == 0 and u.loc["b", "n_under"] == 1
    # sign test: a has 8 of 8 positive: p = 1/256, Holm over 3 units (b: p=1, c: p=0.64)
    assert u.loc["a", "sign_p"] == pytest.approx(3 / 256)
    assert u["over_claims"].to_dict() == {"a": True, "b": False, "c": False}
    assert g.pooled_cut_share == pytest.approx((8 + 4) / (16 + 7 + 8))
    crit = g.by_criterion_overall.set_index("criterion")
    assert crit.loc["1.0", "self_gap"] == 2 and crit.loc["1.0", "criterion_name"] == "TC 0"


def test_gap_needs_self_points():
    df = frame().drop(columns="self_points")
    assert not has_self_points(df)
    with pytest.raises(ValueError):
        self_assessment_gap(df)


def test_plot_names_units(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    fig = plot_self_assessment(self_assessment_gap(frame()), lang="en")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(labels) == ["A", "B", "C"]
    fig.savefig(tmp_path / "g.png")
