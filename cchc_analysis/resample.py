"""The criterion-level Monte Carlo engine: draws of each unit's applicable index.

One model, one random stream, used wherever the library asks "how much could the index
move if the scoring were repeated?" (rank intervals in :mod:`cchc_analysis.trends`, and the
stability of peer rankings). For each applicable criterion with maximum ``M`` and
achievement rate ``r = points / M``:

* appraisal criteria: ``points* = M · Binomial(m, r) / m`` with ``m = n_trials`` effective
  trials (4: quarter-point steps). Criteria at 0 % or 100 % do not move. For ``m <= 8``
  the binomial is exact (below; where drawn criterion by criterion, by the inverse CDF of
  one 16-bit uniform, the CDF rounded to multiples of 2⁻¹⁶); for larger ``m`` a normal
  with the binomial's SD, clipped to [0, 1]; ``n_trials=np.inf`` (or 0) means no noise;
* survey criteria: the rate is a mean of answers on a 0..1 scale,
  ``r* = clip(r + sd · Z, 0, 1)`` with ``sd = response_sd / sqrt(respondents)``
  (or, with ``survey="binomial"``, the appraisal model for them too);
* the index ``100 · Σ points* / Σ M`` is recomputed over the unit's applicable criteria
  (which criteria apply is not perturbed). A unit without an applicable criterion gets NaN.

How the appraisal part is drawn: a unit's index moves only through its total and units
are independent, so where the criteria's steps share a grid (quarter points of
whole-point maxima, or any step of ``1/den`` point, ``den ≤ 1,024``) each unit's appraisal
total is drawn from its exact law, the convolution of its criteria's binomials (product
of characteristic functions, one FFT; rounding below 10⁻¹² per probability), by the
inverse CDF of one uniform per unit and draw: the same model as drawing every criterion,
in O(units × draws) instead of O(criteria × draws). Otherwise (or when it is cheaper, for
tiny tables) every criterion is drawn as above.

Everything is vectorised (draws are processed in chunks of bounded memory); the draws are
a deterministic function of the ``numpy.random.Generator`` (or ``seed``) given, whatever
the number of threads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse, stats

__all__ = ["index_draws", "criterion_index_draws"]


def _padded(groups: np.ndarray, n_groups: int, *arrays, fill=0.0):
    """Scatter per-row values into (n_groups, K) arrays padded with ``fill``."""
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    counts = np.bincount(g, minlength=n_groups)
    k = int(counts.max()) if len(counts) and counts.max() > 0 else 0
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    col = np.arange(len(g)) - starts[g]
    outs = []
    for a in arrays:
        a = np.asarray(a)[order]
        shape = (n_groups, k) + a.shape[1:]
        o = np.full(shape, fill, dtype=a.dtype if a.dtype.kind == "f" else float)
        o[g, col] = a
        outs.append(o)
    return outs


def _grid_denominator(w: np.ndarray, limit: int = 1024) -> int | None:
    """The smallest ``den`` (≤ ``limit``) with every ``w · den`` a whole number, or None."""
    u = np.unique(w)
    for den in range(1, limit + 1):
        x = u * den
        if np.all(np.abs(x - np.round(x)) <= 1e-9 * np.maximum(1.0, x)):
            return den
    return None


_TAIL = 1e-13


def _inverse_cdf(units, cdf, lo, hi, rng, res: np.ndarray, block: int = 1_500_000) -> None:
    """``res[unit] = F⁻¹(u)`` (the number of CDF values ≤ u) for each unit's CDF row, ``u``
    uniform, one per draw; only the bulk ``lo … hi`` of each row is searched.

    An indexed search (a guide table, Chen & Asau 1974): the bulk's CDF on a common
    length ``G`` and, for each of ``G`` equal slices of [0, 1), the number of CDF values
    below the slice; a draw starts there and steps up while the CDF is ≤ u (about one
    step on average). The same values as ``np.searchsorted(cdf, u, side="right")``.
    """
    n_draws = res.shape[1]
    G = int((hi - lo).max()) + 1
    W = G + 1                                        # one more column of 2.0: a stop
    per = max(1, block // max(1, n_draws))
    cols = np.arange(W)
    edges = np.arange(G) / G
    for a0 in range(0, len(units), per):
        a1 = min(len(units), a0 + per)
        nb = a1 - a0
        take = np.minimum(lo[a0:a1, None] + cols[None, :], cdf.shape[1] - 1)
        C = np.take_along_axis(cdf[a0:a1], take, axis=1)
        C[cols[None, :] > (hi - lo)[a0:a1, None]] = 2.0   # past the bulk: never stepped over
        guide = np.empty((nb, G), dtype=np.int64)
        for i in range(nb):
            guide[i] = np.searchsorted(C[i], edges, side="right")
        guide += (np.arange(nb, dtype=np.int64) * W)[:, None]   # flat positions in C
        u = rng.random((nb, n_draws))
        j = u * G
        j = j.astype(np.int64)
        j += (np.arange(nb, dtype=np.int64) * G)[:, None]
        pos = np.take(guide.ravel(), j)
        u_f, pos_f, flat_c = u.ravel(), pos.ravel(), C.ravel()
        idx = np.flatnonzero(np.take(flat_c, pos_f) <= u_f)
        for _ in range(2):                           # most draws need at most two steps
            pos_f[idx] += 1
            idx = idx[np.take(flat_c, pos_f[idx]) <= u_f[idx]]
        if len(idx):                                 # the rest (the tails): a search
            rows = idx // n_draws
            shifted = flat_c + np.repeat(3.0 * np.arange(nb), W)   # rows apart, one sorted array
            pos_f[idx] = np.searchsorted(shifted, u_f[idx] + 3.0 * rows, side="right")
        pos -= (np.arange(nb, dtype=np.int64) * W)[:, None]
        pos += lo[a0:a1, None]
        np.minimum(pos, hi[a0:a1, None], out=pos)
        if units[a1 - 1] - units[a0] == nb - 1:
            res[units[a0]:units[a1 - 1] + 1] = pos
        else:
            res[units[a0:a1]] = pos


def _sparse_dense_product(a, table: np.ndarray) -> np.ndarray:
    """``a @ table`` for a sparse ``a`` and a complex ``table`` with ``-inf`` real parts (zeros).

    A criterion whose characteristic function vanishes at a frequency makes its unit's
    vanish there too (``exp(-inf) = 0``); the product is taken on the finite parts and
    the vanishing frequencies are marked afterwards, so that ``0 · -inf`` never arises.
    """
    bad = ~np.isfinite(table.real)
    safe = np.where(bad, 0.0, table)
    out = np.asarray(a @ safe)
    if bad.any():
        hit = np.asarray((a != 0).astype(np.int64) @ bad.astype(np.int64)) > 0
        out[hit] = -np.inf
    return out


def _exact_unit_sums(uidx, U: int, w, r, m, n_draws: int, rng: np.random.Generator,
                     direct_cost: float, budget_bytes: int = 64_000_000):
    """Draws of each unit's ``Σ w · K`` (``K ~ Binomial(m, r)`` per row) from its exact law.

    Units are independent and a unit's index moves only through its total, so drawing the
    total from its exact distribution is the same model as drawing every criterion, at a
    fraction of the cost. The totals live on the grid ``1/den`` of the steps ``w``
    (quarter points of whole-point maxima: ``den = 4``). The law of a unit's total is the
    convolution of its criteria's binomials, computed as the product of their
    characteristic functions ``(1 − r + r·e^{−iωs})^m`` on ``N`` frequencies (criteria with
    the same step, rate and trials multiply as one power) and inverted by one real FFT;
    the draws are its inverse CDF at one uniform per unit and draw. Rounding errors of the
    law are below 10⁻¹² per probability.

    Returns an array ``(U, n_draws)`` of totals, or None when no grid of ≤ 1,024 steps per
    point fits or the direct per-criterion draws are cheaper (``direct_cost``: their number
    of elementary operations).
    """
    uidx = np.asarray(uidx, dtype=np.int64)
    w = np.asarray(w, dtype=float)
    r = np.asarray(r, dtype=float)
    m = np.asarray(m, dtype=np.int64)
    den = _grid_denominator(w)
    if den is None:
        return None
    s = np.maximum(np.round(w * den).astype(np.int64), 1)
    support = np.bincount(uidx, weights=(m * s).astype(float), minlength=U).astype(np.int64)
    N = 1 << int(max(1, int(support.max()) + 1) - 1).bit_length()
    F = N // 2 + 1
    e = m.astype(float)
    # one log-characteristic function per distinct (step, rate); a unit's is the sum of
    # its criteria's, each weighted by its trials (the power of a binomial's)
    r_vals, r_code = np.unique(r, return_inverse=True)
    codes, pair_of = np.unique(s * len(r_vals) + r_code.ravel(), return_inverse=True)
    pair_of = pair_of.ravel()
    pairs = np.stack([codes // len(r_vals), r_vals[codes % len(r_vals)]], axis=1)
    fft_cost = (len(pairs) * F * 30.0 + min(len(w), U * len(pairs)) * F * 4.0 + U * N * 10.0
                + n_draws * U * (np.log2(N) + 4))
    if fft_cost > direct_cost:
        return None
    theta = (-2.0 * np.pi / N) * np.outer(pairs[:, 0], np.arange(F))
    pr = pairs[:, 1][:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        table = np.log((1.0 - pr) + pr * np.exp(1j * theta))
    table[~np.isfinite(table.real)] = -np.inf  # a zero of the characteristic function
    expo = sparse.csr_matrix((e, (uidx, pair_of)), shape=(U, len(pairs)))
    res = np.zeros((U, n_draws), dtype=np.float32)
    per_chunk = max(1, budget_bytes // (32 * N))
    cols = np.arange(N)
    has = np.flatnonzero(np.bincount(uidx, minlength=U) > 0)
    for a in range(0, len(has), per_chunk):
        units = has[a:a + per_chunk]
        logphi = _sparse_dense_product(expo[units], table)
        pmf = np.fft.irfft(np.exp(logphi), n=N, axis=1)
        pmf[pmf < 0] = 0.0
        pmf[cols[None, :] > support[units][:, None]] = 0.0
        cdf = np.cumsum(pmf, axis=1)
        cdf /= cdf[:, -1:]
        # the bulk of each law: values with P(T < x) > 1e-13 and P(T >= x) > 1e-13
        lo = np.argmax(cdf > _TAIL, axis=1)
        hi = np.minimum(np.argmax(cdf >= 1.0 - _TAIL, axis=1), support[units])
        _inverse_cdf(units, cdf, lo, hi, rng, res)
    res /= den
    return res


def _threshold_group(uidx, U: int, M, rate, m: int):
    """Rows drawn criterion by criterion as ``Binomial(m, rate)``: weights ``M/m`` and the
    thresholds on a 16-bit uniform (``K = #{j : u >= round(F(j)·2^16)}``), padded per unit."""
    cdf = np.stack([stats.binom.cdf(j, m, rate) for j in range(m)], axis=-1)
    thr = np.clip(np.round(cdf * 65536.0), 0, 65535)
    W, C = _padded(uidx, U, (M / m).astype(np.float32), thr, fill=0.0)
    return W, C.astype(np.uint16)  # padding has weight 0, its K does not matter


def _chunked_draws(base, sums, groups, normals, tot_max, n_draws: int, step: int, rng) -> np.ndarray:
    """The index draws, ``step`` draws at a time: ``base`` (fixed points) + ``sums`` (the exact
    unit totals, or None) + each threshold group (16-bit uniforms) + each normal group
    (``clip(R + S·Z, 0, 1)·W``), over ``tot_max``; the random stream in that order."""
    U = len(base)
    out = np.empty((n_draws, U))
    for s0 in range(0, n_draws, step):
        d = min(step, n_draws - s0)
        pts = base + sums[:, s0:s0 + d].T if sums is not None else np.broadcast_to(base, (d, U)).copy()
        for W, C in groups:
            u = np.frombuffer(rng.bytes(2 * d * W.shape[0] * W.shape[1]), dtype=np.uint16).reshape((d,) + W.shape)
            k = (u >= C[..., 0]).view(np.uint8)
            for j in range(1, C.shape[-1]):
                k += (u >= C[..., j]).view(np.uint8)
            pts += np.einsum("duk,uk->du", k.astype(np.float32), W)
        for W, R, S in normals:
            z = rng.standard_normal((d,) + W.shape, dtype=np.float32)
            pts += np.einsum("duk,uk->du", np.clip(R + S * z, 0, 1), W)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[s0:s0 + d] = 100.0 * pts / tot_max
    return out


def criterion_index_draws(unit, n_units: int, points, max_points, *, applicable=None, survey=None,
                          n_trials=4, survey_sd=0.0, n_draws: int, rng: np.random.Generator,
                          chunk_elems: int = 1_000_000, jeffreys: bool = False) -> np.ndarray:
    """Draws (``n_draws × n_units``) of each unit's applicable index, from plain arrays.

    Parameters
    ----------
    unit : integer position (0 .. n_units − 1) of each criterion row's unit; rows with a
        negative position are ignored.
    n_units : number of units (columns of the result).
    points, max_points : per criterion row; ``points`` is ignored where not applicable.
    applicable : bool per row (default: all applicable).
    survey : bool per row, True for survey criteria (default: none).
    n_trials : effective Binomial trials of an appraisal criterion (``np.inf``: no noise); a
        scalar, or one value per row (each criterion's scoring step, e.g. from
        :func:`cchc_analysis.bias.twoway.detect_trials`).
    jeffreys : draw each appraisal criterion from its Jeffreys-smoothed rate
        ``r̃ = (k + ½) / (m + 1)`` (the mean of the Beta(k + ½, m − k + ½) posterior of
        ``k = r·m`` successes out of ``m`` trials) instead of ``r``: criteria at 0 % or
        100 % then carry uncertainty too (with ``r`` they are held fixed, so an
        all-or-nothing criterion never moves).
    survey_sd : SD of a survey criterion's rate (scalar or per row; 0: no noise).
    n_draws : number of draws.
    rng : ``numpy.random.Generator``.
    chunk_elems : memory bound of one chunk (elements).

    Examples
    --------
    >>> d = criterion_index_draws([0, 0, 1], 2, [1.0, 0.5, 0.25], [1.0, 1.0, 1.0], n_draws=4,
    ...                           rng=np.random.default_rng(0))
    >>> d.shape, bool((d[:, 0] >= 50).all())
    ((4, 2), True)
    """
    uidx = np.asarray(unit, dtype=np.int64)
    M = np.asarray(max_points, dtype=float)
    app = np.ones(len(M), bool) if applicable is None else np.asarray(applicable, dtype=bool)
    keep = uidx >= 0
    if not keep.all():
        uidx, M, app = uidx[keep], M[keep], app[keep]
    pts_in = np.asarray(points, dtype=float)[keep]
    is_survey = np.zeros(len(M), bool) if survey is None else np.asarray(survey, dtype=bool)[keep]
    sd_s = np.broadcast_to(np.asarray(survey_sd, dtype=float), keep.shape)[keep]
    U = int(n_units)
    if np.ndim(n_trials) or jeffreys:
        t_row = np.broadcast_to(np.asarray(n_trials, dtype=float), keep.shape)[keep]
        return _draws_per_row_trials(uidx, U, pts_in, M, app, is_survey, sd_s, t_row, n_draws, rng,
                                     chunk_elems, jeffreys)
    P = np.where(app, pts_in, 0.0)
    Mapp = np.where(app, M, 0.0)
    tot_max = np.bincount(uidx, weights=Mapp, minlength=U)
    rate = np.divide(P, M, out=np.zeros_like(P), where=M > 0)
    trials = float(n_trials)
    sd_s = np.where(is_survey, sd_s, 0.0)
    stoch_a = app & ~is_survey & (rate > 0) & (rate < 1) & np.isfinite(trials) & (trials > 0)
    stoch_s = app & is_survey & (sd_s > 0)
    base = np.bincount(uidx, weights=np.where(stoch_a | stoch_s, 0.0, P), minlength=U)
    exact = np.isfinite(trials) and trials <= 8
    ia = np.flatnonzero(stoch_a)
    sums = None
    if len(ia) and exact and round(trials) >= 1:
        m = int(round(trials))
        sums = _exact_unit_sums(uidx[ia], U, M[ia] / m, rate[ia], np.full(len(ia), m), n_draws, rng,
                                direct_cost=len(ia) * n_draws * (m + 3.0))
        if sums is not None:
            ia = ia[:0]
    groups, normals = [], []
    if len(ia) and exact:
        groups.append(_threshold_group(uidx[ia], U, M[ia], rate[ia], int(round(trials))))
    elif len(ia):
        normals.append(_padded(uidx[ia], U, M[ia].astype(np.float32), rate[ia].astype(np.float32),
                               np.sqrt(rate[ia] * (1 - rate[ia]) / trials).astype(np.float32)))
    iS = np.flatnonzero(stoch_s)
    if len(iS):
        normals.append(_padded(uidx[iS], U, M[iS].astype(np.float32), rate[iS].astype(np.float32),
                               sd_s[iS].astype(np.float32)))
    width = max([W.shape[1] * C.shape[-1] for W, C in groups] + [w[0].shape[1] for w in normals] + [1])
    step = max(1, min(n_draws, chunk_elems // max(1, U * width)))
    return _chunked_draws(base, sums, groups, normals, tot_max, n_draws, step, rng)


def _draws_per_row_trials(uidx, U, pts_in, M, app, is_survey, sd_s, t_row, n_draws, rng, chunk_elems,
                          jeffreys):
    """The engine with trials given per row (and optional Jeffreys smoothing).

    Rows with an integer number of trials ≤ 8 are drawn from each unit's exact law
    (:func:`_exact_unit_sums`) or, where it declines, by the inverse CDF of a 16-bit uniform
    per criterion, grouped by their number of trials; rows with more (or fractional)
    trials by a normal with the binomial's SD, clipped to [0, 1].
    """
    P = np.where(app, pts_in, 0.0)
    Mapp = np.where(app, M, 0.0)
    tot_max = np.bincount(uidx, weights=Mapp, minlength=U)
    rate = np.divide(P, M, out=np.zeros_like(P), where=M > 0)
    ok_t = np.isfinite(t_row) & (t_row > 0)
    t_safe = np.where(ok_t, t_row, 1.0)
    r_draw = (rate * t_safe + 0.5) / (t_safe + 1.0) if jeffreys else rate
    inner = (r_draw > 0) & (r_draw < 1)
    stoch_a = app & ~is_survey & ok_t & (M > 0) & inner
    sd_s = np.where(is_survey, sd_s, 0.0)
    stoch_s = app & is_survey & (sd_s > 0)
    base = np.bincount(uidx, weights=np.where(stoch_a | stoch_s, 0.0, P), minlength=U)
    m_int = np.round(t_safe)
    exact = stoch_a & (np.abs(t_safe - m_int) < 1e-9) & (m_int <= 8)
    approx = stoch_a & ~exact
    sums = None
    ie = np.flatnonzero(exact)
    if len(ie):
        me = m_int[ie].astype(np.int64)
        sums = _exact_unit_sums(uidx[ie], U, M[ie] / me, r_draw[ie], me, n_draws, rng,
                                direct_cost=float(np.sum(me + 3.0)) * n_draws)
        if sums is not None:
            exact = np.zeros_like(exact)
    groups = []
    for m in np.unique(m_int[exact]).astype(int):
        ia = np.flatnonzero(exact & (m_int == m))
        groups.append(_threshold_group(uidx[ia], U, M[ia], r_draw[ia], m))
    normals = []
    ib = np.flatnonzero(approx)
    if len(ib):
        normals.append(_padded(uidx[ib], U, M[ib].astype(np.float32), r_draw[ib].astype(np.float32),
                               np.sqrt(r_draw[ib] * (1 - r_draw[ib]) / t_safe[ib]).astype(np.float32)))
    iS = np.flatnonzero(stoch_s)
    if len(iS):
        normals.append(_padded(uidx[iS], U, M[iS].astype(np.float32), rate[iS].astype(np.float32),
                               sd_s[iS].astype(np.float32)))
    width = sum(W.shape[1] * C.shape[-1] for W, C in groups) + sum(w[0].shape[1] for w in normals)
    step = max(1, min(n_draws, chunk_elems // max(1, U * max(width, 1))))
    return _chunked_draws(base, sums, groups, normals, tot_max, n_draws, step, rng)


def index_draws(scores: pd.DataFrame, unit_ids, *, n_draws: int, year: int | None = None,
                n_trials: float = 4, respondents=np.inf, response_sd: float = 0.25,
                survey: str = "normal", rng: np.random.Generator | None = None,
                seed: int | None = None, jeffreys: bool = False) -> np.ndarray:
    """Draws (``n_draws × len(unit_ids)``) of the applicable index of each unit, from a scores table.

    This is the call for an analysis that needs the index of each unit of one year
    re-drawn under the criterion-level model (see the module docstring), e.g. rank
    intervals or the stability of a peer ranking: column ``i`` belongs to
    ``unit_ids[i]``; criterion rows of other units (or other years, when ``year`` is
    given) are ignored; a unit without an applicable criterion has NaN draws.

    Parameters
    ----------
    scores : canonical scores table (``unit_id, max_points, points, applicable``
        [, ``component``, ``year``]).
    unit_ids : the units, in the order of the result's columns.
    n_draws : number of draws.
    year : keep this year's rows (default: all rows; pass one year's rows then).
    n_trials : effective Binomial trials per criterion (4 = scored in quarters): a scalar,
        or one value per row of ``scores``.
    jeffreys : draw appraisal criteria from their Jeffreys-smoothed rates (see
        :func:`criterion_index_draws`).
    respondents : respondents behind each survey criterion: a scalar, or one value per
        row of ``scores`` (``np.inf``: no survey noise).
    response_sd : SD of one survey answer on the 0..1 scale.
    survey : ``"normal"`` (survey criteria as sample means, above) or ``"binomial"``
        (survey criteria drawn like appraisal criteria).
    rng, seed : a ``numpy.random.Generator``, or the seed of ``numpy.random.default_rng``
        (give one of them).

    Examples
    --------
    >>> sc = pd.DataFrame({"year": 2023, "unit_id": ["a", "a", "b"], "max_points": 1.0,
    ...                    "points": [1.0, 0.5, 0.25], "applicable": True, "component": "appraisal"})
    >>> d = index_draws(sc, ["a", "b"], n_draws=1000, seed=0)
    >>> d.shape, round(float(d[:, 1].mean()), 1)
    ((1000, 2), 26.1)
    """
    if survey not in ("normal", "binomial"):
        raise ValueError(f"The value for `survey` must be one of ['normal', 'binomial'], but {survey!r} was passed.")
    if rng is None:
        rng = np.random.default_rng(seed)
    elif seed is not None:
        raise ValueError("pass `rng` or `seed`, not both.")
    sc = scores
    resp = np.asarray(respondents, dtype=float)
    trials = np.asarray(n_trials, dtype=float) if np.ndim(n_trials) else n_trials
    if year is not None:
        mask = (scores["year"] == int(year)).to_numpy()
        sc = scores[mask]
        if resp.ndim:
            resp = resp[mask]
        if np.ndim(trials):
            trials = trials[mask]
    ids = pd.Index(pd.Series(list(unit_ids), dtype=str))
    uidx = ids.get_indexer(sc["unit_id"].astype(str))
    is_survey = ((sc["component"].astype(str).to_numpy() == "survey") if "component" in sc.columns
                 else np.zeros(len(sc), bool))
    n_resp = np.broadcast_to(resp, len(sc)) if resp.ndim else np.full(len(sc), float(resp))
    sd = np.where(n_resp > 0, float(response_sd) / np.sqrt(np.where(n_resp > 0, n_resp, 1.0)), 0.0)
    return criterion_index_draws(
        uidx, len(ids), sc["points"].to_numpy(float), sc["max_points"].to_numpy(float),
        applicable=sc["applicable"].to_numpy(bool),
        survey=is_survey if survey == "normal" else None,
        n_trials=trials, survey_sd=sd, n_draws=n_draws, rng=rng, jeffreys=jeffreys)
