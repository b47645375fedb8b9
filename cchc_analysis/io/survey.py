"""Survey data (điều tra xã hội học): reading, points, quality diagnostics, criteria quality.

The sociological survey carries about a third of the PAR INDEX points, yet it is often
filled in formally (leaders hand the forms to staff, answers are copied, everyone
submits in one sitting). And many criteria are at 100 % for everyone, so they separate
nobody. This module gives analysts the evidence, as tidy tables.

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
:func:`survey_points`), ``text_vi``, ``text_en``. The synthetic instrument is
:func:`synthetic_survey_questions`.

The synthetic survey
--------------------
:func:`make_synthetic_survey` generates respondent-level answers for the bundled
SYNTHETIC ministry (same units and latent abilities as
:func:`cchc_analysis.synthetic.make_synthetic_scores`) and plants some unit-years as
formally filled in; the truth is returned on request. The bundled file
``data/raw/synthetic/synthetic_ministry_survey.csv`` (``config.DEFAULT_SURVEY``) is
written by ``cchc synthetic --bundle`` and has a ``note`` column
saying it is synthetic.
"""

from __future__ import annotations

import csv
import io as _io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ..labels import check_lang, register
from ..text import clean_text, fold, parse_number

__all__ = [
    "SURVEY_COLUMNS",
    "read_survey",
    "validate_survey",
    "survey_points",
    "cronbach_alpha",
    "icc1",
    "rwg_j",
    "survey_quality",
    "survey_reliability",
    "quality_table",
    "criteria_table",
    "survey_vs_appraisal",
    "criteria_discrimination",
    "survey_summary",
    "synthetic_survey_questions",
    "make_synthetic_survey",
    "write_synthetic_survey",
]

#: Canonical columns of the survey table (``submitted_at`` and ``scale`` are optional).
SURVEY_COLUMNS = ["year", "unit_id", "respondent_id", "respondent_role", "question", "response"]
OPTIONAL_COLUMNS = ["submitted_at", "scale"]
_REQUIRED = ["year", "unit_id", "respondent_id", "question", "response"]
_REQUIRED_WIDE = ["year", "unit_id", "respondent_id"]
_MAX_PROBLEMS = 200

_ALIASES: dict[str, str] = {}
for _canon, _names in {
    "year": ["year", "nam", "nam danh gia", "nam khao sat", "nam dieu tra"],
    "unit_id": ["unit_id", "unit id", "ma don vi", "ma dv"],
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
    "note": ["note", "ghi chu"],
}.items():
    for _n in _names:
        _ALIASES[_n] = _canon

_LEADER = {"leader", "leaders", "manager", "lanh dao", "lanh dao quan ly", "ldql", "ld", "quan ly",
           "can bo lanh dao", "lanh dao don vi", "lanh dao, quan ly"}
_STAFF = {"staff", "employee", "cong chuc", "vien chuc", "chuyen vien", "nhan vien", "cc", "cvc",
          "can bo", "cong chuc, vien chuc", "nguoi lao dong"}
_IGNORED_SHEETS = ("readme", "huong dan", "ghi chu", "about", "questions", "cau hoi")


def _canon_col(name) -> str | None:
    if name is None:
        return None
    f = " ".join(fold(str(name)).replace("_", " ").strip(" :*").split())
    return _ALIASES.get(f) or _ALIASES.get(f.replace(" ", "_"))


