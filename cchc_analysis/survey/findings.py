"""Notebook 04 in words: which inputs the page can use, the findings (2-5 plain sentences)
and the page's fixed texts. The analyses are in :mod:`.quality` and :mod:`.discrimination`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import check_lang, fill_texts, register
from ..text import fmt_int, fmt_number, name_list

__all__ = ["texts", "survey_for_year", "with_scale_names", "with_unit_names", "flagged_units", "with_criterion_names", "findings"]

register({
    "criterion_label": {"vi": "Tiêu chí", "en": "Criterion"},
    "scale": {"vi": "Thang đo", "en": "Scale"},
    "icc1": {"vi": "ICC(1)", "en": "ICC(1)"},
    "suspect_formal": {"vi": "Nghi điền hình thức", "en": "Suspected formal filling"},
    "reason_text": {"vi": "Lý do", "en": "Reason"},
    "item_rest_r": {"vi": "Tương quan với các câu còn lại của thang đo", "en": "Correlation with the scale's other items"},
    "alpha_if_deleted": {"vi": "α khi bỏ câu này", "en": "α without this item"},
    "weak": {"vi": "Câu hỏi yếu", "en": "Weak item"},
    "item_mean": {"vi": "Điểm trung bình", "en": "Mean answer"},
    "item_sd": {"vi": "Độ lệch chuẩn", "en": "Standard deviation"},
})

_TEXTS = {
    "title": {"vi": "Chất lượng phiếu điều tra xã hội học và độ phân loại của tiêu chí",
              "en": "Survey quality and criteria that no longer tell units apart"},
    "intro": {"vi": "Dấu hiệu điền phiếu hình thức (chọn một mức cho mọi câu, phiếu trùng hoặc gần trùng, nộp dồn "
                    "trong vài phút) là dấu hiệu cần kiểm tra, không phải kết luận.",
              "en": "Signs of formal filling (one answer for every item, identical or near-identical forms, "
                    "forms submitted within minutes) are signs to check, not proof."},
    "h_quality": {"vi": "Dấu hiệu điền phiếu hình thức", "en": "Signs of formal filling"},
    "h_reliability": {"vi": "Độ tin cậy của thang đo", "en": "Reliability of each scale"},
    "h_gap": {"vi": "Điều tra so với thẩm định", "en": "Survey against appraisal"},
    "h_criteria": {"vi": "Tiêu chí không còn phân loại đơn vị", "en": "Criteria that no longer tell units apart"},
    "cap_quality": {"vi": "Đơn vị có dấu hiệu điền phiếu hình thức và lý do", "en": "Units with signs of formal filling, and why"},
    "cap_quality_fig": {"vi": "Tỷ lệ phiếu một mức và phiếu trùng của từng đơn vị; đường nét đứt: ngưỡng nghi vấn",
                        "en": "Share of straight-lined and duplicate forms per unit; dashed lines: the thresholds"},
    "cap_quality_all": {"vi": "Chỉ tiêu chất lượng phiếu của mọi đơn vị", "en": "Survey quality measures of every unit"},
    "cap_reliability": {"vi": "Độ tin cậy của từng thang đo", "en": "Reliability of each scale"},
    "cap_items": {"vi": "Từng câu hỏi trong thang đo của nó: tương quan với các câu còn lại và α khi bỏ câu này",
                  "en": "Each question within its scale: correlation with the other items and α without it"},
    "cap_gap": {"vi": "Đơn vị có chỉ số điều tra cao hơn chỉ số thẩm định nhiều nhất",
                "en": "Units whose survey index exceeds their appraisal index most"},
    "cap_gap_fig": {"vi": "Chỉ số điều tra theo chỉ số thẩm định của từng đơn vị",
                    "en": "Each unit's survey index against its appraisal index"},
    "cap_criteria": {"vi": "Tiêu chí mà gần như mọi đơn vị đạt tối đa (nên xem xét thay thế)",
                     "en": "Criteria almost every unit passes at the maximum (candidates to replace)"},
    "cap_criteria_fig": {"vi": "Tỷ lệ đơn vị đạt điểm tối đa theo tiêu chí; đường nét đứt: ngưỡng",
                         "en": "Share of units at the maximum per criterion; dashed line: the threshold"},
    "h_n_units_applicable": {"vi": "Số đơn vị có phát sinh", "en": "Units where it arises"},
    "no_quality_flag": {"vi": "Không đơn vị nào có dấu hiệu điền phiếu hình thức.",
                        "en": "No unit shows signs of formal filling."},
    "no_criteria_flag": {"vi": "Không có tiêu chí nào bão hòa.", "en": "No criterion is saturated."},
    "no_survey_given": {"vi": "Không có dữ liệu phiếu điều tra xã hội học đi kèm bảng điểm này: không phân tích được "
                              "chất lượng phiếu và độ tin cậy thang đo. Phần độ phân loại của tiêu chí vẫn được tính "
                              "trên bảng điểm.",
                        "en": "No survey responses come with these scores: survey quality and scale reliability "
                              "cannot be analysed. Criteria discrimination is still computed on the scores."},
    "no_survey_year": {"vi": "Dữ liệu phiếu điều tra không có năm {year} (có: {years}): không phân tích được chất "
                             "lượng phiếu năm này. Phần độ phân loại của tiêu chí vẫn được tính trên bảng điểm.",
                       "en": "The survey responses have no {year} (they have {years}): survey quality cannot be "
                             "analysed for this year. Criteria discrimination is still computed on the scores."},
    "no_survey_component": {"vi": "Bảng điểm năm {year} không có điểm điều tra xã hội học: không so sánh được điều "
                                  "tra với thẩm định.",
                            "en": "The {year} scores have no survey points: survey and appraisal cannot be compared."},
}


def texts(lang: str = "vi", **kw) -> dict[str, str]:
    """The page's fixed texts in ``lang``."""
    return fill_texts(_TEXTS, lang, **kw)


