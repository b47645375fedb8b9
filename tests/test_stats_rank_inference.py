"""Tests for cchc_analysis.stats (rank inference): Shapley parts, per-row ranks, Mogstad sets."""

from __future__ import annotations
import numpy as np

from cchc_analysis.ranking import competition_rank
from cchc_analysis.stats import mogstad_rank_sets, row_competition_ranks, shapley_ratio


def test_shapley_ratio_hand_example_with_changing_maximum():
    # field A: 5/10 -> 9/10; field B: 8/10 -> not applicable (0/0)
    # v(∅)=65, v({A})=85, v({B})=50, v(N)=90 -> φA=½(20+40)=30, φB=½(-15+5)=-5
    phi = shapley_ratio([5, 8], [10, 10], [9, 0], [10, 0])
    np.testing.assert_allclose(phi, [30.0, -5.0])


def test_shapley_ratio_fixed_maximum_is_points_change():
    phi = shapley_ratio([1, 2, 3], [4, 4, 2], [2, 1, 2], [4, 4, 2])
    np.testing.assert_allclose(phi, 100 * np.array([1, -1, -1]) / 10)


def test_row_competition_ranks_follow_the_one_rule():
    rng = np.random.default_rng(3)
    x = np.round(rng.normal(80, 3, (200, 9)), 1)  # many ties
    x[:, 4] = x[:, 2] + 1e-12  # float noise is a tie
    want = np.array([competition_rank(row) for row in x])
    np.testing.assert_array_equal(row_competition_ranks(x), want)


def test_mogstad_sets_separate_known_gaps():
    rng = np.random.default_rng(0)
    est = np.array([95.0, 85.0, 85.0, 60.0])
    lo, hi = mogstad_rank_sets(est + rng.standard_normal((4000, 4)), est, 0.9)
    assert lo.tolist() == [1, 2, 2, 4] and hi.tolist() == [1, 3, 3, 4]
    lo, hi = mogstad_rank_sets(np.tile(est, (10, 1)), est, 0.9)  # no noise: the ranks themselves
    assert lo.tolist() == [1, 2, 2, 4] and hi.tolist() == [1, 3, 3, 4]


def _loop_sets(draws, est, conf, *, stepdown=False):
    """The marginal sets by a direct loop over units and pairs (the definition); with
    ``stepdown``, Romano–Wolf's steps written out: reject, recompute the critical value over
    the differences left, until nothing more is rejected."""
    dev = draws - draws.mean(axis=0)
    p = len(est)
    lo, hi = [], []
    for j in range(p):
        d = dev - dev[:, [j]]
        se = d.std(axis=0)
        left = [k for k in range(p) if k != j and se[k] > 1e-12]
        above = sum(est[k] > est[j] for k in range(p) if k != j and k not in left)  # known exactly
        below = sum(est[k] < est[j] for k in range(p) if k != j and k not in left)
        while left:
            c = np.quantile(np.abs(d[:, left] / se[left]).max(axis=1), conf)
            up = [k for k in left if est[k] - est[j] - c * se[k] > 0]
            down = [k for k in left if est[k] - est[j] + c * se[k] < 0]
            above, below = above + len(up), below + len(down)
            left = [k for k in left if k not in up and k not in down]
            if not stepdown or not (up or down):
                break
        lo.append(1 + above)
        hi.append(p - below)
    return lo, hi


def test_rank_confidence_sets_marginal_equal_the_loop_and_simultaneous_contain_them():
    from cchc_analysis.stats import rank_confidence_sets

    rng = np.random.default_rng(4)
    est = np.sort(rng.normal(70, 6, 12))[::-1]
    sd = rng.uniform(0.5, 3, 12)
    draws = est + sd * rng.standard_normal((3000, 12))
    r = rank_confidence_sets(draws, est, 0.9, tau=3, chunk_elems=5_000, stepdown=False)  # several chunks
    lo, hi = _loop_sets(draws, est, 0.9)
    assert r["lo"].tolist() == lo and r["hi"].tolist() == hi
    assert (r["simul_lo"] <= r["lo"]).all() and (r["simul_hi"] >= r["hi"]).all()
    assert r["c_simul"] >= r["c"].max() - 1e-12
    assert r["tau_best"][:3].all() and r["tau_best"].sum() == (r["simul_lo"] <= 3).sum()


