"""What notebook 01 needs around the analyses: load the data, pick the years and the unit.

These helpers read files (the analyses do not): :func:`load_trend_data` the scores or the
published tables, :func:`load_coverage` the published claims behind year completeness.
"""

from __future__ import annotations

import pandas as pd

from ..io import read_scores
from ..published import coverage, load_published
from .trajectory import _is_scores, _unit_table, movers

__all__ = ["load_trend_data", "load_coverage", "resolve_years", "pick_unit"]


def load_trend_data(data_path: str = "", *, level: str = "ministry", lang: str = "vi") -> pd.DataFrame:
    """The data a trends notebook works on: published tables ("" ) or a unit-level workbook.

    Parameters
    ----------
    data_path : ``""`` for the published national tables
        (:func:`cchc_analysis.published.load_published`), else the path of a unit-level
        scores file read with :func:`cchc_analysis.io.read_scores`.
    level : ``"ministry"`` or ``"province"`` (published tables only).
    lang : language of the units' names in the published tables (a workbook keeps its own).
    """
    if level not in ("ministry", "province"):
        raise ValueError(f"The value for `level` must be one of ['ministry', 'province'], but {level!r} was passed.")
    if data_path:
        return read_scores(data_path)
    return load_published(level, lang=lang)


def load_coverage(data: pd.DataFrame) -> pd.DataFrame | None:
    """Which published (level, year) tables are complete, for the ``coverage=`` argument.

    For a published table: :func:`cchc_analysis.published.coverage` (it reads the number of
    ranked units of each year from the published claims, ``claims.csv``). For unit-level
    scores: ``None`` (every unit of the workbook is present).
    """
    if _is_scores(data) or "level" not in data.columns:
        return None
    return coverage(data)


def resolve_years(data: pd.DataFrame, *, year_from: int, year_to: int, year: int = 0) -> tuple[int, int]:
    """The two years to compare, taken from what the data holds.

    ``year > 0`` (a report year) means ``year_to = year`` and ``year_from`` = the latest
    earlier year in the data. A ``year_to`` not in the data becomes the data's last year;
    a ``year_from`` not in the data (or not before ``year_to``) becomes the latest year
    before ``year_to``.

    Examples
    --------
    >>> pub = pd.DataFrame({"year": [2020, 2021, 2023], "unit_id": "a", "index": 1.0})
    >>> resolve_years(pub, year_from=2022, year_to=2023)
    (2021, 2023)
    >>> resolve_years(pub, year_from=2022, year_to=2023, year=2021)
    (2020, 2021)
    """
    years = sorted(int(y) for y in pd.unique(data["year"]))
    if len(years) < 2:
        raise ValueError(f"the data holds fewer than two years ({years}); nothing to compare.")
    if year and int(year) > 0:
        year_to = int(year)
    if int(year_to) not in years:
        year_to = years[-1]
    earlier = [y for y in years if y < int(year_to)]
    if not earlier:
        year_to = years[1]
        earlier = [years[0]]
    if int(year_from) not in earlier:
        year_from = earlier[-1]
    return int(year_from), int(year_to)


def pick_unit(data: pd.DataFrame, unit: str, *, year_from: int, year_to: int, coverage=None) -> str:
    """``unit`` if the data has it in both years; otherwise the unit that fell furthest.

    A notebook's default unit (a ministry) is not in a unit-level workbook; instead of
    failing, the unit with the largest fall in rank from ``year_from`` to ``year_to``
    (ties: larger index fall, then unit id) is taken, which is the question the
    notebook answers ("why did we fall?").

    Examples
    --------
    >>> pub = pd.DataFrame({"year": [2022] * 3 + [2023] * 3, "unit_id": list("abcabc"),
    ...                     "index": [90.0, 80.0, 70.0, 75.0, 85.0, 72.0]})
    >>> pick_unit(pub, "zzz", year_from=2022, year_to=2023)
    'a'
    >>> pick_unit(pub, "c", year_from=2022, year_to=2023)
    'c'
    """
    t = _unit_table(data, coverage=coverage)
    have = t.dropna(subset=["index"])
    ids_from = set(have.loc[have["year"] == int(year_from), "unit_id"])
    ids_to = set(have.loc[have["year"] == int(year_to), "unit_id"])
    if unit in ids_from and unit in ids_to:
        return unit
    m = movers(data, year_from=year_from, year_to=year_to, top=len(t) + 1, coverage=coverage)
    falls = m[m["kind"] == "rank_fall"]
    if falls.empty:
        falls = m[m["kind"] == "index_fall"]
    if falls.empty:
        common = sorted(ids_from & ids_to)
        if not common:
            raise ValueError(f"no unit has an index in both {year_from} and {year_to}.")
        return common[0]
    return str(falls.iloc[0]["unit_id"])
