"""Blank workbooks to fill in, read back by :func:`~.scores.read_scores`.

* :func:`write_template` (``cchc template PATH``): the analyst's workbook: sheets
  ``Hướng dẫn``, ``Tiêu chí`` (with ``Áp dụng cho``: which unit types a criterion applies
  to), ``Đơn vị`` and one scoring sheet per unit, pre-filled with every criterion's id,
  name and maximum, a ``KPS`` dropdown, frozen header rows.
* :func:`write_summary_template` (``cchc template PATH --layout bang-tong-hop``): the
  office's **bảng tổng hợp**: one sheet per year, the criteria tree as rows (``I, II`` /
  ``1, 2`` / ``a, b``), per unit a merged group ``Tự chấm | Thẩm định | Ghi chú``, the
  subtotal rows and ``TỔNG ĐIỂM`` / ``Chỉ số CCHC (%)`` / ``Xếp hạng`` as Excel formulas.

Several years: one ``Bảng tổng hợp <năm>`` sheet per year (``years=[2023, 2024]``), or one
file per year given together (``cchc import a.xlsx b.xlsx``, or a folder).
"""

from __future__ import annotations

import io as _io
import os
from pathlib import Path

from ..labels import FIELD_NAMES
from ..outputs import atomic_write_bytes

__all__ = ["write_template", "write_summary_template", "default_tree", "summary_workbook"]

_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def default_tree(n_fields: int = 7, *, survey: bool = True) -> list[dict]:
    """An example criteria tree: per field a criterion with sub-criteria ``a, b`` and a
    plain criterion; a last field ``Điều tra xã hội học`` (the survey component).

    Returns nodes ``{id, stt, name, max, parent, level, component}`` in row order.
    """
    nodes = []
    fids = sorted(FIELD_NAMES)[:n_fields]
    for fi, fid in enumerate(fids, start=1):
        fname = FIELD_NAMES[fid]["vi"]
        nodes.append(dict(id=str(fi), stt=_ROMANS[fi - 1], name=fname, parent=None, level=0))
        nodes.append(dict(id=f"{fi}.1", stt="1", name=f"{fname}: tiêu chí 1", parent=str(fi), level=1))
        for k, letter in enumerate("ab", start=1):
            nodes.append(dict(id=f"{fi}.1.{k}", stt=letter, name=f"{fname}: tiêu chí 1, nội dung {letter}",
                              max=1.0, parent=f"{fi}.1", level=2))
        nodes.append(dict(id=f"{fi}.2", stt="2", name=f"{fname}: tiêu chí 2", max=2.0, parent=str(fi), level=1))
    if survey:
        fi = len(fids) + 1
        nodes.append(dict(id=str(fi), stt=_ROMANS[fi - 1], name="Điều tra xã hội học", parent=None, level=0))
        for k in (1, 2):
            nodes.append(dict(id=f"{fi}.{k}", stt=str(k), name=f"Mức độ hài lòng, nhóm câu hỏi {k}",
                              max=3.0, parent=str(fi), level=1))
    kids: dict = {}
    for n in nodes:
        if n["parent"]:
            kids.setdefault(n["parent"], []).append(n)
    for n in reversed(nodes):  # parents' maxima are their children's sum
        if n["id"] in kids:
            n["max"] = sum(c["max"] for c in kids[n["id"]])
    for n in nodes:
        top = n["id"].split(".")[0]
        n["component"] = "survey" if survey and top == str(len(fids) + 1) else "appraisal"
        n["leaf"] = n["id"] not in kids
    return nodes


def _kps_validation(ws, ref: str):
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1='"KPS,-"', allow_blank=True, showErrorMessage=False,
                        promptTitle="Điểm", prompt="Nhập điểm (số), hoặc chọn KPS nếu không phát sinh")
    dv.showInputMessage = True
    ws.add_data_validation(dv)
    dv.add(ref)


