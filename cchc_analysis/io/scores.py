"""Reading and validating score data into the canonical tidy ``scores`` table.

Formats read by :func:`read_scores`:

* **Tidy files** (CSV, Parquet, XLSX with one sheet) in the canonical columns
  ``year, unit_id, unit_name, unit_type, field, criterion, component, max_points,
  points, applicable``. Only ``year, unit_id, criterion, max_points, points`` are
  required; ``unit_name`` defaults to ``unit_id``, ``unit_type`` to ``""``, ``field``
  to the first part of the criterion id (``3.2.1`` → ``3``), ``component`` to
  ``appraisal``, and ``applicable`` is read from the points cell (see markers below).
  Vietnamese column headers are accepted too (``Năm``, ``Mã đơn vị``, ``Tiêu chí``,
  ``Điểm tối đa``, ``Điểm đạt được``, ``Có phát sinh`` …).
* **The analyst's workbook** (XLSX; ``cchc template PATH`` writes a blank one): a sheet
  ``criteria`` (or ``Tiêu chí``) with ``criterion, field, name, component,
  max_points``; an optional sheet ``units`` with ``unit_id, unit_name, unit_type``
  (and optionally ``year`` and ``sheet``); sheets named ``README`` / ``Hướng dẫn`` are
  ignored; every other sheet holds scores, either one long sheet (with a ``unit_id``
  column) or one sheet per unit (named after the unit id, or mapped in ``units.sheet``)
  with ``criterion`` and ``points`` (``year`` in the sheet or in ``units``). The maximum
  points come from the ``criteria`` sheet.

**Not applicable ("không phát sinh").** A criterion does not arise for a unit when its
points cell holds one of ``KPS``, ``không phát sinh``, ``không áp dụng``, ``N/A``,
``NA``, ``x`` (any case, with or without diacritics), or when an ``applicable`` column
says no (``False``, ``0``, ``không``, ``no``). An **empty** points cell on an
applicable criterion is an error, never a silent zero: type ``0`` for zero points and
``KPS`` for a criterion that does not arise.

**Real-world mess handled:** decimal commas (``89,95``), ``%`` signs, thousands
separators, NFC/NFD diacritics, stray and non-breaking spaces, a UTF-8 BOM, numbers
stored as text, title rows above the header, and two-row headers with merged cells
(``Điểm`` over ``Tối đa | Đạt được``). CSV files may use ``,`` or ``;`` as delimiter.

Errors raise :class:`~cchc_analysis.errors.DataError` naming file, sheet, row (as Excel
shows it, header = its own row) and column, in Vietnamese and English.
:func:`validate_scores` returns *all* problems as a table instead.
"""

from __future__ import annotations

import csv
import io as _io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ..text import clean_text, fold, parse_number

