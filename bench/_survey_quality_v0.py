"""BASELINE for bench_survey: survey_quality as it was before issue 15 (per-unit loop, per-respondent `_duplicates`).

The sociological survey carries about a third of the PAR INDEX points, yet it is often
filled in formally (leaders hand the forms to staff, answers are copied, everyone
submits in one sitting). These functions give analysts the evidence, as tidy tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_analysis.labels import check_lang, column_labels, register  # noqa: F401
from cchc_analysis.stats import cronbach_alpha, icc1, rwg_j
from cchc_analysis.text import fmt_percent

__all__ = ["survey_quality"]


def _respondent_matrix(survey: pd.DataFrame):
    """One row per respondent (sorted by year, unit, respondent) and a respondents × questions matrix.

    Returns ``(resp, x, scales)``: ``resp`` has ``year, unit_id, respondent_id,
    respondent_role`` (``""`` when unknown) and ``submitted_at`` (earliest, when present);
    ``x`` the answers (NaN = not answered; the first answer wins); ``scales`` the scale of
    each question column (``"all"`` without a ``scale`` column). Questions are sorted.
    """
    keys = ["year", "unit_id", "respondent_id"]
    s = survey.reset_index(drop=True)
    grouped = s.groupby(keys, sort=True)
    rcode = grouped.ngroup().to_numpy()
    qcode, quniq = pd.factorize(s["question"], sort=True)
    x = np.full((grouped.ngroups, len(quniq)), np.nan)
    order = np.arange(len(s))[::-1]  # assign last-to-first so the first answer wins
    x[rcode[order], qcode[order]] = s["response"].to_numpy(dtype=float)[order]
    resp = grouped.size().reset_index()[keys]
    g = pd.Series(rcode)
    if "respondent_role" in s.columns:
        resp["respondent_role"] = s["respondent_role"].groupby(rcode).first().to_numpy()
    else:
        resp["respondent_role"] = ""
    if "submitted_at" in s.columns:
        resp["submitted_at"] = pd.to_datetime(s["submitted_at"]).groupby(g.to_numpy()).min().to_numpy()
    if "scale" in s.columns:
        scales = s["scale"].astype(str).groupby(qcode).first().to_numpy()
    else:
        scales = np.array(["all"] * len(quniq), dtype=object)
    return resp, x, scales


def _burst(times: np.ndarray, window: np.timedelta64) -> float:
    """Largest share of submissions falling within one window of the given length."""
    t = np.sort(times[~np.isnat(times)])
    if len(t) == 0:
        return float("nan")
    ends = np.searchsorted(t, t + window, side="left")
    return float((ends - np.arange(len(t))).max() / len(t))


def _duplicates(x: np.ndarray, *, near_hamming: int, near_correlation: float, min_items: int) -> np.ndarray:
    """Per respondent: True when another respondent's answer vector is identical or near."""
    n = x.shape[0]
    ans = ~np.isnan(x)
    dup = np.zeros(n, dtype=bool)
    for i in range(n - 1):
        a, b = x[i], x[i + 1:]
        both = ans[i] & ans[i + 1:]
        either = ans[i] | ans[i + 1:]
        common = both.sum(axis=1)
        diff = ((a != b) & both).sum(axis=1) + (either & ~both).sum(axis=1)
        near = (common >= min_items) & (diff <= near_hamming)
        if near_correlation is not None and near_correlation <= 1:
            am = np.where(both, a, np.nan)
            bm = np.where(both, b, np.nan)
            with np.errstate(invalid="ignore", divide="ignore"):
                ca = am - np.nanmean(am, axis=1, keepdims=True)
                cb = bm - np.nanmean(bm, axis=1, keepdims=True)
                num = np.nansum(ca * cb, axis=1)
                den = np.sqrt(np.nansum(ca ** 2, axis=1) * np.nansum(cb ** 2, axis=1))
                r = np.where(den > 1e-12, num / np.where(den > 1e-12, den, 1.0), np.nan)
            near |= (common >= min_items) & (r >= near_correlation)
        if near.any():
            dup[i] = True
            dup[i + 1:][near] = True
    return dup


def _row_means(x: np.ndarray) -> np.ndarray:
    """Mean of each row over its non-missing cells (NaN for an empty row), without warnings."""
    cnt = (~np.isnan(x)).sum(axis=1)
    tot = np.where(np.isnan(x), 0.0, x).sum(axis=1)
    return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)


