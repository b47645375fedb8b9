"""Fuzzing the readers: seeded, reproducible mutations of the bundled inputs (issue 19).

``python -m bench.fuzz [N] --seed S`` (``make fuzz``: N = 3,000) mutates the bundled inputs
(the synthetic scores workbook, the same table as CSV and Parquet, the synthetic survey as
CSV and Parquet, the analyst template of ``cchc template`` filled in) and two layouts offices
circulate: a **bảng tổng hợp** (4 units, one year, sub-criteria, subtotal and TỔNG ĐIỂM /
Chỉ số / Xếp hạng rows as numbers; cells mutated with the subtotals recomputed for the value
meant, rows deleted, duplicated, kept "Cộng" rows) and a **survey form export** (one row per
respondent, a column per question, Excel datetimes, a title row). It reads each
mutated file through ``read_*``, ``validate_*`` or ``cchc validate`` in a pool of two
worker processes (30 s per case), and classifies the outcome against the mutation's own
oracle:

========================  ==============================================================
located                   DataError naming the mutated cell (file, sheet, row, column;
                          what applies: a whole-file mutation is located by the file)
partial location          DataError naming the file and part of the place (row or column)
file-only                 DataError naming the file, not where
accepted right            read, content equal to what the oracle says
accepted ambiguous        read under a documented interpretation that changes content
                          (e.g. a deleted optional ``units`` sheet: names = ids)
refused valid             DataError on an input that must be accepted
crash                     any other exception (a traceback)
silent wrong              read although it is an error, or read with other content
hang                      no answer within 30 s
========================  ==============================================================

Oracles: every mutation says ``error`` (must be a located DataError), ``equal`` (must read
to the content of a *control*: the same document with the value meant, e.g. ``1.500`` in a
points column against the number 1.5, read by the same reader; a control that is itself an
error makes the mutation an error at that cell) or ``either`` (a located error, or the
control's content). The inputs are made small (7 units of the bundled workbook, one unit-
year of the bundled survey) so that 3,000 cases take minutes, not hours.

The table is printed and written to ``.bench/fuzz.csv`` (one row per outcome) and
``.bench/fuzz_cases.csv`` (one row per case: mutation, oracle, outcome, first message).
"""

from __future__ import annotations

import argparse
import contextlib
import csv as _csv
import datetime as _dt
import io as _io
import multiprocessing as mp
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_analysis.config import DEFAULT_SURVEY, DEFAULT_WORKBOOK, PROJ_ROOT
from cchc_analysis.errors import DataError
from cchc_analysis.text import fold

OUT_DIR = PROJ_ROOT / ".bench"
TIMEOUT = 30.0
OUTCOMES = ["located", "partial location", "file-only", "accepted right", "accepted ambiguous",
            "refused valid", "crash", "silent wrong", "hang"]
BAD = {"crash", "silent wrong", "hang"}

# --------------------------------------------------------------------------- documents


