"""The report as a Word document (python-docx): A4, Times New Roman 13 pt, numbered
headings, findings first, tables whose header row repeats on every page, figures with
numbered captions, a contents list, sources and a glossary."""

from __future__ import annotations

import io
import os
import weakref
from pathlib import Path

from .tables import PeopleTable, url_parts
from .words import GLOSSARY, word

__all__ = ["write_docx", "new_document", "add_section"]

_FONT = "Times New Roman"


def _docx():
    # python-docx is imported only when a document is written (start-up time of the CLI)
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    return docx, WD_TABLE_ALIGNMENT, WD_ALIGN_PARAGRAPH, OxmlElement, qn, Cm, Pt, RGBColor


_STYLE_IDS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _style_id(doc, name: str, kind: int = 1) -> str | None:
    """The style id python-docx writes for the style called ``name`` (``kind`` 1 paragraph,
    3 table), looked up once per document: python-docx scans every style of the document
    on each lookup by name (0.3 s of the report's Word document)."""
    ids = _STYLE_IDS.setdefault(doc.part, {})
    if (name, kind) not in ids:
        from docx.enum.style import WD_STYLE_TYPE

        ids[(name, kind)] = doc.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH if kind == 1 else WD_STYLE_TYPE.TABLE)
    return ids[(name, kind)]


def _para(doc, text: str = "", style: str | None = None):
    """``doc.add_paragraph(text, style=style)``, the same XML, the style id from :func:`_style_id`."""
    p = doc.add_paragraph(text)
    if style is not None:
        p._p.style = _style_id(doc, style)
    return p


def _heading(doc, text: str, level: int):
    """``doc.add_heading(text, level)`` through :func:`_para`."""
    return _para(doc, text, "Title" if level == 0 else f"Heading {level}")


def new_document(*, title: str, subtitle: str = "", lang: str = "vi"):
    """A blank A4 document with the report's styles and a title block."""
    docx, _, ALIGN, OxmlElement, qn, Cm, Pt, RGBColor = _docx()
    doc = docx.Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin, sec.right_margin = Cm(3.0), Cm(2.0)
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
    for name, size in (("Normal", 13), ("Heading 1", 15), ("Heading 2", 14), ("Heading 3", 13),
                       ("Title", 18), ("Caption", 12)):
        st = doc.styles[name]
        st.font.name = _FONT
        st.font.size = Pt(size)
        rpr = st.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for a in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(a), _FONT)
        for a in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            if fonts.get(qn(a)) is not None:
                del fonts.attrib[qn(a)]
        st.font.color.rgb = RGBColor(0, 0, 0)
        if name == "Caption":
            st.font.italic = False
            st.font.bold = True
        if name.startswith("Heading") or name == "Title":
            st.font.color.rgb = RGBColor(0, 0, 0)
            st.font.bold = True
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.15
    doc.core_properties.title = title
    doc.core_properties.author = "cchc-analysis"
    doc.core_properties.language = "vi-VN" if lang == "vi" else "en-GB"
    p = _para(doc, title, "Title")
    p.alignment = ALIGN.CENTER
    if subtitle:
        s = doc.add_paragraph(subtitle)
        s.alignment = ALIGN.CENTER
    return doc


def _repeat_header(row) -> None:
    _, _, _, OxmlElement, qn, *_ = _docx()
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _no_split(row) -> None:
    """A row stays on one page (no half-empty row at the foot of a page)."""
    _, _, _, OxmlElement, qn, *_ = _docx()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _hyperlink(par, url: str, text: str, size_pt: float) -> None:
    """A clickable link (blue, underlined) showing ``text``."""
    _, _, _, OxmlElement, qn, _, Pt, _ = _docx()
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    r_id = par.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    for tag, val in (("w:color", "1F5D99"), ("w:u", "single"), ("w:sz", str(int(round(size_pt * 2))))):
        el = OxmlElement(tag)
        el.set(qn("w:val"), val)
        rpr.append(el)
    run.append(rpr)
    txt = OxmlElement("w:t")
    txt.text = text
    run.append(txt)
    link.append(run)
    par._p.append(link)


#: Usable width of an A4 page with the report's margins (cm).
_TEXT_WIDTH_CM = 16.0