__all__ = [
    "SCORE_COLUMNS",
    "NA_MARKERS",
    "read_scores",
    "validate_scores",
    "check_scores",
    "write_template",
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

#: Markers (folded: lower case, no diacritics) meaning "does not arise".
NA_MARKERS = frozenset(
    {"kps", "khong phat sinh", "khong ap dung", "kpd", "n/a", "na", "x", "k.p.s", "k/ps"}
)
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

# column aliases, folded
_ALIASES: dict[str, str] = {}
for _canon, _names in {
    "year": ["year", "nam", "nam danh gia"],
    "unit_id": ["unit_id", "unit id", "ma don vi", "ma_don_vi", "ma dv"],
    "unit_name": ["unit_name", "unit name", "don vi", "ten don vi", "ten_don_vi"],
    "unit_type": ["unit_type", "unit type", "loai don vi", "loai"],
    "field": ["field", "linh vuc", "ma linh vuc"],
    "criterion": ["criterion", "criterion_id", "tieu chi", "ma tieu chi", "ma_tieu_chi", "ma tc"],
    "component": ["component", "thanh phan", "loai diem", "phuong phap"],
    "max_points": [
        "max_points", "max", "max points", "diem toi da", "toi da", "diem chuan", "diem diem toi da",
    ],
    "points": [
        "points", "diem", "diem dat duoc", "dat duoc", "diem dat", "diem diem dat duoc",
        "diem danh gia", "diem tu cham",
    ],
    "applicable": ["applicable", "phat sinh", "co phat sinh", "ap dung"],
    "name": ["name", "ten tieu chi", "noi dung", "noi dung tieu chi", "ten"],
    "sheet": ["sheet", "trang tinh", "ten sheet"],
    "note": ["note", "ghi chu", "giai trinh"],
}.items():
    for _n in _names:
        _ALIASES[_n] = _canon

_CRITERIA_SHEETS = {"criteria", "tieu chi", "tieu_chi", "bo tieu chi", "danh muc tieu chi"}
_UNITS_SHEETS = {"units", "don vi", "danh sach don vi", "don_vi"}
_IGNORED_SHEETS = {"readme", "huong dan", "ghi chu", "thong tin", "about"}
_MAX_PROBLEMS_PER_CHECK = 200


class _Problems(list):
    """A list of problems that also remembers each sheet's headers as written in the file."""

    def __init__(self):
        super().__init__()
        self.headers: dict[tuple, dict[str, str]] = {}

    def localise(self) -> list[Problem]:
        """Name columns as the analyst wrote them (e.g. 'Điểm đạt được', not 'points')."""
        out = []
        for p in self:
            h = self.headers.get((p.file, p.sheet), {})
            out.append(Problem(p.file, p.sheet, p.row, h.get(p.column, p.column), p.vi, p.en))
        return out


def _canon_col(name) -> str | None:
    if name is None:
        return None
    f = fold(str(name)).replace("_", " ").strip(" :*")
    f = " ".join(f.split())
    return _ALIASES.get(f) or _ALIASES.get(f.replace(" ", "_"))


# --------------------------------------------------------------------------- raw tables


@dataclass
class _Raw:
    """A sheet as text cells with the Excel row number of every data row."""

    file: str
    sheet: str | None
    frame: pd.DataFrame  # canonical-named columns (object), plus "_row"
    headers: dict[str, str]  # canonical -> header as written in the file


def _problem(raw: _Raw, row, column, vi: str, en: str) -> Problem:
    col = raw.headers.get(column, column) if column else None
    return Problem(raw.file, raw.sheet, None if row is None else int(row), col, vi, en)


def _header_names(rows: list[list], i: int) -> tuple[list[str | None], dict[str, str]]:
    """Canonical column names if row ``i`` is the header (row ``i-1`` may be a merged parent)."""
    header = [clean_text(v) for v in rows[i]]
    parent = [clean_text(v) for v in rows[i - 1]] if i > 0 else []
    parent = parent + [None] * (len(header) - len(parent))
    filled_parent, last = [], None  # a merged parent spans several columns: forward-fill
    for v in parent:
        last = v if v is not None else last
        filled_parent.append(last)
    cols: list[str | None] = []
    headers: dict[str, str] = {}
    for j, h in enumerate(header):
        name, written = None, h
        if h is not None:
            name = _canon_col(h)
            if name is None and filled_parent[j]:
                combo = f"{filled_parent[j]} {h}"
                name = _canon_col(combo)
                written = combo if name else h
        elif parent[j] is not None:
            name, written = _canon_col(parent[j]), parent[j]
        if name in headers:  # keep the first occurrence of a duplicated column
            name = None
        cols.append(name)
        if name is not None:
            headers[name] = written
    return cols, headers


def _frame_from_rows(rows: list[list], first_row: int, file: str, sheet: str | None) -> _Raw | None:
    """Find the header among the first rows (merged two-row headers allowed) -> _Raw."""
    header_idx, best = None, 1
    for i in range(min(len(rows), 15)):
        cols, headers = _header_names(rows, i)
        if len(headers) > best:
            best, header_idx = len(headers), i
    if header_idx is None:
        return None
    cols, headers = _header_names(rows, header_idx)
    body = rows[header_idx + 1 :]
    n = len(cols)
    data = {c: [r[j] if j < len(r) else None for r in body] for j, c in enumerate(cols) if c}
    frame = pd.DataFrame(data, dtype=object)
    frame["_row"] = np.arange(first_row + header_idx + 1, first_row + header_idx + 1 + len(body))
    # drop rows that are entirely empty
    if len(frame) and n:
        vals = frame.drop(columns="_row")
        empty = vals.map(lambda v: clean_text(v) is None).all(axis=1)
        frame = frame[~empty.to_numpy()].reset_index(drop=True)
    return _Raw(file, sheet, frame, headers)


def _read_csv_raw(path: Path) -> _Raw | None:
    data = path.read_bytes()
    text = data.decode("utf-8-sig", errors="strict") if data else ""
    if not text.strip():
        return None
    sample = text[:4096]
    try:
        delim = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delim = ","
    rows = list(csv.reader(_io.StringIO(text), delimiter=delim))
    return _frame_from_rows(rows, 1, str(path), None)


def _open_workbook(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # corrupt or not an XLSX
        raise DataError(
            Problem(
                str(path), None, None, None,
                f"không mở được tệp Excel ({type(exc).__name__}: {exc}); hãy lưu lại dưới dạng .xlsx",
                f"cannot open the Excel file ({type(exc).__name__}: {exc}); save it again as .xlsx",
            )
        ) from exc


def _sheet_rows(ws) -> list[list]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    # merged cells: openpyxl keeps the value in the top-left cell only. Fill header-area
    # merges (first 15 rows) so a merged "Điểm" spans its children.
    for rng in ws.merged_cells.ranges:
        if rng.min_row > 15:
            continue
        v = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, min(rng.max_row, len(rows)) + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                row = rows[r - 1]
                while len(row) < c:
                    row.append(None)
                if row[c - 1] is None and r == rng.min_row:
                    row[c - 1] = v
    return rows


# --------------------------------------------------------------------------- parsing


def _parse_numeric(raw: _Raw, col: str, problems: list, *, what_vi: str, what_en: str,
                   allow_na_marker: bool = False):
    """Parse a text/number column -> (float array, na_marker mask)."""
    s = raw.frame[col]
    n = len(s)
    out = np.full(n, np.nan)
    marker = np.zeros(n, dtype=bool)
    bad = 0
    for i, v in enumerate(s.to_numpy()):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out[i] = v
            continue
        if allow_na_marker and isinstance(v, str) and fold(v) in NA_MARKERS:
            marker[i] = True
            continue
        try:
            num = parse_number(v)
        except ValueError:
            if bad < _MAX_PROBLEMS_PER_CHECK:
                problems.append(_problem(
                    raw, raw.frame["_row"].iat[i], col,
                    f"{what_vi} phải là số, nhưng ô ghi '{clean_text(v)}'"
                    + ("; ghi KPS nếu tiêu chí không phát sinh" if allow_na_marker else ""),
                    f"{what_en} must be a number, but the cell holds '{clean_text(v)}'"
                    + ("; write KPS if the criterion does not arise" if allow_na_marker else ""),
                ))
            bad += 1
            out[i] = np.nan
            marker[i] = False
            continue
        out[i] = np.nan if num is None else num
    return out, marker


def _tidy_from_raw(raw: _Raw, problems: list, *, criteria: pd.DataFrame | None = None,
                   units: pd.DataFrame | None = None, default_unit: str | None = None,
                   default_year=None) -> pd.DataFrame | None:
    """Turn one raw sheet into canonical rows (plus _file/_sheet/_row), appending problems."""
    f = raw.frame
    if isinstance(problems, _Problems):
        problems.headers[(raw.file, raw.sheet)] = raw.headers
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
    out["criterion"] = [_criterion_id(v) for v in f["criterion"].to_numpy()]
    for col, vi_name, en_name in [("unit_id", "mã đơn vị", "unit id"), ("criterion", "mã tiêu chí", "criterion id")]:
        bad_rows = out.index[pd.isna(out[col])]
        for i in bad_rows[:_MAX_PROBLEMS_PER_CHECK]:
            problems.append(_problem(raw, out["_row"].iat[i], col, f"thiếu {vi_name}", f"{en_name} is empty"))

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
    out["points"] = pts
    if "max_points" in f.columns:
        mx, _ = _parse_numeric(raw, "max_points", problems, what_vi="điểm tối đa", what_en="max points")
        out["max_points"] = mx
    else:
        out["max_points"] = np.nan
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
        for i in np.flatnonzero(conflict)[:_MAX_PROBLEMS_PER_CHECK]:
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
        for i in np.flatnonzero(~known.to_numpy() & out["criterion"].notna().to_numpy())[:_MAX_PROBLEMS_PER_CHECK]:
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


def _criterion_id(v) -> str | None:
    """Criterion id as text; an Excel number 3.0 (typed "3") becomes "3"."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return clean_text(v)


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
    if "_row" in data.columns:
        rows = data["_row"].to_numpy()
        file_col = data["_file"] if "_file" in data.columns else None
        sheet_col = data["_sheet"] if "_sheet" in data.columns else None
    else:
        rows = np.arange(2, n + 2)
        file_col = sheet_col = None

    def add(mask, column, vi, en):
        # messages are built only for the (few) failing rows: cheap on millions of rows
        idx = np.flatnonzero(mask)
        for i in idx[:_MAX_PROBLEMS_PER_CHECK]:
            fi = file if file_col is None else file_col.iat[i]
            sh = sheet if sheet_col is None else sheet_col.iat[i]
            problems.append(Problem(fi, sh, int(rows[i]), column, vi(i), en(i)))

    mx = data["max_points"].to_numpy(dtype=float)
    pts = data["points"].to_numpy(dtype=float)
    app = data["applicable"].to_numpy(dtype=bool)
    crit_s = data["criterion"]
    uid_s = data["unit_id"]
    yr = data["year"].to_numpy()

    def crit(i):
        return crit_s.iat[i]

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
    problems.sort(key=lambda p: (str(p.file), str(p.sheet), p.row or 0))
    return problems


def _finish(parts: list[pd.DataFrame]) -> pd.DataFrame:
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=SCORE_COLUMNS)
    df["unit_name"] = df["unit_name"].where(df["unit_name"].notna(), df["unit_id"])
    df["unit_type"] = df["unit_type"].fillna("")
    crit = df["criterion"].astype(object)
    df["field"] = df["field"].where(df["field"].notna(), crit.map(lambda c: str(c).split(".")[0]))
    df["component"] = df["component"].fillna("appraisal")
    df["points"] = df["points"].where(df["applicable"].astype(bool))
    return df


def _as_canonical(df: pd.DataFrame) -> pd.DataFrame:
    out = df[SCORE_COLUMNS].copy()
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
    cols = {c: _canon_col(c) or c for c in frame.columns}
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
        for i in np.flatnonzero(bad.to_numpy())[:_MAX_PROBLEMS_PER_CHECK]:
            problems.append(Problem(f, None, int(i) + 2, "year",
                                    f"năm phải là số nguyên, nhưng là '{yr.iat[i]}'",
                                    f"year must be a whole number, but is '{yr.iat[i]}'"))
        yr = num.fillna(-1).astype("int64")
    df["year"] = yr.astype("int64")
    for c in ["unit_id", "unit_name", "unit_type", "field", "criterion", "component"]:
        df[c] = frame[c] if c in frame.columns else None
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
    return df  # rows located by position (header = row 1) in check_scores


def _load(path: str | os.PathLike, *, sheet: str | None = None) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read any supported file -> (canonical frame with location columns, problems)."""
    p = Path(path)
    f = str(p)
    problems = _Problems()
    if not p.exists():
        raise DataError(Problem(f, None, None, None, "không tìm thấy tệp", "file not found"))
    if p.is_dir():
        raise DataError(Problem(f, None, None, None, "đây là thư mục, không phải tệp", "this is a folder, not a file"))
    if p.stat().st_size == 0:
        problems.append(Problem(f, None, None, None, "tệp rỗng", "the file is empty"))
        return None, problems.localise()
    ext = p.suffix.lower()
    criteria_ids = None
    if ext in {".parquet", ".pq"}:
        frame = pd.read_parquet(p)
        if frame.empty:
            problems.append(Problem(f, None, None, None, "tệp không có dòng dữ liệu nào", "the file has no data rows"))
            return None, problems.localise()
        df = _read_fast_tidy(p, frame, problems)
        if df is None and not problems:
            rows = [list(frame.columns)] + frame.astype(object).to_numpy().tolist()
            raw = _frame_from_rows(rows, 1, f, None)
            df = _tidy_from_raw(raw, problems)
            df = _finish([df]) if df is not None else None
        if df is None:
            return None, problems.localise()
    elif ext in {".csv", ".txt", ".tsv"}:
        try:
            raw = _read_csv_raw(p)
        except UnicodeDecodeError as exc:
            raise DataError(Problem(
                f, None, None, None,
                f"tệp không phải UTF-8 ({exc}); trong Excel hãy lưu 'CSV UTF-8'",
                f"the file is not UTF-8 ({exc}); in Excel save as 'CSV UTF-8'",
            )) from exc
        if raw is None or raw.frame.empty:
            if raw is None:
                problems.append(Problem(f, None, 1, None,
                                        "không tìm thấy dòng tiêu đề (year, unit_id, criterion, max_points, points)",
                                        "no header row found (year, unit_id, criterion, max_points, points)"))
            else:
                problems.append(Problem(f, None, None, None, "tệp không có dòng dữ liệu nào", "the file has no data rows"))
            return None, problems.localise()
        df = _tidy_from_raw(raw, problems)
        if df is None:
            return None, problems.localise()
        df = _finish([df])
    elif ext in {".xlsx", ".xlsm"}:
        df, criteria_ids = _read_workbook(p, sheet, problems)
        if df is None:
            return None, problems.localise()
    else:
        raise DataError(Problem(
            f, None, None, None,
            f"định dạng '{ext}' chưa hỗ trợ; dùng .xlsx, .csv hoặc .parquet",
            f"format '{ext}' is not supported; use .xlsx, .csv or .parquet",
        ))
    problems.extend(check_scores(df, file=f, criteria=criteria_ids))
    return df, problems.localise()


def _read_workbook(p: Path, sheet: str | None, problems: list) -> tuple[pd.DataFrame | None, pd.Series | None]:
    f = str(p)
    wb = _open_workbook(p)
    names = wb.sheetnames
    by_fold = {fold(n): n for n in names}
    if sheet is not None:
        if sheet not in names and fold(sheet) not in by_fold:
            problems.append(Problem(
                f, sheet, None, None,
                f"không có trang tính '{sheet}'; các trang tính đang có: {names}",
                f"there is no sheet '{sheet}'; sheets present: {names}",
            ))
            return None, None
        ws = wb[sheet if sheet in names else by_fold[fold(sheet)]]
        raw = _frame_from_rows(_sheet_rows(ws), 1, f, ws.title)
        if raw is None or raw.frame.empty:
            problems.append(Problem(f, ws.title, None, None, "trang tính không có dữ liệu điểm", "the sheet holds no score data"))
            return None, None
        df = _tidy_from_raw(raw, problems)
        return (_finish([df]) if df is not None else None), None

    crit_name = next((by_fold[k] for k in by_fold if k in _CRITERIA_SHEETS), None)
    units_name = next((by_fold[k] for k in by_fold if k in _UNITS_SHEETS), None)
    score_sheets = [n for n in names if n not in {crit_name, units_name}
                    and not any(fold(n).startswith(k) for k in _IGNORED_SHEETS)]
    if crit_name is None:
        # a tidy workbook: one sheet with every canonical column
        if len(score_sheets) == 1:
            ws = wb[score_sheets[0]]
            raw = _frame_from_rows(_sheet_rows(ws), 1, f, ws.title)
            if raw is not None and "max_points" in raw.frame.columns:
                if raw.frame.empty:
                    problems.append(Problem(f, ws.title, None, None, "trang tính không có dòng dữ liệu nào", "the sheet has no data rows"))
                    return None, None
                df = _tidy_from_raw(raw, problems)
                return (_finish([df]) if df is not None else None), None
        problems.append(Problem(
            f, None, None, None,
            f"không có trang tính 'criteria' (bộ tiêu chí); các trang tính đang có: {names}. "
            "Dùng 'cchc template' để tạo tệp mẫu đúng cấu trúc",
            f"no 'criteria' sheet (criteria tree) found; sheets present: {names}. "
            "Use 'cchc template' to create a workbook with the right layout",
        ))
        return None, None

    # criteria sheet
    craw = _frame_from_rows(_sheet_rows(wb[crit_name]), 1, f, crit_name)
    criteria = _read_criteria(craw, f, crit_name, problems)
    if criteria is None:
        return None, None
    units = None
    if units_name is not None:
        uraw = _frame_from_rows(_sheet_rows(wb[units_name]), 1, f, units_name)
        if uraw is None or "unit_id" not in uraw.frame.columns:
            problems.append(Problem(f, units_name, None, "unit_id",
                                    "trang tính units phải có cột unit_id (Mã đơn vị)",
                                    "the units sheet must have a unit_id column"))
            return None, None
        units = pd.DataFrame({c: [clean_text(v) for v in uraw.frame[c]] for c in uraw.frame.columns if c != "_row"})
        if "year" in units:
            units["year"] = [parse_number(v) if v is not None else None for v in units["year"]]
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
    for name in score_sheets:
        ws = wb[name]
        raw = _frame_from_rows(_sheet_rows(ws), 1, f, name)
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
            default_unit = sheet_map.get(name) or (name if name in unit_ids else None) or clean_text(name)
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
    return _finish(parts), criteria["criterion"]


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
    mx, _ = _parse_numeric(craw, "max_points", problems, what_vi="điểm tối đa", what_en="max points")
    crit = [_criterion_id(v) for v in craw.frame["criterion"]]
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


def read_scores(path: str | os.PathLike, *, sheet: str | None = None) -> pd.DataFrame:
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
    df, problems = _load(path, sheet=sheet)
    if problems:
        raise DataError.from_problems(problems, see_vi="chạy 'cchc validate' để xem tất cả",
                                      see_en="run 'cchc validate' to list them all")
    return _as_canonical(df)


def validate_scores(path: str | os.PathLike, *, sheet: str | None = None) -> pd.DataFrame:
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
        _, problems = _load(path, sheet=sheet)
    except DataError as exc:
        problems = exc.problems
    return DataError(problems).to_frame() if problems else DataError([]).to_frame()


# --------------------------------------------------------------------------- template


def write_template(path: str | os.PathLike, *, n_units: int = 3, _bundle_raw: bool = False) -> Path:
    """Write a blank analyst workbook to fill in (never into ``data/raw/`` by accident).

    The workbook has a ``README`` sheet (how to fill it in, in Vietnamese and English),
    a ``criteria`` sheet with the seven fields of the ministry index as examples, a
    ``units`` sheet and one score sheet per unit pre-filled with every criterion.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from ..labels import FIELD_NAMES
    from ..outputs import atomic_write_bytes

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    wb = Workbook()
    ws = wb.active
    ws.title = "README"
    lines = [
        "MẪU NHẬP ĐIỂM CHỈ SỐ CCHC / PAR INDEX SCORE TEMPLATE (cchc-analysis)",
        "",
        "1. Trang 'criteria': mỗi dòng một tiêu chí: mã (ví dụ 3.2.1), lĩnh vực, tên, thành phần "
        "(thẩm định / điều tra), điểm tối đa (> 0).",
        "2. Trang 'units': mỗi đơn vị một dòng: mã đơn vị (không dấu, ví dụ cuc-a), tên, loại "
        "(cuc, vu, van-phong, thanh-tra...), năm đánh giá.",
        "3. Mỗi đơn vị một trang điểm (tên trang = mã đơn vị): ghi điểm đạt được vào cột "
        "'Điểm đạt được'. Ghi 0 nếu không đạt; ghi KPS nếu tiêu chí không phát sinh. "
        "Không để trống.",
        "4. Kiểm tra: cchc validate <tệp>.",
        "",
        "1. Sheet 'criteria': one row per criterion: id, field, name, component (appraisal / "
        "survey), max points (> 0).",
        "2. Sheet 'units': one row per unit: unit id (ASCII), name, type, assessment year.",
        "3. One score sheet per unit (sheet name = unit id): enter points achieved; 0 for none, "
        "KPS where the criterion does not arise. Never leave a cell empty.",
        "4. Check with: cchc validate <file>.",
    ]
    for i, line in enumerate(lines, start=1):
        ws.cell(i, 1, line)
    ws["A1"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 120
    head = PatternFill("solid", fgColor="DDEBF7")

    wc = wb.create_sheet("criteria")
    wc.append(["Mã tiêu chí", "Lĩnh vực", "Tên tiêu chí", "Thành phần", "Điểm tối đa"])
    example = []
    for fid in sorted(FIELD_NAMES)[:7]:
        for k in (1, 2):
            cid = f"{fid}.{k}"
            example.append(cid)
            wc.append([cid, fid, f"{FIELD_NAMES[fid]['vi']}: tiêu chí {k}",
                       "điều tra" if k == 2 else "thẩm định", 1.0])
    wu = wb.create_sheet("units")
    wu.append(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Năm"])
    for j in range(1, n_units + 1):
        wu.append([f"don-vi-{j}", f"Đơn vị {j}", "vu", 2024])
        s = wb.create_sheet(f"don-vi-{j}")
        s.append(["Mã tiêu chí", "Điểm đạt được", "Ghi chú"])
        for cid in example:
            s.append([cid, None, None])
        s.column_dimensions["A"].width = 14
        s.column_dimensions["B"].width = 16
        s.column_dimensions["C"].width = 40
    for sheet in wb.worksheets[1:]:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = head
    wc.column_dimensions["C"].width = 50
    buf = _io.BytesIO()
    wb.save(buf)
    return atomic_write_bytes(target, buf.getvalue(), _bundle_raw=_bundle_raw)
