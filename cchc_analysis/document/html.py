"""HTML pages of a report, rendered from sections (no notebook dump): findings first."""

from __future__ import annotations

import html as _html
import re
from urllib.parse import quote

from .tables import PeopleTable, url_parts
from .words import word

__all__ = ["table_html", "section_html", "page"]

CSS = """
body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;max-width:1100px;margin:0 auto;padding:16px 28px 48px;
color:#1d2733;line-height:1.5;font-size:15px;background:#fff}
h1{font-size:26px;margin:8px 0 4px}h2{font-size:20px;margin:28px 0 8px;border-bottom:1px solid #d5dbe2;padding-bottom:4px}
h3{font-size:17px;margin:22px 0 6px}
nav{font-size:13px;margin-bottom:10px}nav a{margin-right:14px;color:#1f5d99;text-decoration:none}
.findings{background:#eef5fb;border-left:5px solid #1f5d99;padding:10px 18px;margin:14px 0 18px}
.findings h2{border:0;margin:4px 0 6px;font-size:18px}.findings li{margin:4px 0}
.synthetic{background:#fff4d6;border:1px solid #e0b84a;padding:6px 12px;font-weight:600;margin:10px 0}
.skip{background:#f5f5f5;border-left:4px solid #999;padding:6px 12px;margin:8px 0;font-style:italic}
.note{font-size:13px;color:#46525e}
table{border-collapse:collapse;margin:6px 0 4px;font-size:13.5px;max-width:100%}.tw{overflow-x:auto;max-width:100%}
th{background:#e9eef3;text-align:left;vertical-align:bottom;padding:5px 8px;border-bottom:2px solid #aab6c2}
td{padding:4px 8px;border-bottom:1px solid #e3e7eb;vertical-align:top}
td.r{text-align:right;white-space:nowrap}th.r{text-align:right;white-space:normal;min-width:4.5em}td.l{text-align:left;white-space:normal;max-width:420px}
td.nw{white-space:nowrap}
.caption{font-weight:600;margin-top:16px}.tnote{font-size:12.5px;color:#46525e;margin:2px 0 12px}
figure{margin:14px 0}figure img{max-width:100%;height:auto;border:1px solid #eef0f2}
figcaption{font-size:13.5px;color:#33404d;margin-top:4px}
.sections{list-style:none;padding:0}.sections li{margin:10px 0}
footer{margin-top:40px;font-size:12px;color:#6b7784;border-top:1px solid #d5dbe2;padding-top:8px}
"""


#: Files of the report a table may link to (relative links), and the link's text.
_LOCAL_NAMES = {"html": "HTML", "docx": "Word", "xlsx": "Excel", "pdf": "PDF"}

_LOCAL = tuple(f".{k}" for k in _LOCAL_NAMES)


_NUMBER_SPACE_UNIT = re.compile(r"(?<=\d) (?=%)")


def escape_text(text) -> str:
    """HTML-escaped text in which a number keeps its ``%`` on the same line ("13,3 %" never
    breaks before the sign: a no-break space)."""
    return _NUMBER_SPACE_UNIT.sub("\u00a0", _html.escape(str(text), quote=True))


_e = escape_text


def table_html(t: PeopleTable) -> str:
    """One table: text left-aligned and wrapped, numbers right-aligned, URLs as links."""
    head = "".join(f'<th class="{a}">{_e(h)}</th>' for h, a in zip(t.header, t.align))
    body = []
    # short text columns (names, ids) stay on one line; long text wraps
    short = [a == "l" and max((len(r[j]) for r in t.rows), default=0) <= 32 for j, a in enumerate(t.align)]
    for row in t.rows:
        cells = []
        for v, a, k, nw in zip(row, t.align, t.kinds, short):
            a = "l nw" if nw else a
            if k == "url" and url_parts(v):  # one or several sources: each a link named by its site
                links = "<br>".join(f'<a href="{_e(u)}" rel="noopener noreferrer">{_e(h)}</a>' for u, h in url_parts(v))
                cells.append(f'<td class="l">{links}</td>')
            elif k == "url" and v.endswith(_LOCAL) and ":" not in v and not v.startswith(("/", "..")):
                # a file of the same report (e.g. a unit's scorecard): a relative link named by its kind
                cells.append(f'<td class="l nw"><a href="{_e(quote(v))}">{_LOCAL_NAMES[v.rsplit(".", 1)[-1]]}</a></td>')
            else:
                cells.append(f'<td class="{a}">{_e(v)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    notes = "".join(f'<div class="tnote">{_e(n)}</div>' for n in t.notes)
    return f'<div class="tw"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>{notes}'


def page(title: str, body: str, *, lang: str, nav: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
            f"{nav}{body}</body></html>\n")


def section_html(section, *, number: int | None = None, counters: dict | None = None, nav: str = "",
                 footer: str = "") -> str:
    """The page of one section. ``counters`` ({"table": n, "figure": n}) numbers tables
    and figures across the report; it is updated."""
    lang = section.lang
    counters = counters if counters is not None else {"table": 0, "figure": 0}
    paths = getattr(section, "_paths", None) or section.to_dict()
    num = f"{number}. " if number else ""
    out = [f"<h1>{_e(num + section.title)}</h1>"]
    if section.synthetic:
        out.append(f'<div class="synthetic">{_e(word("synthetic_banner", lang))}</div>')
    if section.findings:
        items = "".join(f"<li>{_e(f)}</li>" for f in section.findings)
        out.append(f'<div class="findings"><h2>{_e(word("key_findings", lang))}</h2><ul>{items}</ul></div>')
    for b in section.blocks:
        t = b["type"]
        if t == "heading":
            out.append(f"<h2>{_e(b['text'])}</h2>")
        elif t == "text":
            out.append(f"<p>{_e(b['text'])}</p>")
        elif t == "note":
            out.append(f'<p class="note">{_e(b["text"])}</p>')
        elif t == "skip":
            out.append(f'<div class="skip">{_e(b["text"])}</div>')
        elif t == "table":
            if b.get("detail"):
                continue
            counters["table"] += 1
            cap = f'{word("table", lang)} {counters["table"]}. {b["caption"]}'
            out.append(f'<div class="caption">{_e(cap)}</div>' + table_html(PeopleTable.from_dict(b["table"])))
        elif t == "figure":
            counters["figure"] += 1
            src = paths["figures"].get(b["name"], "")
            cap = f'{word("figure", lang)} {counters["figure"]}. {b["caption"]}'
            out.append(f'<figure><img src="{_e(quote(src))}" alt="{_e(b["caption"])}">'
                       f"<figcaption>{_e(cap)}</figcaption></figure>")
    if section.sources:
        links = "".join(f'<li><a href="{_e(u)}" rel="noopener noreferrer">{_e(u)}</a></li>' for u in section.sources)
        out.append(f"<h2>{_e(word('sources', lang))}</h2><ul class='note'>{links}</ul>")
    if footer:
        out.append(f"<footer>{footer}</footer>")
    return page(section.title, "".join(out), lang=lang, nav=nav)
