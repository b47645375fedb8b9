"""Tests for cchc_analysis.peers.plots."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cchc_analysis import peers  # noqa: E402
from cchc_analysis.peers.plots import plot_peer_groups, plot_scheme_metrics  # noqa: E402
from cchc_analysis.synthetic import make_synthetic_scores  # noqa: E402


@pytest.fixture(scope="module")
def small():
    return make_synthetic_scores(3, n_cuc=6, n_vu=6, years=(2023,))


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_plot_peer_groups_draws_each_group_and_the_cut_points(small):
    scheme = peers.by_max_band(3, method="jenks")
    r = peers.peer_rank(small, scheme)
    ax = plot_peer_groups(r, lang="en", synthetic=True)
    cuts = scheme.cuts(r)
    assert len(cuts) == 2
    assert sorted(line.get_xdata()[0] for line in ax.lines) == pytest.approx(sorted(cuts))
    assert len(ax.collections) == r["peer_group"].nunique()
    n_points = sum(len(c.get_offsets()) for c in ax.collections)
    assert n_points == len(r)
    texts = [t.get_text() for t in ax.texts]
    assert "Synthetic data" in texts
    assert ax.get_xlabel() == "Maximum points" and "natural breaks" in ax.get_title()


def test_plot_peer_groups_draws_on_the_given_ax_and_no_cuts_for_types(small):
    fig, ax = plt.subplots()
    r = peers.peer_rank(small, peers.by_unit_type())
    out = plot_peer_groups(r, ax=ax)  # Vietnamese by default
    assert out is ax and len(ax.lines) == 0
    assert ax.get_ylabel() == "Chỉ số CCHC (%)"
    out = plot_peer_groups(r, cuts=[40.0], ax=ax)
    assert len(ax.lines) == 1


def test_plot_peer_groups_refuses_mixed_input(small):
    r = pd.concat([peers.peer_rank(small, peers.single_league()), peers.peer_rank(small, peers.by_unit_type())])
    with pytest.raises(ValueError, match="one scheme"):
        plot_peer_groups(r)
    with pytest.raises(ValueError, match="lacks"):
        plot_peer_groups(r.drop(columns="peer_group"))
    with pytest.raises(ValueError, match="lang"):
        plot_peer_groups(r, lang="de")


def test_plot_scheme_metrics_one_row_per_scheme_and_marks_the_recommended(small):
    t = peers.compare_schemes(small, n_draws=50)
    ax = plot_scheme_metrics(t, lang="en", synthetic=True)
    ticks = [x.get_text() for x in ax.get_yticklabels()]
    assert len(ticks) == len(t)
    starred = [x for x in ticks if x.startswith("★ ")]
    assert len(starred) == 1
    assert starred[0] == "★ " + peers.scheme_label(t.loc[t["recommended"], "scheme"].iat[0], "en")
    # NaN metrics (cut sensitivity of non-band schemes) are left out
    cut = [c for c in ax.collections if c.get_label() == "Sensitivity to cut points"][0]
    assert len(cut.get_offsets()) == int((t["kind"] == "band").sum())
    fair = [c for c in ax.collections if c.get_label() == "Bias by maximum (0 = fair)"][0]
    np.testing.assert_allclose(np.sort(fair.get_offsets()[:, 0]), np.sort(t["fairness"]))
    with pytest.raises(ValueError, match="lacks"):
        plot_scheme_metrics(t, metrics=("nonexistent",))
