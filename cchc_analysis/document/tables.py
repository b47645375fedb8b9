"""Tables for people: translated headers and codes, names not ids, numbers in the
reader's format, "—" for what cannot be computed, Có/Không for booleans."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..labels import check_lang, label, value_label
from ..text import MISSING, fmt_int, fmt_number, fmt_percent, fmt_pvalue, fmt_signed

__all__ = ["PeopleTable", "people_table", "column_kind", "KINDS"]

#: Kinds of column and how each is shown.
KINDS = ("text", "code", "bool", "int", "rank", "number", "signed", "p", "percent", "ratio", "url", "year")

_URL = re.compile(r"^https?://", re.I)


def column_kind(name: str, series: pd.Series) -> str:
    """Guess how to show a column from its name and values (override with ``kinds=``).

    Examples
    --------
    >>> column_kind("rank_lower", pd.Series([1, 2]))
    'rank'
    >>> column_kind("p_value", pd.Series([0.01]))
    'p'
    >>> column_kind("ok", pd.Series([True]))
    'bool'
    """
    n = name.lower()
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    # Python booleans among other values only fit an object or categorical column (a
    # numeric or text column holds none): only those are looked at value by value
    if (series.dtype == object or isinstance(series.dtype, pd.CategoricalDtype)) and series.notna().any() \
            and series.dropna().map(type).eq(bool).all():
        return "bool"
    if n == "year" or n.startswith("year_") or n.endswith("_year"):
        return "year"
    if n == "rank" or n.endswith("_rank") or n.startswith("rank_") or n in {"rank_from", "rank_to"}:
        return "rank"
    if n in {"p", "p_value", "pvalue"} or n.startswith("p_") or n.endswith("_p"):
        return "p"
    if n.startswith("n_") or n in {"n", "count"}:
        return "int"
    if n.endswith("share") or n.endswith("_rate") or n.startswith("share"):
        return "ratio"
    if n.endswith("change") or n.startswith("delta") or n in {"performance", "through_max", "total_change"}:
        return "signed"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_numeric_dtype(series):
        return "number"
    vals = series.dropna().astype(str)
    if len(vals) and _URL.match(vals.iat[0]) and vals.map(lambda v: bool(_URL.match(v))).all():
        return "url"
    return "text"


@dataclass
class PeopleTable:
    """A table ready for a page or a Word document: every cell a string.

    ``header`` are the column titles, ``rows`` the cells, ``align`` ``"l"``/``"r"`` per
    column, ``kinds`` the column kinds, ``links`` the URL columns (cells are URLs),
    ``notes`` footnotes (e.g. why a cell shows "—").
    """

    header: list[str]
    rows: list[list[str]]
    align: list[str]
    kinds: list[str]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"header": self.header, "rows": self.rows, "align": self.align, "kinds": self.kinds,
                "notes": self.notes}

    @classmethod
    def from_dict(cls, d: dict) -> "PeopleTable":
        return cls(d["header"], d["rows"], d["align"], d["kinds"], list(d.get("notes", [])))

    def __len__(self) -> int:
        return len(self.rows)


def _cell(v, kind: str, lang: str, digits: int, column: str) -> str:
    if v is None or (not isinstance(v, str) and not isinstance(v, (list, tuple, dict)) and pd.isna(v)):
        return MISSING
    if kind == "bool":
        return ("Có" if v else "Không") if lang == "vi" else ("Yes" if v else "No")
    if kind == "year":
        try:
            return str(int(v))
        except (TypeError, ValueError):
            return str(v)
    if kind in ("int", "rank"):
        try:
            return fmt_int(float(v), lang)
        except (TypeError, ValueError):
            return str(v)
    if kind == "number":
        return fmt_number(v, lang, digits)
    if kind == "signed":
        return fmt_signed(v, lang, digits)
    if kind == "p":
        return fmt_pvalue(v, lang, prefix=False)
    if kind == "ratio":
        return fmt_percent(v, lang, 0)
    if kind == "percent":
        return fmt_percent(v, lang, 1, ratio=False)
    if kind == "code":
        return value_label(column, str(v), lang)
    if isinstance(v, (list, tuple)):
        return "; ".join(str(x) for x in v)
    return str(v)


def people_table(data: pd.DataFrame, *, lang: str = "vi", columns=None, kinds: dict | None = None,
                 digits: dict | None = None, headers: dict | None = None, codes=(),
                 notes=()) -> PeopleTable:
    """Format ``data`` for people.

    Parameters
    ----------
    data : the analysis table (unrounded numbers, codes, ids).
    lang : ``"vi"`` or ``"en"``.
    columns : the columns to show, in order (default: all but ids that have a name
        column beside them: ``unit_id`` is dropped when ``unit_name`` is present).
    kinds : ``{column: kind}`` overriding :func:`column_kind` (see :data:`KINDS`).
    digits : ``{column: decimals}`` for ``number``/``signed`` columns (default 2).
    headers : ``{column: title}`` overriding the label registry.
    codes : columns whose values are codes to translate through the registry
        (:func:`cchc_analysis.labels.value_label`).
    notes : footnotes shown under the table.

    Examples
    --------
    >>> import numpy as np
    >>> df = pd.DataFrame({"unit_id": ["a"], "unit_name": ["Bộ Tư pháp"], "index": [89.954],
    ...                    "rank": [1], "ok": [True], "p_value": [np.nan]})
    >>> t = people_table(df)
    >>> t.header
    ['Đơn vị', 'Chỉ số CCHC (%)', 'Xếp hạng', 'Đạt', 'Giá trị p']
    >>> t.rows
    [['Bộ Tư pháp', '89,95', '1', 'Có', '—']]
    """
    check_lang(lang)
    kinds = dict(kinds or {})
    digits = dict(digits or {})
    headers = dict(headers or {})
    if columns is None:
        columns = [c for c in data.columns
                   if not (c == "unit_id" and "unit_name" in data.columns)
                   and not (c == "other_unit_id" and "other_unit_name" in data.columns)
                   and not str(c).startswith("_")]
    columns = list(columns)
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"`data` has no column(s) {missing}.")
    ks = []
    for c in columns:
        k = kinds.get(c) or ("code" if c in codes else column_kind(str(c), data[c]))
        if k not in KINDS:
            raise ValueError(f"unknown kind {k!r} for column {c!r}; choose from {list(KINDS)}.")
        ks.append(k)
    rows = []
    for rec in data[columns].itertuples(index=False, name=None):
        rows.append([_cell(v, k, lang, digits.get(c, 2), c) for v, k, c in zip(rec, ks, columns)])
    align = ["l" if k in ("text", "code", "url", "bool") else "r" for k in ks]
    head = [headers.get(c) or label(str(c), lang) for c in columns]
    return PeopleTable(head, rows, align, ks, list(notes))


def url_parts(cell: str) -> list[tuple[str, str]]:
    """The links in a URL cell as ``(url, host)``: one URL, or several joined by ``|``,
    ``;`` or spaces (as sources often list them).

    >>> url_parts("https://a.vn/x | https://www.b.gov.vn/y")
    [('https://a.vn/x', 'a.vn'), ('https://www.b.gov.vn/y', 'www.b.gov.vn')]
    >>> url_parts("—")
    []
    """
    import re

    out = []
    for u in re.split(r"\s*[|;]\s*|\s+", str(cell).strip()):
        if u.startswith(("http://", "https://")):
            out.append((u, u.split("/")[2] if u.count("/") >= 2 else u))
    return out

