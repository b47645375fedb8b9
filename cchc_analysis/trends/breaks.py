"""Methodology breaks: the documented redefinitions of the national PAR INDEX.

The package table ``methodology_breaks.csv`` (next to this module; see
:func:`methodology_breaks`) lists the decisions with the first assessment year each
applies to (``year_from``), what changed (Vietnamese and English) and the source URLs,
taken from the project's methodology notes. Where the first year is not stated by a
source (``year_from_basis == "inferred"``) it follows the pattern documented for
4361/QĐ-BNV (adopted on 28/12/2016, used for PAR INDEX 2016): a decision adopted at the
end of a year applies to that year's assessment. A comparison of years ``a < b``
*crosses a break* when a break has ``a < year_from <= b``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from ..labels import check_lang

__all__ = ["methodology_breaks", "breaks_between", "break_note", "survey_max_for"]


@lru_cache(maxsize=1)
def _breaks_table() -> pd.DataFrame:
    with resources.files(__package__).joinpath("methodology_breaks.csv").open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype={"decision": str, "date": str, "level": str})
    df["year_from"] = df["year_from"].astype("int64")
    return df


def methodology_breaks(*, level: str | None = None) -> pd.DataFrame:
    """The documented redefinitions of the national PAR INDEX, one row per decision.

    Parameters
    ----------
    level : {"ministry", "province"} or None
        Keep the decisions that apply to this level (all of them apply to both so far).

    Returns
    -------
    DataFrame
        ``year_from`` (first assessment year under the decision), ``decision``,
        ``date`` (ISO), ``level``, ``year_from_basis`` (``documented`` by a source, or
        ``inferred`` from the end-of-year adoption pattern), ``survey_points_ministry``,
        ``survey_points_province`` (the survey's share of the 100 points where a source
        gives it, else NaN), ``what_changed_vi``, ``what_changed_en``, ``source_url``
        (one or more URLs separated by ``" | "``).

    Examples
    --------
    >>> b = methodology_breaks()
    >>> b.loc[b["year_from"] == 2022, ["decision", "survey_points_ministry"]].values.tolist()
    [['876/QĐ-BNV', 31.5]]
    >>> sorted(methodology_breaks()["year_from"])[:3]
    [2012, 2016, 2017]
    """
    if level not in (None, "ministry", "province"):
        raise ValueError(f"The value for `level` must be one of [None, 'ministry', 'province'], but {level!r} was passed.")
    df = _breaks_table().copy()
    if level is not None:
        df = df[df["level"].isin(["all", level])].reset_index(drop=True)
    return df


def _check_breaks(breaks) -> pd.DataFrame:
    if breaks is None:
        return methodology_breaks()
    if not isinstance(breaks, pd.DataFrame) or "year_from" not in breaks.columns:
        raise ValueError("`breaks` must be a DataFrame with at least a `year_from` column "
                         "(and ideally `decision`, `what_changed_vi`, `what_changed_en`).")
    return breaks


def breaks_between(year_from: int, year_to: int, *, level: str | None = None, breaks=None) -> pd.DataFrame:
    """The methodology breaks a comparison of ``year_from`` with ``year_to`` crosses.

    A break with first year ``y`` is crossed when ``min(a, b) < y <= max(a, b)``.

    Examples
    --------
    >>> breaks_between(2021, 2023)["decision"].tolist()
    ['876/QĐ-BNV']
    >>> breaks_between(2022, 2023).empty
    True
    """
    b = _check_breaks(breaks)
    if level is not None and "level" in b.columns:
        b = b[b["level"].isin(["all", level])]
    lo, hi = sorted((int(year_from), int(year_to)))
    return b[(b["year_from"] > lo) & (b["year_from"] <= hi)].reset_index(drop=True)


def break_note(year_from: int, year_to: int, *, level: str | None = None, breaks=None, lang: str = "vi") -> str:
    """One sentence saying whether a comparison crosses a methodology break ('' if not).

    Examples
    --------
    >>> print(break_note(2021, 2022, lang="en"))  # doctest: +ELLIPSIS
    The comparison 2021 → 2022 crosses a change of methodology: 876/QĐ-BNV (from 2022): Scheme for 2022–2030...
    >>> break_note(2022, 2023)
    ''
    """
    check_lang(lang)
    b = breaks_between(year_from, year_to, level=level, breaks=breaks)
    if b.empty:
        return ""
    col = f"what_changed_{lang}"
    items = []
    for _, r in b.iterrows():
        what = r[col] if col in b.columns and isinstance(r.get(col), str) else ""
        dec = r["decision"] if "decision" in b.columns else "?"
        start = "từ" if lang == "vi" else "from"
        items.append(f"{dec} ({start} {int(r['year_from'])}): {what}".rstrip(": "))
    if lang == "vi":
        return (f"So sánh {year_from} → {year_to} vượt qua thay đổi phương pháp: " + "; ".join(items)
                + " Điểm và hạng hai năm không hoàn toàn so sánh được.")
    return (f"The comparison {year_from} → {year_to} crosses a change of methodology: " + "; ".join(items)
            + " Scores and ranks of the two years are not fully comparable.")


def survey_max_for(year: int, level: str | None = None) -> float:
    """The survey's share of the 100 points in ``year`` (NaN where no source gives it).

    Examples
    --------
    >>> survey_max_for(2023, "ministry"), survey_max_for(2023, "province")
    (31.5, 32.0)
    """
    b = _breaks_table()
    b = b[b["year_from"] <= year].sort_values("year_from")
    col = "survey_points_province" if level == "province" else "survey_points_ministry"
    if b.empty or pd.isna(b[col].iloc[-1]):
        return np.nan
    return float(b[col].iloc[-1])