def _text_id(v) -> str | None:
    """Id as text; an Excel number 3.0 becomes '3'."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return clean_text(v)


# --------------------------------------------------------------------------- reading


def _rows_from_file(p: Path, sheet: str | None) -> tuple[list[list], str | None]:
    f = str(p)
    ext = p.suffix.lower()
    if ext in {".csv", ".txt", ".tsv"}:
        data = p.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataError(Problem(
                f, None, None, None,
                f"tệp không phải UTF-8 ({exc}); trong Excel hãy lưu 'CSV UTF-8'",
                f"the file is not UTF-8 ({exc}); in Excel save as 'CSV UTF-8'",
            )) from exc
        try:
            delim = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
        except csv.Error:
            delim = ","
        return list(csv.reader(_io.StringIO(text), delimiter=delim)), None
    if ext in {".xlsx", ".xlsm"}:
        from .scores import _open_workbook, _sheet_rows

        wb = _open_workbook(p)
        names = wb.sheetnames
        if sheet is not None:
            by_fold = {fold(n): n for n in names}
            if sheet not in names and fold(sheet) not in by_fold:
                raise DataError(Problem(
                    f, sheet, None, None,
                    f"không có trang tính '{sheet}'; các trang tính đang có: {names}",
                    f"there is no sheet '{sheet}'; sheets present: {names}",
                ))
            name = sheet if sheet in names else by_fold[fold(sheet)]
        else:
            cand = [n for n in names if not fold(n).startswith(_IGNORED_SHEETS)]
            name = cand[0] if cand else names[0]
        return _sheet_rows(wb[name]), name
    if ext in {".parquet", ".pq"}:
        frame = pd.read_parquet(p)
        cells = frame.astype(object).where(frame.notna(), None)
        return [list(frame.columns)] + cells.to_numpy().tolist(), None
    raise DataError(Problem(
        f, None, None, None,
        f"định dạng '{ext}' chưa hỗ trợ; dùng .csv, .xlsx hoặc .parquet",
        f"format '{ext}' is not supported; use .csv, .xlsx or .parquet",
    ))


def _find_header(rows: list[list]) -> tuple[int | None, list[str | None], dict[str, str]]:
    best, best_i = 1, None
    for i in range(min(len(rows), 15)):
        n = len({_canon_col(v) for v in rows[i]} - {None})
        if n > best:
            best, best_i = n, i
    if best_i is None:
        return None, [], {}
    cols, headers = [], {}
    for v in rows[best_i]:
        c = _canon_col(v)
        if c in headers:
            c = None
        cols.append(c)
        if c is not None:
            headers[c] = clean_text(v)
    return best_i, cols, headers


def _parse_unique(values: np.ndarray, parser):
    """Apply ``parser`` once per distinct cell value -> (results list, failed mask)."""
    cache: dict = {}
    out, bad = [], np.zeros(len(values), dtype=bool)
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


def _parse_year(v):
    num = parse_number(v)
    if num is None or not float(num).is_integer() or not (1900 <= num <= 2100):
        raise ValueError(v)
    return int(num)


def _parse_time(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return pd.NaT
    if isinstance(v, pd.Timestamp):
        return v
    if hasattr(v, "year") and hasattr(v, "month"):
        return pd.Timestamp(v)
    s = clean_text(v)
    if s is None:
        return pd.NaT
    if len(s) >= 4 and s[:4].isdigit() and s[4:5] == "-":  # ISO 8601
        return pd.Timestamp(s)
    t = pd.to_datetime(s, dayfirst=True)  # 14/11/2023 09:12 (Vietnamese day-first)
    if pd.isna(t):
        raise ValueError(v)
    return t


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
    q["question"] = [_text_id(v) for v in q["question"]]
    if q["question"].duplicated().any():
        raise ValueError(f"`questions` lists a question twice: {q.loc[q['question'].duplicated(), 'question'].tolist()}")
    bad = q["scale_min"].astype(float) >= q["scale_max"].astype(float)
    if bad.any():
        raise ValueError(f"`questions`: scale_min must be below scale_max for {q.loc[bad, 'question'].tolist()}")
    return q


def _load_survey(path, *, questions=None, response_range=(1, 5), sheet=None):
    p = Path(path)
    f = str(p)
    if not p.exists():
        raise DataError(Problem(f, None, None, None, "không tìm thấy tệp", "file not found"))
    if p.is_dir():
        raise DataError(Problem(f, None, None, None, "đây là thư mục, không phải tệp", "this is a folder, not a file"))
    if p.stat().st_size == 0:
        return None, [Problem(f, None, None, None, "tệp rỗng", "the file is empty")]
    rows, sheet_name = _rows_from_file(p, sheet)
    if not any(any(clean_text(v) is not None for v in r) for r in rows):
        return None, [Problem(f, sheet_name, None, None, "tệp rỗng", "the file is empty")]
    hi, cols, headers = _find_header(rows)
    if hi is None:
        return None, [Problem(
            f, sheet_name, 1, None,
            "không tìm thấy dòng tiêu đề (cần: year/Năm, unit_id/Mã đơn vị, respondent_id/Mã phiếu, "
            "question/Câu hỏi, response/Trả lời)",
            "no header row found (needs: year, unit_id, respondent_id, question, response)",
        )]
    body = rows[hi + 1:]
    excel_rows = np.arange(hi + 2, hi + 2 + len(body))
    keep = [any(clean_text(v) is not None for v in r) for r in body]
    body = [r for r, k in zip(body, keep) if k]
    excel_rows = excel_rows[np.asarray(keep, dtype=bool)] if len(keep) else excel_rows
    if not body:
        return None, [Problem(f, sheet_name, None, None, "tệp không có dòng dữ liệu nào", "the file has no data rows")]

    def col(j):
        return [r[j] if j < len(r) else None for r in body]

    wide = "question" not in headers and "response" not in headers
    need = _REQUIRED_WIDE if wide else _REQUIRED
    problems: list[Problem] = []
    missing = [c for c in need if c not in headers]
    if wide and not missing and not any(c is None and clean_text(h) is not None for c, h in zip(cols, rows[hi])):
        missing = ["question", "response"]  # neither long columns nor question columns
    if missing:
        present = [clean_text(v) for v in rows[hi] if clean_text(v) is not None]
        for c in missing:
            problems.append(Problem(
                f, sheet_name, None, c,
                f"thiếu cột bắt buộc '{c}'; các cột đang có: {present}",
                f"required column '{c}' is missing; columns present: {present}",
            ))
        return None, problems

    raw: dict[str, list] = {c: col(j) for j, c in enumerate(cols) if c is not None}
    shown = dict(headers)  # canonical -> header as written
    if wide:
        qcols = [(j, _text_id(h)) for j, (c, h) in enumerate(zip(cols, rows[hi]))
                 if c is None and clean_text(h) is not None]
        nq, nr = len(qcols), len(body)
        rep = {c: [v for v in vals for _ in range(nq)] for c, vals in raw.items() if c != "note"}
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
        if len(problems) < _MAX_PROBLEMS * 5:
            problems.append(Problem(f, sheet_name, int(row_no[i]), written or shown.get(column, column), vi, en))

    # year
    years, bad = _parse_unique(np.asarray(raw["year"], dtype=object), _parse_year)
    for i in np.flatnonzero(bad)[:_MAX_PROBLEMS]:
        v = clean_text(raw["year"][i])
        add(i, "year", f"năm phải là số nguyên (ví dụ 2023), nhưng ô ghi '{v}'",
            f"year must be a whole number (e.g. 2023), but the cell holds '{v}'")
    year = np.array([y if y is not None else -1 for y in years], dtype=np.int64)
    # ids
    ids = {}
    for c, vi, en in [("unit_id", "mã đơn vị", "unit id"), ("respondent_id", "mã phiếu (người trả lời)", "respondent id"),
                      ("question", "mã câu hỏi", "question id")]:
        vals, _ = _parse_unique(np.asarray(raw[c], dtype=object), _text_id)
        ids[c] = vals
        for i in [k for k, v in enumerate(vals) if v is None][:_MAX_PROBLEMS]:
            add(i, c, f"thiếu {vi}", f"{en} is empty")
    role = (_parse_unique(np.asarray(raw["respondent_role"], dtype=object), _norm_role)[0]
            if "respondent_role" in raw else [""] * n)
    # responses
    resp, bad = _parse_unique(np.asarray(raw["response"], dtype=object), parse_number)
    for i in np.flatnonzero(bad)[:_MAX_PROBLEMS]:
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
        for i in np.flatnonzero(~known & pd.notna(question))[:_MAX_PROBLEMS]:
            add(i, "question",
                f"câu hỏi '{question[i]}' không có trong bảng câu hỏi (phiếu khảo sát); sửa mã hoặc thêm câu hỏi",
                f"question '{question[i]}' is not in the questions table (the instrument); correct the id or add it",
                written=(shown.get("question") if not wide else resp_col[i]))
        qs = pd.Series(question)
        lo = np.where(known, qs.map(info["scale_min"]).to_numpy(dtype=float), lo)
        hi_ = np.where(known, qs.map(info["scale_max"]).to_numpy(dtype=float), hi_)
    out_of = ~np.isnan(response) & ((response < lo - 1e-9) | (response > hi_ + 1e-9))
    for i in np.flatnonzero(out_of)[:_MAX_PROBLEMS]:
        add(i, "response",
            f"câu trả lời {response[i]:g} cho câu '{question[i]}' nằm ngoài thang đo {lo[i]:g}–{hi_[i]:g}",
            f"response {response[i]:g} to question '{question[i]}' is outside the scale {lo[i]:g}–{hi_[i]:g}",
            written=resp_col[i])
    # timestamps
    times = None
    if "submitted_at" in raw:
        tv, bad = _parse_unique(np.asarray(raw["submitted_at"], dtype=object), _parse_time)
        for i in np.flatnonzero(bad)[:_MAX_PROBLEMS]:
            v = clean_text(raw["submitted_at"][i])
            add(i, "submitted_at",
                f"không đọc được thời gian nộp '{v}'; ghi dạng 2023-11-14 09:30 hoặc 14/11/2023 09:30",
                f"cannot read the submission time '{v}'; write it as 2023-11-14 09:30 or 14/11/2023 09:30")
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
        for i in np.flatnonzero(dup)[:_MAX_PROBLEMS]:
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
        for i in np.flatnonzero(conflict)[:_MAX_PROBLEMS]:
            add(i, "respondent_role",
                f"người trả lời {df['respondent_id'].iat[i]} có hai vai trò ('{first_role[i]}' và "
                f"'{df['respondent_role'].iat[i]}'); mỗi phiếu một vai trò",
                f"respondent {df['respondent_id'].iat[i]} has two roles ('{first_role[i]}' and "
                f"'{df['respondent_role'].iat[i]}'); one role per respondent")
    problems.sort(key=lambda p: p.row or 0)
    return df, problems


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
    df, problems = _load_survey(path, questions=questions, response_range=response_range, sheet=sheet)
    if problems:
        raise DataError.from_problems(problems, see_vi="dùng validate_survey để xem tất cả",
                                      see_en="validate_survey lists them all")
    df["year"] = df["year"].astype("int64")
    for c in ["unit_id", "respondent_id", "respondent_role", "question"]:
        df[c] = df[c].astype(str)
    df["response"] = df["response"].astype(float)
    if "scale" in df.columns:
        df["scale"] = df["scale"].astype(str)
    return df.reset_index(drop=True)


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


# --------------------------------------------------------------------------- points


def _mapping_frame(mapping, response_range) -> pd.DataFrame:
    if isinstance(mapping, dict):
        rows = []
        for q, v in mapping.items():
            rows.append({"question": q, **(v if isinstance(v, dict) else {"criterion": v})})
        mapping = pd.DataFrame(rows)
    if not isinstance(mapping, pd.DataFrame):
        raise ValueError("`mapping` must be a DataFrame or a dict {question: {criterion, max_points, ...}}.")
    missing = [c for c in ("question", "criterion", "max_points") if c not in mapping.columns]
    if missing:
        raise ValueError(f"`mapping` lacks the column(s) {missing}; it needs question, criterion, max_points "
                         "(and optionally scale_min, scale_max, field).")
    m = mapping.copy()
    m["question"] = [_text_id(v) for v in m["question"]]
    m["criterion"] = [_text_id(v) for v in m["criterion"]]
    if m["question"].duplicated().any():
        raise ValueError(f"`mapping` lists a question twice: {m.loc[m['question'].duplicated(), 'question'].tolist()}")
    for c, d in (("scale_min", response_range[0]), ("scale_max", response_range[1])):
        m[c] = m[c].astype(float) if c in m.columns else float(d)
    m["max_points"] = m["max_points"].astype(float)
    if (m["max_points"] <= 0).any() or m["max_points"].isna().any():
        raise ValueError("`mapping`: max_points must be > 0 for every question.")
    if (m["scale_min"] >= m["scale_max"]).any():
        raise ValueError("`mapping`: scale_min must be below scale_max.")
    if "field" not in m.columns:
        m["field"] = m["criterion"].str.split(".").str[0]
    return m


def survey_points(survey: pd.DataFrame, *, mapping, units: pd.DataFrame | None = None,
                  response_range: tuple[float, float] = (1, 5)) -> pd.DataFrame:
    """Survey points per unit, year and criterion, as rows of the canonical scores table.

    The rule (configurable through ``mapping``): each question ``q`` carries
    ``max_points_q`` and a scale ``[min_q, max_q]``; its achievement in a unit is the
    mean over the unit's respondents who answered of ``(response − min_q) / (max_q −
    min_q)`` (0 = every answer at the bottom, 1 = every answer at the top). A criterion
    collects its questions: ``max_points = Σ max_points_q`` over its mapped questions and
    ``points = max_points × (Σ max_points_q · achievement_q) / (Σ max_points_q)`` over the
    questions answered in the unit (a question nobody in the unit answered does not
    count, rather than counting as zero). With one question per criterion this is simply
    ``max_points × achievement``. Questions not in ``mapping`` carry no points
    (background questions). A criterion none of whose questions was answered in a unit
    is not listed for that unit.

    Parameters
    ----------
    survey : canonical survey table (:func:`read_survey`).
    mapping : DataFrame (or dict ``{question: {...}}``) with ``question, criterion,
        max_points`` and optionally ``scale_min, scale_max, field``.
    units : optional ``unit_id, unit_name, unit_type`` to fill those columns (default:
        ``unit_name = unit_id``, ``unit_type = ""``).
    response_range : scale used when ``mapping`` has no ``scale_min``/``scale_max``.

    Returns
    -------
    DataFrame
        Canonical scores rows: ``year, unit_id, unit_name, unit_type, field, criterion,
        component ("survey"), max_points, points, applicable (True)``.

    Examples
    --------
    >>> survey = pd.DataFrame({"year": 2023, "unit_id": "a", "respondent_id": ["r1", "r1", "r2", "r2"],
    ...     "respondent_role": "staff", "question": ["q1", "q2", "q1", "q2"],
    ...     "response": [5.0, 3.0, 4.0, 1.0]})
    >>> mapping = {"q1": {"criterion": "1.6", "max_points": 2.0},
    ...            "q2": {"criterion": "1.6", "max_points": 1.0}}
    >>> survey_points(survey, mapping=mapping)[["unit_id", "criterion", "max_points", "points"]]
      unit_id criterion  max_points  points
    0       a       1.6         3.0    2.00
    """
    m = _mapping_frame(mapping, response_range)
    need = ["year", "unit_id", "question", "response"]
    miss = [c for c in need if c not in survey.columns]
    if miss:
        raise ValueError(f"`survey` lacks the column(s) {miss}; see read_survey.")
    s = survey.loc[survey["question"].isin(m["question"]) & survey["response"].notna(),
                   ["year", "unit_id", "question", "response"]]
    info = m.set_index("question")
    lo = s["question"].map(info["scale_min"]).to_numpy(dtype=float)
    hi = s["question"].map(info["scale_max"]).to_numpy(dtype=float)
    ach = (s["response"].to_numpy(dtype=float) - lo) / (hi - lo)
    q = (s.assign(achievement=ach).groupby(["year", "unit_id", "question"], sort=True)["achievement"]
         .mean().reset_index())
    q["criterion"] = q["question"].map(info["criterion"])
    q["w"] = q["question"].map(info["max_points"]).to_numpy(dtype=float)
    q["wa"] = q["w"] * q["achievement"]
    crit_max = m.groupby("criterion")["max_points"].sum()
    crit_field = m.groupby("criterion")["field"].first()
    g = q.groupby(["year", "unit_id", "criterion"], sort=True)[["w", "wa"]].sum().reset_index()
    out = pd.DataFrame({"year": g["year"].astype("int64"), "unit_id": g["unit_id"].astype(str)})
    if units is not None:
        u = units.drop_duplicates("unit_id").set_index("unit_id")
        out["unit_name"] = out["unit_id"].map(u["unit_name"]).fillna(out["unit_id"]) if "unit_name" in u else out["unit_id"]
        out["unit_type"] = out["unit_id"].map(u["unit_type"]).fillna("") if "unit_type" in u else ""
    else:
        out["unit_name"] = out["unit_id"]
        out["unit_type"] = ""
    out["field"] = g["criterion"].map(crit_field).astype(str)
    out["criterion"] = g["criterion"].astype(str)
    out["component"] = "survey"
    out["max_points"] = g["criterion"].map(crit_max).to_numpy(dtype=float)
    out["points"] = out["max_points"].to_numpy() * g["wa"].to_numpy() / g["w"].to_numpy()
    out["applicable"] = True
    for c in ["unit_name", "unit_type"]:
        out[c] = out[c].astype(str)
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- statistics


def cronbach_alpha(data) -> float:
    """Cronbach's α of a respondents × items matrix (complete cases only).

    ``α = k / (k − 1) × (1 − Σ var(item) / var(total))`` with sample variances
    (ddof = 1). NaN with fewer than 2 items or 2 complete respondents, or when the
    total has no variance.

    Examples
    --------
    >>> round(cronbach_alpha([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]]), 6)  # by hand: 1.5 × (1 − 4.9167/14.25)
    0.982456
    """
    x = np.asarray(data, dtype=float)
    if x.ndim != 2:
        raise ValueError("`data` must be a 2-D respondents × items matrix.")
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if k < 2 or n < 2:
        return float("nan")
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var <= 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var))


def icc1(data: pd.DataFrame, *, group: str = "unit_id", value: str = "value") -> float:
    """ICC(1) from a one-way ANOVA: the share of variance between groups (units).

    ``ICC(1) = (MSB − MSW) / (MSB + (k₀ − 1) MSW)`` with ``k₀ = (N − Σ nᵍ² / N) / (G − 1)``
    (the average group size corrected for unequal sizes). High values mean respondents
    in the same unit agree and units differ. NaN with fewer than 2 groups.

    Examples
    --------
    >>> d = pd.DataFrame({"unit_id": list("aaabbb"), "value": [1.0, 2, 3, 4, 5, 6]})
    >>> round(icc1(d), 6)  # by hand: MSB = 13.5, MSW = 1, k₀ = 3 → 12.5 / 15.5
    0.806452
    """
    if group not in data.columns or value not in data.columns:
        raise ValueError(f"`data` needs the columns {group!r} and {value!r}.")
    d = data[[group, value]].dropna()
    g = d.groupby(group)[value]
    n_g = g.size().to_numpy(dtype=float)
    G, N = len(n_g), n_g.sum()
    if G < 2 or N - G < 1:
        return float("nan")
    grand = d[value].mean()
    means = g.mean().to_numpy()
    ssb = (n_g * (means - grand) ** 2).sum()
    ssw = ((d[value] - g.transform("mean")) ** 2).sum()
    msb, msw = ssb / (G - 1), ssw / (N - G)
    k0 = (N - (n_g ** 2).sum() / N) / (G - 1)
    den = msb + (k0 - 1) * msw
    return float((msb - msw) / den) if den > 0 else float("nan")


def rwg_j(data, *, n_options: int = 5) -> float:
    """Within-unit agreement r_wg(J) of James, Demaree & Wolf (1984) for J items.

    ``r_wg(J) = J (1 − s̄²/σ²) / (J (1 − s̄²/σ²) + s̄²/σ²)`` where ``s̄²`` is the mean
    over items of the within-unit answer variance (ddof = 1) and ``σ² = (A² − 1) / 12``
    the variance of uniformly random answers on an ``A``-option scale. 1 = perfect
    agreement; values are truncated to 0 when answers vary more than random ones.
    Note that r_wg(J) rises with the number of items J, so it is reported, not used to
    flag units.

    Examples
    --------
    >>> round(rwg_j([[4, 5], [5, 5], [4, 4]], n_options=5), 6)  # by hand: s̄² = 1/3, σ² = 2 → 10/11
    0.909091
    """
    x = np.asarray(data, dtype=float)
    if x.ndim != 2 or n_options < 2:
        raise ValueError("`data` must be respondents × items and `n_options` >= 2.")
    v = np.array([np.nanvar(c, ddof=1) if np.sum(~np.isnan(c)) >= 2 else np.nan for c in x.T])
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return float("nan")
    ratio = v.mean() / ((n_options ** 2 - 1) / 12)
    if ratio >= 1:
        return 0.0
    J = len(v)
    return float(J * (1 - ratio) / (J * (1 - ratio) + ratio))


# --------------------------------------------------------------------------- quality


def _respondent_matrix(survey: pd.DataFrame):
    """One row per respondent (sorted by year, unit, respondent) and a respondents × questions matrix.

    Returns ``(resp, x, scales)``: ``resp`` has ``year, unit_id, respondent_id,
    respondent_role`` (``""`` when unknown) and ``submitted_at`` (earliest, when present);
    ``x`` the answers (NaN = not answered; the first answer wins); ``scales`` the scale of
    each question column (``"all"`` without a ``scale`` column). Questions are sorted.
    """
    keys = ["year", "unit_id", "respondent_id"]
    s = survey.reset_index(drop=True)
    grouped = s.groupby(keys, sort=True)
    rcode = grouped.ngroup().to_numpy()
    qcode, quniq = pd.factorize(s["question"], sort=True)
    x = np.full((grouped.ngroups, len(quniq)), np.nan)
    order = np.arange(len(s))[::-1]  # assign last-to-first so the first answer wins
    x[rcode[order], qcode[order]] = s["response"].to_numpy(dtype=float)[order]
    resp = grouped.size().reset_index()[keys]
    g = pd.Series(rcode)
    if "respondent_role" in s.columns:
        resp["respondent_role"] = s["respondent_role"].groupby(rcode).first().to_numpy()
    else:
        resp["respondent_role"] = ""
    if "submitted_at" in s.columns:
        resp["submitted_at"] = pd.to_datetime(s["submitted_at"]).groupby(g.to_numpy()).min().to_numpy()
    if "scale" in s.columns:
        scales = s["scale"].astype(str).groupby(qcode).first().to_numpy()
    else:
        scales = np.array(["all"] * len(quniq), dtype=object)
    return resp, x, scales


def _burst(times: np.ndarray, window: np.timedelta64) -> float:
    """Largest share of submissions falling within one window of the given length."""
    t = np.sort(times[~np.isnat(times)])
    if len(t) == 0:
        return float("nan")
    ends = np.searchsorted(t, t + window, side="left")
    return float((ends - np.arange(len(t))).max() / len(t))


def _duplicates(x: np.ndarray, *, near_hamming: int, near_correlation: float, min_items: int) -> np.ndarray:
    """Per respondent: True when another respondent's answer vector is identical or near."""
    n = x.shape[0]
    ans = ~np.isnan(x)
    dup = np.zeros(n, dtype=bool)
    for i in range(n - 1):
        a, b = x[i], x[i + 1:]
        both = ans[i] & ans[i + 1:]
        either = ans[i] | ans[i + 1:]
        common = both.sum(axis=1)
        diff = ((a != b) & both).sum(axis=1) + (either & ~both).sum(axis=1)
        near = (common >= min_items) & (diff <= near_hamming)
        if near_correlation is not None and near_correlation <= 1:
            am = np.where(both, a, np.nan)
            bm = np.where(both, b, np.nan)
            with np.errstate(invalid="ignore", divide="ignore"):
                ca = am - np.nanmean(am, axis=1, keepdims=True)
                cb = bm - np.nanmean(bm, axis=1, keepdims=True)
                num = np.nansum(ca * cb, axis=1)
                den = np.sqrt(np.nansum(ca ** 2, axis=1) * np.nansum(cb ** 2, axis=1))
                r = np.where(den > 1e-12, num / np.where(den > 1e-12, den, 1.0), np.nan)
            near |= (common >= min_items) & (r >= near_correlation)
        if near.any():
            dup[i] = True
            dup[i + 1:][near] = True
    return dup


