"""The per-sheet tidy step of the scores reader: one raw table (header found, columns
aliased) -> canonical rows, with every cell checked (numbers by the range rule, ids, markers
of "không phát sinh", components). Used by :mod:`.scores` and :mod:`._score_sheets`."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Problem
from ..text import clean_text, fmt_int, fold, parse_number
from .office import NOT_ARISING
from ._tabular import (
    COMMON_ALIASES,
    MAX_PROBLEMS_PER_CHECK,
    SELF_POINTS_MISSING,
    Problems,
    MAX_NAME_CHARS,
    Table,
    alias_table,
    bad_text,
    find_table,
    near_header,
    text_id,
)


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
    if not unknown:
        for row, j, written in raw.unknown or []:
            meant = near_header(written, _ALIASES)
            if meant is not None and meant not in raw.headers:
                problems.append(Problem(raw.file, raw.sheet, row, written,
                                        f"không nhận ra cột '{written}' (có phải '{_VI_HEADER.get(meant, meant)}' / "
                                        f"'{meant}' gõ nhầm?); sửa tiêu đề cột, nếu không cột này bị bỏ qua và bảng đọc "
                                        "ra sẽ khác",
                                        f"column '{written}' is not recognised (a mistyped '{meant}'?); correct the "
                                        "header: otherwise the column is ignored and the table read differs"))
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
    # The columns are gathered in a dict and made a frame once at the end (a column
    # added to a DataFrame costs ~0.4 ms: two thirds of this function on a 100-row unit
    # sheet). A column read back meanwhile is the Series the frame would have held
    # (``col``: the same type inference, e.g. None -> NaN in a text column).
    cols: dict = {"_row": f["_row"].to_numpy(), "_file": [raw.file] * n, "_sheet": [raw.sheet] * n}
    cache: dict = {}

    def col(name):
        v = cols[name]
        hit = cache.get(name)
        if hit is None or hit[0] is not v:
            hit = cache[name] = (v, pd.Series(v))
        return hit[1]

    # year
    if "year" in f.columns:
        yr = np.full(n, -1, dtype=np.int64)
        for i, v in enumerate(f["year"].to_numpy()):
            if (v is None or clean_text(v) is None) and default_year is not None:
                yr[i] = int(default_year)
                continue
            try:
                num = parse_number(v, percent=False)
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
        cols["year"] = yr
    else:
        cols["year"] = np.full(n, np.int64(default_year), dtype=np.int64)

    def text_col(col, default=None):
        if col in f.columns:
            return [clean_text(v) for v in f[col].to_numpy()]
        return [default] * n

    cols["unit_id"] = text_col("unit_id", default_unit)
    if default_unit is not None:
        cols["unit_id"] = [u if u is not None else default_unit for u in col("unit_id")]
    cols["criterion"] = [text_id(v) for v in f["criterion"].to_numpy()]
    for cname, vi_name, en_name in [("unit_id", "mã đơn vị", "unit id"), ("criterion", "mã tiêu chí", "criterion id")]:
        bad_rows = np.flatnonzero(pd.isna(col(cname)).to_numpy())
        for i in bad_rows[:MAX_PROBLEMS_PER_CHECK]:
            problems.append(_problem(raw, cols["_row"][i], cname, f"thiếu {vi_name}", f"{en_name} is empty"))
    _check_ids(col("criterion"), col("_row"), raw, "criterion", problems)
    if "unit_id" in f.columns:
        _check_ids(col("unit_id"), col("_row"), raw, "unit_id", problems)
    if units is not None and "unit_id" in f.columns:  # a long sheet: every id must be a listed unit
        known_units = set(units["unit_id"])
        for i, u in enumerate(col("unit_id")):
            if u is not None and u not in known_units:
                problems.append(_problem(raw, col("_row").iat[i], "unit_id",
                                         f"mã đơn vị '{u}' không có trong trang đơn vị (gõ nhầm?)",
                                         f"unit id '{u}' is not in the units sheet (a typo?)"))

    unit_name = text_col("unit_name")
    unit_type = text_col("unit_type")
    cols["unit_name"] = unit_name
    cols["unit_type"] = unit_type
    if "unit_name" in f.columns:
        _check_names(unit_name, col("_row"), raw, "unit_name", problems)
    cols["field"] = text_col("field")
    comp = text_col("component")
    comps = []
    comp_given = "component" in f.columns
    for i, c in enumerate(comp):
        if c is None:
            if comp_given:  # the column is there: an empty cell would silently mean 'appraisal'
                problems.append(_problem(
                    raw, f["_row"].iat[i], "component",
                    "thiếu thành phần ('thẩm định' hoặc 'điều tra'); ô trống không được hiểu là thẩm định",
                    "component is empty ('appraisal' or 'survey'); an empty cell is not taken as appraisal"))
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
    cols["component"] = comps

    pts, marker = _parse_numeric(raw, "points", problems, what_vi="điểm đạt được",
                                 what_en="points", allow_na_marker=True)
    bad_cells = _parse_numeric.bad.copy()
    cols["points"] = pts
    if "self_points" in f.columns:
        sp, sp_marker = _parse_numeric(raw, "self_points", problems, what_vi="điểm tự chấm",
                                       what_en="self-assessed points", allow_na_marker=True)
        sp_bad = _parse_numeric.bad.copy()
        if (~np.isnan(sp)).any():  # self points kept: an empty one on an arising criterion is missing
            gap = np.isnan(sp) & ~sp_marker & ~sp_bad & ~marker
            for i in np.flatnonzero(gap)[:MAX_PROBLEMS_PER_CHECK]:
                problems.append(_problem(raw, raw.frame["_row"].iat[i], "self_points", *SELF_POINTS_MISSING))
        cols["self_points"] = sp
    if "criterion_name" in f.columns or "name" in f.columns:
        cols["criterion_name"] = text_col("criterion_name" if "criterion_name" in f.columns else "name")
        _check_names(col("criterion_name"), col("_row"), raw,
                     "criterion_name" if "criterion_name" in f.columns else "name", problems, limit=False)
    if "max_points" in f.columns:
        mx, _ = _parse_numeric(raw, "max_points", problems, what_vi="điểm tối đa", what_en="max points")
        bad_cells |= _parse_numeric.bad
        cols["max_points"] = mx
    else:
        cols["max_points"] = np.full(n, np.nan)
    cols["_bad"] = bad_cells
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
    cols["applicable"] = applicable
    # criteria sheet supplies max points / field / component
    if criteria is not None and n:
        look = _lookups(criteria, "criterion")  # {column: {criterion: value}}, made once per tree
        crit = list(col("criterion"))  # as the frame holds them (a missing id is NaN)
        known = np.fromiter((c in look["_keys"] for c in crit), dtype=bool, count=n)
        dmax = look["max_points"]
        m = np.fromiter((dmax.get(c, np.nan) for c in crit), dtype=float, count=n)
        if "max_points" in f.columns:
            given = col("max_points").to_numpy(dtype=float)
            tree_max = m
            differ = ~np.isnan(given) & ~np.isnan(tree_max) & (np.abs(given - tree_max) > 1e-9) & ~col("_bad").to_numpy()
            for i in np.flatnonzero(differ)[:MAX_PROBLEMS_PER_CHECK]:
                problems.append(_problem(
                    raw, col("_row").iat[i], "max_points",
                    f"điểm tối đa {given[i]:g} khác bộ tiêu chí ({tree_max[i]:g}) của tiêu chí {col('criterion').iat[i]}; "
                    "sửa cho khớp trang tiêu chí",
                    f"max points {given[i]:g} differ from the criteria sheet ({tree_max[i]:g}) for criterion "
                    f"{col('criterion').iat[i]}; make them agree"))
            cols["_bad"] = col("_bad").to_numpy() | differ
            cols["max_points"] = np.where(np.isnan(col("max_points")), m, col("max_points"))
        else:
            cols["max_points"] = m
        dfield, dcomp = look["field"], look["component"]
        cols["field"] = [x if x is not None else dfield.get(c, np.nan) for x, c in zip(col("field"), crit)]
        cols["component"] = [x if x is not None else dcomp.get(c, np.nan) for x, c in zip(col("component"), crit)]
        if "name" in look and look["_any_name"]:
            given = col("criterion_name") if "criterion_name" in cols else [None] * n
            dname = look["name"]
            cols["criterion_name"] = [x if x is not None else dname.get(c, np.nan) for x, c in zip(given, crit)]
        for i in np.flatnonzero(~known & col("criterion").notna().to_numpy())[:MAX_PROBLEMS_PER_CHECK]:
            problems.append(_problem(
                raw, col("_row").iat[i], "criterion",
                f"tiêu chí '{col('criterion').iat[i]}' không có trong trang tính criteria (bộ tiêu chí); "
                "thêm tiêu chí vào bộ tiêu chí hoặc sửa mã",
                f"criterion '{col('criterion').iat[i]}' is not in the criteria sheet (criteria tree); "
                "add it there or correct the id",
            ))
    if units is not None and n:
        look = _lookups(units, "unit_id")
        uid = list(col("unit_id"))
        if "unit_name" in look:
            d = look["unit_name"]
            cols["unit_name"] = [x if x is not None else d.get(u, np.nan) for x, u in zip(col("unit_name"), uid)]
        if "unit_type" in look:
            d = look["unit_type"]
            cols["unit_type"] = [x if x is not None else d.get(u, np.nan) for x, u in zip(col("unit_type"), uid)]
    return pd.DataFrame(cols)


_LOOKUPS: dict = {}


def _lookups(frame: pd.DataFrame, key: str) -> dict:
    """``{column: {key value: value}}`` of a criteria or units table (unique keys), plus
    ``"_keys"`` and ``"_any_name"``; made once per table, not once per unit sheet. The
    values are what ``Series.map`` gives for a key (None in an object column, NaN in a
    text or number column); for an unknown key the callers use NaN, as it does."""
    import weakref

    hit = _LOOKUPS.get((id(frame), key))
    if hit is not None and hit[0]() is frame:
        return hit[1]
    keys = frame[key]
    out = {c: dict(zip(keys, frame[c])) for c in frame.columns if c != key}  # values as the column holds them
    out["_keys"] = set(keys)
    out["_any_name"] = bool("name" in frame.columns and frame["name"].notna().any())
    if len(_LOOKUPS) > 8:
        _LOOKUPS.clear()
    _LOOKUPS[(id(frame), key)] = (weakref.ref(frame), out)
    return out


def _check_ids(ids, rows, raw: _Raw, col: str, problems: list) -> None:
    """Criterion ids are ASCII (``3.2.1``): full-width digits or other look-alikes would
    silently make a new criterion."""
    n = 0
    for i, c in enumerate(ids):
        if not isinstance(c, str):
            continue
        if col == "criterion" and fold(c) in _TOTAL_WORDS:
            if n < MAX_PROBLEMS_PER_CHECK:
                problems.append(_problem(raw, rows.iat[i] if hasattr(rows, "iat") else rows[i], col,
                                         f"dòng '{c}' là dòng tổng cộng, không phải tiêu chí; xóa dòng này (tổng được "
                                         "tính lại từ các tiêu chí)",
                                         f"row '{c}' is a total row, not a criterion; delete it (totals are computed "
                                         "from the criteria)"))
            n += 1
            continue
        why = bad_text(c, id_like=True)
        if why is not None:
            if n < MAX_PROBLEMS_PER_CHECK:
                problems.append(_problem(raw, rows.iat[i] if hasattr(rows, "iat") else rows[i], col,
                                         f"mã '{c}' {why[0]}", f"id '{c}' {why[1]}"))
            n += 1
            continue
        if col == "criterion" and not _ID_OK.match(c):
            if n < MAX_PROBLEMS_PER_CHECK:
                problems.append(_problem(raw, rows.iat[i] if hasattr(rows, "iat") else rows[i], col,
                                         f"mã tiêu chí '{c}' có ký tự không hợp lệ (chỉ chữ số, chữ cái không dấu, '.', "
                                         "'-', '_'; không dùng chữ số toàn chiều rộng)",
                                         f"criterion id '{c}' has invalid characters (ASCII digits, letters, '.', '-', "
                                         "'_' only; no full-width digits)"))
            n += 1


#: Criterion cells of a subtotal or total row left in the table (folded).
_TOTAL_WORDS = frozenset({"tong", "tong cong", "cong", "total", "sum", "tong diem", "tong so", "subtotal",
                          "cong diem", "tong cong diem", "grand total"})


def _check_names(names, rows, raw: _Raw, col: str, problems: list, *, limit: bool = True) -> None:
    """Names: no invisible direction/control characters; a unit name (``limit``) at most
    :data:`MAX_NAME_CHARS` long (a criterion's text may be long)."""
    n = 0
    for i, c in enumerate(names):
        if not isinstance(c, str):
            continue
        why = bad_text(c)
        if why is None and limit and len(c) > MAX_NAME_CHARS:
            why = (f"dài {fmt_int(len(c))} ký tự (tối đa {MAX_NAME_CHARS}); ghi tên ngắn của đơn vị",
                   f"is {fmt_int(len(c), 'en')} characters long (at most {MAX_NAME_CHARS}); give the unit's short name")
        if why is not None:
            if n < MAX_PROBLEMS_PER_CHECK:
                problems.append(_problem(raw, rows.iat[i] if hasattr(rows, "iat") else rows[i], col,
                                         f"tên '{c[:40]}' {why[0]}", f"name '{c[:40]}' {why[1]}"))
            n += 1


_VI_HEADER = {
    "year": "Năm",
    "unit_id": "Mã đơn vị",
    "criterion": "Mã tiêu chí",
    "max_points": "Điểm tối đa",
    "points": "Điểm đạt được",
}


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
    if "criterion_name" in extra:  # a name that is not a non-empty text: the criterion's id
        names = out["criterion_name"].astype(object)
        codes, uniq = pd.factorize(names)  # each distinct name judged once (47k rows, ~100 names)
        good = np.fromiter((isinstance(c, str) and bool(c) for c in uniq), dtype=bool, count=len(uniq))
        keep = np.zeros(len(names), dtype=bool)
        seen = codes >= 0
        keep[seen] = good[codes[seen]]
        out["criterion_name"] = np.where(keep, names.to_numpy(), out["criterion"].astype(str).to_numpy(object))
    if "self_points" in extra:
        out["self_points"] = out["self_points"].astype(float)
    out["year"] = out["year"].astype("int64")
    for c in ["unit_id", "unit_name", "unit_type", "field", "criterion", "component"]:
        out[c] = out[c].astype(str)
    out["max_points"] = out["max_points"].astype(float)
    out["points"] = out["points"].astype(float)
    out["applicable"] = out["applicable"].astype(bool)
    return out.reset_index(drop=True)
