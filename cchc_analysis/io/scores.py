"""Reading and validating score data into the canonical tidy ``scores`` table.

Layouts read by :func:`read_scores` (detected; ``layout=`` overrides):

* ``"tidy"``: CSV, Parquet, XLSX with one sheet, in the canonical columns
  ``year, unit_id, unit_name, unit_type, field, criterion, component, max_points,
  points, applicable`` (optionally ``criterion_name``, ``self_points``). Only ``year,
  unit_id, criterion, max_points, points`` are required; ``unit_name`` defaults to
  ``unit_id``, ``unit_type`` to ``""``, ``field`` to the first part of the criterion id
  (``3.2.1`` → ``3``), ``component`` to ``appraisal``, and ``applicable`` is read from
  the points cell (see markers below). Vietnamese column headers are accepted too
  (``Năm``, ``Mã đơn vị``, ``Tiêu chí``, ``Điểm tối đa``, ``Điểm thẩm định``,
  ``Điểm tự chấm``, ``Có phát sinh`` …).
* ``"template"``, the analyst's workbook (``cchc template PATH`` writes a blank one): a
  sheet ``criteria`` / ``Tiêu chí`` with ``criterion, field, name, component,
  max_points`` and optionally ``applies_to`` (``Áp dụng cho``: the unit types a
  criterion applies to, ``tất cả`` = all) and ``parent``; an optional sheet ``units`` /
  ``Đơn vị`` with ``unit_id, unit_name, unit_type`` (optionally ``year``, ``sheet``);
  sheets named ``README`` / ``Hướng dẫn`` are ignored; every other sheet holds scores:
  one long sheet (with a ``unit_id`` column) or one sheet per unit (named after the unit
  id, or mapped in ``units.sheet``) with ``criterion``, ``points`` (and ``self_points``).
* ``"summary"`` (**bảng tổng hợp**) and ``"form"`` (**phiếu chấm điểm**): the criteria
  tree as rows, every parent row and the ``TỔNG ĐIỂM`` / ``Chỉ số CCHC (%)`` /
  ``Xếp hạng`` rows checked (see :mod:`.office`).

Several years: a sheet per year, a year in the title, or several files / a folder
(``read_scores([a, b])``, ``read_scores("folder/")``).

**Not arising ("không phát sinh").** A criterion does not arise for a unit when its
points cell holds one of `-`, `–`, `—`, `KPS`, `K.P.S`, ``không phát sinh``,
``không áp dụng``, `N/A`, ``NA``, ``x`` (any case, with or without diacritics, NFC or
NFD), or when an ``applicable`` column says no (``False``, ``0``, ``không``, ``no``).
An **empty** points cell on an applicable criterion is an error, never a silent zero:
type ``0`` for zero points and ``KPS`` for a criterion that does not arise.

**Completeness.** When the criteria tree says which unit types a criterion applies to
(``applies_to``), a unit lacking a row for a criterion of its type is a located error
("thiếu tiêu chí 2.4 cho đơn vị Vụ Pháp chế"), never a smaller maximum; in the tree
layouts a missing row shows as a parent whose maximum no longer adds up. Otherwise
``cchc validate`` prints how many criteria each unit has, so a missing one stands out.

**Real-world mess handled:** decimal commas (``89,95``), ``%`` signs, thousands
separators, NFC/NFD diacritics, stray and non-breaking spaces, a UTF-8 BOM, numbers
stored as text, title rows above the header, and two-row headers with merged cells
(``Điểm`` over ``Tối đa | Đạt được``). CSV files may use ``,`` or ``;`` as delimiter.

Errors raise :class:`~cchc_analysis.errors.DataError` naming file, sheet, row (as Excel
shows it, header = its own row) and column, in Vietnamese and English.
:func:`validate_scores` returns *all* problems as a table instead.

**Provenance.** ``attrs["synthetic"]`` of the result is True when the file says it is
synthetic: a workbook whose document properties' keywords hold
``provenance.SYNTHETIC_KEYWORD``, or a tidy file whose ``synthetic`` column is true on
every row (that column is not part of the scores table).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ..provenance import mark_synthetic
from ..text import clean_text, fold, parse_number
from .office import NOT_ARISING, detect_tree_header, find_unit_in_title, find_year, read_tree_sheet
from ._tabular import (
    COMMON_ALIASES,
    CSV_EXTENSIONS,
    HEADER_SEARCH_ROWS,
    MAX_PROBLEMS_PER_CHECK,
    PARQUET_EXTENSIONS,
    XLSX_EXTENSIONS,
    Problems,
    Table,
    alias_table,
    canon_col,
    check_file,
    find_sheet,
    find_table,
    frame_rows,
    no_sheet,
    open_workbook,
    read_parquet_frame,
    raise_first,
    read_csv_rows,
    sheet_rows,
    synthetic_column,
    text_id,
    unsupported_format,
    workbook_is_synthetic,
)

__all__ = [
    "SCORE_COLUMNS",
    "NA_MARKERS",
    "read_scores",
    "validate_scores",
    "check_scores",
]

#: Canonical column order of the scores table.
SCORE_COLUMNS = [
    "year",
    "unit_id",
    "unit_name",
    "unit_type",
    "field",
    "criterion",
    "component",
    "max_points",
    "points",
    "applicable",
]
REQUIRED = ["year", "unit_id", "criterion", "max_points", "points"]

#: Markers (folded: lower case, no diacritics) meaning "does not arise": ``-``, ``–``,
#: ``—``, ``KPS``, ``K.P.S``, ``không phát sinh``, ``không áp dụng``, ``N/A``, ``x`` …
NA_MARKERS = NOT_ARISING
#: Optional columns carried when the input has them: the criterion's text, and the
#: unit's own points (điểm tự chấm) beside the appraised ``points``.
OPTIONAL_COLUMNS = ["criterion_name", "self_points"]
#: Layouts :func:`read_scores` reads (``layout=`` override; detected otherwise).
LAYOUTS = {
    "tidy": "tidy", "template": "template", "summary": "summary", "bang-tong-hop": "summary",
    "bang tong hop": "summary", "form": "form", "phieu-cham-diem": "form", "phieu cham diem": "form",
}
# "1.500", "1,500": a single separator before exactly three digits (thousands or decimals?)
#: Point columns: a value is never ≥ 1,000, so "1.875" / "1,875" can only be 1.875 (the range rule).
_POINT_COLUMNS = frozenset({"points", "max_points", "self_points"})
_AMBIGUOUS = re.compile(r"^[+-]?[1-9][0-9]{0,2}[.,][0-9]{3}$")  # "0.375" is never thousands
_ID_OK = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._\-]*$")
_TRUE = frozenset({"true", "1", "co", "yes", "y", "phat sinh", "co phat sinh", "1.0"})
_FALSE = frozenset({"false", "0", "khong", "no", "n", "kps", "khong phat sinh", "0.0"})
_COMPONENTS = {
    "appraisal": "appraisal",
    "tham dinh": "appraisal",
    "diem tham dinh": "appraisal",
    "tu danh gia": "appraisal",
    "survey": "survey",
    "dieu tra": "survey",
    "dieu tra xhh": "survey",
    "dieu tra xa hoi hoc": "survey",
    "diem dieu tra xa hoi hoc": "survey",
    "dtxhh": "survey",
}

#: Headers (folded) of the scores table's own columns, on top of the common ones.
SCORE_ALIASES: dict[str, list[str]] = {
    "unit_id": ["ma_don_vi"],
    "unit_name": ["ten_don_vi"],
    "field": ["field", "linh vuc", "ma linh vuc"],
    "criterion": ["criterion", "criterion_id", "tieu chi", "ma tieu chi", "ma_tieu_chi", "ma tc"],
    "component": ["component", "thanh phan", "loai diem", "phuong phap"],
    "max_points": [
        "max_points", "max", "max points", "diem toi da", "toi da", "diem chuan", "diem diem toi da",
    ],
    "points": [
        "points", "diem", "diem dat duoc", "dat duoc", "diem dat", "diem diem dat duoc",
        "diem danh gia", "diem tham dinh", "ket qua tham dinh", "diem sau tham dinh",
    ],
    "self_points": ["self_points", "diem tu cham", "tu cham", "diem tu danh gia", "diem diem tu cham"],
    "criterion_name": ["criterion_name"],
    "applies_to": ["applies_to", "ap dung cho", "loai don vi ap dung", "doi tuong ap dung"],
    "parent": ["parent", "tieu chi cha", "thuoc muc"],
    "applicable": ["applicable", "phat sinh", "co phat sinh", "ap dung"],
    "name": ["name", "ten tieu chi", "noi dung", "noi dung tieu chi", "ten"],
    "sheet": ["sheet", "trang tinh", "ten sheet"],
}
_ALIASES = alias_table(COMMON_ALIASES, SCORE_ALIASES)

_CRITERIA_SHEETS = {"criteria", "tieu chi", "tieu_chi", "bo tieu chi", "danh muc tieu chi"}
_UNITS_SHEETS = {"units", "don vi", "danh sach don vi", "don_vi"}
_IGNORED_SHEETS = {"readme", "huong dan", "ghi chu", "thong tin", "about"}


# --------------------------------------------------------------------------- raw tables


@dataclass
class _Raw:
    """A sheet as text cells with the Excel row number of every data row."""

    file: str
    sheet: str | None
    frame: pd.DataFrame  # canonical-named columns (object), plus "_row"
    headers: dict[str, str]  # canonical -> header as written in the file
    duplicates: list = None  # (row, column index, canonical, written) of repeated headers
    unknown: list = None  # (row, column index, written) of headers not recognised


def _problem(raw: _Raw, row, column, vi: str, en: str) -> Problem:
    col = raw.headers.get(column, column) if column else None
    return Problem(raw.file, raw.sheet, None if row is None else int(row), col, vi, en)


def _frame_from_rows(rows: list[list], file: str, sheet: str | None) -> _Raw | None:
    """Find the header (see :func:`._tabular.find_table`) -> _Raw of the known columns."""
    table = find_table(rows, _ALIASES, file=file, sheet=sheet)
    if table is None:
        return None
    return _raw(table)


def _raw(table: Table) -> _Raw:
    data = {c: table.column(c) for c in table.columns if c}
    frame = pd.DataFrame(data, dtype=object)
    frame["_row"] = table.row_numbers
    # drop rows whose known columns are all empty
    if len(frame) and len(data):
        vals = frame.drop(columns="_row")
        empty = vals.map(lambda v: clean_text(v) is None).all(axis=1)
        frame = frame[~empty.to_numpy()].reset_index(drop=True)
    return _Raw(table.file, table.sheet, frame, table.headers, getattr(table, "duplicates", []),
                getattr(table, "unknown", []))


def _header_problems(raw: _Raw, problems: list, *, unknown: bool = False) -> None:
    """A repeated column (the second copy would be ignored) and, where every column has a
    meaning (the criteria sheet), an unrecognised one are problems, never ignored."""
    for row, j, canon, written in raw.duplicates or []:
        problems.append(Problem(raw.file, raw.sheet, row, written,
                                f"cột '{written}' lặp lại cột '{raw.headers.get(canon, canon)}' (cùng nghĩa '{canon}'); "
                                "xóa hoặc đổi tên một cột",
                                f"column '{written}' repeats column '{raw.headers.get(canon, canon)}' (both mean "
                                f"'{canon}'); delete or rename one"))
    if unknown:
        for row, j, written in raw.unknown or []:
            problems.append(Problem(raw.file, raw.sheet, row, written,
                                    f"không nhận ra cột '{written}'; dùng một trong: Mã tiêu chí, Lĩnh vực, Tên tiêu chí, "
                                    "Thành phần, Điểm tối đa, Áp dụng cho, Ghi chú",
                                    f"column '{written}' is not recognised; use: criterion, field, name, component, "
                                    "max_points, applies_to, note"))


# --------------------------------------------------------------------------- parsing


def _parse_numeric(raw: _Raw, col: str, problems: list, *, what_vi: str, what_en: str,
                   allow_na_marker: bool = False):
    """Parse a text/number column -> (float array, na_marker mask)."""
    s = raw.frame[col]
    n = len(s)
    out = np.full(n, np.nan)
    marker = np.zeros(n, dtype=bool)
    bad = 0
    bad_mask = np.zeros(n, dtype=bool)
    for i, v in enumerate(s.to_numpy()):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            try:
                fv = float(v)
            except OverflowError:
                fv = float("inf")
            if np.isfinite(fv) or (isinstance(v, float) and np.isnan(v)):
                out[i] = fv
                continue
        if allow_na_marker and isinstance(v, str) and fold(v) in NA_MARKERS:
            marker[i] = True
            continue
        c = clean_text(v) if isinstance(v, str) else None
        why = None
        if c is not None and "%" in c:
            why = ("ô ghi phần trăm; ghi số điểm (không có dấu %)", "the cell holds a percentage; write the points (no %)")
        elif c is not None and _AMBIGUOUS.match(c) and col not in _POINT_COLUMNS:
            why = (f"số '{c}' mơ hồ (dấu chấm/phẩy trước đúng ba chữ số: phần nghìn hay thập phân?); điểm luôn nhỏ "
                   "hơn 1.000: ghi ví dụ '1,5' (thập phân) cho rõ",
                   f"'{c}' is ambiguous (a separator before exactly three digits: thousands or decimals?); "
                   "points are always under 1,000: write it with its decimal comma or point unambiguously")
        if why is not None:
            if bad < MAX_PROBLEMS_PER_CHECK:
                problems.append(_problem(raw, raw.frame["_row"].iat[i], col, f"{what_vi}: {why[0]}", f"{what_en}: {why[1]}"))
            bad += 1
            bad_mask[i] = True
            continue
        try:
            num = parse_number(v)
        except (ValueError, OverflowError):
            if bad < MAX_PROBLEMS_PER_CHECK:
                problems.append(_problem(
                    raw, raw.frame["_row"].iat[i], col,
                    f"{what_vi} phải là số, nhưng ô ghi '{clean_text(v)}'"
                    + ("; ghi KPS nếu tiêu chí không phát sinh" if allow_na_marker else ""),
                    f"{what_en} must be a number, but the cell holds '{clean_text(v)}'"
                    + ("; write KPS if the criterion does not arise" if allow_na_marker else ""),
                ))
            bad += 1
            bad_mask[i] = True
            out[i] = np.nan
            marker[i] = False
            continue
        out[i] = np.nan if num is None else num
    _parse_numeric.bad = bad_mask
    return out, marker


def _tidy_from_raw(raw: _Raw, problems: list, *, criteria: pd.DataFrame | None = None,
                   units: pd.DataFrame | None = None, default_unit: str | None = None,
                   default_year=None) -> pd.DataFrame | None:
    """Turn one raw sheet into canonical rows (plus _file/_sheet/_row), appending problems."""
    f = raw.frame
    if isinstance(problems, Problems):
        problems.headers[(raw.file, raw.sheet)] = raw.headers
    _header_problems(raw, problems)
    need = list(REQUIRED)
    if criteria is not None:
        need.remove("max_points")
    if default_unit is not None:
        need.remove("unit_id")
    if default_year is not None:
        need.remove("year")
    missing = [c for c in need if c not in f.columns]
    if missing:
        for c in missing:
            problems.append(Problem(
                raw.file, raw.sheet, None, c,
                f"thiếu cột bắt buộc '{c}' (tiêu đề tiếng Việt cũng được, ví dụ "
                f"{_VI_HEADER.get(c, c)!r}); các cột đang có: {list(raw.headers.values())}",
                f"required column '{c}' is missing; columns present: {list(raw.headers.values())}",
            ))
        return None
    n = len(f)
    out = pd.DataFrame({"_row": f["_row"].to_numpy()})
    out["_file"] = raw.file
    out["_sheet"] = raw.sheet

    # year
    if "year" in f.columns:
        yr = np.full(n, -1, dtype=np.int64)
        for i, v in enumerate(f["year"].to_numpy()):
            if (v is None or clean_text(v) is None) and default_year is not None:
                yr[i] = int(default_year)
                continue
            try:
                num = parse_number(v)
            except ValueError:
                num = None
            if num is None or not float(num).is_integer() or not (1900 <= num <= 2100):
                problems.append(_problem(
                    raw, f["_row"].iat[i], "year",
                    f"năm phải là số nguyên (ví dụ 2023), nhưng ô ghi '{clean_text(v)}'",
                    f"year must be a whole number (e.g. 2023), but the cell holds '{clean_text(v)}'",
                ))
            else:
                yr[i] = int(num)
        out["year"] = yr
    else:
        out["year"] = np.int64(default_year)

    def text_col(col, default=None):
        if col in f.columns:
            return [clean_text(v) for v in f[col].to_numpy()]
        return [default] * n

    out["unit_id"] = text_col("unit_id", default_unit)
    if default_unit is not None:
        out["unit_id"] = [u if u is not None else default_unit for u in out["unit_id"]]
    out["criterion"] = [text_id(v) for v in f["criterion"].to_numpy()]
    for col, vi_name, en_name in [("unit_id", "mã đơn vị", "unit id"), ("criterion", "mã tiêu chí", "criterion id")]:
        bad_rows = out.index[pd.isna(out[col])]
        for i in bad_rows[:MAX_PROBLEMS_PER_CHECK]:
            problems.append(_problem(raw, out["_row"].iat[i], col, f"thiếu {vi_name}", f"{en_name} is empty"))
    _check_ids(out["criterion"], out["_row"], raw, "criterion", problems)
    if units is not None and "unit_id" in f.columns:  # a long sheet: every id must be a listed unit
        known_units = set(units["unit_id"])
        for i, u in enumerate(out["unit_id"]):
            if u is not None and u not in known_units:
                problems.append(_problem(raw, out["_row"].iat[i], "unit_id",
                                         f"mã đơn vị '{u}' không có trong trang đơn vị (gõ nhầm?)",
                                         f"unit id '{u}' is not in the units sheet (a typo?)"))

    unit_name = text_col("unit_name")
    unit_type = text_col("unit_type")
    out["unit_name"] = unit_name
    out["unit_type"] = unit_type
    out["field"] = text_col("field")
    comp = text_col("component")
    comps = []
    for i, c in enumerate(comp):
        if c is None:
            comps.append(None)
            continue
        k = _COMPONENTS.get(fold(c))
        if k is None:
            problems.append(_problem(
                raw, f["_row"].iat[i], "component",
                f"thành phần phải là 'thẩm định' (appraisal) hoặc 'điều tra' (survey), nhưng ô ghi '{c}'",
                f"component must be 'appraisal' or 'survey', but the cell holds '{c}'",
            ))
        comps.append(k)
    out["component"] = comps

    pts, marker = _parse_numeric(raw, "points", problems, what_vi="điểm đạt được",
                                 what_en="points", allow_na_marker=True)
    bad_cells = _parse_numeric.bad.copy()
    out["points"] = pts
    if "self_points" in f.columns:
        sp, _ = _parse_numeric(raw, "self_points", problems, what_vi="điểm tự chấm",
                               what_en="self-assessed points", allow_na_marker=True)
        out["self_points"] = sp
    if "criterion_name" in f.columns or "name" in f.columns:
        out["criterion_name"] = text_col("criterion_name" if "criterion_name" in f.columns else "name")
    if "max_points" in f.columns:
        mx, _ = _parse_numeric(raw, "max_points", problems, what_vi="điểm tối đa", what_en="max points")
        bad_cells |= _parse_numeric.bad
        out["max_points"] = mx
    else:
        out["max_points"] = np.nan
    out["_bad"] = bad_cells
    applicable = ~marker
    if "applicable" in f.columns:
        app_given = np.ones(n, dtype=bool)
        for i, v in enumerate(f["applicable"].to_numpy()):
            if isinstance(v, bool):
                app_given[i] = v
                continue
            c = clean_text(v)
            if c is None:
                continue
            k = fold(c)
            if k in _TRUE:
                app_given[i] = True
            elif k in _FALSE or k in NA_MARKERS:
                app_given[i] = False
            else:
                problems.append(_problem(
                    raw, f["_row"].iat[i], "applicable",
                    f"cột phát sinh phải là Có/Không (True/False), nhưng ô ghi '{c}'",
                    f"applicable must be yes/no (True/False), but the cell holds '{c}'",
                ))
        # a points cell with a number on a row marked "not applicable" is an error
        conflict = ~app_given & ~np.isnan(pts)
        for i in np.flatnonzero(conflict)[:MAX_PROBLEMS_PER_CHECK]:
            problems.append(_problem(
                raw, f["_row"].iat[i], "points",
                f"tiêu chí ghi là không phát sinh nhưng lại có điểm ({pts[i]:g}); "
                "xóa điểm hoặc sửa cột phát sinh",
                f"criterion is marked not applicable but has points ({pts[i]:g}); "
                "delete the points or correct the applicable column",
            ))
        applicable = applicable & app_given
    out["applicable"] = applicable
    # criteria sheet supplies max points / field / component
    if criteria is not None and len(out):
        info = criteria.set_index("criterion")
        known = out["criterion"].isin(info.index)
        m = out["criterion"].map(info["max_points"])
        if "max_points" in f.columns:
            out["max_points"] = np.where(np.isnan(out["max_points"]), m, out["max_points"])
        else:
            out["max_points"] = m.to_numpy(dtype=float)
        out["field"] = [x if x is not None else y for x, y in
                        zip(out["field"], out["criterion"].map(info["field"]))]
        out["component"] = [x if x is not None else y for x, y in
                            zip(out["component"], out["criterion"].map(info["component"]))]
        if "name" in info and info["name"].notna().any():
            given = out["criterion_name"] if "criterion_name" in out else [None] * len(out)
            out["criterion_name"] = [x if x is not None else y for x, y in
                                     zip(given, out["criterion"].map(info["name"]))]
        for i in np.flatnonzero(~known.to_numpy() & out["criterion"].notna().to_numpy())[:MAX_PROBLEMS_PER_CHECK]:
            problems.append(_problem(
                raw, out["_row"].iat[i], "criterion",
                f"tiêu chí '{out['criterion'].iat[i]}' không có trong trang tính criteria (bộ tiêu chí); "
                "thêm tiêu chí vào bộ tiêu chí hoặc sửa mã",
                f"criterion '{out['criterion'].iat[i]}' is not in the criteria sheet (criteria tree); "
                "add it there or correct the id",
            ))
    if units is not None and len(out):
        u = units.set_index("unit_id")
        if "unit_name" in u:
            out["unit_name"] = [x if x is not None else y for x, y in zip(out["unit_name"], out["unit_id"].map(u["unit_name"]))]
        if "unit_type" in u:
            out["unit_type"] = [x if x is not None else y for x, y in zip(out["unit_type"], out["unit_id"].map(u["unit_type"]))]
    return out


def _check_ids(ids, rows, raw: _Raw, col: str, problems: list) -> None:
    """Criterion ids are ASCII (``3.2.1``): full-width digits or other look-alikes would
    silently make a new criterion."""
    n = 0
    for i, c in enumerate(ids):
        if c is not None and not _ID_OK.match(c):
            if n < MAX_PROBLEMS_PER_CHECK:
                problems.append(_problem(raw, rows.iat[i] if hasattr(rows, "iat") else rows[i], col,
                                         f"mã tiêu chí '{c}' có ký tự không hợp lệ (chỉ chữ số, chữ cái không dấu, '.', "
                                         "'-', '_'; không dùng chữ số toàn chiều rộng)",
                                         f"criterion id '{c}' has invalid characters (ASCII digits, letters, '.', '-', "
                                         "'_' only; no full-width digits)"))
            n += 1


_VI_HEADER = {
    "year": "Năm",
    "unit_id": "Mã đơn vị",
    "criterion": "Mã tiêu chí",
    "max_points": "Điểm tối đa",
    "points": "Điểm đạt được",
}


# --------------------------------------------------------------------------- checks


def check_scores(data: pd.DataFrame, *, file: str | None = None, sheet: str | None = None,
                 criteria: pd.Series | list | None = None) -> list[Problem]:
    """Check a scores table against the data model; return every problem found.

    Vectorised, so it is cheap on millions of rows. Rows are located by the columns
    ``_file``, ``_sheet``, ``_row`` when present (as set by the readers); otherwise by
    ``file`` / ``sheet`` and the row position (header = row 1, first data row = 2).

    Parameters
    ----------
    data : scores table (canonical columns).
    file, sheet : where the table came from, for the messages.
    criteria : the ids of the criteria tree; when given, unknown criteria are problems.

    Returns
    -------
    list of Problem
    """
    problems: list[Problem] = []
    n = len(data)
    rows = data["_row"].to_numpy() if "_row" in data.columns else np.arange(2, n + 2)
    file_col = data["_file"] if "_file" in data.columns else None
    sheet_col = data["_sheet"] if "_sheet" in data.columns else None

    percol = {c: data[f"_col_{c}"].to_numpy() for c in ("points", "max_points")
              if f"_col_{c}" in data.columns}
    skip = data["_bad"].to_numpy(dtype=bool) if "_bad" in data.columns else np.zeros(n, dtype=bool)

    def add(mask, column, vi, en):
        # messages are built only for the (few) failing rows: cheap on millions of rows
        idx = np.flatnonzero(mask & ~skip)
        for i in idx[:MAX_PROBLEMS_PER_CHECK]:
            fi = file if file_col is None else file_col.iat[i]
            sh = sheet if sheet_col is None else sheet_col.iat[i]
            col = percol[column][i] if column in percol and percol[column][i] is not None else column
            problems.append(Problem(fi, sh, int(rows[i]), col, vi(i), en(i)))

    mx = data["max_points"].to_numpy(dtype=float)
    pts = data["points"].to_numpy(dtype=float)
    app = data["applicable"].to_numpy(dtype=bool)
    crit_s = data["criterion"]
    uid_s = data["unit_id"]
    yr = data["year"].to_numpy()

    def crit(i):
        return crit_s.iat[i]

    yr_num = pd.to_numeric(pd.Series(yr), errors="coerce").to_numpy(dtype=float)
    add((yr_num != -1) & ~((yr_num >= 1900) & (yr_num <= 2100)), "year",
        lambda i: f"năm {yr[i]} nằm ngoài khoảng hợp lý 1900–2100",
        lambda i: f"year {yr[i]} is outside the plausible range 1900–2100")
    add(np.isfinite(mx) & (mx >= 1000), "max_points",
        lambda i: f"điểm tối đa {mx[i]:g} không hợp lý (một tiêu chí không quá 1.000 điểm)",
        lambda i: f"max points {mx[i]:g} are implausible (a criterion has under 1,000 points)")
    add(np.isinf(mx) | np.isinf(pts), "points",
        lambda i: "số quá lớn (vô hạn)", lambda i: "the number is too large (infinite)")
    add(~np.isnan(mx) & (mx <= 0), "max_points",
        lambda i: f"điểm tối đa phải lớn hơn 0, nhưng là {mx[i]:g}",
        lambda i: f"max points must be greater than 0, but is {mx[i]:g}")
    add(np.isnan(mx), "max_points",
        lambda i: "thiếu điểm tối đa của tiêu chí",
        lambda i: "max points of the criterion are missing")
    add(app & np.isnan(pts) & ~np.isnan(mx), "points",
        lambda i: f"tiêu chí {crit(i)} có phát sinh nhưng chưa có điểm; nhập điểm (0 nếu không đạt) "
                  "hoặc ghi KPS nếu không phát sinh",
        lambda i: f"criterion {crit(i)} applies but has no points; enter the points (0 if none) "
                  "or write KPS if it does not arise")
    add(~app & ~np.isnan(pts), "points",
        lambda i: f"tiêu chí {crit(i)} không phát sinh nhưng lại có điểm ({pts[i]:g})",
        lambda i: f"criterion {crit(i)} does not arise but has points ({pts[i]:g})")
    tol = 1e-9
    add(app & (pts < -tol), "points",
        lambda i: f"điểm không được âm, nhưng là {pts[i]:g}",
        lambda i: f"points cannot be negative, but are {pts[i]:g}")
    add(app & (mx > 0) & (pts > mx + tol), "points",
        lambda i: f"điểm đạt được ({pts[i]:g}) lớn hơn điểm tối đa ({mx[i]:g}) của tiêu chí {crit(i)}",
        lambda i: f"points ({pts[i]:g}) exceed the maximum ({mx[i]:g}) of criterion {crit(i)}")
    if criteria is not None:
        known = pd.Index(pd.Series(criteria).astype(str))
        unknown = ~crit_s.isin(known).to_numpy() & crit_s.notna().to_numpy()
        add(unknown, "criterion",
            lambda i: f"tiêu chí '{crit(i)}' không có trong bộ tiêu chí",
            lambda i: f"criterion '{crit(i)}' is not in the criteria tree")
    # duplicates on integer codes (fast on millions of rows)
    uc, uu = pd.factorize(uid_s)
    cc, cu = pd.factorize(crit_s)
    yc, yu = pd.factorize(yr)
    valid = (uc >= 0) & (cc >= 0) & (yc >= 0)
    code = (yc.astype(np.int64) * max(len(uu), 1) + uc) * max(len(cu), 1) + cc
    code_s = pd.Series(np.where(valid, code, -1 - np.arange(n)))
    dup = code_s.duplicated(keep="first").to_numpy()
    if dup.any():
        first_pos = pd.Series(np.arange(n)).groupby(code_s.to_numpy()).transform("min").to_numpy()
        add(dup, "criterion",
            lambda i: f"trùng lặp: đơn vị {uid_s.iat[i]}, năm {yr[i]}, tiêu chí {crit(i)} đã có ở dòng "
                      f"{int(rows[first_pos[i]])}; mỗi đơn vị × năm × tiêu chí chỉ một dòng",
            lambda i: f"duplicate: unit {uid_s.iat[i]}, year {yr[i]}, criterion {crit(i)} already at row "
                      f"{int(rows[first_pos[i]])}; one row per unit × year × criterion")
    problems.sort(key=lambda p: (str(p.file), natural_key(p.sheet), p.row or 0))
    return problems


def natural_key(text) -> tuple:
    """Sort key putting ``don-vi-2`` before ``don-vi-10``."""
    parts = re.split(r"(\d+)", fold(str(text)) if text is not None else "")
    return tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in parts)


def _finish(parts: list[pd.DataFrame]) -> pd.DataFrame:
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=SCORE_COLUMNS)
    df["unit_name"] = df["unit_name"].where(df["unit_name"].notna(), df["unit_id"])
    df["unit_type"] = df["unit_type"].fillna("")
    crit = df["criterion"].astype(object)
    df["field"] = df["field"].where(df["field"].notna(), crit.map(lambda c: str(c).split(".")[0]))
    df["component"] = df["component"].fillna("appraisal")
    df["points"] = df["points"].where(df["applicable"].astype(bool))
    if "self_points" in df.columns:
        df["self_points"] = df["self_points"].astype(float)
    return df


def _as_canonical(df: pd.DataFrame) -> pd.DataFrame:
    extra = [c for c in OPTIONAL_COLUMNS if c in df.columns]
    if "self_points" in extra and df["self_points"].isna().all():
        extra.remove("self_points")
    out = df[SCORE_COLUMNS + extra].copy()
    if "criterion_name" in extra:
        out["criterion_name"] = [c if isinstance(c, str) and c else k
                                 for c, k in zip(out["criterion_name"], out["criterion"].astype(str))]
    if "self_points" in extra:
        out["self_points"] = out["self_points"].astype(float)
    out["year"] = out["year"].astype("int64")
    for c in ["unit_id", "unit_name", "unit_type", "field", "criterion", "component"]:
        out[c] = out[c].astype(str)
    out["max_points"] = out["max_points"].astype(float)
    out["points"] = out["points"].astype(float)
    out["applicable"] = out["applicable"].astype(bool)
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- readers


def _read_fast_tidy(path: Path, frame: pd.DataFrame, problems: list) -> pd.DataFrame | None:
    """Parquet (or any typed frame): vectorised path for big tidy files."""
    f = str(path)
    cols = {c: canon_col(c, _ALIASES) or c for c in frame.columns}
    frame = frame.rename(columns=cols)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        for c in missing:
            problems.append(Problem(f, None, None, c,
                                    f"thiếu cột bắt buộc '{c}'; các cột đang có: {list(frame.columns)}",
                                    f"required column '{c}' is missing; columns present: {list(frame.columns)}"))
        return None
    df = pd.DataFrame(index=frame.index)
    yr = frame["year"]
    if not pd.api.types.is_integer_dtype(yr):
        num = pd.to_numeric(yr, errors="coerce")
        bad = num.isna() | (num % 1 != 0)
        for i in np.flatnonzero(bad.to_numpy())[:MAX_PROBLEMS_PER_CHECK]:
            problems.append(Problem(f, None, int(i) + 2, "year",
                                    f"năm phải là số nguyên, nhưng là '{yr.iat[i]}'",
                                    f"year must be a whole number, but is '{yr.iat[i]}'"))
        yr = num.fillna(-1).astype("int64")
    if pd.api.types.is_datetime64_any_dtype(frame["year"]) or pd.api.types.is_bool_dtype(frame["year"]):
        problems.append(Problem(f, None, None, "year", "cột năm phải là số nguyên (ví dụ 2023), không phải ngày hay đúng/sai",
                                "the year column must hold whole numbers (e.g. 2023), not dates or booleans"))
        return None
    df["year"] = yr.astype("int64")
    for c in ["unit_id", "unit_name", "unit_type", "field", "criterion", "component"]:
        df[c] = frame[c] if c in frame.columns else None
    for c, vi, en in [("unit_id", "mã đơn vị", "unit id"), ("criterion", "mã tiêu chí", "criterion id")]:
        txt = frame[c].astype("string").str.strip()
        empty = (txt.isna() | (txt == "")).to_numpy()
        for i in np.flatnonzero(empty)[:MAX_PROBLEMS_PER_CHECK]:
            problems.append(Problem(f, None, int(i) + 2, c, f"thiếu {vi}", f"{en} is empty"))
    if "component" in frame.columns:
        uniq = pd.unique(frame["component"].astype("string").fillna(""))
        mapping = {u: _COMPONENTS.get(fold(u)) if u else None for u in uniq}
        bad = [u for u, k in mapping.items() if u and k is None]
        if bad:
            badpos = np.flatnonzero(frame["component"].isin(bad).to_numpy())
            for i in badpos[:MAX_PROBLEMS_PER_CHECK]:
                problems.append(Problem(f, None, int(i) + 2, "component",
                                        f"thành phần phải là 'appraisal' hoặc 'survey', nhưng là '{frame['component'].iat[i]}'",
                                        f"component must be 'appraisal' or 'survey', but is '{frame['component'].iat[i]}'"))
        if any(k != u for u, k in mapping.items() if k):
            df["component"] = frame["component"].astype("string").map(lambda v: mapping.get(v, v) if v else None)
    for c in ["max_points", "points"]:
        col = frame[c]
        if not pd.api.types.is_numeric_dtype(col):
            return None  # text numbers: use the careful path
        df[c] = col.astype(float)
    if "applicable" in frame.columns:
        app = frame["applicable"]
        if not pd.api.types.is_bool_dtype(app):
            return None
        df["applicable"] = app.to_numpy(dtype=bool)
    else:
        df["applicable"] = df["points"].notna()
        problems.append(Problem(
            f, None, None, "applicable",
            "thiếu cột 'applicable': trong tệp số (Parquet) phải ghi rõ tiêu chí nào không phát "
            "sinh, vì ô trống không phân biệt được 'không phát sinh' với 'thiếu điểm'",
            "column 'applicable' is missing: a typed (Parquet) file must say which criteria do "
            "not arise, since an empty cell cannot tell 'not applicable' from 'missing'",
        ))
    if df["unit_name"].isna().all():
        df["unit_name"] = df["unit_id"]
    if df["unit_type"].isna().all():
        df["unit_type"] = ""
    if df["component"].isna().all():
        df["component"] = "appraisal"
    if df["field"].isna().all():
        df["field"] = df["criterion"].astype(str).str.split(".").str[0]
    df.attrs["synthetic"] = "synthetic" in frame.columns and synthetic_column(frame["synthetic"])
    return df  # rows located by position (header = row 1) in check_scores


def expand_paths(path) -> list[Path]:
    """One path, several paths, or a folder (its score files, in natural order)."""
    paths = [path] if isinstance(path, (str, os.PathLike)) else list(path)
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            files = [q for q in p.iterdir() if q.is_file() and not q.name.startswith(("~$", "."))
                     and q.suffix.lower() in CSV_EXTENSIONS | XLSX_EXTENSIONS | PARQUET_EXTENSIONS]
            if not files:
                raise DataError(Problem(str(p), None, None, None, "thư mục không có tệp điểm nào (.xlsx, .csv, .parquet)",
                                        "the folder holds no score file (.xlsx, .csv, .parquet)"))
            out.extend(sorted(files, key=lambda q: natural_key(q.name)))
        else:
            out.append(p)
    return out


def _load(path, *, sheet: str | None = None, layout: str | None = None, year: int | None = None,
          info: dict | None = None) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read one or several files -> (canonical frame with location columns, problems).

    ``info`` (when given) receives the criteria ``tree`` rows, the ``layout`` read and the
    number of subtotal/bottom-row ``checks`` passed and failed.
    """
    if layout is not None and fold(layout) not in LAYOUTS and layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {sorted(set(LAYOUTS.values()))}, not {layout!r}")
    layout = LAYOUTS.get(layout, LAYOUTS.get(fold(layout))) if layout else None
    info = {} if info is None else info
    info.setdefault("tree", [])
    info.setdefault("checks", [0, 0])
    info.setdefault("layouts", [])
    frames, synthetic, crit_all = [], [], []
    problems = Problems()
    for p in expand_paths(path):
        df, crit = _load_one(p, problems, sheet=sheet, layout=layout, year=year, info=info)
        if df is not None:
            frames.append(df)
            synthetic.append(bool(df.attrs.get("synthetic")))
            crit_all.append(crit)
    if not frames:
        return None, problems.localise()
    df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    criteria = None if any(c is None for c in crit_all) else pd.concat([pd.Series(c, dtype=object) for c in crit_all])
    problems.extend(check_scores(df, criteria=criteria))
    df.attrs["synthetic"] = bool(synthetic) and all(synthetic)
    return df, problems.localise()


