"""How sure is a rank? Monte Carlo rank intervals, rank bands and rank confidence sets.

The model is stated in :func:`rank_intervals` and in words by :func:`interval_model_text`;
the draws come from :mod:`cchc_analysis.resample` (unit-level scores) or from a normal
model of the survey points (published totals).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..labels import check_lang
from ..ranking import TIE_DECIMALS, competition_rank
from ..resample import index_draws
from ..stats import histogram_quantile, mogstad_rank_sets, rank_histogram, row_competition_ranks
from ..text import fmt_int, fmt_number
from .breaks import survey_max_for
from .trajectory import _is_scores, _unit_table

__all__ = [
    "rank_intervals",
    "interval_model_text",
    "DEFAULT_TRIALS",
    "DEFAULT_RESPONSE_SD",
    "DEFAULT_RESPONDENTS_UNIT",
    "DEFAULT_RESPONDENTS_PUBLISHED",
]

#: Effective number of Bernoulli trials behind one appraisal criterion (quarter-point
#: steps: a criterion is met in 0, 1, 2, 3 or 4 quarters). An assumption, not a fact.
DEFAULT_TRIALS = 4
#: Standard deviation of one survey answer on the 0..1 scale (a 5-point Likert item
#: rescaled to 0..1 typically has an SD of 0.2-0.25). An assumption, not a fact.
DEFAULT_RESPONSE_SD = 0.25
#: Respondents behind one unit's survey criteria in a ministry's internal index
#: (Nghệ An's 2021 department survey used 30 forms per department, methodology §6 [S34]).
DEFAULT_RESPONDENTS_UNIT = 30
#: Respondents behind one ministry's/province's survey points in the national index when
#: the data gives none: > 85,600 forms in 2024 over 82 assessed bodies ≈ 1,000 each
#: (*derived* from methodology §3 [S19]; the real split is not published).
DEFAULT_RESPONDENTS_PUBLISHED = 1000


_UNSET = object()


def _renamed_arguments(confidence, level, n_trials, trials, data_level):
    """Map the old argument names (one release) onto the new ones, with a FutureWarning."""
    if isinstance(level, (int, float, np.number)) and not isinstance(level, bool):
        warnings.warn("rank_intervals(level=<number>) is now `confidence=`; `level` names the "
                      "ministry/province level. The old use goes in the next release.",
                      FutureWarning, stacklevel=3)
        confidence, level = float(level), None
    if data_level is not _UNSET:
        warnings.warn("rank_intervals(data_level=...) is now `level=`; `data_level` goes in the next release.",
                      FutureWarning, stacklevel=3)
        if level is not None:
            raise ValueError("pass `level` (the new name) or `data_level` (the old one), not both.")
        level = data_level
    if trials is not _UNSET:
        warnings.warn("rank_intervals(trials=...) is now `n_trials=`; `trials` goes in the next release.",
                      FutureWarning, stacklevel=3)
        n_trials = trials
    return confidence, level, n_trials


def rank_intervals(scores: pd.DataFrame, *, n_draws: int = 10_000, confidence: float = 0.90,
                   seed: int = 0, top_k: int = 3, year: int | None = None,
                   n_trials: float = DEFAULT_TRIALS, respondents=None,
                   response_sd: float = DEFAULT_RESPONSE_SD, survey_max: float | None = None,
                   level: str | None = None, confidence_sets: bool = False,
                   trials=_UNSET, data_level=_UNSET) -> pd.DataFrame:
    """Rank uncertainty intervals per unit by Monte Carlo (Goldstein & Spiegelhalter 1996).

    Each draw perturbs the scores under a stated model, recomputes every unit's index,
    ranks the units (competition ranks, 1 = best), and the intervals are quantiles of
    each unit's simulated ranks. The draws come from the one criterion-level engine,
    :func:`cchc_analysis.resample.index_draws` (vectorised in numpy).

    **Model on unit-level scores** (a parametric bootstrap). For each applicable
    criterion with maximum ``M`` and achievement rate ``r = points / M``:

    * appraisal criteria: ``points* = M · Binomial(m, r) / m`` with ``m = trials``
      effective trials (``n_trials``, default 4: quarter-point steps). Criteria at 0 % or 100 % do
      not move. For ``m <= 8`` the binomial is exact (each unit's appraisal total is drawn
      from its exact law, see :mod:`cchc_analysis.resample`); for larger ``m`` a normal
      with the binomial's SD, clipped to [0, 1];
      ``n_trials=np.inf`` means no appraisal noise;
    * survey criteria (``component == "survey"``): the rate is a mean of
      ``respondents`` answers on a 0..1 scale with SD ``response_sd``:
      ``r* = clip(r + response_sd / sqrt(respondents) · Z, 0, 1)``;
    * the index is recomputed over the unit's applicable criteria (which criteria
      apply is not perturbed).

    **Model on published totals.** The appraisal is an administrative verdict and is
    held fixed; the survey points are a sample mean:
    ``index* = index + (100 / D) · survey_max · response_sd / sqrt(respondents) · Z``
    with ``D = 100 · total / index`` (100 in practice) and ``survey_max`` the survey's
    share of the points in that year (31.5 for ministries and 32 for provinces under
    876/QĐ-BNV, 36.5 for ministries under 1149; looked up in
    :func:`methodology_breaks`, or pass it). This is an assumption: the survey's
    design effect and non-sampling errors are ignored, and respondent counts per unit
    come from a ``respondents`` column of the data when it has one.

    **Bands.** Units are walked in rank order; a band starts with a leader and a unit
    joins it unless the leader is above it in at least ``confidence`` of the draws
    (``P(leader above unit) >= confidence``, ties counting one half), in which case the
    unit starts the next band. Units in one band cannot be told apart from the band's
    leader at that level.

    **Confidence sets** (optional, ``confidence_sets=True``): the marginal confidence
    set for each unit's rank of Mogstad, Romano, Shaikh & Wilhelm (2024), computed
    from the same draws used as a parametric bootstrap. For unit ``j`` the
    simultaneous intervals ``Δ̂ₖⱼ ± ĉⱼ·seₖⱼ`` for all ``Δₖⱼ = θₖ − θⱼ`` (``k ≠ j``) use
    ``ĉⱼ`` = the ``confidence`` quantile over draws of ``maxₖ |(Δ*ₖⱼ − Δ̂ₖⱼ)/seₖⱼ|`` (``seₖⱼ``
    the SD of ``Δ*ₖⱼ``; a difference with no noise is known exactly), and
    ``CSⱼ = [1 + #{k: interval > 0}, p − #{k: interval < 0}]`` (columns ``cs_lo``,
    ``cs_hi``). Unlike the quantile interval, it covers the true rank with probability
    at least ``confidence`` under the model (:func:`cchc_analysis.stats.mogstad_rank_sets`). Costs O(units² × draws).

    Parameters
    ----------
    scores : scores table (unit-level) or published table.
    n_draws : number of Monte Carlo draws.
    confidence : coverage of the rank interval, and the threshold for bands (0 < confidence < 1).
    seed : seed of ``numpy.random.default_rng``.
    top_k : ``p_top_k`` is the share of draws in which the unit ranks ``<= top_k``.
    year : keep one year (default: every year, each ranked separately).
    n_trials : effective trials per appraisal criterion (see above).
    respondents : respondents per unit (scalar; default: the data's ``respondents``
        column if any, else ``DEFAULT_RESPONDENTS_UNIT`` (30) for unit-level scores and
        ``DEFAULT_RESPONDENTS_PUBLISHED`` (1,000) for published tables).
        ``np.inf`` means no survey noise.
    response_sd : SD of one answer on the 0..1 scale (default 0.25).
    survey_max : survey points out of 100 for published tables (default: by year).
    level : keep one level (``"ministry"`` or ``"province"``) of a published table.
    trials, data_level : old names of ``n_trials`` and ``level`` (FutureWarning; removed in
        the next release). A number passed as ``level`` is taken as ``confidence``, the
        old meaning, with a FutureWarning.
    confidence_sets : add the Mogstad et al. marginal confidence sets ``cs_lo, cs_hi``.

    Returns
    -------
    DataFrame
        ``year, unit_id, unit_name, index, rank, rank_lo, rank_hi, rank_median,
        p_top_k, top_k, band, p_above_next, confidence, n_draws`` (and ``level`` after
        ``year`` for a published table with levels); ``rank_lo`` is the best and
        ``rank_hi`` the worst plausible rank (quantiles ``(1 − confidence)/2`` and
        ``(1 + confidence)/2``, widened to contain the point rank if the draws are skewed).
        ``p_above_next`` is P(unit above the unit ranked next). Units without an index
        or not ranked are left out. ``attrs["model"]`` (English) and ``attrs["model_vi"]``
        describe the model in words.

    Examples
    --------
    >>> sc = pd.DataFrame({"year": 2023, "unit_id": ["a", "a", "b", "b", "c", "c"],
    ...     "criterion": ["1", "2"] * 3, "component": ["appraisal", "survey"] * 3,
    ...     "max_points": 10.0, "points": [9.0, 8.0, 5.0, 6.0, 8.5, 8.0], "applicable": True})
    >>> ri = rank_intervals(sc, n_draws=2000, seed=1)
    >>> ri[["unit_id", "rank", "rank_lo", "rank_hi"]]
      unit_id  rank  rank_lo  rank_hi
    0       a     1        1        2
    1       c     2        1        3
    2       b     3        2        3
    >>> rank_intervals(sc, n_draws=50, n_trials=np.inf, respondents=np.inf)["band"].tolist()
    [1, 2, 3]
    """
    confidence, level, n_trials = _renamed_arguments(confidence, level, n_trials, trials, data_level)
    if not isinstance(n_draws, (int, np.integer)) or n_draws < 1:
        raise ValueError(f"`n_draws` must be a positive integer, but {n_draws!r} was passed.")
    if not (0 < float(confidence) < 1):
        raise ValueError(f"`confidence` must be strictly between 0 and 1, but {confidence!r} was passed.")
    if level not in (None, "ministry", "province"):
        raise ValueError(f"The value for `level` must be one of [None, 'ministry', 'province'], but {level!r} was passed.")
    if not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise ValueError(f"`top_k` must be a positive integer, but {top_k!r} was passed.")
    if float(n_trials) < 0 or float(response_sd) < 0:
        raise ValueError("`n_trials` and `response_sd` must be >= 0.")
    rng = np.random.default_rng(seed)
    is_sc = _is_scores(scores)
    data = scores
    if year is not None:
        data = data[data["year"] == int(year)]
        if data.empty:
            raise ValueError(f"`year`={year} is not in the data; years present: {sorted(scores['year'].unique())}.")
    t = _unit_table(data, level=level)
    t = t[t["ranked"] & t["index"].notna()]
    results = []
    lo_q, hi_q = (1 - confidence) / 2, (1 + confidence) / 2
    for (yr, grp), g in t.groupby(["year", "_grp"], sort=True):
        g = g.sort_values("unit_id").reset_index(drop=True)
        ids = g["unit_id"].to_numpy(str)
        if is_sc:
            sc = data[(data["year"] == yr) & data["unit_id"].astype(str).isin(ids)]
            if respondents is None:
                if "respondents" in sc.columns:
                    resp = sc["respondents"].to_numpy(float)
                else:
                    resp = float(DEFAULT_RESPONDENTS_UNIT)
            else:
                resp = float(respondents)
            draws = index_draws(sc, ids, n_draws=n_draws, rng=rng, n_trials=float(n_trials),
                                respondents=resp, response_sd=float(response_sd))
            n_txt = "data" if np.ndim(resp) else f"{resp:g}"
            model = (f"criterion bootstrap: appraisal Binomial(m={n_trials:g}, rate)/m; survey rate + "
                     f"N(0, ({response_sd:g}/sqrt(n))^2), n={n_txt}")
            model_vi = (f"lấy mẫu lại theo tiêu chí: điểm thẩm định Binomial(m={_vn(n_trials)}, tỷ lệ đạt)/m; "
                        f"tỷ lệ điều tra cộng nhiễu chuẩn có độ lệch chuẩn {_vn(response_sd)}/√n, "
                        f"n={'theo dữ liệu' if n_txt == 'data' else _vn(resp)} người trả lời")
        else:
            smax = float(survey_max) if survey_max is not None else survey_max_for(int(yr), grp if grp != "all" else None)
            if np.isnan(smax):
                raise ValueError(f"the survey's share of the points in {yr} is not known from the methodology "
                                 "table; pass `survey_max=` (survey points out of 100).")
            if respondents is None:
                n = (g["respondents"].to_numpy(float) if "respondents" in g.columns
                     else np.full(len(g), float(DEFAULT_RESPONDENTS_PUBLISHED)))
            else:
                n = np.full(len(g), float(respondents))
            tot = g["total"].to_numpy(float) if "total" in g.columns else np.full(len(g), np.nan)
            idx = g["index"].to_numpy(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                D = np.where(np.isfinite(tot) & (idx > 0), 100.0 * tot / np.where(idx > 0, idx, 1.0), 100.0)
                sd = np.where(np.isfinite(n) & (n > 0), (100.0 / D) * smax * response_sd / np.sqrt(np.where(n > 0, n, 1.0)), 0.0)
            draws = idx[None, :] + sd[None, :] * rng.standard_normal((n_draws, len(g)))
            n_txt = "data" if "respondents" in g.columns and respondents is None else f"{n[0]:g}"
            model = (f"published totals: survey points ({smax:g}/100) ~ Normal, SD = {smax:g}·{response_sd:g}/sqrt(n), "
                     f"n={n_txt}; appraisal fixed")
            model_vi = (f"bảng công bố: điểm điều tra ({_vn(smax)}/100) ~ phân phối chuẩn, "
                        f"độ lệch chuẩn {_vn(smax)}·{_vn(response_sd)}/√n, "
                        f"n={'theo dữ liệu' if n_txt == 'data' else _vn(n[0])} người trả lời; điểm thẩm định giữ nguyên")
        point = competition_rank(g["index"].to_numpy(float)).astype(int)
        if len(g) <= 6_000:  # the ranks' histogram (units² counts) instead of every draw's ranks
            h = rank_histogram(draws)
            lo = histogram_quantile(h, lo_q, "lower")
            hi = histogram_quantile(h, hi_q, "higher")
            med = histogram_quantile(h, 0.5, "median")
            ptop = h[:, :top_k].sum(axis=1) / n_draws
        else:
            ranks = row_competition_ranks(draws)
            lo = np.quantile(ranks, lo_q, axis=0, method="lower").astype(int)
            hi = np.quantile(ranks, hi_q, axis=0, method="higher").astype(int)
            med = np.median(ranks, axis=0)
            ptop = (ranks <= top_k).mean(axis=0)
            del ranks
        lo, hi = np.minimum(lo, point), np.maximum(hi, point)
        order = np.lexsort((ids, point))
        band, p_next = _bands(draws, order, confidence)
        res = pd.DataFrame({
            "year": int(yr), "unit_id": ids, "unit_name": g["unit_name"].to_numpy(),
            "index": g["index"].to_numpy(float), "rank": point, "rank_lo": lo, "rank_hi": hi,
            "rank_median": med, "p_top_k": ptop, "top_k": int(top_k), "band": band,
            "p_above_next": p_next, "confidence": float(confidence), "n_draws": int(n_draws),
        })
        if confidence_sets:
            res["cs_lo"], res["cs_hi"] = mogstad_rank_sets(draws, g["index"].to_numpy(float), confidence)
        if grp != "all":
            res.insert(1, "level", grp)
        res = res.iloc[order].reset_index(drop=True)
        res.attrs["model"] = model
        res.attrs["model_vi"] = model_vi
        results.append(res)
    if not results:
        raise ValueError("no ranked unit with an index in the data.")
    out = pd.concat(results, ignore_index=True)
    out.attrs["model"] = results[-1].attrs["model"]
    out.attrs["model_vi"] = results[-1].attrs["model_vi"]
    return out


def _bands(draws: np.ndarray, order: np.ndarray, confidence: float):
    """Bands and P(unit above the next) with the units walked in rank order ``order``.

    A band starts with a leader; a unit joins it unless P(leader above unit) ≥
    ``confidence`` (ties count one half), when it starts the next band.
    """
    n = len(order)
    band = np.zeros(n, dtype=int)
    p_next = np.full(n, np.nan)
    if n == 0:
        return band, p_next
    xs = draws.T[order]                       # one unit per row, in rank order
    np.round(xs, TIE_DECIMALS, out=xs)

    def p_above(a, b):
        return np.mean(a > b) + 0.5 * np.mean(a == b)

    cur, leader = 1, 0
    for j in range(n):
        if j > 0 and p_above(xs[leader], xs[j]) >= confidence:
            cur += 1
            leader = j
        band[order[j]] = cur
        if j + 1 < n:
            p_next[order[j]] = p_above(xs[j], xs[j + 1])
    return band, p_next


def _vn(x) -> str:
    """A model parameter in Vietnamese number format (decimal comma, no trailing zeros)."""
    return fmt_number(float(x), "vi", 4, strip=True)


def interval_model_text(intervals: pd.DataFrame, *, lang: str = "vi") -> str:
    """A short statement of the model behind :func:`rank_intervals` and how to read it.

    Examples
    --------
    >>> sc = pd.DataFrame({"year": 2023, "unit_id": ["a", "b"], "criterion": "1",
    ...     "component": "appraisal", "max_points": 1.0, "points": [1.0, 0.5], "applicable": True})
    >>> print(interval_model_text(rank_intervals(sc, n_draws=10), lang="en"))  # doctest: +ELLIPSIS
    Rank intervals (90% of 10 Monte Carlo draws)...
    """
    check_lang(lang)
    model = intervals.attrs.get("model_vi" if lang == "vi" else "model", intervals.attrs.get("model", "?"))
    lvl = float(intervals["confidence"].iloc[0]) if len(intervals) else float("nan")
    n = int(intervals["n_draws"].iloc[0]) if len(intervals) else 0
    nb = int(intervals.groupby("year")["band"].max().max()) if len(intervals) else 0
    nu = int(intervals.groupby("year")["unit_id"].count().max()) if len(intervals) else 0
    pct = fmt_number(100 * lvl, lang, 1, strip=True)
    if lang == "vi":
        return (f"Khoảng hạng ({pct} % của {fmt_int(n, lang)} lần mô phỏng Monte Carlo) theo mô hình: {model}. "
                f"Đây là giả định về sai số, không phải số liệu công bố. {nu} đơn vị chia thành {nb} nhóm hạng "
                f"không phân biệt được: hai đơn vị trong cùng nhóm không nên được coi là khác hạng thực sự.")
    return (f"Rank intervals ({pct}% of {fmt_int(n, lang)} Monte Carlo draws) under the model: {model}. "
            f"This is an assumption about error, not published data. {nu} units fall into {nb} rank bands "
            f"whose members cannot be told apart: two units in one band should not be read as truly ranked.")