def _row_means(x: np.ndarray) -> np.ndarray:
    """Mean of each row over its non-missing cells (NaN for an empty row), without warnings."""
    cnt = (~np.isnan(x)).sum(axis=1)
    tot = np.where(np.isnan(x), 0.0, x).sum(axis=1)
    return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def survey_quality(
    survey: pd.DataFrame,
    *,
    straightline_threshold: float = 0.3,
    duplicate_threshold: float = 0.3,
    burst_threshold: float = 0.5,
    burst_window: str = "10min",
    near_hamming: int = 1,
    near_correlation: float = 0.98,
    min_items: int = 4,
    min_respondents: int = 5,
    response_range: tuple[float, float] = (1, 5),
) -> pd.DataFrame:
    """Signs that a unit's survey was filled in formally, one row per unit and year.

    Measures (per unit and year):

    * ``share_straightlined``: respondents who gave the same answer to every question
      they answered (at least ``min_items`` answers).
    * ``share_duplicate``: respondents whose answer vector is identical or near-identical
      to another respondent's in the same unit. *Near* means the two vectors differ in at
      most ``near_hamming`` items (an item answered by only one of them counts as a
      difference), or their Pearson correlation over the items both answered is at least
      ``near_correlation`` (the same pattern shifted up or down); at least ``min_items``
      common items are needed. Two straight-liners at the same level are duplicates.
    * ``leader_staff_diff``: mean answer of leaders minus mean answer of staff (means of
      respondent means); NaN unless both roles are present.
    * ``burst_share`` (timestamps only): the largest share of the unit's submissions made
      within one ``burst_window`` (default 10 minutes; half-open, i.e. submissions less
      than the window apart from the first); ``median_gap_minutes``: median
      time between consecutive submissions. A submission time is the earliest time of
      the respondent's rows. A burst can also be an honest sitting (forms filled in at a
      meeting), so the reason says so.
    * ``cronbach_alpha_mean`` / ``cronbach_alpha_min``: Cronbach α of each sub-scale
      (``scale`` column; the whole questionnaire when absent) among the unit's
      respondents (:func:`cronbach_alpha`), averaged / lowest over scales.
    * ``rwg_j``: within-unit agreement r_wg(J) over all questions (:func:`rwg_j`), with
      ``A = max − min + 1`` options from ``response_range``.

    A unit is ``suspect_formal`` when it has at least ``min_respondents`` respondents and
    ``share_straightlined ≥ straightline_threshold`` or ``share_duplicate ≥
    duplicate_threshold`` or ``burst_share ≥ burst_threshold``; ``reason_vi`` /
    ``reason_en`` say which, with the numbers. These are signs, not proof: an analyst
    should look at the forms before drawing conclusions.

    Returns
    -------
    DataFrame
        ``year, unit_id, n_respondents, n_leaders, n_staff, n_questions,
        share_straightlined, share_duplicate, leader_staff_diff, burst_share,
        median_gap_minutes, cronbach_alpha_mean, cronbach_alpha_min, rwg_j,
        suspect_formal, reason_vi, reason_en``.

    Examples
    --------
    >>> rows = []
    >>> for r, ans in enumerate([[5, 5, 5, 5], [5, 5, 5, 5], [5, 5, 5, 5], [2, 4, 3, 5], [4, 2, 5, 3]]):
    ...     rows += [{"year": 2023, "unit_id": "a", "respondent_id": f"r{r}", "respondent_role": "staff",
    ...               "question": f"q{j}", "response": float(v)} for j, v in enumerate(ans)]
    >>> q = survey_quality(pd.DataFrame(rows))
    >>> q[["n_respondents", "share_straightlined", "share_duplicate", "suspect_formal"]]
       n_respondents  share_straightlined  share_duplicate  suspect_formal
    0              5                  0.6              0.6            True
    >>> print(q["reason_en"].iat[0])
    60% of respondents gave the same answer to every question (threshold 30%); 60% gave the same or nearly the same answers as another respondent of the unit (threshold 30%)
    """
    need = ["year", "unit_id", "respondent_id", "question", "response"]
    miss = [c for c in need if c not in survey.columns]
    if miss:
        raise ValueError(f"`survey` lacks the column(s) {miss}; see read_survey.")
    for name, v in (("straightline_threshold", straightline_threshold), ("duplicate_threshold", duplicate_threshold),
                    ("burst_threshold", burst_threshold)):
        if not 0 < v <= 1:
            raise ValueError(f"`{name}` must be in (0, 1], but {v!r} was passed.")
    if near_hamming < 0 or min_items < 2 or min_respondents < 2:
        raise ValueError("`near_hamming` must be >= 0, `min_items` >= 2 and `min_respondents` >= 2.")
    window = pd.Timedelta(burst_window).to_timedelta64()
    n_options = int(round(response_range[1] - response_range[0])) + 1
    has_time = "submitted_at" in survey.columns
    resp, x_all, scales = _respondent_matrix(survey)
    bounds = np.flatnonzero(np.r_[True, (resp["year"].to_numpy()[1:] != resp["year"].to_numpy()[:-1])
                                  | (resp["unit_id"].to_numpy()[1:] != resp["unit_id"].to_numpy()[:-1]), True])
    rows = []
    for lo_, hi_ in zip(bounds[:-1], bounds[1:]):
        year, unit = resp["year"].iat[lo_], resp["unit_id"].iat[lo_]
        x = x_all[lo_:hi_]
        asked = (~np.isnan(x)).any(axis=0)  # questions put to this unit
        x, sc = x[:, asked], scales[asked]
        n = x.shape[0]
        answered = (~np.isnan(x)).sum(axis=1)
        straight = (answered >= min_items) & (np.where(np.isnan(x), -np.inf, x).max(axis=1)
                                              == np.where(np.isnan(x), np.inf, x).min(axis=1))
        dup = _duplicates(x, near_hamming=near_hamming, near_correlation=near_correlation, min_items=min_items)
        role = resp["respondent_role"].to_numpy()[lo_:hi_]
        means = _row_means(x)
        is_l, is_s = role == "leader", role == "staff"
        ml, ms = means[is_l & (answered > 0)], means[is_s & (answered > 0)]
        diff = float(ml.mean() - ms.mean()) if len(ml) and len(ms) else np.nan
        burst = gap = np.nan
        if has_time:
            t = resp["submitted_at"].to_numpy(dtype="datetime64[ns]")[lo_:hi_]
            if (~np.isnat(t)).any():
                burst = _burst(t, window)
                ts = np.sort(t[~np.isnat(t)])
                if len(ts) >= 2:
                    gap = float(np.median(np.diff(ts).astype("timedelta64[s]").astype(float)) / 60.0)
        alphas = np.array([cronbach_alpha(x[:, sc == k]) for k in dict.fromkeys(sc)], dtype=float)
        row = {
            "year": year, "unit_id": unit, "n_respondents": n,
            "n_leaders": int(is_l.sum()), "n_staff": int(is_s.sum()), "n_questions": x.shape[1],
            "share_straightlined": float(straight.mean()) if n else np.nan,
            "share_duplicate": float(dup.mean()) if n else np.nan,
            "leader_staff_diff": diff, "burst_share": burst, "median_gap_minutes": gap,
            "cronbach_alpha_mean": float(np.nanmean(alphas)) if (~np.isnan(alphas)).any() else np.nan,
            "cronbach_alpha_min": float(np.nanmin(alphas)) if (~np.isnan(alphas)).any() else np.nan,
            "rwg_j": rwg_j(x, n_options=n_options) if n >= 2 else np.nan,
        }
        vi, en = [], []
        if n < min_respondents:
            row["suspect_formal"] = False
            vi.append(f"chỉ có {n} người trả lời (cần ít nhất {min_respondents} để đánh giá)")
            en.append(f"only {n} respondents (at least {min_respondents} needed to judge)")
        else:
            flags = []
            if row["share_straightlined"] >= straightline_threshold:
                flags.append(True)
                vi.append(f"{_pct(row['share_straightlined'])} phiếu chọn cùng một mức cho mọi câu hỏi "
                          f"(ngưỡng {_pct(straightline_threshold)})")
                en.append(f"{_pct(row['share_straightlined'])} of respondents gave the same answer to every "
                          f"question (threshold {_pct(straightline_threshold)})")
            if row["share_duplicate"] >= duplicate_threshold:
                flags.append(True)
                vi.append(f"{_pct(row['share_duplicate'])} phiếu giống hệt hoặc gần giống phiếu khác "
                          f"trong đơn vị (ngưỡng {_pct(duplicate_threshold)})")
                en.append(f"{_pct(row['share_duplicate'])} gave the same or nearly the same answers as "
                          f"another respondent of the unit (threshold {_pct(duplicate_threshold)})")
            if not np.isnan(burst) and burst >= burst_threshold:
                flags.append(True)
                mins = int(window / np.timedelta64(1, "m"))
                vi.append(f"{_pct(burst)} phiếu được nộp trong cùng {mins} phút (ngưỡng {_pct(burst_threshold)}; "
                          "có thể do điền phiếu tập trung)")
                en.append(f"{_pct(burst)} of the forms were submitted within {mins} minutes (threshold "
                          f"{_pct(burst_threshold)}; may be a group sitting)")
            row["suspect_formal"] = bool(flags)
        row["reason_vi"] = "; ".join(vi)
        row["reason_en"] = "; ".join(en)
        rows.append(row)
    cols = ["year", "unit_id", "n_respondents", "n_leaders", "n_staff", "n_questions", "share_straightlined",
            "share_duplicate", "leader_staff_diff", "burst_share", "median_gap_minutes", "cronbach_alpha_mean",
            "cronbach_alpha_min", "rwg_j", "suspect_formal", "reason_vi", "reason_en"]
    out = pd.DataFrame(rows, columns=cols)
    if len(out):
        out["year"] = out["year"].astype("int64")
        out["suspect_formal"] = out["suspect_formal"].astype(bool)
    return out


