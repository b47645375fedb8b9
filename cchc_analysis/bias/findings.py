"""Notebook 02 in words: the findings (2-5 plain sentences), the page's fixed texts, and
whether the data are enough for the tests. The statistics come from the other bias modules;
nothing here computes a test."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import check_lang, fill_texts, register, register_values
from ..scoring import maxima_barely_differ
from ..text import fmt_int, fmt_number, fmt_percent, fmt_pvalue

__all__ = ["texts", "calibration_sentences", "MIN_UNITS", "analysis_year", "too_few_units", "findings", "decomposition_for_people",
           "tests_for_people", "NEAR_ZERO_GAP"]

#: Fewest units for the tests of this page (a rank correlation on fewer says nothing).
MIN_UNITS = 6
#: A gap between few-task and busy units below this many index points is "near zero": its
#: parts are not shown as shares of it.
NEAR_ZERO_GAP = 1.0

register_values({
    "association": {"vi": "Độ dốc chỉ số theo log điểm tối đa (kiểm định chính)",
                    "en": "Slope of the index on log maximum (primary test)"},
    "association_rank": {"vi": "Tương quan hạng chỉ số – điểm tối đa", "en": "Rank correlation, index vs maximum"},
    "ability": {"vi": "Phần do năng lực (mô hình đơn vị × tiêu chí)", "en": "Ability part (unit × criterion model)"},
    "composition": {"vi": "Phần do cơ cấu tiêu chí (mô hình đơn vị × tiêu chí)",
                    "en": "Criteria-mix part (unit × criterion model)"},
    "regression_log_max": {"vi": "Hồi quy theo log điểm tối đa", "en": "Regression on log maximum"},
    "regression_log_max_by_type": {"vi": "Hồi quy, trong cùng loại đơn vị", "en": "Regression within unit type"},
    "dispersion": {"vi": "Độ phân tán (Brown–Forsythe)", "en": "Spread (Brown–Forsythe)"},
    "top_concentration": {"vi": "Tập trung ở đầu bảng", "en": "Concentration at the top"},
    "bottom_concentration": {"vi": "Tập trung ở cuối bảng", "en": "Concentration at the bottom"},
    "association_adjusted": {"vi": "Liên hệ sau chuẩn hóa", "en": "Association after standardising"},
}, column="test")
register_values({
    "index": {"vi": "Chênh lệch chỉ số", "en": "Index gap"},
    "composition": {"vi": "Do cơ cấu tiêu chí", "en": "Criteria mix"},
    "remainder": {"vi": "Phần còn lại", "en": "Remainder"},
}, column="part")
register_values({
    "few-task": {"vi": "Ít nhiệm vụ", "en": "Few tasks"},
    "busy": {"vi": "Nhiều nhiệm vụ", "en": "Many tasks"},
}, column="group")
register_values({
    "within": {"vi": "trong giới hạn", "en": "within limits"},
    "above_95": {"vi": "trên giới hạn 95 %", "en": "above the 95 % limit"},
    "below_95": {"vi": "dưới giới hạn 95 %", "en": "below the 95 % limit"},
    "above_998": {"vi": "trên giới hạn 99,8 %", "en": "above the 99.8 % limit"},
    "below_998": {"vi": "dưới giới hạn 99,8 %", "en": "below the 99.8 % limit"},
}, column="flag")



register({
})

_TEXTS = {
    "title": {"vi": "Đơn vị ít nhiệm vụ có được lợi không?", "en": "Are units with few tasks favoured?"},
    "h_tests": {"vi": "Các kiểm định", "en": "The tests"},
    "h_size": {"vi": "Chỉ số và điểm tối đa phát sinh", "en": "Index against applicable maximum"},
    "h_funnel": {"vi": "Biểu đồ phễu", "en": "Funnel plot"},
    "h_mechanism": {"vi": "Cơ cấu tiêu chí hay năng lực: tách chênh lệch giữa hai nhóm",
                    "en": "Criteria mix or ability: the gap between the two groups split"},
    "h_ranking": {"vi": "Xếp hạng trước và sau điều chỉnh", "en": "Ranking before and after adjustment"},
    "tests_intro": {"vi": "Dòng đầu là kiểm định chính: độ dốc của chỉ số theo log điểm tối đa phát sinh (số điểm chỉ "
                          "số thay đổi khi điểm tối đa gấp đôi; sai số chuẩn HC3, vẫn đúng khi đơn vị nhỏ biến động "
                          "nhiều hơn). Độ dốc âm: đơn vị ít nhiệm vụ đạt điểm cao hơn. Tương quan hạng Spearman là "
                          "dòng phụ; hai dòng mô hình đơn vị × tiêu chí tách phần do năng lực và phần do cơ cấu tiêu chí.",
                    "en": "The first row is the primary test: the slope of the index on the log applicable maximum "
                          "(index points per doubling of the maximum; HC3 standard errors, valid when small units vary "
                          "more). A negative slope: few-task units score higher. Spearman's rank correlation is a "
                          "secondary row; the two unit × criterion model rows split the ability part from the "
                          "criteria-mix part."},
    "funnel_intro": {"vi": "Giới hạn 95 % và 99,8 % quanh mức chung, có hiệu chỉnh phân tán quá mức. Đơn vị nhỏ có "
                           "giới hạn rộng hơn: điểm cao hay thấp của chúng dễ là ngẫu nhiên.",
                     "en": "95 % and 99.8 % limits around the overall level, corrected for overdispersion. Small "
                           "units have wider limits: their high or low scores are more easily chance."},
    "mechanism_intro": {"vi": "Chênh lệch giữa nhóm ít nhiệm vụ và nhóm nhiều nhiệm vụ (chia tại trung vị điểm tối "
                              "đa phát sinh) = phần do cơ cấu tiêu chí + phần còn lại.",
                        "en": "The gap between few-task and busy units (split at the median applicable maximum) = "
                              "the criteria-mix part + the remainder."},
    "cap_tests": {"vi": "Kết quả các kiểm định thiên lệch", "en": "Results of the bias tests"},
    "cap_size": {"vi": "Chỉ số CCHC của từng đơn vị theo điểm tối đa phát sinh",
                 "en": "Each unit's PAR index against its applicable maximum"},
    "cap_funnel": {"vi": "Biểu đồ phễu: chỉ số theo điểm tối đa phát sinh, với giới hạn kiểm soát",
                   "en": "Funnel plot: index against applicable maximum, with control limits"},
    "cap_decomposition": {"vi": "Tách chênh lệch giữa hai nhóm thành phần do cơ cấu tiêu chí và phần còn lại",
                          "en": "The gap between the two groups split into the criteria mix and the remainder"},
    "cap_ranking": {"vi": "Hạng theo chỉ số gốc, chỉ số chuẩn hóa theo cơ cấu tiêu chí và chỉ số co về trung bình",
                    "en": "Rank by the raw index, the index standardised for the criteria mix, and the shrunk index"},
    "cap_shift": {"vi": "Thay đổi hạng khi chuẩn hóa theo cơ cấu tiêu chí",
                  "en": "How ranks change once the criteria mix is accounted for"},
    "h_calibration": {"vi": "Phép kiểm định chính đáng tin đến đâu với chính các đơn vị này",
                      "en": "How far the primary test can be trusted for these very units"},
    "calibration_intro": {"vi": "Mô phỏng {worlds} bộ dữ liệu có cùng đơn vị, cùng tiêu chí phát sinh và cùng điểm tối "
                                "đa như năm {year}: một lần không có liên hệ nào giữa chỉ số và điểm tối đa, một lần có "
                                "hiệu ứng cơ cấu tiêu chí bằng đúng mức thấy trong dữ liệu.",
                          "en": "{worlds} simulated datasets with the same units, applicable criteria and maxima as in "
                                "{year}: once with no association of the index with the maximum, once with a "
                                "criteria-mix effect of the size seen in the data."},
    "calibration_size": {"vi": "Khi không có thiên lệch, phép kiểm định báo nhầm ở {rate} số lần mô phỏng (mức danh nghĩa "
                               "{alpha}; {verdict}).",
                         "en": "With no bias the test raises a false alarm in {rate} of the simulations (nominal level "
                               "{alpha}; {verdict})."},
    "calibration_size_ok": {"vi": "đúng mức", "en": "as it should"},
    "calibration_size_bad": {"vi": "lệch khỏi mức danh nghĩa: đọc giá trị p thận trọng",
                             "en": "off the nominal level: read the p-value with care"},
    "calibration_power": {"vi": "Với hiệu ứng cơ cấu bằng mức thấy trong dữ liệu ({effect} điểm mỗi lần điểm tối đa gấp "
                                "đôi), phép kiểm định phát hiện được ở {rate} số lần mô phỏng.",
                          "en": "With a criteria-mix effect of the size seen in the data ({effect} points per doubling "
                                "of the maximum) the test detects it in {rate} of the simulations."},
    "calibration_too_few": {"vi": "Không mô phỏng được: cần ít nhất 4 đơn vị có điểm tối đa khác nhau.",
                            "en": "No simulation: it needs at least 4 units with different maxima."},
    "cap_funnel_table": {"vi": "Số liệu biểu đồ phễu", "en": "Funnel plot data"},
    "near_zero": {"vi": "Chênh lệch gần bằng 0: không tính tỷ trọng.", "en": "Near-zero gap: no shares computed."},
    "too_few": {"vi": "Năm {year} chỉ có {n} đơn vị; cần ít nhất {k} đơn vị để kiểm định thiên lệch, nên trang này "
                      "không đưa ra kết luận.",
                "en": "{year} has {n} units only; the bias tests need at least {k}, so this page draws no "
                      "conclusion."},
    "year_missing": {"vi": "Dữ liệu không có năm {year}; phân tích năm {used} (năm gần nhất có trong dữ liệu).",
                     "en": "The data have no {year}; {used} (the latest year in the data) is analysed."},
}


def texts(lang: str = "vi", **kw) -> dict[str, str]:
    """The page's fixed texts in ``lang`` (``kw`` fill placeholders)."""
    return fill_texts(_TEXTS, lang, **kw)


