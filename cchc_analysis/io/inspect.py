"""What ``cchc validate`` and ``cchc import`` print: the problems as a readable table and a
summary of what was read (units, years, criteria per unit, not-arising cells, checks).

:func:`inspect_scores` reads any layout once and returns the table, every problem and
the criteria tree (with ``parent`` and ``level``: 0 field, 1 criterion, 2 sub-criterion).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..errors import DataError, Problem
from ..provenance import is_synthetic
from ..text import fmt_int
from .scores import _as_canonical, _load, natural_key

__all__ = ["Inspection", "inspect_scores", "problems_table", "summary_lines", "survey_summary_lines",
           "read_criteria"]


@dataclass
class Inspection:
    scores: pd.DataFrame | None  # canonical table (None when nothing could be read)
    problems: list[Problem]
    tree: pd.DataFrame  # year, criterion, parent, level, name (tree layouts)
    checks_passed: int = 0
    checks_failed: int = 0
    layouts: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # (vi, en): documented readings worth a warning


def inspect_scores(path, *, layout: str | None = None, year: int | None = None) -> Inspection:
    """Read one or several files (any layout) -> :class:`Inspection` (never raises for
    problems in the data: they are in ``problems``)."""
    info: dict = {}
    try:
        df, problems = _load(path, layout=layout, year=year, info=info)
    except DataError as exc:
        df, problems = None, list(exc.problems)
    tree = pd.DataFrame(info.get("tree") or [], columns=["year", "criterion", "parent", "level", "name",
                                                          "_sheet", "_row"])
    scores = None
    if df is not None:
        try:
            scores = _as_canonical(df)
        except (ValueError, TypeError):  # a column that could not be typed: already a problem
            scores = None
    ok, bad = info.get("checks", [0, 0])
    problems = sorted(problems, key=lambda p: (str(p.file), natural_key(p.sheet), p.row or 0))
    return Inspection(scores, problems, tree, ok, bad, info.get("layouts", []), info.get("notes", []))


def read_criteria(path, *, layout: str | None = None, year: int | None = None) -> pd.DataFrame:
    """The criteria tree of a tree-layout workbook: ``year, criterion, parent, level, name``
    (every row, fields and subtotal rows included)."""
    return inspect_scores(path, layout=layout, year=year).tree.drop(columns=["_sheet", "_row"])


#: The line both summaries print for a file marked synthetic.
_SYNTHETIC = {"vi": "Dữ liệu GIẢ LẬP (tệp tự ghi là giả lập), không phải số liệu thật.",
              "en": "SYNTHETIC data (the file says so), not real figures."}

_HEAD = {
    "vi": {"file": "Tệp", "sheet": "Trang tính", "row": "Dòng", "column": "Cột", "problem": "Lỗi"},
    "en": {"file": "File", "sheet": "Sheet", "row": "Row", "column": "Column", "problem": "Problem"},
}


def problems_table(problems: list[Problem], lang: str = "vi", *, width: int = 100) -> str:
    """The problems as a plain-text table: integer rows, blanks for what does not apply
    (never ``NaN``/``None``), sheets in natural order."""
    from pathlib import Path

    h = _HEAD[lang]
    several = len({p.file for p in problems}) > 1
    rows = []
    for p in problems:
        r = [Path(p.file).name if p.file else ""] if several else []
        r += [p.sheet or "", "" if p.row is None else str(int(p.row)), p.column or "",
              p.vi if lang == "vi" else p.en]
        rows.append(r)
    head = ([h["file"]] if several else []) + [h["sheet"], h["row"], h["column"], h["problem"]]
    widths = [min(max(len(head[k]), *(len(r[k]) for r in rows)), 40) for k in range(len(head) - 1)]
    out = []

    def line(cells):
        parts = [c[:40].ljust(w) if k != len(widths) - 1 or True else c for k, (c, w) in
                 enumerate(zip(cells[:-1], widths))]
        return "  ".join(parts + [cells[-1]])

    out.append(line(head))
    out.append("  ".join("-" * w for w in widths) + "  " + "-" * min(width, 40))
    for r in rows:
        out.append(line(r))
    return "\n".join(out)


def summary_lines(ins: Inspection, lang: str = "vi") -> list[str]:
    """What was read: units, years, criteria per unit (so a missing one stands out),
    not-arising cells, subtotal/bottom-row checks passed and failed."""
    vi = lang == "vi"
    s = ins.scores
    lines = []
    if s is None or s.empty:
        return ["Không đọc được dòng điểm nào." if vi else "No score rows could be read."]
    years = sorted(s["year"].unique())
    n_units = s["unit_id"].nunique()
    n_crit = s["criterion"].nunique()
    kps = int((~s["applicable"]).sum())
    lines.append(
        (f"Đã đọc {fmt_int(len(s), lang)} dòng điểm: {fmt_int(n_units, lang)} đơn vị, năm "
         f"{', '.join(map(str, years))}, {fmt_int(n_crit, lang)} tiêu chí; {fmt_int(kps, lang)} ô không phát sinh")
        if vi else
        (f"Read {fmt_int(len(s), lang)} score rows: {fmt_int(n_units, lang)} units, years "
         f"{', '.join(map(str, years))}, {fmt_int(n_crit, lang)} criteria; {fmt_int(kps, lang)} cells not arising"))
    if is_synthetic(s):
        lines.append(_SYNTHETIC[lang])
    for vi_note, en_note in ins.notes:
        lines.append(("Lưu ý: " + vi_note) if vi else ("Note: " + en_note))
    if "self_points" in s.columns:
        lines.append("Có điểm tự chấm bên cạnh điểm thẩm định." if vi else
                     "Self-assessed points present beside the appraised points.")
    if ins.checks_passed or ins.checks_failed:
        lines.append((f"Kiểm tra tổng (dòng tổng mục, TỔNG ĐIỂM, Chỉ số, Xếp hạng): {ins.checks_passed} đúng, "
                      f"{ins.checks_failed} sai") if vi else
                     (f"Subtotal checks (parent rows, TOTAL, index, rank): {ins.checks_passed} passed, "
                      f"{ins.checks_failed} failed"))
    counts = s.groupby(["year", "unit_id"]).agg(name=("unit_name", "first"), type=("unit_type", "first"),
                                                n=("criterion", "size"), app=("applicable", "sum"))
    counts = counts.reset_index()
    counts["most"] = counts.groupby(["year", "type"])["n"].transform("max")
    lines.append("Số tiêu chí của từng đơn vị (có phát sinh / tổng):" if vi else
                 "Criteria per unit (applicable / total):")
    counts = counts.sort_values(["year", "unit_id"], key=lambda c: c.map(natural_key) if c.name == "unit_id" else c)
    for r in counts.itertuples():
        flag = ""
        if r.n < r.most:
            flag = (f"  ← ít hơn các đơn vị cùng loại ({r.most}): thiếu dòng tiêu chí?" if vi else
                    f"  ← fewer than units of the same type ({r.most}): a criterion row missing?")
        lines.append(f"  {r.year}  {r.name} ({r.unit_id}): {int(r.app)} / {int(r.n)}{flag}")
    return lines


def survey_summary_lines(ins, lang: str = "vi") -> list[str]:
    """What was read from a survey file (:func:`~cchc_analysis.io.survey.inspect_survey`):
    answers, units, years, forms by role, questions, skipped answers, submission dates,
    then the forms of each unit (a unit with far fewer than the others stands out)."""
    vi = lang == "vi"
    s = ins.survey
    if s is None or s.empty:
        return ["Không đọc được câu trả lời nào." if vi else "No survey answers could be read."]
    s = s[s["year"] >= 0]
    years = sorted(int(y) for y in s["year"].unique())
    forms = s.drop_duplicates(["year", "unit_id", "respondent_id"])
    roles = forms["respondent_role"].value_counts()
    names = ({"leader": ("lãnh đạo",) * 2, "staff": ("công chức",) * 2, "": ("không ghi vai trò",) * 2} if vi else
             {"leader": ("leader", "leaders"), "staff": ("staff",) * 2, "": ("with no role",) * 2})
    role_text = ", ".join(f"{fmt_int(n, lang)} {names.get(r, (r, r))[n != 1]}" for r, n in roles.items())
    skipped = int(s["response"].isna().sum())

    def count(n, one, many=None):  # English plurals; Vietnamese nouns do not change
        return f"{fmt_int(n, lang)} {one if vi or n == 1 else (many or one + 's')}"

    lines = [
        (f"Đã đọc {count(len(s), 'câu trả lời')}: {count(s['unit_id'].nunique(), 'đơn vị')}, năm "
         f"{', '.join(map(str, years))}; {count(len(forms), 'phiếu')} ({role_text}), "
         f"{count(s['question'].nunique(), 'câu hỏi')}; {count(skipped, 'câu bỏ trống')}")
        if vi else
        (f"Read {count(len(s), 'answer')}: {count(s['unit_id'].nunique(), 'unit')}, "
         f"{'year' if len(years) == 1 else 'years'} {', '.join(map(str, years))}; {count(len(forms), 'form')} "
         f"({role_text}), {count(s['question'].nunique(), 'question')}; {count(skipped, 'answer')} left blank")]
    if is_synthetic(ins.survey):
        lines.append(_SYNTHETIC[lang])
    if "submitted_at" in s.columns and s["submitted_at"].notna().any():
        t0, t1 = s["submitted_at"].min(), s["submitted_at"].max()
        fmt = "%d/%m/%Y" if vi else "%Y-%m-%d"
        lines.append(f"Thời gian nộp: từ {t0:{fmt}} đến {t1:{fmt}}" if vi else
                     f"Submitted from {t0:{fmt}} to {t1:{fmt}}")
    if "scale" in s.columns:
        scales = sorted(x for x in s["scale"].astype(str).unique() if x)
        if scales:
            lines.append((f"{len(scales)} nhóm câu hỏi (thang đo): " if vi else f"{len(scales)} sub-scales: ")
                         + ", ".join(scales))
    for vi_note, en_note in ins.notes:
        lines.append(("Lưu ý: " + vi_note) if vi else ("Note: " + en_note))
    per = forms.groupby(["year", "unit_id"]).size().rename("n").reset_index()
    per["median"] = per.groupby("year")["n"].transform("median")
    lines.append("Số phiếu của từng đơn vị:" if vi else "Forms per unit:")
    per = per.sort_values(["year", "unit_id"], key=lambda c: c.map(natural_key) if c.name == "unit_id" else c)
    for r in per.itertuples():
        flag = ""
        if r.n < r.median / 2:
            med = fmt_int(round(r.median), lang)
            flag = (f"  ← ít hơn một nửa số phiếu thường gặp ({med})" if vi else
                    f"  ← fewer than half the usual number of forms ({med})")
        lines.append(f"  {r.year}  {r.unit_id}: {fmt_int(r.n, lang)}{flag}")
    return lines
