"""tables.xlsx: every table of a report in one formatted workbook.

Tables come from the saved sections (``sections/<key>.json``: caption, column kinds,
original column names; ``tables/<key>__<name>.csv``: the whole table, headers in the
report's language) and, for notebooks without a section, from their ``tables/*.csv``.
CSVs are read as text (no type guessing: ``"2.10"`` stays ``"2.10"``) and each column is
converted by its kind: numbers with a number format (``0.00`` indices, ``0.000`` p-values,
``0`` ranks and counts), criterion ids and other text as text, booleans as Có/Không, codes
translated. Column widths are fitted, the header row is frozen and filtered, sheet names
are the tables' captions (≤ 31 characters), and the first sheet ``Mục lục`` / ``Contents``
links to every sheet.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..labels import check_lang, column_labels
from .words import phrase

__all__ = ["LABELLED_MODULES", "load_all_labels", "sheet_names", "collect_sheets", "collect_tables",
           "write_tables_xlsx", "Sheet", "NUMBER_FORMATS"]

#: The analysis packages whose import registers column labels (``labels.register``).
LABELLED_MODULES = ("published", "trends", "bias", "peers", "survey")

#: Excel number format per column kind (``document.KINDS``).
NUMBER_FORMATS = {"number": "0.00", "signed": "+0.00;-0.00;0.00", "p": "0.000", "ratio": "0.0%",
                  "percent": "0.0", "int": "0", "rank": "0", "year": "0"}
_NUMERIC = set(NUMBER_FORMATS)
_BAD_SHEET = re.compile(r"[\[\]\*\?/\\:']")
_NUM_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def load_all_labels() -> None:
    """Import the analysis packages so every label they register is known.

    Registering words needs none of SciPy, which those packages import at the top
    (1.5 s, the slowest step of writing tables.xlsx): where SciPy is not imported yet,
    its sub-packages are imported lazily (:class:`importlib.util.LazyLoader`: a module
    runs on its first attribute use, so nothing changes for code that does use it).
    """
    with _lazy_modules("scipy.stats", "scipy.sparse", "scipy.special"):
        for name in LABELLED_MODULES:
            importlib.import_module(f"..{name}", __package__)


@contextlib.contextmanager
def _lazy_modules(*names: str):
    import importlib.util
    import sys

    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            continue
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        parent, _, child = name.rpartition(".")
        # ``from scipy import stats`` finds the attribute and never touches the module
        # (the import system would read its __spec__, which runs it)
        setattr(importlib.import_module(parent), child, module)
    yield


def _clean_sheet(text: str) -> str:
    return re.sub(r"\s+", " ", _BAD_SHEET.sub(" ", str(text))).strip()


def sheet_names(stems: list[str]) -> list[str]:
    """Short, unique Excel sheet names (≤ 31 characters) from captions or file stems."""
    used: set[str] = set()
    out = []
    for stem in stems:
        nb, _, table = stem.partition("__")
        base = f"{nb[:2]}_{table}" if table else stem
        base = re.sub(r"[\[\]\*\?/\\:']", "_", base)[:31].rstrip() or "Sheet"
        name, k = base, 2
        while name.lower() in used:
            suffix = f"~{k}"
            name, k = base[: 31 - len(suffix)].rstrip() + suffix, k + 1
        used.add(name.lower())
        out.append(name)
    return out


@dataclass
class Sheet:
    """One table of the workbook: display header, kinds, values (typed), where it came from."""

    name: str
    header: list[str]
    kinds: list[str]
    rows: list[list]
    section: str
    caption: str
    csv: str
    columns: list[str] = field(default_factory=list)


def _is_number(text: str) -> bool:
    return bool(_NUM_RE.match(text.strip()))


def _guess_kind(header: str, values: list[str]) -> str:
    """For a CSV without recorded kinds: a number only if every cell is one and reads back
    the same (so ids such as ``2.10`` or ``01`` stay text); ids and criteria stay text."""
    h = header.lower()
    if any(w in h for w in ("criterion", "tiêu chí", "mã", " id", "_id")) or h == "id":
        return "text"
    vals = [v for v in values if v != ""]
    if not vals or not all(_is_number(v) for v in vals):
        if vals and all(v in ("True", "False") for v in vals):
            return "bool"
        return "text"
    ints = all(re.fullmatch(r"[+-]?\d+", v) for v in vals)
    if ints:
        if any(len(v.lstrip("+-")) > 1 and v.lstrip("+-").startswith("0") for v in vals):
            return "text"  # "01" is an id
        return "int"
    for v in vals:  # "2.10" would not read back as written: an id, not a number
        if repr(float(v)) != v and str(float(v)) != v and not re.search(r"[eE]", v):
            return "text"
    return "number"


def _convert(v: str, kind: str, lang: str, column: str | None):
    if v == "":
        return None
    if kind in _NUMERIC:
        if not _is_number(v):
            return v
        x = float(v)
        if math.isnan(x):
            return None
        if kind in ("int", "rank", "year") and x.is_integer():
            return int(x)
        return x
    if kind == "bool":
        if v in ("True", "False"):
            yes = v == "True"
            return ("Có" if yes else "Không") if lang == "vi" else ("Yes" if yes else "No")
        return v
    if kind == "code" and column:
        from ..labels import value_label

        return value_label(column, v, lang)
    return v


def _read_csv_text(path: Path) -> tuple[list[str], list[list[str]]]:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return (rows[0] if rows else []), rows[1:]


def collect_sheets(report_dir: str | os.PathLike, *, lang: str = "vi") -> list[Sheet]:
    """Every table of a report, in section order, typed by its kinds."""
    check_lang(lang)
    load_all_labels()
    report_dir = Path(report_dir)
    seen: set[str] = set()
    pending = []  # (csv path, header, kinds, columns, section title, caption)
    for sp in sorted((report_dir / "sections").glob("*.json")):
        with open(sp, encoding="utf-8") as fh:
            sec = json.load(fh)
        paths = sec.get("tables", {})
        for b in sec.get("blocks", []):
            if b.get("type") != "table" or b.get("name") not in paths:
                continue
            rel = paths[b["name"]]
            f = report_dir / rel
            if not f.is_file():
                continue
            seen.add(f.name)
            pending.append((f, b.get("kinds"), b.get("columns"), sec.get("title", sec["key"]),
                            b.get("caption") or b["name"], sec["key"]))
    for f in sorted((report_dir / "tables").glob("*.csv")):
        if f.name not in seen:  # a notebook without a section: its CSV as written
            nb, _, table = f.stem.partition("__")
            pending.append((f, None, None, nb, table or f.stem, nb))
    captions = [f"{key[:2]} {cap}" if key[:2].isdigit() else cap for *_, cap, key in pending]
    names = _unique_names(captions)
    out = []
    for (f, kinds, columns, title, caption, key), name in zip(pending, names):
        header, rows = _read_csv_text(f)
        if kinds is None or len(kinds) != len(header):
            labels = column_labels(header, lang)
            shown: list[str] = []
            for col in header:  # two columns with one label: keep them apart
                text = str(labels.get(col, col))
                shown.append(text if text not in shown else f"{text} ({col})")
            kinds = [_guess_kind(h, [r[i] if i < len(r) else "" for r in rows]) for i, h in enumerate(header)]
            columns, header = list(header), shown
        cols = list(columns or [None] * len(header))
        typed = [[_convert(r[i] if i < len(r) else "", k, lang, c) for i, (k, c) in enumerate(zip(kinds, cols))]
                 for r in rows]
        out.append(Sheet(name, list(header), list(kinds), typed, title, caption,
                         f.relative_to(report_dir).as_posix(), cols))
    return out


def _unique_names(captions: list[str]) -> list[str]:
    used: set[str] = set()
    out = []
    for cap in captions:
        base = _clean_sheet(cap)[:31].rstrip() or "Sheet"
        name, k = base, 2
        while name.lower() in used:
            suffix = f" ({k})"
            name, k = base[: 31 - len(suffix)].rstrip() + suffix, k + 1
        used.add(name.lower())
        out.append(name)
    return out


def collect_tables(report_dir: str | os.PathLike, *, lang: str = "vi") -> dict:
    """Every table as ``{sheet_name: DataFrame}``; the first is the contents sheet."""
    import pandas as pd

    sheets = collect_sheets(report_dir, lang=lang)
    contents = pd.DataFrame(
        [[s.name, s.section, s.caption, s.csv] for s in sheets],
        columns=[phrase(k, lang) for k in ("sheet", "notebook", "table", "csv_file")])
    return {phrase("contents", lang): contents,
            **{s.name: pd.DataFrame(s.rows, columns=s.header) for s in sheets}}


def _width(v) -> int:
    if v is None:
        return 0
    if isinstance(v, float):
        return len(f"{v:.2f}")
    return max((len(line) for line in str(v).splitlines()), default=0)


def _text_cell(v):
    """``(value, quoted)`` for a text cell. Text a spreadsheet would run as a formula is kept
    as text by Excel's own mark (``quotePrefix``: shown as typed, no visible apostrophe),
    also where the CSV carries it defused with a leading apostrophe (``'=HYPERLINK(…)``,
    :func:`cchc_analysis.outputs.neutralise_formulas`); the cell is always a string cell,
    never a formula."""
    if not isinstance(v, str):
        return v, False
    if v.startswith("'") and v[1:].startswith(_FORMULA):
        return v[1:], True
    return v, v.startswith(_FORMULA)


def write_tables_xlsx(report_dir: str | os.PathLike, path: str | os.PathLike, *, lang: str = "vi") -> Path:
    """Write ``tables.xlsx`` for the report in ``report_dir`` (atomically, same bytes on rerun)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from ..outputs import atomic_write_bytes, deterministic_zip

    sheets = collect_sheets(report_dir, lang=lang)
    wb = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E9EEF3")
    wrap = Alignment(wrap_text=True, vertical="top")
    head_align = Alignment(wrap_text=True, vertical="bottom")

    def fill_sheet(ws, header, kinds, rows, *, links=None):
        quoted = []  # (row, column) of text that starts like a formula
        for i, row in enumerate([header, *rows], 1):
            cells = [_text_cell(v) for v in row]
            ws.append([v for v, _ in cells])
            quoted += [(i, j) for j, (_, q) in enumerate(cells, 1) if q]
        for c in ws[1]:
            c.font, c.fill, c.alignment = bold, fill, head_align
            if isinstance(c.value, str):
                c.data_type = "s"
        for i, j in quoted:
            cell = ws.cell(row=i, column=j)
            cell.data_type, cell.quotePrefix = "s", True
        widths = [max([min(_width(h), 30)] + [_width(r[i]) for r in rows[:2000]]) for i, h in enumerate(header)]
        for i, (k, w) in enumerate(zip(kinds, widths), 1):
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = max(8, min(w + 2, 60))
            fmt = NUMBER_FORMATS.get(k)
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                if fmt and isinstance(cell.value, (int, float)):
                    cell.number_format = fmt
                elif isinstance(cell.value, str):
                    cell.data_type = "s"
                    cell.number_format = "@"
                    if w > 60:
                        cell.alignment = wrap
        ws.freeze_panes = "A2"
        if header:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, len(rows) + 1)}"
        if links:
            for row, target in links:
                cell = ws.cell(row=row, column=1)
                cell.hyperlink = f"#'{target}'!A1"
                cell.font = Font(color="1F5D99", underline="single")

    ws = wb.active
    ws.title = phrase("contents", lang)
    fill_sheet(ws, [phrase(k, lang) for k in ("sheet", "notebook", "table", "csv_file")],
               ["text"] * 4, [[s.name, s.section, s.caption, s.csv] for s in sheets],
               links=[(i + 2, s.name) for i, s in enumerate(sheets)])
    for s in sheets:
        fill_sheet(wb.create_sheet(s.name), s.header, s.kinds, s.rows)
    import datetime as _dt

    wb.properties.creator = "cchc-analysis"
    wb.properties.created = _dt.datetime(2000, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return atomic_write_bytes(path, deterministic_zip(buf.getvalue()))  # fixed times
