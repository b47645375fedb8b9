"""BASELINE for bench_bias: the rank tests of few_task_bias as they were before issue 15.

``studentized_spearman`` sorted every permuted row of ``y`` as floats and scattered with
``put_along_axis``; ``spearman_boot_ci`` ranked every bootstrap resample with
``scipy.stats.rankdata`` (an n log n sort of a B × n matrix, twice); ``fit_twoway`` coded
units and criteria with ``np.unique`` on the strings of every row and found each criterion's
rows with a boolean mask. Copied verbatim from ``cchc_analysis/stats.py`` and
``cchc_analysis/bias/twoway.py`` at bf75e59 (imports adapted); :func:`few_task_bias` here
is today's battery run with these three in place of the new ones (the rest is shared).
"""

from __future__ import annotations

from unittest import mock

import numpy as np
import pandas as pd
from scipy import stats
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.special import expit

_ALTERNATIVES = ("two-sided", "less", "greater")


def studentized_spearman(x, y, *, n_perm: int = 9_999, seed=0, alternative: str = "two-sided",
                         chunk: int = 2_000) -> dict:
    """Spearman's ρ with a studentized permutation p-value.

    Both variables are replaced by their (average) ranks, centred. The statistic is
    the studentized correlation of DiCiccio & Romano (2017),

        ``T = √n · ρ / σ̂``,  ``σ̂² = (1/n) Σ (ψᵢ − ψ̄)²``,
        ``ψᵢ = 12 [uᵢvᵢ + (1/n) Σⱼ uⱼ 1{yⱼ ≥ yᵢ} + (1/n) Σⱼ vⱼ 1{xⱼ ≥ xᵢ}]``

    with ``uᵢ, vᵢ`` the ranks of ``xᵢ, yᵢ`` divided by ``n``: ``ψ`` is the empirical
    influence function (Hájek projection) of Spearman's ρ (Croux & Dehon 2010,
    *Stat. Methods Appl.* 19:497-515), so ``σ̂²`` estimates the asymptotic variance of
    ``√n ρ`` under dependence; under independence ``ψᵢ = 12(uᵢ − ½)(vᵢ − ½)`` and
    ``σ² = 1``. (The earlier studentizer applied DiCiccio-Romano's Pearson variance,
    ``Σ x̃²ỹ²``, to the ranks, which ignores that ranks are estimated: 6.3 % instead
    of 5 % in a heteroscedastic world.) Its permutation distribution
    (permuting ``y``) gives the p-value ``(1 + #{|T*| ≥ |T|}) / (n_perm + 1)``
    (two-sided; ``#{T* ≤ T}`` for ``alternative="less"``, ``#{T* ≥ T}`` for
    ``"greater"``).

    Why studentized: the plain permutation test of ρ is exact only when ``x`` and
    ``y`` are *independent*. The null of interest is weaker — "no association", while
    small units may be more variable (heteroscedastic: the spread of ``y`` depends on
    ``x``) — and under it permuting breaks the link between size and spread, so the
    plain test's null distribution has the wrong variance (``τ² ≠ 1``) and it rejects
    too often (calibration, heteroscedastic null, 20-60 units, α = 0.05: plain 6.4 %,
    studentized 4.6 %; a plain test of Pearson's r on log M reached 24 % in a harsher
    world tried while designing).
    Dividing by ``τ̂`` makes the statistic asymptotically pivotal, so the test stays
    exact under independence and is asymptotically valid under heteroscedasticity
    (DiCiccio C.J. & Romano J.P. 2017, *JASA* 112:1211-1220,
    https://doi.org/10.1080/01621459.2016.1202117). ``python -m
    cchc_analysis.bias.calibration`` checks its size on 20-60 units.

    Parameters
    ----------
    x, y : array-like of equal length (at least 4 values).
    n_perm : number of random permutations.
    seed : seed of the permutations (``numpy.random.default_rng``).
    alternative : ``"two-sided"`` (default), ``"less"`` (ρ < 0: e.g. few-task units
        score higher when ``x`` is the size) or ``"greater"``.
    chunk : permutations computed at once (memory bound).

    Returns
    -------
    dict
        ``rho`` (Spearman's ρ), ``statistic`` (``T``), ``p_val`` (studentized
        permutation), ``p_val_plain`` (plain permutation of ρ, for comparison),
        ``n``. NaN values when ``x`` or ``y`` is constant.

    Examples
    --------
    >>> x = [1, 2, 3, 4, 5, 6, 7, 8]
    >>> out = studentized_spearman(x, [2, 1, 4, 3, 6, 5, 8, 7], n_perm=999)
    >>> round(out["rho"], 4), out["p_val"] < 0.05
    (0.9048, True)
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("`x` and `y` must be one-dimensional and of equal length.")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("`x` and `y` must be finite (drop units without an index first).")
    n = len(x)
    if n < 4:
        raise ValueError(f"At least 4 units are needed for the association test, but {n} were given.")
    if n_perm < 1:
        raise ValueError(f"`n_perm` must be a positive integer, but {n_perm!r} was passed.")
    if alternative not in _ALTERNATIVES:
        raise ValueError(f"The value for `alternative` must be one of {list(_ALTERNATIVES)}, "
                         f"but {alternative!r} was passed.")
    rx0 = stats.rankdata(x)
    ry0 = stats.rankdata(y)
    rx = rx0 - rx0.mean()
    ry = ry0 - ry0.mean()
    sxx = float(rx @ rx)
    syy = float(ry @ ry)
    nan = {"rho": np.nan, "statistic": np.nan, "p_val": np.nan, "p_val_plain": np.nan, "n": n}
    if sxx == 0 or syy == 0:
        return nan
    ux = rx0 / n
    # x is held fixed: its descending order and, for each unit, the last position of its tie group
    ox = np.argsort(-rx0, kind="stable")
    sx = rx0[ox]
    last_x = np.searchsorted(-sx, -sx, side="right") - 1     # in sorted positions
    pos_x = np.empty(n, dtype=np.int64)
    pos_x[ox] = np.arange(n)
    # y is permuted: its sorted values (hence tie groups) are the same in every permutation
    sy = np.sort(ry0)[::-1]
    last_y = np.searchsorted(-sy, -sy, side="right") - 1

    def _stat(RY):
        # RY: (m, n) permuted (uncentred) y ranks
        Yc = RY - (n + 1) / 2.0
        r = (Yc @ rx) / np.sqrt(sxx * syy)
        v = RY / n
        # B_i = mean_j v_j 1{x_j >= x_i}
        cs = np.cumsum(v[:, ox], axis=1)
        B = cs[:, last_x][:, pos_x] / n
        # A_i = mean_j u_j 1{y_j >= y_i}
        oy = np.argsort(-RY, axis=1, kind="stable")
        csu = np.cumsum(ux[oy], axis=1)[:, last_y] / n
        A = np.empty_like(csu)
        np.put_along_axis(A, oy, csu, axis=1)
        psi = 12.0 * (ux[None, :] * v + A + B)
        var = psi.var(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.sqrt(n) * r / np.sqrt(var)
        return r, t

    r0, t0 = _stat(ry0[None, :])
    r0, t0 = float(r0[0]), float(t0[0])
    rng = np.random.default_rng(seed)
    tol = 1e-10
    ge_t = ge_r = 0
    done = 0
    chunk = max(1, min(chunk, 4_000_000 // max(n, 1)))
    while done < n_perm:
        m = min(chunk, n_perm - done)
        Y = rng.permuted(np.broadcast_to(ry0, (m, n)), axis=1)
        r, t = _stat(Y)
        if alternative == "two-sided":
            ge_t += int(np.sum(np.abs(t) >= abs(t0) - tol))
            ge_r += int(np.sum(np.abs(r) >= abs(r0) - tol))
        elif alternative == "less":
            ge_t += int(np.sum(t <= t0 + tol))
            ge_r += int(np.sum(r <= r0 + tol))
        else:
            ge_t += int(np.sum(t >= t0 - tol))
            ge_r += int(np.sum(r >= r0 - tol))
        done += m
    return {
        "rho": r0,
        "statistic": t0,
        "p_val": (1 + ge_t) / (n_perm + 1),
        "p_val_plain": (1 + ge_r) / (n_perm + 1),
        "n": n,
    }


def spearman_boot_ci(x, y, *, confidence: float = 0.95, n_boot: int = 1_999, seed=0) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of Spearman's ρ, resampling pairs.

    ``n_boot`` resamples of the ``n`` pairs (with replacement, ``numpy.random.default_rng
    ([seed, 7])``); resamples where ``x`` or ``y`` is constant are dropped. Returns
    ``(low, high)``, the ``(1 − confidence)/2`` and ``(1 + confidence)/2`` quantiles, or
    ``(nan, nan)`` when fewer than 10 resamples are usable.

    Examples
    --------
    >>> lo, hi = spearman_boot_ci([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 4, 3, 6, 5, 8, 7])
    >>> bool(0.5 < lo < hi <= 1.0)
    True
    """
    if not 0 < confidence < 1:
        raise ValueError(f"`confidence` must lie strictly between 0 and 1, but {confidence!r} was passed.")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    rng = np.random.default_rng([seed, 7])
    idx = rng.integers(0, n, size=(n_boot, n))
    rx = stats.rankdata(x[idx], axis=1)
    ry = stats.rankdata(y[idx], axis=1)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.sum(rx * ry, axis=1) / np.sqrt(np.sum(rx**2, axis=1) * np.sum(ry**2, axis=1))
    r = r[np.isfinite(r)]
    if len(r) < 10:
        return np.nan, np.nan
    a = (1 - confidence) / 2
    return float(np.quantile(r, a)), float(np.quantile(r, 1 - a))