def survey_reliability(survey: pd.DataFrame, *, response_range: tuple[float, float] = (1, 5)) -> pd.DataFrame:
    """Reliability of each sub-scale per year: internal consistency and within-unit agreement.

    Returns
    -------
    DataFrame
        ``year, scale, n_items, n_respondents (complete cases), n_units,
        cronbach_alpha`` (over all respondents, :func:`cronbach_alpha`), ``icc1`` (of the
        respondents' scale means grouped by unit, :func:`icc1`: how much of the answer
        variance lies between units) and ``rwg_j_median`` (median over units of
        :func:`rwg_j`). Without a ``scale`` column the whole questionnaire is one scale
        ``"all"``.

    Examples
    --------
    >>> rows = [{"year": 2023, "unit_id": u, "respondent_id": f"{u}{r}", "question": q,
    ...          "response": float(v + (q == "q2"))}
    ...         for u, base in (("a", 1), ("b", 3)) for r, v in enumerate([base, base + 1])
    ...         for q in ("q1", "q2")]
    >>> survey_reliability(pd.DataFrame(rows))[["scale", "n_items", "n_respondents", "cronbach_alpha", "icc1"]]
      scale  n_items  n_respondents  cronbach_alpha      icc1
    0   all        2              4             1.0  0.777778
    """
    s = survey if "scale" in survey.columns else survey.assign(scale="all")
    n_options = int(round(response_range[1] - response_range[0])) + 1
    rows = []
    for (year, scale), d in s.groupby(["year", "scale"], sort=True):
        w = d.pivot_table(index=["unit_id", "respondent_id"], columns="question", values="response", aggfunc="first")
        x = w.to_numpy(dtype=float)
        complete = ~np.isnan(x).any(axis=1)
        means = pd.DataFrame({"unit_id": w.index.get_level_values("unit_id"), "value": np.nanmean(x, axis=1)})
        rw = [rwg_j(g.to_numpy(dtype=float), n_options=n_options) for _, g in w.groupby(level="unit_id") if len(g) >= 2]
        rows.append({
            "year": int(year), "scale": str(scale), "n_items": x.shape[1], "n_respondents": int(complete.sum()),
            "n_units": int(means["unit_id"].nunique()), "cronbach_alpha": cronbach_alpha(x), "icc1": icc1(means),
            "rwg_j_median": float(np.nanmedian(rw)) if len(rw) and not np.isnan(rw).all() else np.nan,
        })
    return pd.DataFrame(rows, columns=["year", "scale", "n_items", "n_respondents", "n_units", "cronbach_alpha",
                                       "icc1", "rwg_j_median"])


