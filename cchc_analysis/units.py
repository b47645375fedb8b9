"""Registry of assessed units (ministries, provinces): ids, names, spelling variants, lineage.

The registry lives in ``data/raw/published/units.csv``: one row per unit with a stable ASCII
``unit_id`` (e.g. ``bo-tu-phap``, ``hai-phong``), Vietnamese and English names, the spelling
variants seen in sources (pipe-separated), the level (``ministry`` or ``province``), the validity
dates and the ``successor_id`` across the 2025 restructuring (ministries merged from 1 March 2025;
provinces 63 → 34 from 1 July 2025), with the ``source_url`` of each lineage fact.

Name matching (:func:`name_key`) is robust to case, Unicode NFC/NFD, spaces, diacritics, ``và``
vs ``-`` vs ``&`` and the prefixes ``Tỉnh`` / ``Thành phố`` / ``TP``. An unknown name is a
:class:`~cchc_analysis.errors.DataError` naming the file, row and column.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import config
from .errors import DataError, Problem
from .text import clean_text, fold

__all__ = [
    "UNITS_PATH",
    "LEVELS",
    "name_key",
    "load_units",
    "resolve_unit",
    "resolve_units",
    "predecessors",
    "final_successor",
    "unit_lineage",
    "successor_map",
    "successor_chain",
    "predecessors_in",
]

UNITS_PATH = config.PUBLISHED_DIR / "units.csv"
LEVELS = ("ministry", "province")

_UNIT_COLUMNS = [
    "unit_id", "level", "name_vi", "name_en", "variants", "valid_from", "valid_to",
    "successor_id", "lineage_basis", "source_url", "notes",
]
_SEP = re.compile(r"[\s\-\u2010-\u2015&,.;:/()+']+")
_PREFIXES = ("thanh pho ", "tinh ", "tp ")
_SUFFIXES = (" city", " province")


def name_key(name) -> str:
    """Matching key of a unit name: folded, separators unified, ``và`` and prefixes dropped.

    Examples
    --------
    >>> name_key("Bộ Thông tin và Truyền thông") == name_key("Bộ Thông tin - Truyền thông")
    True
    >>> name_key("  BỘ Y TẾ ")
    'bo y te'
    >>> name_key("Thành phố Hải Phòng") == name_key("TP. Hải Phòng") == name_key("hai phong")
    True
    >>> name_key("Bà Rịa – Vũng Tàu") == name_key("Bà Rịa-Vũng Tàu")
    True
    """
    s = fold(name)
    s = _SEP.sub(" ", s).strip()
    s = " ".join(w for w in s.split(" ") if w != "va")
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if s.startswith(p) and len(s) > len(p):
                s, changed = s[len(p):], True
        for suf in _SUFFIXES:
            if s.endswith(suf) and len(s) > len(suf):
                s, changed = s[: -len(suf)], True
    return s


def _problem(path, row, column, vi, en) -> Problem:
    return Problem(str(path) if path is not None else None, None, row, column, vi, en)


@lru_cache(maxsize=4)
def _load(path_str: str, mtime: float) -> tuple[pd.DataFrame, dict]:
    path = Path(path_str)
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in _UNIT_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(_problem(path, 1, missing[0], f"thiếu cột {missing}",
                                 f"missing column(s) {missing}; expected {_UNIT_COLUMNS}"))
    df = df[_UNIT_COLUMNS].map(lambda v: clean_text(v) or "")
    problems = []
    for i, r in df.iterrows():
        row = int(i) + 2
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r["unit_id"]):
            problems.append(_problem(path, row, "unit_id", "mã đơn vị phải là chữ ASCII thường, số và '-'",
                                     f"unit_id {r['unit_id']!r} must be lower-case ASCII letters, digits and '-'"))
        if r["level"] not in LEVELS:
            problems.append(_problem(path, row, "level", f"cấp phải là một trong {list(LEVELS)}",
                                     f"level {r['level']!r} must be one of {list(LEVELS)}"))
    dup = df["unit_id"].duplicated(keep="first")
    for i in df.index[dup]:
        problems.append(_problem(path, int(i) + 2, "unit_id", "mã đơn vị bị trùng",
                                 f"duplicate unit_id {df.at[i, 'unit_id']!r}"))
    ids = set(df["unit_id"])
    for i, r in df.iterrows():
        if r["successor_id"] and r["successor_id"] not in ids:
            problems.append(_problem(path, int(i) + 2, "successor_id", "đơn vị kế thừa không có trong danh mục",
                                     f"successor_id {r['successor_id']!r} is not a unit_id of the registry"))
    index: dict[tuple[str, str], str] = {}
    for i, r in df.iterrows():
        names = [r["unit_id"].replace("-", " "), r["name_vi"], r["name_en"]]
        names += [v for v in r["variants"].split("|") if v.strip()]
        for n in names:
            k = name_key(n)
            if not k:
                continue
            prev = index.setdefault((r["level"], k), r["unit_id"])
            if prev != r["unit_id"]:
                problems.append(_problem(path, int(i) + 2, "variants", f"tên '{n}' trùng với đơn vị {prev}",
                                         f"name {n!r} of {r['unit_id']!r} also matches unit {prev!r}"))
    if problems:
        raise DataError(problems)
    return df, index


def _registry(path=None) -> tuple[pd.DataFrame, dict]:
    p = Path(path) if path is not None else UNITS_PATH
    return _load(str(p), os.path.getmtime(p))


def load_units(*, level: str | None = None, path=None) -> pd.DataFrame:
    """The unit registry as a table (a copy).

    Parameters
    ----------
    level : ``"ministry"``, ``"province"`` or ``None`` (all).
    path : registry CSV (default ``data/raw/published/units.csv``).

    Returns
    -------
    DataFrame with columns ``unit_id, level, name_vi, name_en, variants, valid_from, valid_to,
    successor_id, lineage_basis, source_url, notes`` (strings; empty string when unknown).

    Examples
    --------
    >>> u = load_units(level="ministry")
    >>> u.set_index("unit_id").at["bo-thong-tin-va-truyen-thong", "successor_id"]
    'bo-khoa-hoc-va-cong-nghe'
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"The value for `level` must be one of {list(LEVELS)} or None, but {level!r} was passed.")
    df, _ = _registry(path)
    out = df if level is None else df[df["level"] == level]
    return out.reset_index(drop=True).copy()


