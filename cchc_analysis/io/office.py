"""The layouts an office keeps: the **bảng tổng hợp** and the **phiếu chấm điểm**.

Both are a criteria tree written as rows, numbered as in MOHA's decisions:

* fields ``I, II, ...`` (or ``A, B, ...``), criteria ``1, 2, ...``, sub-criteria
  ``1.1, 1.2`` or ``a, b`` (a tree that starts at ``1, 2`` has those as fields);
* columns ``STT``, the criterion text (``Lĩnh vực/Tiêu chí/Tiêu chí thành phần``,
  ``Nội dung`` …), ``Điểm tối đa``, then the points.

**Bảng tổng hợp** (``layout="summary"``): one sheet for all units; per unit either one
points column headed by the unit's name, or a group of columns under the unit's name
(merged) headed ``Tự chấm`` / ``Thẩm định`` / ``Ghi chú``.
**Phiếu chấm điểm** (``layout="form"``): one sheet per unit with ``Điểm tự chấm`` /
``Điểm thẩm định`` / ``Tài liệu kiểm chứng``; the unit is named in a title cell
(``Đơn vị: Vụ Pháp chế``) or by the sheet's name.

Criterion ids are built from the numbering: field ``II`` > criterion ``3`` > ``a`` is
``2.3.1``; ``II`` > ``3.2`` is ``2.3.2``. Leaves are the data; **every parent row is a
check**: a stated subtotal (or maximum) that differs from the sum over its applicable
children is a located problem (sheet, row, column). Bottom rows ``TỔNG ĐIỂM`` /
``Tổng cộng``, ``Chỉ số CCHC (%)`` and ``Xếp hạng`` are recomputed and checked too.
A field named like ``Điều tra xã hội học`` is the survey component.

**Units.** Display names become ids through a ``units`` / ``Đơn vị`` sheet (``unit_id,
unit_name, unit_type``) when present, else through :func:`~cchc_analysis.text.slugify`
(``Vụ Pháp chế`` → ``vu-phap-che``).

**Year.** A year in the sheet's name (``2023``, ``Năm 2023``) or in the title rows
(``... NĂM 2023``; dates such as ``ngày 12 tháng 3 năm 2024`` are not taken), else the
``year=`` argument; several years = a sheet per year, or several files.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import Problem
from ..text import clean_text, fold, parse_number, slugify
from ._tabular import HEADER_SEARCH_ROWS, MAX_PROBLEMS_PER_CHECK, SELF_POINTS_MISSING

__all__ = ["detect_tree_header", "read_tree_sheet", "NOT_ARISING"]

#: Cells (folded) meaning "does not arise" (không phát sinh).
NOT_ARISING = frozenset({
    "kps", "k.p.s", "k.p.s.", "k/ps", "kpd", "khong phat sinh", "khong ap dung", "n/a", "na",
    "x", "-", "–", "—", "--",
})

_STT = {"stt", "tt", "so tt", "so thu tu", "ma", "ma so"}
_MAX = {"diem toi da", "toi da", "diem chuan", "thang diem", "diem toi da (diem)"}
_SELF = {"tu cham", "diem tu cham", "tu danh gia", "diem tu danh gia", "tu cham diem",
         "diem tu cham (diem)", "don vi tu cham"}
_APPR = {"tham dinh", "diem tham dinh", "ket qua tham dinh", "diem sau tham dinh",
         "diem dat duoc", "diem danh gia", "diem", "diem tham dinh (diem)", "hoi dong tham dinh"}
_NOTE = {"ghi chu", "tai lieu kiem chung", "giai trinh", "nhan xet", "ly do", "ly do tru diem"}
_TEXT_WORDS = ("linh vuc", "tieu chi", "noi dung", "ten tieu chi", "chi tieu")
_ROMAN = re.compile(r"^(?=[ivxlc]+$)(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_TOTAL = ("tong diem", "tong cong", "tong so diem", "tong so", "cong")
_INDEX = ("chi so cchc", "chi so", "ty le")
_RANK = ("xep hang", "thu hang", "hang")
_SURVEY = ("dieu tra xa hoi hoc", "dieu tra xhh", "dtxhh", "khao sat su hai long", "dieu tra")


def _key(v) -> str:
    f = fold(str(v)) if v is not None else ""
    f = re.sub(r"\s+", " ", f.replace("_", " ")).strip(" :*.")
    return f


def _col_letter(j: int) -> str:
    s, j = "", j + 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _roman(s: str) -> int | None:
    s = s.lower()
    if not s or not _ROMAN.match(s):
        return None
    vals = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    total = 0
    for a, b in zip(s, s[1:] + " "):
        va, vb = vals[a], vals.get(b, 0)
        total += -va if va < vb else va
    return total


def is_marker(v) -> bool:
    return isinstance(v, str) and _key(v) in NOT_ARISING


# --------------------------------------------------------------------------- header


class TreeHeader:
    """Where a tree sheet's columns are: ``stt``, ``text``, ``max`` and the value columns
    ``[(col, unit display name or None, role)]`` with role ``self``/``points``/``note``."""

    def __init__(self, row: int, body_start: int, stt, text, mx, values, written):
        self.row, self.body_start = row, body_start
        self.stt, self.text, self.max = stt, text, mx
        self.values = values
        self.written = written  # column -> header as written


def _role(k: str) -> str | None:
    if k in _SELF or k.startswith("diem tu cham") or k.startswith("tu cham"):
        return "self"
    if k in _APPR or k.startswith("diem tham dinh") or k.startswith("ket qua tham dinh"):
        return "points"
    if k in _NOTE or k.startswith("ghi chu") or k.startswith("tai lieu"):
        return "note"
    return None


def detect_tree_header(rows: list[list]) -> TreeHeader | None:
    """The header of a criteria-tree sheet (a row naming ``Điểm tối đa`` and a criterion
    text or ``STT`` column), or None."""
    for i in range(min(len(rows), HEADER_SEARCH_ROWS)):
        keys = [_key(v) for v in rows[i]]
        mx = next((j for j, k in enumerate(keys) if k in _MAX or k.startswith("diem toi da")), None)
        if mx is None:
            continue
        stt = next((j for j, k in enumerate(keys) if k in _STT), None)
        text = next((j for j, k in enumerate(keys) if j != stt and any(w in k for w in _TEXT_WORDS)), None)
        if stt is None and text is None:
            continue
        if text is None:
            text = stt + 1 if stt is not None and stt + 1 != mx else None
        if stt is None:
            stt = text  # numbering written in the text cell ("I. Công tác...")
        sub = [_key(v) for v in rows[i + 1]] if i + 1 < len(rows) else []
        sub_roles = [_role(k) if k else None for k in sub]
        two_rows = any(r is not None for j, r in enumerate(sub_roles) if j > mx)
        top_raw = rows[i]
        values, written = [], {}
        last_top = None
        width = max(len(top_raw), len(rows[i + 1]) if i + 1 < len(rows) else 0)
        for j in range(mx + 1, width):
            top = clean_text(top_raw[j]) if j < len(top_raw) else None
            last_top = top if top is not None else last_top
            subv = clean_text(rows[i + 1][j]) if two_rows and j < len(rows[i + 1]) else None
            role_top = _role(_key(top)) if top else None
            if two_rows:
                r = sub_roles[j] if j < len(sub_roles) else None
                if r is not None:
                    unit = last_top if _role(_key(last_top)) is None else None
                    values.append((j, unit, r))
                    written[j] = f"{unit} – {subv}" if unit else subv
                elif subv is not None:
                    values.append((j, subv, "points"))
                    written[j] = subv
                elif top is not None:
                    values.append((j, None if role_top else top, role_top or "points"))
                    written[j] = top
            elif top is not None:
                values.append((j, None if role_top else top, role_top or "points"))
                written[j] = top
        written[mx] = clean_text(top_raw[mx])
        if text is not None and text < len(top_raw):
            written[text] = clean_text(top_raw[text])
        if stt < len(top_raw):
            written[stt] = clean_text(top_raw[stt])
        return TreeHeader(i, i + (2 if two_rows else 1), stt, text, mx, values, written)
    return None


# --------------------------------------------------------------------------- tree rows


_STT_SPLIT = re.compile(r"^\s*([IVXLCivxlc]+|[A-Za-z]|\d+(?:\.\d+)*)[.)]?(?:\s+|$)(.*)$")


def _parse_stt(v):
    """-> (kind, parts) with kind 'roman' | 'upper' | 'num' | 'lower'; or None."""
    if v is None:
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if float(v).is_integer():
            return "num", [int(v)]
        return "num", [int(p) for p in repr(float(v)).split(".")]
    s = clean_text(v)
    if s is None:
        return None
    s = s.rstrip(".)")
    if re.fullmatch(r"\d+(\.\d+)*", s):
        return "num", [int(p) for p in s.split(".")]
    if re.fullmatch(r"[IVXLC]+", s) and _roman(s):
        return "roman", [_roman(s)]
    if re.fullmatch(r"[A-Z]", s):
        return "upper", [ord(s) - 64]
    if re.fullmatch(r"[a-z]|đ", s):
        return "lower", ["abcdđeghiklmnopqrstuvxy".index(s) + 1 if s in "abcdđeghiklmnopqrstuvxy" else ord(s) - 96]
    return None


def _is_bottom(k: str):
    if any(k.startswith(w) for w in _RANK):
        return "rank"
    if any(k.startswith(w) for w in _INDEX):
        return "index"
    if any(k.startswith(w) for w in _TOTAL):
        return "total"
    return None


def read_tree_sheet(rows: list[list], header: TreeHeader, *, file: str, sheet: str,
                    year: int | None, unit_name: str | None, unit_map: dict,
                    problems: list, tree: list | None = None, tol: float = 0.005):
    """One tree sheet -> (tidy rows as a DataFrame or None, checks passed, checks failed).

    ``unit_name`` is the unit of a scoring form (its value columns name no unit);
    ``unit_map`` maps folded display names to ``(unit_id, unit_name, unit_type)``.
    """
    h = header
    body = rows[h.body_start:]
    start_row = h.body_start + 1  # Excel row of body[0]
    letter_mode = False
    nodes = []  # dicts: row, id, parent, level, name, max, cells
    bottoms = []
    by_id: dict[str, dict] = {}
    field = None  # current level-0 node
    last_num = None  # last numbered node (criterion or sub-criterion)
    has_fields = False
    parsed = []
    for k, r in enumerate(body):
        cell = lambda j: r[j] if j is not None and j < len(r) else None  # noqa: E731
        stt_v, text_v = cell(h.stt), cell(h.text)
        if all(clean_text(v) is None for v in r):
            continue
        st = _parse_stt(stt_v) if h.stt != h.text else None
        name = clean_text(text_v)
        m = None
        if h.stt == h.text and name:  # "I. Công tác chỉ đạo" in one cell
            m = _STT_SPLIT.match(name)
            if m:
                st = _parse_stt(m.group(1))
                name = clean_text(m.group(2)) or name
        raw_stt = clean_text(stt_v) if h.stt != h.text else (m.group(1) if name and m else None)
        if raw_stt == "A":
            letter_mode = True
        parsed.append((k, r, st, name, raw_stt))
        if st is not None and st[0] in ("roman", "upper"):
            has_fields = True
    for k, r, st, name, raw_stt in parsed:
        excel_row = start_row + k
        if st is None:
            kind = _is_bottom(_key(name)) if name else None
            if kind is None and clean_text(r[h.stt] if h.stt < len(r) else None):
                kind = _is_bottom(_key(r[h.stt]))
            if kind:
                bottoms.append((kind, excel_row, r))
            elif _row_has_numbers(r, h):
                problems.append(Problem(file, sheet, excel_row, h.written.get(h.stt) or "STT",
                                        f"dòng có điểm nhưng không có số thứ tự (STT) của tiêu chí: '{name}'",
                                        f"row has points but no criterion number (STT): '{name}'"))
            continue
        kind, parts = st
        if kind == "roman" and letter_mode and raw_stt and len(raw_stt.rstrip(".)")) == 1:
            kind, parts = "upper", [ord(raw_stt[0]) - 64]  # C, D in a letter-numbered tree
        if kind in ("roman", "upper"):
            node = {"id": str(parts[0]), "parent": None, "level": 0}
            field, last_num = node, None
        elif kind == "num":
            if has_fields:
                if field is None:
                    problems.append(Problem(file, sheet, excel_row, h.written.get(h.stt) or "STT",
                                            "tiêu chí đứng trước lĩnh vực đầu tiên (I, II ...)",
                                            "criterion before the first field (I, II ...)"))
                    continue
                base = field["id"] + "."
            else:
                base = ""
            cid = base + ".".join(str(p) for p in parts)
            parent_id = base + ".".join(str(p) for p in parts[:-1]) if len(parts) > 1 else (
                field["id"] if has_fields else None)
            if parent_id is not None and parent_id not in by_id:
                parent_id = field["id"] if has_fields else None
            node = {"id": cid, "parent": parent_id, "level": cid.count(".") + (0 if has_fields else 0)}
            last_num = node
        else:  # lower-case letter: sub-criterion of the last numbered node
            if last_num is None:
                problems.append(Problem(file, sheet, excel_row, h.written.get(h.stt) or "STT",
                                        f"tiêu chí con '{clean_text(r[h.stt])}' không có tiêu chí cha",
                                        f"sub-criterion '{clean_text(r[h.stt])}' has no parent criterion"))
                continue
            node = {"id": f"{last_num['id']}.{parts[0]}", "parent": last_num["id"], "level": last_num["level"] + 1}
        node.update(row=excel_row, name=name, cells=r)
        if node["id"] in by_id:
            problems.append(Problem(file, sheet, excel_row, h.written.get(h.stt) or "STT",
                                    f"tiêu chí {node['id']} xuất hiện hai lần (đã có ở dòng {by_id[node['id']]['row']})",
                                    f"criterion {node['id']} appears twice (already at row {by_id[node['id']]['row']})"))
            continue
        by_id[node["id"]] = node
        nodes.append(node)
    if not nodes:
        problems.append(Problem(file, sheet, None, None, "không tìm thấy dòng tiêu chí nào dưới tiêu đề",
                                "no criterion rows found under the header"))
        return None, 0, 0
    if tree is not None:
        tree.extend({"year": year, "criterion": n["id"], "parent": n["parent"], "level": n["level"],
                     "name": n["name"], "_sheet": sheet, "_row": n["row"]} for n in nodes)
    children: dict[str, list] = {}
    for n in nodes:
        if n["parent"] is not None:
            children.setdefault(n["parent"], []).append(n)
    # component: a field named like "Điều tra xã hội học" is the survey component
    comp = {}
    for n in nodes:
        top = n
        while top["parent"] is not None:
            top = by_id[top["parent"]]
        comp[n["id"]] = "survey" if any(w in _key(top["name"]) for w in _SURVEY) else "appraisal"

    col_name = lambda j: f"{h.written.get(j) or ''} ({_col_letter(j)})".strip()  # noqa: E731

    def value(n, j, what_vi, what_en, *, marker_ok=True):
        v = n["cells"][j] if j < len(n["cells"]) else None
        if marker_ok and is_marker(v):
            return "na"
        try:
            x = parse_number(v, percent=False)  # points, never a percentage ('95%' is not 0.95 points)
        except (ValueError, OverflowError):
            problems.append(Problem(file, sheet, n["row"], col_name(j),
                                    f"{what_vi} phải là số, nhưng ô ghi '{clean_text(v)}'"
                                    + ("; ghi KPS hoặc '-' nếu không phát sinh" if marker_ok else ""),
                                    f"{what_en} must be a number, but the cell holds '{clean_text(v)}'"
                                    + ("; write KPS or '-' if it does not arise" if marker_ok else "")))
            return "bad"
        if x is not None and not np.isfinite(x):
            problems.append(Problem(file, sheet, n["row"], col_name(j), f"{what_vi} không hợp lệ: '{v}'",
                                    f"{what_en} is not a valid number: '{v}'"))
            return "bad"
        return x

    passed = failed = 0
    # maximum points and their subtotals
    mx = {n["id"]: value(n, h.max, "điểm tối đa", "max points", marker_ok=False) for n in nodes}
    leaves = [n for n in nodes if n["id"] not in children]
    for n in leaves:
        m = mx[n["id"]]
        if m is None:
            problems.append(Problem(file, sheet, n["row"], col_name(h.max),
                                    f"thiếu điểm tối đa của tiêu chí {n['id']}",
                                    f"max points of criterion {n['id']} are missing"))
        elif isinstance(m, float) and m <= 0:
            problems.append(Problem(file, sheet, n["row"], col_name(h.max),
                                    f"điểm tối đa của tiêu chí {n['id']} phải lớn hơn 0, nhưng là {m:g}",
                                    f"max points of criterion {n['id']} must be greater than 0, but are {m:g}"))
        elif isinstance(m, float) and m >= 1000:
            problems.append(Problem(file, sheet, n["row"], col_name(h.max),
                                    f"điểm tối đa {m:g} không hợp lý (một tiêu chí không quá 1.000 điểm)",
                                    f"max points {m:g} are implausible (a criterion has under 1,000 points)"))

    def sum_max(n):
        if n["id"] not in children:
            m = mx[n["id"]]
            return m if isinstance(m, float) else np.nan
        return float(sum(sum_max(c) for c in children[n["id"]]))

    for n in nodes:
        if n["id"] in children and isinstance(mx[n["id"]], float):
            s = sum_max(n)
            if np.isfinite(s) and abs(s - mx[n["id"]]) > tol:
                failed += 1
                kids = ", ".join(c["id"] for c in children[n["id"]])
                problems.append(Problem(
                    file, sheet, n["row"], col_name(h.max),
                    f"điểm tối đa của mục {n['id']} ghi {mx[n['id']]:g} nhưng tổng điểm tối đa các tiêu chí con "
                    f"({kids}) là {s:g}; có thể thiếu hoặc thừa một dòng tiêu chí",
                    f"max points of item {n['id']} say {mx[n['id']]:g} but its sub-criteria ({kids}) sum to "
                    f"{s:g}; a criterion row may be missing or extra"))
            elif np.isfinite(s):
                passed += 1

    # value columns -> units
    groups: dict[str, dict] = {}
    for j, disp, role in h.values:
        if role == "note":
            continue
        uname = disp if disp is not None else unit_name
        if uname is None:
            continue
        g = groups.setdefault(uname, {})
        if role in g:
            problems.append(Problem(file, sheet, h.row + 1, col_name(j),
                                    f"đơn vị '{uname}' có hai cột '{role}'", f"unit '{uname}' has two '{role}' columns"))
            continue
        g[role] = j
    if not groups:
        problems.append(Problem(file, sheet, h.row + 1, None,
                                "không tìm thấy cột điểm của đơn vị nào (sau cột Điểm tối đa)",
                                "no points column of any unit found (after the max points column)"))
        return None, passed, failed
    out = []
    unit_index = {}
    for uname, g in groups.items():
        if "points" not in g:
            problems.append(Problem(file, sheet, h.row + 1, col_name(g["self"]),
                                    f"đơn vị '{uname}' có cột tự chấm nhưng không có cột thẩm định",
                                    f"unit '{uname}' has a self-assessment column but no appraisal column"))
            continue
        if unit_map and fold(uname) not in unit_map:  # the units sheet is the registry: no phantom units
            known = sorted({rec[1] for rec in unit_map.values()},  # natural order: 'Đơn vị 2' before 'Đơn vị 10'
                           key=lambda t: [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in re.split(r"(\d+)", fold(t))])
            shown = ", ".join(f"'{k}'" for k in known[:4]) + (f" … ({len(known)})" if len(known) > 4 else "")
            problems.append(Problem(
                file, sheet, h.row + 1 if unit_name is None else None, col_name(g["points"]) if unit_name is None else None,
                f"đơn vị '{uname}' không có trong trang tính đơn vị (đang có: {shown}): thêm một dòng cho đơn vị "
                "này (Mã đơn vị, Tên đơn vị, Loại đơn vị) hoặc sửa tên cho khớp",
                f"unit '{uname}' is not in the units sheet (it lists: {shown}): add a row for it (unit_id, "
                "unit_name, unit_type) or correct the name to match"))
            continue
        uid, uname2, utype = unit_map.get(fold(uname), (slugify(uname), uname, ""))
        vals = {}
        for role, j in g.items():
            what = ("điểm tự chấm", "self-assessed points") if role == "self" else ("điểm thẩm định", "appraised points")
            vals[role] = {n["id"]: value(n, j, *what) for n in nodes}

        def ssum(n, role):
            """-> (sum of applicable children, any applicable, all valid)"""
            if n["id"] not in children:
                v = vals[role][n["id"]]
                if isinstance(v, float):
                    return v, True, True
                return 0.0, False, v == "na"
            tot, anyapp, ok = 0.0, False, True
            for c in children[n["id"]]:
                a, b, o = ssum(c, role)
                tot, anyapp, ok = tot + a, anyapp or b, ok and o
            return tot, anyapp, ok

        for role, j in g.items():
            for n in nodes:
                if n["id"] not in children:
                    continue
                stated = vals[role][n["id"]]
                if stated is None or stated == "bad":
                    continue
                s, anyapp, ok = ssum(n, role)
                if not ok:
                    continue
                if stated == "na":
                    if anyapp:
                        failed += 1
                        problems.append(Problem(file, sheet, n["row"], col_name(j),
                                                f"mục {n['id']} ghi không phát sinh nhưng các tiêu chí con có điểm ({s:g})",
                                                f"item {n['id']} is marked not arising but its sub-criteria have points ({s:g})"))
                    continue
                if abs(stated - s) > tol:
                    failed += 1
                    problems.append(Problem(
                        file, sheet, n["row"], col_name(j),
                        f"tổng điểm mục {n['id']} ghi {stated:g} nhưng tổng các tiêu chí con có phát sinh là {s:g}",
                        f"the subtotal of item {n['id']} says {stated:g} but its applicable sub-criteria sum to {s:g}"))
                else:
                    passed += 1
        if "self" in g and any(isinstance(vals["self"][n["id"]], float) for n in leaves):
            # self points kept: an empty one on an arising criterion is missing (as in the other layouts)
            gaps = [n for n in leaves if vals["self"][n["id"]] is None and isinstance(vals["points"][n["id"]], float)]
            for n in gaps[:MAX_PROBLEMS_PER_CHECK]:
                problems.append(Problem(file, sheet, n["row"], col_name(g["self"]), *SELF_POINTS_MISSING))
        unit_index[uname] = (uid, g, vals)
        for n in leaves:
            p = vals["points"][n["id"]]
            m = mx[n["id"]]
            sp = vals.get("self", {}).get(n["id"])
            rec = {
                "year": year, "unit_id": uid, "unit_name": uname2, "unit_type": utype,
                "field": n["id"].split(".")[0], "criterion": n["id"], "component": comp[n["id"]],
                "max_points": m if isinstance(m, float) else np.nan,
                "points": p if isinstance(p, float) else np.nan,
                "applicable": p != "na",
                "criterion_name": n["name"],
                "parent": n["parent"],
                "_file": file, "_sheet": sheet, "_row": n["row"],
                "_col_points": col_name(g["points"]), "_col_max_points": col_name(h.max),
                "_bad": p == "bad",
            }
            if "self" in g:
                rec["self_points"] = sp if isinstance(sp, float) else np.nan
            out.append(rec)
    if not out:
        return None, passed, failed
    df = pd.DataFrame(out)
    p2, f2 = _check_bottoms(bottoms, h, df, unit_index, file=file, sheet=sheet, problems=problems,
                            col_name=col_name, tol=tol, mx=mx, leaves=leaves)
    return df, passed + p2, failed + f2


def _row_has_numbers(r, h) -> bool:
    for j, _, _ in h.values:
        if j < len(r) and isinstance(r[j], (int, float)) and not isinstance(r[j], bool):
            return True
    return False


def _check_bottoms(bottoms, h, df, unit_index, *, file, sheet, problems, col_name, tol, mx, leaves):
    from ..ranking import competition_rank

    passed = failed = 0
    if not bottoms:
        return 0, 0
    leaf_max = float(sum(m for m in (mx[n["id"]] for n in leaves) if isinstance(m, float)))
    stats = {}  # (uname, role) -> (total, applicable max)
    for uname, (uid, g, vals) in unit_index.items():
        for role in ("points", "self"):
            if role not in g:
                continue
            tot = amax = 0.0
            for n in leaves:
                v = vals[role][n["id"]]
                m = mx[n["id"]]
                if isinstance(v, float) and isinstance(m, float):
                    tot += v
                    amax += m
            stats[(uname, role)] = (tot, amax)
    idx = {k: (100 * t / a if a > 0 else np.nan) for k, (t, a) in stats.items()}
    ranks = {}
    for role in ("points", "self"):
        keys = [k for k in idx if k[1] == role]
        if keys:
            rk = competition_rank(pd.Series([idx[k] for k in keys]))
            ranks.update({k: float(r) for k, r in zip(keys, np.asarray(rk, dtype=float))})

    for kind, excel_row, r in bottoms:
        cell = lambda j: r[j] if j < len(r) else None  # noqa: E731
        if kind == "total":
            v = cell(h.max)
            try:
                x = parse_number(v)
            except (ValueError, OverflowError):
                x = None
            if x is not None:
                if abs(x - leaf_max) > tol:
                    failed += 1
                    problems.append(Problem(file, sheet, excel_row, col_name(h.max),
                                            f"tổng điểm tối đa ghi {x:g} nhưng tổng điểm tối đa các tiêu chí là {leaf_max:g}",
                                            f"the total of max points says {x:g} but the criteria sum to {leaf_max:g}"))
                else:
                    passed += 1
        for uname, (uid, g, vals) in unit_index.items():
            for role, j in g.items():
                v = cell(j)
                if clean_text(v) is None or is_marker(v):
                    continue
                try:
                    x = parse_number(v)
                except (ValueError, OverflowError):
                    failed += 1
                    problems.append(Problem(file, sheet, excel_row, col_name(j),
                                            f"ô phải là số, nhưng ghi '{clean_text(v)}'",
                                            f"the cell must be a number, but holds '{clean_text(v)}'"))
                    continue
                tot, amax = stats[(uname, role)]
                if kind == "total":
                    want, what_vi, what_en, t = tot, "tổng điểm", "the total", tol
                elif kind == "index":
                    want, what_vi, what_en, t = idx[(uname, role)], "chỉ số CCHC (%)", "the PAR index (%)", 0.05
                    if x <= 1.0 and want > 1.0 + 1e-9:
                        x = x * 100  # written as a fraction (0,8523)
                else:
                    want, what_vi, what_en, t = ranks.get((uname, role), np.nan), "xếp hạng", "the rank", 0.0
                if not np.isfinite(want):
                    continue
                if abs(x - want) > t + 1e-9:
                    failed += 1
                    problems.append(Problem(
                        file, sheet, excel_row, col_name(j),
                        f"{what_vi} của {uname} ghi {x:g} nhưng tính lại từ các tiêu chí là {round(want, 2):g}",
                        f"{what_en} of {uname} says {x:g} but recomputed from the criteria it is {round(want, 2):g}"))
                else:
                    passed += 1
    return passed, failed


_DATEISH = re.compile(r"ngay \d{1,2} thang \d{1,2} nam \d{4}|\d{1,2}/\d{1,2}/\d{4}|/\d{4}/|\d{1,2}-\d{1,2}-\d{4}")
_YEAR_NAM = re.compile(r"\bnam (\d{4})\b")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def find_year(sheet: str, rows: list[list], header_row: int) -> int | None:
    """The assessment year from the sheet name, else the title rows (dates excluded)."""
    m = _YEAR.search(fold(sheet))
    if m:
        return int(m.group(1))
    texts = [fold(str(v)) for r in rows[:header_row] for v in r if clean_text(v)]
    for t in texts:
        t = _DATEISH.sub(" ", t)
        if "quyet dinh" in t or "so:" in t:
            continue
        m = _YEAR_NAM.search(t)
        if m:
            return int(m.group(1))
    for t in texts:
        t = _DATEISH.sub(" ", t)
        if "quyet dinh" in t:
            continue
        m = _YEAR.search(t)
        if m:
            return int(m.group(1))
    return None


def find_unit_in_title(rows: list[list], header_row: int) -> str | None:
    """A title cell naming the unit (``Đơn vị: Vụ Pháp chế`` / ``Tên đơn vị: ...``)."""
    for r in rows[:header_row]:
        for v in r:
            s = clean_text(v)
            if not s or ":" not in s:
                continue
            head, _, rest = s.partition(":")
            if _key(head) in {"don vi", "ten don vi", "co quan", "don vi duoc danh gia", "don vi tu cham"} and rest.strip():
                return rest.strip()
    return None