def _load_one(path: Path, problems: Problems, *, sheet, layout, year, info) -> tuple[pd.DataFrame | None, object]:
    """Read any supported file -> (canonical frame with location columns, problems).

    The frame's ``attrs["synthetic"]`` says whether the file declares itself synthetic.
    """
    p = Path(path)
    f = str(p)
    empty = check_file(p)
    if empty:
        problems.extend(empty)
        return None, None
    n_before = len(problems)
    ext = p.suffix.lower()
    criteria_ids = None
    synthetic = False
    if ext in PARQUET_EXTENSIONS:
        frame = read_parquet_frame(p)
        if frame.empty:
            problems.append(Problem(f, None, None, None, "tệp không có dòng dữ liệu nào", "the file has no data rows"))
            return None, None
        df = _read_fast_tidy(p, frame, problems)
        if df is not None:
            synthetic = df.attrs.get("synthetic", False)
        if df is None and len(problems) == n_before:
            raw = _frame_from_rows(frame_rows(frame), f, None)
            df, synthetic = _tidy_sheet(raw, problems)
        if df is None:
            return None, None
    elif ext in CSV_EXTENSIONS:
        raw = _frame_from_rows(read_csv_rows(p), f, None)
        if raw is None or raw.frame.empty:
            if raw is None:
                problems.append(Problem(f, None, 1, None,
                                        "không tìm thấy dòng tiêu đề (year, unit_id, criterion, max_points, points)",
                                        "no header row found (year, unit_id, criterion, max_points, points)"))
            else:
                problems.append(Problem(f, None, None, None, "tệp không có dòng dữ liệu nào", "the file has no data rows"))
            return None, None
        df, synthetic = _tidy_sheet(raw, problems)
        if df is None:
            return None, None
    elif ext in XLSX_EXTENSIONS:
        df, criteria_ids, synthetic = _read_workbook(p, sheet, problems, layout=layout, year=year, info=info)
        if df is None:
            return None, None
    else:
        raise unsupported_format(p)
    if "_file" not in df.columns:
        df["_file"] = f
    if "_row" not in df.columns:  # a typed file: rows by position (header = row 1)
        df["_row"] = np.arange(2, len(df) + 2)
    df.attrs["synthetic"] = bool(synthetic)
    return df, criteria_ids