def survey_for_year(survey_path: str, scores_path: str, *, year: int, lang: str = "vi", scores=None):
    """The survey responses of ``year`` and why there are none.

    ``survey_path`` empty with ``scores_path`` empty: the bundled (synthetic) survey that goes
    with the bundled ministry; ``survey_path`` empty with a user's ``scores_path``: no survey
    (the bundled one describes other units); ``"none"`` (what ``cchc report`` passes when
    it has no survey for the year): no survey. Returns ``(responses or None, synthetic,
    reason or None)``. With ``scores``, survey units written by name are keyed by the
    scores' unit ids (:func:`cchc_analysis.io.survey.match_survey_units`).
    """
    from .. import config
    from ..io import read_survey
    from ..provenance import is_synthetic
    from ..synthetic import synthetic_survey_questions

    if (not survey_path and scores_path) or str(survey_path).strip().lower() == "none":  # "none": the report says no survey
        return None, False, texts(lang)["no_survey_given"]
    path = survey_path or str(config.DEFAULT_SURVEY)
    responses = read_survey(path)
    synthetic = is_synthetic(responses)
    if synthetic:  # check the answers against the synthetic instrument (question ids, scales)
        q = synthetic_survey_questions().set_index("question")
        known = responses["question"].isin(q.index)
        lo = responses["question"].map(q["scale_min"]).astype(float)
        hi = responses["question"].map(q["scale_max"]).astype(float)
        r = responses["response"]
        if not known.all() or ((r < lo - 1e-9) | (r > hi + 1e-9)).any():
            # a problem: the careful read says where (file, row, column)
            responses = read_survey(path, questions=synthetic_survey_questions())
        elif "scale" in q.columns:  # the instrument's sub-scales, where the file names none
            from_q = responses["question"].map(q["scale"]).fillna("").astype(str)
            if "scale" in responses.columns:
                given = responses["scale"].astype(str)
                responses["scale"] = given.where(given != "", from_q)
            else:
                responses["scale"] = from_q
    if scores is not None:
        from ..io.survey import match_survey_units

        responses, lost = match_survey_units(responses, scores)
        if lost and not responses["unit_id"].isin(lost).all():  # some match: the others are left out
            responses = responses[~responses["unit_id"].isin(lost)]
    year_rows = responses.loc[responses["year"] == int(year)]
    if year_rows.empty:
        years = ", ".join(str(int(y)) for y in sorted(responses["year"].unique())) or "—"
        return None, synthetic, texts(lang, year=year, years=years)["no_survey_year"]
    return year_rows, synthetic, None