def resolve_units(names, *, level: str | None = None, file=None, column: str = "unit_name",
                  first_row: int = 2, path=None) -> list[str]:
    """Resolve name variants to ``unit_id`` values; unknown names raise one :class:`DataError`.

    Parameters
    ----------
    names : iterable of names as written in a source.
    level : restrict matching to ``"ministry"`` or ``"province"`` (``None``: either, must be unique).
    file, column, first_row : where the names come from, for the error message (row of the first
        name as seen in a spreadsheet or text editor; the header is row 1).
    path : registry CSV.

    Examples
    --------
    >>> resolve_units(["Bộ Y Tế", "Bộ TT&TT", "TP.HCM"])
    ['bo-y-te', 'bo-thong-tin-va-truyen-thong', 'ho-chi-minh']
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"The value for `level` must be one of {list(LEVELS)} or None, but {level!r} was passed.")
    _, index = _registry(path)
    levels = (level,) if level is not None else LEVELS
    out, problems = [], []
    for j, name in enumerate(names):
        k = name_key("" if name is None else str(name))
        hits = sorted({index[(lv, k)] for lv in levels if (lv, k) in index})
        if len(hits) == 1:
            out.append(hits[0])
            continue
        out.append(None)
        row = None if first_row is None else first_row + j
        what = "cấp " + level if level else "mọi cấp"
        if not hits:
            problems.append(_problem(file, row, column,
                                     f"không nhận ra đơn vị '{name}' ({what}); thêm tên này vào cột variants của units.csv",
                                     f"unknown unit name {name!r} (level {level or 'any'}); add it to the variants of units.csv"))
        else:
            problems.append(_problem(file, row, column,
                                     f"tên '{name}' khớp nhiều đơn vị {hits}; chỉ rõ cấp (level)",
                                     f"name {name!r} matches several units {hits}; pass `level`"))
    if problems:
        raise DataError(problems)
    return out


def resolve_unit(name: str, *, level: str | None = None, path=None) -> str:
    """Resolve one name variant to its ``unit_id`` (:class:`DataError` if unknown).

    Examples
    --------
    >>> resolve_unit("Bộ Thông tin - Truyền thông")
    'bo-thong-tin-va-truyen-thong'
    >>> resolve_unit("Bà Rịa-Vũng Tàu", level="province")
    'ba-ria-vung-tau'
    """
    return resolve_units([name], level=level, first_row=None, path=path)[0]


def _table(path=None) -> pd.DataFrame:
    return _registry(path)[0].set_index("unit_id")


def _check_id(unit_id: str, t: pd.DataFrame) -> None:
    if unit_id not in t.index:
        raise ValueError(f"Unknown unit_id {unit_id!r}; see `load_units()` for the allowed ids.")


def successor_map(lineage: pd.DataFrame) -> dict[str, str]:
    """``unit_id -> successor_id`` from a lineage table (the registry or any frame with these
    two columns); rows without a successor are left out.

    Examples
    --------
    >>> successor_map(pd.DataFrame({"unit_id": ["a", "b", "c"], "successor_id": ["c", "", None]}))
    {'a': 'c'}
    """
    if not isinstance(lineage, pd.DataFrame) or not {"unit_id", "successor_id"} <= set(lineage.columns):
        raise ValueError("`lineage` must be a DataFrame with columns `unit_id` and `successor_id`.")
    lin = lineage.dropna(subset=["successor_id"])
    lin = lin[lin["successor_id"].astype(str).str.len() > 0]
    return dict(zip(lin["unit_id"].astype(str), lin["successor_id"].astype(str)))


def successor_chain(unit_id: str, successors: dict[str, str]) -> list[str]:
    """The successors of ``unit_id`` in order (its successor, that one's successor, ...).

    ``successors`` is a map from :func:`successor_map`. A cycle is an error in the table.

    Examples
    --------
    >>> successor_chain("a", {"a": "b", "b": "c"})
    ['b', 'c']
    >>> successor_chain("c", {"a": "b", "b": "c"})
    []
    """
    chain, seen, cur = [], {unit_id}, unit_id
    while cur in successors:
        cur = successors[cur]
        if cur in seen:
            raise ValueError(f"The lineage table has a successor cycle through {cur!r}.")
        chain.append(cur)
        seen.add(cur)
    return chain


def predecessors_in(unit_id: str, successors: dict[str, str]) -> list[str]:
    """All units that merged (directly or through earlier mergers) into ``unit_id`` (sorted).

    Examples
    --------
    >>> predecessors_in("c", {"a": "b", "b": "c", "x": "c"})
    ['a', 'b', 'x']
    """
    kids: dict[str, list[str]] = {}
    for a, b in successors.items():
        kids.setdefault(b, []).append(a)
    out, todo = set(), [unit_id]
    while todo:
        for k in kids.get(todo.pop(), []):
            if k not in out and k != unit_id:
                out.add(k)
                todo.append(k)
    return sorted(out)


def _registry_successors(path=None) -> dict[str, str]:
    return successor_map(_registry(path)[0])


def predecessors(unit_id: str, *, path=None) -> list[str]:
    """All units that merged (directly or through earlier mergers) into ``unit_id``.

    Examples
    --------
    >>> predecessors("bo-nong-nghiep-va-moi-truong")
    ['bo-nong-nghiep-va-phat-trien-nong-thon', 'bo-tai-nguyen-va-moi-truong']
    >>> predecessors("bo-khoa-hoc-va-cong-nghe")
    ['bo-thong-tin-va-truyen-thong']
    """
    _check_id(unit_id, _table(path))
    return predecessors_in(unit_id, _registry_successors(path))


def final_successor(unit_id: str, *, path=None) -> str:
    """The unit that ``unit_id`` ends up in after following ``successor_id`` (itself if none).

    Examples
    --------
    >>> final_successor("bo-ke-hoach-va-dau-tu")
    'bo-tai-chinh'
    >>> final_successor("bo-tu-phap")
    'bo-tu-phap'
    """
    _check_id(unit_id, _table(path))
    chain = successor_chain(unit_id, _registry_successors(path))
    return chain[-1] if chain else unit_id


def unit_lineage(unit_id: str, *, path=None) -> pd.DataFrame:
    """A unit's history: itself, its predecessors and its successors, with sources.

    Returns
    -------
    DataFrame with columns ``unit_id, relation ("self" | "predecessor" | "successor"), name_vi,
    name_en, valid_from, valid_to, successor_id, lineage_basis, source_url``.

    Examples
    --------
    >>> unit_lineage("bo-thong-tin-va-truyen-thong")[["unit_id", "relation"]].values.tolist()
    [['bo-thong-tin-va-truyen-thong', 'self'], ['bo-khoa-hoc-va-cong-nghe', 'successor']]
    """
    t = _table(path)
    _check_id(unit_id, t)
    ids = [(unit_id, "self")]
    succ = _registry_successors(path)
    ids += [(p, "predecessor") for p in predecessors_in(unit_id, succ)]
    ids += [(s, "successor") for s in successor_chain(unit_id, succ)]
    cols = ["name_vi", "name_en", "valid_from", "valid_to", "successor_id", "lineage_basis", "source_url"]
    rows = [{"unit_id": u, "relation": rel, **{c: t.at[u, c] for c in cols}} for u, rel in ids]
    return pd.DataFrame(rows, columns=["unit_id", "relation", *cols])
