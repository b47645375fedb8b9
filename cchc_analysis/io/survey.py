"""Reading and validating survey files (điều tra xã hội học) into the canonical survey table.

Survey file layout
------------------
:func:`read_survey` reads CSV (``,`` or ``;``, UTF-8), XLSX (first sheet that is not a
``README`` / ``Hướng dẫn`` sheet, or ``sheet=``) and Parquet, in one of two layouts:

* **long** (the canonical table): one row per respondent × question, columns
  ``year, unit_id, respondent_id, respondent_role, question, response`` and optionally
  ``submitted_at`` (date and time the form was submitted) and ``scale`` (the sub-scale,
  i.e. the group of questions that measure one thing, e.g. one field). Only
  ``respondent_role``, ``submitted_at`` and ``scale`` may be left out.
* **wide** (as exported by Google Forms, Zalo or Excel): one row per respondent, with
  ``year, unit_id, respondent_id`` (and optionally ``respondent_role``,
  ``submitted_at``), and one column per question whose header is the question id.
  A file is wide when it has neither a ``question`` nor a ``response`` column.

Vietnamese headers are accepted (``Năm``, ``Mã đơn vị``, ``Mã phiếu``, ``Vai trò`` /
``Đối tượng``, ``Câu hỏi`` / ``Mã câu hỏi``, ``Trả lời``, ``Dấu thời gian`` / ``Thời
gian nộp``, ``Thang đo``). Roles are normalised: ``lãnh đạo``, ``lãnh đạo quản lý``,
``LĐQL``, ``leader``, ``manager`` → ``leader``; ``công chức``, ``viên chức``,
``chuyên viên``, ``nhân viên``, ``staff`` → ``staff``; other roles are kept as written.

**The response scale.** Answers are numbers on an ordered (Likert) scale, by default
``1`` (worst: *rất không đồng ý / rất không hài lòng*) to ``5`` (best: *rất đồng ý /
rất hài lòng*). The range is set per question by the ``questions`` table
(``scale_min``, ``scale_max``) or for every question by ``response_range``. An
**empty** answer cell is an item non-response and is kept as NaN (respondents may skip
a question); it is never turned into a zero.

Errors (a response outside the scale, a question id that is not in the ``questions``
table, the same respondent answering a question twice, a respondent with two roles,
missing columns, an empty file, a year or a time that cannot be read) raise
:class:`~cchc_analysis.errors.DataError` naming the file, sheet, row (as Excel shows it,
header = row 1) and column, in Vietnamese and English.

The ``questions`` table (the instrument)
----------------------------------------
One row per question: ``question`` (id), ``scale_min``, ``scale_max`` and optionally
``scale`` (sub-scale), ``field``, ``criterion`` and ``max_points`` (for
:func:`cchc_analysis.survey.survey_points`), ``text_vi``, ``text_en``.

Provenance
----------
``attrs["synthetic"]`` of the result is True when the file says it is synthetic: a
``synthetic`` column true on every row (CSV, Parquet or a sheet; the column is not part
of the survey table), or a workbook whose document properties' keywords hold
``provenance.SYNTHETIC_KEYWORD``. The bundled synthetic survey
(``config.DEFAULT_SURVEY``, written by ``cchc synthetic --bundle``) has such a column;
its instrument is :func:`cchc_analysis.synthetic.synthetic_survey_questions`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ..provenance import mark_synthetic
from ..text import clean_text, fmt_int, fold, parse_number
from ._xlsx import _letters
from ._tabular import (
    COMMON_ALIASES,
    CSV_EXTENSIONS,
    MAX_PROBLEMS_PER_CHECK,
    PARQUET_EXTENSIONS,
    XLSX_EXTENSIONS,
    alias_table,
    bad_text,
    check_file,
    find_sheet,
    find_table,
    frame_rows,
    near_header,
    no_sheet,
    open_workbook,
    read_parquet_frame,
    raise_first,
    read_csv_rows,
    sheet_rows,
    synthetic_column,
    text_id,
    unsupported_format,
    workbook_is_synthetic,
)

__all__ = ["SURVEY_COLUMNS", "OPTIONAL_COLUMNS", "read_survey", "validate_survey", "write_checked_survey",
           "inspect_survey", "looks_like_survey", "SurveyInspection", "match_survey_units"]

#: Canonical columns of the survey table (``submitted_at`` and ``scale`` are optional).
SURVEY_COLUMNS = ["year", "unit_id", "respondent_id", "respondent_role", "question", "response"]
OPTIONAL_COLUMNS = ["submitted_at", "scale"]
_REQUIRED = ["year", "unit_id", "respondent_id", "question", "response"]
_REQUIRED_WIDE = ["year", "unit_id", "respondent_id"]

#: Headers (folded) of the survey table's own columns, on top of the common ones.
SURVEY_ALIASES: dict[str, list[str]] = {
    "respondent_id": [
        "respondent_id", "respondent id", "respondent", "ma phieu", "so phieu", "phieu",
        "ma nguoi tra loi", "nguoi tra loi",
    ],
    "respondent_role": [
        "respondent_role", "respondent role", "role", "vai tro", "doi tuong", "chuc vu",
        "nhom doi tuong", "doi tuong khao sat",
    ],
    "question": ["question", "question_id", "question id", "cau hoi", "ma cau hoi", "cau"],
    "response": ["response", "answer", "tra loi", "cau tra loi", "muc danh gia", "gia tri", "diem"],
    "submitted_at": [
        "submitted_at", "submitted at", "submitted", "timestamp", "thoi gian", "thoi gian nop",
        "thoi diem nop", "dau thoi gian", "ngay gio nop", "ngay nop",
    ],
    "scale": ["scale", "thang do", "nhom cau hoi"],
}
# a survey file has no unit names or types: such headers stay question columns here
_ALIASES = {k: v for k, v in alias_table(COMMON_ALIASES, SURVEY_ALIASES).items()
            if v not in ("unit_name", "unit_type")}

#: Headers (folded) of a unit column written as the unit's *name* (a form's "Đơn vị công
#: tác" dropdown). Used as the unit key when the file has no unit id column; the report
#: then matches them to the score file's units by name (:func:`match_survey_units`).
UNIT_NAME_HEADERS = {"unit_name", "unit name", "unit", "don vi", "ten don vi", "don vi cong tac", "co quan",
                     "co quan, don vi", "co quan don vi", "ten co quan", "ten co quan, don vi", "noi cong tac"}

_LEADER = {"leader", "leaders", "manager", "lanh dao", "lanh dao quan ly", "ldql", "ld", "quan ly",
           "can bo lanh dao", "lanh dao don vi", "lanh dao, quan ly"}
_STAFF = {"staff", "employee", "cong chuc", "vien chuc", "chuyen vien", "nhan vien", "cc", "cvc",
          "can bo", "cong chuc, vien chuc", "nguoi lao dong"}
_IGNORED_SHEETS = ("readme", "huong dan", "ghi chu", "about", "questions", "cau hoi")


# --------------------------------------------------------------------------- reading


def _rows_from_file(p: Path, sheet: str | None) -> tuple[list[list], str | None, bool]:
    """-> (rows of cells, sheet read or None, whether the workbook is marked synthetic)."""
    ext = p.suffix.lower()
    if ext in CSV_EXTENSIONS:
        return read_csv_rows(p), None, False
    if ext in XLSX_EXTENSIONS:
        wb = open_workbook(p)
        names = wb.sheetnames
        if sheet is not None:
            name = find_sheet(names, sheet)
            if name is None:
                raise DataError(no_sheet(p, sheet, names))
        else:
            cand = [n for n in names if not fold(n).startswith(_IGNORED_SHEETS)]
            name = cand[0] if cand else names[0]
        return sheet_rows(wb[name]), name, workbook_is_synthetic(wb)
    if ext in PARQUET_EXTENSIONS:
        return frame_rows(read_parquet_frame(p)), None, False
    raise unsupported_format(p)


def _parse_unique(values: np.ndarray, parser):
    """Apply ``parser`` once per distinct cell value -> (results list, failed mask).

    Values of different types are distinct (``1``, ``1.0``, ``"1"`` and ``True`` are parsed
    separately); NaN is one value. Columns of one type (with empty cells) are hashed in C.
    """
    n = len(values)
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if len(kinds) == 1 and n > 64:
        vals = np.asarray(values, dtype=object)
        none = np.fromiter((v is None for v in vals), dtype=bool, count=n)
        codes = np.full(n, -1, dtype=np.int64)
        sub = vals[~none]
        c, uniq = pd.factorize(sub, use_na_sentinel=False)
        codes[~none] = c
        res, fail = [], np.zeros(len(uniq) + 1, dtype=bool)
        for k, v in enumerate(list(uniq) + [None]):
            try:
                res.append(parser(v))
            except (ValueError, TypeError, OverflowError):
                res.append(None)
                fail[k] = True
        codes[none] = len(uniq)
        return [res[k] for k in codes], fail[codes]
    cache: dict = {}
    out, bad = [], np.zeros(n, dtype=bool)
    for i, v in enumerate(values):
        key = (type(v).__name__, v) if not isinstance(v, float) or v == v else ("nan", None)
        if key not in cache:
            try:
                cache[key] = (parser(v), False)
            except (ValueError, TypeError, OverflowError):
                cache[key] = (None, True)
        r, failed = cache[key]
        out.append(r)
        bad[i] = failed
    return out, bad


def _parse_response(v):
    """An answer on the scale: a number (decimal comma or point); a percentage is refused
    (``4%`` is not the answer 4)."""
    return parse_number(v, percent=False)


def _parse_year(v):
    num = parse_number(v, percent=False)
    if num is None or not float(num).is_integer() or not (1900 <= num <= 2100):
        raise ValueError(v)
    return int(num)


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
#: Time-zone-aware times are converted to Vietnam time (UTC+7), then kept without zone.
LOCAL_TZ = "Asia/Ho_Chi_Minh"


def _naive_local(t: pd.Timestamp) -> pd.Timestamp:
    if t.tzinfo is not None:
        t = t.tz_convert(LOCAL_TZ).tz_localize(None)
    if not (1990 <= t.year <= 2100):
        raise ValueError(t)
    return t


def _parse_time(v):
    """A submission time: a date is required (a time alone, 'now', 'today' are refused);
    ISO 8601 (``2023-11-14 09:30``, with ``Z`` / ``+07:00`` converted to Vietnam time) or
    day-first ``14/11/2023 09:30``; a month above 12 is an error (never swapped)."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return pd.NaT
    if isinstance(v, pd.Timestamp):
        return _naive_local(v)
    if hasattr(v, "year") and hasattr(v, "month") and hasattr(v, "day"):
        return _naive_local(pd.Timestamp(v))
    if isinstance(v, (int, float)):
        raise ValueError(v)
    s = clean_text(v)
    if s is None:
        return pd.NaT
    if _ISO.match(s):
        return _naive_local(pd.Timestamp(s.replace(" ", "T", 1) if "T" not in s else s))
    m = _DMY.match(s)
    if m:
        d, mo, y, hh, mm, ss = m.groups()
        return _naive_local(pd.Timestamp(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0)))
    raise ValueError(v)