def _tidy_sheet(raw: _Raw, problems: list) -> tuple[pd.DataFrame | None, bool]:
    """One tidy sheet -> (finished rows or None, whether its ``synthetic`` column says so)."""
    df = _tidy_from_raw(raw, problems)
    synthetic = "synthetic" in raw.frame.columns and synthetic_column(raw.frame["synthetic"])
    return (_finish([df]) if df is not None else None), synthetic


def _read_workbook(p: Path, sheet: str | None, problems: list, *, layout=None, year=None, info=None):
    """-> (rows or None, ids of the criteria tree or None, whether the workbook is synthetic)."""
    f = str(p)
    wb = open_workbook(p)
    synthetic = workbook_is_synthetic(wb)
    info = {} if info is None else info
    df = None
    criteria = None
    if layout in ("summary", "form") or (layout is None and sheet is None and _is_office(wb)):
        df = _read_office(wb, f, layout, year, problems, info)
        info.setdefault("layouts", []).append(layout or "office")
    else:
        df, criteria = _read_sheets(wb, f, sheet, problems)
        info.setdefault("layouts", []).append(layout or "template/tidy")
    return df, criteria, synthetic or (df is not None and bool(df.attrs.get("synthetic")))


def _data_sheets(wb) -> list[str]:
    return [n for n in wb.sheetnames if not any(fold(n).startswith(k) for k in _IGNORED_SHEETS)
            and fold(n) not in _UNITS_SHEETS]


