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
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ..provenance import mark_synthetic
from ..text import fmt_int, fold
from ._tabular import (
    CSV_EXTENSIONS,
    MAX_PROBLEMS_PER_CHECK,
    PARQUET_EXTENSIONS,
    XLSX_EXTENSIONS,
    MAX_NAME_CHARS,
    Problems,
    bad_text,
    canon_col,
    near_header,
    check_file,
    frame_rows,
    read_parquet_frame,
    raise_first,
    read_csv_rows,
    synthetic_column,
    unsupported_format,
)
from ._score_rows import (
    NA_MARKERS,
    SCORE_COLUMNS,
    LAYOUTS,
    REQUIRED,
    _ALIASES,
    _COMPONENTS,
    _ID_OK,
    _TOTAL_WORDS,
    _as_canonical,
    _frame_from_rows,
    natural_key,
)
from ._score_sheets import _read_workbook, _tidy_sheet

__all__ = [
    "SCORE_COLUMNS",
    "NA_MARKERS",
    "read_scores",
    "validate_scores",
    "check_scores",
]

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
    if "self_points" in data.columns:  # điểm tự chấm: the same bounds as the appraised points
        sp = pd.to_numeric(data["self_points"], errors="coerce").to_numpy(dtype=float)
        add(app & ~np.isnan(sp) & (sp < -tol), "self_points",
            lambda i: f"điểm tự chấm không được âm, nhưng là {sp[i]:g}",
            lambda i: f"self-assessed points cannot be negative, but are {sp[i]:g}")
        add(app & (mx > 0) & ~np.isnan(sp) & (sp > mx + tol), "self_points",
            lambda i: f"điểm tự chấm ({sp[i]:g}) lớn hơn điểm tối đa ({mx[i]:g}) của tiêu chí {crit(i)}",
            lambda i: f"self-assessed points ({sp[i]:g}) exceed the maximum ({mx[i]:g}) of criterion {crit(i)}")
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
    # one unit, one id: a row whose unit name belongs to another id in that year is a mistyped id
    # (``cuc-1`` for ``cuc-01`` would be a phantom unit); names equal to their id say nothing
    if "unit_name" in data.columns and n:
        names = data["unit_name"]
        nc, nu = pd.factorize(names)
        ok = (nc >= 0) & (uc >= 0) & (yc >= 0)
        NU, NN = max(len(uu), 1), max(len(nu), 1)
        pair = (yc.astype(np.int64) * NN + nc) * NU + uc
        inv, pairs = pd.factorize(np.where(ok, pair, -1))  # hash-based: np.unique is slow here
        cnt = np.bincount(inv, minlength=len(pairs))
        real = pairs >= 0
        p_u = np.where(real, pairs % NU, -1)
        p_yn = np.where(real, pairs // NU, -1)
        same = np.array([bool(real[k]) and str(nu[p_yn[k] % NN]) == str(uu[p_u[k]]) for k in range(len(pairs))],
                        dtype=bool)
        use = real & ~same
        yn = pd.Series(p_yn[use]).value_counts()
        multi = set(yn.index[yn.to_numpy() > 1].tolist())
        if multi:
            major = {}
            for k in np.flatnonzero(use):
                g = int(p_yn[k])
                if g in multi and (g not in major or cnt[k] > cnt[major[g]]):
                    major[g] = k
            odd_pair = np.array([bool(use[k]) and int(p_yn[k]) in multi and major[int(p_yn[k])] != k
                                 for k in range(len(pairs))], dtype=bool)
            odd = odd_pair[inv] & ok
            maj = {g: uu[p_u[k]] for g, k in major.items()}
            pyn = p_yn[inv]
            add(odd, "unit_id",
                lambda i: f"mã đơn vị '{uid_s.iat[i]}' khác mã '{maj[int(pyn[i])]}' của cùng đơn vị "
                          f"'{names.iat[i]}' (năm {yr[i]}): gõ nhầm mã? Một đơn vị một mã",
                lambda i: f"unit id '{uid_s.iat[i]}' differs from id '{maj[int(pyn[i])]}' of the same unit "
                          f"'{names.iat[i]}' (year {yr[i]}): a mistyped id? One id per unit")
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
    problems.extend(_missing_rows(data, file=file, sheet=sheet, codes=(yc, uc, uu, cc, cu)))
    problems.sort(key=lambda p: (str(p.file), natural_key(p.sheet), p.row or 0))
    return problems


def _missing_rows(data: pd.DataFrame, *, file=None, sheet=None, codes=None) -> list[Problem]:
    """A unit lacking a criterion that every other unit of its type has that year (at least
    two others) has lost a row (deleted, or never typed): a smaller maximum would follow
    silently. Write KPS for a criterion that does not arise. Integer codes: cheap on
    millions of rows."""
    if not len(data) or "unit_type" not in data.columns:
        return []
    if codes is None:
        codes = (pd.factorize(data["year"])[0], *pd.factorize(data["unit_id"]), *pd.factorize(data["criterion"]))
    yc, uc, uu, cc, cu = codes
    tc, tu = pd.factorize(data["unit_type"])
    tc = np.where(tc < 0, len(tu), tc)  # no type: one group of its own
    ok = (yc >= 0) & (uc >= 0) & (cc >= 0)
    if "_complete" in data.columns:  # checked against the tree's applies_to already
        ok &= ~data["_complete"].fillna(False).to_numpy(dtype=bool)
    if not ok.any():
        return []
    nt, nu, nc = len(tu) + 1, len(uu), len(cu)
    yt = yc[ok].astype(np.int64) * nt + tc[ok]
    ytu = pd.unique(yt * nu + uc[ok])  # distinct (year, type, unit); hash-based, not np.unique (slow)
    ytc_u = pd.unique((yt * nc + cc[ok]) * nu + uc[ok])  # distinct (year, type, criterion, unit)
    units_in = pd.Series(ytu // nu).value_counts()
    have_n = pd.Series(ytc_u // nu).value_counts()
    ytc, n_have = have_n.index.to_numpy(), have_n.to_numpy()
    need = units_in.reindex(ytc // nc).to_numpy()
    gaps = ytc[(need >= 3) & (n_have == need - 1)]
    if not len(gaps):
        return []
    out = []
    first = {}
    for i, key in zip(np.flatnonzero(ok).tolist(), (yt * nu + uc[ok]).tolist()):
        first.setdefault(key, i)
    have = set(ytc_u.tolist())
    names = data["unit_name"] if "unit_name" in data.columns else data["unit_id"]
    for g in gaps.tolist():
        group, c = divmod(g, nc)
        for k in ytu[ytu // nu == group].tolist():
            u = k % nu
            if (g * nu + u) in have:
                continue
            i = first[k]
            fi = data["_file"].iat[i] if "_file" in data.columns else file
            sh = data["_sheet"].iat[i] if "_sheet" in data.columns else sheet
            y = data["year"].iat[i]
            out.append(Problem(fi, sh, None, "criterion",
                               f"đơn vị {names.iat[i]} ({uu[u]}) thiếu dòng tiêu chí {cu[c]} năm {y}, mà mọi đơn vị khác "
                               "cùng loại đều có; thêm dòng (ghi KPS nếu không phát sinh)",
                               f"unit {names.iat[i]} ({uu[u]}) lacks the row of criterion {cu[c]} in {y}, which every "
                               "other unit of its type has; add the row (KPS if it does not arise)"))
            if len(out) >= MAX_PROBLEMS_PER_CHECK:
                return out
    return out


# --------------------------------------------------------------------------- readers


def _read_fast_tidy(path: Path, frame: pd.DataFrame, problems: list) -> pd.DataFrame | None:
    """Parquet (or any typed frame): vectorised path for big tidy files."""
    f = str(path)
    cols = {c: canon_col(c, _ALIASES) or c for c in frame.columns}
    for c, k in cols.items():
        meant = near_header(str(c), _ALIASES) if canon_col(c, _ALIASES) is None else None
        if meant is not None and meant not in cols.values():
            problems.append(Problem(f, None, 1, str(c),
                                    f"không nhận ra cột '{c}' (có phải '{meant}' gõ nhầm?); sửa tên cột, nếu không cột "
                                    "này bị bỏ qua và bảng đọc ra sẽ khác",
                                    f"column '{c}' is not recognised (a mistyped '{meant}'?); correct its name: "
                                    "otherwise it is ignored and the table read differs"))
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
        _unique_text_problems(frame[c], f, c, problems, id_like=True)
    if "unit_name" in frame.columns:
        _unique_text_problems(frame["unit_name"], f, "unit_name", problems, id_like=False)
    if "component" in frame.columns:
        comp_vals = pd.unique(frame["component"])
        blanks = [v for v in comp_vals if v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip()]
        blank = None
        if blanks and len(blanks) < len(comp_vals):
            blank = (frame["component"].isna() | frame["component"].isin([b for b in blanks if isinstance(b, str)])).to_numpy()
        if blank is not None:
            for i in np.flatnonzero(blank)[:MAX_PROBLEMS_PER_CHECK]:
                problems.append(Problem(f, None, int(i) + 2, "component",
                                        "thiếu thành phần ('appraisal' hoặc 'survey'); ô trống không được hiểu là "
                                        "thẩm định", "component is empty ('appraisal' or 'survey'); an empty cell is "
                                        "not taken as appraisal"))
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
    if "self_points" in frame.columns:  # optional: điểm tự chấm (checked like points in check_scores)
        if not pd.api.types.is_numeric_dtype(frame["self_points"]):
            return None
        df["self_points"] = frame["self_points"].astype(float)
    if "criterion_name" in frame.columns:  # optional: the criterion's text, carried to every output
        df["criterion_name"] = frame["criterion_name"].astype("string").str.strip().astype(object)
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


def _unique_text_problems(col: pd.Series, f: str, name: str, problems: list, *, id_like: bool) -> None:
    """Ids/names of a typed column checked once per distinct value (cheap on millions of rows)."""
    bad = {}
    for v in pd.unique(col.dropna()):
        if not isinstance(v, str):
            continue
        why = bad_text(v, id_like=id_like)
        if why is None and name == "criterion" and (fold(v) in _TOTAL_WORDS or not _ID_OK.match(v.strip())):
            why = ("không phải mã tiêu chí (chỉ chữ số, chữ cái không dấu, '.', '-', '_'; dòng tổng cộng thì xóa)",
                   "is not a criterion id (ASCII digits, letters, '.', '-', '_'; delete a total row)")
        if why is None and not id_like and len(v) > MAX_NAME_CHARS:
            why = (f"dài {fmt_int(len(v))} ký tự (tối đa {MAX_NAME_CHARS})", f"is {fmt_int(len(v), 'en')} characters long (at most "
                   f"{MAX_NAME_CHARS})")
        if why is not None:
            bad[v] = why
    if bad:
        pos = np.flatnonzero(col.isin(list(bad)).to_numpy())
        for i in pos[:MAX_PROBLEMS_PER_CHECK]:
            v = col.iat[i]
            problems.append(Problem(f, None, int(i) + 2, name, f"'{v[:40]}' {bad[v][0]}", f"'{v[:40]}' {bad[v][1]}"))


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