register({
    "n_respondents": {"vi": "Số người trả lời", "en": "Respondents"},
    "n_leaders": {"vi": "Số lãnh đạo", "en": "Leaders"},
    "n_staff": {"vi": "Số công chức", "en": "Staff"},
    "n_questions": {"vi": "Số câu hỏi", "en": "Questions"},
    "share_straightlined": {"vi": "Tỷ lệ phiếu một mức", "en": "Share straight-lined"},
    "share_duplicate": {"vi": "Tỷ lệ phiếu trùng/gần trùng", "en": "Share duplicate"},
    "leader_staff_diff": {"vi": "Chênh lệch lãnh đạo − công chức", "en": "Leader − staff difference"},
    "burst_share": {"vi": "Tỷ lệ phiếu nộp dồn (10 phút)", "en": "Share in busiest 10 minutes"},
    "median_gap_minutes": {"vi": "Khoảng cách nộp trung vị (phút)", "en": "Median gap (minutes)"},
    "cronbach_alpha": {"vi": "Hệ số Cronbach α", "en": "Cronbach's α"},
    "cronbach_alpha_mean": {"vi": "Cronbach α trung bình", "en": "Mean Cronbach's α"},
    "cronbach_alpha_min": {"vi": "Cronbach α thấp nhất", "en": "Lowest Cronbach's α"},
    "rwg_j": {"vi": "Mức đồng thuận r_wg(J)", "en": "Agreement r_wg(J)"},
    "rwg_j_median": {"vi": "r_wg(J) trung vị", "en": "Median r_wg(J)"},
    "icc1": {"vi": "ICC(1)", "en": "ICC(1)"},
    "scale": {"vi": "Thang đo", "en": "Scale"},
    "n_items": {"vi": "Số câu", "en": "Items"},
    "n_units": {"vi": "Số đơn vị", "en": "Units"},
    "suspect_formal": {"vi": "Nghi điền hình thức", "en": "Suspected formal filling"},
    "reason": {"vi": "Lý do", "en": "Reason"},
    "appraisal_index": {"vi": "Chỉ số thẩm định (%)", "en": "Appraisal index (%)"},
    "survey_index": {"vi": "Chỉ số điều tra XHH (%)", "en": "Survey index (%)"},
    "gap": {"vi": "Chênh lệch (điểm %)", "en": "Gap (percentage points)"},
    "gap_rank": {"vi": "Hạng chênh lệch", "en": "Gap rank"},
    "share_at_max": {"vi": "Tỷ lệ đơn vị đạt tối đa", "en": "Share at maximum"},
    "share_at_zero": {"vi": "Tỷ lệ đơn vị 0 điểm", "en": "Share at zero"},
    "mean_achievement": {"vi": "Mức đạt trung bình", "en": "Mean achievement"},
    "item_total_r": {"vi": "Tương quan với chỉ số còn lại", "en": "Corrected item–total r"},
    "non_discriminating": {"vi": "Không còn phân loại", "en": "Non-discriminating"},
    "sd_achievement": {"vi": "Độ lệch chuẩn mức đạt", "en": "SD of achievement"},
    "gap_z": {"vi": "Chênh lệch chuẩn hóa (z)", "en": "Standardised gap (z)"},
    "appraisal_rank": {"vi": "Hạng thẩm định", "en": "Appraisal rank"},
    "survey_rank": {"vi": "Hạng điều tra", "en": "Survey rank"},
    "rank_shift": {"vi": "Chênh lệch hạng", "en": "Rank shift"},
})


