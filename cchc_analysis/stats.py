"""Generic statistics with no PAR INDEX knowledge: plain numpy arrays in, arrays out.

Each section is one family of methods; the analysis modules (trends, bias, peers, survey)
build on them.
"""

from __future__ import annotations

import math

import numpy as np

from .ranking import TIE_DECIMALS

# --- rank inference ---


def shapley_ratio(p0, m0, p1, m1) -> np.ndarray:
    """Exact Shapley value of each player in the ratio game
    ``v(S) = 100 · (Σ_{g∈S} p1_g + Σ_{g∉S} p0_g) / (Σ_{g∈S} m1_g + Σ_{g∉S} m0_g)``.

    Player ``g`` switches its numerator and denominator from ``(p0_g, m0_g)`` to
    ``(p1_g, m1_g)``; the values add up exactly to ``v(all) − v(none)``. A coalition
    with a zero denominator makes the values NaN. At most 16 players (2¹⁶ coalitions).

    Examples
    --------
    >>> shapley_ratio([5, 8], [10, 10], [9, 0], [10, 0]).tolist()
    [30.0, -5.0]
    """
    p0, m0, p1, m1 = (np.asarray(x, dtype=float) for x in (p0, m0, p1, m1))
    n = len(p0)
    if n == 0:
        return np.zeros(0)
    if n > 16:
        raise ValueError(f"too many groups for an exact Shapley split ({n} > 16).")
    masks = ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1).astype(bool)
    num = masks @ p1 + (~masks) @ p0
    den = masks @ m1 + (~masks) @ m0
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1.0), np.nan)
    size = masks.sum(axis=1)
    w = np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) if s < n else 0.0
                  for s in range(n + 1)])
    phi = np.zeros(n)
    ids = np.arange(2 ** n)
    for f in range(n):
        without = ids[~masks[:, f]]
        phi[f] = np.sum(w[size[without]] * (v[without | (1 << f)] - v[without]))
    return phi


def row_competition_ranks(x) -> np.ndarray:
    """Competition ranks (1 = highest) within each row of ``x`` (draws × units), NaN-free.

    The rule of :func:`cchc_analysis.ranking.competition_rank` (values equal to
    ``TIE_DECIMALS`` decimals tie and share the best rank) applied to every row at once:
    one sort of the rounded values, each row shifted into its own range.

    Examples
    --------
    >>> row_competition_ranks([[3.0, 1.0, 3.0], [1.0, 2.0, 3.0]]).tolist()
    [[1, 3, 1], [3, 2, 1]]
    """
    x = np.asarray(x, dtype=float)
    d, u = x.shape
    xr = np.round(x, TIE_DECIMALS)
    s = np.sort(xr, axis=1)
    span = float(np.nanmax(np.abs(xr))) * 2 + 1.0 if xr.size else 1.0
    off = (np.arange(d, dtype=float) * span)[:, None]
    pos = np.searchsorted((s + off).ravel(), (xr + off).ravel(), side="right").reshape(d, u)
    count_le = pos - (np.arange(d) * u)[:, None]
    return (u + 1 - count_le).astype(np.int32)


def mogstad_rank_sets(draws, estimate, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Marginal confidence sets for ranks (Mogstad, Romano, Shaikh & Wilhelm 2024).

    ``draws`` (draws × units) are parametric-bootstrap draws of the units' scores and
    ``estimate`` the point estimates. For unit ``j`` the simultaneous intervals
    ``Δ̂ₖⱼ ± ĉⱼ·seₖⱼ`` for all ``Δₖⱼ = θₖ − θⱼ`` (``k ≠ j``) use ``ĉⱼ`` = the
    ``confidence`` quantile over draws of ``maxₖ |(Δ*ₖⱼ − Δ̂ₖⱼ)/seₖⱼ|`` (``seₖⱼ`` the SD
    of ``Δ*ₖⱼ``; a difference without noise is known exactly), and the set is
    ``[1 + #{k: interval > 0}, p − #{k: interval < 0}]`` (1 = highest). O(units² × draws).

    Returns
    -------
    (lo, hi) : integer arrays, the best and worst rank of each unit's set.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> est = np.array([95.0, 85.0, 85.0])
    >>> lo, hi = mogstad_rank_sets(est + rng.standard_normal((4000, 3)), est, 0.9)
    >>> lo.tolist(), hi.tolist()
    ([1, 2, 2], [1, 3, 3])
    """
    draws = np.asarray(draws, dtype=float)
    est = np.asarray(estimate, dtype=float)
    n, p = draws.shape
    lo = np.empty(p, dtype=int)
    hi = np.empty(p, dtype=int)
    dev = draws - est[None, :]
    for j in range(p):
        d = dev - dev[:, [j]]  # (Δ*_kj − Δ̂_kj) for every k
        se = d.std(axis=0)
        noisy = se > 1e-12
        noisy[j] = False
        delta = est - est[j]
        if noisy.any():
            t = np.abs(d[:, noisy] / se[noisy]).max(axis=1)
            c = float(np.quantile(t, confidence))
        else:
            c = 0.0
        low = np.where(noisy, delta - c * se, delta)
        up = np.where(noisy, delta + c * se, delta)
        low[j], up[j] = 0.0, 0.0
        above = np.sum(np.round(low, TIE_DECIMALS) > 0)
        below = np.sum(np.round(up, TIE_DECIMALS) < 0)
        lo[j] = 1 + above
        hi[j] = p - below
    return lo, hi
