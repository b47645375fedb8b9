"""Tests for cchc_analysis.bias_plots: draw on the given Axes, labels, synthetic stamp, errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cchc_analysis.bias import adjusted_ranking, funnel_data, funnel_limits, unit_sizes  # noqa: E402
from cchc_analysis.bias.plots import plot_funnel, plot_index_vs_size, plot_rank_shift  # noqa: E402
from cchc_analysis.synthetic import make_synthetic_scores  # noqa: E402


@pytest.fixture(scope="module")
def scores():
    return make_synthetic_scores(seed=4, n_cuc=6, n_vu=6, years=(2023,))


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_plot_funnel_draws_limits_on_given_ax(scores):
    f = funnel_data(scores)
    fig, ax = plt.subplots()
    out = plot_funnel(f, ax=ax, synthetic=True, lang="en")
    assert out is ax and len(fig.axes) == 1
    g = funnel_limits(f)
    upper95 = [ln for ln in ax.lines if ln.get_label() == "95 % limits"][0]
    assert np.allclose(upper95.get_ydata(), g["upper95"])  # the drawn line is the computed limit
    assert "Synthetic data" in _texts(ax)
    assert ax.get_title().startswith("Funnel plot")
    n_points = sum(len(c.get_offsets()) for c in ax.collections)
    assert n_points == len(f)


def test_plot_funnel_vietnamese_and_bad_input(scores):
    ax = plot_funnel(funnel_data(scores, overdispersion="additive"))
    assert "Biểu đồ phễu" in ax.get_title() and "τ²" in ax.get_title()
    with pytest.raises(ValueError, match="funnel_data"):
        plot_funnel(unit_sizes(scores))


def test_plot_index_vs_size(scores):
    u = unit_sizes(scores)
    ax = plot_index_vs_size(u, score="index_adjusted", lang="en")
    assert ax.get_ylabel() == "Standardised index (%)"
    assert any(t.startswith("Spearman") for t in _texts(ax))
    assert "Synthetic data" not in _texts(ax)
    with pytest.raises(ValueError, match="lacks"):
        plot_index_vs_size(u, score="nope")


def test_plot_rank_shift(scores):
    r = adjusted_ranking(scores)
    ax = plot_rank_shift(r, synthetic=True)
    assert len(ax.lines) == len(r)
    first = ax.lines[0]
    assert list(first.get_ydata()) == [r["rank"].iloc[0], r["rank_adjusted"].iloc[0]]
    assert ax.yaxis_inverted()
    assert "Dữ liệu giả lập (mô phỏng)" in _texts(ax)
    ax2 = plot_rank_shift(r, to="rank_shrunk", lang="en")
    assert ax2.get_xticklabels()[1].get_text() == "Rank, shrunk index"
    with pytest.raises(ValueError, match="to"):
        plot_rank_shift(r, to="rank")
