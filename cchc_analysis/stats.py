"""Generic statistics with no PAR INDEX knowledge: plain numpy arrays in, arrays out.

Each section is one family of methods; the analysis modules (trends, bias, peers, survey)
build on them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .ranking import TIE_DECIMALS


# --- psychometrics ---
# Reliability and agreement of questionnaire scales (used by cchc_analysis.survey).



def cronbach_alpha(data) -> float:
    """Cronbach's α of a respondents × items matrix (complete cases only).

    ``α = k / (k − 1) × (1 − Σ var(item) / var(total))`` with sample variances
    (ddof = 1). NaN with fewer than 2 items or 2 complete respondents, or when the
    total has no variance.

    Examples
    --------
    >>> round(cronbach_alpha([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]]), 6)  # by hand: 1.5 × (1 − 4.9167/14.25)
    0.982456
    """
    x = np.asarray(data, dtype=float)
    if x.ndim != 2:
        raise ValueError("`data` must be a 2-D respondents × items matrix.")
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if k < 2 or n < 2:
        return float("nan")
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var <= 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var))


def icc1(data: pd.DataFrame, *, group: str = "unit_id", value: str = "value") -> float:
    """ICC(1) from a one-way ANOVA: the share of variance between groups (units).

    ``ICC(1) = (MSB − MSW) / (MSB + (k₀ − 1) MSW)`` with ``k₀ = (N − Σ nᵍ² / N) / (G − 1)``
    (the average group size corrected for unequal sizes). High values mean respondents
    in the same unit agree and units differ. NaN with fewer than 2 groups.

    Examples
    --------
    >>> d = pd.DataFrame({"unit_id": list("aaabbb"), "value": [1.0, 2, 3, 4, 5, 6]})
    >>> round(icc1(d), 6)  # by hand: MSB = 13.5, MSW = 1, k₀ = 3 → 12.5 / 15.5
    0.806452
    """
    if group not in data.columns or value not in data.columns:
        raise ValueError(f"`data` needs the columns {group!r} and {value!r}.")
    d = data[[group, value]].dropna()
    g = d.groupby(group)[value]
    n_g = g.size().to_numpy(dtype=float)
    G, N = len(n_g), n_g.sum()
    if G < 2 or N - G < 1:
        return float("nan")
    grand = d[value].mean()
    means = g.mean().to_numpy()
    ssb = (n_g * (means - grand) ** 2).sum()
    ssw = ((d[value] - g.transform("mean")) ** 2).sum()
    msb, msw = ssb / (G - 1), ssw / (N - G)
    k0 = (N - (n_g ** 2).sum() / N) / (G - 1)
    den = msb + (k0 - 1) * msw
    return float((msb - msw) / den) if den > 0 else float("nan")


def rwg_j(data, *, n_options: int = 5) -> float:
    """Within-unit agreement r_wg(J) of James, Demaree & Wolf (1984) for J items.

    ``r_wg(J) = J (1 − s̄²/σ²) / (J (1 − s̄²/σ²) + s̄²/σ²)`` where ``s̄²`` is the mean
    over items of the within-unit answer variance (ddof = 1) and ``σ² = (A² − 1) / 12``
    the variance of uniformly random answers on an ``A``-option scale. 1 = perfect
    agreement; values are truncated to 0 when answers vary more than random ones.
    Note that r_wg(J) rises with the number of items J, so it is reported, not used to
    flag units.

    Examples
    --------
    >>> round(rwg_j([[4, 5], [5, 5], [4, 4]], n_options=5), 6)  # by hand: s̄² = 1/3, σ² = 2 → 10/11
    0.909091
    """
    x = np.asarray(data, dtype=float)
    if x.ndim != 2 or n_options < 2:
        raise ValueError("`data` must be respondents × items and `n_options` >= 2.")
    v = np.array([np.nanvar(c, ddof=1) if np.sum(~np.isnan(c)) >= 2 else np.nan for c in x.T])
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return float("nan")
    ratio = v.mean() / ((n_options ** 2 - 1) / 12)
    if ratio >= 1:
        return 0.0
    J = len(v)
    return float(J * (1 - ratio) / (J * (1 - ratio) + ratio))

# --- end psychometrics ---


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
