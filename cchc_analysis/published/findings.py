"""Notebook 00 in words: the findings (2-5 plain sentences) and the page's fixed texts.

Every text of the page is written here once, in Vietnamese and English; the notebook asks
for it in the report's language (:func:`texts`, :func:`findings`).
"""

from __future__ import annotations

import pandas as pd

from ..labels import check_lang, fill_texts, register, register_values
from ..text import fmt_int

__all__ = ["texts", "findings", "rank_basis_note", "year_has_claims", "no_claims_reason", "claims_for_people", "coverage_for_people"]




register({
    "columns": {"vi": "Các cột", "en": "Columns"},
    "expected": {"vi": "Kỳ vọng", "en": "Expected"},
})
register_values({
    "complete": {"vi": "đầy đủ", "en": "complete"},
    "partial": {"vi": "chưa đầy đủ", "en": "incomplete"},
}, column="status")

_TEXTS = {
    "title": {"vi": "Tái lập kết quả Chỉ số CCHC đã công bố", "en": "Reproducing the published PAR INDEX"},
    "h_claims": {"vi": "Nhận định đã công bố", "en": "Published claims"},
    "h_coverage": {"vi": "Dữ liệu công bố có sẵn", "en": "Coverage of the published tables"},
    "h_checks": {"vi": "Kiểm tra tính nhất quán", "en": "Consistency checks"},
    "h_indices": {"vi": "Chỉ số CCHC của năm", "en": "The year's indices"},
    "cap_claims": {"vi": "Từng nhận định đã công bố: giá trị tính lại, giá trị công bố và nguồn",
                   "en": "Each published claim: recomputed value, published value and source"},
    "cap_coverage": {"vi": "Số đơn vị có chỉ số trong bảng công bố của từng năm",
                     "en": "Units with an index in each year's published table"},
    "cap_checks": {"vi": "Các sai lệch tìm thấy", "en": "Deviations found"},
    "cap_indices": {"vi": "Chỉ số CCHC đã công bố của các đơn vị, cao nhất ở trên; đường nét đứt: trung bình",
                    "en": "Published PAR INDEX of each unit, best at the top; dashed line: the mean"},
    "intro": {"vi": "Mỗi nhận định của Bộ Nội vụ được tính lại từ các dòng số liệu đã công bố (kèm nguồn) và "
                    "đánh dấu khớp, không khớp hoặc không tính được (thiếu dữ liệu).",
              "en": "Each statement of the Ministry of Home Affairs is recomputed from the published rows "
                    "(with their sources) and marked pass, fail or not computable (data missing)."},
    "checks_method": {"vi": "Điểm thẩm định + điểm điều tra = tổng điểm (sai số 0,02); thứ hạng khớp với chỉ số.",
                      "en": "Appraisal + survey = total within 0.02; ranks agree with the indices."},
    "checks_none": {"vi": "Không có sai lệch: mọi dòng công bố đều nhất quán.",
                    "en": "No deviation: every published row is consistent."},
    "status_cov": {"vi": "Tình trạng bảng", "en": "Table"},
    "expected_cov": {"vi": "Số đơn vị được xếp hạng (theo nguồn)", "en": "Units ranked (per source)"},
    "no_claims": {"vi": "Không có nhận định đã công bố nào cho năm {year} trong dữ liệu đi kèm; "
                        "các năm có nhận định: {years}.",
                  "en": "No published claim for {year} in the bundled data; years with claims: {years}."},
}


def rank_basis_note(data: pd.DataFrame, *, lang: str = "vi") -> str | None:
    """A sentence saying how many published ranks were left out because they are read from the
    order of a listing (``rank_basis == "list_order"``), or None when none were (or the frame
    is not a published table). ``load_published(..., rank_basis="all")`` includes them.

    Examples
    --------
    >>> from cchc_analysis.published import load_published
    >>> note = rank_basis_note(load_published("ministry"), lang="en")
    >>> "read from the order in which an article lists units" in note and "left out" in note
    True
    """
    check_lang(lang)
    if not {"rank", "rank_listed"} <= set(data.columns):
        return None
    left = data["rank"].isna() & data["rank_listed"].notna()
    n = int(left.sum())
    if not n:
        return None
    years = sorted({int(y) for y in data.loc[left, "year"]})
    span = _span(years)
    if lang == "vi":
        return (f"{fmt_int(n, lang)} thứ hạng công bố ({span}) chỉ được đọc từ thứ tự liệt kê trong bài báo, không phải "
                "hạng nguồn ghi rõ; thứ tự đó không chắc đúng thứ hạng nên đã bỏ ra khỏi xếp hạng, xu hướng và nhận định.")
    return (f"{fmt_int(n, lang)} published ranks ({span}) are read from the order in which an article lists units, not "
            "printed by the source; such order is not reliably the rank, so they are left out of ranks, trends and claims.")


def texts(lang: str = "vi", **kw) -> dict[str, str]:
    """The page's fixed texts in ``lang`` (``{key: text}``; ``kw`` fill placeholders)."""
    return fill_texts(_TEXTS, lang, **kw)


def no_claims_reason(claims: pd.DataFrame, *, year: int, lang: str = "vi") -> str:
    """Why the claims table is empty: no published claim for ``year``."""
    years = sorted({int(y) for y in claims["year"]}) if len(claims) else []
    return texts(lang, year=year, years=", ".join(map(str, years)) or "—")["no_claims"]


