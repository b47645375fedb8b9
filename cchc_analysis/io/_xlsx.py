"""A small, bounded XLSX value reader (part of the one tabular layer, :mod:`._tabular`).

Why not openpyxl's full mode: it builds a Cell object (with style) for every cell and
its used range grows with one stray cell (a note at ``XFD1048576`` made a 15 KB file
grow to 3.8 GB). This reader:

* checks the zip before parsing: every member's uncompressed size and compression ratio
  (a zip bomb is refused in milliseconds), the total, a DTD/ENTITY declaration (refused:
  no entity is ever expanded);
* reads only the cells present in the XML (work bounded by the real data, not the
  claimed extent) and refuses more than :data:`MAX_CELLS` cells per sheet;
* returns values the way ``openpyxl.load_workbook(data_only=True)`` does (cached formula
  results, shared and inline strings, booleans, numbers; a date stays its serial number,
  which no points or year column accepts), plus the merged ranges;
* names a dangling sheet relation, a missing part or broken XML as a located problem.

Every problem is a :class:`~cchc_analysis.errors.DataError` naming the file (and sheet).
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from pathlib import Path

from ..errors import DataError, Problem
from ..text import fmt_int

__all__ = ["XlsxBook", "XlsxSheet", "MAX_CELLS", "MAX_MEMBER_BYTES", "MAX_TOTAL_BYTES", "MAX_RATIO"]

#: Refuse a sheet with more non-empty cells than this (a scores workbook has < 1 M).
MAX_CELLS = 5_000_000
#: Refuse one zip member larger than this uncompressed (bytes).
MAX_MEMBER_BYTES = 400 * 2**20
#: Refuse a workbook whose members total more than this uncompressed (bytes).
MAX_TOTAL_BYTES = 1024 * 2**20
#: Refuse a member compressed more than this many times if it is also over 10 MB.
MAX_RATIO = 200
#: Refuse a sheet with this many empty rows between two filled ones (a stray cell far below
#: the data, e.g. at ``XFD1048576``: Excel's used range then spans a million rows).
MAX_ROW_GAP = 10_000


def _letters(col: int) -> str:
    out = ""
    while col:
        col, r = divmod(col - 1, 26)
        out = chr(65 + r) + out
    return out

_P = r"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix (x:c from some producers)
_ROW = re.compile(rf"<{_P}row\b([^>]*?)(?:/>|>(.*?)</{_P}row>)", re.S)
_CELL = re.compile(rf"<{_P}c\b([^>]*?)(?:/>|>(.*?)</{_P}c>)", re.S)
_ATTR = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')
_V = re.compile(rf"<{_P}v(?:\s[^>]*)?>(.*?)</{_P}v>", re.S)
_T = re.compile(rf"<{_P}t(?:\s[^>]*)?>(.*?)</{_P}t>|<{_P}t\s*/>", re.S)
_RPH = re.compile(rf"<{_P}rPh\b.*?</{_P}rPh>", re.S)
_SI = re.compile(rf"<{_P}si\b[^>]*?(?:/>|>(.*?)</{_P}si>)", re.S)
_MERGE = re.compile(rf"<{_P}mergeCell\b[^>]*?ref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\"")
_SHEET = re.compile(rf"<{_P}sheet\b([^>]*?)/?>", re.S)
_REL = re.compile(rf"<{_P}Relationship\b([^>]*?)/?>", re.S)
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
_INT = re.compile(r"^-?\d{1,15}$")
_XF = re.compile(rf"<{_P}xf\b([^>]*?)/?>", re.S)
_NUMFMT = re.compile(rf"<{_P}numFmt\b([^>]*?)/?>", re.S)
_DATE_IDS = set(range(14, 23)) | {45, 46, 47}


def _is_date_format(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code.lower())
    return bool(re.search(r"[dmyhs]", code)) and "general" not in code


def _from_serial(x: float, date1904: bool):
    import datetime as _dt

    base = _dt.datetime(1904, 1, 1) if date1904 else _dt.datetime(1899, 12, 30)
    if not (-1e6 < x < 3e6):
        return x
    out = base + _dt.timedelta(days=x)
    return out.replace(microsecond=0) + _dt.timedelta(seconds=round(out.microsecond / 1e6))


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _text(s: str) -> str:
    return html.unescape(s) if "&" in s else s


class XlsxSheet:
    def __init__(self, book: "XlsxBook", title: str, part: str):
        self._book, self.title, self._part = book, title, part
        self._cache = None

    def cells(self, max_rows: int | None = None):
        """-> (rows as lists of values, merged ranges as (min_row, min_col, max_row, max_col))."""
        if self._cache is not None and max_rows is None:
            return self._cache
        book = self._book
        data = book.member(self._part, sheet=self.title)
        text = data.decode("utf-8", errors="replace")
        rows: dict[int, dict[int, object]] = {}
        n_cells = 0
        last_row = 0
        shared = None
        for rm in _ROW.finditer(text):
            rattr = dict(_ATTR.findall(rm.group(1)))
            try:
                r = int(rattr.get("r", last_row + 1))
            except ValueError:
                r = last_row + 1
            last_row = r
            if max_rows is not None and r > max_rows:
                break
            body = rm.group(2)
            if not body:
                continue
            col = 0
            cur: dict[int, object] = {}
            for cm in _CELL.finditer(body):
                attr = dict(_ATTR.findall(cm.group(1)))
                ref = attr.get("r")
                m = _REF.match(ref) if ref else None
                col = _col_index(m.group(1)) if m else col + 1
                if col > 16384:
                    raise book.error("một ô nằm ngoài giới hạn cột của Excel", "a cell lies beyond Excel's last column",
                                     sheet=self.title)
                inner = cm.group(2)
                if not inner:
                    continue
                t = attr.get("t", "n")
                if t == "inlineStr":
                    val = "".join(_text(x or "") for x in _T.findall(_RPH.sub("", inner)))
                else:
                    vm = _V.search(inner)
                    if vm is None:
                        continue  # a formula without a cached value (never calculated)
                    raw = vm.group(1)
                    if t == "s":
                        if shared is None:
                            shared = book.shared_strings()
                        try:
                            val = shared[int(raw)]
                        except (ValueError, IndexError):
                            raise book.error(f"ô {ref} trỏ tới chuỗi dùng chung không tồn tại ({raw})",
                                             f"cell {ref} points to a shared string that does not exist ({raw})",
                                             sheet=self.title) from None
                    elif t in ("str", "e", "d"):
                        val = _text(raw)
                    elif t == "b":
                        val = raw.strip() in ("1", "true")
                    else:
                        raw = raw.strip()
                        if _INT.match(raw):
                            val = int(raw)
                        else:
                            try:
                                val = float(raw)
                            except ValueError:
                                val = _text(raw)
                        st = attr.get("s")
                        if st is not None and not isinstance(val, str) and book.is_date_style(st):
                            val = _from_serial(float(val), book.date1904)
                if val is None or val == "":
                    continue
                cur[col] = val
                n_cells += 1
            if cur:
                rows[r] = cur
            if n_cells > MAX_CELLS:
                raise book.error(f"trang tính có hơn {MAX_CELLS:,} ô dữ liệu; bảng điểm không lớn như vậy — "
                                 "hãy xóa các ô thừa hoặc dùng CSV/Parquet",
                                 f"the sheet holds more than {MAX_CELLS:,} cells; a scores table is never that "
                                 "large: delete stray cells or use CSV/Parquet", sheet=self.title)
        out: list[list] = []
        if rows:
            order = sorted(rows)
            prev = 0
            for r in order:
                if r - prev > MAX_ROW_GAP:
                    c = min(rows[r])
                    ref = f"{_letters(c)}{r}"
                    raise DataError(Problem(
                        book.path, self.title, r, _letters(c),
                        f"ô {ref} nằm cách dữ liệu phía trên {fmt_int(r - prev - 1)} dòng trống (ô thừa ở rất "
                        "xa?); xóa ô đó (hoặc cả các dòng/cột thừa) rồi lưu lại",
                        f"cell {ref} lies {fmt_int(r - prev - 1, 'en')} empty rows below the data above it (a stray cell?); "
                        "delete it (or the extra rows/columns) and save again"))
                prev = r
            top = max(rows)
            out = [[] for _ in range(top)]
            for r, cur in rows.items():
                width = max(cur)
                row = [None] * width
                for c, v in cur.items():
                    row[c - 1] = v
                out[r - 1] = row
        merges = []
        if max_rows is None or len(text) < 5_000_000:
            for ref in _MERGE.findall(text):
                a, _, b = ref.partition(":")
                ma, mb = _REF.match(a), _REF.match(b or a)
                merges.append((int(ma.group(2)), _col_index(ma.group(1)), int(mb.group(2)), _col_index(mb.group(1))))
        result = (out, merges)
        if max_rows is None:
            self._cache = result
        return result


class _Props:
    def __init__(self, keywords):
        self.keywords = keywords


class XlsxBook:
    """The sheets of an XLSX (``sheetnames``, ``book[name]``, ``properties.keywords``)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise self.error(f"không mở được tệp Excel (tệp hỏng hoặc không phải .xlsx: {exc})",
                             f"cannot open the Excel file (damaged or not an .xlsx: {exc})") from exc
        self._check_sizes()
        self._shared = None
        names = set(self._zip.namelist())
        if "xl/workbook.xml" not in names:
            raise self.error("tệp không phải bảng tính Excel .xlsx (thiếu xl/workbook.xml); hãy lưu lại dưới dạng .xlsx",
                             "not an Excel .xlsx workbook (xl/workbook.xml is missing); save it again as .xlsx")
        wb = self.member("xl/workbook.xml").decode("utf-8", errors="replace")
        rels = {}
        if "xl/_rels/workbook.xml.rels" in names:
            for m in _REL.finditer(self.member("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")):
                a = dict(_ATTR.findall(m.group(1)))
                rels[a.get("Id")] = (a.get("Target", ""), a.get("Type", ""))
        self.sheetnames: list[str] = []
        self._sheets: dict[str, XlsxSheet] = {}
        for m in _SHEET.finditer(wb):
            a = dict(_ATTR.findall(m.group(1)))
            name = _text(a.get("name", ""))
            rid = next((v for k, v in a.items() if k.endswith(":id") or k == "id"), None)
            target, typ = rels.get(rid, (None, ""))
            if target is None:
                raise self.error(f"trang tính '{name}' trỏ tới phần không tồn tại (quan hệ {rid} hỏng); "
                                 "mở tệp bằng Excel và lưu lại",
                                 f"sheet '{name}' points to a part that does not exist (broken relation {rid}); "
                                 "open the file in Excel and save it again", sheet=name)
            if typ and not typ.endswith("/worksheet"):
                continue  # chartsheets, dialog sheets: no cells
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            part = re.sub(r"[^/]+/\.\./", "", part)
            if part not in names:
                raise self.error(f"trang tính '{name}' trỏ tới '{part}' nhưng tệp không có phần đó; "
                                 "mở tệp bằng Excel và lưu lại",
                                 f"sheet '{name}' points to '{part}', which the file lacks; open it in Excel "
                                 "and save it again", sheet=name)
            self.sheetnames.append(name)
            self._sheets[name] = XlsxSheet(self, name, part)
        kw = None
        if "docProps/core.xml" in names:
            m = re.search(rf"<{_P}keywords[^>]*>(.*?)</{_P}keywords>",
                          self.member("docProps/core.xml").decode("utf-8", errors="replace"), re.S)
            kw = _text(m.group(1)) if m else None
        self.properties = _Props(kw)
        self.date1904 = bool(re.search(r'date1904="(1|true)"', wb))
        self._date_styles = None

    def error(self, vi: str, en: str, sheet: str | None = None) -> DataError:
        return DataError(Problem(self.path, sheet, None, None, vi, en))

    def _check_sizes(self):
        total = 0
        for info in self._zip.infolist():
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_MEMBER_BYTES or (info.file_size > 10 * 2**20 and ratio > MAX_RATIO):
                raise self.error(
                    f"phần '{info.filename}' của tệp giải nén ra {info.file_size / 2**20:,.0f} MB (nén {ratio:,.0f} lần): "
                    "quá lớn cho một bảng điểm, có thể là 'bom zip'; từ chối đọc",
                    f"part '{info.filename}' unpacks to {info.file_size / 2**20:,.0f} MB ({ratio:,.0f}× compression): "
                    "too large for a scores table, possibly a zip bomb; refused")
        if total > MAX_TOTAL_BYTES:
            raise self.error(f"tệp giải nén ra {total / 2**20:,.0f} MB: quá lớn cho một bảng điểm; từ chối đọc",
                             f"the file unpacks to {total / 2**20:,.0f} MB: too large for a scores table; refused")

    def member(self, name: str, sheet: str | None = None) -> bytes:
        try:
            data = self._zip.read(name)
        except KeyError:
            raise self.error(f"tệp thiếu phần '{name}'", f"the file lacks part '{name}'", sheet=sheet) from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError) as exc:
            raise self.error(f"tệp Excel bị hỏng ({type(exc).__name__}: {exc}); hãy lưu lại dưới dạng .xlsx",
                             f"the Excel file is damaged ({type(exc).__name__}: {exc}); save it again as .xlsx",
                             sheet=sheet) from exc
        if _DTD.search(data[:4096]) or (b"<!ENTITY" in data):
            raise self.error(f"phần '{name}' khai báo DTD/ENTITY (có thể là 'bom XML'); từ chối đọc — hãy lưu "
                             "lại tệp bằng Excel", f"part '{name}' declares a DTD/ENTITY (possibly an XML bomb); "
                             "refused: save the file again with Excel", sheet=sheet)
        return data

    def is_date_style(self, idx: str) -> bool:
        if self._date_styles is None:
            dates: set[str] = set()
            if "xl/styles.xml" in set(self._zip.namelist()):
                text = self.member("xl/styles.xml").decode("utf-8", errors="replace")
                custom = {}
                for m in _NUMFMT.finditer(text):
                    a = dict(_ATTR.findall(m.group(1)))
                    custom[a.get("numFmtId")] = _text(a.get("formatCode", ""))
                cx = re.search(rf"<{_P}cellXfs\b.*?</{_P}cellXfs>", text, re.S)
                for k, m in enumerate(_XF.finditer(cx.group(0) if cx else "")):
                    fid = dict(_ATTR.findall(m.group(1))).get("numFmtId", "0")
                    if (fid.isdigit() and int(fid) in _DATE_IDS) or (fid in custom and _is_date_format(custom[fid])):
                        dates.add(str(k))
            self._date_styles = dates
        return idx in self._date_styles

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            out = []
            if "xl/sharedStrings.xml" in set(self._zip.namelist()):
                text = self.member("xl/sharedStrings.xml").decode("utf-8", errors="replace")
                for m in _SI.finditer(text):
                    inner = _RPH.sub("", m.group(1) or "")
                    out.append("".join(_text(x or "") for x in _T.findall(inner)))
            self._shared = out
        return self._shared

    def __getitem__(self, name: str) -> XlsxSheet:
        return self._sheets[name]

    @property
    def worksheets(self) -> list[XlsxSheet]:
        return [self._sheets[n] for n in self.sheetnames]

    def close(self):
        self._zip.close()