def test_step_down_sets_equal_the_written_out_steps_and_are_never_wider():
    from cchc_analysis.stats import rank_confidence_sets

    rng = np.random.default_rng(9)
    tighter = 0
    for world in range(6):
        est = np.sort(rng.normal(70, 5, 15))[::-1]
        draws = est + rng.uniform(0.5, 2.5, 15) * rng.standard_normal((2000, 15))
        sd = rank_confidence_sets(draws, est, 0.9, chunk_elems=7_000)
        one = rank_confidence_sets(draws, est, 0.9, stepdown=False)
        lo, hi = _loop_sets(draws, est, 0.9, stepdown=True)
        assert sd["lo"].tolist() == lo and sd["hi"].tolist() == hi
        for a, b in (("lo", "hi"), ("simul_lo", "simul_hi")):
            assert (sd[a] >= one[a]).all() and (sd[b] <= one[b]).all()  # inside the single-step sets
        tighter += int(((sd["hi"] - sd["lo"]) < (one["hi"] - one["lo"])).sum()
                       + ((sd["simul_hi"] - sd["simul_lo"]) < (one["simul_hi"] - one["simul_lo"])).sum())
    assert tighter > 0  # the steps do decide more differences somewhere


def test_rank_confidence_sets_cover_at_the_nominal_level_for_normal_estimates():
    # known truth, independent normal estimates; the bootstrap draws are centred at the estimate
    from cchc_analysis.stats import rank_confidence_sets

    rng = np.random.default_rng(11)
    theta = np.linspace(0, 6, 10)
    true_rank = 10 - np.arange(10)
    cover_m = cover_s = top = 0
    worlds = 150
    for _ in range(worlds):
        est = theta + rng.standard_normal(10)
        r = rank_confidence_sets(est + rng.standard_normal((800, 10)), est, 0.9, tau=2)
        inside = (r["lo"] <= true_rank) & (true_rank <= r["hi"])
        cover_m += inside.mean()
        cover_s += ((r["simul_lo"] <= true_rank) & (true_rank <= r["simul_hi"])).all()
        top += r["tau_best"][-2:].all()
    assert cover_m / worlds >= 0.9 and cover_s / worlds >= 0.88 and top / worlds >= 0.88


def test_rank_histogram_and_its_quantiles_match_numpy_on_the_ranks():
    from cchc_analysis.stats import histogram_quantile, rank_histogram
    rng = np.random.default_rng(8)
    x = np.round(rng.normal(0, 1, (999, 23)) + np.linspace(0, 2, 23), 1)   # many ties
    ranks = row_competition_ranks(x)
    h = rank_histogram(x)
    for j in range(23):
        np.testing.assert_array_equal(h[j], np.bincount(ranks[:, j] - 1, minlength=23))
    for q in (0.05, 0.1, 0.5, 0.9, 0.95, 0.0, 1.0):
        np.testing.assert_array_equal(histogram_quantile(h, q, "lower"), np.quantile(ranks, q, axis=0, method="lower"))
        np.testing.assert_array_equal(histogram_quantile(h, q, "higher"), np.quantile(ranks, q, axis=0, method="higher"))
    np.testing.assert_array_equal(histogram_quantile(h, 0.5, "median"), np.median(ranks, axis=0))
    even = rank_histogram(x[:998])  # an even number of draws: the mean of the two middle ranks
    np.testing.assert_array_equal(histogram_quantile(even, 0.5, "median"), np.median(row_competition_ranks(x[:998]), axis=0))