def _day_month_order(values) -> dict:
    """What the day/month texts of a time column say about their order.

    ``day_first``: some text has a first number above 12 (only a day can be); ``month_first``:
    some has a second number above 12 while none has a first one; ``ambiguous``: how many
    distinct texts have both numbers ≤ 12 and different (``03/04/2023``), ``example`` one of them.
    """
    first_big = second_big = 0
    ambiguous, example = 0, None
    for v in pd.unique(np.asarray(values, dtype=object)):  # distinct cells, hashed in C
        if not isinstance(v, str):
            continue
        m = _DMY.match(v.strip())
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12:
            first_big += 1
        elif b > 12:
            second_big += 1
        elif a != b:
            ambiguous += 1
            example = example or v.strip()
    return {"day_first": first_big > 0, "month_first": second_big > 0 and first_big == 0,
            "ambiguous": ambiguous, "example": example}


def _norm_role(v) -> str:
    s = clean_text(v)
    if s is None:
        return ""
    k = fold(s)
    if k in _LEADER:
        return "leader"
    if k in _STAFF:
        return "staff"
    return s


def _check_questions_table(questions: pd.DataFrame) -> pd.DataFrame:
    if isinstance(questions, dict):
        questions = pd.DataFrame([{"question": q, **v} for q, v in questions.items()])
    if not isinstance(questions, pd.DataFrame):
        raise ValueError("`questions` must be a DataFrame (question, scale_min, scale_max, ...) or a dict.")
    missing = [c for c in ("question", "scale_min", "scale_max") if c not in questions.columns]
    if missing:
        raise ValueError(f"`questions` lacks the column(s) {missing}; it needs question, scale_min, scale_max.")
    q = questions.copy()
    q["question"] = [text_id(v) for v in q["question"]]
    if q["question"].duplicated().any():
        raise ValueError(f"`questions` lists a question twice: {q.loc[q['question'].duplicated(), 'question'].tolist()}")
    bad = q["scale_min"].astype(float) >= q["scale_max"].astype(float)
    if bad.any():
        raise ValueError(f"`questions`: scale_min must be below scale_max for {q.loc[bad, 'question'].tolist()}")
    return q


