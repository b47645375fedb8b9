"""Tests for cchc_analysis.trends_plots: Axes returned, drawn on the given ax, labels by
language, gaps and breaks drawn, non-computable parts said, inputs untouched."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cchc_analysis.trends import rank_change_attribution, rank_intervals, rank_trajectory  # noqa: E402
from cchc_analysis.trends.plots import (  # noqa: E402
    plot_attribution_waterfall,
    plot_bump,
    plot_rank_intervals,
    plot_slope,
)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def pub():
    return pd.DataFrame({
        "year": [2021, 2021, 2021, 2022, 2022, 2023, 2023, 2023],
        "unit_id": ["a", "b", "c", "a", "b", "a", "b", "c"],
        "unit_name": ["Bộ A", "Bộ B", "Bộ C", "Bộ A", "Bộ B", "Bộ A", "Bộ B", "Bộ C"],
        "index": [80.0, 85.0, 70.0, 90.0, 84.0, 82.0, 86.0, 88.0],
        "appraisal": np.nan, "survey": np.nan,
    })


def test_bump_draws_on_given_ax_with_gap_and_break():
    fig, ax = plt.subplots()
    t = rank_trajectory(pub())
    before = t.copy()
    out = plot_bump(t, highlight="c", ax=ax)
    assert out is ax
    pd.testing.assert_frame_equal(t, before)
    c_line = [ln for ln in ax.lines if ln.get_color() == "#c0392b"]
    assert len(c_line) == 1
    y = np.asarray(c_line[0].get_ydata(), dtype=float)
    assert np.isnan(y[1])  # 2022 is a gap, not a zero
    assert ax.get_ylabel() == "Xếp hạng" and ax.get_title() == "Thứ hạng qua các năm"
    breaks = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert any(np.allclose(ln.get_xdata(), 2021.5) for ln in breaks)  # the 2022 break, between 2021 and 2022
    assert not any("876/QĐ-BNV" in t.get_text() for t in ax.texts)  # named in the breaks table, not over the data
    assert 1 in [int(v) for v in ax.get_yticks()]  # the rank axis shows rank 1
    assert ax.yaxis_inverted()


def test_slope_english_and_index_mode():
    ax = plot_slope(rank_trajectory(pub()), year_from=2021, year_to=2023, value="index", lang="en")
    assert ax.get_ylabel() == "PAR index (%)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2021", "2023"]
    assert len(ax.lines) == 3
    assert any("methodology change" in t.get_text() for t in ax.texts)
    with pytest.raises(ValueError, match="value"):
        plot_slope(rank_trajectory(pub()), year_from=2021, year_to=2023, value="points")


def test_caterpillar_orders_by_rank_and_stamps_synthetic():
    sc = pd.DataFrame({"year": 2023, "unit_id": ["u1", "u2", "u3", "u4"], "unit_name": ["A", "B", "C", "D"],
                       "criterion": "1", "component": "appraisal", "max_points": 1.0,
                       "points": [0.25, 1.0, 0.5, 0.75], "applicable": True})
    ri = rank_intervals(sc, n_draws=200)
    ax = plot_rank_intervals(ri, highlight="u3", synthetic=True, lang="en")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["B", "D", "C", "A"]
    assert any("Synthetic" in t.get_text() for t in ax.texts)
    assert ax.get_xlabel() == "Rank"
    with pytest.raises(ValueError, match="lacks"):
        plot_rank_intervals(ri.drop(columns="band"))


def test_waterfall_parts_and_not_computable_panel():
    att = rank_change_attribution(pub(), unit="a", year_from=2022, year_to=2023)
    ax = plot_attribution_waterfall(att, group="rank", lang="en")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Own score", "Other units", "Total"]
    heights = [p.get_height() for p in ax.patches]
    r = att[att["group"] == "rank"].set_index("part")["value"]
    assert heights == pytest.approx([r["own_score"], r["others"], r["total"]])
    # published table without components: the component panel says it cannot be computed
    ax2 = plot_attribution_waterfall(att, group="component")
    assert any("Không tính được" in t.get_text() for t in ax2.texts)
    with pytest.raises(ValueError, match="group"):
        plot_attribution_waterfall(att, group="criterion")
    with pytest.raises(ValueError, match="lang"):
        plot_attribution_waterfall(att, lang="fr")


def test_waterfalls_leave_out_groups_without_computable_parts():
    import pandas as pd

    from cchc_analysis.trends import rank_change_attribution
    from cchc_analysis.trends.plots import plot_attribution_waterfalls

    full = pd.DataFrame({"year": [2022] * 3 + [2023] * 3, "unit_id": list("abcabc"),
                         "index": [90.0, 80.0, 70.0, 75.0, 85.0, 72.0]})
    att = rank_change_attribution(full, unit="a", year_from=2022, year_to=2023)
    assert list(plot_attribution_waterfalls(att)) == ["attribution_rank"]
    # 2022 incomplete (unit c has a rank but no index): own/others is not computable
    partial = full.assign(rank=[1, 2, 3, 2, 1, 3])
    partial.loc[2, "index"] = float("nan")
    att2 = rank_change_attribution(partial, unit="a", year_from=2022, year_to=2023)
    assert not att2.loc[(att2["group"] == "rank") & (att2["part"] != "total"), "computable"].any()
    assert plot_attribution_waterfalls(att2) == {}