def _is_office(wb) -> bool:
    """A workbook in an office layout: no criteria sheet, a sheet with a criteria-tree header."""
    if any(fold(n) in _CRITERIA_SHEETS for n in wb.sheetnames):
        return False
    for n in _data_sheets(wb)[:3]:
        if detect_tree_header(sheet_rows(wb[n], max_rows=HEADER_SEARCH_ROWS + 2)) is not None:
            return True
    return False


def _unit_map(wb, f: str, problems: list) -> tuple[dict, dict]:
    """The units sheet -> ({folded name or id or sheet: (id, name, type)}, {id: year})."""
    name = next((n for n in wb.sheetnames if fold(n) in _UNITS_SHEETS), None)
    if name is None:
        return {}, {}
    uraw = _frame_from_rows(sheet_rows(wb[name]), f, name)
    if uraw is None or "unit_id" not in uraw.frame.columns:
        problems.append(Problem(f, name, None, "unit_id", "trang tính đơn vị phải có cột unit_id (Mã đơn vị)",
                                "the units sheet must have a unit_id column"))
        return {}, {}
    out, years = {}, {}
    fr = uraw.frame
    for i in range(len(fr)):
        uid = clean_text(fr["unit_id"].iat[i])
        if uid is None:
            continue
        nm = clean_text(fr["unit_name"].iat[i]) if "unit_name" in fr else None
        tp = clean_text(fr["unit_type"].iat[i]) if "unit_type" in fr else None
        rec = (uid, nm or uid, tp or "")
        for key in (uid, nm, clean_text(fr["sheet"].iat[i]) if "sheet" in fr else None):
            if key:
                out[fold(key)] = rec
    return out, years