def _load_survey(path, *, questions=None, response_range=(1, 5), sheet=None, info=None):
    """-> (survey frame or None, problems); the frame's ``attrs["synthetic"]`` is set.
    ``info`` (a dict), when given, receives ``notes``: ``(vi, en)`` readings worth a warning
    and ``sheet``: the sheet read."""
    info = {} if info is None else info
    p = Path(path)
    f = str(p)
    empty = check_file(p)
    if empty:
        return None, empty
    rows, sheet_name, marked = _rows_from_file(p, sheet)
    info["sheet"] = sheet_name
    if not any(any(clean_text(v) is not None for v in r) for r in rows):
        return None, [Problem(f, sheet_name, None, None, "tệp rỗng", "the file is empty")]
    table = find_table(rows, _ALIASES, file=f, sheet=sheet_name)
    if table is None:
        return None, [Problem(
            f, sheet_name, 1, None,
            "không tìm thấy dòng tiêu đề (cần: year/Năm, unit_id/Mã đơn vị, respondent_id/Mã phiếu, "
            "question/Câu hỏi, response/Trả lời)",
            "no header row found (needs: year, unit_id, respondent_id, question, response)",
        )]
    cols, headers, header_cells = table.columns, table.headers, table.header_cells
    body, excel_rows = table.body, table.row_numbers
    if "unit_id" not in headers:  # units written by name: the name is the unit key
        for j, (c, h) in enumerate(zip(cols, header_cells)):
            if c is None and clean_text(h) is not None and fold(clean_text(h)) in UNIT_NAME_HEADERS:
                cols[j] = "unit_id"
                headers["unit_id"] = clean_text(h)
                table.unknown = [u for u in getattr(table, "unknown", []) if u[1] != j]
                break
    if not body:
        return None, [Problem(f, sheet_name, None, None, "tệp không có dòng dữ liệu nào", "the file has no data rows")]

    def col(j):
        return [r[j] if j < len(r) else None for r in body]

    wide = "question" not in headers and "response" not in headers
    need = _REQUIRED_WIDE if wide else _REQUIRED
    problems: list[Problem] = []
    for hrow, _j, canon, written in getattr(table, "duplicates", []):
        problems.append(Problem(f, sheet_name, hrow, written,
                                f"cột '{written}' lặp lại cột '{headers.get(canon, canon)}' (cùng nghĩa '{canon}'); "
                                "xóa hoặc đổi tên một cột",
                                f"column '{written}' repeats column '{headers.get(canon, canon)}' (both mean "
                                f"'{canon}'); delete or rename one"))
    if not wide:  # in the wide layout an unknown header is a question
        for hrow, _j, written in getattr(table, "unknown", []):
            meant = near_header(written, _ALIASES)
            if meant is not None and meant not in headers:
                problems.append(Problem(f, sheet_name, hrow, written,
                                        f"không nhận ra cột '{written}' (có phải '{meant}' gõ nhầm?); sửa tiêu đề cột",
                                        f"column '{written}' is not recognised (a mistyped '{meant}'?); correct the "
                                        "header"))
    missing = [c for c in need if c not in headers]
    if wide and not missing and not any(c is None and clean_text(h) is not None for c, h in zip(cols, header_cells)):
        missing = ["question", "response"]  # neither long columns nor question columns
    if missing:
        present = [clean_text(v) for v in header_cells if clean_text(v) is not None]
        for c in missing:
            problems.append(Problem(
                f, sheet_name, None, c,
                f"thiếu cột bắt buộc '{c}'; các cột đang có: {present}",
                f"required column '{c}' is missing; columns present: {present}",
            ))
        return None, problems

    raw: dict[str, list] = {c: col(j) for j, c in enumerate(cols) if c is not None}
    marked = marked or ("synthetic" in raw and synthetic_column(raw["synthetic"]))
    shown = dict(headers)  # canonical -> header as written
    if wide:
        qcols = [(j, text_id(h)) for j, (c, h) in enumerate(zip(cols, header_cells))
                 if c is None and clean_text(h) is not None]
        hrow = next((u[0] for u in getattr(table, "unknown", [])), None)
        first_col: dict = {}
        for j, q in qcols:  # a question twice: each form would "answer it twice"; say it once, at the header
            if q in first_col:
                a, b = _letters(first_col[q] + 1), _letters(j + 1)
                problems.append(Problem(f, sheet_name, hrow, clean_text(header_cells[j]),
                                        f"câu hỏi '{q}' có hai cột (cột {a} và cột {b}); xóa hoặc đổi tên một cột",
                                        f"question '{q}' has two columns ({a} and {b}); delete or rename one"))
            else:
                first_col[q] = j
        if len(first_col) < len(qcols):
            return None, problems
        nq, nr = len(qcols), len(body)
        rep = {c: [v for v in vals for _ in range(nq)] for c, vals in raw.items()
               if c not in ("note", "synthetic")}
        rep["question"] = [q for _ in range(nr) for _, q in qcols]
        rep["response"] = [r[j] if j < len(r) else None for r in body for j, _ in qcols]
        raw = rep
        row_no = np.repeat(excel_rows, nq)
        resp_col = [h for _ in range(nr) for _, h in qcols]  # the question column is where the answer is
    else:
        row_no = excel_rows
        resp_col = [shown["response"]] * len(body)
    n = len(row_no)

    def add(i, column, vi, en, *, written=None):
        if len(problems) < MAX_PROBLEMS_PER_CHECK * 5:
            problems.append(Problem(f, sheet_name, int(row_no[i]), written or shown.get(column, column), vi, en))

    # year
    years, bad = _parse_unique(np.asarray(raw["year"], dtype=object), _parse_year)
    for i in np.flatnonzero(bad)[:MAX_PROBLEMS_PER_CHECK]:
        v = clean_text(raw["year"][i])
        add(i, "year", f"năm phải là số nguyên (ví dụ 2023), nhưng ô ghi '{v}'",
            f"year must be a whole number (e.g. 2023), but the cell holds '{v}'")
    year = np.array([y if y is not None else -1 for y in years], dtype=np.int64)
    # ids
    ids = {}
    for c, vi, en in [("unit_id", "mã đơn vị", "unit id"), ("respondent_id", "mã phiếu (người trả lời)", "respondent id"),
                      ("question", "mã câu hỏi", "question id")]:
        vals, _ = _parse_unique(np.asarray(raw[c], dtype=object), text_id)
        ids[c] = vals
        for i in [k for k, v in enumerate(vals) if v is None][:MAX_PROBLEMS_PER_CHECK]:
            add(i, c, f"thiếu {vi}", f"{en} is empty")
        why, _ = _parse_unique(np.asarray(vals, dtype=object), lambda v: bad_text(v, id_like=True))
        for i in [k for k, w in enumerate(why) if w is not None][:MAX_PROBLEMS_PER_CHECK]:
            add(i, c, f"{vi} '{vals[i]}' {why[i][0]}", f"{en} '{vals[i]}' {why[i][1]}")
    role = (_parse_unique(np.asarray(raw["respondent_role"], dtype=object), _norm_role)[0]
            if "respondent_role" in raw else [""] * n)
    # responses
    resp, bad = _parse_unique(np.asarray(raw["response"], dtype=object), _parse_response)
    for i in np.flatnonzero(bad)[:MAX_PROBLEMS_PER_CHECK]:
        v = clean_text(raw["response"][i])
        add(i, "response", f"câu trả lời phải là số trên thang đo, nhưng ô ghi '{v}'",
            f"the response must be a number on the scale, but the cell holds '{v}'", written=resp_col[i])
    response = np.array([np.nan if r is None else r for r in resp], dtype=float)
    # scale ranges and known questions
    question = np.asarray(ids["question"], dtype=object)
    lo = np.full(n, float(response_range[0]))
    hi_ = np.full(n, float(response_range[1]))
    qtab = None
    if questions is not None:
        qtab = _check_questions_table(questions)
        info = qtab.set_index("question")
        known = pd.Series(question).isin(info.index).to_numpy()
        for i in np.flatnonzero(~known & pd.notna(question))[:MAX_PROBLEMS_PER_CHECK]:
            add(i, "question",
                f"câu hỏi '{question[i]}' không có trong bảng câu hỏi (phiếu khảo sát); sửa mã hoặc thêm câu hỏi",
                f"question '{question[i]}' is not in the questions table (the instrument); correct the id or add it",
                written=(shown.get("question") if not wide else resp_col[i]))
        qs = pd.Series(question)
        lo = np.where(known, qs.map(info["scale_min"]).to_numpy(dtype=float), lo)
        hi_ = np.where(known, qs.map(info["scale_max"]).to_numpy(dtype=float), hi_)
    out_of = ~np.isnan(response) & ((response < lo - 1e-9) | (response > hi_ + 1e-9))
    for i in np.flatnonzero(out_of)[:MAX_PROBLEMS_PER_CHECK]:
        add(i, "response",
            f"câu trả lời {response[i]:g} cho câu '{question[i]}' nằm ngoài thang đo {lo[i]:g}–{hi_[i]:g}",
            f"response {response[i]:g} to question '{question[i]}' is outside the scale {lo[i]:g}–{hi_[i]:g}",
            written=resp_col[i])
    # timestamps
    times = None
    if "submitted_at" in raw:
        tv, bad = _parse_unique(np.asarray(raw["submitted_at"], dtype=object), _parse_time)
        order = _day_month_order(raw["submitted_at"])
        for i in np.flatnonzero(bad)[:MAX_PROBLEMS_PER_CHECK]:
            v = clean_text(raw["submitted_at"][i])
            m = _DMY.match(v or "")
            if m and int(m.group(2)) > 12 and order["month_first"]:
                add(i, "submitted_at",
                    f"thời gian nộp '{v}' có tháng {int(m.group(2))}: tệp có vẻ ghi tháng/ngày (kiểu Mỹ) trong khi "
                    "chương trình đọc ngày/tháng; xuất lại cột này dạng 2023-11-14 09:30",
                    f"the submission time '{v}' has month {int(m.group(2))}: the file seems to write month/day "
                    "(US order) where day/month is read; export this column as 2023-11-14 09:30")
                continue
            add(i, "submitted_at",
                f"không đọc được thời gian nộp '{v}'; ghi dạng 2023-11-14 09:30 hoặc 14/11/2023 09:30",
                f"cannot read the submission time '{v}'; write it as 2023-11-14 09:30 or 14/11/2023 09:30")
        if order["ambiguous"] and not order["day_first"] and not order["month_first"]:
            k, ex = order["ambiguous"], order["example"]
            d, mo = (int(x) for x in _DMY.match(ex).groups()[:2])
            col_name = shown.get("submitted_at", "submitted_at")
            info.setdefault("notes", []).append((
                f"cột '{col_name}': {fmt_int(k, 'vi')} thời gian nộp ghi dạng ngày/tháng mà cả hai số đều ≤ 12 (ví dụ '{ex}'), "
                f"đã đọc theo thứ tự ngày/tháng (ngày {d} tháng {mo}); nếu tệp ghi tháng/ngày (kiểu Mỹ), "
                "hãy xuất lại cột này dạng 2023-11-14 09:30",
                f"column '{col_name}': {fmt_int(k, 'en')} submission times are written day/month with both numbers ≤ 12 "
                f"(e.g. '{ex}') and were read day first (day {d}, month {mo}); if the file writes month/day "
                "(US order), export this column as 2023-11-14 09:30"))
        times = pd.to_datetime(pd.Series([pd.NaT if t is None else t for t in tv], dtype=object))
    scale = None
    if "scale" in raw:
        scale = [clean_text(v) for v in raw["scale"]]
    if qtab is not None and "scale" in qtab.columns:
        from_q = pd.Series(question).map(qtab.set_index("question")["scale"]).tolist()
        scale = from_q if scale is None else [s if s is not None else q for s, q in zip(scale, from_q)]

    df = pd.DataFrame({
        "year": year, "unit_id": ids["unit_id"], "respondent_id": ids["respondent_id"],
        "respondent_role": role, "question": question, "response": response,
    })
    if times is not None:
        df["submitted_at"] = times.to_numpy()
    if scale is not None:
        df["scale"] = [s if s is not None else "" for s in scale]
    # duplicates: the same respondent answering a question twice
    valid = df[["unit_id", "respondent_id", "question"]].notna().all(axis=1).to_numpy() & (year >= 0)
    def codes(cols):  # integer code per distinct combination; rows with an empty id get their own code
        c = df[cols].groupby(cols, sort=False, dropna=False).ngroup().to_numpy()
        return pd.Series(np.where(valid, c, -1 - np.arange(n)))

    key = codes(["year", "unit_id", "respondent_id", "question"])
    dup = key.duplicated(keep="first").to_numpy()
    if dup.any():
        first = pd.Series(np.arange(n)).groupby(key.to_numpy()).transform("min").to_numpy()
        for i in np.flatnonzero(dup)[:MAX_PROBLEMS_PER_CHECK]:
            add(i, "question",
                f"trùng lặp: người trả lời {df['respondent_id'].iat[i]} (đơn vị {df['unit_id'].iat[i]}, năm "
                f"{year[i]}) đã trả lời câu '{question[i]}' ở dòng {int(row_no[first[i]])}",
                f"duplicate: respondent {df['respondent_id'].iat[i]} (unit {df['unit_id'].iat[i]}, year "
                f"{year[i]}) already answered question '{question[i]}' at row {int(row_no[first[i]])}",
                written=(shown.get("question") if not wide else resp_col[i]))
    # one role per respondent
    if "respondent_role" in raw and not wide:
        rk = codes(["year", "unit_id", "respondent_id"]).to_numpy()
        by_resp = df["respondent_role"].groupby(rk)
        nroles = by_resp.transform("nunique").to_numpy()
        first_role = by_resp.transform("first").to_numpy()
        conflict = (nroles > 1) & (df["respondent_role"].to_numpy() != first_role) & valid
        for i in np.flatnonzero(conflict)[:MAX_PROBLEMS_PER_CHECK]:
            add(i, "respondent_role",
                f"người trả lời {df['respondent_id'].iat[i]} có hai vai trò ('{first_role[i]}' và "
                f"'{df['respondent_role'].iat[i]}'); mỗi phiếu một vai trò",
                f"respondent {df['respondent_id'].iat[i]} has two roles ('{first_role[i]}' and "
                f"'{df['respondent_role'].iat[i]}'); one role per respondent")
    problems.sort(key=lambda p: p.row or 0)
    df.attrs["synthetic"] = bool(marked)
    return df, problems


