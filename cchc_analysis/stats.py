"""Generic statistics with no PAR knowledge (each section is one family of methods)."""

from __future__ import annotations

import numpy as np
import pandas as pd

# --- psychometrics ---
# Reliability and agreement of questionnaire scales (used by cchc_analysis.survey).

__all__ = ["cronbach_alpha", "icc1", "rwg_j"]


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