def claims_for_people(claims_table: pd.DataFrame) -> pd.DataFrame:
    """The claims table with empty computed values as missing (shown "—")."""
    out = claims_table.copy()
    for c in ("computed", "published"):
        if c in out:
            out[c] = out[c].where(out[c].astype(str).str.strip() != "")
    return out


def coverage_for_people(coverage: pd.DataFrame, *, lang: str = "vi") -> pd.DataFrame:
    """The coverage table with its ``columns`` list in words."""
    from ..labels import label

    out = coverage.copy()
    if "columns" in out:
        out["columns"] = [", ".join(label(c.strip(), lang) for c in str(v).split(",") if c.strip())
                          for v in out["columns"]]
    return out


def year_has_claims(claims_table: pd.DataFrame) -> bool:
    """True when :func:`~cchc_analysis.published.check_claims` found claims for the year."""
    return len(claims_table) > 0


def findings(claims_table: pd.DataFrame, coverage: pd.DataFrame, checks: pd.DataFrame, *, year: int,
             lang: str = "vi", claims: pd.DataFrame | None = None) -> list[str]:
    """2-5 sentences answering "do the published tables reproduce what was announced?".

    Examples
    --------
    >>> t = pd.DataFrame({"status": ["pass", "pass", "not computable"], "year": [2023] * 3,
    ...                   "metric": ["mean", "top", "mean_change"], "claim": ["a", "b", "c"],
    ...                   "computed": ["84,38", "x", ""], "published": ["84,38", "x", "+0,33"],
    ...                   "detail": ["", "", "Năm 2022 chưa đủ dữ liệu"]})
    >>> cov = pd.DataFrame({"year": [2023, 2022], "status": ["complete", "partial"],
    ...                     "ranked_with_index": [17, 5], "expected": [17, 17]})
    >>> findings(t, cov, pd.DataFrame(), year=2023)[0]
    'Năm 2023: 2 trong 3 nhận định đã công bố được tính lại khớp, 0 không khớp, 1 không tính được vì thiếu dữ liệu.'
    """
    check_lang(lang)
    vi = lang == "vi"
    out: list[str] = []
    if not len(claims_table):
        years = sorted({int(y) for y in (claims["year"] if claims is not None else [])})
        out.append(texts(lang, year=year, years=", ".join(map(str, years)) or "—")["no_claims"])
    else:
        k = {s: int((claims_table["status"] == s).sum()) for s in ("pass", "fail", "not computable")}
        n = len(claims_table)
        out.append(f"Năm {year}: {k['pass']} trong {n} nhận định đã công bố được tính lại khớp, {k['fail']} không khớp, "
                   f"{k['not computable']} không tính được vì thiếu dữ liệu." if vi else
                   f"{year}: {k['pass']} of {n} published claims reproduce, {k['fail']} fail, "
                   f"{k['not computable']} cannot be computed for lack of data.")
        key = claims_table.set_index("metric") if "metric" in claims_table else pd.DataFrame()
        parts = []
        for metric, w in (("mean", ("trung bình", "mean")), ("top", ("dẫn đầu", "top")),
                          ("bottom", ("cuối bảng", "bottom")), ("unit_rank_change", ("", ""))):
            if metric in key.index:
                row = key.loc[[metric]].iloc[0]
                if row["status"] == "pass":
                    txt = str(row["claim"]).split(":")[0] + ": " if metric == "unit_rank_change" else w[0 if vi else 1] + " "
                    parts.append(f"{txt}{row['computed']}")
        if parts:
            out.append(("Khớp với công bố: " if vi else "Matches the publication: ") + "; ".join(parts) + ".")
        fails = claims_table[claims_table["status"] == "fail"]
        if len(fails):
            out.append(("Không khớp: " if vi else "Do not match: ")
                       + "; ".join(f"{c} (tính lại {a}, công bố {b})" if vi else f"{c} (computed {a}, published {b})"
                                   for c, a, b in fails[["claim", "computed", "published"]].itertuples(index=False))
                       + ".")
        nc = claims_table[claims_table["status"] == "not computable"]
        if len(nc):
            reason = next((str(d) for d in nc["detail"] if str(d).strip()), "")
            out.append((f"{len(nc)} nhận định không kiểm tra được" if vi else
                        f"{len(nc)} claims cannot be checked") + (f": {reason.rstrip('.')}." if reason else "."))
    if coverage is not None and len(coverage):
        cov = coverage[coverage["year"] <= int(year)] if "year" in coverage else coverage
        complete = sorted(int(y) for y in cov.loc[cov["status"] == "complete", "year"])
        partial = sorted(int(y) for y in cov.loc[cov["status"] != "complete", "year"])
        if complete or partial:
            out.append((f"Bảng công bố đầy đủ: {', '.join(map(str, complete)) or 'không năm nào'}; "
                        f"chưa đầy đủ: {fmt_int(len(partial))} năm ({_span(partial)})"
                        + (f"; {fmt_int(len(checks))} sai lệch nội bộ." if len(checks) else "; không có sai lệch nội bộ.")
                        ) if vi else
                       (f"Complete published tables: {', '.join(map(str, complete)) or 'none'}; "
                        f"incomplete: {len(partial)} years ({_span(partial)})"
                        + (f"; {len(checks)} internal deviations." if len(checks) else "; no internal deviation.")))
    return out[:5]


def _span(years) -> str:
    if not years:
        return "—"
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