#: Parquet schema-metadata key of a survey table this library wrote after a full check
#: (:func:`write_checked_survey`); its value is JSON: version, response range, synthetic.
CHECKED_TABLE_KEY = b"cchc_analysis.checked_survey"
_CHECKED_VERSION = 1


def write_checked_survey(frame: pd.DataFrame, path: str | os.PathLike, *,
                         response_range: tuple[float, float] = (1, 5)) -> Path:
    """Write ``frame`` (what :func:`read_survey` returned, with the default ``questions``)
    as a Parquet file that :func:`read_survey` later loads without parsing it again.

    The report's pre-flight writes one per survey file into its cache (keyed by the
    file's bytes and the reader's code); the notebooks then read that instead of the
    workbook or CSV. The file says, in its schema metadata, that it was checked and with
    which response range; a read with ``questions`` or another range checks it again.
    Written atomically.
    """
    import io
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..outputs import atomic_write_bytes
    from ..provenance import is_synthetic

    out = frame.reset_index(drop=True)
    table = pa.Table.from_pandas(out, preserve_index=False)
    info = {"version": _CHECKED_VERSION, "response_range": [float(v) for v in response_range],
            "synthetic": bool(is_synthetic(frame)), "columns": [str(c) for c in out.columns]}
    meta = {**(table.schema.metadata or {}), CHECKED_TABLE_KEY: json.dumps(info).encode()}
    buf = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), buf)
    return atomic_write_bytes(Path(path), buf.getvalue())