def quality_table(quality: pd.DataFrame, *, lang: str = "vi", flagged_only: bool = True) -> pd.DataFrame:
    """Display table of :func:`survey_quality` with headers and reasons in ``lang``.

    Examples
    --------
    >>> q = pd.DataFrame({"year": [2023], "unit_id": ["a"], "n_respondents": [5],
    ...     "share_straightlined": [0.6], "share_duplicate": [0.6], "burst_share": [np.nan],
    ...     "suspect_formal": [True], "reason_vi": ["lý do"], "reason_en": ["reason"]})
    >>> list(quality_table(q, lang="en").columns)
    ['Year', 'Unit id', 'Respondents', 'Share straight-lined', 'Share duplicate', 'Share in busiest 10 minutes', 'Reason']
    """
    check_lang(lang)
    from ..labels import column_labels

    q = quality.loc[quality["suspect_formal"]] if flagged_only else quality
    cols = [c for c in ["year", "unit_id", "n_respondents", "share_straightlined", "share_duplicate",
                        "burst_share", "leader_staff_diff"] if c in q.columns]
    out = q[cols].copy()
    if not flagged_only:
        out["suspect_formal"] = q["suspect_formal"].to_numpy()
    out["reason"] = q[f"reason_{lang}"].to_numpy()
    return out.rename(columns=column_labels(out.columns, lang)).reset_index(drop=True)


def criteria_table(discrimination: pd.DataFrame, *, lang: str = "vi", flagged_only: bool = True) -> pd.DataFrame:
    """Display table of :func:`criteria_discrimination` with headers and reasons in ``lang``.

    Examples
    --------
    >>> d = pd.DataFrame({"year": [2023, 2023], "criterion": ["7.1", "1.1"], "n_applicable": [36, 36],
    ...     "share_at_max": [1.0, 0.3], "mean_achievement": [1.0, 0.6], "item_total_r": [np.nan, 0.4],
    ...     "non_discriminating": [True, False], "reason_vi": ["bão hòa", ""], "reason_en": ["saturated", ""]})
    >>> t = criteria_table(d, lang="en")
    >>> list(t.columns)
    ['Year', 'Criterion', 'Units', 'Share at maximum', 'Mean achievement', 'Corrected item–total r', 'Reason']
    >>> t["Reason"].tolist()
    ['saturated']
    """
    check_lang(lang)
    from ..labels import column_labels

    d = discrimination.loc[discrimination["non_discriminating"]] if flagged_only else discrimination
    cols = [c for c in ["year", "criterion", "field", "component", "n_applicable", "share_at_max", "share_at_zero",
                        "mean_achievement", "item_total_r"] if c in d.columns]
    out = d[cols].rename(columns={"n_applicable": "n_units"})  # units where the criterion applies
    if not flagged_only:
        out["non_discriminating"] = d["non_discriminating"].to_numpy()
    out["reason"] = d[f"reason_{lang}"].to_numpy()
    return out.rename(columns=column_labels(out.columns, lang)).reset_index(drop=True)


# --------------------------------------------------------------------------- scores-based


def survey_vs_appraisal(scores: pd.DataFrame) -> pd.DataFrame:
    """Per unit and year: the survey index against the appraisal index, the gap and its rank.

    Both indices come from :func:`cchc_analysis.scoring.applicable_index` at
    ``level="component"`` (points over applicable maximum, in %).
    ``gap = survey_index − appraisal_index`` (percentage points); ``gap_rank`` ranks the
    gap within the year, 1 = the survey most above the appraisal (competition ranking);
    ``gap_z`` is the same comparison on standardised indices (z-scores within the year),
    which is fairer when the two components spread differently; ``rank_shift =
    appraisal_rank − survey_rank`` (positive: the unit ranks better on the survey).
    Units lacking one component have NaN gaps and no ranks.

    Returns
    -------
    DataFrame
        ``year, unit_id, [unit_name, unit_type], appraisal_index, survey_index, gap,
        gap_z, appraisal_rank, survey_rank, rank_shift, gap_rank``, sorted by year and
        gap rank.

    Examples
    --------
    >>> scores = pd.DataFrame({"year": 2023, "unit_id": ["a", "a", "b", "b"],
    ...     "criterion": ["1.1", "1.6"] * 2, "component": ["appraisal", "survey"] * 2,
    ...     "max_points": 2.0, "points": [2.0, 1.0, 1.0, 2.0], "applicable": True})
    >>> survey_vs_appraisal(scores)[["unit_id", "appraisal_index", "survey_index", "gap", "gap_rank"]]
      unit_id  appraisal_index  survey_index    gap  gap_rank
    0       b             50.0         100.0   50.0         1
    1       a            100.0          50.0  -50.0         2
    """
    from ..scoring import applicable_index

    idx = applicable_index(scores, level="component")
    wide = idx.pivot_table(index=["year", "unit_id"], columns="component", values="index", aggfunc="first")
    wide = wide.reindex(columns=["appraisal", "survey"])
    out = wide.reset_index().rename(columns={"appraisal": "appraisal_index", "survey": "survey_index"})
    out.columns.name = None
    for extra in ("unit_name", "unit_type"):
        if extra in idx.columns:
            lk = idx.drop_duplicates("unit_id").set_index("unit_id")[extra]
            out.insert(out.columns.get_loc("appraisal_index"), extra, out["unit_id"].map(lk).to_numpy())
    out["gap"] = out["survey_index"] - out["appraisal_index"]
    g = out.groupby("year")

    def z(c):
        return (out[c] - g[c].transform("mean")) / g[c].transform("std")

    out["gap_z"] = z("survey_index") - z("appraisal_index")
    out["appraisal_rank"] = g["appraisal_index"].rank(method="min", ascending=False).astype("Int64")
    out["survey_rank"] = g["survey_index"].rank(method="min", ascending=False).astype("Int64")
    out["rank_shift"] = out["appraisal_rank"] - out["survey_rank"]
    out["gap_rank"] = g["gap"].rank(method="min", ascending=False).astype("Int64")
    out["year"] = out["year"].astype(scores["year"].dtype)
    return out.sort_values(["year", "gap_rank", "unit_id"], na_position="last").reset_index(drop=True)