def fit_twoway(scores: pd.DataFrame, *, year=None, trials=None, max_trials: int = 20,
               prior_sd: float = 3.0, tol: float = 1e-7, max_iter: int = 500) -> TwoWayFit:
    """Fit ``logit p_uc = a_u + d_c`` (binomial, trials from each criterion's scoring step).

    Parameters
    ----------
    scores : canonical scores table (``year, unit_id, criterion, max_points, points, applicable``).
    year : the year (default: the latest).
    trials : trials per criterion: ``None`` (detected from the points seen,
        :func:`detect_trials`), an int for all, or a dict ``criterion -> int``.
    max_trials : cap of the detection (criteria scored on a continuous scale get it).
    prior_sd : SD of the normal priors of abilities and eases (logits).

    Examples
    --------
    >>> s = pd.DataFrame({"year": 2023, "unit_id": list("aabbcc"), "criterion": ["x", "y"] * 3,
    ...                   "max_points": 1.0, "points": [1, 1, 1, 0, 0, 0.0], "applicable": True})
    >>> f = fit_twoway(s)
    >>> f.frame()["index_model"].round(1).tolist()
    [87.4, 50.0, 12.6]
    """
    from cchc_analysis.bias.adjusted import _applicable_rows, _check_scores, _pick_year
    from cchc_analysis.bias.twoway import _MSG_ALONE, _MSG_SPLIT, TwoWayFit, detect_trials

    _check_scores(scores)
    year = _pick_year(scores, year)
    rows = _applicable_rows(scores[scores["year"] == year])
    rows = rows[rows["max_points"] > 0]
    if rows.empty:
        raise ValueError(f"No applicable criterion with points in year {year}.")
    uids, ui = np.unique(rows["unit_id"].astype(str).to_numpy(), return_inverse=True)
    crits, ci = np.unique(rows["criterion"].astype(str).to_numpy(), return_inverse=True)
    U, C = len(uids), len(crits)
    m = rows["max_points"].to_numpy(float)
    k = np.clip(rows["points"].to_numpy(float), 0, m)
    # trials per criterion (for its largest maximum); a row's trials scale with its maximum
    mref = np.zeros(C)
    np.maximum.at(mref, ci, m)
    if trials is None:
        t_c = np.array([detect_trials(k[ci == j], m[ci == j], max_trials=max_trials) for j in range(C)], float)
    elif isinstance(trials, dict):
        t_c = np.array([float(trials.get(c, detect_trials(k[ci == j], m[ci == j], max_trials=max_trials)))
                        for j, c in enumerate(crits)])
    else:
        t_c = np.full(C, float(trials))
    t_row = t_c[ci] * m / mref[ci]
    A = np.zeros((U, C), bool)
    A[ui, ci] = True
    Muc = np.zeros((U, C))
    Puc = np.zeros((U, C))
    T = np.zeros((U, C))
    Muc[ui, ci] = m
    Puc[ui, ci] = k
    T[ui, ci] = t_row
    S = np.where(T > 0, Puc / np.where(Muc > 0, Muc, 1.0) * T, 0.0)
    # components of the unit-criterion graph
    g = coo_matrix((np.ones(len(ui)), (ui, U + ci)), shape=(U + C, U + C))
    ncomp, lab = connected_components(g, directed=False)
    comp_u, comp_c = lab[:U], lab[U:]
    _, comp_u = np.unique(comp_u, return_inverse=True)
    _, comp_c = np.unique(comp_c, return_inverse=True)
    units_per_c = A.sum(axis=0)
    n_shared = (A & (units_per_c[None, :] >= 2)).sum(axis=1)
    s2 = float(prior_sd) ** 2
    # start: logits of smoothed unit and criterion rates
    ru = (S.sum(1) + 0.5) / (T.sum(1) + 1)
    a = np.log(ru / (1 - ru))
    d = np.zeros(C)
    nuc = np.maximum(units_per_c, 1)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        # one joint Newton step on the penalised log-likelihood (concave): the d-block by
        # its Schur complement (C × C), the a-block diagonal
        p = expit(a[:, None] + d[None, :])
        V = T * p * (1 - p)
        R = S - T * p
        ga = R.sum(1) - a / s2
        gd = R.sum(0) - d / s2
        ha = V.sum(1) + 1 / s2
        hd = V.sum(0) + 1 / s2
        Vs = V / ha[:, None]
        schur = np.diag(hd) - Vs.T @ V
        dd = np.linalg.solve(schur, gd - Vs.T @ ga)
        da = (ga - V @ dd) / ha
        step = max(np.abs(da).max(), np.abs(dd).max())
        if step > 3:
            da, dd = da * 3 / step, dd * 3 / step
        a, d = a + da, d + dd
        if step < tol:
            converged = True
            break
    # report the eases centred within each component (a + d, hence p, unchanged)
    for j in range(ncomp):
        cc = comp_c == j
        shift = np.average(d[cc], weights=nuc[cc])
        d[cc] -= shift
        a[comp_u == j] += shift
    w = Muc.sum(axis=0) / U
    fit = TwoWayFit(year=year, unit_ids=uids, criteria=crits, ability=a, ability_se=np.zeros(U), ease=d,
                    trials=t_c, applicable=A, max_uc=Muc, points_uc=Puc, trials_uc=T, weight=w,
                    component=comp_u, n_components=int(ncomp), n_shared=n_shared, prior_sd=float(prior_sd),
                    converged=converged, iterations=it)
    iaa, _, _ = fit.info()
    fit.ability_se = 1 / np.sqrt(iaa)
    msg = {"vi": [], "en": []}
    if ncomp > 1:
        for lang in ("vi", "en"):
            msg[lang].append(_MSG_SPLIT[lang].format(k=ncomp))
    alone = int((n_shared == 0).sum())
    if alone and U > 1:
        for lang in ("vi", "en"):
            msg[lang].append(_MSG_ALONE[lang].format(k=alone))
    fit.message = {lang: " ".join(v) for lang, v in msg.items()}
    return fit


def few_task_bias(scores, **kw):
    """:func:`cchc_analysis.bias.few_task_bias` with the pre-issue-15 rank tests."""
    from cchc_analysis.bias import battery, twoway

    with mock.patch.object(battery, "studentized_spearman", studentized_spearman), \
            mock.patch.object(battery, "spearman_boot_ci", spearman_boot_ci), \
            mock.patch.object(twoway, "fit_twoway", fit_twoway):
        return battery.few_task_bias(scores, **kw)