def analysis_year(scores: pd.DataFrame, year: int = 0) -> int:
    """``year`` if the scores hold it, else the latest year in the scores."""
    years = sorted(int(y) for y in pd.unique(scores["year"]))
    return int(year) if year and int(year) in years else years[-1]


def too_few_units(scores: pd.DataFrame, *, year: int, lang: str = "vi", minimum: int = MIN_UNITS) -> str | None:
    """Why the tests cannot run (fewer than ``minimum`` units in ``year``), or ``None``."""
    n = int(scores.loc[scores["year"] == int(year), "unit_id"].nunique())
    return None if n >= minimum else texts(lang, year=year, n=n, k=minimum)["too_few"]


def _row(results: pd.DataFrame, test: str):
    r = results[results["test"] == test]
    return r.iloc[0] if len(r) else None


def findings(results: pd.DataFrame, decomposition: pd.DataFrame | None = None, *, lang: str = "vi",
             synthetic: bool = False, alpha: float = 0.05, maxima: tuple[float, float] | None = None) -> list[str]:
    """2-5 sentences: is there a few-task advantage, why (criteria mix or genuine ability),
    how much is the criteria mix, and what remains after adjustment.

    ``maxima``: the smallest and largest applicable maximum of the year
    (:func:`cchc_analysis.scoring.max_spread`). When they barely differ (largest < :data:`cchc_analysis.scoring.NARROW_MAXIMA` ×
    smallest) the first sentence says so instead of quoting an effect per doubling, and the
    model sentence (also per doubling) is left out: the data cannot answer the question.

    The primary row (``association``) is the HC3 slope of the index on log₂ of the
    applicable maximum: index points per doubling of the maximum (negative: units with few
    arising tasks score higher); the rank correlation is quoted beside it.

    Examples
    --------
    >>> res = pd.DataFrame({"test": ["association"], "effect_size": [-0.8], "p_val": [0.48], "n": [36],
    ...                     "year": [2023], "reject": [False]})
    >>> findings(res, lang="vi")[0]
    'Không có bằng chứng đơn vị ít nhiệm vụ được lợi: chỉ số thay đổi −0,80 điểm khi điểm tối đa phát sinh gấp đôi; p = 0,480 (36 đơn vị, năm 2023).'
    """
    check_lang(lang)
    vi = lang == "vi"
    out: list[str] = []
    a = _row(results, "association")
    if a is None:
        return out
    slope, p = float(a["effect_size"]), float(a["p_val"])
    where = (f"{fmt_int(a['n'], lang)} đơn vị, năm {int(a['year'])}" if vi else f"{int(a['n'])} units, {int(a['year'])}")
    if synthetic:
        where += ", dữ liệu giả lập" if vi else ", synthetic data"
    rk = _row(results, "association_rank")
    rho = f"; ρ Spearman {fmt_number(rk['effect_size'], lang)}" if rk is not None and np.isfinite(float(rk["effect_size"])) else ""
    stat = (f"chỉ số thay đổi {fmt_number(slope, lang)} điểm khi điểm tối đa phát sinh gấp đôi; {fmt_pvalue(p, lang)}{rho}" if vi
            else f"the index changes by {fmt_number(slope, lang)} points per doubling of the applicable maximum; "
                 f"{fmt_pvalue(p, lang)}{rho}")
    narrow = maxima_barely_differ(maxima)
    if narrow:
        lo, hi = maxima
        spread = f"{fmt_number(lo, lang, 2, strip=True)}–{fmt_number(hi, lang, 2, strip=True)}"
        pct = fmt_percent(hi / lo - 1, lang, 1)
        seen = p < alpha
        test_vi = ("kiểm định chính thấy một liên hệ, nhưng trên khoảng hẹp như vậy nó không nói gì về đơn vị ít nhiệm vụ"
                   if seen else "kiểm định chính không thấy liên hệ")
        test_en = ("the primary test finds an association, but over so narrow a range it says nothing about few-task "
                   "units" if seen else "the primary test finds no association")
        out.append(f"Không kiểm định được với dữ liệu này: điểm tối đa phát sinh của các đơn vị gần như bằng nhau "
                   f"({spread} điểm, chênh nhau {pct}), nên không có đơn vị nào thật sự ít nhiệm vụ; {test_vi} "
                   f"({fmt_pvalue(p, lang)}; {where})." if vi else
                   f"These data cannot answer it: the units' applicable maxima barely differ ({spread} points, "
                   f"{pct} apart), so no unit really has few tasks; {test_en} ({fmt_pvalue(p, lang)}; {where}).")
    elif p < alpha and slope < 0:
        out.append(f"Có: đơn vị ít nhiệm vụ phát sinh đạt chỉ số cao hơn: {stat} ({where})." if vi else
                   f"Yes: units with few applicable tasks score higher: {stat} ({where}).")
    elif p < alpha and slope > 0:
        out.append(f"Ngược lại: đơn vị nhiều nhiệm vụ đạt chỉ số cao hơn: {stat} ({where})." if vi else
                   f"The other way round: busy units score higher: {stat} ({where}).")
    else:
        out.append(f"Không có bằng chứng đơn vị ít nhiệm vụ được lợi: {stat} ({where})." if vi else
                   f"No evidence that few-task units are favoured: {stat} ({where}).")
    comp, abil = _row(results, "composition"), _row(results, "ability")
    if comp is not None and abil is not None and np.isfinite(float(comp["p_val"])) and not narrow:
        from .verdict import bias_mechanism  # the one rule for the mechanism

        mech = bias_mechanism(results)
        c = f"{fmt_number(comp['effect_size'], lang)} điểm, {fmt_pvalue(comp['p_val'], lang)}" if vi else \
            f"{fmt_number(comp['effect_size'], lang)} points, {fmt_pvalue(comp['p_val'], lang)}"
        g = f"{fmt_number(abil['effect_size'], lang)} điểm, {fmt_pvalue(abil['p_val'], lang)}" if vi else \
            f"{fmt_number(abil['effect_size'], lang)} points, {fmt_pvalue(abil['p_val'], lang)}"
        if mech == "composition":
            out.append(f"Nguyên nhân là cơ cấu tiêu chí, không phải năng lực: theo mô hình đơn vị × tiêu chí, phần do cơ cấu "
                       f"tiêu chí là {c} mỗi lần gấp đôi, phần do năng lực {g}. Chỉ số chính thức vì vậy không công bằng giữa "
                       "đơn vị ít và nhiều nhiệm vụ: nên xem chỉ số điều chỉnh hoặc xếp hạng theo nhóm tương đồng." if vi else
                       f"The cause is the criteria mix, not ability: in the unit × criterion model the criteria-mix part is {c} "
                       f"per doubling, the ability part {g}. The official index is therefore unfair between few-task and busy "
                       "units: read the adjusted index or rank in peer groups.")
        elif mech == "ability":
            out.append(f"Chênh lệch phản ánh năng lực thật, không phải cơ cấu tiêu chí (năng lực: {g}; cơ cấu: {c}): nên giữ "
                       "bảng xếp hạng chung; chia nhóm sẽ xóa đi những khác biệt có thật." if vi else
                       f"The difference reflects genuine ability, not the criteria mix (ability: {g}; mix: {c}): keep the single "
                       "league; grouping would remove real differences.")
        elif mech == "association":
            out.append(f"Chưa tách được nguyên nhân (năng lực: {g}; cơ cấu tiêu chí: {c}): giữ bảng chung và xem thêm chỉ số "
                       "điều chỉnh." if vi else
                       f"The cause cannot be told apart (ability: {g}; criteria mix: {c}): keep the single league and show "
                       "the adjusted index beside it.")
    if decomposition is not None and len(decomposition):
        d = decomposition.set_index("part")
        gap = float(d.loc["index", "difference"]) if "index" in d.index else np.nan
        cm = float(d.loc["composition", "difference"]) if "composition" in d.index else np.nan
        rest = float(d.loc["remainder", "difference"]) if "remainder" in d.index else np.nan
        if np.isfinite(gap) and abs(gap) >= NEAR_ZERO_GAP:
            out.append(f"Chênh lệch trung bình giữa nhóm ít và nhóm nhiều nhiệm vụ: {fmt_number(gap, lang, 1)} điểm; "
                       f"{fmt_number(cm, lang, 1)} điểm ({fmt_percent(cm / gap, lang)}) do cơ cấu tiêu chí, "
                       f"{fmt_number(rest, lang, 1)} điểm còn lại khi so trên cùng tiêu chí." if vi else
                       f"Mean gap between few-task and busy units: {fmt_number(gap, lang, 1)} points; "
                       f"{fmt_number(cm, lang, 1)} points ({fmt_percent(cm / gap, lang)}) from the criteria mix, "
                       f"{fmt_number(rest, lang, 1)} points remain on the same criteria.")
        elif np.isfinite(gap):
            out.append(f"Chênh lệch giữa nhóm ít và nhóm nhiều nhiệm vụ gần bằng 0 ({fmt_number(gap, lang, 1)} điểm); "
                       f"phần do cơ cấu tiêu chí: {fmt_number(cm, lang, 1)} điểm." if vi else
                       f"The gap between few-task and busy units is near zero ({fmt_number(gap, lang, 1)} points); "
                       f"criteria-mix part: {fmt_number(cm, lang, 1)} points.")
    adj = _row(results, "association_adjusted")
    if adj is not None and np.isfinite(float(adj["effect_size"])):
        st = f"ρ = {fmt_number(adj['effect_size'], lang)}; {fmt_pvalue(adj['p_val'], lang)}"
        clear = float(adj["p_val"]) < alpha
        out.append(f"Với chỉ số điều chỉnh theo mô hình: {st} ({'vẫn rõ' if clear else 'không còn rõ'})." if vi else
                   f"With the model-adjusted index: {st} ({'still clear' if clear else 'no longer clear'}).")
    return out[:5]


