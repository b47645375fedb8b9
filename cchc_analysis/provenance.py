"""Where data comes from, known from the data itself (never from a file name).

A frame read from a synthetic file carries ``attrs["synthetic"] = True`` (set by the
readers from the file's own metadata: the workbook's document properties or its
information sheet, a ``synthetic`` column in a CSV/Parquet); a frame built by the
generators in :mod:`cchc_analysis.synthetic` carries it too. Every plot, table and
report asks :func:`is_synthetic`, so the label follows the data wherever it is copied.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["is_synthetic", "mark_synthetic", "SYNTHETIC_KEYWORD"]

#: Keyword written into the document properties of every synthetic workbook.
SYNTHETIC_KEYWORD = "synthetic"


def mark_synthetic(data: pd.DataFrame, synthetic: bool = True) -> pd.DataFrame:
    """Return ``data`` (the same object) with its provenance flag set.

    Examples
    --------
    >>> df = mark_synthetic(pd.DataFrame({"x": [1]}))
    >>> is_synthetic(df), is_synthetic(df.copy()), is_synthetic(pd.DataFrame({"x": [1]}))
    (True, True, False)
    """
    data.attrs["synthetic"] = bool(synthetic)
    return data


def is_synthetic(data) -> bool:
    """True when the frame (or any of several frames) is marked synthetic.

    A frame is synthetic when ``attrs["synthetic"]`` is true, or when it has a boolean
    ``synthetic`` column that is true on every row.

    Examples
    --------
    >>> is_synthetic(pd.DataFrame({"synthetic": [True, True]}))
    True
    >>> is_synthetic(None)
    False
    """
    if data is None:
        return False
    if isinstance(data, (list, tuple)):
        return any(is_synthetic(d) for d in data)
    attrs = getattr(data, "attrs", {}) or {}
    if attrs.get("synthetic"):
        return True
    if isinstance(data, pd.DataFrame) and "synthetic" in data.columns and len(data):
        col = data["synthetic"]
        try:
            return bool(col.astype(bool).all())
        except (TypeError, ValueError):
            return False
    return False