def _read_office(wb, f: str, layout, year, problems: list, info: dict) -> pd.DataFrame | None:
    """Bảng tổng hợp / phiếu chấm điểm sheets (see :mod:`.office`) -> rows."""
    unit_map, _ = _unit_map(wb, f, problems)
    parts = []
    for name in _data_sheets(wb):
        ws = wb[name]
        rows = sheet_rows(ws)
        h = detect_tree_header(rows)
        if h is None:
            if any(any(clean_text(v) is not None for v in r) for r in rows):
                problems.append(Problem(
                    f, name, None, None,
                    "không tìm thấy dòng tiêu đề của bảng điểm (cần: STT, Nội dung/Tiêu chí, Điểm tối đa, "
                    "rồi cột điểm của từng đơn vị)",
                    "no header row of a score table found (needs: STT, criterion text, Điểm tối đa, then "
                    "each unit's points)"))
            continue
        is_form = all(u is None for _, u, _ in h.values)
        if layout == "summary" and is_form:
            problems.append(Problem(f, name, h.row + 1, None,
                                    "bảng tổng hợp cần cột điểm ghi tên từng đơn vị",
                                    "a summary table needs a points column named by each unit"))
            continue
        unit = None
        if is_form:
            unit = find_unit_in_title(rows, h.row)
            if unit is None:
                rec = unit_map.get(fold(name))
                unit = rec[1] if rec else name
        yr = find_year(name, rows, h.row) or year
        if yr is None:
            problems.append(Problem(
                f, name, None, None,
                "không xác định được năm đánh giá: ghi năm vào tên trang tính (ví dụ '2023') hoặc vào "
                "tiêu đề ('... NĂM 2023'), hoặc dùng year=",
                "cannot tell the assessment year: put it in the sheet name (e.g. '2023') or the title "
                "('... NĂM 2023'), or pass year="))
            continue
        if not (1900 <= yr <= 2100):
            problems.append(Problem(f, name, None, None, f"năm {yr} không hợp lệ", f"year {yr} is not valid"))
            continue
        df, ok, bad = read_tree_sheet(rows, h, file=f, sheet=name, year=int(yr), unit_name=unit,
                                      unit_map=unit_map, problems=problems, tree=info.get("tree"))
        info["checks"][0] += ok
        info["checks"][1] += bad
        if df is not None:
            parts.append(df)
    if not parts:
        if not problems:
            problems.append(Problem(f, None, None, None, "không có trang tính điểm nào", "no score sheet found"))
        return None
    return _finish(parts)


