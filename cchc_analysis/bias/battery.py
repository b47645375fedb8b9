"""The test battery of the few-task audit: :func:`few_task_bias`, one row per test."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..labels import check_lang, register
from ..ranking import rank_units
from ..stats import ols_hc3, spearman_boot_ci, studentized_spearman
from ..text import fmt_number, fmt_pvalue
from .adjusted import _BUSY, _FEW, _pick_year, unit_sizes
from .twoway import model_index, slope_test

__all__ = ["few_task_bias"]


def _type_dummies(unit_type: pd.Series, *, min_units: int = 3) -> tuple[np.ndarray, list[str]]:
    """Dummy columns for unit types with >= min_units units (others join the reference)."""
    counts = unit_type.value_counts()
    kept = sorted(counts[counts >= min_units].index.tolist())
    if len(kept) < 2:
        return np.empty((len(unit_type), 0)), []
    ref = counts[kept].sort_values(ascending=False, kind="stable").index[0]
    cols = [t for t in kept if t != ref]
    return np.column_stack([unit_type.eq(t).to_numpy(float) for t in cols]), cols



_TESTS = {
    "association": {
        "vi": "Liên hệ giữa chỉ số và điểm tối đa phát sinh (kiểm định chính)",
        "en": "Association of index with applicable maximum (primary test)",
    },
    "association_rank": {
        "vi": "Liên hệ thứ hạng (Spearman) giữa chỉ số và điểm tối đa phát sinh",
        "en": "Rank association (Spearman) of index with applicable maximum",
    },
    "ability": {
        "vi": "Năng lực (chỉ số điều chỉnh theo mô hình) theo log(điểm tối đa phát sinh)",
        "en": "Ability (model-adjusted index) against log(applicable maximum)",
    },
    "composition": {
        "vi": "Hiệu ứng cơ cấu tiêu chí theo log(điểm tối đa phát sinh): thiên lệch thật",
        "en": "Criteria-mix effect against log(applicable maximum): the unfairness",
    },
    "regression_log_max_by_type": {
        "vi": "Như trên, trong cùng loại đơn vị",
        "en": "As above, within unit types",
    },
    "dispersion": {
        "vi": "Độ phân tán: đơn vị ít nhiệm vụ so với đơn vị nhiều nhiệm vụ",
        "en": "Dispersion: few-task vs busy units",
    },
    "top_concentration": {
        "vi": "Đơn vị ít nhiệm vụ tập trung ở nhóm đầu bảng xếp hạng",
        "en": "Few-task units concentrated at the top of the ranking",
    },
    "bottom_concentration": {
        "vi": "Đơn vị ít nhiệm vụ tập trung ở nhóm cuối bảng xếp hạng",
        "en": "Few-task units concentrated at the bottom of the ranking",
    },
    "association_adjusted": {
        "vi": "Liên hệ thứ hạng còn lại sau mô hình hai chiều",
        "en": "Rank association left after the two-way model",
    },
}

register(
    {
        "test": {"vi": "Kiểm định", "en": "Test"},
        "method": {"vi": "Phương pháp", "en": "Method"},
        "statistic": {"vi": "Thống kê", "en": "Statistic"},
        "p_val": {"vi": "Giá trị p", "en": "p-value"},
        "effect_size": {"vi": "Độ lớn hiệu ứng", "en": "Effect size"},
        "effect_name": {"vi": "Loại hiệu ứng", "en": "Effect"},
        "ci_low": {"vi": "KTC dưới", "en": "CI low"},
        "ci_high": {"vi": "KTC trên", "en": "CI high"},
        "reject": {"vi": "Bác bỏ H0", "en": "Reject H0"},
        "n": {"vi": "Số đơn vị", "en": "Units"},
        "interpretation": {"vi": "Diễn giải", "en": "Interpretation"},
        "expected_index": {"vi": "Chỉ số kỳ vọng theo cơ cấu tiêu chí (%)",
                           "en": "Expected index from criteria mix (%)"},
        "expected_points": {"vi": "Điểm kỳ vọng", "en": "Expected points"},
        "oe_ratio": {"vi": "Tỷ số thực tế/kỳ vọng", "en": "Observed/expected"},
        "index_adjusted": {"vi": "Chỉ số đã chuẩn hóa (%)", "en": "Standardised index (%)"},
        "index_shrunk": {"vi": "Chỉ số co về trung bình (%)", "en": "Shrunk index (%)"},
        "weight": {"vi": "Trọng số dữ liệu riêng", "en": "Own-data weight"},
        "rank_adjusted": {"vi": "Hạng sau chuẩn hóa", "en": "Rank (standardised)"},
        "rank_shrunk": {"vi": "Hạng sau co", "en": "Rank (shrunk)"},
        "rank_change": {"vi": "Thay đổi hạng (+ = tăng)", "en": "Rank change (+ = up)"},
        "size": {"vi": "Quy mô nhiệm vụ", "en": "Task size"},
        "group": {"vi": "Nhóm", "en": "Group"},
        _FEW: {"vi": "Ít nhiệm vụ", "en": "Few-task"},
        _BUSY: {"vi": "Nhiều nhiệm vụ", "en": "Busy"},
        "few_task": {"vi": "Ít nhiệm vụ", "en": "Few-task"},
        "busy": {"vi": "Nhiều nhiệm vụ", "en": "Busy"},
        "difference": {"vi": "Chênh lệch", "en": "Difference"},
        "share_of_gap": {"vi": "Tỷ trọng trong chênh lệch", "en": "Share of gap"},
        "n_few_task": {"vi": "Số đơn vị ít nhiệm vụ", "en": "Few-task units"},
        "n_busy": {"vi": "Số đơn vị nhiều nhiệm vụ", "en": "Busy units"},
    }
)


def _interpret(test: str, row: dict, lang: str, alpha: float) -> str:
    vi = lang == "vi"
    rej = bool(row["reject"])
    es = row["effect_size"]
    p = fmt_pvalue(row["p_val"], lang)
    if not np.isfinite(row["p_val"]):
        return ("Không kiểm định được (thiếu biến thiên hoặc quá ít đơn vị)." if vi
                else "Could not be tested (no variation or too few units).")
    if test in ("association_rank", "association_adjusted"):
        rho = f"ρ = {fmt_number(es, lang)}, {p}"
        what_vi = "Chỉ số điều chỉnh theo mô hình" if test == "association_adjusted" else "Thứ hạng theo chỉ số"
        what_en = "The model-adjusted index" if test == "association_adjusted" else "The ranking by index"
        if not rej:
            return (f"{what_vi} không liên hệ rõ với quy mô nhiệm vụ ({rho}); chênh lệch quan sát được "
                    "có thể do ngẫu nhiên." if vi else
                    f"{what_en} shows no clear association with task size ({rho}); the pattern "
                    "seen could be chance.")
        if es < 0:
            return (f"{what_vi} cao hơn ở đơn vị ít nhiệm vụ ({rho}); khó là ngẫu nhiên." if vi else
                    f"{what_en} is higher for units with fewer tasks ({rho}); unlikely to be chance.")
        return (f"{what_vi} cao hơn ở đơn vị nhiều nhiệm vụ ({rho}); khó là ngẫu nhiên." if vi else
                f"{what_en} is higher for busier units ({rho}); unlikely to be chance.")
    if test in ("association", "regression_log_max_by_type", "ability", "composition"):
        pre_vi, pre_en = {
            "association": ("Khi", "Doubling"),
            "regression_log_max_by_type": ("Trong cùng loại đơn vị: khi", "Within unit types, doubling"),
            "ability": ("Về năng lực (chỉ số điều chỉnh theo mô hình): khi", "In ability (model-adjusted index), doubling"),
            "composition": ("Riêng phần do cơ cấu tiêu chí: khi", "From the criteria mix alone, doubling"),
        }[test]
        d = f"{fmt_number(es, lang, 1)} điểm %" if vi else f"{fmt_number(es, lang, 1)} index points"
        ci = (f"KTC 95 %: {fmt_number(row['ci_low'], lang, 1)} đến {fmt_number(row['ci_high'], lang, 1)}" if vi
              else f"95 % CI {fmt_number(row['ci_low'], lang, 1)} to {fmt_number(row['ci_high'], lang, 1)}")
        if not rej:
            return (f"{pre_vi} điểm tối đa phát sinh tăng gấp đôi, chỉ số thay đổi {d} ({ci}, {p}): "
                    "không khác 0 rõ rệt." if vi else
                    f"{pre_en} the applicable maximum changes the index by {d} ({ci}, {p}): "
                    "not clearly different from 0.")
        return (f"{pre_vi} điểm tối đa phát sinh tăng gấp đôi, chỉ số thay đổi {d} ({ci}, {p})." if vi
                else f"{pre_en} the applicable maximum changes the index by {d} ({ci}, {p}).")
    if test == "dispersion":
        r = fmt_number(es, lang)
        if rej and es > 1:
            return (f"Đơn vị ít nhiệm vụ phân tán hơn (tỷ số độ lệch chuẩn {r}, {p}): thứ hạng của "
                    "chúng kém tin cậy hơn." if vi else
                    f"Few-task units are more spread out (SD ratio {r}, {p}): their ranks are less "
                    "reliable.")
        if rej:
            return (f"Đơn vị nhiều nhiệm vụ phân tán hơn (tỷ số độ lệch chuẩn {r}, {p})." if vi else
                    f"Busy units are more spread out (SD ratio {r}, {p}).")
        return (f"Không có khác biệt rõ về độ phân tán (tỷ số độ lệch chuẩn {r}, {p})." if vi else
                f"No clear difference in spread (SD ratio {r}, {p}).")
    if test in ("top_concentration", "bottom_concentration"):
        top = test == "top_concentration"
        k = int(row["k"])
        cnt = int(row["statistic"])
        exp = row["expected"]
        where_vi = f"{k} vị trí đầu" if top else f"{k} vị trí cuối"
        where_en = f"the top {k}" if top else f"the bottom {k}"
        base_vi = f"{cnt} đơn vị ít nhiệm vụ trong {where_vi} (kỳ vọng {fmt_number(exp, lang, 1)}, {p})"
        noun = "unit" if cnt == 1 else "units"
        base_en = f"{cnt} few-task {noun} in {where_en} (expected {fmt_number(exp, lang, 1)}, {p})"
        if rej:
            return (base_vi + ": nhiều hơn mức ngẫu nhiên." if vi else base_en + ": more than chance.")
        return (base_vi + ": không nhiều hơn mức ngẫu nhiên." if vi else base_en + ": not more than chance.")
    raise ValueError(test)


#: composition effects within ± this many index points per doubling of the maximum are
#: not called unfair (the index-scale composition of a fair design is not exactly 0)
MATERIALITY = 1.0


def _model_rows(scores, units, x, y, *, year, trials=None, materiality: float = MATERIALITY):
    """The rows of the mean and the two-way model: association (primary), ability, composition."""
    rows = []
    # the two-way model: ability and composition of each unit
    mi = model_index(scores, year=year, trials=trials)
    mm = mi.set_index("unit_id")
    key = units["unit_id"].astype(str)
    units = units.assign(index_model=key.map(mm["index_model"]).to_numpy(float),
                         composition=key.map(mm["composition"]).to_numpy(float))
    fit = mi.attrs["fit"]
    pos = pd.Index(fit.unit_ids).get_indexer(units["unit_id"].astype(str))
    g_ref, g_comp = fit.gradients()
    lx = np.log(x)

    # 1. primary: the mean index against log(size), HC3
    prim = slope_test(fit, y, lx)
    rows.append({"test": "association", "method": "OLS index ~ log(size), HC3 standard errors (primary)",
                 "statistic": prim["statistic"], "p_val": prim["p_val"], "effect_size": prim["beta"] * np.log(2),
                 "effect_name": "index_points_per_doubling",
                 "ci_low": prim["ci_low"] * np.log(2), "ci_high": prim["ci_high"] * np.log(2)})

    # 4-5. mechanism: ability (the model-adjusted index) and composition (what the raw index adds)
    for test, col, grad, what in (("ability", "index_model", g_ref, "model-adjusted index (ability)"),
                                  ("composition", "composition", g_comp,
                                   "composition = fitted raw index - model-adjusted index")):
        r = slope_test(fit, units[col].to_numpy(float), lx, gradient=grad[pos])
        extra = ""
        if test == "composition" and np.isfinite(r["se"]) and r["se"] > 0:
            # H0: |effect per doubling| <= materiality (a one-sided z test beyond the band)
            z = (abs(r["beta"]) * np.log(2) - materiality) / (r["se"] * np.log(2))
            r["p_val"] = float(stats.norm.sf(z))
            extra = f"; H0: |effect| <= {materiality:g} index points per doubling"
        rows.append({"test": test,
                     "method": f"OLS {what} ~ log(size), HC3 + delta-method variance of the criterion eases{extra}",
                     "statistic": r["statistic"], "p_val": r["p_val"], "effect_size": r["beta"] * np.log(2),
                     "effect_name": "index_points_per_doubling",
                     "ci_low": r["ci_low"] * np.log(2), "ci_high": r["ci_high"] * np.log(2)})

    return units, rows


def few_task_bias(
    scores: pd.DataFrame,
    *,
    alpha: float = 0.05,
    n_perm: int = 9_999,
    seed=0,
    year=None,
    size: str = "max_points",
    k: int | None = None,
    alternative: str = "two-sided",
    lang: str = "vi",
    trials=None,
) -> pd.DataFrame:
    """Is a unit with few applicable tasks favoured? One row per test (one year).

    Parameters
    ----------
    scores : DataFrame
        Canonical scores table; one year is analysed (``year``, the latest by default).
    alpha : significance level of every row's ``reject``.
    n_perm : permutations of the primary test (and of the adjusted association test).
    seed : seed of permutations and bootstrap; same seed, same table.
    year : year to analyse (default: the latest in ``scores``).
    size : ``"max_points"`` (applicable maximum, default) or ``"n_applicable"``
        (number of applicable criteria): what "few tasks" means.
    k : size of the top and bottom groups of the Wainer check; default
        ``max(3, round(n / 5))`` (a fifth of the units).
    alternative : of the association tests (rows 1 and 6): ``"two-sided"`` (default;
        an audit that would also flag busy units being favoured) or ``"less"`` (only
        "few-task units score higher", ρ < 0: more power for that one claim, decided
        before looking at the data).
    lang : ``"vi"`` or ``"en"`` for the ``interpretation`` column.

    Returns
    -------
    DataFrame
        Columns ``test, method, statistic, p_val, effect_size, effect_name, ci_low,
        ci_high, reject, n, year, interpretation``. Rows, in order:

        1. ``association`` (PRIMARY): OLS of the index on ``log(size)`` with HC3
           standard errors (:func:`ols_hc3`): is the *mean* index higher for few-task
           units? ``effect_size`` = slope × ln 2, the change in index points when the
           size doubles (negative: few-task units score higher), with its 95 % CI;
           ``statistic`` = t. (A test of the mean, not of ranks: near the ceiling,
           binomial skew alone moves ranks.)
        2. ``association_rank``: Spearman's ρ with a studentized permutation p-value
           (projection variance, :func:`studentized_spearman`); ``effect_size`` = ρ with
           a 95 % bootstrap CI.
        3. ``regression_log_max_by_type`` (only when ``unit_type`` has at least two
           types with ≥ 3 units): row 1 with unit-type dummies.
        4. ``ability``: the slope of the *model-adjusted* index
           (:func:`~cchc_analysis.bias.twoway.model_index`, the two-way model's ability on
           the index scale) on ``log(size)``: genuine differences in ability.
        5. ``composition``: the slope of the composition effect (the model's raw index
           minus its adjusted index: what the unit's criteria set adds beyond its
           ability) on ``log(size)``. **This row says whether the index is unfair**:
           negative and significant = few-task units gain from easier criteria. Its
           variance adds the estimation error of the criterion eases (delta method).
        6. ``dispersion``: Brown–Forsythe test between the few-task and the busy half;
           ``effect_size`` = SD ratio few-task / busy.
        7. ``top_concentration`` / 8. ``bottom_concentration``: the Wainer check
           (hypergeometric, one-sided; ``effect_size`` = observed / expected).
        9. ``association_adjusted``: row 2 on the model-adjusted index.

    Notes
    -----
    Association (rows 1-2) is not unfairness: few-task units may really be better.
    :func:`bias_verdict` reads the mechanism from rows 4-5. The calibration
    (``make calibrate``) measures each row's rejection rate in worlds with genuine
    ability differences, near-ceiling rates, all-or-nothing criteria and disjoint
    criteria sets.

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> s = make_synthetic_scores(seed=2, n_cuc=10, n_vu=10, years=(2023,))
    >>> res = few_task_bias(s, n_perm=199, lang="en")
    >>> res["test"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['association', 'association_rank', 'regression_log_max_by_type', 'ability', 'composition',
     'dispersion', 'top_concentration', 'bottom_concentration', 'association_adjusted']
    >>> bool(res.loc[0, "p_val"] > 0)
    True
    """
    check_lang(lang)
    if not (0 < alpha < 1):
        raise ValueError(f"`alpha` must be between 0 and 1, but {alpha!r} was passed.")
    units = unit_sizes(scores, year=year, size=size)
    year = units["year"].iloc[0] if len(units) else _pick_year(scores, year)
    n = len(units)
    if n < 5:
        raise ValueError(f"The few-task bias audit needs at least 5 units with an index; year {year} has {n}.")
    x = units["size"].to_numpy(float)
    y = units["index"].to_numpy(float)
    rows = []

    units, mrows = _model_rows(scores, units, x, y, year=year, trials=trials)
    rows.append(mrows[0])

    # 2. the rank test (secondary)
    a = studentized_spearman(x, y, n_perm=n_perm, seed=seed, alternative=alternative)
    lo, hi = spearman_boot_ci(x, y, seed=seed)
    rows.append({"test": "association_rank",
                 "method": f"Spearman rho, studentized permutation test (projection variance), {alternative}",
                 "statistic": a["statistic"], "p_val": a["p_val"], "effect_size": a["rho"],
                 "effect_name": "spearman_rho", "ci_low": lo, "ci_high": hi})

    # 3. within unit types, where there are types to adjust for
    X = np.column_stack([np.ones(n), np.log(x)])
    if "unit_type" in units.columns:
        D, cols = _type_dummies(units["unit_type"])
        XD = np.column_stack([X, D])
        if cols and np.linalg.matrix_rank(XD) == XD.shape[1] and n > XD.shape[1] + 1:
            note = "index ~ log(size) + unit_type (" + ", ".join(cols) + " vs the largest type)"
            try:
                fitd = ols_hc3(y, XD)
                vals = (fitd["t"][1], fitd["p_val"][1], fitd["beta"][1], fitd["ci_low"][1], fitd["ci_high"][1])
            except ValueError:
                vals = (np.nan,) * 5
            rows.append({"test": "regression_log_max_by_type", "method": f"OLS {note}, HC3 standard errors",
                         "statistic": vals[0], "p_val": vals[1], "effect_size": vals[2] * np.log(2),
                         "effect_name": "index_points_per_doubling",
                         "ci_low": vals[3] * np.log(2), "ci_high": vals[4] * np.log(2)})

    rows.extend(mrows[1:])

    # 3. dispersion
    few = units["group"].eq(_FEW).to_numpy()
    if few.sum() >= 2 and (~few).sum() >= 2:
        w, pw = stats.levene(y[few], y[~few], center="median")
        sd_ratio = np.std(y[few], ddof=1) / np.std(y[~few], ddof=1)
    else:
        w = pw = sd_ratio = np.nan
    rows.append({"test": "dispersion", "method": "Brown-Forsythe (Levene, median-centred), few-task vs busy half",
                 "statistic": w, "p_val": pw, "effect_size": sd_ratio,
                 "effect_name": "sd_ratio_few_over_busy", "ci_low": np.nan, "ci_high": np.nan})

    # 4-5. Wainer check
    kk = max(3, int(round(n / 5))) if k is None else int(k)
    if not (1 <= kk < n):
        raise ValueError(f"`k` must be between 1 and {n - 1}, but {k!r} was passed.")
    ranked = rank_units(units[["year", "unit_id", "index"]], method="min")
    ranked_low = rank_units(units[["year", "unit_id", "index"]], method="min", ascending=True)
    n_few = int(few.sum())
    for test, rk in (("top_concentration", ranked), ("bottom_concentration", ranked_low)):
        sel = (rk["rank"] <= kk).to_numpy()  # ties at the boundary are all included
        draws = int(sel.sum())
        cnt = int((sel & few).sum())
        expected = draws * n_few / n
        # with no few-task unit (all sizes equal) there is nothing to test
        p = float(stats.hypergeom.sf(cnt - 1, n, n_few, draws)) if 0 < n_few < n else np.nan
        rows.append({"test": test, "method": f"hypergeometric, one-sided, k = {kk}",
                     "statistic": float(cnt), "p_val": p,
                     "effect_size": cnt / expected if expected > 0 else np.nan,
                     "effect_name": "observed_over_expected", "ci_low": np.nan, "ci_high": np.nan,
                     "k": draws, "expected": expected})

    # 9. the rank association left after the two-way model
    ya = units["index_model"].to_numpy(float)
    b6 = studentized_spearman(x, ya, n_perm=n_perm, seed=seed, alternative=alternative)
    lo6, hi6 = spearman_boot_ci(x, ya, seed=seed)
    rows.append({"test": "association_adjusted",
                 "method": "as association_rank, on the model-adjusted index (two-way model)",
                 "statistic": b6["statistic"], "p_val": b6["p_val"], "effect_size": b6["rho"],
                 "effect_name": "spearman_rho", "ci_low": lo6, "ci_high": hi6})

    for r in rows:
        r["reject"] = bool(np.isfinite(r["p_val"]) and r["p_val"] <= alpha)
        r["n"] = n
        r["year"] = year
        r["interpretation"] = _interpret(r["test"], r, lang, alpha)
    cols = ["test", "method", "statistic", "p_val", "effect_size", "effect_name", "ci_low",
            "ci_high", "reject", "n", "year", "interpretation"]
    return pd.DataFrame(rows)[cols]
