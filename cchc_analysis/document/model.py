"""A report section as data: findings first, then headed blocks of prose, tables and
figures. Notebooks build one :class:`Section`; the report renders every section to an
HTML page and all of them to one Word document, so the words are written once.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..labels import check_lang
from ..outputs import atomic_write_bytes, atomic_write_text, safe_filename, write_csv
from .tables import PeopleTable, people_table

__all__ = ["Section", "load_sections", "SECTION_DIR"]

#: Folder (inside a report) holding one JSON file per section.
SECTION_DIR = "sections"
_SCHEMA = 1


_METRICS_ARGS = ("renderer", "text", "fontprop", "ismath", "dpi")


def _parameters(fn) -> tuple[str, ...]:
    import inspect

    try:
        return tuple(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return ()


@contextlib.contextmanager
def _shared_text_metrics():
    """While saving a figure, measure each text once, not once per renderer.

    ``savefig(bbox_inches="tight")`` lays the figure out twice, on two Agg renderers (one
    to find the tight box, one of the final size), and matplotlib caches text sizes per
    renderer, so every label is measured by FreeType twice. An Agg measurement depends only
    on the text, the font properties, math mode and the dpi (with the hinting settings,
    fixed for one save), so within this block one table serves both: the same sizes, the
    same pixels, ~11 % less time per figure. Outside Agg, or if matplotlib's internals
    differ from what this expects, nothing is changed.
    """
    import matplotlib as mpl
    import matplotlib.text as mtext

    orig = getattr(mtext, "_get_text_metrics_with_cache", None)
    if orig is None or getattr(orig, "_cchc_shared", False) or _parameters(orig) != _METRICS_ARGS:
        yield
        return
    from matplotlib.backends.backend_agg import RendererAgg

    hinting = (mpl.rcParams["text.hinting"], mpl.rcParams["text.hinting_factor"],
               mpl.rcParams["text.antialiased"], mpl.rcParams["text.usetex"])
    table: dict = {}

    def shared(renderer, text, fontprop, ismath, dpi):
        if type(renderer) is not RendererAgg:
            return orig(renderer, text, fontprop, ismath, dpi)
        key = (text, hash(fontprop), ismath, dpi, renderer.dpi, hinting)
        hit = table.get(key)
        if hit is None:
            hit = table[key] = orig(renderer, text, fontprop, ismath, dpi)
        return hit

    shared._cchc_shared = True
    mtext._get_text_metrics_with_cache = shared
    try:
        yield
    finally:
        mtext._get_text_metrics_with_cache = orig


def _figure_png(fig) -> bytes:
    """Render once, at 150 dpi with fixed metadata (identical bytes on rerun)."""
    fig = getattr(fig, "figure", fig)
    buf = io.BytesIO()
    with _shared_text_metrics():
        fig.savefig(buf, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _in_notebook() -> bool:
    from IPython import get_ipython  # only here: showing blocks inline in Lab (import time)

    ip = get_ipython()
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


@dataclass
class Section:
    """One section of the report (one notebook's page).

    Parameters
    ----------
    key : short name, e.g. ``"02_few_task_bias"`` (file names derive from it).
    title : the page title in the report's language.
    lang : ``"vi"`` or ``"en"``: every text added must be in this language.
    synthetic : the data behind the section is synthetic (a label is shown on the page).

    Blocks are added in reading order with :meth:`heading`, :meth:`text`, :meth:`table`,
    :meth:`figure`, :meth:`note`; findings (2-5 sentences, the answers) with
    :meth:`finding` at any time: they are always shown first. :meth:`skip` records what the
    section could not do and why (shown on the page and the front page, written to the
    manifest). In JupyterLab each block is also displayed as it is added.
    """

    key: str
    title: str
    lang: str = "vi"
    synthetic: bool = False
    findings: list[str] = field(default_factory=list)
    blocks: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    _figures: dict[str, bytes] = field(default_factory=dict, repr=False)
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    display: bool | None = None

    def __post_init__(self):
        check_lang(self.lang)
        if self.display is None:
            self.display = _in_notebook()

    # -- building --------------------------------------------------------------------
    def _show(self, html: str) -> None:
        if self.display:
            from IPython.display import HTML, display  # optional, notebook only

            display(HTML(html))

    def finding(self, sentence: str) -> "Section":
        """A key finding: one plain sentence with the numbers that matter."""
        self.findings.append(str(sentence))
        self._show(f"<p><b>▶</b> {_esc(sentence)}</p>")
        return self

    def heading(self, text: str) -> "Section":
        self.blocks.append({"type": "heading", "text": str(text)})
        self._show(f"<h3>{_esc(text)}</h3>")
        return self

    def text(self, paragraph: str) -> "Section":
        """A paragraph of prose (blank lines split paragraphs)."""
        for p in str(paragraph).split("\n\n"):
            if p.strip():
                self.blocks.append({"type": "text", "text": p.strip()})
                self._show(f"<p>{_esc(p.strip())}</p>")
        return self

    def note(self, text: str) -> "Section":
        """A smaller note (method, caveat, source)."""
        self.blocks.append({"type": "note", "text": str(text)})
        self._show(f"<p><small>{_esc(text)}</small></p>")
        return self

    def skip(self, reason: str) -> "Section":
        """Record something the section could not do with this data, and why."""
        self.skipped.append(str(reason))
        self.blocks.append({"type": "skip", "text": str(reason)})
        self._show(f"<p><i>{_esc(reason)}</i></p>")
        return self

    def source(self, url: str) -> "Section":
        if url and url not in self.sources:
            self.sources.append(str(url))
        return self

    def table(self, data: pd.DataFrame, *, name: str, caption: str, detail: bool = False,
              display_rows: int | None = 30, **people) -> "Section":
        """A table: shown for people on the page (first ``display_rows`` rows; all in the
        workbook), and kept whole (unrounded, with the report language's headers) for
        ``tables/*.csv`` and ``tables.xlsx``. ``detail=True`` sends it to the workbook only.
        A column that was formatted as text for people before it got here keeps its numbers
        in the workbook when ``data.attrs["numbers"]`` holds them (``{column: values}``).
        ``people`` go to :func:`cchc_analysis.document.people_table` (kinds, digits, codes,
        columns, headers, notes)."""
        name = safe_filename(name).replace("-", "_")
        if name in self._tables:
            raise ValueError(f"section {self.key!r} already has a table named {name!r}.")
        shown = data if display_rows is None else data.head(display_rows)
        pt = people_table(shown, lang=self.lang, **people)
        if display_rows is not None and len(data) > display_rows:
            more = len(data) - display_rows
            pt.notes.append(f"{more} dòng nữa trong tables.xlsx." if self.lang == "vi"
                            else f"{more} more rows in tables.xlsx.")
        full = people_table(data, lang=self.lang, **people)
        cols = people.get("columns") or [c for c in data.columns if label_ok(c, data)]
        raw = data[list(cols)].copy()
        xlsx_kinds = list(full.kinds)
        for c, values in (data.attrs.get("numbers") or {}).items():  # columns formatted for people upstream:
            if c in raw.columns:  # the workbook keeps their numbers
                raw[c] = pd.Series(values, index=data.index).reindex(raw.index).to_numpy()
                xlsx_kinds[list(raw.columns).index(c)] = "number"
        raw.attrs = {}
        raw.columns = full.header
        raw.attrs["kinds"] = xlsx_kinds
        self._tables[name] = raw
        self.blocks.append({"type": "table", "name": name, "caption": str(caption), "detail": bool(detail),
                            "table": pt.to_dict(), "n_rows": int(len(data)),
                            # for tables.xlsx: the CSV's columns (original names) and kinds
                            "columns": [str(c) for c in cols], "kinds": xlsx_kinds})
        if not detail:
            from .html import table_html

            self._show(f"<p><b>{_esc(caption)}</b></p>" + table_html(pt))
        return self

    def figure(self, fig, *, name: str, caption: str) -> "Section":
        """A figure (matplotlib Figure or Axes), rendered once to PNG; closed afterwards."""
        name = safe_filename(name).replace("-", "_")
        if name in self._figures:
            raise ValueError(f"section {self.key!r} already has a figure named {name!r}.")
        if self.lang == "vi":  # decimal comma on the axes, as in the text
            from ..style import decimal_comma_ticks

            decimal_comma_ticks(fig)
        png = _figure_png(fig)
        self._figures[name] = png
        self.blocks.append({"type": "figure", "name": name, "caption": str(caption)})
        if self.display:
            from IPython.display import Image, display  # optional, notebook only

            display(Image(png))
        import matplotlib.pyplot as plt  # pyplot only once a figure exists

        plt.close(getattr(fig, "figure", fig))
        return self

    # -- files -----------------------------------------------------------------------
    def stem(self, name: str) -> str:
        return f"{safe_filename(self.key, max_len=40).replace('-', '_')}__{name}"

    def save(self, output_dir: str | os.PathLike | None) -> list[Path]:
        """Write ``sections/<key>.json``, ``figures/<key>__<name>.png`` and
        ``tables/<key>__<name>.csv`` into ``output_dir`` (nothing when it is empty:
        interactive use). Returns the files written."""
        if not output_dir:
            return []
        out = Path(output_dir)
        written = []
        for name, png in self._figures.items():
            written.append(atomic_write_bytes(out / "figures" / f"{self.stem(name)}.png", png))
        for name, frame in self._tables.items():
            written.append(write_csv(frame, out / "tables" / f"{self.stem(name)}.csv"))
        doc = self.to_dict()
        written.append(atomic_write_text(out / SECTION_DIR / f"{self.key}.json",
                                         json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)))
        return written

    def to_dict(self) -> dict:
        return {"schema": _SCHEMA, "key": self.key, "title": self.title, "lang": self.lang,
                "synthetic": self.synthetic, "findings": self.findings, "blocks": self.blocks,
                "skipped": self.skipped, "sources": self.sources,
                "figures": {n: f"figures/{self.stem(n)}.png" for n in self._figures},
                "tables": {n: f"tables/{self.stem(n)}.csv" for n in self._tables}}

    @classmethod
    def from_dict(cls, d: dict) -> "Section":
        s = cls(d["key"], d["title"], d.get("lang", "vi"), d.get("synthetic", False), list(d.get("findings", [])),
                list(d.get("blocks", [])), list(d.get("skipped", [])), list(d.get("sources", [])), display=False)
        s._paths = {"figures": d.get("figures", {}), "tables": d.get("tables", {})}
        return s

    def table_blocks(self):
        return [b for b in self.blocks if b["type"] == "table"]

    def people_tables(self):
        return [PeopleTable.from_dict(b["table"]) for b in self.table_blocks()]


def label_ok(c, data) -> bool:
    return not (c == "unit_id" and "unit_name" in data.columns) and not str(c).startswith("_") and not (
        c == "other_unit_id" and "other_unit_name" in data.columns)


def _esc(text) -> str:
    import html

    return html.escape(str(text), quote=False)


def load_sections(report_dir: str | os.PathLike) -> list[Section]:
    """The sections saved in a report folder, in key order."""
    folder = Path(report_dir) / SECTION_DIR
    out = []
    for p in sorted(folder.glob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        out.append(Section.from_dict(d))
    return out
