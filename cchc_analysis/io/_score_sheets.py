"""Workbooks for the scores reader: which sheets hold data, the criteria and units sheets,
the office layouts (bảng tổng hợp, phiếu chấm điểm) and the completeness check against the
criteria tree. Used by :mod:`.scores`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Problem
from ..text import clean_text, fold, parse_number
from .office import detect_tree_header, find_unit_in_title, find_year, read_tree_sheet
from ._tabular import (
    HEADER_SEARCH_ROWS,
    MAX_PROBLEMS_PER_CHECK,
    find_sheet,
    no_sheet,
    open_workbook,
    sheet_rows,
    synthetic_column,
    text_id,
    workbook_is_synthetic,
)

from ._score_rows import (
    _COMPONENTS,
    _CRITERIA_SHEETS,
    _IGNORED_SHEETS,
    _Raw,
    _UNITS_SHEETS,
    _check_ids,
    _check_names,
    _finish,
    _frame_from_rows,
    _header_problems,
    _parse_numeric,
    _problem,
    _tidy_from_raw,
    natural_key,
)

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
        names = {fold(n) for n in wb.sheetnames}
        if df is not None and criteria is not None and not names & _UNITS_SHEETS:
            info.setdefault("notes", []).append((
                f"{p.name}: không có trang đơn vị (units / Đơn vị): tên đơn vị lấy bằng mã, loại đơn vị để trống, "
                "và mã đơn vị không được đối chiếu với danh sách nào",
                f"{p.name}: no units sheet: unit names are the ids, unit types are empty, and unit ids are "
                "checked against no list"))
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
        n_before = len(problems)
        for i in np.flatnonzero(units["unit_id"].isna().to_numpy())[:MAX_PROBLEMS_PER_CHECK]:
            problems.append(_problem(uraw, urows[i], "unit_id", "thiếu mã đơn vị (dòng có tên/loại nhưng không có mã)",
                                     "unit id is empty (the row has a name or type but no id)"))
        _check_ids(units["unit_id"], uraw.frame["_row"], uraw, "unit_id", problems)
        if "unit_name" in units:
            _check_names(units["unit_name"], uraw.frame["_row"], uraw, "unit_name", problems)
        if len(problems) > n_before:
            return None, None
        if "year" in units:
            yrs = []
            for i, v in enumerate(units["year"]):
                try:
                    y = parse_number(v, percent=False) if v is not None else None
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
                n_before = len(problems)
                _header_problems(raw, problems)  # a lost unit_id header (repeated, mistyped) is the cause
                if len(problems) > n_before:
                    continue
                problems.append(Problem(
                    f, name, None, "unit_id",
                    f"tên trang tính '{name}' không khớp mã đơn vị nào trong trang '{units_name}' "
                    f"({sorted(unit_ids, key=natural_key)[:10]}) và trang không có cột unit_id; thêm cột Mã đơn vị "
                    "(bảng dài), hoặc đặt tên trang tính bằng mã đơn vị / ghi tên trang vào cột 'sheet' của trang "
                    "đơn vị",
                    f"sheet name '{name}' matches no unit id of sheet '{units_name}' and the sheet has no "
                    "unit_id column; add a unit_id column (a long sheet), or rename the sheet to the unit id / "
                    "give its name in the units sheet's 'sheet' column"))
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
    df["_complete"] = "applies_to" in criteria  # checked against the tree: no guess from other units
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
    n_before = len(problems)
    _header_problems(craw, problems, unknown=True)
    mx, _ = _parse_numeric(craw, "max_points", problems, what_vi="điểm tối đa", what_en="max points")
    bad_max = _parse_numeric.bad.copy()
    crit = [text_id(v) for v in craw.frame["criterion"]]
    _check_ids(crit, craw.frame["_row"], craw, "criterion", problems)
    for i in np.flatnonzero(np.isnan(mx) & ~bad_max)[:MAX_PROBLEMS_PER_CHECK]:
        problems.append(_problem(craw, craw.frame["_row"].iat[i], "max_points",
                                 f"thiếu điểm tối đa của tiêu chí {crit[i] or ''}".strip(),
                                 f"max points of criterion {crit[i] or ''} are missing".replace("  ", " ")))
    for i in [k for k, c in enumerate(crit) if c is None][:MAX_PROBLEMS_PER_CHECK]:
        problems.append(_problem(craw, craw.frame["_row"].iat[i], "criterion",
                                 "thiếu mã tiêu chí (dòng có nội dung nhưng không có mã)",
                                 "criterion id is empty (the row has content but no id)"))
    out = pd.DataFrame({"criterion": crit, "max_points": mx})
    out["field"] = [clean_text(v) for v in craw.frame["field"]] if "field" in craw.frame else None
    out["field"] = [fl if fl is not None else (str(c).split(".")[0] if c else None) for fl, c in zip(out["field"], crit)]
    comps = []
    comp_given = "component" in craw.frame
    for i, v in enumerate(craw.frame["component"] if comp_given else [None] * len(out)):
        c = clean_text(v)
        k = _COMPONENTS.get(fold(c)) if c else "appraisal"
        if c is None and comp_given:
            problems.append(_problem(craw, craw.frame["_row"].iat[i], "component",
                                     "thiếu thành phần ('thẩm định' hoặc 'điều tra'); ô trống không được hiểu là thẩm định",
                                     "component is empty ('appraisal' or 'survey'); an empty cell is not taken as "
                                     "appraisal"))
        elif k is None:
            problems.append(_problem(craw, craw.frame["_row"].iat[i], "component",
                                     f"thành phần phải là 'thẩm định' hoặc 'điều tra', nhưng ô ghi '{c}'",
                                     f"component must be 'appraisal' or 'survey', but the cell holds '{c}'"))
        comps.append(k)
    out["component"] = comps
    out["name"] = [clean_text(v) for v in craw.frame["name"]] if "name" in craw.frame else None
    if "name" in craw.frame:
        _check_names(out["name"], craw.frame["_row"], craw, "name", problems, limit=False)
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
    if len(problems) > n_before:  # fix the tree first: otherwise every score row repeats its problems
        return None
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
