"""The published PAR INDEX tables (ministries and provinces), with provenance, and their checks.

The bundled files ``data/raw/published/ministry.csv`` and ``province.csv`` hold what the
Ministry of Home Affairs published, one row per unit × year, each with the URL it came from.
Rows may be partial (e.g. only a rank and an index) and years may be incomplete: see the
coverage table in ``data/raw/published/README.md``. Numbers are never interpolated; an empty
cell means "not found in the sources consulted".

:func:`load_published` returns the canonical published table; :func:`consistency_checks`
tests the rows against themselves (components add up, ranks agree with the indices).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..errors import DataError, Problem
from ..labels import register
from ..text import clean_text, parse_number
from ..units import LEVELS, load_units, resolve_units

__all__ = [
    "PUBLISHED_COLUMNS",
    "published_path",
    "load_published",
    "consistency_checks",
    "coverage",
]

#: Canonical columns of the published table (design.md), in order.
PUBLISHED_COLUMNS = ["year", "level", "rank", "unit_id", "unit_name", "appraisal", "survey", "total", "index",
                     "source_url"]
_EXTRA = ["ranked", "notes", "name_in_source"]
_RAW_COLUMNS = ["year", "level", "rank", "unit_name", "appraisal", "survey", "total", "index", "ranked",
                "source_url", "notes"]
_NUMERIC = ["appraisal", "survey", "total", "index"]
_TRUE = {"true", "1", "yes", "có", "co", "x"}
_FALSE = {"false", "0", "no", "không", "khong"}

register({
    "ranked": {"vi": "Được xếp hạng", "en": "Ranked"},
    "notes": {"vi": "Ghi chú", "en": "Notes"},
    "name_in_source": {"vi": "Tên trong nguồn", "en": "Name in source"},
})


def published_path(level: str) -> Path:
    """Path of the bundled published table of ``level`` (``"ministry"`` or ``"province"``)."""
    if level not in LEVELS:
        raise ValueError(f"The value for `level` must be one of {list(LEVELS)}, but {level!r} was passed.")
    return config.PUBLISHED_DIR / f"{level}.csv"


def _years(years) -> set[int] | None:
    if years is None:
        return None
    if isinstance(years, (int, np.integer)) and not isinstance(years, bool):
        return {int(years)}
    try:
        out = {int(y) for y in years}
    except (TypeError, ValueError):
        raise ValueError(f"`years` must be None, a year or a list of years, but {years!r} was passed.") from None
    return out


def _read(path: Path, level: str) -> pd.DataFrame:
    if not path.exists():
        raise DataError(Problem(str(path), None, None, None, "không tìm thấy tệp", "file not found"))
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError) as e:
        m = re.search(r"line (\d+)", str(e))
        raise DataError(Problem(str(path), None, int(m.group(1)) if m else None, None,
                                f"tệp CSV không đọc được (dấu phẩy thừa? số thập phân phải dùng dấu chấm hoặc đặt trong ngoặc kép): {e}",
                                f"unreadable CSV (a stray comma? use a decimal point or quote the value): {e}")) from None
    missing = [c for c in _RAW_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(Problem(str(path), None, 1, missing[0], f"thiếu cột {missing}",
                                f"missing column(s) {missing}; expected {_RAW_COLUMNS}"))
    raw = raw[_RAW_COLUMNS].map(lambda v: clean_text(v) or "")
    problems: list[Problem] = []
    out = {c: [] for c in _RAW_COLUMNS}

    def bad(row, col, vi, en):
        problems.append(Problem(str(path), None, row, col, vi, en))

    for i, r in raw.iterrows():
        row = int(i) + 2
        try:
            y = int(r["year"])
            if not 2000 <= y <= 2100:
                raise ValueError
        except ValueError:
            bad(row, "year", f"năm không hợp lệ '{r['year']}'", f"invalid year {r['year']!r}")
            y = None
        out["year"].append(y)
        if r["level"] != level:
            bad(row, "level", f"cấp '{r['level']}' khác '{level}'", f"level {r['level']!r} differs from {level!r}")
        out["level"].append(level)
        rk = None
        if r["rank"]:
            try:
                rk = int(r["rank"])
                if rk < 1:
                    raise ValueError
            except ValueError:
                bad(row, "rank", f"hạng phải là số nguyên dương, không phải '{r['rank']}'",
                    f"rank must be a positive integer, not {r['rank']!r}")
                rk = None
        out["rank"].append(rk)
        for c in _NUMERIC:
            try:
                v = parse_number(r[c])
            except ValueError:
                bad(row, c, f"không phải số: '{r[c]}'", f"not a number: {r[c]!r}")
                v = None
            if v is not None and not 0 <= v <= 100:
                bad(row, c, f"giá trị {v} ngoài khoảng 0-100", f"value {v} outside 0-100")
            out[c].append(np.nan if v is None else v)
        flag = r["ranked"].lower()
        if flag in _TRUE or flag == "":
            out["ranked"].append(True)
        elif flag in _FALSE:
            out["ranked"].append(False)
        else:
            bad(row, "ranked", f"'ranked' phải là true/false, không phải '{r['ranked']}'",
                f"`ranked` must be true or false, not {r['ranked']!r}")
            out["ranked"].append(True)
        if not re.match(r"^https?://\S+$", r["source_url"]):
            bad(row, "source_url", "mỗi dòng phải có địa chỉ nguồn (http...)", "every row needs a source URL (http...)")
        if not r["unit_name"]:
            bad(row, "unit_name", "thiếu tên đơn vị", "missing unit name")
        if r["rank"] == "" and all(r[c] == "" for c in _NUMERIC) and out["ranked"][-1]:
            bad(row, "rank", "dòng không có số liệu nào (hạng hoặc điểm)", "row has no number at all (rank or points)")
        for c in ("unit_name", "source_url", "notes"):
            out[c].append(r[c])
    if problems:
        raise DataError(problems)
    df = pd.DataFrame(out)
    ids = resolve_units(df["unit_name"], level=level, file=str(path), column="unit_name", first_row=2)
    df["unit_id"] = ids
    dup = df.duplicated(["year", "unit_id"], keep="first")
    if dup.any():
        raise DataError([Problem(str(path), None, int(i) + 2, "unit_name",
                                 f"đơn vị {df.at[i, 'unit_id']} có hơn một dòng năm {df.at[i, 'year']}",
                                 f"unit {df.at[i, 'unit_id']!r} has more than one row in {df.at[i, 'year']}")
                         for i in df.index[dup]])
    return df


def load_published(level: str = "ministry", *, years=None, path=None) -> pd.DataFrame:
    """The published PAR INDEX table of one level, name variants resolved to ``unit_id``.

    Parameters
    ----------
    level : ``"ministry"`` (ministries and ministry-level agencies) or ``"province"``.
    years : ``None`` (all), a year, or a list of years to keep.
    path : a CSV in the layout of the bundled file (default: the bundled
        ``data/raw/published/<level>.csv``).

    Returns
    -------
    DataFrame with the canonical columns ``year, level, rank, unit_id, unit_name, appraisal,
    survey, total, index, source_url`` followed by ``ranked`` (False for units assessed but
    not ranked, e.g. the Government Inspectorate in 2021-2023), ``notes`` and
    ``name_in_source`` (the spelling used by the source). ``rank`` is nullable ``Int64``; points
    and index are floats, NaN where the sources give nothing. ``unit_name`` is the registry's
    Vietnamese name. Sorted by year (newest first), then rank.

    Raises
    ------
    DataError
        An unknown unit name, a non-number, a missing source URL or a duplicate unit × year,
        naming file, row and column.

    Examples
    --------
    >>> t = load_published("ministry", years=2023)
    >>> t.loc[t["rank"] == 9, ["unit_id", "index"]].values.tolist()
    [['bo-thong-tin-va-truyen-thong', 85.83]]
    >>> int(t["ranked"].sum())
    17
    """
    p = Path(path) if path is not None else published_path(level)
    if level not in LEVELS:
        raise ValueError(f"The value for `level` must be one of {list(LEVELS)}, but {level!r} was passed.")
    keep = _years(years)
    df = _read(p, level)
    if keep is not None:
        df = df[df["year"].isin(keep)]
    names = load_units(level=level).set_index("unit_id")["name_vi"]
    df = df.rename(columns={"unit_name": "name_in_source"})
    df["unit_name"] = df["unit_id"].map(names)
    df["year"] = df["year"].astype("int64")
    df["rank"] = pd.array(df["rank"], dtype="Int64")
    for c in _NUMERIC:
        df[c] = df[c].astype("float64")
    df["ranked"] = df["ranked"].astype(bool)
    df = df.sort_values(["year", "rank", "unit_id"], ascending=[False, True, True], na_position="last")
    return df[PUBLISHED_COLUMNS + _EXTRA].reset_index(drop=True)


def _documented(note: str, *words: str) -> bool:
    n = (note or "").lower()
    return any(w in n for w in words)


def consistency_checks(data: pd.DataFrame, *, tol: float = 0.02) -> pd.DataFrame:
    """Internal consistency of a published table: one row per problem found.

    Checks
    ------
    ``components``: ``appraisal + survey`` equals ``total`` within ``tol`` where all three are given
    (the published components are rounded separately, so a difference up to 0.01 is normal).
    ``total_index``: ``total`` equals ``index`` within ``tol`` where both are given (true while the
    maximum is 100 points, as under Quyết định 876/QĐ-BNV).
    ``rank_order``: within a year, a ranked unit with a higher index never has a worse (larger)
    rank than one with a lower index (ties in the index may be ranked either way).
    ``rank_unique``: no two ranked units share a rank unless their (known) indices tie.

    Parameters
    ----------
    data : a published table (:func:`load_published`).
    tol : tolerance in points.

    Returns
    -------
    DataFrame with columns ``check, year, level, unit_id, other_unit_id, detail, documented``
    (``documented`` is True when the row's ``notes`` explain the deviation). Empty when consistent.

    Examples
    --------
    >>> consistency_checks(load_published("ministry")).empty
    True
    """
    need = {"year", "unit_id", "rank", "index"}
    if not isinstance(data, pd.DataFrame) or need - set(data.columns):
        raise ValueError(f"`data` must be a published table with at least the columns {sorted(need)}.")
    d = data.copy()
    for c in ("appraisal", "survey", "total", "level", "notes"):
        if c not in d.columns:
            d[c] = np.nan if c not in ("level", "notes") else ""
    if "ranked" not in d.columns:
        d["ranked"] = True
    rows = []

    def add(check, r, other, detail, doc_words):
        rows.append({"check": check, "year": int(r["year"]), "level": r["level"], "unit_id": r["unit_id"],
                     "other_unit_id": other, "detail": detail,
                     "documented": _documented(r["notes"], *doc_words)})

    full = d.dropna(subset=["appraisal", "survey", "total"])
    for _, r in full.iterrows():
        diff = r["appraisal"] + r["survey"] - r["total"]
        if abs(diff) > tol + 1e-9:
            add("components", r, "", f"appraisal + survey - total = {diff:+.2f}", ("component", "thành phần"))
    both = d.dropna(subset=["total", "index"])
    for _, r in both.iterrows():
        if abs(r["total"] - r["index"]) > tol + 1e-9:
            add("total_index", r, "", f"total - index = {r['total'] - r['index']:+.2f}", ("total", "denominator"))
    rk = d[d["ranked"].astype(bool) & d["rank"].notna()]
    for _, g in rk.groupby(["level", "year"]):
        g = g.reset_index(drop=True)
        ranks = g["rank"].astype("float64").to_numpy()
        idx = g["index"].to_numpy(dtype=float)
        for i in range(len(g)):
            for j in range(len(g)):
                if i == j:
                    continue
                if not (np.isnan(idx[i]) or np.isnan(idx[j])) and idx[i] > idx[j] and ranks[i] > ranks[j]:
                    add("rank_order", g.iloc[i], g.at[j, "unit_id"],
                        f"index {idx[i]:.2f} > {idx[j]:.2f} but rank {int(ranks[i])} > {int(ranks[j])}",
                        ("rank", "hạng"))
                if i < j and ranks[i] == ranks[j] and not idx[i] == idx[j]:
                    add("rank_unique", g.iloc[i], g.at[j, "unit_id"],
                        f"both ranked {int(ranks[i])}", ("tie", "đồng hạng", "rank"))
    cols = ["check", "year", "level", "unit_id", "other_unit_id", "detail", "documented"]
    return pd.DataFrame(rows, columns=cols)


def coverage(data: pd.DataFrame, *, expected: dict | None = None) -> pd.DataFrame:
    """Coverage of a published table by year: rows, ranked rows with an index, columns present.

    Parameters
    ----------
    data : a published table (one level or both).
    expected : ``{(level, year): number of ranked units}``; default from the published claims
        (``n_ranked`` in ``claims.csv``).

    Returns
    -------
    DataFrame with columns ``level, year, rows, ranked_with_index, expected, status
    ("complete" | "partial"), columns`` (the value columns with at least one number).

    Examples
    --------
    >>> c = coverage(load_published("ministry", years=2023))
    >>> c[["year", "rows", "ranked_with_index", "expected", "status"]].values.tolist()
    [[2023, 19, 17, 17, 'complete']]
    """
    if expected is None:
        from .claims import load_claims

        cl = load_claims()
        cl = cl[cl["metric"] == "n_ranked"]
        expected = {(r.level, int(r.year)): int(r.value) for r in cl.itertuples()}
    rows = []
    for (lv, yr), g in data.groupby(["level", "year"]):
        ok = int((g["ranked"].astype(bool) & g["index"].notna()).sum()) if "ranked" in g else int(g["index"].notna().sum())
        exp = expected.get((lv, int(yr)))
        present = [c for c in ["rank", "appraisal", "survey", "total", "index"] if g[c].notna().any()]
        rows.append({"level": lv, "year": int(yr), "rows": len(g), "ranked_with_index": ok,
                     "expected": pd.NA if exp is None else exp,
                     "status": "complete" if exp is not None and ok == exp else "partial",
                     "columns": ", ".join(present)})
    out = pd.DataFrame(rows, columns=["level", "year", "rows", "ranked_with_index", "expected", "status", "columns"])
    out["expected"] = pd.array(out["expected"], dtype="Int64")
    return out.sort_values(["level", "year"], ascending=[True, False]).reset_index(drop=True)