def decomposition_for_people(decomposition: pd.DataFrame) -> pd.DataFrame:
    """The decomposition with shares left out ("—") when the gap is near zero."""
    out = decomposition.copy()
    for y, g in out.groupby("year"):
        gap = g.loc[g["part"] == "index", "difference"]
        if len(gap) and abs(float(gap.iloc[0])) < NEAR_ZERO_GAP:
            out.loc[g.index, "share_of_gap"] = np.nan
    return out


def tests_for_people(results: pd.DataFrame) -> pd.DataFrame:
    """The test table as shown: effect sizes of different kinds stay as numbers (2 decimals)."""
    return results.copy()


def calibration_sentences(calibration: pd.DataFrame, *, year: int, lang: str = "vi") -> list[str]:
    """The user-design calibration (:func:`~cchc_analysis.bias.calibration.user_calibration`)
    in 2-3 sentences: the test's size and its power for these units.

    Examples
    --------
    >>> cal = pd.DataFrame({"scenario": ["no_association", "composition_observed"], "n_worlds": [1000, 1000],
    ...                     "alpha": [0.05, 0.05], "rejection_rate": [0.052, 0.61],
    ...                     "mean_effect_per_doubling": [0.01, -1.234], "ok": [True, None]})
    >>> calibration_sentences(cal, year=2023)[1]
    'Khi không có thiên lệch, phép kiểm định báo nhầm ở 5,2 % số lần mô phỏng (mức danh nghĩa 5 %; đúng mức).'
    """
    check_lang(lang)
    c = calibration.set_index("scenario")
    t = texts(lang)
    null = c.loc["no_association"]
    if not int(null.get("n_worlds", 0) or 0) or not np.isfinite(float(null["rejection_rate"])):
        return [t["calibration_too_few"]]
    out = [texts(lang, worlds=fmt_int(null["n_worlds"], lang), year=year)["calibration_intro"]]
    ok = bool(null["ok"]) if null["ok"] is not None and not pd.isna(null["ok"]) else False
    out.append(texts(lang, rate=fmt_percent(float(null["rejection_rate"]), lang, 1),
                     alpha=fmt_percent(float(null["alpha"]), lang),
                     verdict=t["calibration_size_ok" if ok else "calibration_size_bad"])["calibration_size"])
    if "composition_observed" in c.index:
        pw = c.loc["composition_observed"]
        out.append(texts(lang, rate=fmt_percent(float(pw["rejection_rate"]), lang, 1),
                         effect=fmt_number(float(pw["mean_effect_per_doubling"]), lang))["calibration_power"])
    return out