def _read_checked(path: Path, response_range) -> pd.DataFrame | None:
    """The table of a :func:`write_checked_survey` file (checked with ``response_range``), else None."""
    if path.suffix.lower() not in (".parquet", ".pq"):
        return None
    import json

    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        raw = (pf.schema_arrow.metadata or {}).get(CHECKED_TABLE_KEY)
        if raw is None:
            return None
        info = json.loads(raw)
        if (info.get("version") != _CHECKED_VERSION
                or [float(v) for v in info.get("response_range", [])] != [float(v) for v in response_range]):
            return None
        df = pf.read().to_pandas()
    except Exception:  # not ours after all, or damaged: the careful read says what is wrong
        return None
    if list(df.columns) != info.get("columns"):
        return None
    df.attrs = {}
    return mark_synthetic(df, bool(info.get("synthetic")))


def read_survey(path: str | os.PathLike, *, questions: pd.DataFrame | dict | None = None,
                response_range: tuple[float, float] = (1, 5), sheet: str | None = None) -> pd.DataFrame:
    """Read a survey file into the canonical survey table, or raise :class:`DataError`.

    Parameters
    ----------
    path : CSV, XLSX or Parquet file, long or wide layout (see the module notes).
    questions : the instrument (``question, scale_min, scale_max`` and optionally
        ``scale``, ``criterion``, ``max_points`` …); when given, unknown question ids are
        errors and each question's own scale range is checked.
    response_range : ``(min, max)`` of the answer scale for questions not in
        ``questions`` (default the 1–5 Likert scale).
    sheet : sheet of a workbook to read (default: the first that is not a README).

    Returns
    -------
    DataFrame
        ``year, unit_id, respondent_id, respondent_role, question, response`` plus
        ``submitted_at`` (datetime) when the file has submission times and ``scale``
        when the file or ``questions`` names sub-scales. ``respondent_role`` is
        ``leader``, ``staff``, another role as written, or ``""`` when unknown;
        ``response`` is NaN where the respondent skipped the question.

    Raises
    ------
    DataError
        On the first problem (file, sheet, row, column named); ``.problems`` holds all.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "survey.csv"
    >>> _ = tmp.write_text(
    ...     "Năm;Mã đơn vị;Mã phiếu;Vai trò;Câu hỏi;Trả lời\\n"
    ...     "2023;vu-01;r1;Lãnh đạo;q1;5\\n2023;vu-01;r1;Lãnh đạo;q2;4\\n"
    ...     "2023;vu-01;r2;Công chức;q1;3\\n2023;vu-01;r2;Công chức;q2;\\n", encoding="utf-8")
    >>> read_survey(tmp)
       year unit_id respondent_id respondent_role question  response
    0  2023   vu-01            r1          leader       q1       5.0
    1  2023   vu-01            r1          leader       q2       4.0
    2  2023   vu-01            r2           staff       q1       3.0
    3  2023   vu-01            r2           staff       q2       NaN
    >>> _ = tmp.write_text("year,unit_id,respondent_id,question,response\\n"
    ...                    "2023,vu-01,r1,q1,7\\n", encoding="utf-8")
    >>> read_survey(tmp)
    Traceback (most recent call last):
    ...
    cchc_analysis.errors.DataError: tệp 'survey.csv', dòng 2, cột 'response': câu trả lời 7 cho câu 'q1' nằm ngoài thang đo 1–5
      [file 'survey.csv', row 2, column 'response': response 7 to question 'q1' is outside the scale 1–5]
    """
    if len(response_range) != 2 or not response_range[0] < response_range[1]:
        raise ValueError(f"`response_range` must be (min, max) with min < max, but {response_range!r} was passed.")
    if questions is None and sheet is None:
        checked = _read_checked(Path(path), response_range)  # written by write_checked_survey
        if checked is not None:
            return checked
    df, problems = _load_survey(path, questions=questions, response_range=response_range, sheet=sheet)
    raise_first(problems, see_vi="dùng validate_survey để xem tất cả", see_en="validate_survey lists them all")
    df["year"] = df["year"].astype("int64")
    for c in ["unit_id", "respondent_id", "respondent_role", "question"]:
        df[c] = df[c].astype(str)
    df["response"] = df["response"].astype(float)
    if "scale" in df.columns:
        df["scale"] = df["scale"].astype(str)
    return mark_synthetic(df.reset_index(drop=True), bool(df.attrs.get("synthetic")))


