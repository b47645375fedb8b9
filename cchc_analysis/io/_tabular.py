"""The ONE tabular layer under every reader: file checks, CSV decoding and sniffing,
workbooks (opened through openpyxl, which parses XML with ``defusedxml``), sheet rows
with merged header cells, the header search, column alias tables, located problems
and the provenance flag read from a file's own metadata.

The readers (:mod:`.scores`, :mod:`.survey`) add only what their table means.
"""

from __future__ import annotations

import csv
import io as _io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ..provenance import SYNTHETIC_KEYWORD
from ..text import clean_text, fold

#: At most this many problems are listed per check (the count of the rest is given).
MAX_PROBLEMS_PER_CHECK = 200
#: The header is searched for among the first rows (title rows may stand above it).
HEADER_SEARCH_ROWS = 15

#: A unit that keeps self-assessed points has left one empty on an arising criterion (every layout).
SELF_POINTS_MISSING = ("thiếu điểm tự chấm (các tiêu chí khác có); nhập điểm hoặc ghi KPS",
                       "self-assessed points are missing (other criteria have them); enter them or write KPS")

CSV_EXTENSIONS = {".csv", ".txt", ".tsv"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
PARQUET_EXTENSIONS = {".parquet", ".pq"}

# --------------------------------------------------------------------------- aliases

#: Headers (folded) shared by every table; each reader adds its own.
COMMON_ALIASES: dict[str, list[str]] = {
    "year": ["year", "nam", "nam danh gia", "nam khao sat", "nam dieu tra"],
    "unit_id": ["unit_id", "unit id", "ma don vi", "ma dv"],
    "unit_name": ["unit_name", "unit name", "don vi", "ten don vi"],
    "unit_type": ["unit_type", "unit type", "loai don vi", "loai"],
    "note": ["note", "ghi chu", "giai trinh"],
    "synthetic": ["synthetic", "du lieu tong hop", "gia lap"],
}


def alias_table(*tables: dict[str, list[str]]) -> dict[str, str]:
    """Folded header -> canonical column, from ``{canonical: [headers]}`` tables (later
    tables win). Headers are folded as :func:`canon_col` folds them."""
    out: dict[str, str] = {}
    for table in tables:
        for canon, names in table.items():
            for n in names:
                out[_fold_header(n)] = canon
    return out


def _fold_header(name) -> str:
    f = fold(str(name)).replace("_", " ").strip(" :*")
    return " ".join(f.split())


def canon_col(name, aliases: dict[str, str]) -> str | None:
    """The canonical column a header names (``"Mã đơn vị"`` -> ``unit_id``), or None."""
    if name is None:
        return None
    return aliases.get(_fold_header(name))


# right-to-left overrides/embeddings/isolates and other invisible format characters
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")


def bad_text(value: str | None, *, id_like: bool = False) -> tuple[str, str] | None:
    """Why a text cell cannot be used as it is (``(vi, en)``), or None.

    Refused in every id and name: right-to-left override and other direction-control
    characters (invisible; they reverse the text in every output) and control characters.
    In ids (``id_like``) also full-width or other compatibility characters (``１.１`` looks
    like ``1.1`` but would silently be another id).
    """
    if value is None:
        return None
    if _BIDI.search(value) or any(unicodedata.category(ch) == "Cc" for ch in value):
        return ("có ký tự điều khiển ẩn (ví dụ đảo chiều chữ RTL U+202E); gõ lại ô này",
                "holds an invisible control character (e.g. the right-to-left override U+202E); retype the cell")
    if id_like and unicodedata.normalize("NFKC", value) != value:
        return ("có ký tự toàn chiều rộng hoặc ký tự tương thích (ví dụ '１' thay cho '1'); gõ lại bằng bàn phím "
                "thường", "holds full-width or compatibility characters (e.g. '１' for '1'); retype it in plain ASCII")
    return None


#: A unit name longer than this is refused (a pasted paragraph, not a name).
MAX_NAME_CHARS = 200

def near_header(written: str, aliases: dict[str, str], *, ignore=frozenset({"note", "synthetic"})) -> str | None:
    """The canonical column an unrecognised header probably meant (a prefix of at least
    four letters, or one or two letters off a known header), or None: readers report such a
    header (``comp``, ``unit_nme``), since reading on without that column would silently
    change the table."""
    h = _fold_header(written)
    if len(h) < 4:
        return None
    best = None
    for known, canon in aliases.items():
        if canon in ignore or len(known) < 4:
            continue
        if known.startswith(h) or (abs(len(known) - len(h)) <= 2 and _edits(h, known) <= (1 if len(known) < 6 else 2)):
            best = canon
            break
    return best


def _edits(a: str, b: str) -> int:
    """Levenshtein distance with adjacent swaps (small strings)."""
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def text_id(v) -> str | None:
    """An id as text; an Excel number 3.0 (typed "3") becomes "3"."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return clean_text(v)


# --------------------------------------------------------------------------- problems


class Problems(list):
    """Problems found in a file; remembers each sheet's headers as written, so messages
    name columns as the analyst wrote them (e.g. 'Điểm đạt được', not 'points')."""

    def __init__(self):
        super().__init__()
        self.headers: dict[tuple, dict[str, str]] = {}

    def localise(self) -> list[Problem]:
        out = []
        for p in self:
            h = self.headers.get((p.file, p.sheet), {})
            out.append(Problem(p.file, p.sheet, p.row, h.get(p.column, p.column), p.vi, p.en))
        return out


def raise_first(problems: list[Problem], *, see_vi: str, see_en: str) -> None:
    """Raise the first problem "and N more" (every one kept on the error), if any."""
    if problems:
        raise DataError.from_problems(problems, see_vi=see_vi, see_en=see_en)


def check_file(path: Path) -> list[Problem]:
    """Raise for a missing file or a folder; an empty file is a problem to report."""
    f = str(path)
    if not path.exists():
        raise DataError(Problem(f, None, None, None, "không tìm thấy tệp", "file not found"))
    if path.is_dir():
        raise DataError(Problem(f, None, None, None, "đây là thư mục, không phải tệp", "this is a folder, not a file"))
    if path.stat().st_size == 0:
        return [Problem(f, None, None, None, "tệp rỗng", "the file is empty")]
    return []


def unsupported_format(path: Path) -> DataError:
    ext = path.suffix.lower()
    return DataError(Problem(
        str(path), None, None, None,
        f"định dạng '{ext}' chưa hỗ trợ; dùng .xlsx, .csv hoặc .parquet",
        f"format '{ext}' is not supported; use .xlsx, .csv or .parquet",
    ))


def no_sheet(path, sheet: str, names: list[str]) -> Problem:
    return Problem(str(path), sheet, None, None,
                   f"không có trang tính '{sheet}'; các trang tính đang có: {names}",
                   f"there is no sheet '{sheet}'; sheets present: {names}")


def find_sheet(names: list[str], sheet: str) -> str | None:
    """The sheet called ``sheet`` (exactly, or up to case and diacritics), or None."""
    if sheet in names:
        return sheet
    return {fold(n): n for n in names}.get(fold(sheet))


# --------------------------------------------------------------------------- reading cells


#: A CSV larger than this is refused (use Parquet for big tables).
MAX_CSV_BYTES = 200 * 2**20
#: One CSV field longer than this is refused (a note, a name: never this long).
MAX_FIELD_CHARS = 10_000
# UTF-8 read as cp1252/latin-1 and saved again: "Cá»¥c", "Ä‘", "Æ°" ...
_MOJIBAKE = re.compile("Ã[\x80-\xbf¡-ÿ]|á»|áº|Ä[\x80-\xbf‘]|Æ[°¡]|â€")


# a letter, '?', a letter: accented letters lost by saving in an encoding without them ("C?c")
_LOST_LETTERS = re.compile(r"[^\W\d_]\?[^\W\d_]")


def read_parquet_frame(path: Path) -> pd.DataFrame:
    """A Parquet file as a frame; a truncated or damaged file is a :class:`DataError`."""
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ... on a damaged file
        raise DataError(Problem(
            str(path), None, None, None,
            f"không đọc được tệp Parquet (tệp hỏng hoặc bị cắt: {type(exc).__name__}); hãy xuất lại tệp",
            f"cannot read the Parquet file (damaged or truncated: {type(exc).__name__}); export it again",
        )) from exc


def read_csv_rows(path: Path, *, ragged_ok: bool = False) -> list[list]:
    """The rows of a UTF-8 CSV (BOM allowed; ``,``, ``;`` or tab, sniffed).

    Refused with a located error: a file over :data:`MAX_CSV_BYTES`, a field over
    :data:`MAX_FIELD_CHARS`, text that is not UTF-8 or that was mis-decoded once already
    (mojibake such as ``Cá»¥c``), and (unless ``ragged_ok``) a row with more cells than the
    header (an unquoted ``1,5`` in a comma CSV) — never silently dropped.
    """
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise DataError(Problem(str(path), None, None, None,
                                f"tệp CSV {size / 2**20:,.0f} MB quá lớn (tối đa {MAX_CSV_BYTES // 2**20} MB); dùng Parquet",
                                f"the CSV is {size / 2**20:,.0f} MB, over the {MAX_CSV_BYTES // 2**20} MB limit; use Parquet"))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(Problem(
            str(path), None, None, None,
            f"tệp không phải UTF-8 ({exc}); trong Excel hãy lưu 'CSV UTF-8'",
            f"the file is not UTF-8 ({exc}); in Excel save as 'CSV UTF-8'",
        )) from exc
    if not text.strip():
        return []
    m = _MOJIBAKE.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        raise DataError(Problem(
            str(path), None, line, None,
            f"chữ bị lỗi mã hóa ('{text[max(0, m.start() - 5):m.end() + 5].strip()}'): tệp đã bị đọc sai bảng mã "
            "rồi lưu lại; mở tệp gốc và lưu 'CSV UTF-8'",
            f"garbled text ('{text[max(0, m.start() - 5):m.end() + 5].strip()}'): the file was decoded with the wrong "
            "encoding and saved again; save the original as 'CSV UTF-8'"))
    m = _LOST_LETTERS.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        raise DataError(Problem(
            str(path), None, line, None,
            f"chữ có dấu bị thay bằng '?' ('{text[max(0, m.start() - 5):m.end() + 5].strip()}'): tệp đã được lưu "
            "bằng bảng mã không có chữ tiếng Việt (ANSI, cp1252, Shift-JIS...); lưu lại tệp gốc dạng 'CSV UTF-8'",
            f"accented letters replaced by '?' ('{text[max(0, m.start() - 5):m.end() + 5].strip()}'): the file was "
            "saved in an encoding without Vietnamese letters (ANSI, cp1252, Shift-JIS...); save the original as "
            "'CSV UTF-8'"))
    lines_end = text.count("\n")
    if lines_end >= 2 and not text.endswith(("\n", "\r")):
        line = lines_end + 1
        raise DataError(Problem(
            str(path), None, line, None,
            "dòng cuối không kết thúc bằng xuống dòng như các dòng khác: tệp có thể bị cắt giữa chừng; kiểm tra dòng "
            "cuối rồi thêm một dòng trống ở cuối tệp (hoặc xuất lại tệp)",
            "the last line does not end with a line break like the others: the file may be cut off; check the last "
            "row, then end the file with a line break (or export it again)"))
    try:
        delim = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delim = ","
    rows = []
    reader = csv.reader(_io.StringIO(text), delimiter=delim)
    old = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise DataError(Problem(
                    str(path), None, reader.line_num, None,
                    f"dòng không đọc được ({exc}); một ô dài quá {MAX_FIELD_CHARS:,} ký tự hoặc dấu ngoặc kép không đóng",
                    f"the row cannot be read ({exc}); a cell longer than {MAX_FIELD_CHARS:,} characters or an "
                    "unclosed quote")) from exc
            rows.append(row)
    finally:
        csv.field_size_limit(old)
    if not ragged_ok and rows:
        head = next((r for r in rows if any(c.strip() for c in r)), rows[0])
        width = len(head)
        while width and not head[width - 1].strip():
            width -= 1
        for i, r in enumerate(rows):
            extra = [c for c in r[width:] if c.strip()]
            if extra and i > rows.index(head):
                raise DataError(Problem(
                    str(path), None, i + 1, None,
                    f"dòng có {len(r)} ô, nhiều hơn dòng tiêu đề ({width}): có thể một số thập phân '1,5' không "
                    f"nằm trong ngoặc kép trong tệp phân cách bằng '{delim}'; ghi '1.5' hoặc đặt trong ngoặc kép",
                    f"the row has {len(r)} cells, more than the header ({width}): perhaps an unquoted decimal "
                    f"'1,5' in a '{delim}'-separated file; write 1.5 or quote it"))
    return rows


def frame_rows(frame: pd.DataFrame) -> list[list]:
    """A typed frame (Parquet) as rows of cells, header first; missing cells are None."""
    cells = frame.astype(object).where(frame.notna(), None)
    return [list(frame.columns)] + cells.to_numpy().tolist()


def open_workbook(path: Path):
    """Open an XLSX for its values (:class:`._xlsx.XlsxBook`: sizes checked before parsing,
    work bounded by the cells present, no XML entity ever expanded); a corrupt file is a
    :class:`DataError` naming it."""
    from ._xlsx import XlsxBook

    return XlsxBook(path)


def sheet_rows(ws, max_rows: int | None = None) -> list[list]:
    """A worksheet's cells as rows; merged header cells span their children (the value
    of a merge in the header area is copied across the merge's first row)."""
    from ._xlsx import XlsxSheet

    if isinstance(ws, XlsxSheet):
        rows, merges = ws.cells(max_rows)
        rows = [list(r) for r in rows]
    else:  # an openpyxl worksheet
        rows = [list(r) for r in ws.iter_rows(values_only=True, max_row=max_rows)]
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    for r0, c0, _r1, c1 in merges:
        if r0 > HEADER_SEARCH_ROWS or r0 > len(rows) or c1 - c0 > 16384:
            continue
        row = rows[r0 - 1]
        v = row[c0 - 1] if c0 - 1 < len(row) else None
        if len(row) < c1:
            row.extend([None] * (c1 - len(row)))
        for c in range(c0, c1 + 1):
            if row[c - 1] is None:
                row[c - 1] = v
    return rows


def workbook_is_synthetic(wb) -> bool:
    """True when the workbook's document properties carry ``SYNTHETIC_KEYWORD``."""
    words = (wb.properties.keywords or "").replace(";", ",").split(",")
    return any(fold(w) == SYNTHETIC_KEYWORD for w in words)


def synthetic_column(values) -> bool:
    """True when a ``synthetic`` column says yes on every row (``True``, ``1``, ``có``…)."""
    uniq = pd.Series(values, dtype=object).drop_duplicates()  # cheap on millions of rows
    vals = [fold(str(v)) for v in uniq if clean_text(v) is not None]
    return bool(vals) and all(v in {"true", "1", "1.0", "yes", "co", "synthetic"} for v in vals)


# --------------------------------------------------------------------------- header search


@dataclass
class Table:
    """A sheet as cells under its header, with the Excel row number of every data row."""

    file: str
    sheet: str | None
    columns: list[str | None]  # canonical name of each column position (None: not known)
    written: list[str | None]  # each column's header as written in the file (cleaned)
    header_cells: list  # the header row's cells as they are (numbers stay numbers)
    headers: dict[str, str]  # canonical -> header as written
    body: list[list]  # data rows, entirely empty rows dropped
    row_numbers: np.ndarray  # Excel row of each body row (header row = its own row)

    def column(self, name: str) -> list:
        j = self.columns.index(name)
        return [r[j] if j < len(r) else None for r in self.body]


def _header_names(rows: list[list], i: int, aliases: dict[str, str]):
    """Canonical column names if row ``i`` is the header (row ``i-1`` may be a merged parent)."""
    header = [clean_text(v) for v in rows[i]]
    parent = [clean_text(v) for v in rows[i - 1]] if i > 0 else []
    parent = parent + [None] * (len(header) - len(parent))
    filled_parent, last = [], None  # a merged parent spans several columns: forward-fill
    for v in parent:
        last = v if v is not None else last
        filled_parent.append(last)
    cols: list[str | None] = []
    headers: dict[str, str] = {}
    dup: list = []
    for j, h in enumerate(header):
        name, written = None, h
        if h is not None:
            name = canon_col(h, aliases)
            if name is None and filled_parent[j]:
                combo = f"{filled_parent[j]} {h}"
                name = canon_col(combo, aliases)
                written = combo if name else h
        elif parent[j] is not None:
            name, written = canon_col(parent[j], aliases), parent[j]
        if name in headers:  # a duplicated column: remembered, reported by the reader
            dup.append((j, name, written))
            name = None
        cols.append(name)
        if name is not None:
            headers[name] = written
    return cols, headers, header, dup


def find_table(rows: list[list], aliases: dict[str, str], *, file: str, sheet: str | None) -> Table | None:
    """Find the header among the first rows (title rows above it and merged two-row
    headers allowed: the row naming most known columns, at least two) -> :class:`Table`;
    None when no row names two known columns."""
    header_idx, best = None, 1
    for i in range(min(len(rows), HEADER_SEARCH_ROWS)):
        _, headers, _, _ = _header_names(rows, i, aliases)
        if len(headers) > best:
            best, header_idx = len(headers), i
    if header_idx is None:
        return None
    cols, headers, written, dup = _header_names(rows, header_idx, aliases)
    body = rows[header_idx + 1:]
    numbers = np.arange(header_idx + 2, header_idx + 2 + len(body))
    keep = np.array([any(clean_text(v) is not None for v in r) for r in body], dtype=bool)
    body = [r for r, k in zip(body, keep) if k]
    t = Table(file, sheet, cols, written, list(rows[header_idx]), headers, body,
              numbers[keep] if len(keep) else numbers)
    t.duplicates = [(header_idx + 1, j, name, w) for j, name, w in dup]
    t.unknown = [(header_idx + 1, j, written[j]) for j, c in enumerate(cols)
                 if c is None and written[j] is not None and j not in {d[0] for d in dup}]
    return t
