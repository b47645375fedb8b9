"""HTML: sanitising what notebooks display, cleaning outputs for the code-free pages, the index page.

nbconvert and bleach are imported inside the functions that use them (heavy; only the
report needs them, not ``import cchc_analysis``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote

from .words import phrase

__all__ = ["notebook_title", "sanitize_html", "clean_outputs_for_html", "index_html"]

def notebook_title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.strip():
                    return line.lstrip("#").strip()
    return ""


_SAFE_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "div", "dl",
    "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q",
    "s", "small", "span", "strong", "style", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
})
_SAFE_ATTRS = {
    "*": ["class", "id", "title", "style", "align", "colspan", "rowspan", "scope"],
    "a": ["href", "title"], "img": ["src", "alt", "width", "height"],
}


_RISKY_MARKUP = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|link|meta|base|form|input|button|svg|math|frame)\b"
    r"|\bon[a-z]+\s*=|javascript\s*:", re.IGNORECASE)


def sanitize_html(text: str) -> str:
    """Keep ordinary markup (tables, headings, text styles); drop scripts, handlers, iframes ..."""
    import bleach
    from bleach.css_sanitizer import CSSSanitizer

    return bleach.clean(text, tags=_SAFE_TAGS, attributes=_SAFE_ATTRS,
                        protocols={"http", "https", "mailto", "data"}, strip=True,
                        strip_comments=True, css_sanitizer=CSSSanitizer())


def clean_outputs_for_html(nb) -> None:
    """Make an executed notebook safe and tidy for the code-free HTML page (in place).

    Text from data is escaped by pandas and nbconvert already; HTML or Markdown that a
    notebook builds itself (``display(HTML(...))``) is sanitised here, JavaScript and widget
    outputs are dropped, a markdown cell holding active markup (``<script>``, ``on...=``
    handlers, ``javascript:``) is shown as its sanitised rendering, and the list of files
    returned by the last ``save_outputs(...)`` cell is hidden (the manifest lists them).
    """
    import nbformat
    from nbconvert.filters.markdown import markdown2html

    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"  # papermill's injected cell has a random id: same bytes on rerun
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and _RISKY_MARKUP.search(cell.source):
            # active markup in a markdown cell: show its sanitised rendering instead
            out = nbformat.v4.new_output("display_data",
                                         data={"text/html": sanitize_html(markdown2html(cell.source))})
            nb.cells[i] = nbformat.v4.new_code_cell("", outputs=[out])
            nb.cells[i].id = f"cell-{i}"
            continue
        if cell.cell_type != "code":
            continue
        src = cell.source.lstrip()
        if src.startswith("save_outputs(") or "\nsave_outputs(" in cell.source:
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "execute_result"]
        for out in cell.outputs:
            data = out.get("data")
            if not data:
                continue
            if "text/markdown" in data:
                md = data.pop("text/markdown")
                data.setdefault("text/html", markdown2html(md))
            for key in list(data):
                if key == "text/html":
                    data[key] = sanitize_html(data[key])
                elif key.startswith("application/") and key != "application/json" or key in {
                        "text/javascript"}:
                    del data[key]



def _a(href: str, text: str) -> str:
    return f'<a href="{html.escape(quote(href), quote=True)}">{html.escape(text)}</a>'


def index_html(*, year: int, lang: str, results: list[dict], report_dir: Path, inputs: list[dict],
                synthetic: bool, only: list[str] | None, finished: str, commit: str | None,
                version: str) -> str:
    from ..document.html import escape_text as e
    title = phrase("title", lang, year=year)
    parts = [
        "<!DOCTYPE html>", f'<html lang="{e(lang)}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5;color:#222}table{border-collapse:collapse}"
        "td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}"
        ".warn{background:#fff3cd;border:1px solid #e0c36a;padding:.6rem 1rem}"
        "figure{display:inline-block;margin:.5rem;vertical-align:top;max-width:28rem}"
        "figure img{max-width:100%;border:1px solid #eee}code{font-size:.85em}</style>",
        "</head>", "<body>", f"<h1>{e(title)}</h1>",
    ]
    if synthetic:
        parts.append(f'<p class="warn"><strong>{e(phrase("synthetic", lang))}</strong></p>')
    if only:
        parts.append(f'<p class="warn">{e(phrase("partial", lang, names=", ".join(only)))}</p>')
    parts += [f"<h2>{e(phrase('notebooks', lang))}</h2>", "<table>"]
    for r in results:
        secs = r.get("duration_seconds") or 0.0
        parts.append(
            "<tr><td>" + _a(Path(r["html"]).name, r.get("title") or r["name"]) + "</td>"
            f"<td>{_a('notebooks/' + r['name'] + '.ipynb', phrase('executed', lang))}</td>"
            f"<td>{secs:.1f} {e(phrase('seconds', lang))}</td></tr>")
    parts.append("</table>")
    figs = sorted((report_dir / "figures").glob("*.svg"))
    if figs:
        parts.append(f"<h2>{e(phrase('figures', lang))}</h2>")
        for f in figs:
            png = f.with_suffix(".png").name
            parts.append(
                f'<figure><a href="{e(quote("figures/" + png), quote=True)}">'
                f'<img loading="lazy" src="{e(quote("figures/" + f.name), quote=True)}" '
                f'alt="{e(f.stem)}"></a><figcaption>{e(f.stem)} '
                f"({_a('figures/' + png, 'PNG')}, {_a('figures/' + f.name, 'SVG')})</figcaption></figure>")
    tables = sorted((report_dir / "tables").glob("*.csv"))
    parts += [f"<h2>{e(phrase('tables', lang))}</h2>",
              f"<p>{_a('tables.xlsx', phrase('workbook', lang))} (tables.xlsx)</p>", "<ul>"]
    parts += [f"<li>{_a('tables/' + f.name, f.name)}</li>" for f in tables]
    parts += ["</ul>", f"<h2>{e(phrase('inputs', lang))}</h2>", "<table>",
              f"<tr><th>{e(phrase('role', lang))}</th><th>{e(phrase('file', lang))}</th><th>SHA-256</th></tr>"]
    for item in inputs:
        parts.append(f"<tr><td>{e(item['role'])}</td><td><code>{e(item['path'])}</code></td>"
                     f"<td><code>{e(item['sha256'][:16])}…</code></td></tr>")
    parts += ["</table>", f"<p>{_a('manifest.json', phrase('manifest', lang))}</p>",
              f"<p><small>{e(phrase('generated', lang, t=finished, commit=commit or '—', v=version))}"
              "</small></p>", "</body>", "</html>", ""]
    return "\n".join(parts)



# --------------------------------------------------------------------------- pages from sections


def nav_html(entries: list[tuple[str, str]], lang: str) -> str:
    """The bar at the top of every page: the front page, then every section."""
    from ..document.words import word

    links = [_a("index.html", word("front", lang))] + [_a(href, text) for href, text in entries]
    return "<nav>" + "".join(links) + "</nav>"


def front_html(*, year: int, lang: str, entries: list[dict], inputs: list[dict], synthetic: bool,
               partial: list[str] | None, skipped: list[dict], downloads: list[tuple[str, str]],
               logs: list[tuple[str, str]], commit: str | None, version: str, notes: list[str]) -> str:
    """The front page: findings of every section first, then links, skip reasons, downloads.

    ``entries``: ``{"href", "title", "findings"}`` per section (notebook order);
    ``skipped``: ``{"title", "reason"}``. One language; no times (byte-identical reruns).
    """
    from ..document.html import page
    from ..document.words import word

    from ..document.html import escape_text as e
    title = word("report_title", lang, year=year)
    out = [f"<h1>{e(title)}</h1>"]
    if synthetic:
        out.append(f'<div class="synthetic">{e(phrase("synthetic", lang))}</div>')
    if partial:
        out.append(f'<div class="skip">{e(phrase("partial", lang, names=", ".join(partial)))}</div>')
    for n in notes:
        out.append(f'<p class="note">{e(n)}</p>')
    out.append(f'<div class="findings"><h2>{e(word("key_findings", lang))}</h2>')
    for i, ent in enumerate(entries, 1):
        out.append(f"<h3>{_a(ent['href'], f'{i}. ' + ent['title'])}</h3>")
        if ent.get("findings"):
            out.append("<ul>" + "".join(f"<li>{e(f)}</li>" for f in ent["findings"]) + "</ul>")
        elif ent.get("skipped"):  # say why, not just that nothing was found
            out.append("<ul>" + "".join(f'<li class="note">{e(r)}</li>' for r in ent["skipped"]) + "</ul>")
        else:
            out.append(f'<p class="note">{e(phrase("no_findings", lang))}</p>')
    out.append("</div>")
    out.append(f"<h2>{e(word('all_sections', lang))}</h2><ul class='sections'>")
    out += [f"<li>{_a(ent['href'], f'{i}. ' + ent['title'])}</li>" for i, ent in enumerate(entries, 1)]
    out.append("</ul>")
    if skipped:
        out.append(f"<h2>{e(word('not_done', lang))}</h2><ul>")
        out += [f"<li><b>{e(s['title'])}</b>: {e(s['reason'])}</li>" for s in skipped]
        out.append("</ul>")
    out.append(f"<h2>{e(word('downloads', lang))}</h2><ul>")
    out += [f"<li>{_a(href, text)}</li>" for href, text in downloads]
    out.append("</ul>")
    if logs:
        out.append(f"<h3>{e(phrase('logs', lang))}</h3><ul class='note'>")
        out += [f"<li>{_a(href, text)}</li>" for href, text in logs]
        out.append("</ul>")
    out.append(f"<h2>{e(phrase('inputs', lang))}</h2><table><thead><tr><th>{e(phrase('role', lang))}</th>"
               f"<th>{e(phrase('file', lang))}</th><th>SHA-256</th></tr></thead><tbody>")
    for item in inputs:
        out.append(f"<tr><td class='l'>{e(item['role'])}</td><td class='l'><code>{e(item['path'])}</code></td>"
                   f"<td><code>{e(item['sha256'][:16])}…</code></td></tr>")
    out.append("</tbody></table>")
    out.append(f"<footer>{e(phrase('footer', lang, commit=commit or '—', v=version))}</footer>")
    return page(title, "".join(out), lang=lang)
