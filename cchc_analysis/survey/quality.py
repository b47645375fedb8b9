"""Signs of a formally filled survey, scale reliability, and the survey verdict in words.

The sociological survey carries about a third of the PAR INDEX points, yet it is often
filled in formally (leaders hand the forms to staff, answers are copied, everyone
submits in one sitting). These functions give analysts the evidence, as tidy tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..labels import check_lang, column_labels, register
from ..stats import cronbach_alpha, icc1, rwg_j
from ..text import fmt_percent

__all__ = ["survey_quality", "survey_reliability", "item_statistics", "quality_table", "survey_summary"]


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


def _unit_chunks(sizes: np.ndarray, *, max_cells: int = 1 << 18):
    """Groups of units of similar size, each at most ``max_cells`` unit × R × R cells (cache-sized).

    Yields ``(units, R)``: the unit positions (in order) and the padded respondent count
    (the size rounded up to a multiple of 4, or to a power of two above 64).
    """
    sizes = np.maximum(sizes, 2)
    pad = np.where(sizes <= 64, -(-sizes // 4) * 4, 2 ** np.ceil(np.log2(sizes))).astype(np.int64)
    for R in np.unique(pad):
        units = np.flatnonzero(pad == R)
        step = max(1, int(max_cells // (R * R)))
        for k in range(0, len(units), step):
            yield units[k:k + step], int(R)


def _pad(values: np.ndarray, starts: np.ndarray, sizes: np.ndarray, R: int, fill):
    """Rows ``starts[u] : starts[u] + sizes[u]`` of ``values`` as a (units, R, ...) array, padded with ``fill``."""
    pos = np.arange(R)
    valid = pos[None, :] < sizes[:, None]
    idx = np.where(valid, starts[:, None] + pos[None, :], 0)
    out = values[idx]
    if out.dtype.kind == "f" or fill is not None:
        out = np.where(valid.reshape(valid.shape + (1,) * (out.ndim - 2)), out, fill)
    return out, valid


def _pair_stats(x: np.ndarray, *, near_correlation: float | None):
    """Pairwise comparison of answer vectors within each unit: x is (units, R, Q) with NaN = no answer.

    Returns ``common`` (items both answered), ``diff`` (Hamming distance, an item
    answered by only one counting as a difference), ``agree`` (equal answers), ``null_mean``
    / ``null_var`` (agreements expected over the common items when each question's answers
    are permuted among the unit's respondents) and ``r`` (Pearson correlation over the
    common items; NaN when one vector is flat), each (units, R, R).
    """
    B, R, Q = x.shape
    ans = ~np.isnan(x)
    xv = np.where(ans, x, 0.0)
    # within-unit permutation null: chance that two distinct respondents agree on question q
    n_q = ans.sum(axis=1).astype(float)  # (B, Q)
    same = np.zeros((B, Q))
    for v in np.unique(xv[ans]) if ans.any() else []:
        c = ((xv == v) & ans).sum(axis=1).astype(float)
        same += c * (c - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_q = np.where(n_q >= 2, same / np.maximum(n_q * (n_q - 1), 1), 0.0)
    shape = (B, R, R)
    common = np.zeros(shape, np.int32)
    mism = np.zeros(shape, np.int32)
    one = np.zeros(shape, np.int32)
    mu = np.zeros(shape)
    var = np.zeros(shape)
    want_r = near_correlation is not None and near_correlation <= 1
    if want_r:
        sa = np.zeros(shape); sb = np.zeros(shape); saa = np.zeros(shape); sbb = np.zeros(shape); sab = np.zeros(shape)
    for q in range(Q):
        a_ans, b_ans = ans[:, :, None, q], ans[:, None, :, q]
        both = a_ans & b_ans
        a, b = xv[:, :, None, q], xv[:, None, :, q]
        common += both
        mism += both & (a != b)
        one += a_ans ^ b_ans
        pq = p_q[:, q][:, None, None]
        mu += both * pq
        var += both * (pq * (1 - pq))
        if want_r:
            am, bm = a * both, b * both
            sa += am; sb += bm; saa += am * am; sbb += bm * bm; sab += am * bm
    r = None
    if want_r:
        n = common.astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            num = n * sab - sa * sb
            den2 = (n * saa - sa * sa) * (n * sbb - sb * sb)
            den = np.sqrt(np.maximum(den2, 0.0)) / np.maximum(n, 1)
            r = np.where(den > 1e-12, num / np.where(den > 1e-12, den * np.maximum(n, 1), 1.0), np.nan)
    return common, mism + one, common - mism, mu, var, r


def _cronbach_batch(x: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """:func:`cronbach_alpha` of each unit's (R, k) matrix (complete cases of valid rows), vectorised."""
    B, R, k = x.shape
    out = np.full(B, np.nan)
    if k < 2:
        return out
    comp = valid & ~np.isnan(x).any(axis=2)
    n = comp.sum(axis=1)
    xz = np.where(comp[:, :, None], x, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_i = xz.sum(axis=1) / np.maximum(n, 1)[:, None]
        var_i = (np.where(comp[:, :, None], xz - mean_i[:, None, :], 0.0) ** 2).sum(axis=1) / np.maximum(n - 1, 1)[:, None]
        tot = xz.sum(axis=2)
        mean_t = tot.sum(axis=1) / np.maximum(n, 1)
        var_t = (np.where(comp, tot - mean_t[:, None], 0.0) ** 2).sum(axis=1) / np.maximum(n - 1, 1)
        a = k / (k - 1) * (1 - var_i.sum(axis=1) / np.where(var_t > 0, var_t, 1.0))
    ok = (n >= 2) & (var_t > 0)
    out[ok] = a[ok]
    return out


def _rwg_batch(x: np.ndarray, n_options: int) -> np.ndarray:
    """:func:`rwg_j` of each unit's (R, Q) matrix, vectorised (items with < 2 answers left out)."""
    ans = ~np.isnan(x)
    n = ans.sum(axis=1)
    xz = np.where(ans, x, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = xz.sum(axis=1) / np.maximum(n, 1)
        v = (np.where(ans, xz - m[:, None, :], 0.0) ** 2).sum(axis=1) / np.maximum(n - 1, 1)
    okq = n >= 2
    J = okq.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(okq, v, 0.0).sum(axis=1) / np.maximum(J, 1) / ((n_options ** 2 - 1) / 12)
        r = J * (1 - ratio) / (J * (1 - ratio) + ratio)
    return np.where(J == 0, np.nan, np.where(ratio >= 1, 0.0, r))


def _row_means(x: np.ndarray) -> np.ndarray:
    """Mean of each row over its non-missing cells (NaN for an empty row), without warnings."""
    cnt = (~np.isnan(x)).sum(axis=-1)
    tot = np.where(np.isnan(x), 0.0, x).sum(axis=-1)
    return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)


def survey_quality(
    survey: pd.DataFrame,
    *,
    straightline_threshold: float = 0.3,
    duplicate_threshold: float = 0.3,
    burst_threshold: float = 0.5,
    burst_window: str = "30min",
    near_hamming: int = 1,
    near_correlation: float = 0.98,
    near_share: float = 0.3,
    near_z: float = 1.5,
    near_partners: int = 2,
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
      Noisy copies (a copied vector with some answers changed) are caught by a second,
      scaled rule: a pair is also near when it differs in at most ``near_share`` of the
      unit's questions (rounded down: 4 of 14) *and* agrees more than chance, judged against
      a within-unit permutation null (each question's answers shuffled among the unit's
      respondents: ``z = (agreements − expected − ½) / sd ≥ near_z``); a respondent counts
      under this rule only with at least ``near_partners`` such partners, or more when an
      honest respondent would reach that many look-alikes by chance: the 95 % quantile of
      Binomial(n − 1, P(Z ≥ ``near_z``)) (3 of 19 others, 15 of 149; a copy has many
      copy-mates, an honest respondent a few look-alikes by chance, more of them in a large
      unit).
      ``near_share=0`` turns the scaled rule off (the rule before issue 20). Measured on
      seeded noisy-copy worlds (``make bench``, 5 × 400 units): recall 0.91 / precision 0.94 at a flip
      rate of 0.2.
    * ``leader_staff_diff``: mean answer of leaders minus mean answer of staff (means of
      respondent means); NaN unless both roles are present.
    * ``burst_share`` (timestamps only): the largest share of the unit's submissions made
      within one ``burst_window`` (default 30 minutes; half-open, i.e. submissions less
      than the window apart from the first; 10 minutes, the default before issue 20, found
      0.84 of the planted 10–30-minute bursts on 3 × 300-unit worlds, 30 minutes all of them,
      precision 0.92 → 0.93); ``median_gap_minutes``: median
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
    if not 0 <= near_share < 1:
        raise ValueError(f"`near_share` must be in [0, 1), but {near_share!r} was passed.")
    window = pd.Timedelta(burst_window).to_timedelta64()
    w_ns = np.int64(window.astype("timedelta64[ns]").astype(np.int64))
    n_options = int(round(response_range[1] - response_range[0])) + 1
    has_time = "submitted_at" in survey.columns
    resp, x_all, scales = _respondent_matrix(survey)
    yr, un = resp["year"].to_numpy(), resp["unit_id"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, (yr[1:] != yr[:-1]) | (un[1:] != un[:-1]), True])
    starts, sizes = bounds[:-1], np.diff(bounds)
    U = len(starts)
    roles = resp["respondent_role"].to_numpy()
    role_code = np.where(roles == "leader", 1, np.where(roles == "staff", 2, 0)).astype(np.int8)
    if has_time:
        t_all = resp["submitted_at"].to_numpy(dtype="datetime64[ns]")
        t_ok_all = ~np.isnat(t_all)
        t_all = t_all.view(np.int64)
    sc_code, _ = pd.factorize(pd.Series(scales, dtype=object))
    res = {k: np.full(U, np.nan) for k in ("straight", "dup", "diff", "burst", "gap", "a_mean", "a_min", "rwg")}
    n_q = np.zeros(U, np.int64)
    n_lead = np.zeros(U, np.int64)
    n_staff = np.zeros(U, np.int64)
    for units, R in _unit_chunks(sizes):
        n = sizes[units]
        x, valid = _pad(x_all, starts[units], n, R, np.nan)
        ans = ~np.isnan(x)
        asked = ans.any(axis=1)
        n_q[units] = asked.sum(axis=1)
        answered = ans.sum(axis=2)
        flat = np.where(ans, x, -np.inf).max(axis=2) == np.where(ans, x, np.inf).min(axis=2)
        res["straight"][units] = (valid & (answered >= min_items) & flat).sum(axis=1) / n
        # near-duplicates: pairs within the unit
        common, dist, agree, mu, var, r = _pair_stats(x, near_correlation=near_correlation)
        pair_ok = valid[:, :, None] & valid[:, None, :] & ~np.eye(R, dtype=bool)[None] & (common >= min_items)
        near = dist <= near_hamming
        if r is not None:
            near |= r >= near_correlation
        if near_share > 0:
            limit = np.floor(near_share * n_q[units]).astype(np.int64)[:, None, None]
            with np.errstate(invalid="ignore", divide="ignore"):
                z = (agree - mu - 0.5) / np.sqrt(var)
            scaled = (dist <= limit) & (z >= near_z) & pair_ok
            # partners needed grow with the unit: more look-alikes than an honest respondent meets
            # by chance in 95 % of units (each of the n - 1 others passes z >= near_z with
            # probability P(Z >= near_z)), at least `near_partners`
            need_p = np.maximum(near_partners, stats.binom.ppf(0.95, np.maximum(n - 1, 1), stats.norm.sf(near_z)))[:, None]
            near |= scaled & (scaled.sum(axis=2) >= need_p)[:, :, None]
        near &= pair_ok
        res["dup"][units] = near.any(axis=2).sum(axis=1) / n
        # leaders and staff
        rc, _ = _pad(role_code, starts[units], n, R, 0)
        is_l, is_s = valid & (rc == 1), valid & (rc == 2)
        n_lead[units], n_staff[units] = is_l.sum(axis=1), is_s.sum(axis=1)
        means = _row_means(x)
        has = answered > 0
        ml_n, ms_n = (is_l & has).sum(axis=1), (is_s & has).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            ml = np.where(is_l & has, means, 0.0).sum(axis=1) / ml_n
            ms = np.where(is_s & has, means, 0.0).sum(axis=1) / ms_n
        res["diff"][units] = np.where((ml_n > 0) & (ms_n > 0), ml - ms, np.nan)
        # bursts and gaps
        if has_time:
            t, _ = _pad(t_all, starts[units], n, R, 0)
            tv, _ = _pad(t_ok_all, starts[units], n, R, False)
            n_t = tv.sum(axis=1)
            inside = tv[:, None, :] & (t[:, None, :] >= t[:, :, None]) & (t[:, None, :] - t[:, :, None] < w_ns)
            cnt = np.where(tv, inside.sum(axis=2), 0).max(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                res["burst"][units] = np.where(n_t > 0, cnt / np.maximum(n_t, 1), np.nan)
            ts = np.sort(np.where(tv, t, np.iinfo(np.int64).max), axis=1)
            d = np.diff(ts, axis=1)
            d_ok = np.arange(R - 1)[None, :] < (n_t - 1)[:, None]
            secs = np.where(d_ok, (d // 1_000_000_000).astype(float), np.nan)
            g = np.full(len(units), np.nan)
            two = n_t >= 2
            if two.any():
                g[two] = np.nanmedian(secs[two], axis=1) / 60.0
            res["gap"][units] = g
        # Cronbach's alpha of each sub-scale, over the questions put to the unit
        alphas = np.full((len(units), sc_code.max() + 1 if len(sc_code) else 0), np.nan)
        for k in range(alphas.shape[1]):
            cols = np.flatnonzero(sc_code == k)
            pats, inv = np.unique(asked[:, cols], axis=0, return_inverse=True)
            for p_i, pat in enumerate(pats):
                if pat.any():
                    sel = np.flatnonzero(inv.ravel() == p_i)
                    alphas[sel, k] = _cronbach_batch(x[sel][:, :, cols[pat]], valid[sel])
        any_a = (~np.isnan(alphas)).any(axis=1)
        with np.errstate(invalid="ignore"):
            res["a_mean"][units] = np.where(any_a, np.nanmean(np.where(any_a[:, None], alphas, 0.0), axis=1), np.nan)
            res["a_min"][units] = np.where(any_a, np.nanmin(np.where(any_a[:, None], alphas, 0.0), axis=1), np.nan)
        res["rwg"][units] = np.where(n >= 2, _rwg_batch(x, n_options), np.nan)
    out = pd.DataFrame({
        "year": yr[starts], "unit_id": un[starts], "n_respondents": sizes.astype(np.int64),
        "n_leaders": n_lead, "n_staff": n_staff, "n_questions": n_q,
        "share_straightlined": res["straight"], "share_duplicate": res["dup"], "leader_staff_diff": res["diff"],
        "burst_share": res["burst"], "median_gap_minutes": res["gap"], "cronbach_alpha_mean": res["a_mean"],
        "cronbach_alpha_min": res["a_min"], "rwg_j": res["rwg"],
    })
    mins = int(window / np.timedelta64(1, "m"))
    suspect = np.zeros(U, dtype=bool)
    reasons_vi, reasons_en = [], []
    for i, (n, sl, dp, b) in enumerate(zip(sizes, res["straight"], res["dup"], res["burst"])):
        vi, en = [], []
        if n < min_respondents:
            vi.append(f"chỉ có {n} người trả lời (cần ít nhất {min_respondents} để đánh giá)")
            en.append(f"only {n} respondents (at least {min_respondents} needed to judge)")
        else:
            if sl >= straightline_threshold:
                vi.append(f"{fmt_percent(sl, 'vi')} phiếu chọn cùng một mức cho mọi câu hỏi "
                          f"(ngưỡng {fmt_percent(straightline_threshold, 'vi')})")
                en.append(f"{fmt_percent(sl, 'en')} of respondents gave the same answer to every "
                          f"question (threshold {fmt_percent(straightline_threshold, 'en')})")
            if dp >= duplicate_threshold:
                vi.append(f"{fmt_percent(dp, 'vi')} phiếu giống hệt hoặc gần giống phiếu khác "
                          f"trong đơn vị (ngưỡng {fmt_percent(duplicate_threshold, 'vi')})")
                en.append(f"{fmt_percent(dp, 'en')} gave the same or nearly the same answers as "
                          f"another respondent of the unit (threshold {fmt_percent(duplicate_threshold, 'en')})")
            if not np.isnan(b) and b >= burst_threshold:
                vi.append(f"{fmt_percent(b, 'vi')} phiếu được nộp trong cùng {mins} phút (ngưỡng "
                          f"{fmt_percent(burst_threshold, 'vi')}; có thể do điền phiếu tập trung)")
                en.append(f"{fmt_percent(b, 'en')} of the forms were submitted within {mins} minutes (threshold "
                          f"{fmt_percent(burst_threshold, 'en')}; may be a group sitting)")
            suspect[i] = bool(vi)
        reasons_vi.append("; ".join(vi))
        reasons_en.append("; ".join(en))
    out["suspect_formal"] = suspect
    out["reason_vi"] = reasons_vi
    out["reason_en"] = reasons_en
    if len(out):
        out["year"] = out["year"].astype("int64")
    return out


def survey_reliability(survey: pd.DataFrame, *, response_range: tuple[float, float] = (1, 5)) -> pd.DataFrame:
    """Reliability of each sub-scale per year: internal consistency and within-unit agreement.

    Returns
    -------
    DataFrame
        ``year, scale, n_items, n_respondents (complete cases), n_units,
        cronbach_alpha`` (over all respondents, :func:`cronbach_alpha`), ``icc1`` (of the
        respondents' scale means grouped by unit, :func:`icc1`: how much of the answer
        variance lies between units) and ``rwg_j_median`` (median over units of
        :func:`rwg_j`). Without a ``scale`` column the whole questionnaire is one scale
        ``"all"``.

    Examples
    --------
    >>> rows = [{"year": 2023, "unit_id": u, "respondent_id": f"{u}{r}", "question": q,
    ...          "response": float(v + (q == "q2"))}
    ...         for u, base in (("a", 1), ("b", 3)) for r, v in enumerate([base, base + 1])
    ...         for q in ("q1", "q2")]
    >>> survey_reliability(pd.DataFrame(rows))[["scale", "n_items", "n_respondents", "cronbach_alpha", "icc1"]]
      scale  n_items  n_respondents  cronbach_alpha      icc1
    0   all        2              4             1.0  0.777778
    """
    s = survey if "scale" in survey.columns else survey.assign(scale="all")
    n_options = int(round(response_range[1] - response_range[0])) + 1
    rows = []
    for (year, scale), d in s.groupby(["year", "scale"], sort=True):
        w = d.pivot_table(index=["unit_id", "respondent_id"], columns="question", values="response", aggfunc="first")
        x = w.to_numpy(dtype=float)
        complete = ~np.isnan(x).any(axis=1)
        means = pd.DataFrame({"unit_id": w.index.get_level_values("unit_id"), "value": np.nanmean(x, axis=1)})
        rw = [rwg_j(g.to_numpy(dtype=float), n_options=n_options) for _, g in w.groupby(level="unit_id") if len(g) >= 2]
        rows.append({
            "year": int(year), "scale": str(scale), "n_items": x.shape[1], "n_respondents": int(complete.sum()),
            "n_units": int(means["unit_id"].nunique()), "cronbach_alpha": cronbach_alpha(x), "icc1": icc1(means),
            "rwg_j_median": float(np.nanmedian(rw)) if len(rw) and not np.isnan(rw).all() else np.nan,
        })
    return pd.DataFrame(rows, columns=["year", "scale", "n_items", "n_respondents", "n_units", "cronbach_alpha",
                                       "icc1", "rwg_j_median"])


#: A question is a weak item of its scale when its corrected item–total correlation is
#: below this (the usual rule of thumb, Nunnally & Bernstein 1994) or when the scale's α
#: rises by more than :data:`ALPHA_GAIN` without it.
WEAK_ITEM_R = 0.30
ALPHA_GAIN = 0.02


def item_statistics(survey: pd.DataFrame) -> pd.DataFrame:
    """Each question within its sub-scale and year: what the usual "item–total statistics"
    table gives (SPSS, ``psych::alpha``).

    Returns
    -------
    DataFrame
        ``year, scale, question, n_respondents`` (complete cases of the scale), ``mean``,
        ``sd`` (ddof 1), ``item_rest_r`` (Pearson correlation of the item with the sum of
        the scale's *other* items: the corrected item–total correlation), ``alpha`` (the
        scale's α), ``alpha_if_deleted`` (α of the scale without the item) and ``weak``
        (``item_rest_r`` < :data:`WEAK_ITEM_R` or α rises by more than
        :data:`ALPHA_GAIN` without it). In a scale of 2 items ``item_rest_r`` is the two
        items' correlation and ``alpha_if_deleted`` is NaN (α of one item is not defined).
        Without a ``scale`` column the whole questionnaire is one scale ``"all"``.

    Examples
    --------
    >>> rows = [{"year": 2023, "unit_id": "a", "respondent_id": f"r{i}", "question": q, "response": v}
    ...         for i, vals in enumerate([(1, 2, 5), (2, 2, 1), (3, 4, 4), (4, 5, 2)])
    ...         for q, v in zip(("q1", "q2", "q3"), vals)]
    >>> item_statistics(pd.DataFrame(rows))[["question", "item_rest_r", "alpha_if_deleted", "weak"]].round(3)
      question  item_rest_r  alpha_if_deleted   weak
    0       q1        0.291            -0.271   True
    1       q2        0.577            -1.333  False
    2       q3       -0.265             0.967   True

    By hand: q1 = (1, 2, 3, 4) against the rest q2 + q3 = (7, 3, 8, 7): r = 2.5 / √(5 × 14.75)
    = 0.291; q2 = (2, 2, 4, 5) against (6, 3, 7, 6): r = 4.5 / √(6.75 × 9) = 0.577; without q2,
    α = 2 × (1 − (5/3 + 10/3) / 3) = −1.333. q3 runs against the others: the scale is
    reliable without it (0.967).
    """
    s = survey if "scale" in survey.columns else survey.assign(scale="all")
    out = []
    for (year, scale), d in s.groupby(["year", "scale"], sort=True):
        w = d.pivot_table(index=["unit_id", "respondent_id"], columns="question", values="response", aggfunc="first")
        x = w.to_numpy(dtype=float)
        x = x[~np.isnan(x).any(axis=1)]
        n, k = x.shape
        alpha = cronbach_alpha(x) if k >= 2 else np.nan
        total = x.sum(axis=1)
        for j, q in enumerate(w.columns):
            item = x[:, j]
            rest = total - item
            r = np.nan
            if k >= 2 and n >= 3 and item.std() > 0 and rest.std() > 0:
                r = float(np.corrcoef(item, rest)[0, 1])
            a_del = cronbach_alpha(np.delete(x, j, axis=1)) if k >= 3 else np.nan
            weak = bool((np.isfinite(r) and r < WEAK_ITEM_R)
                        or (np.isfinite(a_del) and np.isfinite(alpha) and a_del > alpha + ALPHA_GAIN))
            out.append({"year": int(year), "scale": str(scale), "question": str(q), "n_respondents": int(n),
                        "mean": float(item.mean()) if n else np.nan,
                        "sd": float(item.std(ddof=1)) if n >= 2 else np.nan,
                        "item_rest_r": r, "alpha": alpha, "alpha_if_deleted": a_del, "weak": weak})
    return pd.DataFrame(out, columns=["year", "scale", "question", "n_respondents", "mean", "sd", "item_rest_r",
                                      "alpha", "alpha_if_deleted", "weak"])


register({
    "n_respondents": {"vi": "Số người trả lời", "en": "Respondents"},
    "n_leaders": {"vi": "Số lãnh đạo", "en": "Leaders"},
    "n_staff": {"vi": "Số công chức", "en": "Staff"},
    "n_questions": {"vi": "Số câu hỏi", "en": "Questions"},
    "share_straightlined": {"vi": "Tỷ lệ phiếu một mức", "en": "Share straight-lined"},
    "share_duplicate": {"vi": "Tỷ lệ phiếu trùng/gần trùng", "en": "Share duplicate"},
    "leader_staff_diff": {"vi": "Chênh lệch lãnh đạo − công chức", "en": "Leader − staff difference"},
    "burst_share": {"vi": "Tỷ lệ phiếu nộp dồn (30 phút)", "en": "Share in busiest 30 minutes"},
    "median_gap_minutes": {"vi": "Khoảng cách nộp trung vị (phút)", "en": "Median gap (minutes)"},
    "cronbach_alpha": {"vi": "Hệ số Cronbach α", "en": "Cronbach's α"},
    "cronbach_alpha_mean": {"vi": "Cronbach α trung bình", "en": "Mean Cronbach's α"},
    "cronbach_alpha_min": {"vi": "Cronbach α thấp nhất", "en": "Lowest Cronbach's α"},
    "rwg_j": {"vi": "Mức đồng thuận r_wg(J)", "en": "Agreement r_wg(J)"},
    "rwg_j_median": {"vi": "r_wg(J) trung vị", "en": "Median r_wg(J)"},
    "icc1": {"vi": "ICC(1)", "en": "ICC(1)"},
    "scale": {"vi": "Thang đo", "en": "Scale"},
    "n_items": {"vi": "Số câu", "en": "Items"},
    "n_units": {"vi": "Số đơn vị", "en": "Units"},
    "suspect_formal": {"vi": "Nghi điền hình thức", "en": "Suspected formal filling"},
    "reason": {"vi": "Lý do", "en": "Reason"},
})


def quality_table(quality: pd.DataFrame, *, lang: str = "vi", flagged_only: bool = True) -> pd.DataFrame:
    """Display table of :func:`survey_quality` with headers and reasons in ``lang``.

    Examples
    --------
    >>> q = pd.DataFrame({"year": [2023], "unit_id": ["a"], "n_respondents": [5],
    ...     "share_straightlined": [0.6], "share_duplicate": [0.6], "burst_share": [np.nan],
    ...     "suspect_formal": [True], "reason_vi": ["lý do"], "reason_en": ["reason"]})
    >>> list(quality_table(q, lang="en").columns)
    ['Year', 'Unit id', 'Respondents', 'Share straight-lined', 'Share duplicate', 'Share in busiest 30 minutes', 'Reason']
    """
    check_lang(lang)
    q = quality.loc[quality["suspect_formal"]] if flagged_only else quality
    cols = [c for c in ["year", "unit_id", "n_respondents", "share_straightlined", "share_duplicate",
                        "burst_share", "leader_staff_diff"] if c in q.columns]
    out = q[cols].copy()
    if not flagged_only:
        out["suspect_formal"] = q["suspect_formal"].to_numpy()
    out["reason"] = q[f"reason_{lang}"].to_numpy()
    return out.rename(columns=column_labels(out.columns, lang)).reset_index(drop=True)



def survey_summary(quality: pd.DataFrame, discrimination: pd.DataFrame | None = None, *,
                   lang: str = "vi") -> str:
    """A short verdict in ``lang`` on the survey quality (and the criteria to reconsider).

    Examples
    --------
    >>> q = pd.DataFrame({"year": [2023, 2023], "unit_id": ["a", "b"], "suspect_formal": [True, False]})
    >>> print(survey_summary(q, lang="en"))
    1 of 2 units (2023) show signs of a formally filled survey: a.
    """
    check_lang(lang)
    years = ", ".join(str(y) for y in sorted(quality["year"].unique())) if len(quality) else ""
    flagged = quality.loc[quality["suspect_formal"], "unit_id"].tolist()
    n, k = len(quality), len(flagged)
    if lang == "vi":
        text = (f"{k}/{n} đơn vị ({years}) có dấu hiệu điền phiếu điều tra hình thức"
                + (f": {', '.join(flagged)}." if k else "."))
    else:
        text = (f"{k} of {n} units ({years}) show signs of a formally filled survey"
                + (f": {', '.join(flagged)}." if k else "."))
    if discrimination is not None:
        crit = discrimination.loc[discrimination["non_discriminating"], "criterion"].drop_duplicates().tolist()
        if lang == "vi":
            text += (f"\nTiêu chí không còn phân loại đơn vị (nên xem xét thay thế): {', '.join(crit)}."
                     if crit else "\nKhông có tiêu chí nào bão hòa.")
        else:
            text += (f"\nCriteria that no longer tell units apart (candidates to replace): {', '.join(crit)}."
                     if crit else "\nNo criterion is saturated.")
    return text