def _read_sheets(wb, f: str, sheet: str | None, problems: list) -> tuple[pd.DataFrame | None, pd.Series | None]:
    names = wb.sheetnames
    by_fold = {fold(n): n for n in names}
    if sheet is not None:
        name = find_sheet(names, sheet)
        if name is None:
            problems.append(no_sheet(f, sheet, names))
            return None, None
        ws = wb[name]
        raw = _frame_from_rows(sheet_rows(ws), f, ws.title)
        if raw is None or raw.frame.empty:
            problems.append(Problem(f, ws.title, None, None, "trang tính không có dữ liệu điểm", "the sheet holds no score data"))
            return None, None
        df, synthetic = _tidy_sheet(raw, problems)
        if df is not None:
            df.attrs["synthetic"] = synthetic
        return df, None

    crit_name = next((by_fold[k] for k in by_fold if k in _CRITERIA_SHEETS), None)
    units_name = next((by_fold[k] for k in by_fold if k in _UNITS_SHEETS), None)
    score_sheets = [n for n in names if n not in {crit_name, units_name}
                    and not any(fold(n).startswith(k) for k in _IGNORED_SHEETS)]
    if crit_name is None:
        # a tidy workbook: one sheet with every canonical column
        if len(score_sheets) == 1:
            ws = wb[score_sheets[0]]
            raw = _frame_from_rows(sheet_rows(ws), f, ws.title)
            if raw is not None and "max_points" in raw.frame.columns:
                if raw.frame.empty:
                    problems.append(Problem(f, ws.title, None, None, "trang tính không có dòng dữ liệu nào", "the sheet has no data rows"))
                    return None, None
                df, synthetic = _tidy_sheet(raw, problems)
                if df is not None:
                    df.attrs["synthetic"] = synthetic
                return df, None
        problems.append(Problem(
            f, None, None, None,
            f"không có trang tính 'criteria' (bộ tiêu chí); các trang tính đang có: {names}. "
            "Dùng 'cchc template' để tạo tệp mẫu đúng cấu trúc",
            f"no 'criteria' sheet (criteria tree) found; sheets present: {names}. "
            "Use 'cchc template' to create a workbook with the right layout",
        ))
        return None, None

    # criteria sheet
    craw = _frame_from_rows(sheet_rows(wb[crit_name]), f, crit_name)
    criteria = _read_criteria(craw, f, crit_name, problems)
    if criteria is None:
        return None, None
    units = None
    if units_name is not None:
        uraw = _frame_from_rows(sheet_rows(wb[units_name]), f, units_name)
        if uraw is None or "unit_id" not in uraw.frame.columns:
            problems.append(Problem(f, units_name, None, "unit_id",
                                    "trang tính units phải có cột unit_id (Mã đơn vị)",
                                    "the units sheet must have a unit_id column"))
            return None, None
        _header_problems(uraw, problems)
        units = pd.DataFrame({c: [clean_text(v) for v in uraw.frame[c]] for c in uraw.frame.columns if c != "_row"})
        urows = uraw.frame["_row"].to_numpy()
        if "year" in units:
            yrs = []
            for i, v in enumerate(units["year"]):
                try:
                    y = parse_number(v) if v is not None else None
                except ValueError:
                    y = None
                if v is not None and (y is None or not float(y).is_integer() or not 1900 <= y <= 2100):
                    problems.append(_problem(uraw, urows[i], "year",
                                             f"năm phải là số nguyên 1900–2100 (ví dụ 2023), nhưng ô ghi '{v}'",
                                             f"year must be a whole number 1900–2100 (e.g. 2023), but the cell holds '{v}'"))
                    y = None
                yrs.append(y)
            units["year"] = yrs
        dup = units["unit_id"].duplicated() & units["unit_id"].notna()
        for i in np.flatnonzero(dup.to_numpy()):
            first = int(urows[np.flatnonzero((units["unit_id"] == units["unit_id"].iat[i]).to_numpy())[0]])
            problems.append(_problem(uraw, urows[i], "unit_id",
                                     f"mã đơn vị {units['unit_id'].iat[i]} lặp lại (đã có ở dòng {first})",
                                     f"unit id {units['unit_id'].iat[i]} is listed twice (already at row {first})"))
        if dup.any():
            return None, None
    if not score_sheets:
        problems.append(Problem(f, None, None, None,
                                "không có trang tính điểm nào (ngoài criteria/units)",
                                "no score sheet found (besides criteria/units)"))
        return None, None
    parts = []
    sheet_map = {}
    if units is not None and "sheet" in units:
        sheet_map = {s: u for s, u in zip(units["sheet"], units["unit_id"]) if s}
    unit_ids = set(units["unit_id"]) if units is not None else set()
    seen_units = set()
    for name in score_sheets:
        ws = wb[name]
        raw = _frame_from_rows(sheet_rows(ws), f, name)
        if raw is None:
            problems.append(Problem(f, name, None, None,
                                    "không tìm thấy dòng tiêu đề (cần ít nhất: criterion/Mã tiêu chí, points/Điểm đạt được)",
                                    "no header row found (needs at least: criterion, points)"))
            continue
        if raw.frame.empty:
            continue
        default_unit = None
        default_year = None
        if "unit_id" not in raw.frame.columns:
            default_unit = sheet_map.get(name) or (name if name in unit_ids else None)
            if default_unit is None and units is not None:
                problems.append(Problem(
                    f, name, None, None,
                    f"tên trang tính '{name}' không khớp mã đơn vị nào trong trang '{units_name}' "
                    f"({sorted(unit_ids, key=natural_key)[:10]}); đặt lại tên trang tính bằng mã đơn vị "
                    "hoặc ghi tên trang vào cột 'sheet' của trang đơn vị",
                    f"sheet name '{name}' matches no unit id of sheet '{units_name}'; rename the sheet "
                    "to the unit id or give its name in the units sheet's 'sheet' column"))
                continue
            default_unit = default_unit or clean_text(name)
            seen_units.add(default_unit)
        if units is not None and "year" in units and default_unit is not None:
            yrs = units.loc[units["unit_id"] == default_unit, "year"].dropna()
            if len(yrs):
                default_year = int(yrs.iloc[0])
        df = _tidy_from_raw(raw, problems, criteria=criteria, units=units,
                            default_unit=default_unit, default_year=default_year)
        if df is not None:
            parts.append(df)
    if not parts:
        if not problems:
            problems.append(Problem(f, None, None, None, "các trang tính điểm đều trống", "all score sheets are empty"))
        return None, None
    df = _finish(parts)
    if units is not None:
        present = set(df["unit_id"].dropna())
        for uid in units["unit_id"]:
            if uid and uid not in present:
                problems.append(Problem(
                    f, units_name, None, "unit_id",
                    f"đơn vị {uid} có trong trang '{units_name}' nhưng không có trang điểm (trang tính bị xóa "
                    "hoặc đổi tên?)",
                    f"unit {uid} is listed in sheet '{units_name}' but has no score sheet (deleted or renamed?)"))
    _completeness(df, criteria, units, f, problems)
    return df, criteria["criterion"]