def survey_quality(
    survey: pd.DataFrame,
    *,
    straightline_threshold: float = 0.3,
    duplicate_threshold: float = 0.3,
    burst_threshold: float = 0.5,
    burst_window: str = "10min",
    near_hamming: int = 1,
    near_correlation: float = 0.98,
    min_items: int = 4,
    min_respondents: int = 5,
    response_range: tuple[float, float] = (1, 5),
) -> pd.DataFrame:
    """Signs that a unit's survey was filled in formally, one row per unit and year.

    Measures (per unit and year):

    * ``share_straightlined``: respondents who gave the same answer to every question
      they answered (at least ``min_items`` answers).
    * ``share_duplicate``: respondents whose answer vector is identical or near-identical
      to another respondent's in the same unit. *Near* means the two vectors differ in at
      most ``near_hamming`` items (an item answered by only one of them counts as a
      difference), or their Pearson correlation over the items both answered is at least
      ``near_correlation`` (the same pattern shifted up or down); at least ``min_items``
      common items are needed. Two straight-liners at the same level are duplicates.
    * ``leader_staff_diff``: mean answer of leaders minus mean answer of staff (means of
      respondent means); NaN unless both roles are present.
    * ``burst_share`` (timestamps only): the largest share of the unit's submissions made
      within one ``burst_window`` (default 10 minutes; half-open, i.e. submissions less
      than the window apart from the first); ``median_gap_minutes``: median
      time between consecutive submissions. A submission time is the earliest time of
      the respondent's rows. A burst can also be an honest sitting (forms filled in at a
      meeting), so the reason says so.
    * ``cronbach_alpha_mean`` / ``cronbach_alpha_min``: Cronbach α of each sub-scale
      (``scale`` column; the whole questionnaire when absent) among the unit's
      respondents (:func:`cronbach_alpha`), averaged / lowest over scales.
    * ``rwg_j``: within-unit agreement r_wg(J) over all questions (:func:`rwg_j`), with
      ``A = max − min + 1`` options from ``response_range``.

    A unit is ``suspect_formal`` when it has at least ``min_respondents`` respondents and
    ``share_straightlined ≥ straightline_threshold`` or ``share_duplicate ≥
    duplicate_threshold`` or ``burst_share ≥ burst_threshold``; ``reason_vi`` /
    ``reason_en`` say which, with the numbers. These are signs, not proof: an analyst
    should look at the forms before drawing conclusions.

    Returns
    -------
    DataFrame
        ``year, unit_id, n_respondents, n_leaders, n_staff, n_questions,
        share_straightlined, share_duplicate, leader_staff_diff, burst_share,
        median_gap_minutes, cronbach_alpha_mean, cronbach_alpha_min, rwg_j,
        suspect_formal, reason_vi, reason_en``.

    Examples
    --------
    >>> rows = []
    >>> for r, ans in enumerate([[5, 5, 5, 5], [5, 5, 5, 5], [5, 5, 5, 5], [2, 4, 3, 5], [4, 2, 5, 3]]):
    ...     rows += [{"year": 2023, "unit_id": "a", "respondent_id": f"r{r}", "respondent_role": "staff",
    ...               "question": f"q{j}", "response": float(v)} for j, v in enumerate(ans)]
    >>> q = survey_quality(pd.DataFrame(rows))
    >>> q[["n_respondents", "share_straightlined", "share_duplicate", "suspect_formal"]]
       n_respondents  share_straightlined  share_duplicate  suspect_formal
    0              5                  0.6              0.6            True
    >>> print(q["reason_en"].iat[0])
    60% of respondents gave the same answer to every question (threshold 30%); 60% gave the same or nearly the same answers as another respondent of the unit (threshold 30%)
    """
    need = ["year", "unit_id", "respondent_id", "question", "response"]
    miss = [c for c in need if c not in survey.columns]
    if miss:
        raise ValueError(f"`survey` lacks the column(s) {miss}; see read_survey.")
    for name, v in (("straightline_threshold", straightline_threshold), ("duplicate_threshold", duplicate_threshold),
                    ("burst_threshold", burst_threshold)):
        if not 0 < v <= 1:
            raise ValueError(f"`{name}` must be in (0, 1], but {v!r} was passed.")
    if near_hamming < 0 or min_items < 2 or min_respondents < 2:
        raise ValueError("`near_hamming` must be >= 0, `min_items` >= 2 and `min_respondents` >= 2.")
    window = pd.Timedelta(burst_window).to_timedelta64()
    n_options = int(round(response_range[1] - response_range[0])) + 1
    has_time = "submitted_at" in survey.columns
    resp, x_all, scales = _respondent_matrix(survey)
    bounds = np.flatnonzero(np.r_[True, (resp["year"].to_numpy()[1:] != resp["year"].to_numpy()[:-1])
                                  | (resp["unit_id"].to_numpy()[1:] != resp["unit_id"].to_numpy()[:-1]), True])
    rows = []
    for lo_, hi_ in zip(bounds[:-1], bounds[1:]):
        year, unit = resp["year"].iat[lo_], resp["unit_id"].iat[lo_]
        x = x_all[lo_:hi_]
        asked = (~np.isnan(x)).any(axis=0)  # questions put to this unit
        x, sc = x[:, asked], scales[asked]
        n = x.shape[0]
        answered = (~np.isnan(x)).sum(axis=1)
        straight = (answered >= min_items) & (np.where(np.isnan(x), -np.inf, x).max(axis=1)
                                              == np.where(np.isnan(x), np.inf, x).min(axis=1))
        dup = _duplicates(x, near_hamming=near_hamming, near_correlation=near_correlation, min_items=min_items)
        role = resp["respondent_role"].to_numpy()[lo_:hi_]
        means = _row_means(x)
        is_l, is_s = role == "leader", role == "staff"
        ml, ms = means[is_l & (answered > 0)], means[is_s & (answered > 0)]
        diff = float(ml.mean() - ms.mean()) if len(ml) and len(ms) else np.nan
        burst = gap = np.nan
        if has_time:
            t = resp["submitted_at"].to_numpy(dtype="datetime64[ns]")[lo_:hi_]
            if (~np.isnat(t)).any():
                burst = _burst(t, window)
                ts = np.sort(t[~np.isnat(t)])
                if len(ts) >= 2:
                    gap = float(np.median(np.diff(ts).astype("timedelta64[s]").astype(float)) / 60.0)
        alphas = np.array([cronbach_alpha(x[:, sc == k]) for k in dict.fromkeys(sc)], dtype=float)
        row = {
            "year": year, "unit_id": unit, "n_respondents": n,
            "n_leaders": int(is_l.sum()), "n_staff": int(is_s.sum()), "n_questions": x.shape[1],
            "share_straightlined": float(straight.mean()) if n else np.nan,
            "share_duplicate": float(dup.mean()) if n else np.nan,
            "leader_staff_diff": diff, "burst_share": burst, "median_gap_minutes": gap,
            "cronbach_alpha_mean": float(np.nanmean(alphas)) if (~np.isnan(alphas)).any() else np.nan,
            "cronbach_alpha_min": float(np.nanmin(alphas)) if (~np.isnan(alphas)).any() else np.nan,
            "rwg_j": rwg_j(x, n_options=n_options) if n >= 2 else np.nan,
        }
        vi, en = [], []
        if n < min_respondents:
            row["suspect_formal"] = False
            vi.append(f"chỉ có {n} người trả lời (cần ít nhất {min_respondents} để đánh giá)")
            en.append(f"only {n} respondents (at least {min_respondents} needed to judge)")
        else:
            flags = []
            if row["share_straightlined"] >= straightline_threshold:
                flags.append(True)
                vi.append(f"{fmt_percent(row['share_straightlined'], 'vi')} phiếu chọn cùng một mức cho mọi câu hỏi "
                          f"(ngưỡng {fmt_percent(straightline_threshold, 'vi')})")
                en.append(f"{fmt_percent(row['share_straightlined'], 'en')} of respondents gave the same answer to every "
                          f"question (threshold {fmt_percent(straightline_threshold, 'en')})")
            if row["share_duplicate"] >= duplicate_threshold:
                flags.append(True)
                vi.append(f"{fmt_percent(row['share_duplicate'], 'vi')} phiếu giống hệt hoặc gần giống phiếu khác "
                          f"trong đơn vị (ngưỡng {fmt_percent(duplicate_threshold, 'vi')})")
                en.append(f"{fmt_percent(row['share_duplicate'], 'en')} gave the same or nearly the same answers as "
                          f"another respondent of the unit (threshold {fmt_percent(duplicate_threshold, 'en')})")
            if not np.isnan(burst) and burst >= burst_threshold:
                flags.append(True)
                mins = int(window / np.timedelta64(1, "m"))
                vi.append(f"{fmt_percent(burst, 'vi')} phiếu được nộp trong cùng {mins} phút (ngưỡng {fmt_percent(burst_threshold, 'vi')}; "
                          "có thể do điền phiếu tập trung)")
                en.append(f"{fmt_percent(burst, 'en')} of the forms were submitted within {mins} minutes (threshold "
                          f"{fmt_percent(burst_threshold, 'en')}; may be a group sitting)")
            row["suspect_formal"] = bool(flags)
        row["reason_vi"] = "; ".join(vi)
        row["reason_en"] = "; ".join(en)
        rows.append(row)
    cols = ["year", "unit_id", "n_respondents", "n_leaders", "n_staff", "n_questions", "share_straightlined",
            "share_duplicate", "leader_staff_diff", "burst_share", "median_gap_minutes", "cronbach_alpha_mean",
            "cronbach_alpha_min", "rwg_j", "suspect_formal", "reason_vi", "reason_en"]
    out = pd.DataFrame(rows, columns=cols)
    if len(out):
        out["year"] = out["year"].astype("int64")
        out["suspect_formal"] = out["suspect_formal"].astype(bool)
    return out


