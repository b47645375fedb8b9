"""tables.xlsx: every CSV table of a report in one workbook, with display headers."""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path

from ..labels import check_lang, column_labels
from .words import phrase

# pandas is imported inside collect_tables (heavy; not needed to start ``cchc report``).

__all__ = ["LABELLED_MODULES", "load_all_labels", "sheet_names", "collect_tables"]

#: The analysis packages whose import registers column labels (``labels.register``). Named
#: here, imported by name: no walk over the package that imports this module, no swallowed
#: errors (a module that fails to import, or a label registered twice with other words,
#: fails the report loudly).
LABELLED_MODULES = ("published", "trends", "bias", "peers", "survey")


def load_all_labels() -> None:
    """Import the analysis packages so every label they register is known.

    The imports happen here, when the tables are collected, not when this module is
    imported: ``cchc_analysis/__init__`` imports the report, so importing the analysis
    packages at the top of this module would tie the report to the package's import order.
    """
    for name in LABELLED_MODULES:
        importlib.import_module(f"..{name}", __package__)


def sheet_names(stems: list[str]) -> list[str]:
    """Short, unique Excel sheet names (≤ 31 characters) from table file stems."""
    used: set[str] = set()
    out = []
    for stem in stems:
        nb, _, table = stem.partition("__")
        base = f"{nb[:2]}_{table}" if table else stem
        base = re.sub(r"[\[\]\*\?/\\:']", "_", base)[:31]
        name, k = base, 2
        while name.lower() in used:
            suffix = f"~{k}"
            name, k = base[: 31 - len(suffix)] + suffix, k + 1
        used.add(name.lower())
        out.append(name)
    return out


def collect_tables(report_dir: str | os.PathLike, *, lang: str = "vi") -> dict:
    """Every ``tables/*.csv`` of a report as ``{sheet_name: DataFrame}`` with display headers.

    The first sheet (``Mục lục`` / ``Contents``) lists each sheet with its notebook and
    CSV file; headers are localised with :func:`cchc_analysis.labels.column_labels`.
    Cells are kept as written in the CSV (already formula-safe).
    """
    import pandas as pd

    check_lang(lang)
    load_all_labels()
    files = sorted(Path(report_dir, "tables").glob("*.csv"))
    names = sheet_names([f.stem for f in files])
    sheets: dict = {}
    rows = []
    for f, sheet in zip(files, names):
        frame = pd.read_csv(f, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
        labels = column_labels(frame.columns, lang)
        shown: list[str] = []
        for col in frame.columns:  # two columns with one label: keep them apart
            text = str(labels.get(col, col))
            shown.append(text if text not in shown else f"{text} ({col})")
        sheets[sheet] = frame.set_axis(shown, axis=1)
        nb, _, table = f.stem.partition("__")
        rows.append({phrase("sheet", lang): sheet, phrase("notebook", lang): nb,
                     phrase("table", lang): table or f.stem, phrase("csv_file", lang): f"tables/{f.name}"})
    columns = [phrase(k, lang) for k in ("sheet", "notebook", "table", "csv_file")]
    contents = pd.DataFrame(rows, columns=columns)
    return {phrase("contents", lang): contents, **sheets}