def _read_criteria(craw: _Raw | None, f: str, sheet: str, problems: list) -> pd.DataFrame | None:
    if craw is None or craw.frame.empty:
        problems.append(Problem(f, sheet, None, None,
                                "trang tính criteria trống hoặc không có tiêu đề (criterion, max_points)",
                                "the criteria sheet is empty or has no header (criterion, max_points)"))
        return None
    miss = [c for c in ("criterion", "max_points") if c not in craw.frame.columns]
    if miss:
        for c in miss:
            problems.append(Problem(f, sheet, None, c, f"trang tính criteria thiếu cột '{c}'",
                                    f"the criteria sheet lacks column '{c}'"))
        return None
    _header_problems(craw, problems, unknown=True)
    mx, _ = _parse_numeric(craw, "max_points", problems, what_vi="điểm tối đa", what_en="max points")
    crit = [text_id(v) for v in craw.frame["criterion"]]
    _check_ids(crit, craw.frame["_row"], craw, "criterion", problems)
    out = pd.DataFrame({"criterion": crit, "max_points": mx})
    out["field"] = [clean_text(v) for v in craw.frame["field"]] if "field" in craw.frame else None
    out["field"] = [fl if fl is not None else (str(c).split(".")[0] if c else None) for fl, c in zip(out["field"], crit)]
    comps = []
    for i, v in enumerate(craw.frame["component"] if "component" in craw.frame else [None] * len(out)):
        c = clean_text(v)
        k = _COMPONENTS.get(fold(c)) if c else "appraisal"
        if k is None:
            problems.append(_problem(craw, craw.frame["_row"].iat[i], "component",
                                     f"thành phần phải là 'thẩm định' hoặc 'điều tra', nhưng ô ghi '{c}'",
                                     f"component must be 'appraisal' or 'survey', but the cell holds '{c}'"))
        comps.append(k)
    out["component"] = comps
    out["name"] = [clean_text(v) for v in craw.frame["name"]] if "name" in craw.frame else None
    out["parent"] = [text_id(v) for v in craw.frame["parent"]] if "parent" in craw.frame else None
    if "applies_to" in craw.frame:
        out["applies_to"] = [_types(v) for v in craw.frame["applies_to"]]
    for i in np.flatnonzero(~np.isnan(mx) & (mx >= 1000)):
        problems.append(_problem(craw, craw.frame["_row"].iat[i], "max_points",
                                 f"điểm tối đa {mx[i]:g} không hợp lý (một tiêu chí không quá 1.000 điểm)",
                                 f"max points {mx[i]:g} are implausible (a criterion has under 1,000 points)"))
    for i in np.flatnonzero(~np.isnan(mx) & (mx <= 0)):
        problems.append(_problem(craw, craw.frame["_row"].iat[i], "max_points",
                                 f"điểm tối đa của tiêu chí {crit[i]} phải lớn hơn 0, nhưng là {mx[i]:g}",
                                 f"max points of criterion {crit[i]} must be greater than 0, but are {mx[i]:g}"))
    dup = pd.Series(crit).duplicated().to_numpy()
    for i in np.flatnonzero(dup):
        problems.append(_problem(craw, craw.frame["_row"].iat[i], "criterion",
                                 f"tiêu chí {crit[i]} bị khai báo hai lần trong bộ tiêu chí",
                                 f"criterion {crit[i]} is listed twice in the criteria tree"))
    return out[[c is not None for c in crit]].drop_duplicates("criterion")