def criteria_discrimination(
    scores: pd.DataFrame,
    *,
    threshold: float = 0.9,
    by=("year",),
    min_units: int = 5,
    flagged_only: bool = False,
) -> pd.DataFrame:
    """How well each criterion still tells units apart; the non-discriminating ones first.

    Over the units where the criterion applies (per ``by`` group, by default per year):
    ``share_at_max`` (units with full points), ``share_at_zero``, ``mean_achievement``
    (mean of points / max_points) and ``item_total_r``, the *corrected* item–total
    correlation: Pearson's r between the unit's achievement on the criterion and the
    unit's index over its *other* applicable criteria (``100 × (P − pᶜ) / (M − mᶜ)``),
    NaN when the criterion does not vary. A criterion is ``non_discriminating`` when at
    least ``min_units`` units carry it and ``share_at_max ≥ threshold`` or
    ``share_at_zero ≥ threshold``: it separates nobody and is a candidate to replace.

    Parameters
    ----------
    scores : canonical scores table.
    threshold : share of units at the maximum (or at zero) from which a criterion no
        longer discriminates (default 0.9 = 90 %).
    by : grouping columns (``()`` pools every year: each unit-year counts once).
    min_units : fewer applicable units than this are too few to judge (never flagged).
    flagged_only : return only the candidates to replace.

    Returns
    -------
    DataFrame
        ``[by], criterion, field, component, max_points, n_applicable, share_at_max,
        share_at_zero, mean_achievement, sd_achievement, item_total_r,
        non_discriminating, reason_vi, reason_en``; sorted with the non-discriminating
        criteria first (highest share at maximum first), then by criterion.

    Examples
    --------
    >>> scores = pd.DataFrame({"year": 2023, "unit_id": np.repeat(list("abcdef"), 2),
    ...     "field": "7", "criterion": ["7.1", "7.2"] * 6, "component": "appraisal",
    ...     "max_points": 1.0, "points": [1, 1, 1, 0, 1, 1, 1, 0, 1, .5, 1, 1.0],
    ...     "applicable": True})
    >>> criteria_discrimination(scores)[["criterion", "n_applicable", "share_at_max", "non_discriminating"]]
      criterion  n_applicable  share_at_max  non_discriminating
    0       7.1             6      1.000000                True
    1       7.2             6      0.500000               False
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"`threshold` must be in (0, 1], but {threshold!r} was passed.")
    by = [by] if isinstance(by, str) else list(by)
    need = ["year", "unit_id", "criterion", "max_points", "points", "applicable", *by]
    miss = [c for c in dict.fromkeys(need) if c not in scores.columns]
    if miss:
        raise ValueError(f"`scores` lacks the column(s) {miss}.")
    a = scores.loc[scores["applicable"].astype(bool)].copy()
    if a["points"].isna().any():
        raise ValueError("applicable criteria without points — validate the data first (cchc validate).")
    a["ach"] = a["points"].to_numpy(dtype=float) / a["max_points"].to_numpy(dtype=float)
    tot = a.groupby(["year", "unit_id"])[["points", "max_points"]].transform("sum")
    rest_max = tot["max_points"] - a["max_points"]
    with np.errstate(invalid="ignore", divide="ignore"):
        a["rest"] = np.where(rest_max > 0, 100 * (tot["points"] - a["points"]) / rest_max.where(rest_max > 0, 1), np.nan)
    tol = 1e-9
    a["at_max"] = a["points"] >= a["max_points"] - tol
    a["at_zero"] = a["points"] <= tol
    keys = [*by, "criterion"]

    def corr(d):
        d = d.dropna(subset=["rest"])
        if len(d) < 3:
            return np.nan
        x = d["ach"].to_numpy() - d["ach"].mean()
        y = d["rest"].to_numpy() - d["rest"].mean()
        den = np.sqrt((x ** 2).sum() * (y ** 2).sum())
        return float((x * y).sum() / den) if den > 1e-12 else np.nan

    g = a.groupby(keys, sort=True)
    out = g.agg(field=("field", "first") if "field" in a else ("criterion", "first"),
                component=("component", "first") if "component" in a else ("criterion", "first"),
                max_points=("max_points", "first"), n_applicable=("unit_id", "size"),
                share_at_max=("at_max", "mean"), share_at_zero=("at_zero", "mean"),
                mean_achievement=("ach", "mean"), sd_achievement=("ach", "std")).reset_index()
    out["item_total_r"] = [corr(d) for _, d in g[["ach", "rest"]]]
    out["n_applicable"] = out["n_applicable"].astype("int64")
    enough = out["n_applicable"] >= min_units
    hi = out["share_at_max"] >= threshold
    lo = out["share_at_zero"] >= threshold
    out["non_discriminating"] = enough & (hi | lo)
    vi, en = [], []
    for r in out.itertuples():
        if not r.n_applicable >= min_units:
            vi.append(f"chỉ {r.n_applicable} đơn vị có phát sinh: quá ít để đánh giá")
            en.append(f"only {r.n_applicable} applicable units: too few to judge")
        elif r.share_at_max >= threshold:
            vi.append(f"{_pct(r.share_at_max)} đơn vị đạt điểm tối đa (ngưỡng {_pct(threshold)}): không còn phân loại")
            en.append(f"{_pct(r.share_at_max)} of units at the maximum (threshold {_pct(threshold)}): "
                      "no longer discriminates")
        elif r.share_at_zero >= threshold:
            vi.append(f"{_pct(r.share_at_zero)} đơn vị 0 điểm (ngưỡng {_pct(threshold)}): không phân loại")
            en.append(f"{_pct(r.share_at_zero)} of units at zero (threshold {_pct(threshold)}): does not discriminate")
        else:
            vi.append("")
            en.append("")
    out["reason_vi"], out["reason_en"] = vi, en
    if "year" in out.columns:
        out["year"] = out["year"].astype(scores["year"].dtype)
    out = out.sort_values([*by, "non_discriminating", "share_at_max", "criterion"],
                          ascending=[True] * len(by) + [False, False, True]).reset_index(drop=True)
    if flagged_only:
        out = out.loc[out["non_discriminating"]].reset_index(drop=True)
    return out


def survey_summary(quality: pd.DataFrame, discrimination: pd.DataFrame | None = None, *,
                   lang: str = "vi") -> str:
    """A short verdict in ``lang`` on the survey quality (and the criteria to reconsider).

    Examples
    --------
    >>> q = pd.DataFrame({"year": [2023, 2023], "unit_id": ["a", "b"], "suspect_formal": [True, False]})
    >>> print(survey_summary(q, lang="en"))
    1 of 2 units (2023) show signs of a formally filled survey: a.
    """
    check_lang(lang)
    years = ", ".join(str(y) for y in sorted(quality["year"].unique())) if len(quality) else ""
    flagged = quality.loc[quality["suspect_formal"], "unit_id"].tolist()
    n, k = len(quality), len(flagged)
    if lang == "vi":
        text = (f"{k}/{n} đơn vị ({years}) có dấu hiệu điền phiếu điều tra hình thức"
                + (f": {', '.join(flagged)}." if k else "."))
    else:
        text = (f"{k} of {n} units ({years}) show signs of a formally filled survey"
                + (f": {', '.join(flagged)}." if k else "."))
    if discrimination is not None:
        crit = discrimination.loc[discrimination["non_discriminating"], "criterion"].drop_duplicates().tolist()
        if lang == "vi":
            text += (f"\nTiêu chí không còn phân loại đơn vị (nên xem xét thay thế): {', '.join(crit)}."
                     if crit else "\nKhông có tiêu chí nào bão hòa.")
        else:
            text += (f"\nCriteria that no longer tell units apart (candidates to replace): {', '.join(crit)}."
                     if crit else "\nNo criterion is saturated.")
    return text


# --------------------------------------------------------------------------- synthetic


_QUESTION_TEXT = {
    "1": [("Lãnh đạo đơn vị thường xuyên chỉ đạo công tác CCHC", "Unit leaders steer PAR work regularly"),
          ("Kế hoạch CCHC của đơn vị sát thực tế", "The unit's PAR plan is realistic")],
    "2": [("Văn bản do đơn vị soạn thảo rõ ràng, khả thi", "Documents drafted by the unit are clear and workable"),
          ("Việc rà soát văn bản được thực hiện nghiêm túc", "Document review is done seriously")],
    "3": [("Thủ tục hành chính được công khai đầy đủ", "Administrative procedures are fully published"),
          ("Hồ sơ được giải quyết đúng hạn", "Files are settled on time")],
    "4": [("Chức năng, nhiệm vụ các phòng rõ ràng", "Duties of the divisions are clear"),
          ("Không có chồng chéo nhiệm vụ trong đơn vị", "No overlapping duties inside the unit")],
    "5": [("Tuyển dụng, bổ nhiệm công khai, minh bạch", "Recruitment and appointments are open and transparent"),
          ("Công chức được đánh giá đúng năng lực", "Civil servants are assessed on merit")],
    "6": [("Tài chính của đơn vị được công khai", "The unit's finances are published"),
          ("Kinh phí được sử dụng đúng mục đích", "Funds are used as intended")],
    "7": [("Hệ thống quản lý văn bản hoạt động tốt", "The document system works well"),
          ("Dịch vụ công trực tuyến dễ sử dụng", "Online public services are easy to use")],
}


def synthetic_survey_questions(seed: int | None = None) -> pd.DataFrame:
    """The instrument of the SYNTHETIC survey: two questions per field on a 1–5 scale.

    Each field's two questions form one sub-scale (``scale = "f<field>"``) and feed the
    field's survey criterion of the synthetic ministry (half its maximum each), so
    :func:`survey_points` turns the synthetic survey into ``component="survey"`` rows.
    Field 6 (public finance) is asked only in the Cục.

    Returns
    -------
    DataFrame
        ``question, scale, field, criterion, max_points, scale_min, scale_max, text_vi,
        text_en``.

    Examples
    --------
    >>> q = synthetic_survey_questions()
    >>> len(q), q["question"].iloc[0], q["criterion"].iloc[0], float(q["max_points"].iloc[0])
    (14, 'q1_1', '1.6', 1.5)
    """
    from ..synthetic import DEFAULT_SEED, synthetic_criteria

    crit = synthetic_criteria(DEFAULT_SEED if seed is None else seed)
    surv = crit.loc[crit["component"] == "survey"].set_index("field")
    rows = []
    for field, texts in _QUESTION_TEXT.items():
        for k, (vi, en) in enumerate(texts, 1):
            rows.append({"question": f"q{field}_{k}", "scale": f"f{field}", "field": field,
                         "criterion": surv.loc[field, "criterion"],
                         "max_points": float(surv.loc[field, "max_points"]) / len(texts),
                         "scale_min": 1.0, "scale_max": 5.0, "text_vi": vi, "text_en": en})
    return pd.DataFrame(rows)


_MODES = ("copied", "straightline", "burst")


def make_synthetic_survey(
    seed: int | None = None,
    *,
    n_cuc: int = 18,
    n_vu: int = 16,
    years=(2021, 2022, 2023),
    n_planted: int = 5,
    return_truth: bool = False,
):
    """Respondent-level answers of the SYNTHETIC ministry, with planted formal filling.

    The model. Units, years and latent abilities are those of
    :func:`cchc_analysis.synthetic.make_synthetic_scores` with the same seed. Each unit
    and year has 10–16 staff and 3–5 leaders. An honest answer to question ``q`` of
    respondent ``i`` in unit ``u`` is ``round(3.2 + 0.45 θ_u + b_i + c_{i,scale} +
    0.3·leader + δ_q + ε)`` clipped to 1–5, with respondent leniency ``b_i ~ N(0,
    0.5²)``, a respondent-by-scale effect ``c ~ N(0, 0.4²)`` (so the two questions of a
    scale hang together), item offsets ``δ_q ~ N(0, 0.25²)`` and noise ``ε ~ N(0,
    0.55²)``; 3 % of honest respondents straight-line and 1 % of answers are skipped.
    Honest forms are submitted at random working hours over three weeks of November.

    Each year ``n_planted`` units are planted as formally filled, each with one or two
    modes: ``copied`` (50–80 % of the staff copy one favourable answer vector, half of
    the copies changed in one item), ``straightline`` (45–75 % of respondents answer 5,
    or 4, to everything) and ``burst`` (70–100 % of the forms submitted within a few
    minutes).

    Parameters
    ----------
    seed : the synthetic ministry's seed (default ``synthetic.DEFAULT_SEED``).
    n_cuc, n_vu, years : as in :func:`~cchc_analysis.synthetic.make_synthetic_scores`.
    n_planted : units planted as formally filled per year.
    return_truth : also return ``year, unit_id, planted, modes``.

    Returns
    -------
    DataFrame, or (DataFrame, DataFrame) with ``return_truth``
        The canonical survey table with ``submitted_at`` and ``scale``.

    Examples
    --------
    >>> s, truth = make_synthetic_survey(seed=1, n_cuc=2, n_vu=2, years=(2023,), n_planted=1,
    ...                                  return_truth=True)
    >>> sorted(s["unit_id"].unique())
    ['cuc-01', 'cuc-02', 'thanh-tra-bo', 'van-phong-bo', 'vu-01', 'vu-02']
    >>> int(truth["planted"].sum()), bool(s["response"].dropna().between(1, 5).all())
    (1, True)
    """
    from ..synthetic import DEFAULT_SEED, make_synthetic_scores

    seed = DEFAULT_SEED if seed is None else seed
    if n_planted < 0:
        raise ValueError(f"`n_planted` must be >= 0, but {n_planted!r} was passed.")
    _, truth = make_synthetic_scores(seed, n_cuc=n_cuc, n_vu=n_vu, years=years, return_truth=True)
    if n_planted > truth["unit_id"].nunique():
        raise ValueError("`n_planted` exceeds the number of units.")
    qs = synthetic_survey_questions(seed)
    rng = np.random.default_rng([seed, 7])
    delta = rng.normal(0, 0.25, len(qs))
    frames, planted_rows = [], []
    for year, ty in truth.groupby("year", sort=True):
        units = ty.reset_index(drop=True)
        planted = set(rng.choice(len(units), size=n_planted, replace=False).tolist()) if n_planted else set()
        start = np.datetime64(f"{int(year)}-11-01T00:00:00")
        for ui, u in units.iterrows():
            qmask = (qs["field"] != "6").to_numpy() | (u["unit_type"] == "cuc")
            qsub = qs.loc[qmask].reset_index(drop=True)
            dq = delta[qmask]
            scales = qsub["scale"].to_numpy()
            scale_ids = {s: k for k, s in enumerate(dict.fromkeys(scales))}
            sidx = np.array([scale_ids[s] for s in scales])
            n_staff, n_lead = int(rng.integers(10, 17)), int(rng.integers(3, 6))
            n = n_staff + n_lead
            leader = np.arange(n) >= n_staff
            b = rng.normal(0, 0.5, n)
            c = rng.normal(0, 0.4, (n, len(scale_ids)))[:, sidx]
            eps = rng.normal(0, 0.55, (n, len(qsub)))
            lat = 3.2 + 0.45 * u["ability"] + b[:, None] + c + 0.3 * leader[:, None] + dq[None, :] + eps
            x = np.clip(np.round(lat), 1, 5)
            honest_sl = rng.uniform(size=n) < 0.03
            x[honest_sl] = np.clip(np.round(3.2 + 0.45 * u["ability"] + b[honest_sl] + 0.5), 1, 5)[:, None]
            # submissions: random working time within three weeks
            day = rng.integers(0, 21, n)
            secs = rng.integers(8 * 3600, 17 * 3600, n)
            times = start + (day * 86400 + secs).astype("timedelta64[s]")
            modes = []
            if ui in planted:
                k = 1 + int(rng.uniform() < 0.4)
                modes = sorted(rng.choice(_MODES, size=k, replace=False).tolist(), key=_MODES.index)
                if "copied" in modes:
                    template = np.clip(np.round(4.3 + rng.normal(0, 0.6, len(qsub))), 1, 5)
                    m = max(2, int(round(rng.uniform(0.5, 0.8) * n_staff)))
                    who = rng.choice(n_staff, size=m, replace=False)
                    for i in who:
                        x[i] = template
                        if rng.uniform() < 0.5:
                            j = rng.integers(len(qsub))
                            x[i, j] = np.clip(template[j] + rng.choice([-1, 1]), 1, 5)
                if "straightline" in modes:
                    m = max(2, int(round(rng.uniform(0.45, 0.75) * n)))
                    who = rng.choice(n, size=m, replace=False)
                    x[who] = rng.choice([5.0, 4.0], p=[0.7, 0.3])
                if "burst" in modes:
                    m = max(2, int(round(rng.uniform(0.7, 1.0) * n)))
                    who = rng.choice(n, size=m, replace=False)
                    t0 = start + np.timedelta64(int(rng.integers(0, 20)) * 86400 + int(rng.integers(9 * 3600, 15 * 3600)), "s")
                    times[who] = t0 + rng.integers(0, int(rng.uniform(3, 9) * 60), m).astype("timedelta64[s]")
            skip = rng.uniform(size=x.shape) < 0.01
            x = np.where(skip, np.nan, x)
            rid = np.array([f"r{i + 1:02d}" for i in range(n)])
            nq = len(qsub)
            frames.append(pd.DataFrame({
                "year": np.int64(year), "unit_id": u["unit_id"],
                "respondent_id": np.repeat(rid, nq),
                "respondent_role": np.repeat(np.where(leader, "leader", "staff"), nq),
                "question": np.tile(qsub["question"].to_numpy(), n),
                "response": x.ravel(),
                "submitted_at": np.repeat(times, nq).astype("datetime64[ns]"),
                "scale": np.tile(scales, n),
            }))
            planted_rows.append({"year": int(year), "unit_id": u["unit_id"], "planted": bool(modes),
                                 "modes": "+".join(modes)})
    survey = pd.concat(frames, ignore_index=True)
    for col in ["unit_id", "respondent_id", "respondent_role", "question", "scale"]:
        survey[col] = survey[col].astype(str)
    if return_truth:
        t = pd.DataFrame(planted_rows)
        t["year"] = t["year"].astype("int64")
        return survey, t
    return survey


def write_synthetic_survey(path, *, _bundle_raw: bool = False, **kwargs) -> Path:
    """Write the SYNTHETIC survey as a long CSV with a ``note`` column saying it is synthetic.

    Keyword arguments go to :func:`make_synthetic_survey`. Answers are written as whole
    numbers (an empty cell is a skipped question), times as ``YYYY-MM-DD HH:MM:SS``.
    Refuses ``data/raw/`` unless called by the bundling command.
    """
    from ..outputs import atomic_write_bytes
    from ..synthetic import SYNTHETIC_LABEL

    kwargs.pop("return_truth", None)
    s = make_synthetic_survey(**kwargs)
    out = s.copy()
    out["response"] = out["response"].astype("Int64")
    out["submitted_at"] = out["submitted_at"].dt.strftime("%Y-%m-%d %H:%M:%S")
    out["note"] = np.where(out.index == 0, SYNTHETIC_LABEL, "synthetic")
    buf = _io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return atomic_write_bytes(path, buf.getvalue().encode("utf-8"), _bundle_raw=_bundle_raw)