@dataclass
class Doc:
    """A file to write: a workbook (sheets of cell grids), a CSV (one grid) or a frame."""

    kind: str  # "xlsx" | "csv" | "parquet"
    reader: str  # "scores" | "survey"
    name: str  # file name (stem.ext)
    sheets: dict = field(default_factory=dict)  # xlsx: {name: grid}; csv: {None: grid}
    frame: pd.DataFrame | None = None
    keywords: str | None = None
    delimiter: str = ","
    encoding: str = "utf-8"
    raw: bytes | None = None  # set by byte-level mutations: written as is
    patch: object = None  # a function bytes -> bytes applied after writing (zip-level)

    def copy(self) -> "Doc":
        return Doc(self.kind, self.reader, self.name, {k: [list(r) for r in g] for k, g in self.sheets.items()},
                   None if self.frame is None else self.frame.copy(), self.keywords, self.delimiter,
                   self.encoding, self.raw, self.patch)

    def to_bytes(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.kind == "xlsx":
            data = _xlsx_bytes(self.sheets, self.keywords)
        elif self.kind == "csv":
            buf = _io.StringIO()
            w = _csv.writer(buf, delimiter=self.delimiter, lineterminator="\n")
            for r in self.sheets[None]:
                w.writerow(["" if v is None else v for v in r])
            data = buf.getvalue().encode(self.encoding, errors="replace")
        else:
            buf = _io.BytesIO()
            self.frame.to_parquet(buf, index=False)
            data = buf.getvalue()
        return self.patch(data) if self.patch else data


_BIG = 1.23456789012345e+200  # stands for a 400-digit integer (openpyxl cannot write one)


def _xlsx_bytes(sheets: dict, keywords: str | None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    if keywords:
        wb.properties.keywords = keywords
    big = False
    for name, grid in sheets.items():
        ws = wb.create_sheet(name)
        for r in grid:
            row = [_BIG if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**63 else v for v in r]
            big = big or _BIG in row
            ws.append(row)
    buf = _io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if big:
        data = _zip_patch(lambda n, b: b.replace(b"<v>%r</v>" % _BIG, b"<v>" + b"9" * 400 + b"</v>"))(data)
    return data


def _grid_of(path: Path) -> dict:
    from cchc_analysis.io._xlsx import XlsxBook

    book = XlsxBook(path)
    out = {n: [list(r) for r in book[n].cells()[0]] for n in book.sheetnames}
    kw = book.properties.keywords
    book.close()
    return out, kw


def build_bases(tmp: Path) -> dict[str, Doc]:
    """The documents every mutation starts from (derived from the bundled inputs)."""
    from cchc_analysis.io import read_scores, read_survey, write_template

    bases: dict[str, Doc] = {}
    sheets, kw = _grid_of(DEFAULT_WORKBOOK)
    units = sheets["units"]
    keep = []
    for t in ("cuc", "vu"):
        keep += [r[0] for r in units[1:] if r[2] == t][:3]
    keep += [r[0] for r in units[1:] if r[2] not in ("cuc", "vu")][:1]
    sheets["units"] = [units[0]] + [r for r in units[1:] if r[0] in keep]
    sc = "scores (synthetic)"
    sheets[sc] = [sheets[sc][0]] + [r for r in sheets[sc][1:] if r[1] in keep]
    bases["scores.xlsx"] = Doc("xlsx", "scores", "scores.xlsx", sheets, keywords=kw)

    wb_path = tmp / "base_scores.xlsx"
    wb_path.write_bytes(bases["scores.xlsx"].to_bytes())
    tidy = read_scores(wb_path)
    cols = ["year", "unit_id", "unit_name", "unit_type", "field", "criterion", "component",
            "max_points", "points", "applicable"]
    tidy = tidy[cols]
    grid = [cols] + [[None if (isinstance(v, float) and np.isnan(v)) else (str(v) if isinstance(v, (bool, np.bool_)) else v)
                      for v in r] for r in tidy.itertuples(index=False)]
    bases["scores.csv"] = Doc("csv", "scores", "scores.csv", {None: grid})
    bases["scores.parquet"] = Doc("parquet", "scores", "scores.parquet", frame=tidy.reset_index(drop=True))

    t_path = tmp / "template.xlsx"
    write_template(t_path, n_units=3)
    tsheets, tkw = _grid_of(t_path)
    for name, g in tsheets.items():
        if name.startswith("don-vi-"):
            k = int(name.rsplit("-", 1)[1])
            for i, r in enumerate(g[1:], start=1):
                r += [None] * (6 - len(r))
                mx = float(r[2])
                if (i + k) % 7 == 0:
                    r[3], r[4] = "KPS", "KPS"
                else:
                    r[3] = mx * (0.75 if (i + k) % 2 else 1.0)
                    r[4] = mx * (0.5 if (i + k) % 3 else 0.25)
    bases["template.xlsx"] = Doc("xlsx", "scores", "template.xlsx", tsheets, keywords=tkw)

    text = DEFAULT_SURVEY.read_text(encoding="utf-8-sig").splitlines()
    rows = list(_csv.reader(text))
    head = rows[0]
    iy, iu = head.index("year"), head.index("unit_id")
    first = (rows[1][iy], rows[1][iu])
    body = [r for r in rows[1:] if (r[iy], r[iu]) == first]
    bases["survey.csv"] = Doc("csv", "survey", "survey.csv", {None: [head] + body})
    s_path = tmp / "base_survey.csv"
    s_path.write_bytes(bases["survey.csv"].to_bytes())
    sv = read_survey(s_path)
    bases["survey.parquet"] = Doc("parquet", "survey", "survey.parquet", frame=sv.reset_index(drop=True))
    bases["summary.xlsx"] = _summary_doc(tmp, SUMMARY_VALUES)
    bases["survey.xlsx"] = _wide_survey_doc(sv)
    return bases


# --------------------------------------------------------------------------- the office layouts

#: The bảng tổng hợp base: 4 units of one type, one year, a 3-field tree (the last field the
#: survey) of 24 leaf criteria with sub-criteria, subtotal rows and the TỔNG ĐIỂM / Chỉ số /
#: Xếp hạng rows written as numbers, as an office's exported sheet holds them.
SUMMARY_YEAR = 2024
SUMMARY_UNITS = [("vu-a", "Vụ A", "vu"), ("vu-b", "Vụ B", "vu"), ("vu-c", "Vụ C", "vu"), ("vu-d", "Vụ D", "vu")]
SUMMARY_SHEET = f"Bảng tổng hợp {SUMMARY_YEAR}"
_SUMMARY_FIRST_ROW = 5  # grid index of the first tree row (Excel row 6: title, subtitle, blank, 2 header rows)
_SUMMARY_ROLES = {"self": "Tự chấm", "points": "Thẩm định"}


def _summary_tree():
    from bench.bench_reading import big_tree

    return big_tree(n_fields=3, n_crit=4)


def _summary_values() -> dict:
    rng = np.random.default_rng(23)
    vals = {}
    for k, (u, _, _) in enumerate(SUMMARY_UNITS):
        for n in _summary_tree():
            if not n["leaf"]:
                continue
            if rng.uniform() < 0.1 and k:  # the first unit has every criterion (no lonely maxima)
                vals[(SUMMARY_YEAR, u, n["id"], "points")] = vals[(SUMMARY_YEAR, u, n["id"], "self")] = "KPS"
                continue
            pts = float(np.round(n["max"] * rng.uniform() * 4) / 4)
            vals[(SUMMARY_YEAR, u, n["id"], "points")] = pts
            vals[(SUMMARY_YEAR, u, n["id"], "self")] = min(n["max"], pts + 0.25 * int(rng.integers(0, 3)))
    return vals


SUMMARY_VALUES = _summary_values()


def _summary_doc(tmp: Path, values: dict) -> Doc:
    """The bảng tổng hợp of ``values`` (subtotals and bottom rows consistent with them)."""
    from cchc_analysis.io.template import summary_workbook

    wb = summary_workbook(SUMMARY_UNITS, years=(SUMMARY_YEAR,), tree=_summary_tree(), values=values, formulas=False)
    path = Path(tempfile.mkstemp(suffix=".xlsx", dir=tmp)[1])
    try:
        wb.save(path)
        sheets, kw = _grid_of(path)
    finally:
        path.unlink(missing_ok=True)
    return Doc("xlsx", "scores", "summary.xlsx", sheets, keywords=kw)


def _summary_leaf_rows() -> list[tuple[int, str]]:
    """(grid index, criterion id) of the base's leaf rows."""
    return [(_SUMMARY_FIRST_ROW + i, n["id"]) for i, n in enumerate(_summary_tree()) if n["leaf"]]


def _summary_column(k: int, role: str) -> int:
    return 3 + 3 * k + (0 if role == "self" else 1)


def _summary_cell_case(doc: Doc, rng: random.Random) -> tuple:
    """One unit's Tự chấm or Thẩm định cell on a leaf row. Where the value meant is a number,
    the control is the sheet rewritten with it (subtotals and bottom rows recomputed), and the
    mutated sheet is that control with the cell written the mutated way; otherwise the
    subtotals stay those of the original value."""
    from openpyxl.utils import get_column_letter

    grid = doc.sheets[SUMMARY_SHEET]
    cand = [(i, cid, k, role) for i, cid in _summary_leaf_rows() for k in range(len(SUMMARY_UNITS))
            for role in _SUMMARY_ROLES if _num(grid[i][_summary_column(k, role)]) is not None]
    i, cid, k, role = rng.choice(cand)
    j = _summary_column(k, role)
    label, new, oracle, ctrl = _value_mutation("points", grid[i][j], rng, is_xlsx=True, mx=grid[i][2])
    control = None
    mut = doc.copy()
    if oracle in ("equal", "either") and _num(ctrl) is not None:
        values = dict(SUMMARY_VALUES)
        values[(SUMMARY_YEAR, SUMMARY_UNITS[k][0], cid, role)] = float(ctrl)
        control = _summary_doc(Path(tempfile.gettempdir()), values)
        mut = control.copy()
    mut.sheets[SUMMARY_SHEET][i][j] = new
    written = f"{SUMMARY_UNITS[k][1]} – {_SUMMARY_ROLES[role]} ({get_column_letter(j + 1)})"
    return f"summary_{role}:{label}", mut, control, oracle, SUMMARY_SHEET, i + 1, (written,)


def _summary_structure_case(doc: Doc, rng: random.Random) -> tuple:
    """-> (label, doc, control, oracle, sheet, row, cols, documented)."""
    mut = doc.copy()
    grid = mut.sheets[SUMMARY_SHEET]
    tree = _summary_tree()
    rows = {n["id"]: _SUMMARY_FIRST_ROW + i for i, n in enumerate(tree)}
    label = rng.choice(["delete_leaf_row", "delete_subtotal_row", "duplicate_leaf_row", "blank_row",
                        "kept_subtotal_row", "delete_total_rows", "blank_unit_name", "delete_units_sheet"])
    if label == "delete_leaf_row":  # the lesson of the last round: never a smaller maximum in silence
        i = rng.choice([r for r, _ in _summary_leaf_rows()])
        del grid[i]
        return label, mut, None, "error", SUMMARY_SHEET, None, None, False
    if label == "delete_subtotal_row":
        i = rows[rng.choice([n["id"] for n in tree if not n["leaf"] and n["level"] == 1])]
        del grid[i]
        return label, mut, None, "error", SUMMARY_SHEET, None, None, False
    if label == "duplicate_leaf_row":
        i = rng.choice([r for r, _ in _summary_leaf_rows()])
        grid.insert(i + 1, list(grid[i]))
        return label, mut, None, "error", SUMMARY_SHEET, None, None, False
    if label == "blank_row":
        i = rng.randrange(_SUMMARY_FIRST_ROW, len(grid))
        grid.insert(i, [None] * len(grid[_SUMMARY_FIRST_ROW]))
        return label, mut, doc.copy(), "equal", SUMMARY_SHEET, None, None, False
    if label == "kept_subtotal_row":  # a "Cộng" row an office leaves under a field: never counted as a criterion
        f = rng.choice([n for n in tree if n["level"] == 0])
        last = max(rows[n["id"]] for n in tree if n["id"] == f["id"] or n["id"].startswith(f["id"] + "."))
        total = list(grid[rows[f["id"]]])
        total[0], total[1] = None, rng.choice(["Cộng", "Cộng lĩnh vực", "Tổng cộng", "Tổng điểm lĩnh vực"])
        grid.insert(last + 1, total)
        return label, mut, doc.copy(), "either", SUMMARY_SHEET, last + 2, None, False
    if label == "delete_total_rows":  # the bottom rows are checks, not data
        k = next(i for i, r in enumerate(grid) if len(r) > 1 and r[1] == "TỔNG ĐIỂM")
        del grid[k:]
        return label, mut, doc.copy(), "equal", None, None, None, False
    if label == "blank_unit_name":
        k = rng.randrange(len(SUMMARY_UNITS))
        grid[_SUMMARY_FIRST_ROW - 2][3 + 3 * k] = None
        return label, mut, None, "error", SUMMARY_SHEET, None, None, False
    del mut.sheets["Đơn vị"]  # the units sheet: names become ids (documented)
    return label, mut, None, "documented", None, None, None, True


def _wide_survey_doc(sv: pd.DataFrame) -> Doc:
    """The survey base as a form export: one row per respondent, a column per question, a
    timestamp column of Excel datetimes, a title row above the header."""
    forms = sv.drop_duplicates("respondent_id").set_index("respondent_id")
    questions = list(dict.fromkeys(sv["question"]))
    answers = sv.pivot(index="respondent_id", columns="question", values="response")
    role_words = {"leader": "Lãnh đạo", "staff": "Công chức"}
    grid = [["Kết quả khảo sát (xuất từ biểu mẫu)"],
            ["Dấu thời gian", "Năm", "Mã đơn vị", "Mã phiếu", "Vai trò"] + questions]
    for rid in forms.index:
        f = forms.loc[rid]
        t = f["submitted_at"].to_pydatetime() if "submitted_at" in forms.columns else None
        row = [t, int(f["year"]), f["unit_id"], rid, role_words.get(f["respondent_role"], f["respondent_role"])]
        row += [None if pd.isna(answers.loc[rid, q]) else float(answers.loc[rid, q]) for q in questions]
        grid.append(row)
    from cchc_analysis.provenance import SYNTHETIC_KEYWORD

    return Doc("xlsx", "survey", "survey.xlsx", {WIDE_SHEET: grid}, keywords=SYNTHETIC_KEYWORD)


WIDE_SHEET = "Câu trả lời"


def _wide_cell_case(doc: Doc, rng: random.Random) -> tuple:
    """One cell of the form export (header on its second row) -> (label, doc, control, oracle, sheet, row, cols)."""
    _, names, kind = rng.choice(TARGETS[doc.name])
    grid = doc.sheets[WIDE_SHEET]
    head = grid[1]
    if names == ("q*",):
        j = rng.choice([k for k, h in enumerate(head) if str(h).startswith("q")])
    else:
        j = head.index(names[0])
    i = rng.choice([r for r in range(2, len(grid)) if kind == "response" or grid[r][j] not in (None, "")])
    label, new, oracle, ctrl = _value_mutation(kind, grid[i][j], rng, is_xlsx=True)
    if kind == "time" and label in ("time_dayfirst", "time_zone", "time_utc"):
        ctrl = pd.Timestamp(ctrl).to_pydatetime()
    mut = doc.copy()
    mut.sheets[WIDE_SHEET][i][j] = new
    control = None
    if oracle in ("equal", "either"):
        control = doc.copy()
        control.sheets[WIDE_SHEET][i][j] = ctrl
    return f"wide_{kind}:{label}", mut, control, oracle, WIDE_SHEET, i + 1, (str(head[j]),)


def _wide_structure_case(doc: Doc, rng: random.Random) -> tuple:
    """-> (label, doc, control, oracle, sheet, row, cols, documented)."""
    mut = doc.copy()
    grid = mut.sheets[WIDE_SHEET]
    label = rng.choice(["delete_row", "duplicate_row", "duplicate_header", "blank_row", "delete_title",
                        "rename_typo", "delete_column"])
    i = rng.randrange(2, len(grid))
    if label == "delete_row":  # a form fewer: a smaller sample, not an error
        del grid[i]
        return label, mut, None, "documented", None, None, None, True
    if label == "duplicate_row":  # the same form twice: every answer a duplicate
        grid.insert(i + 1, list(grid[i]))
        return label, mut, None, "error", WIDE_SHEET, i + 2, None, False
    if label == "duplicate_header":
        qs = [k for k, h in enumerate(grid[1]) if str(h).startswith("q")]
        a, b = rng.sample(qs, 2)
        grid[1][b] = grid[1][a]
        return label, mut, None, "error", WIDE_SHEET, 2, (str(grid[1][a]),), False
    if label == "blank_row":
        grid.insert(i, [None] * len(grid[1]))
        return label, mut, doc.copy(), "equal", WIDE_SHEET, None, None, False
    if label == "delete_title":  # the header on the first row instead
        del grid[0]
        return label, mut, doc.copy(), "equal", WIDE_SHEET, None, None, False
    if label == "rename_typo":  # a misspelt id column turns into a question of text answers, or is missing
        j = rng.choice([2, 3])
        old = grid[1][j]
        grid[1][j] = {"Mã đơn vị": "Mã đơn vịị", "Mã phiếu": "Mã phiếuu"}[old]
        return f"{label}:{old}", mut, None, "error", WIDE_SHEET, None, None, False
    j = rng.choice([1, 2, 3])  # delete a required column
    for r in grid[1:]:
        del r[j]
    return f"{label}:{doc.sheets[WIDE_SHEET][1][j]}", mut, None, "error", WIDE_SHEET, None, None, False


# --------------------------------------------------------------------------- cases


@dataclass
class Case:
    index: int
    base: str
    mutation: str
    category: str  # cell | structure | encoding | corrupt | extent | parquet
    doc: Doc
    expect: str  # error | equal | either
    sheet: str | None = None  # where the located error must be (None: not asked)
    row: int | None = None
    cols: tuple | None = None  # acceptable column names (as written or canonical)
    control: Doc | None = None  # equal/either: read this for the expected content
    documented: bool = False  # accepted under a documented interpretation that changes content
    entry: str = "read"  # read | validate | cli


def _header(grid, col_names) -> int | None:
    """Column index of the first header cell (row 0) matching one of ``col_names``."""
    head = [fold(str(h)) if h is not None else "" for h in grid[0]]
    for name in col_names:
        if fold(name) in head:
            return head.index(fold(name))
    return None


# per base: (sheet, header names, kind) of the columns cell mutations target
TARGETS = {
    "scores.xlsx": [("scores (synthetic)", ("points",), "points"), ("scores (synthetic)", ("year",), "year"),
                    ("scores (synthetic)", ("unit_id",), "unit_id"), ("scores (synthetic)", ("criterion",), "criterion"),
                    ("criteria", ("max_points",), "max"), ("criteria", ("component",), "component"),
                    ("criteria", ("criterion",), "criterion_def"), ("units", ("unit_name",), "name"),
                    ("units", ("unit_id",), "unit_def")],
    "template.xlsx": [("don-vi-*", ("Điểm thẩm định",), "points"), ("don-vi-*", ("Điểm tự chấm",), "points"),
                      ("don-vi-*", ("Mã tiêu chí",), "criterion"), ("don-vi-*", ("Điểm tối đa",), "max_copy"),
                      ("Tiêu chí", ("Điểm tối đa",), "max"), ("Tiêu chí", ("Thành phần",), "component"),
                      ("Đơn vị", ("Năm",), "year_units"), ("Đơn vị", ("Tên đơn vị",), "name"),
                      ("Đơn vị", ("Mã đơn vị",), "unit_def")],
    "scores.csv": [(None, ("points",), "points"), (None, ("max_points",), "max"), (None, ("year",), "year"),
                   (None, ("unit_id",), "unit_id"), (None, ("criterion",), "criterion_csv"),
                   (None, ("component",), "component"), (None, ("unit_name",), "name")],
    "survey.csv": [(None, ("response",), "response"), (None, ("year",), "year"), (None, ("submitted_at",), "time"),
                   (None, ("unit_id",), "sid"), (None, ("respondent_id",), "sid"), (None, ("question",), "sid")],
    "survey.xlsx": [("Câu trả lời", ("q*",), "response"), ("Câu trả lời", ("Năm",), "year"),
                    ("Câu trả lời", ("Dấu thời gian",), "time"), ("Câu trả lời", ("Mã đơn vị",), "sid"),
                    ("Câu trả lời", ("Mã phiếu",), "sid")],
}

_TEXT = ["abc", "điểm", "đạt", "?", "1.5.2", "--1", "0x10", "1e", "một", "N.A.A", "1/2", "#REF!", "#DIV/0!"]


def _num(v):
    if isinstance(v, bool):
        return None
    try:
        return float(v)
    except (TypeError, ValueError, OverflowError):
        return None


def _value_mutation(kind: str, v, rng: random.Random, *, is_xlsx: bool, mx=None):
    """-> (label, new value, oracle, control value)  (oracle: error | equal | either)."""
    x = _num(v)
    applicable = x is not None
    opts = []
    if kind in ("points", "response", "max", "max_copy"):
        opts += [("text", rng.choice(_TEXT), "error", None),
                 ("percent", rng.choice(["95%", "1.5%", "95 %", "4%", "0,5 %"]), "error", None),
                 ("bigint", int("9" * 400) if is_xlsx and rng.random() < 0.5 else "9" * 400, "error", None),
                 ("nan_inf", rng.choice(["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "∞"]), "error", None),
                 ("date", _dt.datetime(2023, 5, 1) if is_xlsx and rng.random() < 0.5 else
                  rng.choice(["2023-05-01", "01/05/2023", "1/5"]), "error", None),
                 ("fullwidth", "１.５", "either", 1.5),
                 ("rtl", "\u202e" + ("1.5" if x is None else f"{x:g}"), "either", 1.5 if x is None else x),
                 ("dot_3digits", None, "equal", None), ("comma_3digits", None, "equal", None),
                 ("decimal_comma", None, "equal", None), ("grouped", rng.choice(["1.234,5", "1,234.5"]), "equal", 1234.5),
                 ("negative", "-1" if rng.random() < 0.5 else -1.0, "equal", -1.0),
                 ("spaces", None, "equal", None)]
        if kind != "response":
            opts.append(("over_max", None, "equal", None))
        else:
            opts.append(("out_of_scale", rng.choice([0, 6, 7, 99]), "equal", None))
        if kind in ("points",) and applicable:
            opts.append(("blank", None, "error", None))
        if kind == "max":
            opts += [("zero", 0, "error", None), ("blank", None, "error", None), ("huge", 1500, "error", None)]
        if kind == "response":
            opts.append(("blank", None, "equal", None))
        label, new, oracle, ctrl = rng.choice(opts)
        a, b = rng.choice([0, 1, 2, 3]), rng.choice(["500", "250", "125", "750", "375"])
        if kind == "response":
            a = rng.choice([1, 2, 3, 4])
        if label == "dot_3digits":
            new, ctrl = f"{a}.{b}", float(f"{a}.{b}")
        elif label == "comma_3digits":
            new, ctrl = f"{a},{b}", float(f"{a}.{b}")
        elif label == "decimal_comma":
            new, ctrl = f"{a},5", float(f"{a}.5")
        elif label == "spaces":
            base = 1.0 if x is None else x
            new, ctrl = rng.choice([f"  {base:g} ", f"\u00a0{base:g}", f"{base:g}\t"]), base
        elif label == "over_max":
            top = _num(mx) if mx is not None else (x if kind in ("max", "max_copy") else None)
            top = 1.0 if top is None else top
            new = ctrl = top + 1 if kind not in ("max", "max_copy") else 2000.0
        elif label == "out_of_scale":
            ctrl = float(new)
        elif label == "blank":
            ctrl = None
        elif label == "negative":
            ctrl = -1.0
        if kind == "max_copy" and label != "spaces":  # the unit sheet's copy of the maximum must agree
            oracle = "error"
        return label, new, oracle, ctrl
    if kind in ("year", "year_units"):
        opts = [("bad_year", rng.choice([0, 1800, 2200, 2021.5, -2023, 99999]), "error", None),
                ("bad_year_text", rng.choice(["2.023", "2,023", "abc", "năm 2023", "2023-2024"]), "error", None),
                ("excel_text_prefix", None, "equal", None),
                ("year_spaces", None, "equal", None), ("fullwidth", "２０２３", "either", None)]
        if kind == "year":
            opts.append(("blank", None, "error", None))
        if is_xlsx:
            opts.append(("date", _dt.datetime(2023, 1, 1), "error", None))
        label, new, oracle, ctrl = rng.choice(opts)
        y = int(x) if x is not None else 2024
        if label == "year_spaces":
            new, ctrl = f" {y} ", y
        if label == "excel_text_prefix":  # Excel's leading apostrophe: "'2023" is the text 2023
            new, ctrl = f"'{y}", y
        if label == "fullwidth":
            new, ctrl = "".join(chr(0xFF10 + int(c)) for c in str(y)), y
        return label, new, oracle, ctrl
    s = "" if v is None else str(v)
    if kind == "time":
        opts = [("time_only", rng.choice(["09:30", "9:30:15", "09:30 AM"]), "error", None),
                ("time_word", rng.choice(["now", "today", "hôm nay", "yesterday"]), "error", None),
                ("time_negative_year", "-2023-11-14 09:30:00", "error", None),
                ("time_bad", rng.choice(["2023-13-01 09:00", "31/02/2023", "11/14/2023 09:30", "2023-11-14 25:00",
                                         "14/11/23"]), "error", None),
                ("time_dayfirst", None, "equal", None), ("time_zone", None, "equal", None),
                ("time_utc", None, "equal", None)]
        label, new, oracle, ctrl = rng.choice(opts)
        t = pd.Timestamp(s) if s else pd.Timestamp("2021-11-19 15:53:30")
        if label == "time_dayfirst":
            new, ctrl = t.strftime("%d/%m/%Y %H:%M:%S"), t.strftime("%Y-%m-%d %H:%M:%S")
        elif label == "time_zone":
            new, ctrl = t.strftime("%Y-%m-%dT%H:%M:%S+07:00"), t.strftime("%Y-%m-%d %H:%M:%S")
        elif label == "time_utc":
            new, ctrl = (t - pd.Timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%SZ"), t.strftime("%Y-%m-%d %H:%M:%S")
        return label, new, oracle, ctrl
    if kind in ("unit_id", "sid", "criterion", "criterion_csv", "criterion_def", "unit_def", "name"):
        opts = [("rtl", "\u202e" + s, "error", None), ("id_spaces", f" {s}  ", "equal", s)]
        if kind != "name":
            opts += [("blank", None, "error", None),
                     ("fullwidth", re.sub(r"\d", lambda m: chr(0xFF10 + int(m.group())), s) if re.search(r"\d", s)
                      else s + "１", "error", None)]
        if kind in ("unit_id",):
            opts.append(("typo", _typo(s, rng), "error", None))
        if kind == "criterion":
            opts.append(("unknown", rng.choice(["9.9", "1.1x", "10.1", "0"]), "error", None))
        if kind == "name":
            opts.append(("long_name", "Đơn vị " * 800, "error", None))
        label, new, oracle, ctrl = rng.choice(opts)
        return label, new, oracle, ctrl
    if kind == "component":
        label, new, oracle, ctrl = rng.choice([("junk", rng.choice(["junk", "khác", "x", "0"]), "error", None),
                                               ("blank", None, "error", None),
                                               ("vi_alias", None, "equal", None)])
        if label == "vi_alias":
            canon = "survey" if "tra" in fold(s) or fold(s) == "survey" else "appraisal"
            new = {"survey": "Điều tra XHH", "appraisal": "Thẩm định"}[canon]
            ctrl = s
        return label, new, oracle, ctrl
    raise KeyError(kind)


def _typo(s: str, rng: random.Random) -> str:
    if len(s) < 3:
        return s + "x"
    i = rng.randrange(1, len(s))
    k = rng.choice(["drop", "swap", "upper"])
    if k == "drop" and s[i] != "-":
        return s[:i] + s[i + 1:]
    if k == "upper":
        return s.upper() if s.upper() != s else s + "x"
    t = list(s)
    j = i - 1
    if t[i] == t[j]:
        return s[:i] + "x" + s[i:]
    t[i], t[j] = t[j], t[i]
    return "".join(t)


def _cell_case(doc: Doc, rng: random.Random) -> tuple:
    """Mutate one cell -> (label, doc, control, oracle, sheet, row, cols)."""
    sheet_pat, names, kind = rng.choice(TARGETS[doc.name])
    if sheet_pat == "don-vi-*":
        sheet = rng.choice([n for n in doc.sheets if n.startswith("don-vi-")])
    else:
        sheet = sheet_pat
    grid = doc.sheets[sheet]
    j = _header(grid, names)
    rows = [i for i in range(1, len(grid)) if j < len(grid[i]) and grid[i][j] not in (None, "")
            or kind in ("points",) and j < len(grid[i])]
    if kind == "points":
        rows = [i for i in rows if _num(grid[i][j]) is not None] or rows
    i = rng.choice(rows)
    row = grid[i]
    row += [None] * (j + 1 - len(row))
    mx = None
    if kind == "points" and doc.name == "scores.csv":
        mx = row[_header(grid, ("max_points",))]
    if kind == "points" and doc.name == "template.xlsx":
        mx = row[2]
    label, new, oracle, ctrl = _value_mutation(kind, row[j], rng, is_xlsx=doc.kind == "xlsx", mx=mx)
    if kind == "points" and doc.name == "scores.xlsx" and label == "over_max":
        new = ctrl = 1000.0
    mut = doc.copy()
    mut.sheets[sheet][i][j] = new
    control = None
    if oracle in ("equal", "either"):
        control = doc.copy()
        control.sheets[sheet][i][j] = ctrl
    written = str(grid[0][j])
    return f"{kind}:{label}", mut, control, oracle, sheet, i + 1, (written,) + tuple(names)


def _lonely_units(bases) -> set:
    fr = bases["scores.parquet"].frame
    types = fr.drop_duplicates(["unit_id"]).groupby("unit_type")["unit_id"].agg(list)
    return {u for us in types for u in us if len(us) < 3}


def _structure_case(doc: Doc, rng: random.Random, bases) -> tuple:
    """-> (label, doc, control, oracle, sheet, row, cols, documented)."""
    mut = doc.copy()
    control = None
    if doc.name == "scores.xlsx":
        data_sheet = "scores (synthetic)"
    elif doc.name == "template.xlsx":
        data_sheet = rng.choice([n for n in doc.sheets if n.startswith("don-vi-")])
    else:
        data_sheet = None
    grid = mut.sheets[data_sheet]
    opts = ["delete_row", "delete_column", "duplicate_header", "rename_alias", "rename_typo", "subtotal_row",
            "blank_row", "extra_column"]
    if doc.kind == "xlsx":
        opts += ["delete_sheet", "duplicate_unit_id"]
    if doc.kind == "csv":
        opts += ["ragged_row", "bom", "semicolon", "crlf"]
    label = rng.choice(opts)
    i = rng.randrange(1, len(grid))
    if label == "delete_row":
        uid_col = _header(grid, ("unit_id",))
        lonely = uid_col is not None and grid[i][uid_col] in _lonely_units(bases)
        del grid[i]
        if doc.reader == "survey":  # documented: a missing row of the long layout is an unanswered question
            return label, mut, None, "documented", None, None, None, True
        if lonely:  # documented: without applies_to, a unit with < 2 peers of its type cannot be checked
            return label + ":lonely", mut, None, "documented", None, None, None, True
        return label, mut, None, "error", data_sheet, None, None, False
    if label == "delete_column":
        req = {"scores.xlsx": ["year", "unit_id", "criterion", "points"], "scores.csv":
               ["year", "unit_id", "criterion", "points", "max_points"], "template.xlsx": ["Mã tiêu chí", "Điểm thẩm định"],
               "survey.csv": ["year", "unit_id", "respondent_id", "question", "response"]}[doc.name]
        name = rng.choice(req)
        j = _header(grid, (name,))
        for r in grid:
            if j < len(r):
                del r[j]
        if doc.name == "survey.csv" and name in ("question", "response"):
            # without question/response the file reads as wide: every other column a question
            return f"{label}:{name}", mut, None, "error", data_sheet, None, None, False
        return f"{label}:{name}", mut, None, "error", data_sheet, None, (name,), False
    if label == "duplicate_header":
        j, k = rng.sample(range(len(grid[0])), 2)
        grid[0][k] = grid[0][j]
        return label, mut, None, "error", data_sheet, 1, (str(grid[0][j]),), False
    if label == "rename_alias":
        aliases = {"points": "Điểm đạt được", "year": "Năm", "unit_id": "Mã đơn vị", "criterion": "Mã tiêu chí",
                   "max_points": "Điểm tối đa", "response": "Trả lời", "question": "Câu hỏi",
                   "respondent_id": "Mã phiếu", "Điểm thẩm định": "Điểm sau thẩm định", "Mã tiêu chí": "criterion"}
        cand = [j for j, h in enumerate(grid[0]) if h in aliases]
        j = rng.choice(cand)
        control = doc.copy()
        grid[0][j] = aliases[grid[0][j]]
        return f"{label}:{doc.sheets[data_sheet][0][j]}", mut, control, "equal", data_sheet, None, None, False
    if label == "rename_typo":
        typos = {"points": "pionts", "year": "yaer", "unit_id": "unitid", "criterion": "critrion",
                 "max_points": "max_pionts", "component": "comp", "unit_name": "unit_nme", "applicable": "aplicable",
                 "unit_type": "unit_typ", "field": "feild", "response": "respnse", "question": "questoin",
                 "respondent_id": "respondentid", "submitted_at": "submited_at",
                 "Điểm thẩm định": "Điểm thẩm địnhh", "Mã tiêu chí": "Mã tiêu chíi", "Điểm tự chấm": "Điểm tự chấmm"}
        cand = [j for j, h in enumerate(grid[0]) if h in typos]
        j = rng.choice(cand)
        old = grid[0][j]
        grid[0][j] = typos[old]
        return f"{label}:{old}", mut, None, "error", data_sheet, None, (typos[old], old), False
    if label == "subtotal_row":
        word = rng.choice(["Tổng cộng", "TỔNG ĐIỂM", "Cộng", "Total", "Tổng"])
        new = list(grid[i])
        head = [fold(str(h)) for h in grid[0]]
        for j, h in enumerate(head):
            if h in ("criterion", "ma tieu chi"):
                new[j] = word
            elif h in ("points", "max_points", "diem tham dinh", "diem tu cham", "diem toi da"):
                vals = [_num(r[j]) for r in grid[1:] if j < len(r)]
                new[j] = float(np.nansum([v for v in vals if v is not None]))
        grid.insert(i + 1, new)
        return f"{label}", mut, None, "error", data_sheet, i + 2, None, False
    if label == "blank_row":
        control = doc.copy()
        grid.insert(i, [None] * len(grid[0]))
        return label, mut, control, "equal", data_sheet, None, None, False
    if label == "extra_column":
        control = doc.copy()
        grid[0].append("Thông tin thêm")
        for r in grid[1:]:
            r += [None] * (len(grid[0]) - 1 - len(r)) + ["x"]
        return label, mut, control, "equal", data_sheet, None, None, False
    if label == "delete_sheet":
        names = [n for n in doc.sheets]
        name = rng.choice(names)
        del mut.sheets[name]
        f = fold(name)
        if f.startswith(("readme", "huong dan")):
            return f"{label}:readme", mut, doc.copy(), "equal", None, None, None, False
        if f in ("units", "don vi") and doc.name == "scores.xlsx":
            # documented: the units sheet is optional; names default to the ids, types to ""
            return f"{label}:units", mut, None, "documented", None, None, None, True
        return f"{label}:{f}", mut, None, "error", None, None, None, False
    if label == "duplicate_unit_id":
        us = "units" if "units" in mut.sheets else "Đơn vị"
        g = mut.sheets[us]
        a, b = rng.sample(range(1, len(g)), 2)
        g[b][0] = g[a][0]
        return label, mut, None, "error", us, (a + 1, b + 1), (str(g[0][0]),), False
    if label == "ragged_row":  # an unquoted decimal comma in a comma CSV: one cell more
        j = _header(grid, ("points", "response"))
        v = _num(grid[i][j])
        v = 1.5 if v is None else v
        grid[i][j] = f"{int(v)}"
        grid[i].insert(j + 1, f"{round((v % 1) * 10) or 5}")
        return label, mut, None, "error", None, i + 1, None, False
    control = doc.copy()
    if label == "bom":
        mut.encoding = "utf-8-sig"
    elif label == "semicolon":
        mut.delimiter = ";"
    elif label == "crlf":
        mut.patch = lambda b: b.replace(b"\n", b"\r\n")
    return label, mut, control, "equal", None, None, None, False


def _encoding_case(doc: Doc, rng: random.Random) -> tuple:
    mut = doc.copy()
    label = rng.choice(["cp1252", "latin-1", "shift_jis", "cp1258", "utf-16", "mojibake"])
    if label == "mojibake":
        text = doc.to_bytes().decode("utf-8")
        mut.raw = text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
        return label, mut, "error"
    mut.encoding = label
    return label, mut, "error"


def _corrupt_case(doc: Doc, rng: random.Random) -> tuple:
    """Damaged files: -> (label, doc, oracle, control)."""
    data = doc.to_bytes()
    mut = doc.copy()
    label = rng.choice(["truncate", "byteflip", "random", "empty", "zeros"])
    if label == "truncate":
        cut = rng.randrange(1, len(data) - 1)
        mut.raw = data[:cut]
        if doc.kind == "csv":  # a cut on a line end reads as the rows before it
            ctrl = doc.copy()
            ctrl.raw = data[:data.rfind(b"\n", 0, cut) + 1]
            return label, mut, "either", ctrl
    elif label == "byteflip":
        b = bytearray(data)
        if doc.kind == "csv":
            k = rng.randrange(len(b))
            b[k] = 0xFF  # never valid UTF-8
        elif doc.kind == "parquet":  # the footer (schema, offsets): a flipped data byte is undetectable
            k = rng.randrange(max(0, len(b) - 600), len(b))
            b[k] ^= 1 << rng.randrange(8)
        else:
            for _ in range(rng.choice([1, 4, 16])):
                k = rng.randrange(len(b))
                b[k] ^= 1 << rng.randrange(8)
        mut.raw = bytes(b)
        if doc.kind in ("parquet", "xlsx"):
            return label, mut, "either", doc.copy()
    elif label == "random":
        mut.raw = rng.randbytes(rng.choice([10, 1000, 50_000]))
    elif label == "empty":
        mut.raw = b""
    else:
        mut.raw = b"\x00" * rng.choice([1, 4096])
    return label, mut, "error", None


def _zip_patch(fn):
    """A patch rewriting members of an xlsx: ``fn(name, bytes) -> bytes | None`` (None: drop)."""
    def patch(data: bytes) -> bytes:
        zin = zipfile.ZipFile(_io.BytesIO(data))
        buf = _io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                new = fn(info.filename, zin.read(info.filename))
                if new is not None:
                    zout.writestr(info.filename, new)
        return buf.getvalue()
    return patch


def _sheet_part(doc: Doc, sheet: str) -> str:
    return f"xl/worksheets/sheet{list(doc.sheets).index(sheet) + 1}.xml"


def _extent_case(doc: Doc, rng: random.Random) -> tuple:
    """Huge extents and zip tricks on workbooks -> (label, doc, oracle, control, sheet)."""
    mut = doc.copy()
    data_sheet = {"scores.xlsx": "scores (synthetic)", "template.xlsx": "don-vi-1", "summary.xlsx": SUMMARY_SHEET,
                  "survey.xlsx": WIDE_SHEET}[doc.name]
    part = _sheet_part(doc, data_sheet)
    labels = ["stray_XFD1048576", "note_row_200000", "declared_5GB", "ratio_bomb", "xml_entity"]
    if len(doc.sheets) > 1:
        labels += ["dangling_relation", "missing_part"]
    label = rng.choice(labels)

    def on_sheet(f):
        return _zip_patch(lambda n, b: f(b) if n == part else b)

    if label == "stray_XFD1048576":
        cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        mut.patch = on_sheet(lambda b: re.sub(rb"<dimension ref=\"[^\"]*\"", b'<dimension ref="A1:XFD1048576"', b)
                             .replace(b"</sheetData>", cell + b"</sheetData>"))
        return label, mut, "either", doc.copy(), data_sheet, 1048576
    if label == "note_row_200000":
        col = "F" if doc.name in ("template.xlsx", "summary.xlsx") else "H"  # a note column (a question in the form)
        cell = f'<row r="200000"><c r="{col}200000" t="inlineStr"><is><t>ghi chú</t></is></c></row>'.encode()
        mut.patch = on_sheet(lambda b: b.replace(b"</sheetData>", cell + b"</sheetData>"))
        return label, mut, "either", doc.copy(), data_sheet, 200000
    if label == "declared_5GB":
        def patch(data: bytes) -> bytes:
            # the central directory claims ~4 GB uncompressed for the sheet (a zip bomb's signature)
            b = bytearray(data)
            name = part.encode()
            k = b.find(b"PK\x01\x02" + b"", 0)
            while k != -1:
                nlen = int.from_bytes(b[k + 28:k + 30], "little")
                if bytes(b[k + 46:k + 46 + nlen]) == name:
                    b[k + 24:k + 28] = (0xFFFFFFF0).to_bytes(4, "little")
                k = b.find(b"PK\x01\x02", k + 4)
            return bytes(b)
        mut.patch = patch
        return label, mut, "error", None, None, None
    if label == "ratio_bomb":
        pad = b" " * (60 * 2**20)
        mut.patch = on_sheet(lambda b: b.replace(b"<sheetData>", b"<sheetData>" + pad, 1))
        return label, mut, "error", None, None, None
    if label == "dangling_relation":
        mut.patch = _zip_patch(lambda n, b: re.sub(rb"<Relationship [^>]*worksheets/sheet2\.xml\"[^>]*/>", b"", b)
                               if n == "xl/_rels/workbook.xml.rels" else b)
        return label, mut, "error", None, list(doc.sheets)[1], None
    if label == "missing_part":
        mut.patch = _zip_patch(lambda n, b: None if n == _sheet_part(doc, list(doc.sheets)[1]) else b)
        return label, mut, "error", None, list(doc.sheets)[1], None
    dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    mut.patch = on_sheet(lambda b: b.replace(b"?>", b"?>" + dtd, 1) if b.startswith(b"<?xml") else dtd + b)
    return label, mut, "error", None, None, None


def _parquet_case(doc: Doc, rng: random.Random) -> tuple:
    """Typed-column mutations of a Parquet file -> (label, doc, oracle, control, row, cols)."""
    fr = doc.frame.copy()
    n = len(fr)
    i = rng.randrange(n)
    scores = doc.reader == "scores"
    opts = ["year_value", "year_datetime", "year_uint8", "empty_id", "nan_response" if not scores else "nan_points",
            "inf", "drop_column", "string_numbers"]
    if scores:
        opts += ["component_junk", "negative_points", "drop_applicable", "typo_unit"]
    label = rng.choice(opts)
    control = None
    row, cols, oracle = i + 2, None, "error"
    if label == "year_value":
        fr.loc[i, "year"] = rng.choice([0, -5, 99999, 1800, 2200])
        cols = ("year",)
    elif label == "year_datetime":
        fr["year"] = pd.to_datetime(fr["year"].astype(str) + "-01-01")
        row, cols = None, ("year",)
    elif label == "year_uint8":
        fr["year"] = (fr["year"] % 256).astype("uint8")
        row, cols = None, ("year",)
    elif label == "empty_id":
        c = rng.choice(["unit_id", "criterion"] if scores else ["unit_id", "respondent_id", "question"])
        fr[c] = fr[c].astype(object)
        fr.loc[i, c] = rng.choice(["", None, "  "])
        cols = (c,)
    elif label in ("nan_points", "nan_response"):
        c = "points" if scores else "response"
        if scores:
            i = int(rng.choice(np.flatnonzero(fr["applicable"].to_numpy())))
            row = i + 2
        fr.loc[i, c] = np.nan
        cols = (c,)
        if not scores:  # an empty answer is an item non-response (documented)
            control = Doc(doc.kind, doc.reader, doc.name, frame=fr.copy())
            oracle = "equal"
    elif label == "inf":
        c = "points" if scores else "response"
        fr.loc[i, c] = rng.choice([np.inf, -np.inf])
        cols = (c,)
    elif label == "drop_column":
        c = rng.choice(["year", "unit_id", "criterion", "points", "max_points"] if scores else
                       ["year", "unit_id", "respondent_id", "question", "response"])
        fr = fr.drop(columns=c)
        row, cols = None, (c,)
        if not scores and c in ("question", "response"):
            cols = None
    elif label == "string_numbers":  # numbers stored as text: the careful path, same content
        c = "points" if scores else "response"
        control = doc.copy()
        fr[c] = [None if pd.isna(v) else f"{v:g}" for v in fr[c]]
        if scores:
            fr[c] = [("KPS" if not a else v) for v, a in zip(fr[c], fr["applicable"])]
        oracle = "equal"
    elif label == "component_junk":
        fr.loc[i, "component"] = rng.choice(["junk", "", "khac"])
        cols = ("component",)
    elif label == "negative_points":
        i = int(rng.choice(np.flatnonzero(fr["applicable"].to_numpy())))
        fr.loc[i, "points"] = -1.0
        row, cols = i + 2, ("points",)
    elif label == "drop_applicable":
        fr = fr.drop(columns="applicable")
        row, cols = None, ("applicable",)
    elif label == "typo_unit":
        fr.loc[i, "unit_id"] = _typo(fr.loc[i, "unit_id"], rng)
        cols = ("unit_id", "unit_name")
    mut = Doc(doc.kind, doc.reader, doc.name, frame=fr)
    return label, mut, oracle, control, row, cols


def make_case(index: int, seed: int, bases: dict[str, Doc]) -> Case:
    """Case ``index`` of run ``seed`` (the same pair always gives the same case)."""
    rng = random.Random(f"{seed}:{index}")
    base_name = rng.choice(list(bases))
    doc = bases[base_name]
    entry = "read"
    r = rng.random()
    if r < 0.2:
        entry = "validate"
    elif r < 0.3:
        entry = "cli"  # `cchc validate`, which tells a survey file from a score file by itself
    cats = ["cell"] * 5 + ["structure"] * 2 + ["corrupt"]
    if doc.kind == "csv":
        cats.append("encoding")
    if doc.kind == "xlsx":
        cats.append("extent")
    if doc.kind == "parquet":
        cats = ["parquet"] * 4 + ["corrupt"]
    cat = rng.choice(cats)
    kw = dict(index=index, base=base_name, category=cat, entry=entry)
    if cat == "cell":
        cell_case = {"summary.xlsx": _summary_cell_case, "survey.xlsx": _wide_cell_case}.get(base_name, _cell_case)
        label, mut, control, oracle, sheet, row, cols = cell_case(doc, rng)
        return Case(mutation=label, doc=mut, expect=oracle, sheet=sheet, row=row, cols=cols, control=control, **kw)
    if cat == "structure":
        if base_name == "summary.xlsx":
            parts = _summary_structure_case(doc, rng)
        elif base_name == "survey.xlsx":
            parts = _wide_structure_case(doc, rng)
        else:
            parts = _structure_case(doc, rng, bases)
        label, mut, control, oracle, sheet, row, cols, documented = parts
        return Case(mutation=label, doc=mut, expect=oracle, sheet=sheet, row=row, cols=cols, control=control,
                    documented=documented, **kw)
    if cat == "encoding":
        label, mut, oracle = _encoding_case(doc, rng)
        return Case(mutation=label, doc=mut, expect=oracle, **kw)
    if cat == "corrupt":
        label, mut, oracle, control = _corrupt_case(doc, rng)
        return Case(mutation=label, doc=mut, expect=oracle, control=control, **kw)
    if cat == "extent":
        label, mut, oracle, control, sheet, row = _extent_case(doc, rng)
        return Case(mutation=label, doc=mut, expect=oracle, control=control, sheet=sheet, row=row, **kw)
    label, mut, oracle, control, row, cols = _parquet_case(doc, rng)
    return Case(mutation=label, doc=mut, expect=oracle, control=control, row=row, cols=cols, **kw)


# --------------------------------------------------------------------------- running one case


def _readers():
    from cchc_analysis.io import read_scores, read_survey, validate_scores, validate_survey

    return {"scores": (read_scores, validate_scores), "survey": (read_survey, validate_survey)}


def _read(doc: Doc, path: Path):
    """-> (frame, None) or (None, DataError)."""
    path.write_bytes(doc.to_bytes())
    read = _readers()[doc.reader][0]
    try:
        return read(path), None
    except DataError as exc:
        return None, exc


#: Headers of the bundled template and their canonical columns (messages may name either).
_CANON = {"Điểm thẩm định": "points", "Điểm tự chấm": "self_points", "Mã tiêu chí": "criterion",
          "Điểm tối đa": "max_points", "Thành phần": "component", "Năm": "year", "Tên đơn vị": "unit_name",
          "Mã đơn vị": "unit_id"}


def _located(problems, case: Case, fname: str, also=()) -> str:
    """located | partial location | file-only, from a list of Problem."""
    def same_file(p):
        return p.file is not None and Path(p.file).name == fname

    def sheet_ok(p):
        return case.sheet is None or (p.sheet is not None and fold(p.sheet) == fold(case.sheet))

    rows = case.row if isinstance(case.row, tuple) else (case.row,)

    def row_ok(p):
        return case.row is None or p.row in rows

    want = None if case.cols is None else {fold(c) for c in case.cols} | {fold(_CANON[c]) for c in case.cols
                                                                          if c in _CANON}

    def col_ok(p):
        return case.cols is None or (p.column is not None and fold(str(p.column)) in want)

    best = "file-only"
    for p in problems:
        if not same_file(p):
            continue
        if sheet_ok(p) and row_ok(p) and col_ok(p):
            return "located"
        if any(p.sheet == q.sheet and p.row == q.row and p.column == q.column for q in also):
            return "located"  # where the control (the value meant) is an error too
        if (case.row is not None and p.row in rows) or (case.cols is not None and col_ok(p) and p.column):
            best = "partial location"
    return best


def _equal(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_exact=False,
                                      rtol=1e-12, check_dtype=False)
        return True
    except AssertionError:
        return False


def _cli_validate(path: Path) -> tuple[int, str]:
    from cchc_analysis import cli

    out, err = _io.StringIO(), _io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(["validate", str(path)])
    return rc, out.getvalue() + err.getvalue()


def _cli_located(text: str, case: Case, fname: str) -> str:
    lines = text.splitlines()
    want_col = ({fold(c) for c in case.cols} | {fold(_CANON[c]) for c in case.cols if c in _CANON}
                if case.cols else None)
    partial = False
    rows = {str(r) for r in (case.row if isinstance(case.row, tuple) else (case.row,))}
    for ln in lines:
        f = fold(ln)
        tokens = set(re.split(r"\s{2,}", ln.strip()))
        row_hit = case.row is None or bool(rows & tokens)
        col_hit = want_col is None or any(c in f for c in want_col)
        sheet_hit = case.sheet is None or fold(case.sheet) in f or fname in ln
        if row_hit and col_hit and sheet_hit:
            return "located"
        if (case.row is not None and rows & tokens) or (want_col and any(c in f for c in want_col)):
            partial = True
    return "partial location" if partial else "file-only"


def run_case(case: Case, workdir: Path) -> dict:
    """Write the case's file, read it the way the case says, classify the outcome."""
    d = workdir / f"c{case.index}"
    d.mkdir(parents=True, exist_ok=True)
    fname = case.doc.name
    path = d / fname
    t0 = time.perf_counter()
    outcome, message = None, ""
    try:
        path.write_bytes(case.doc.to_bytes())
        read, validate = _readers()[case.doc.reader]
        got, err = None, None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if case.entry == "cli":
                rc, text = _cli_validate(path)
                if rc == 1:
                    err = text
                elif rc == 0:
                    got, err = _read(case.doc, path)
                else:
                    raise RuntimeError(f"cchc validate exited {rc}")
            elif case.entry == "validate":
                probs = validate(path)
                if len(probs):
                    err = DataError([_row_problem(r) for r in probs.itertuples()])
                else:
                    got, err = _read(case.doc, path)
            else:
                try:
                    got = read(path)
                except DataError as exc:
                    err = exc
            expected = None
            ctrl_err = None
            if case.control is not None:
                expected, ctrl_err = _read(case.control, d / ("control_" + fname))
            expect = case.expect
            if expect == "equal" and ctrl_err is not None:
                expect = "error"  # the value meant is itself an error at that cell
            if err is not None:
                message = (err if isinstance(err, str) else str(err)).strip().splitlines()[0][:300] if str(err).strip() else ""
                if expect in ("error", "either"):
                    if isinstance(err, str):
                        outcome = _cli_located(err, case, fname)
                        if outcome != "located" and ctrl_err is not None:  # where the value meant errs too
                            for q in ctrl_err.problems[:20]:
                                alt = Case(case.index, case.base, case.mutation, case.category, case.doc, "error",
                                           sheet=q.sheet, row=q.row, cols=None if q.column is None else (q.column,))
                                if _cli_located(err, alt, fname) == "located":
                                    outcome = "located"
                                    break
                    else:
                        outcome = _located(err.problems, case, fname, ctrl_err.problems if ctrl_err else ())
                elif expect == "documented":
                    outcome = "refused valid"
                else:
                    outcome = "refused valid"
            else:
                if expect == "error":
                    outcome = "silent wrong"
                elif expect == "documented":
                    outcome = "accepted ambiguous"
                elif expected is None:
                    outcome = "silent wrong" if expect != "either" else "accepted right"
                else:
                    outcome = "accepted right" if _equal(got, expected) else "silent wrong"
                if outcome == "silent wrong":
                    message = "accepted: " + (f"{len(got)} rows" if got is not None else "")
    except Exception as exc:  # a crash: anything but a DataError
        outcome = "crash"
        tb = traceback.extract_tb(exc.__traceback__)
        where = next((f"{Path(fr.filename).name}:{fr.lineno}" for fr in reversed(tb)
                      if "cchc_analysis" in fr.filename), "?")
        message = f"{type(exc).__name__} at {where}: {str(exc)[:200]}"
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return {"index": case.index, "base": case.base, "category": case.category, "mutation": case.mutation,
            "entry": case.entry, "expect": case.expect, "outcome": outcome,
            "seconds": round(time.perf_counter() - t0, 3), "message": message.replace("\n", " ")}


def _row_problem(r):
    from cchc_analysis.errors import Problem

    def nn(v):
        return None if v is None or (isinstance(v, float) and np.isnan(v)) else v

    row = nn(r.row)
    return Problem(nn(r.file), nn(r.sheet), None if row is None else int(row), nn(r.column), r.problem_vi, r.problem_en)


# --------------------------------------------------------------------------- the pool


def _worker(conn, seed: int, bases, workdir: str):
    wd = Path(workdir)
    while True:
        i = conn.recv()
        if i is None:
            return
        case = make_case(i, seed, bases)
        conn.send(run_case(case, wd))


def run(n: int, seed: int, *, processes: int = 2, timeout: float = TIMEOUT, indices=None,
        progress: bool = False) -> pd.DataFrame:
    """Run cases ``0..n-1`` (or ``indices``) of run ``seed`` -> one row per case."""
    todo = list(range(n)) if indices is None else list(indices)
    tmp = Path(tempfile.mkdtemp(prefix="cchc-fuzz-"))
    ctx = mp.get_context("fork")
    results = []
    try:
        bases = build_bases(tmp)
        workers = {}  # conn -> [process, index or None, start time]

        def start():
            a, b = ctx.Pipe()
            p = ctx.Process(target=_worker, args=(b, seed, bases, str(tmp)), daemon=True)
            p.start()
            workers[a] = [p, None, 0.0]

        for _ in range(processes):
            start()
        queue = list(reversed(todo))
        t_last = time.time()
        while queue or any(w[1] is not None for w in workers.values()):
            for conn, w in list(workers.items()):
                if w[1] is None and queue:
                    w[1] = queue.pop()
                    w[2] = time.time()
                    conn.send(w[1])
            ready = mp.connection.wait([c for c, w in workers.items() if w[1] is not None], timeout=0.5)
            for conn in ready:
                w = workers[conn]
                try:
                    results.append(conn.recv())
                except EOFError:  # the worker died (a segfault, memory): a crash
                    results.append({"index": w[1], "outcome": "crash", "message": "worker died"})
                    w[0].join(1)
                    del workers[conn]
                    start()
                    continue
                w[1] = None
            now = time.time()
            for conn, w in list(workers.items()):
                if w[1] is not None and now - w[2] > timeout:
                    w[0].kill()
                    w[0].join(5)
                    case = make_case(w[1], seed, bases)
                    results.append({"index": w[1], "base": case.base, "category": case.category,
                                    "mutation": case.mutation, "entry": case.entry, "expect": case.expect,
                                    "outcome": "hang", "seconds": round(now - w[2], 1),
                                    "message": f"no answer in {timeout:g} s"})
                    del workers[conn]
                    start()
            if progress and time.time() - t_last > 30:
                t_last = time.time()
                print(f"  … {len(results)} / {len(todo)} cases", file=sys.stderr, flush=True)
        for conn, w in workers.items():
            conn.send(None)
            w[0].join(5)
            if w[0].is_alive():
                w[0].kill()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return pd.DataFrame(results).sort_values("index").reset_index(drop=True)


def table(cases: pd.DataFrame) -> pd.DataFrame:
    """Outcome counts: all cases and the cell mutations alone."""
    rows = []
    for o in OUTCOMES:
        sel = cases["outcome"] == o
        rows.append({"outcome": o, "count": int(sel.sum()),
                     "cell": int((sel & (cases["category"] == "cell")).sum())})
    return pd.DataFrame(rows)


def cell_located_share(cases: pd.DataFrame) -> float:
    """Share of cell mutations that must be errors and are located to the cell."""
    c = cases[(cases["category"] == "cell") & cases["outcome"].isin(
        ["located", "partial location", "file-only", "silent wrong", "crash", "hang"])]
    return float((c["outcome"] == "located").mean()) if len(c) else 1.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=3000, help="number of cases (default 3000)")
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=TIMEOUT)
    args = ap.parse_args(argv)
    t0 = time.time()
    cases = run(args.n, args.seed, processes=args.processes, timeout=args.timeout, progress=True)
    tab = table(cases)
    OUT_DIR.mkdir(exist_ok=True)
    from cchc_analysis.outputs import write_csv

    write_csv(tab, OUT_DIR / "fuzz.csv")
    write_csv(cases, OUT_DIR / "fuzz_cases.csv")
    print(f"fuzz: {len(cases)} cases, seed {args.seed}, {time.time() - t0:.0f} s, {args.processes} processes")
    print()
    print("| outcome | count | of which cell mutations |")
    print("|---|---:|---:|")
    for r in tab.itertuples():
        bold = "**" if r.outcome in BAD else ""
        print(f"| {bold}{r.outcome}{bold} | {r.count:,} | {r.cell:,} |")
    print()
    print(f"cell mutations that must be errors, located to the cell: {100 * cell_located_share(cases):.1f} %")
    bad = cases[cases["outcome"].isin(BAD | {"refused valid", "partial location", "file-only"})]
    if len(bad):
        print("\nnot located / bad (mutation: count, first message):")
        for (o, m), g in bad.groupby(["outcome", "mutation"]):
            print(f"  {o:16} {m:34} {len(g):4}  {g['message'].iat[0][:150]}")
    print(f"\nwritten: {OUT_DIR / 'fuzz.csv'}, {OUT_DIR / 'fuzz_cases.csv'}")
    return 1 if cases["outcome"].isin(BAD).any() else 0


if __name__ == "__main__":
    raise SystemExit(main())