_ALL_TYPES = {"", "tat ca", "all", "moi don vi", "*"}


def _types(v) -> frozenset | None:
    """An ``applies_to`` cell -> the unit types it names (None: every type)."""
    c = clean_text(v)
    if c is None or fold(c) in _ALL_TYPES:
        return None
    return frozenset(t.strip() for t in fold(c).replace(";", ",").split(",") if t.strip())


def _completeness(df: pd.DataFrame, criteria: pd.DataFrame, units, f: str, problems: list) -> None:
    """A unit lacking a row for a criterion that applies to its type is a problem."""
    if "applies_to" not in criteria or not len(df):
        return
    cinfo = list(zip(criteria["criterion"], criteria["applies_to"]))
    have = df.groupby(["unit_id", "year"])["criterion"].agg(set)
    meta = df.drop_duplicates(["unit_id", "year"]).set_index(["unit_id", "year"])
    n = 0
    for (uid, yr), got in have.items():
        utype = fold(str(meta.at[(uid, yr), "unit_type"] or ""))
        name = meta.at[(uid, yr), "unit_name"] or uid
        sheet = meta.at[(uid, yr), "_sheet"]
        for cid, types in cinfo:
            if cid in got or (types is not None and utype not in types):
                continue
            if n < MAX_PROBLEMS_PER_CHECK:
                problems.append(Problem(
                    f, sheet, None, "criterion",
                    f"thiếu tiêu chí {cid} cho đơn vị {name} (năm {yr}); thêm dòng tiêu chí (ghi KPS nếu không phát sinh)",
                    f"criterion {cid} is missing for unit {name} (year {yr}); add its row (KPS if it does not arise)"))
            n += 1


def read_scores(path, *, sheet: str | None = None, layout: str | None = None,
                year: int | None = None) -> pd.DataFrame:
    """Read a scores file into the canonical tidy table, or raise :class:`DataError`.

    Parameters
    ----------
    path : CSV, Parquet or XLSX file (tidy, or the analyst's workbook: see module notes).
    sheet : read only this sheet of a workbook (a tidy sheet with every column).

    Returns
    -------
    DataFrame
        ``year, unit_id, unit_name, unit_type, field, criterion, component,
        max_points, points, applicable``; ``points`` is NaN exactly where
        ``applicable`` is False.

    Raises
    ------
    DataError
        On the first problem (its message names file, sheet, row, column); the error's
        ``problems`` holds all problems found. ``cchc validate PATH`` lists them all.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "scores.csv"
    >>> _ = tmp.write_text(
    ...     "year;unit_id;criterion;max_points;points\\n"
    ...     "2023;cuc-a;1.1;2;1,5\\n2023;cuc-a;1.2;1;KPS\\n", encoding="utf-8")
    >>> read_scores(tmp)[["unit_id", "criterion", "max_points", "points", "applicable"]]
      unit_id criterion  max_points  points  applicable
    0   cuc-a       1.1         2.0     1.5        True
    1   cuc-a       1.2         1.0     NaN       False
    """
    df, problems = _load(path, sheet=sheet, layout=layout, year=year)
    raise_first(problems, see_vi="chạy 'cchc validate' để xem tất cả", see_en="run 'cchc validate' to list them all")
    return mark_synthetic(_as_canonical(df), bool(df.attrs.get("synthetic")))


def validate_scores(path, *, sheet: str | None = None, layout: str | None = None,
                    year: int | None = None) -> pd.DataFrame:
    """Every problem in a scores file, as a table (empty when the file is fine).

    Returns
    -------
    DataFrame
        ``file, sheet, row, column, problem_vi, problem_en``, one row per problem.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "bad.csv"
    >>> _ = tmp.write_text("year,unit_id,criterion,max_points,points\\n"
    ...                    "2023,a,1.1,2,3\\n2023,a,1.2,0,0\\n", encoding="utf-8")
    >>> for p in validate_scores(tmp).itertuples():
    ...     print(p.row, p.column, "|", p.problem_en)
    2 points | points (3) exceed the maximum (2) of criterion 1.1
    3 max_points | max points must be greater than 0, but is 0
    """
    try:
        _, problems = _load(path, sheet=sheet, layout=layout, year=year)
    except DataError as exc:
        problems = exc.problems
    return DataError(problems).to_frame() if problems else DataError([]).to_frame()


