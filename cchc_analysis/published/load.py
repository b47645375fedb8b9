"""Reading the published PAR INDEX tables (ministries and provinces) and the published claims.

The bundled files ``data/raw/published/ministry.csv`` and ``province.csv`` hold what the
Ministry of Home Affairs published, one row per unit × year, each with the URL it came from.
Rows may be partial (e.g. only a rank and an index) and years may be incomplete: see the
coverage table in ``data/raw/published/README.md``. Numbers are never interpolated; an empty
cell means "not found in the sources consulted".

:func:`load_published` returns the canonical published table; :func:`load_claims` the
published aggregate statements of ``claims.csv`` (checked in :mod:`.claims`). The checks of the
tables against themselves and the year completeness are in :mod:`.checks`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..errors import DataError, Problem
from ..labels import check_lang, register
from ..text import clean_text, parse_number
from ..units import LEVELS, load_units, resolve_units

__all__ = [
    "PUBLISHED_COLUMNS",
    "RANK_BASES",
    "TRUSTED_RANK_BASES",
    "published_path",
    "load_published",
    "CLAIMS_PATH",
    "METRICS",
    "load_claims",
]

#: Canonical columns of the published table (design.md), in order.
PUBLISHED_COLUMNS = ["year", "level", "rank", "unit_id", "unit_name", "appraisal", "survey", "total", "index",
                     "source_url"]
_EXTRA = ["ranked", "rank_basis", "rank_listed", "notes", "name_in_source"]
#: How a published rank is known: printed by the source, read from the order of a listing,
#: or computed from a complete table's indices (data/raw/published/README.md).
RANK_BASES = ("stated", "list_order", "computed")
#: The ranks analyses use unless told otherwise: a listing is not reliably in rank order.
TRUSTED_RANK_BASES = ("stated", "computed")
_RAW_COLUMNS = ["year", "level", "rank", "unit_name", "appraisal", "survey", "total", "index", "ranked",
                "source_url", "notes"]
_NUMERIC = ["appraisal", "survey", "total", "index"]
_TRUE = {"true", "1", "yes", "có", "co", "x"}
_FALSE = {"false", "0", "no", "không", "khong"}

register({
    "rank_basis": {"vi": "Căn cứ xếp hạng", "en": "How the rank is known"},
    "rank_listed": {"vi": "Hạng theo nguồn", "en": "Rank in the source"},
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


def parse_year_cell(text: str, bad, row: int):
    """A year cell of a published CSV (2000..2100), or ``None`` after reporting ``bad``."""
    try:
        y = int(text)
        if not 2000 <= y <= 2100:
            raise ValueError
        return y
    except ValueError:
        bad(row, "year", f"năm không hợp lệ '{text}'", f"invalid year {text!r}")
        return None


def parse_rank_cell(text: str, bad, row: int):
    """A rank cell (empty or a positive integer), or ``None`` after reporting ``bad``."""
    if not text:
        return None
    try:
        rk = int(text)
        if rk < 1:
            raise ValueError
        return rk
    except ValueError:
        bad(row, "rank", f"hạng phải là số nguyên dương, không phải '{text}'",
            f"rank must be a positive integer, not {text!r}")
        return None


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
    if "rank_basis" not in raw.columns:  # a user's table in the older layout
        raw["rank_basis"] = ""
    raw = raw[_RAW_COLUMNS + ["rank_basis"]].map(lambda v: clean_text(v) or "")
    problems: list[Problem] = []
    out = {c: [] for c in _RAW_COLUMNS + ["rank_basis"]}

    def bad(row, col, vi, en):
        problems.append(Problem(str(path), None, row, col, vi, en))

    for i, r in raw.iterrows():
        row = int(i) + 2
        y = parse_year_cell(r["year"], bad, row)
        out["year"].append(y)
        if r["level"] != level:
            bad(row, "level", f"cấp '{r['level']}' khác '{level}'", f"level {r['level']!r} differs from {level!r}")
        out["level"].append(level)
        rk = parse_rank_cell(r["rank"], bad, row)
        out["rank"].append(rk)
        basis = r["rank_basis"]
        if basis and basis not in RANK_BASES:
            bad(row, "rank_basis", f"căn cứ xếp hạng '{basis}' không hợp lệ; dùng {', '.join(RANK_BASES)}",
                f"rank_basis {basis!r} is not one of {list(RANK_BASES)}")
        if basis and rk is None:
            bad(row, "rank_basis", "có căn cứ xếp hạng nhưng không có hạng", "rank_basis given without a rank")
        out["rank_basis"].append(basis)
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


def load_published(level: str = "ministry", *, years=None, path=None,
                   rank_basis=TRUSTED_RANK_BASES, lang: str = "vi") -> pd.DataFrame:
    """The published PAR INDEX table of one level, name variants resolved to ``unit_id``.

    Parameters
    ----------
    level : ``"ministry"`` (ministries and ministry-level agencies) or ``"province"``.
    years : ``None`` (all), a year, or a list of years to keep.
    path : a CSV in the layout of the bundled file (default: the bundled
        ``data/raw/published/<level>.csv``).
    rank_basis : which published ranks to use (``"all"`` or any of ``"stated"``,
        ``"list_order"``, ``"computed"``). By default only ranks the source prints
        (``stated``) or that follow from a complete table (``computed``): ranks read from
        the order in which an article lists units (``list_order``) are kept in
        ``rank_listed`` but ``rank`` is NA there, so trends, movers, attribution and claims
        do not rest on them. A rank with no basis given counts as ``stated``.
    lang : ``"vi"`` (default): ``unit_name`` is the registry's Vietnamese name; ``"en"``:
        its English name (for English pages), the Vietnamese one where the registry has none.

    Returns
    -------
    DataFrame with the canonical columns ``year, level, rank, unit_id, unit_name, appraisal,
    survey, total, index, source_url`` followed by ``ranked`` (False for units assessed but
    not ranked, e.g. the Government Inspectorate in 2021-2023), ``rank_basis`` (how the
    source's rank is known), ``rank_listed`` (the source's rank whatever its basis), ``notes`` and
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
    >>> t22 = load_published("ministry", years=2022)
    >>> int(t22["rank"].notna().sum()), int(t22["rank_listed"].notna().sum())
    (4, 17)
    >>> int(load_published("ministry", years=2022, rank_basis="all")["rank"].notna().sum())
    17
    >>> load_published("ministry", years=2023, lang="en").loc[lambda d: d["rank"] == 9, "unit_name"].item()
    'Ministry of Information and Communications'
    """
    if isinstance(rank_basis, str):
        rank_basis = RANK_BASES if rank_basis == "all" else (rank_basis,)
    unknown = [b for b in rank_basis if b not in RANK_BASES]
    if unknown:
        raise ValueError(f"`rank_basis` must be 'all' or a subset of {list(RANK_BASES)}, not {unknown}.")
    p = Path(path) if path is not None else published_path(level)
    if level not in LEVELS:
        raise ValueError(f"The value for `level` must be one of {list(LEVELS)}, but {level!r} was passed.")
    keep = _years(years)
    df = _read(p, level)
    if keep is not None:
        df = df[df["year"].isin(keep)]
    check_lang(lang)
    reg = load_units(level=level).set_index("unit_id")
    names = reg["name_vi"]
    if lang == "en":
        names = reg["name_en"].where(reg["name_en"].fillna("").str.strip() != "", reg["name_vi"])
    df = df.rename(columns={"unit_name": "name_in_source"})
    df["unit_name"] = df["unit_id"].map(names)
    df["year"] = df["year"].astype("int64")
    df["rank"] = pd.array(df["rank"], dtype="Int64")
    df["rank_basis"] = df["rank_basis"].replace("", pd.NA).where(df["rank"].notna(), pd.NA)
    df.loc[df["rank"].notna() & df["rank_basis"].isna(), "rank_basis"] = "stated"
    df["rank_listed"] = df["rank"].copy()
    df.loc[~df["rank_basis"].isin(list(rank_basis)).fillna(False).to_numpy(bool), "rank"] = pd.NA
    for c in _NUMERIC:
        df[c] = df[c].astype("float64")
    df["ranked"] = df["ranked"].astype(bool)
    df = df.sort_values(["year", "rank", "unit_id"], ascending=[False, True, True], na_position="last")
    return df[PUBLISHED_COLUMNS + _EXTRA].reset_index(drop=True)


CLAIMS_PATH = config.PUBLISHED_DIR / "claims.csv"
#: Tolerance per metric (points): published values have 2 decimals; a mean of rounded values is
#: within 0.005 of the mean of unrounded ones, a difference of two rounded values within 0.01.
METRICS = {
    "n_ranked": 0, "mean": 0.01, "mean_change": 0.02, "n_above_mean": 0, "n_above": 0, "n_at_least": 0,
    "n_below": 0, "top": 0.005, "bottom": 0.005, "gap_top_bottom": 0.011, "n_increased": 0, "n_decreased": 0,
    "max_rise": 0.02, "max_fall": 0.02, "unit_rank_change": 0,
}
_CLAIM_COLUMNS = ["claim_id", "year", "level", "metric", "threshold", "unit_name", "value", "value_from",
                  "compare_year", "source_url", "quote", "notes"]


def load_claims(*, level: str | None = None, years=None, path=None) -> pd.DataFrame:
    """The published claims (``claims.csv``) with units resolved to ``unit_id``.

    Returns
    -------
    DataFrame with columns ``claim_id, year, level, metric, threshold, unit_id, unit_name, value,
    value_from, compare_year, source_url, quote, notes`` (numbers as floats/``Int64``, NaN if none).

    Examples
    --------
    >>> c = load_claims(level="ministry", years=2023)
    >>> float(c.set_index("metric").at["mean", "value"])
    84.38
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"The value for `level` must be one of {list(LEVELS)} or None, but {level!r} was passed.")
    p = path if path is not None else CLAIMS_PATH
    raw = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in _CLAIM_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(Problem(str(p), None, 1, missing[0], f"thiếu cột {missing}", f"missing column(s) {missing}"))
    raw = raw[_CLAIM_COLUMNS].map(lambda v: clean_text(v) or "")
    problems = []
    nums = {c: [] for c in ("year", "threshold", "value", "value_from", "compare_year")}
    for i, r in raw.iterrows():
        for c in nums:
            try:
                v = parse_number(r[c])
            except ValueError:
                problems.append(Problem(str(p), None, int(i) + 2, c, f"không phải số: '{r[c]}'", f"not a number: {r[c]!r}"))
                v = None
            nums[c].append(np.nan if v is None else v)
        if r["metric"] not in METRICS:
            problems.append(Problem(str(p), None, int(i) + 2, "metric", f"chỉ tiêu không hợp lệ '{r['metric']}'",
                                    f"unknown metric {r['metric']!r}; allowed: {sorted(METRICS)}"))
        if r["level"] not in LEVELS:
            problems.append(Problem(str(p), None, int(i) + 2, "level", f"cấp không hợp lệ '{r['level']}'",
                                    f"level must be one of {list(LEVELS)}"))
        if not r["source_url"].startswith("http"):
            problems.append(Problem(str(p), None, int(i) + 2, "source_url", "thiếu nguồn", "missing source URL"))
    if raw["claim_id"].duplicated().any():
        i = raw.index[raw["claim_id"].duplicated()][0]
        problems.append(Problem(str(p), None, int(i) + 2, "claim_id", "mã nhận định bị trùng", "duplicate claim_id"))
    if problems:
        raise DataError(problems)
    df = raw.copy()
    for c, v in nums.items():
        df[c] = v
    df["unit_id"] = ""
    for i in df.index[df["unit_name"] != ""]:
        try:
            df.at[i, "unit_id"] = resolve_units([df.at[i, "unit_name"]], level=df.at[i, "level"], file=str(p),
                                                column="unit_name", first_row=int(i) + 2)[0]
        except DataError as e:
            problems.extend(e.problems)
    if problems:
        raise DataError(problems)
    df["year"] = df["year"].astype("int64")
    df["compare_year"] = pd.array([pd.NA if np.isnan(v) else int(v) for v in df["compare_year"]], dtype="Int64")
    if level is not None:
        df = df[df["level"] == level]
    if years is not None:
        ys = {int(years)} if np.isscalar(years) else {int(y) for y in years}
        df = df[df["year"].isin(ys)]
    cols = ["claim_id", "year", "level", "metric", "threshold", "unit_id", "unit_name", "value", "value_from",
            "compare_year", "source_url", "quote", "notes"]
    return df[cols].reset_index(drop=True)