def validate_survey(path: str | os.PathLike, **kwargs) -> pd.DataFrame:
    """Every problem in a survey file as a table (``file, sheet, row, column, problem_vi, problem_en``).

    Takes the keyword arguments of :func:`read_survey`; empty table when the file is fine.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "bad.csv"
    >>> _ = tmp.write_text("year,unit_id,respondent_id,question,response\\n"
    ...                    "2023,a,r1,q1,0\\n2023,a,r1,q1,3\\n", encoding="utf-8")
    >>> for p in validate_survey(tmp).itertuples():
    ...     print(p.row, p.column, "|", p.problem_en)
    2 response | response 0 to question 'q1' is outside the scale 1–5
    3 question | duplicate: respondent r1 (unit a, year 2023) already answered question 'q1' at row 2
    """
    try:
        _, problems = _load_survey(path, **kwargs)
    except DataError as exc:
        problems = exc.problems
    return DataError(problems).to_frame()


@dataclass
class SurveyInspection:
    """What :func:`inspect_survey` read: the table (None when nothing could be read), every
    problem, the notes worth a warning (``(vi, en)``), the sheet read."""

    survey: pd.DataFrame | None
    problems: list
    notes: list = field(default_factory=list)
    sheet: str | None = None


def inspect_survey(path: str | os.PathLike, **kwargs) -> SurveyInspection:
    """Read a survey file with every check of :func:`read_survey` and never raise for
    problems in the data (``cchc validate`` on a survey file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "survey.csv"
    >>> _ = tmp.write_text("year,unit_id,respondent_id,submitted_at,question,response\\n"
    ...                    "2023,a,r1,03/04/2023,q1,4\\n2023,a,r2,05/04/2023,q1,9\\n", encoding="utf-8")
    >>> ins = inspect_survey(tmp)
    >>> [p.row for p in ins.problems], len(ins.survey), ins.notes[0][1][:60]
    ([3], 2, "column 'submitted_at': 2 submission times are written day/mo")
    """
    info: dict = {}
    try:
        df, problems = _load_survey(path, info=info, **kwargs)
    except DataError as exc:
        df, problems = None, list(exc.problems)
    return SurveyInspection(df, list(problems), info.get("notes", []), info.get("sheet"))