def column_widths(t: PeopleTable, total_cm: float = _TEXT_WIDTH_CM) -> list[float]:
    """Column widths (cm) from the content: long text gets room, numbers and codes stay
    narrow; each column at least the width of its longest header word.

    >>> t = PeopleTable(["Đơn vị", "Xếp hạng", "Nội dung"], [["Sở Tư pháp", "1", "x" * 200]], ["l", "r", "l"],
    ...                 ["text", "rank", "text"])
    >>> [round(w, 1) for w in column_widths(t)]
    [2.1, 1.4, 12.5]
    """
    weights, floors = [], []
    for j, h in enumerate(t.header):
        cells = [r[j] for r in t.rows]
        if t.kinds[j] == "url":
            cells = [max((len(x) for _, x in url_parts(c)), default=len(c)) for c in cells]
            longest = max(cells, default=0)
        else:
            longest = max((len(c) for c in cells), default=0)
        word = max((len(w) for w in str(h).split()), default=1)
        weights.append(min(max(longest, word, 4), 60))
        floors.append(max(1.5, min(word, 14) * 0.22 + 0.3))
    tot = sum(weights) or 1.0
    w = [max(total_cm * x / tot, f) for x, f in zip(weights, floors)]
    scale = total_cm / sum(w)
    return [x * scale for x in w]


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _t_xml(text: str) -> str:
    """A run's text as WordprocessingML: line breaks and tabs as ``w:br``/``w:tab``."""
    from xml.sax.saxutils import escape

    out = []
    for i, line in enumerate(str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if i:
            out.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if piece:
                keep = ' xml:space="preserve"' if piece != piece.strip() else ""
                out.append(f"<w:t{keep}>{escape(piece)}</w:t>")
    return "".join(out)


def _table_rows_xml(doc, t: PeopleTable, twips: list[int], font_pt: float) -> str:
    """Every row of ``t`` (header first) as one WordprocessingML string: one parse instead
    of python-docx's element-by-element calls (the report's 30 tables took 2 s that way)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from xml.sax.saxutils import escape

    sz = f'<w:sz w:val="{int(round(font_pt * 2))}"/>'
    link_rpr = f'<w:rPr><w:color w:val="1F5D99"/><w:u w:val="single"/>{sz}</w:rPr>'

    def tc(width, body, right=False):
        ppr = '<w:pPr><w:jc w:val="right"/></w:pPr>' if right else ""
        return f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr><w:p>{ppr}{body}</w:p></w:tc>'

    head = "".join(tc(w, f"<w:r><w:rPr><w:b/>{sz}</w:rPr>{_t_xml(h)}</w:r>") for h, w in zip(t.header, twips))
    rows = ['<w:tr><w:trPr><w:tblHeader w:val="true"/><w:cantSplit w:val="true"/></w:trPr>' + head + "</w:tr>"]
    for row in t.rows:
        cells = []
        for v, al, k, w in zip(row, t.align, t.kinds, twips):
            links = url_parts(v) if k == "url" else []
            if links:
                parts = []
                for i, (u, host) in enumerate(links):
                    if i:
                        parts.append(f"<w:r><w:rPr>{sz}</w:rPr>{_t_xml('; ')}</w:r>")
                    r_id = doc.part.relate_to(u, RT.HYPERLINK, is_external=True)
                    parts.append(f'<w:hyperlink r:id="{escape(r_id)}"><w:r>{link_rpr}{_t_xml(host)}</w:r></w:hyperlink>')
                cells.append(tc(w, "".join(parts)))
            else:
                cells.append(tc(w, f"<w:r><w:rPr>{sz}</w:rPr>{_t_xml(v)}</w:r>", right=(al == "r")))
        rows.append('<w:tr><w:trPr><w:cantSplit w:val="true"/></w:trPr>' + "".join(cells) + "</w:tr>")
    return "".join(rows)


def add_table(doc, t: PeopleTable, *, caption: str, font_pt: float = 10.5):
    """A captioned table: header row repeated on every page, rows kept whole, column
    widths from the content (:func:`column_widths`), numbers right-aligned, links named."""
    from docx.oxml import parse_xml

    _, TALIGN, _, _, _, Cm, Pt, _ = _docx()
    cap = _para(doc, caption, "Caption")
    cap.paragraph_format.keep_with_next = True
    table = doc.add_table(rows=0, cols=len(t.header))
    table._tbl.tblStyle_val = _style_id(doc, "Table Grid", 3)  # table.style = "Table Grid"
    table.alignment = TALIGN.CENTER
    table.autofit = False
    # cell widths from the content; the grid stays python-docx's equal one (LibreOffice lays
    # a fixed table out by its grid: with these widths narrow numeric headers broke mid-word)
    twips = [int(Cm(w).twips) for w in column_widths(t)]
    frag = parse_xml(f'<w:tbl xmlns:w="{_W}" xmlns:r="{_R}">' + _table_rows_xml(doc, t, twips, font_pt) + "</w:tbl>")
    for tr in list(frag):
        table._tbl.append(tr)
    for n in t.notes:
        p = doc.add_paragraph(n)
        p.runs[0].font.size = Pt(11)
        p.runs[0].italic = True
    return table


def add_section(doc, section, *, number: int, counters: dict, figures_root: Path | None = None,
                figure_width_cm: float = 15.5, png: dict | None = None) -> None:
    """Append one section: numbered heading, findings, then its blocks in order."""
    _, _, _, _, _, Cm, Pt, _ = _docx()
    lang = section.lang
    _heading(doc, f"{number}. {section.title}", level=1)
    if section.synthetic:
        p = doc.add_paragraph()
        r = p.add_run(word("synthetic_banner", lang))
        r.italic = True
    if section.findings:
        _heading(doc, f"{number}.1. {word('key_findings', lang)}", level=2)
        for f in section.findings:
            _para(doc, f, "List Bullet")
    sub = 1 if section.findings else 0
    paths = getattr(section, "_paths", None) or section.to_dict()
    for b in section.blocks:
        t = b["type"]
        if t == "heading":
            sub += 1
            _heading(doc, f"{number}.{sub}. {b['text']}", level=2)
        elif t == "text":
            doc.add_paragraph(b["text"])
        elif t in ("note", "skip"):
            p = doc.add_paragraph()
            r = p.add_run(b["text"])
            r.italic = True
            r.font.size = Pt(12)
        elif t == "table":
            counters["table"] += 1
            add_table(doc, PeopleTable.from_dict(b["table"]),
                      caption=f"{word('table', lang)} {counters['table']}. {b['caption']}")
        elif t == "figure":
            data = (png or {}).get(b["name"])
            if data is None and figures_root is not None:
                f = figures_root / paths["figures"].get(b["name"], "")
                data = f.read_bytes() if f.is_file() else None
            if data is None:
                continue
            counters["figure"] += 1
            doc.add_picture(io.BytesIO(data), width=Cm(figure_width_cm))
            doc.paragraphs[-1].paragraph_format.keep_with_next = True
            _para(doc, f"{word('figure', lang)} {counters['figure']}. {b['caption']}", "Caption")
    if section.sources:
        p = doc.add_paragraph()
        r = p.add_run(word("sources", lang) + ": ")
        r.bold = True
        r.font.size = Pt(11)
        r2 = p.add_run("; ".join(section.sources))
        r2.font.size = Pt(11)


def save_document(doc, path: str | os.PathLike) -> Path:
    """Save ``doc`` atomically with fixed core properties (the same content, the same bytes)."""
    import datetime as _dt

    from ..outputs import atomic_write_bytes, deterministic_zip

    fixed = _dt.datetime(2000, 1, 1)
    doc.core_properties.created = fixed
    doc.core_properties.modified = fixed
    doc.core_properties.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return atomic_write_bytes(Path(path), deterministic_zip(buf.getvalue()))  # fixed entry times too



def write_docx(sections, path: str | os.PathLike, *, title: str, subtitle: str = "", lang: str = "vi",
               report_dir: str | os.PathLike | None = None, glossary: bool = True, contents: bool = True,
               preface: list[str] | None = None, summary: bool = True) -> Path:
    """Write every section into one Word document at ``path`` (atomically).

    ``report_dir`` is where the sections' figure files are (the report folder).
    ``summary``: the key findings of every section first, under the title (the page a
    reader who reads one page reads), then the contents and the sections. The contents
    list is a static list of the numbered section headings (it needs no field update in
    Word).
    """
    doc = new_document(title=title, subtitle=subtitle, lang=lang)
    for line in preface or []:
        doc.add_paragraph(line)
    with_findings = [(i, s) for i, s in enumerate(sections, 1) if s.findings]
    if summary and with_findings:
        _heading(doc, word("key_findings", lang), level=1)
        for i, s in with_findings:
            p = doc.add_paragraph()
            p.paragraph_format.keep_with_next = True
            r = p.add_run(f"{i}. {s.title}")
            r.bold = True
            for f in s.findings:
                _para(doc, f, "List Bullet")
    if contents:
        if summary and with_findings:
            doc.add_page_break()
        _heading(doc, word("contents", lang), level=1)
        for i, s in enumerate(sections, 1):
            doc.add_paragraph(f"{i}. {s.title}")
        if glossary:
            doc.add_paragraph(f"{len(sections) + 1}. {word('glossary', lang)}")
    counters = {"table": 0, "figure": 0}
    root = Path(report_dir) if report_dir else None
    for i, s in enumerate(sections, 1):
        if contents or i > 1:
            doc.add_page_break()
        add_section(doc, s, number=i, counters=counters, figures_root=root)
    if glossary:
        doc.add_page_break()
        _heading(doc, f"{len(sections) + 1}. {word('glossary', lang)}", level=1)
        from .tables import PeopleTable as _PT

        rows = [[a, b] for a, b in GLOSSARY[lang]]
        head = ["Thuật ngữ", "Nghĩa"] if lang == "vi" else ["Term", "Meaning"]
        add_table(doc, _PT(head, rows, ["l", "l"], ["text", "text"]), caption="")
    return save_document(doc, path)

