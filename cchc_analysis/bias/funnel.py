"""Funnel plot data with overdispersion (Spiegelhalter 2005)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .adjusted import unit_sizes

__all__ = ["funnel_data", "funnel_limits", "winsor_z2_mean"]

_Z95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975) (a test checks it; no SciPy call at import)


def winsor_z2_mean(winsor: float) -> float:
    """``E[W²]`` for ``W`` a standard normal Winsorised at its ``winsor`` and ``1 − winsor``
    quantiles: the expectation of Spiegelhalter's Winsorised φ̂ when there is no
    overdispersion (0.679 at 10 %), by which φ̂ is divided.

    Examples
    --------
    >>> round(winsor_z2_mean(0.1), 4), winsor_z2_mean(0.0)
    (0.6787, 1.0)
    """
    if winsor <= 0:
        return 1.0
    q = float(stats.norm.ppf(1 - winsor))
    inner = (2 * stats.norm.cdf(q) - 1) - 2 * q * stats.norm.pdf(q)
    return float(inner + 2 * winsor * q * q)


def _trials_per_size(scores, u, year, size, trials) -> float:
    """Binomial trials per unit of ``size``: ``κ = Σ nᵢ / Σ sizeᵢ`` with ``nᵢ = Mᵢ² / Σ_c m_c²/t_c``
    the trials that give a binomial rate the variance of unit ``i``'s index (criterion ``c``
    scored in ``t_c`` steps, :func:`~cchc_analysis.bias.twoway.row_trials`). Does not depend
    on the unit the points are recorded in."""
    from .adjusted import _applicable_rows
    from .twoway import row_trials

    rows = _applicable_rows(scores[scores["year"] == year])
    rows = rows[rows["max_points"] > 0]
    t = row_trials(rows["criterion"].to_numpy(), rows["points"].to_numpy(float), rows["max_points"].to_numpy(float),
                   trials=trials)
    m = rows["max_points"].to_numpy(float)
    g = pd.DataFrame({"unit_id": rows["unit_id"].to_numpy(), "m": m, "v": m * m / t}).groupby("unit_id").sum()
    n_eff = (g["m"] ** 2 / g["v"]).reindex(u["unit_id"]).to_numpy(float)
    sz = u["size"].to_numpy(float)
    ok = np.isfinite(n_eff) & (sz > 0)
    return float(n_eff[ok].sum() / sz[ok].sum()) if ok.any() else 1.0
_Z998 = 3.090232306167813  # scipy.stats.norm.ppf(0.999)
_OVERDISPERSION = ("multiplicative", "additive", "none")


def _funnel_half_width(n, target, phi, tau2, method, z):
    s2 = target * (1 - target) / np.asarray(n, dtype=float)
    if method == "multiplicative":
        return z * np.sqrt(phi * s2)
    if method == "additive":
        return z * np.sqrt(s2 + tau2)
    return z * np.sqrt(s2)


def funnel_data(
    scores: pd.DataFrame,
    *,
    year=None,
    size: str = "max_points",
    overdispersion: str = "multiplicative",
    winsor: float = 0.1,
    trials=None,
) -> pd.DataFrame:
    """Funnel plot data: each unit's index against its size, with control limits.

    Following Spiegelhalter (2005), each unit's achievement rate ``yᵢ = index/100`` is
    compared with the target ``θ₀`` (the pooled rate of the year, ``Σ points /
    Σ max``) given ``nᵢ = κ·sizeᵢ`` binomial trials. ``κ`` (column ``trials_per_size``)
    comes from the criteria's scoring steps (``trials``: ``None`` detects each
    criterion's step from the points seen, an int or a dict ``criterion -> int`` gives
    them, :func:`~cchc_analysis.bias.twoway.row_trials`; ``"size"`` is one trial per unit
    of size, the rule before issue 20): it does not depend on the unit the points are
    recorded in. Binomial standard error ``sᵢ = √(θ₀(1−θ₀)/nᵢ)`` and z-score
    ``zᵢ = (yᵢ − θ₀)/sᵢ``. Overdispersion:

    - ``"multiplicative"`` (default): ``φ̂ = mean of zᵢ²`` after Winsorising the
      z-scores at the ``winsor`` and ``1 − winsor`` quantiles (10 % each tail, as in
      the paper), divided by its expectation without overdispersion
      (:func:`winsor_z2_mean`, 0.679 at 10 %: uncorrected, φ̂ is biased low and 10 % of
      units fall outside the 95 % limits of a world without real differences); limits
      ``θ₀ ± z·√(φ̂)·sᵢ``, with φ̂ applied only when it exceeds 1 (column ``phi`` holds the
      estimate).
    - ``"additive"``: a random-effects variance on the rate scale by the
      DerSimonian–Laird moment formula of the paper, ``τ̂² = max(0, (I φ̂ − (I − 1)) /
      (Σwᵢ − Σwᵢ²/Σwᵢ))``, ``wᵢ = 1/sᵢ²``; limits ``θ₀ ± z·√(sᵢ² + τ̂²)``: wider for every
      unit by the same between-unit spread (better when units differ in real
      performance).
    - ``"none"``: plain binomial limits.

    Limits at 95 % (z = 1.96) and 99.8 % (z = 3.09), in index units, clipped to
    [0, 100].

    Returns
    -------
    DataFrame
        One row per unit: ``year, unit_id, [unit_name, unit_type], size, group,
        index, target, z, z_adjusted, lower95, upper95, lower998, upper998, flag, phi, tau2,
        overdispersion, trials_per_size`` where ``target`` is in index units, ``z_adjusted`` the
        z-score on the overdispersed scale and ``flag`` one of ``above_998,
        above_95, within, below_95, below_998``.

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> f = funnel_data(make_synthetic_scores(seed=2, n_cuc=8, n_vu=8, years=(2023,)))
    >>> bool((f["lower998"] <= f["lower95"]).all() and (f["upper95"] <= f["upper998"]).all())
    True
    """
    if overdispersion not in _OVERDISPERSION:
        raise ValueError(f"The value for `overdispersion` must be one of {list(_OVERDISPERSION)}, "
                         f"but {overdispersion!r} was passed.")
    if not (0 <= winsor < 0.5):
        raise ValueError(f"`winsor` must be in [0, 0.5), but {winsor!r} was passed.")
    u = unit_sizes(scores, year=year, size=size)
    yr = u["year"].iloc[0] if len(u) else year
    kappa = 1.0 if isinstance(trials, str) and trials == "size" else _trials_per_size(scores, u, yr, size, trials)
    n = u["size"].to_numpy(float) * kappa
    y = u["index"].to_numpy(float) / 100
    target = u["points"].sum() / u["max_points"].sum()
    s = np.sqrt(target * (1 - target) / n) if 0 < target < 1 else np.full(len(n), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (y - target) / s
    phi, tau2 = 1.0, 0.0
    if np.isfinite(z).all() and len(z) >= 2:
        lo_q, hi_q = np.quantile(z, [winsor, 1 - winsor])
        zw = np.clip(z, lo_q, hi_q)
        phi = float(np.mean(zw**2)) / winsor_z2_mean(winsor)
        w = 1 / s**2
        k = len(z)
        denom = w.sum() - (w**2).sum() / w.sum()
        tau2 = float(max(0.0, (k * phi - (k - 1)) / denom)) if denom > 0 else 0.0
    if overdispersion == "multiplicative":
        tau2_used, phi_used = 0.0, max(phi, 1.0)
        z_adj = z / np.sqrt(phi_used)
    elif overdispersion == "additive":
        tau2_used, phi_used = tau2, 1.0
        z_adj = (y - target) / np.sqrt(s**2 + tau2)
    else:
        tau2_used, phi_used = 0.0, 1.0
        z_adj = z
    keep = ["year", "unit_id"] + [c for c in ("unit_name", "unit_type") if c in u.columns]
    out = u[keep + ["size", "group", "index"]].copy()
    out["target"] = 100 * target
    out["z"] = z
    out["z_adjusted"] = z_adj
    for name, zz in (("95", _Z95), ("998", _Z998)):
        hw = _funnel_half_width(n, target, phi_used, tau2_used, overdispersion, zz)
        out[f"lower{name}"] = np.clip(100 * (target - hw), 0, 100)
        out[f"upper{name}"] = np.clip(100 * (target + hw), 0, 100)
    idx = out["index"].to_numpy()
    flag = np.select(
        [idx > out["upper998"], idx > out["upper95"], idx < out["lower998"], idx < out["lower95"]],
        ["above_998", "above_95", "below_998", "below_95"], default="within")
    out["flag"] = flag
    out["phi"] = phi
    out["tau2"] = tau2
    out["overdispersion"] = overdispersion
    out["trials_per_size"] = kappa
    return out


def funnel_limits(funnel: pd.DataFrame, *, points: int = 200) -> pd.DataFrame:
    """The funnel's control limits on a grid of sizes (for drawing smooth lines).

    Parameters
    ----------
    funnel : output of :func:`funnel_data`.
    points : grid points between the smallest and largest size (a little beyond).

    Returns
    -------
    DataFrame
        ``size, target, lower95, upper95, lower998, upper998`` (index units).

    Examples
    --------
    >>> f = pd.DataFrame({"size": [10.0, 40.0], "target": 80.0, "phi": 1.0, "tau2": 0.0,
    ...                   "overdispersion": "multiplicative"})
    >>> g = funnel_limits(f, points=3)
    >>> round(float(g["upper95"].iloc[-1]), 2)   # 80 + 1.96·√(0.8·0.2/44)·100
    91.82
    """
    if points < 2:
        raise ValueError(f"`points` must be at least 2, but {points!r} was passed.")
    target = float(funnel["target"].iloc[0]) / 100
    phi = max(float(funnel["phi"].iloc[0]), 1.0)
    tau2 = float(funnel["tau2"].iloc[0])
    method = str(funnel["overdispersion"].iloc[0])
    kappa = float(funnel["trials_per_size"].iloc[0]) if "trials_per_size" in funnel.columns else 1.0
    lo, hi = float(funnel["size"].min()), float(funnel["size"].max())
    n = np.linspace(max(lo * 0.9, 1e-9), hi * 1.1, points)
    out = pd.DataFrame({"size": n, "target": 100 * target})
    for name, zz in (("95", _Z95), ("998", _Z998)):
        hw = _funnel_half_width(n * kappa, target, phi, tau2, method, zz)
        out[f"lower{name}"] = np.clip(100 * (target - hw), 0, 100)
        out[f"upper{name}"] = np.clip(100 * (target + hw), 0, 100)
    return out