def looks_like_survey(path: str | os.PathLike) -> bool:
    """True when the file's header row (among its first rows) names a respondent column
    and a year, unit or question column: a survey file, not a score file. Reads only the
    first rows of a workbook; False for anything it cannot open (the score reader then
    says what is wrong)."""
    from ._tabular import HEADER_SEARCH_ROWS

    p = Path(path)
    try:
        if not p.is_file():
            return False
        ext = p.suffix.lower()
        if ext in XLSX_EXTENSIONS:
            wb = open_workbook(p)
            names = [n for n in wb.sheetnames if not fold(n).startswith(_IGNORED_SHEETS)] or wb.sheetnames
            rows = sheet_rows(wb[names[0]], max_rows=HEADER_SEARCH_ROWS + 1)
        elif ext in CSV_EXTENSIONS:
            rows = read_csv_rows(p, ragged_ok=True)[:HEADER_SEARCH_ROWS + 1]
        elif ext in PARQUET_EXTENSIONS:
            import pyarrow.parquet as pq

            rows = [list(pq.ParquetFile(p).schema_arrow.names)]
        else:
            return False
        table = find_table(rows, _ALIASES, file=str(p), sheet=None)
    except Exception:  # unreadable here: not recognisably a survey
        return False
    if table is None:
        return False
    h = set(table.headers)
    return "respondent_id" in h and bool(h & {"question", "response", "year", "unit_id"})