def with_unit_names(frame: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``unit_name`` column (from the scores; the id where a unit is unknown)."""
    names = scores.drop_duplicates("unit_id").set_index("unit_id")["unit_name"]
    out = frame.copy()
    out["unit_name"] = out["unit_id"].map(names).fillna(out["unit_id"])
    return out


def flagged_units(quality: pd.DataFrame, *, lang: str = "vi") -> pd.DataFrame:
    """The units suspected of formal filling, with ``reason_text`` in ``lang``."""
    out = quality[quality["suspect_formal"].astype(bool)].copy()
    out["reason_text"] = out[f"reason_{lang}"]
    return out


def with_criterion_names(discrimination: pd.DataFrame, scores: pd.DataFrame, *, lang: str = "vi") -> pd.DataFrame:
    """``discrimination`` with ``criterion_label`` = id and name (names from the scores'
    ``criterion_name`` column, or from the synthetic instrument for synthetic data), and
    ``reason_text`` in ``lang``."""
    from ..provenance import is_synthetic

    names = {}
    if "criterion_name" in scores:
        names = scores.drop_duplicates("criterion").set_index("criterion")["criterion_name"].dropna().to_dict()
    elif is_synthetic(scores):
        from ..synthetic import synthetic_criteria

        names = synthetic_criteria().set_index("criterion")["name"].to_dict()
    out = discrimination.copy()
    out["criterion_label"] = [f"{c} {names[c]}" if c in names else str(c) for c in out["criterion"]]
    out["reason_text"] = out[f"reason_{lang}"] if f"reason_{lang}" in out else None
    return out


def findings(quality: pd.DataFrame | None, discrimination: pd.DataFrame, gap: pd.DataFrame | None = None, *,
             year: int, lang: str = "vi", synthetic: bool = False, items: pd.DataFrame | None = None) -> list[str]:
    """2-5 sentences: which units look formally filled, which criteria no longer discriminate,
    and (``items``: :func:`cchc_analysis.survey.item_statistics`) which questions weaken
    their scale."""
    check_lang(lang)
    vi = lang == "vi"
    out: list[str] = []
    q = " (dữ liệu giả lập)" if (synthetic and vi) else (" (synthetic data)" if synthetic else "")
    if quality is not None and len(quality):
        flagged = quality[quality["suspect_formal"].astype(bool)]
        names = flagged["unit_name"] if "unit_name" in flagged else flagged["unit_id"]
        k, n = len(flagged), len(quality)
        if k:
            out.append(f"Năm {year}: {fmt_int(k, lang)} trong {fmt_int(n, lang)} đơn vị có dấu hiệu điền phiếu điều tra "
                       f"hình thức: {name_list(names, lang)}{q}; đây là dấu hiệu cần kiểm tra, không phải kết luận."
                       if vi else
                       f"{year}: {k} of {n} units show signs of a formally filled survey: {name_list(names, lang)}"
                       f"{q}; these are signs to check, not proof.")
        else:
            out.append(f"Năm {year}: không đơn vị nào trong {fmt_int(n, lang)} đơn vị có dấu hiệu điền phiếu hình thức{q}."
                       if vi else f"{year}: none of the {n} units shows signs of formal filling{q}.")
    crit = discrimination[discrimination["non_discriminating"].astype(bool)] if len(discrimination) else discrimination
    if len(crit):
        labels = crit["criterion_label"] if "criterion_label" in crit else crit["criterion"]
        crit_noun = ("tiêu chí", "criteria")
        share = float(crit["share_at_max"].min())
        out.append(f"{fmt_int(len(crit), lang)} tiêu chí không còn phân loại đơn vị (ít nhất {fmt_number(100 * share, lang, 0)} % "
                   f"đơn vị đạt tối đa), nên xem xét thay thế: {name_list(labels, lang, sep='; ', noun=crit_noun)}." if vi else
                   f"{len(crit)} criteria no longer tell units apart (at least {fmt_number(100 * share, lang, 0)} % of "
                   f"units at the maximum), candidates to replace: {name_list(labels, lang, sep='; ', noun=crit_noun)}.")
    elif len(discrimination):
        out.append(f"Năm {year}: mọi tiêu chí vẫn phân loại được đơn vị." if vi else
                   f"{year}: every criterion still tells units apart.")
    its = items[items["year"] == year] if items is not None and len(items) else None
    if its is not None and len(its):
        shown = with_scale_names(its, lang=lang).assign(_code=its["scale"].to_numpy())
        whole = shown.groupby("_code", sort=False)["weak"].transform("all").astype(bool)
        for _, g in shown[whole].groupby("_code", sort=False):  # a scale whose items hardly relate at all
            r0, r1 = fmt_number(g["item_rest_r"].min(), lang, 2), fmt_number(g["item_rest_r"].max(), lang, 2)
            a = fmt_number(g["alpha"].iloc[0], lang, 2)
            out.append(f"Năm {year}: các câu hỏi của thang đo {g['scale'].iloc[0]} ít liên quan với nhau (α = {a}; tương "
                       f"quan của mỗi câu với các câu còn lại {r0} đến {r1}): thang đo không đo một điều chung, nên đọc "
                       f"kết quả từng câu." if vi else
                       f"{year}: the questions of the scale {g['scale'].iloc[0]} hardly relate to each other (α = {a}; "
                       f"each item's correlation with the rest {r0} to {r1}): the scale does not measure one thing; "
                       f"read the questions one by one.")
        weak = shown[shown["weak"].astype(bool) & ~whole].sort_values("item_rest_r", kind="stable")

        def one(r):
            r_txt = fmt_number(r["item_rest_r"], lang, 2)
            if np.isfinite(r["alpha_if_deleted"]):
                a = f"α {fmt_number(r['alpha'], lang, 2)} → {fmt_number(r['alpha_if_deleted'], lang, 2)}"
                return (f"{r['question']} ({r['scale']}: r = {r_txt}; {a} khi bỏ câu này)" if vi else
                        f"{r['question']} ({r['scale']}: r = {r_txt}; {a} without it)")
            return f"{r['question']} ({r['scale']}: r = {r_txt})"

        if len(weak):
            listed = name_list([one(r) for _, r in weak.iterrows()], lang, sep="; ", noun=("câu", "items"))
            out.append(f"Năm {year}: {fmt_int(len(weak), lang)} câu hỏi tương quan yếu với các câu cùng thang đo, nên "
                       f"xem lại cách hỏi: {listed}." if vi else
                       f"{year}: {len(weak)} {'question correlates' if len(weak) == 1 else 'questions correlate'} "
                       f"weakly with the rest of {'its' if len(weak) == 1 else 'their'} scale; review the wording: "
                       f"{listed}.")
    if gap is not None and len(gap):
        top = gap.sort_values("gap", ascending=False).iloc[0]
        out.append(f"Chênh lệch điều tra − thẩm định lớn nhất: {top['unit_name']} ({fmt_number(top['survey_index'], lang, 1)} "
                   f"so với {fmt_number(top['appraisal_index'], lang, 1)})." if vi else
                   f"Largest survey − appraisal gap: {top['unit_name']} ({fmt_number(top['survey_index'], lang, 1)} "
                   f"against {fmt_number(top['appraisal_index'], lang, 1)}).")
    return out[:5]


def with_scale_names(reliability: pd.DataFrame, *, lang: str = "vi") -> pd.DataFrame:
    """The reliability table with each sub-scale named for people: a scale named after a
    field (``"f3"`` or ``"3"``, as in the synthetic instrument, where each field's questions
    form one sub-scale) becomes ``"3. <field name>"``; ``"all"`` (a survey that names no
    sub-scales: every question is one scale) is said in words; other names are kept as written.

    >>> with_scale_names(pd.DataFrame({"scale": ["f1", "trust", "all"]}))["scale"].tolist()
    ['1. Công tác chỉ đạo, điều hành CCHC', 'trust', 'Cả phiếu (mọi câu hỏi)']
    """
    import re

    from ..labels import FIELD_NAMES

    check_lang(lang)
    out = reliability.copy()

    whole = {"vi": "Cả phiếu (mọi câu hỏi)", "en": "The whole form (every question)"}[lang]

    def name(v):
        if v == "all":  # survey_reliability's name when the file has no scale column
            return whole
        m = re.fullmatch(r"[fF]?(\d+)", str(v).strip())
        if m and m[1] in FIELD_NAMES:
            return f"{m[1]}. {FIELD_NAMES[m[1]][lang]}"
        return v

    out["scale"] = out["scale"].map(name)
    return out