def write_template(path: str | os.PathLike, *, n_units: int = 3, _bundle_raw: bool = False) -> Path:
    """Write a blank analyst workbook to fill in (never into ``data/raw/`` by accident).

    Sheets: ``Hướng dẫn`` (how to fill it in, Vietnamese and English), ``Tiêu chí`` (the
    criteria tree with ``Áp dụng cho``), ``Đơn vị`` and one score sheet per unit
    pre-filled with criterion id, name and maximum; the points column offers ``KPS`` in
    a dropdown; header rows are frozen.
    """
    from openpyxl import Workbook  # heavy: imported when a workbook is written
    from openpyxl.styles import Font, PatternFill

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    wb = Workbook()
    ws = wb.active
    ws.title = "Hướng dẫn"
    lines = [
        "MẪU NHẬP ĐIỂM CHỈ SỐ CCHC / PAR INDEX SCORE TEMPLATE (cchc-analysis)",
        "",
        "1. Trang 'Tiêu chí': mỗi dòng một tiêu chí: mã (ví dụ 3.2.1), lĩnh vực, tên, thành phần "
        "(thẩm định / điều tra), điểm tối đa (> 0), áp dụng cho (loại đơn vị, cách nhau bởi dấu phẩy; "
        "'tất cả' nếu mọi đơn vị).",
        "2. Trang 'Đơn vị': mỗi đơn vị một dòng: mã đơn vị (không dấu, ví dụ cuc-a), tên, loại "
        "(cuc, vu, van-phong, thanh-tra...), năm đánh giá.",
        "3. Mỗi đơn vị một trang điểm (tên trang = mã đơn vị): ghi điểm thẩm định vào cột "
        "'Điểm thẩm định' (và điểm tự chấm nếu có). Ghi 0 nếu không đạt; ghi KPS (hoặc '-') nếu "
        "tiêu chí không phát sinh. Không để trống, không xóa dòng.",
        "4. Nhiều năm: mỗi năm một tệp (cchc import 2023.xlsx 2024.xlsx), hoặc thêm cột 'Năm' vào trang đơn vị.",
        "5. Kiểm tra: cchc validate <tệp>.",
        "",
        "1. Sheet 'Tiêu chí' (criteria): one row per criterion: id, field, name, component "
        "(appraisal / survey), max points (> 0), applies to (unit types, comma-separated; 'tất cả' = all).",
        "2. Sheet 'Đơn vị' (units): one row per unit: unit id (ASCII), name, type, assessment year.",
        "3. One score sheet per unit (sheet name = unit id): enter the appraised points (and the "
        "self-assessed ones if kept); 0 for none, KPS (or '-') where the criterion does not arise. "
        "Never leave a cell empty, never delete a row.",
        "4. Several years: one file per year, read together.",
        "5. Check with: cchc validate <file>.",
    ]
    for i, line in enumerate(lines, start=1):
        ws.cell(i, 1, line)
    ws["A1"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 120
    head = PatternFill("solid", fgColor="DDEBF7")

    tree = [n for n in default_tree() if n["leaf"]]
    wc = wb.create_sheet("Tiêu chí")
    wc.append(["Mã tiêu chí", "Lĩnh vực", "Tên tiêu chí", "Thành phần", "Điểm tối đa", "Áp dụng cho"])
    for n in tree:
        wc.append([n["id"], n["id"].split(".")[0], n["name"],
                   "điều tra" if n["component"] == "survey" else "thẩm định", n["max"], "tất cả"])
    wu = wb.create_sheet("Đơn vị")
    wu.append(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Năm"])
    for j in range(1, n_units + 1):
        wu.append([f"don-vi-{j}", f"Đơn vị {j}", "vu", 2024])
        s = wb.create_sheet(f"don-vi-{j}")
        s.append(["Mã tiêu chí", "Tên tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Điểm thẩm định", "Ghi chú"])
        for n in tree:
            s.append([n["id"], n["name"], n["max"], None, None, None])
        for col, w in zip("ABCDEF", (12, 60, 12, 14, 16, 40)):
            s.column_dimensions[col].width = w
        _kps_validation(s, f"D2:E{len(tree) + 1}")
    for sheet in wb.worksheets[1:]:
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = head
    wc.column_dimensions["C"].width = 60
    buf = _io.BytesIO()
    wb.save(buf)
    return atomic_write_bytes(target, buf.getvalue(), _bundle_raw=_bundle_raw)


def summary_workbook(units: list[tuple[str, str, str]], *, years=(2024,), tree: list[dict] | None = None,
                     values: dict | None = None, self_points: bool = True, formulas: bool = True,
                     title_year: bool = False):
    """A bảng tổng hợp workbook (openpyxl ``Workbook``).

    ``units``: ``(unit_id, display name, unit_type)``; ``values[(year, unit_id, criterion,
    role)]`` (role ``"self"``/``"points"``) fills the leaf cells (numbers or markers);
    with ``formulas=False`` the subtotals and bottom rows are written as numbers
    (computed), as an office's exported sheet holds them, otherwise as Excel formulas.
    ``title_year``: the year only in the title, sheet named ``Bảng tổng hợp`` (one year).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from ..ranking import competition_rank

    tree = default_tree() if tree is None else tree
    kids: dict = {}
    for n in tree:
        if n["parent"]:
            kids.setdefault(n["parent"], []).append(n)
    wb = Workbook()
    wb.remove(wb.active)
    roles = ["self", "points", "note"] if self_points else ["points"]
    words = {"self": "Tự chấm", "points": "Thẩm định", "note": "Ghi chú"}
    width = len(roles)
    bold = Font(bold=True)
    head = PatternFill("solid", fgColor="DDEBF7")
    for year in years:
        ws = wb.create_sheet("Bảng tổng hợp" if title_year else f"Bảng tổng hợp {year}")
        last_col = 3 + width * len(units)
        ws.append([f"BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}"])
        ws.append([f"(Kèm theo Quyết định số 123/QĐ-BNV ngày 15 tháng 3 năm {year + 1})"])
        for r in (1, 2):
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=max(last_col, 3))
            ws.cell(r, 1).alignment = Alignment(horizontal="center")
        ws["A1"].font = bold
        ws.append([])
        hr = 4
        top = ["STT", "Lĩnh vực/Tiêu chí/Tiêu chí thành phần", "Điểm tối đa"]
        for _, name, _ in units:
            top += [name] + [None] * (width - 1)
        ws.append(top)
        if self_points:
            sub = [None, None, None] + [words[r] for r in roles] * len(units)
            ws.append(sub)
            for c in (1, 2, 3):
                ws.merge_cells(start_row=hr, start_column=c, end_row=hr + 1, end_column=c)
            for k in range(len(units)):
                c0 = 4 + k * width
                ws.merge_cells(start_row=hr, start_column=c0, end_row=hr, end_column=c0 + width - 1)
        first = ws.max_row + 1
        row_of = {}
        for i, n in enumerate(tree):
            row_of[n["id"]] = first + i
        computed: dict = {}  # (year, uid, id, role) -> value or "na"

        def val(uid, n, role):
            key = (year, uid, n["id"], role)
            if key in computed:
                return computed[key]
            if n["leaf"]:
                v = (values or {}).get(key)
            else:
                vs = [val(uid, c, role) for c in kids[n["id"]]]
                nums = [x for x in vs if isinstance(x, (int, float))]
                v = round(sum(nums), 4) if nums else ("KPS" if vs and all(x == "KPS" for x in vs) else None)
            computed[key] = v
            return v

        for n in tree:
            r = row_of[n["id"]]
            cells = [n["stt"], n["name"]]
            if n["leaf"]:
                cells.append(n["max"])
            elif formulas:
                cells.append("=" + "+".join(f"C{row_of[c['id']]}" for c in kids[n["id"]]))
            else:
                cells.append(n["max"])
            for uid, _, _ in units:
                for k, role in enumerate(roles):
                    if role == "note":
                        cells.append(None)
                    elif n["leaf"]:
                        cells.append(val(uid, n, role))
                    elif formulas:
                        col = get_column_letter(len(cells) + 1)
                        cells.append("=" + "+".join(f"N({col}{row_of[c['id']]})" for c in kids[n["id"]]))
                    else:
                        cells.append(val(uid, n, role))
            ws.append(cells)
            if n["level"] == 0:
                for c in ws[r]:
                    c.font = bold
        leaves = [n for n in tree if n["leaf"]]
        total_r, index_r, rank_r = ws.max_row + 1, ws.max_row + 2, ws.max_row + 3
        tot_row = [None, "TỔNG ĐIỂM", sum(n["max"] for n in leaves) if not formulas else
                   "=" + "+".join(f"C{row_of[n['id']]}" for n in tree if n["level"] == 0)]
        idx_row = [None, "Chỉ số CCHC (%)", None]
        rank_row = [None, "Xếp hạng", None]
        index_of = {}
        for uid, _, _ in units:
            for role in roles:
                if role == "note":
                    tot_row.append(None)
                    idx_row.append(None)
                    continue
                vs = [(val(uid, n, role), n["max"]) for n in leaves]
                t = sum(v for v, _ in vs if isinstance(v, (int, float)))
                a = sum(m for v, m in vs if isinstance(v, (int, float)))
                index_of[(uid, role)] = 100 * t / a if a else float("nan")
                if formulas:
                    col = get_column_letter(len(tot_row) + 1)
                    fields = [n for n in tree if n["level"] == 0]
                    tot_row.append("=" + "+".join(f"N({col}{row_of[n['id']]})" for n in fields))
                    cells = ",".join(f"{col}{row_of[n['id']]}" for n in leaves)
                    maxes = "+".join(f"IF(ISNUMBER({col}{row_of[n['id']]}),C{row_of[n['id']]},0)" for n in leaves)
                    idx_row.append(f"=ROUND(100*SUM({cells})/({maxes}),2)")
                else:
                    tot_row.append(round(t, 4))
                    idx_row.append(round(index_of[(uid, role)], 2))
        ranks = dict(zip(units and [u[0] for u in units],
                         competition_rank([index_of.get((u[0], "points"), float("nan")) for u in units])))
        for uid, _, _ in units:
            for role in roles:
                if role == "points" and not formulas and ranks.get(uid) == ranks.get(uid):
                    rank_row.append(int(ranks[uid]))
                else:
                    rank_row.append(None)
        for rr in (tot_row, idx_row, rank_row):
            ws.append(rr)
            for c in ws[ws.max_row]:
                c.font = bold
        assert ws.max_row == rank_r and total_r < index_r
        for c in ws[hr] + (ws[hr + 1] if self_points else ()):
            c.font = bold
            c.fill = head
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.freeze_panes = ws.cell(first, 4)
        ws.column_dimensions["B"].width = 60
        if values is None:
            for k in range(len(units)):
                for role_k, role in enumerate(roles):
                    if role != "note":
                        col = get_column_letter(4 + k * width + role_k)
                        _kps_validation(ws, f"{col}{first}:{col}{first + len(tree) - 1}")
    wu = wb.create_sheet("Đơn vị")
    wu.append(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"])
    for u in units:
        wu.append(list(u))
    wu.freeze_panes = "A2"
    return wb


def write_summary_template(path: str | os.PathLike, *, n_units: int = 3, years=(2024,),
                           self_points: bool = True) -> Path:
    """Write a blank **bảng tổng hợp** (one sheet per year, all units side by side).

    Fill the leaf rows (``a``, ``b`` and criteria without sub-criteria) in each unit's
    ``Thẩm định`` column (and ``Tự chấm``); the subtotal rows and ``TỔNG ĐIỂM`` /
    ``Chỉ số CCHC (%)`` are Excel formulas; ``cchc validate`` checks every one of them
    against the criteria once the file has been saved by Excel.
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    units = [(f"don-vi-{j}", f"Đơn vị {j}", "vu") for j in range(1, n_units + 1)]
    wb = summary_workbook(units, years=tuple(years), self_points=self_points, formulas=True)
    buf = _io.BytesIO()
    wb.save(buf)
    return atomic_write_bytes(target, buf.getvalue())
