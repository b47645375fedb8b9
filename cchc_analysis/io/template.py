"""The blank analyst workbook (``cchc template PATH``), read back by :func:`~.scores.read_scores`."""

from __future__ import annotations

import io as _io
import os
from pathlib import Path

from ..labels import FIELD_NAMES
from ..outputs import atomic_write_bytes

__all__ = ["write_template"]


def write_template(path: str | os.PathLike, *, n_units: int = 3, _bundle_raw: bool = False) -> Path:
    """Write a blank analyst workbook to fill in (never into ``data/raw/`` by accident).

    The workbook has a ``README`` sheet (how to fill it in, in Vietnamese and English),
    a ``criteria`` sheet with the seven fields of the ministry index as examples, a
    ``units`` sheet and one score sheet per unit pre-filled with every criterion.
    """
    from openpyxl import Workbook  # heavy: imported when a workbook is written
    from openpyxl.styles import Font, PatternFill

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    wb = Workbook()
    ws = wb.active
    ws.title = "README"
    lines = [
        "MẪU NHẬP ĐIỂM CHỈ SỐ CCHC / PAR INDEX SCORE TEMPLATE (cchc-analysis)",
        "",
        "1. Trang 'criteria': mỗi dòng một tiêu chí: mã (ví dụ 3.2.1), lĩnh vực, tên, thành phần "
        "(thẩm định / điều tra), điểm tối đa (> 0).",
        "2. Trang 'units': mỗi đơn vị một dòng: mã đơn vị (không dấu, ví dụ cuc-a), tên, loại "
        "(cuc, vu, van-phong, thanh-tra...), năm đánh giá.",
        "3. Mỗi đơn vị một trang điểm (tên trang = mã đơn vị): ghi điểm đạt được vào cột "
        "'Điểm đạt được'. Ghi 0 nếu không đạt; ghi KPS nếu tiêu chí không phát sinh. "
        "Không để trống.",
        "4. Kiểm tra: cchc validate <tệp>.",
        "",
        "1. Sheet 'criteria': one row per criterion: id, field, name, component (appraisal / "
        "survey), max points (> 0).",
        "2. Sheet 'units': one row per unit: unit id (ASCII), name, type, assessment year.",
        "3. One score sheet per unit (sheet name = unit id): enter points achieved; 0 for none, "
        "KPS where the criterion does not arise. Never leave a cell empty.",
        "4. Check with: cchc validate <file>.",
    ]
    for i, line in enumerate(lines, start=1):
        ws.cell(i, 1, line)
    ws["A1"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 120
    head = PatternFill("solid", fgColor="DDEBF7")

    wc = wb.create_sheet("criteria")
    wc.append(["Mã tiêu chí", "Lĩnh vực", "Tên tiêu chí", "Thành phần", "Điểm tối đa"])
    example = []
    for fid in sorted(FIELD_NAMES)[:7]:
        for k in (1, 2):
            cid = f"{fid}.{k}"
            example.append(cid)
            wc.append([cid, fid, f"{FIELD_NAMES[fid]['vi']}: tiêu chí {k}",
                       "điều tra" if k == 2 else "thẩm định", 1.0])
    wu = wb.create_sheet("units")
    wu.append(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Năm"])
    for j in range(1, n_units + 1):
        wu.append([f"don-vi-{j}", f"Đơn vị {j}", "vu", 2024])
        s = wb.create_sheet(f"don-vi-{j}")
        s.append(["Mã tiêu chí", "Điểm đạt được", "Ghi chú"])
        for cid in example:
            s.append([cid, None, None])
        s.column_dimensions["A"].width = 14
        s.column_dimensions["B"].width = 16
        s.column_dimensions["C"].width = 40
    for sheet in wb.worksheets[1:]:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = head
    wc.column_dimensions["C"].width = 50
    buf = _io.BytesIO()
    wb.save(buf)
    return atomic_write_bytes(target, buf.getvalue(), _bundle_raw=_bundle_raw)