def match_survey_units(survey: pd.DataFrame, scores: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The survey with its units keyed as in ``scores``, and the survey units that match none.

    A survey unit that is a unit id of ``scores`` stays; one written as a unit's name (any
    case, spacing or diacritics encoding: compared folded) becomes that unit's id; a name
    shared by two units of ``scores`` is not guessed. Returns ``(survey, unmatched)``.

    >>> sv = pd.DataFrame({"unit_id": ["Sở Tư pháp", "so-y-te", "Sở Mới"], "response": [4.0, 3, 5]})
    >>> sc = pd.DataFrame({"unit_id": ["so-tu-phap", "so-y-te"], "unit_name": ["Sở Tư Pháp", "Sở Y tế"]})
    >>> out, missing = match_survey_units(sv, sc)
    >>> out["unit_id"].tolist(), missing
    (['so-tu-phap', 'so-y-te', 'Sở Mới'], ['Sở Mới'])
    """
    ids = set(scores["unit_id"].astype(str))
    units = survey["unit_id"].astype(str)
    todo = sorted(set(units) - ids)
    if not todo:
        return survey, []
    by_name: dict = {}
    if "unit_name" in scores.columns:
        pairs = scores[["unit_id", "unit_name"]].drop_duplicates()
        for uid, name in zip(pairs["unit_id"].astype(str), pairs["unit_name"].astype(str)):
            by_name.setdefault(fold(name), set()).add(uid)
    by_id = {fold(u): u for u in ids}
    mapping, unmatched = {}, []
    for u in todo:
        hit = by_name.get(fold(u), set())
        if len(hit) == 1:
            mapping[u] = next(iter(hit))
        elif fold(u) in by_id:
            mapping[u] = by_id[fold(u)]
        else:
            unmatched.append(u)
    if mapping:
        survey = survey.assign(unit_id=units.map(lambda v: mapping.get(v, v)))
    return survey, unmatched
