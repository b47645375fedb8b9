"""How well the criteria still tell units apart, and the survey against the appraisal.

These analyses take the *scores* table (survey criteria are rows of it, see
:func:`cchc_analysis.survey.survey_points`), not the respondent-level survey.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import check_lang, column_labels, register
from ..ranking import rank_units
from ..scoring import applicable_index
from ..text import fmt_percent

__all__ = ["survey_vs_appraisal", "criteria_discrimination", "criteria_table"]

register({
    "n_units": {"vi": "Số đơn vị", "en": "Units"},
    "reason": {"vi": "Lý do", "en": "Reason"},
    "appraisal_index": {"vi": "Chỉ số thẩm định (%)", "en": "Appraisal index (%)"},
    "survey_index": {"vi": "Chỉ số điều tra XHH (%)", "en": "Survey index (%)"},
    "gap": {"vi": "Chênh lệch (điểm %)", "en": "Gap (percentage points)"},
    "gap_rank": {"vi": "Hạng chênh lệch", "en": "Gap rank"},
    "share_at_max": {"vi": "Tỷ lệ đơn vị đạt tối đa", "en": "Share at maximum"},
    "share_at_zero": {"vi": "Tỷ lệ đơn vị 0 điểm", "en": "Share at zero"},
    "mean_achievement": {"vi": "Mức đạt trung bình", "en": "Mean achievement"},
    "item_total_r": {"vi": "Tương quan với chỉ số còn lại", "en": "Corrected item–total r"},
    "non_discriminating": {"vi": "Không còn phân loại", "en": "Non-discriminating"},
    "sd_achievement": {"vi": "Độ lệch chuẩn mức đạt", "en": "SD of achievement"},
    "gap_z": {"vi": "Chênh lệch chuẩn hóa (z)", "en": "Standardised gap (z)"},
    "appraisal_rank": {"vi": "Hạng thẩm định", "en": "Appraisal rank"},
    "survey_rank": {"vi": "Hạng điều tra", "en": "Survey rank"},
    "rank_shift": {"vi": "Chênh lệch hạng", "en": "Rank shift"},
})


def criteria_table(discrimination: pd.DataFrame, *, lang: str = "vi", flagged_only: bool = True) -> pd.DataFrame:
    """Display table of :func:`criteria_discrimination` with headers and reasons in ``lang``.

    Examples
    --------
    >>> d = pd.DataFrame({"year": [2023, 2023], "criterion": ["7.1", "1.1"], "n_applicable": [36, 36],
    ...     "share_at_max": [1.0, 0.3], "mean_achievement": [1.0, 0.6], "item_total_r": [np.nan, 0.4],
    ...     "non_discriminating": [True, False], "reason_vi": ["bão hòa", ""], "reason_en": ["saturated", ""]})
    >>> t = criteria_table(d, lang="en")
    >>> list(t.columns)
    ['Year', 'Criterion', 'Units', 'Share at maximum', 'Mean achievement', 'Corrected item–total r', 'Reason']
    >>> t["Reason"].tolist()
    ['saturated']
    """
    check_lang(lang)
    d = discrimination.loc[discrimination["non_discriminating"]] if flagged_only else discrimination
    cols = [c for c in ["year", "criterion", "field", "component", "n_applicable", "share_at_max", "share_at_zero",
                        "mean_achievement", "item_total_r"] if c in d.columns]
    out = d[cols].rename(columns={"n_applicable": "n_units"})  # units where the criterion applies
    if not flagged_only:
        out["non_discriminating"] = d["non_discriminating"].to_numpy()
    out["reason"] = d[f"reason_{lang}"].to_numpy()
    return out.rename(columns=column_labels(out.columns, lang)).reset_index(drop=True)



def _rank_within_year(frame: pd.DataFrame, column: str) -> pd.Series:
    """Competition rank (1 = highest) of ``column`` within each year: the one tie rule."""
    return rank_units(frame[["year", column]], score=column, by=("year",))["rank"]


def survey_vs_appraisal(scores: pd.DataFrame) -> pd.DataFrame:
    """Per unit and year: the survey index against the appraisal index, the gap and its rank.

    Both indices come from :func:`cchc_analysis.scoring.applicable_index` at
    ``level="component"`` (points over applicable maximum, in %).
    ``gap = survey_index − appraisal_index`` (percentage points); ``gap_rank`` ranks the
    gap within the year, 1 = the survey most above the appraisal (competition ranking);
    ``gap_z`` is the same comparison on standardised indices (z-scores within the year),
    which is fairer when the two components spread differently; ``rank_shift =
    appraisal_rank − survey_rank`` (positive: the unit ranks better on the survey).
    Units lacking one component have NaN gaps and no ranks.

    Returns
    -------
    DataFrame
        ``year, unit_id, [unit_name, unit_type], appraisal_index, survey_index, gap,
        gap_z, appraisal_rank, survey_rank, rank_shift, gap_rank``, sorted by year and
        gap rank.

    Examples
    --------
    >>> scores = pd.DataFrame({"year": 2023, "unit_id": ["a", "a", "b", "b"],
    ...     "criterion": ["1.1", "1.6"] * 2, "component": ["appraisal", "survey"] * 2,
    ...     "max_points": 2.0, "points": [2.0, 1.0, 1.0, 2.0], "applicable": True})
    >>> survey_vs_appraisal(scores)[["unit_id", "appraisal_index", "survey_index", "gap", "gap_rank"]]
      unit_id  appraisal_index  survey_index    gap  gap_rank
    0       b             50.0         100.0   50.0         1
    1       a            100.0          50.0  -50.0         2
    """
    idx = applicable_index(scores, aggregate="component")
    wide = idx.pivot_table(index=["year", "unit_id"], columns="component", values="index", aggfunc="first")
    wide = wide.reindex(columns=["appraisal", "survey"])
    out = wide.reset_index().rename(columns={"appraisal": "appraisal_index", "survey": "survey_index"})
    out.columns.name = None
    for extra in ("unit_name", "unit_type"):
        if extra in idx.columns:
            lk = idx.drop_duplicates("unit_id").set_index("unit_id")[extra]
            out.insert(out.columns.get_loc("appraisal_index"), extra, out["unit_id"].map(lk).to_numpy())
    out["gap"] = out["survey_index"] - out["appraisal_index"]
    g = out.groupby("year")

    def z(c):
        return (out[c] - g[c].transform("mean")) / g[c].transform("std")

    out["gap_z"] = z("survey_index") - z("appraisal_index")
    out["appraisal_rank"] = _rank_within_year(out, "appraisal_index")
    out["survey_rank"] = _rank_within_year(out, "survey_index")
    out["rank_shift"] = out["appraisal_rank"] - out["survey_rank"]
    out["gap_rank"] = _rank_within_year(out, "gap")
    out["year"] = out["year"].astype(scores["year"].dtype)
    return out.sort_values(["year", "gap_rank", "unit_id"], na_position="last").reset_index(drop=True)


def criteria_discrimination(
    scores: pd.DataFrame,
    *,
    threshold: float = 0.9,
    by=("year",),
    min_units: int = 5,
    flagged_only: bool = False,
) -> pd.DataFrame:
    """How well each criterion still tells units apart; the non-discriminating ones first.

    Over the units where the criterion applies (per ``by`` group, by default per year):
    ``share_at_max`` (units with full points), ``share_at_zero``, ``mean_achievement``
    (mean of points / max_points) and ``item_total_r``, the *corrected* item–total
    correlation: Pearson's r between the unit's achievement on the criterion and the
    unit's index over its *other* applicable criteria (``100 × (P − pᶜ) / (M − mᶜ)``),
    NaN when the criterion does not vary. A criterion is ``non_discriminating`` when at
    least ``min_units`` units carry it and ``share_at_max ≥ threshold`` or
    ``share_at_zero ≥ threshold``: it separates nobody and is a candidate to replace.

    Parameters
    ----------
    scores : canonical scores table.
    threshold : share of units at the maximum (or at zero) from which a criterion no
        longer discriminates (default 0.9 = 90 %).
    by : grouping columns (``()`` pools every year: each unit-year counts once).
    min_units : fewer applicable units than this are too few to judge (never flagged).
    flagged_only : return only the candidates to replace.

    Returns
    -------
    DataFrame
        ``[by], criterion, field, component, max_points, n_applicable, share_at_max,
        share_at_zero, mean_achievement, sd_achievement, item_total_r,
        non_discriminating, reason_vi, reason_en``; sorted with the non-discriminating
        criteria first (highest share at maximum first), then by criterion.

    Examples
    --------
    >>> scores = pd.DataFrame({"year": 2023, "unit_id": np.repeat(list("abcdef"), 2),
    ...     "field": "7", "criterion": ["7.1", "7.2"] * 6, "component": "appraisal",
    ...     "max_points": 1.0, "points": [1, 1, 1, 0, 1, 1, 1, 0, 1, .5, 1, 1.0],
    ...     "applicable": True})
    >>> criteria_discrimination(scores)[["criterion", "n_applicable", "share_at_max", "non_discriminating"]]
      criterion  n_applicable  share_at_max  non_discriminating
    0       7.1             6      1.000000                True
    1       7.2             6      0.500000               False
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"`threshold` must be in (0, 1], but {threshold!r} was passed.")
    by = [by] if isinstance(by, str) else list(by)
    need = ["year", "unit_id", "criterion", "max_points", "points", "applicable", *by]
    miss = [c for c in dict.fromkeys(need) if c not in scores.columns]
    if miss:
        raise ValueError(f"`scores` lacks the column(s) {miss}.")
    a = scores.loc[scores["applicable"].astype(bool)].copy()
    if a["points"].isna().any():
        raise ValueError("applicable criteria without points — validate the data first (cchc validate).")
    a["ach"] = a["points"].to_numpy(dtype=float) / a["max_points"].to_numpy(dtype=float)
    tot = a.groupby(["year", "unit_id"])[["points", "max_points"]].transform("sum")
    rest_max = tot["max_points"] - a["max_points"]
    with np.errstate(invalid="ignore", divide="ignore"):
        a["rest"] = np.where(rest_max > 0, 100 * (tot["points"] - a["points"]) / rest_max.where(rest_max > 0, 1), np.nan)
    tol = 1e-9
    a["at_max"] = a["points"] >= a["max_points"] - tol
    a["at_zero"] = a["points"] <= tol
    keys = [*by, "criterion"]

    def corr(d):
        d = d.dropna(subset=["rest"])
        if len(d) < 3:
            return np.nan
        x = d["ach"].to_numpy() - d["ach"].mean()
        y = d["rest"].to_numpy() - d["rest"].mean()
        den = np.sqrt((x ** 2).sum() * (y ** 2).sum())
        return float((x * y).sum() / den) if den > 1e-12 else np.nan

    g = a.groupby(keys, sort=True)
    out = g.agg(field=("field", "first") if "field" in a else ("criterion", "first"),
                component=("component", "first") if "component" in a else ("criterion", "first"),
                max_points=("max_points", "first"), n_applicable=("unit_id", "size"),
                share_at_max=("at_max", "mean"), share_at_zero=("at_zero", "mean"),
                mean_achievement=("ach", "mean"), sd_achievement=("ach", "std")).reset_index()
    out["item_total_r"] = [corr(d) for _, d in g[["ach", "rest"]]]
    out["n_applicable"] = out["n_applicable"].astype("int64")
    enough = out["n_applicable"] >= min_units
    hi = out["share_at_max"] >= threshold
    lo = out["share_at_zero"] >= threshold
    out["non_discriminating"] = enough & (hi | lo)
    vi, en = [], []
    for r in out.itertuples():
        if not r.n_applicable >= min_units:
            vi.append(f"chỉ {r.n_applicable} đơn vị có phát sinh: quá ít để đánh giá")
            en.append(f"only {r.n_applicable} applicable units: too few to judge")
        elif r.share_at_max >= threshold:
            vi.append(f"{fmt_percent(r.share_at_max, 'vi')} đơn vị đạt điểm tối đa (ngưỡng {fmt_percent(threshold, 'vi')}): không còn phân loại")
            en.append(f"{fmt_percent(r.share_at_max, 'en')} of units at the maximum (threshold {fmt_percent(threshold, 'en')}): "
                      "no longer discriminates")
        elif r.share_at_zero >= threshold:
            vi.append(f"{fmt_percent(r.share_at_zero, 'vi')} đơn vị 0 điểm (ngưỡng {fmt_percent(threshold, 'vi')}): không phân loại")
            en.append(f"{fmt_percent(r.share_at_zero, 'en')} of units at zero (threshold {fmt_percent(threshold, 'en')}): does not discriminate")
        else:
            vi.append("")
            en.append("")
    out["reason_vi"], out["reason_en"] = vi, en
    if "year" in out.columns:
        out["year"] = out["year"].astype(scores["year"].dtype)
    out = out.sort_values([*by, "non_discriminating", "share_at_max", "criterion"],
                          ascending=[True] * len(by) + [False, False, True]).reset_index(drop=True)
    if flagged_only:
        out = out.loc[out["non_discriminating"]].reset_index(drop=True)
    return out
