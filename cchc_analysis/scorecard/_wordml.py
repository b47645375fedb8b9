"""Scorecards as Word files, written as WordprocessingML text into a template made once
with python-docx (the report's styles). Hundreds of one-unit documents plus one combined
document: python-docx builds every paragraph as an object tree and re-reads the template
for each file (about 0.2 s a card); a card written as text takes a few milliseconds.
The files open in python-docx, Word and LibreOffice (tested)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

__all__ = ["CardWriter"]

_PLACEHOLDER = "CCHC-SCORECARD-TITLE"
_FIXED = (2000, 1, 1, 0, 0, 0)  # the same content gives the same bytes
_NS = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')
_IMG_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_DROP = {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg"}  # optional parts: smaller, faster files


def _t(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'


def _png_size(png: bytes) -> tuple[int, int]:
    w, h = struct.unpack(">II", png[16:24])
    return w, h


class CardWriter:
    """Builds the body of scorecards as WordprocessingML and writes them as .docx files."""

    def __init__(self, lang: str):
        from ..document.docx import new_document
        from docx.shared import Cm, Pt

        doc = new_document(title=_PLACEHOLDER, lang=lang)
        sec = doc.sections[0]
        sec.left_margin, sec.right_margin = Cm(2.0), Cm(1.8)
        sec.top_margin, sec.bottom_margin = Cm(1.6), Cm(1.6)
        for name, size in (("Normal", 11), ("Heading 1", 14), ("Heading 2", 12), ("Title", 15), ("Caption", 10)):
            doc.styles[name].font.size = Pt(size)
        doc.styles["Normal"].paragraph_format.space_after = Pt(3)
        doc.styles["Normal"].paragraph_format.line_spacing = 1.05
        for name in ("Heading 1", "Heading 2"):
            doc.styles[name].paragraph_format.space_before = Pt(8)
            doc.styles[name].paragraph_format.space_after = Pt(3)
        doc.styles["Heading 2"].paragraph_format.keep_with_next = True
        buf = io.BytesIO()
        doc.save(buf)
        z = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
        self.parts = {n: z.read(n) for n in z.namelist() if n not in _DROP}
        xml = self.parts.pop("word/document.xml").decode("utf-8")
        body = xml.index("<w:body>") + len("<w:body>")
        sect = xml.index("<w:sectPr")
        self.head = xml[:body]
        self.title_par = xml[body:sect]  # the title paragraph, with the placeholder
        self.tail = xml[sect:]
        self.rels = self.parts.pop("word/_rels/document.xml.rels").decode("utf-8")
        self.core = self.parts.pop("docProps/core.xml").decode("utf-8")
        ct = self.parts.pop("[Content_Types].xml").decode("utf-8")
        ct = ct.replace('<Override PartName="/word/stylesWithEffects.xml" '
                        'ContentType="application/vnd.ms-word.stylesWithEffects+xml"/>', "")
        ct = ct.replace('<Default Extension="jpeg" ContentType="image/jpeg"/>',
                        '<Default Extension="jpeg" ContentType="image/jpeg"/>'
                        '<Default Extension="png" ContentType="image/png"/>')
        self.content_types = ct
        self._deflated: dict = {}  # the template's parts, deflated once
        self.rels = self.rels.replace(
            '<Relationship Id="rId4" Type="http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects" '
            'Target="stylesWithEffects.xml"/>', "")
        self.parts["_rels/.rels"] = self.parts["_rels/.rels"].replace(
            b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            b'thumbnail" Target="docProps/thumbnail.jpeg"/>', b"")

    # -- pieces of a body ------------------------------------------------------------
    @staticmethod
    def para(text: str = "", style: str | None = None, *, italic: bool = False, half_pt: int | None = None,
             keep_next: bool = False) -> str:
        ppr = (f'<w:pStyle w:val="{style}"/>' if style else "") + ("<w:keepNext/>" if keep_next else "")
        rpr = ("<w:i/>" if italic else "") + (f'<w:sz w:val="{half_pt}"/>' if half_pt else "")
        run = f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}{_t(text)}</w:r>" if text else ""
        return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{run}</w:p>"

    @staticmethod
    def page_break() -> str:
        return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'

    @staticmethod
    def table(header, rows, align, widths_twips, *, half_pt: int = 19) -> str:
        """A table with fixed column widths, a bold header row repeated on every page and
        right-aligned numbers."""
        def cell(v, w, right, bold):
            jc = '<w:jc w:val="right"/>' if right else ""
            b = "<w:b/>" if bold else ""
            return (f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:spacing w:after="0"/>'
                    f'{jc}</w:pPr><w:r><w:rPr>{b}<w:sz w:val="{half_pt}"/></w:rPr>{_t(v)}</w:r></w:p></w:tc>')

        tw = widths_twips
        out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
               f'<w:tblW w:w="{sum(tw)}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
               '<w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>',
               "".join(f'<w:gridCol w:w="{w}"/>' for w in tw), "</w:tblGrid>",
               '<w:tr><w:trPr><w:tblHeader/></w:trPr>', "".join(cell(h, w, False, True) for h, w in zip(header, tw)),
               "</w:tr>"]
        for r in rows:
            out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                       + "".join(cell(v, w, a == "r", False) for v, w, a in zip(r, tw, align)) + "</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    @staticmethod
    def picture(png: bytes, rid: str, n: int, width_cm: float) -> str:
        w, h = _png_size(png)
        cx = int(width_cm * 360000)
        cy = int(cx * h / w)
        return (f'<w:p><w:pPr><w:keepNext/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
                f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{n}" name="Picture {n}"/>'
                '<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/'
                f'main" noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic {_NS}>'
                '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
                f'<pic:nvPicPr><pic:cNvPr id="{n}" name="image{n}.png"/><pic:cNvPicPr/></pic:nvPicPr>'
                f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
                f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
                '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
                "</wp:inline></w:drawing></w:r></w:p>")

    # -- files -----------------------------------------------------------------------
    def document(self, title: str, body: list[str], images: list[tuple[str, bytes]]) -> bytes:
        """The .docx bytes: the title, ``body`` (XML pieces) and the images they embed
        (``(relationship id, png)``)."""
        xml = (self.head + self.title_par.replace(_PLACEHOLDER, escape(title)) + "".join(body) + self.tail)
        rels = self.rels.replace("</Relationships>", "".join(
            f'<Relationship Id="{rid}" Type="{_IMG_REL}" Target="media/{rid}.png"/>' for rid, _ in images)
            + "</Relationships>")
        core = self.core.replace(_PLACEHOLDER, escape(title))
        # (name, data, how): "cache" = deflated once (the template's parts), "deflate", "store"
        entries = [("[Content_Types].xml", self.content_types.encode("utf-8"), "cache")]
        entries += [(n, d, "cache") for n, d in self.parts.items()]
        entries += [("docProps/core.xml", core.encode("utf-8"), "deflate"),
                    ("word/document.xml", xml.encode("utf-8"), "deflate"),
                    ("word/_rels/document.xml.rels", rels.encode("utf-8"), "deflate")]
        entries += [(f"word/media/{rid}.png", png, "store") for rid, png in images]  # PNG is compressed already
        return _zip(entries, self._deflated)


_DOS_TIME = (_FIXED[3] << 11) | (_FIXED[4] << 5) | (_FIXED[5] // 2)
_DOS_DATE = ((_FIXED[0] - 1980) << 9) | (_FIXED[1] << 5) | _FIXED[2]


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _zip(entries, cache: dict) -> bytes:
    """A ZIP archive (what a .docx is) of ``(name, data, how)``; the deflated bytes of the
    template's parts (``how="cache"``), the same in every file, are kept in ``cache``
    (zipfile would compress the 350 kB of styles again for every card)."""
    out, central = io.BytesIO(), []
    for name, data, how in entries:
        key = (name, len(data), zlib.crc32(data))
        if how == "cache":
            if key not in cache:
                cache[key] = _deflate(data)
            body, method = cache[key], 8
        elif how == "deflate":
            body, method = _deflate(data), 8
        else:
            body, method = data, 0
        nm = name.encode("utf-8")
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, method, _DOS_TIME, _DOS_DATE, key[2],
                              len(body), len(data), len(nm), 0) + nm + body)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, method, _DOS_TIME, _DOS_DATE,
                                   key[2], len(body), len(data), len(nm), 0, 0, 0, 0, 0, offset) + nm)
    start = out.tell()
    cd = b"".join(central)
    out.write(cd)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(cd), start, 0))
    return out.getvalue()
