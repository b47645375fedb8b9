"""The public record below ministry and province level (``unit_level.csv``).

Provinces and ministries publish the PAR index of their own departments, districts and
offices (sở, ban, ngành, huyện; Tổng cục, Cục, Vụ). The bundled transcription holds what
the sources print, verbatim, each row with its URL: ranks within a published group,
achieved points, the stated maximum where printed, the index. Nothing is inferred.

:func:`load_unit_level` reads and validates it; :func:`public_record` sets the few-task claim
against it: where units known to have few administrative procedures or tasks (Ban, Thanh
tra) stand within their organisation's published group, and which organisations score unit
types on different maxima.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..errors import DataError, Problem
from ..labels import check_lang, register, register_values
from ..text import clean_text, fmt_number, parse_number
from .load import RANK_BASES, parse_rank_cell, parse_year_cell

__all__ = ["UNIT_LEVEL_COLUMNS", "UNIT_LEVEL_PATH", "FEW_TASK_TYPES", "load_unit_level", "public_record",
           "public_record_findings", "public_record_for_people", "public_record_texts"]

UNIT_LEVEL_PATH = config.PUBLISHED_DIR / "unit_level.csv"
UNIT_LEVEL_COLUMNS = ["organisation", "organisation_level", "year", "group", "unit_name", "unit_type", "rank",
                      "rank_basis", "achieved_points", "stated_maximum", "index", "source_url", "notes"]
#: Unit types with few administrative procedures or tasks in the sources (Ban, Thanh tra).
FEW_TASK_TYPES = ("ban", "thanh_tra")
_TYPES = ("so", "ban", "thanh_tra", "huyen", "tong_cuc", "cuc", "vu", "nganh_doc", "van_phong", "su_nghiep")

register({
    "organisation": {"vi": "Cơ quan", "en": "Organisation"},
    "group": {"vi": "Nhóm", "en": "Group"},
    "achieved_points": {"vi": "Điểm đạt được", "en": "Points achieved"},
    "stated_maximum": {"vi": "Điểm tối đa (theo nguồn)", "en": "Maximum (as published)"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "n_listed": {"vi": "Số đơn vị được liệt kê", "en": "Units listed"},
    "n_listed_above": {"vi": "Số đơn vị liệt kê cao hơn", "en": "Listed units above"},
})
register_values({
    "ban": {"vi": "Ban", "en": "Board (Ban)"},
    "thanh_tra": {"vi": "Thanh tra", "en": "Inspectorate"},
    "tong_cuc": {"vi": "Tổng cục", "en": "General department (Tổng cục)"},
    "nganh_doc": {"vi": "Cơ quan ngành dọc", "en": "Vertically managed agency"},
    "van_phong": {"vi": "Văn phòng", "en": "Office"},
    "su_nghiep": {"vi": "Đơn vị sự nghiệp", "en": "Public service unit"},
}, column="unit_type")
register_values({
    "stated": {"vi": "nguồn ghi hạng", "en": "stated by the source"},
    "list_order": {"vi": "theo thứ tự liệt kê", "en": "order of a listing"},
    "computed": {"vi": "tính từ bảng đầy đủ", "en": "computed from a complete table"},
}, column="rank_basis")

_TEXTS = {
    "h_public_record": {"vi": "Hồ sơ công khai nói gì", "en": "What the public record says"},
    "public_record_intro": {
        "vi": "Các bộ, tỉnh công bố Chỉ số CCHC của đơn vị trực thuộc (sở, ban, ngành, huyện; tổng cục, cục, vụ). "
              "Dưới đây là vị trí của các đơn vị thường ít thủ tục, nhiệm vụ (Ban, Thanh tra) trong nhóm được công bố, "
              "theo đúng số liệu các nguồn in (tệp data/raw/published/unit_level.csv, mỗi dòng có địa chỉ nguồn). "
              "Phần này không dùng dữ liệu của đơn vị bạn.",
        "en": "Ministries and provinces publish the PAR index of their own units (departments, boards, districts; "
              "general departments, departments, offices). Below, where units that usually have few procedures and tasks "
              "(boards, inspectorates) stand in their published group, as the sources print it "
              "(data/raw/published/unit_level.csv, each row with its source). This part does not use your data."},
    "cap_public_record": {"vi": "Đơn vị ít nhiệm vụ trong các bảng Chỉ số CCHC cấp dưới đã công bố",
                          "en": "Few-task units in published unit-level PAR index tables"},
}


def public_record_texts(lang: str = "vi") -> dict[str, str]:
    """Headings and captions of the public-record part of the few-task page."""
    check_lang(lang)
    return {k: v[lang] for k, v in _TEXTS.items()}


def load_unit_level(*, organisation: str | None = None, years=None, path=None) -> pd.DataFrame:
    """The published unit-level PAR index rows, validated.

    Returns
    -------
    DataFrame with columns ``organisation, organisation_level, year, group, unit_name,
    unit_type, rank, rank_basis, achieved_points, stated_maximum, index, source_url,
    notes``; ``rank`` nullable ``Int64``, numbers floats (NaN where not published).

    Raises
    ------
    DataError naming file, row and column (missing URL, a non-number, an unknown type).

    Examples
    --------
    >>> t = load_unit_level(organisation="Bộ Tài chính")
    >>> sorted(t.groupby("group")["stated_maximum"].first().astype(int).tolist())
    [70, 80, 100]
    """
    p = Path(path) if path is not None else UNIT_LEVEL_PATH
    if not p.exists():
        raise DataError(Problem(str(p), None, None, None, "không tìm thấy tệp", "file not found"))
    raw = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in UNIT_LEVEL_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(Problem(str(p), None, 1, missing[0], f"thiếu cột {missing}", f"missing column(s) {missing}"))
    raw = raw[UNIT_LEVEL_COLUMNS].map(lambda v: clean_text(v) or "")
    problems: list[Problem] = []

    def bad(row, col, vi, en):
        problems.append(Problem(str(p), None, row, col, vi, en))

    out = {c: [] for c in UNIT_LEVEL_COLUMNS}
    for i, r in raw.iterrows():
        row = int(i) + 2
        y = parse_year_cell(r["year"], bad, row) or 0
        out["year"].append(y)
        if r["organisation_level"] not in ("ministry", "province"):
            bad(row, "organisation_level", "phải là ministry hoặc province", "must be ministry or province")
        if r["unit_type"] not in _TYPES:
            bad(row, "unit_type", f"loại đơn vị '{r['unit_type']}' không hợp lệ", f"unknown unit_type {r['unit_type']!r}")
        rk = parse_rank_cell(r["rank"], bad, row)
        out["rank"].append(rk)
        if r["rank_basis"] and r["rank_basis"] not in RANK_BASES:
            bad(row, "rank_basis", f"căn cứ '{r['rank_basis']}' không hợp lệ", f"unknown rank_basis {r['rank_basis']!r}")
        for c in ("achieved_points", "stated_maximum", "index"):
            try:
                v = parse_number(r[c])
            except ValueError:
                bad(row, c, f"không phải số: '{r[c]}'", f"not a number: {r[c]!r}")
                v = None
            out[c].append(np.nan if v is None else v)
        if not re.match(r"^https?://\S+$", r["source_url"]):
            bad(row, "source_url", "mỗi dòng phải có địa chỉ nguồn (http...)", "every row needs a source URL (http...)")
        for c in ("organisation", "organisation_level", "group", "unit_name", "unit_type", "rank_basis",
                  "source_url", "notes"):
            out[c].append(r[c] or None)
    if problems:
        raise DataError(problems)
    df = pd.DataFrame(out)
    df["rank"] = pd.array(df["rank"], dtype="Int64")
    if organisation is not None:
        df = df[df["organisation"] == organisation]
    if years is not None:
        df = df[df["year"].isin(np.atleast_1d(years).astype(int))]
    return df.reset_index(drop=True)


def public_record(unit_level: pd.DataFrame, *, types=FEW_TASK_TYPES) -> pd.DataFrame:
    """Where units of ``types`` stand within their organisation's published group.

    For each such row: the value compared (the index when published, else the achieved
    points), how many units of the same organisation, year and group the source lists with
    that value, and how many of those are above it (our arithmetic on the listed rows: a
    source may list only part of a group; the stated rank is given where printed).

    Returns
    -------
    DataFrame ``organisation, year, group, unit_name, unit_type, rank, rank_basis, value,
    stated_maximum, n_listed, n_listed_above, source_url``.
    """
    rows = []
    for _, r in unit_level[unit_level["unit_type"].isin(types)].iterrows():
        g = unit_level[(unit_level["organisation"] == r["organisation"]) & (unit_level["year"] == r["year"])
                       & (unit_level["group"] == r["group"])]
        col = "index" if np.isfinite(r["index"]) else "achieved_points"
        v = r[col]
        vals = g[col].to_numpy(float)
        vals = vals[np.isfinite(vals)]
        rows.append({
            "organisation": r["organisation"], "year": int(r["year"]), "group": r["group"],
            "unit_name": r["unit_name"], "unit_type": r["unit_type"], "rank": r["rank"], "rank_basis": r["rank_basis"],
            "value": v, "value_kind": col, "stated_maximum": r["stated_maximum"],
            "n_listed": int(len(vals)) if np.isfinite(v) else 0,
            "n_listed_above": int((vals > v).sum()) if np.isfinite(v) else pd.NA,
            "source_url": r["source_url"],
        })
    return pd.DataFrame(rows)


def public_record_for_people(record: pd.DataFrame) -> pd.DataFrame:
    """The :func:`public_record` rows a reader needs, best first: the unit, its organisation and
    group, the stated rank and how it is known, the value compared, the listed units above."""
    out = record[record["n_listed"] > 0].copy()
    out["index"] = out["value"].where(out["value_kind"] == "index")
    out["achieved_points"] = out["value"].where(out["value_kind"] == "achieved_points")
    cols = ["unit_name", "unit_type", "organisation", "year", "group", "rank", "rank_basis", "index",
            "achieved_points", "stated_maximum", "n_listed", "n_listed_above"]
    out = out[cols]
    return out.sort_values(["organisation", "year", "unit_name"]).reset_index(drop=True)


def _maxima(unit_level: pd.DataFrame) -> list[tuple[str, int, list[tuple[str, float]]]]:
    out = []
    for (org, y), g in unit_level.groupby(["organisation", "year"], sort=True):
        m = g.dropna(subset=["stated_maximum"]).groupby("group", sort=False)["stated_maximum"].first()
        if m.nunique() > 1:
            out.append((org, int(y), sorted(m.items(), key=lambda kv: -kv[1])))
    return out


def public_record_findings(unit_level: pd.DataFrame, *, lang: str = "vi") -> list[str]:
    """Plain sentences: what the public record says about few-task units and about
    organisations that score unit types on different maxima, and what it cannot show.

    Examples
    --------
    >>> s = public_record_findings(load_unit_level(), lang="en")
    >>> any("Bộ Tài chính" in x and "/70" in x for x in s)
    True
    """
    check_lang(lang)
    vi = lang == "vi"
    pr = public_record(unit_level)
    out = []
    placed = pr[pr["n_listed"] > 1]
    low = placed[placed["n_listed_above"] >= (placed["n_listed"] - 1)]
    if len(placed):
        bits = []
        for _, r in placed.iterrows():
            rk = (f"hạng {int(r['rank'])}, " if vi else f"rank {int(r['rank'])}, ") if pd.notna(r["rank"]) else ""
            if r["n_listed_above"] == r["n_listed"] - 1:
                pos = (f"thấp nhất trong {r['n_listed']} đơn vị được nêu" if vi
                       else f"lowest of the {r['n_listed']} units listed")
            else:
                pos = (f"{r['n_listed_above']} trong {r['n_listed'] - 1} đơn vị khác được nêu có điểm cao hơn" if vi
                       else f"{r['n_listed_above']} of the {r['n_listed'] - 1} other units listed above it")
            bits.append(f"{r['unit_name']} ({r['organisation']} {r['year']}: {rk}{pos})")
        names = "; ".join(bits)
        out.append((f"Trong các bảng công bố cấp dưới, vị trí của các đơn vị loại Ban, Thanh tra (thường ít thủ tục, "
                    f"nhiệm vụ) trong nhóm của mình: {names}. {len(low)} trên {len(placed)} trường hợp ở vị trí thấp nhất hoặc "
                    "gần thấp nhất trong số đơn vị được nêu: bảng công bố không ủng hộ nhận định \"ít nhiệm vụ thì được lợi\", "
                    "nhưng các bài báo thường chỉ nêu một phần của nhóm.")
                   if vi else
                   (f"In the published tables below ministry/province level, where units of type Ban or Thanh tra (usually few "
                    f"procedures and tasks) stand in their group: {names}. {len(low)} of {len(placed)} are lowest or next to "
                    "lowest among the units listed: the published tables do not support \"few tasks are favoured\", though "
                    "articles often list only part of a group."))
    mx = _maxima(unit_level)
    for org, y, groups in mx:
        parts = ", ".join(f"{g} /{fmt_number(m, lang, 0)}" for g, m in groups)
        out.append(f"{org} ({y}) chấm theo các thang điểm khác nhau và xếp hạng riêng từng nhóm: {parts}." if vi
                   else f"{org} ({y}) scores unit types on different maxima and ranks each group separately: {parts}.")
    n_max = int(unit_level["stated_maximum"].notna().sum())
    n_orgs = unit_level["organisation"].nunique()
    out.append((f"Điều dữ liệu công khai không cho thấy: điểm tối đa của từng đơn vị hiếm khi được công bố ({n_max} trên "
                f"{len(unit_level)} dòng của {n_orgs} cơ quan), nên không thể kiểm định trực tiếp mối liên hệ giữa số nhiệm vụ "
                "phát sinh và chỉ số từ các bảng này.") if vi else
               (f"What the public data cannot show: a unit's own maximum is rarely published ({n_max} of {len(unit_level)} rows "
                f"from {n_orgs} organisations), so the link between arising tasks and the index cannot be tested from these "
                "tables directly."))
    return out
