"""One page per unit (HTML and Word) and the overview table, from scorecards."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..document import Section, section_html
from ..document.tables import PeopleTable, people_table
from ..labels import check_lang, value_label
from .._folders import make_readable, replace_dir
from ..outputs import safe_filename
from ..text import MISSING, fmt_int, fmt_number, fmt_signed
from . import _wordml
from .card import Scorecard
from .words import ceil_points, criterion_label, text

__all__ = ["scorecard_section", "write_scorecards", "overview_table", "combined_name", "UNIT_DIR"]

#: Folder of the per-unit pages inside a report.
UNIT_DIR = "don-vi"


class _ProfilePlotter:
    """Draws the small field-profile chart for hundreds of units: one figure per set of
    fields, whose axes, labels and legend are drawn once and kept as a background; each
    unit only draws its bars and the ticks of the same-type mean over it (blitting). The x
    axis is 0-100 for every unit, so two units' charts compare at a glance."""

    def __init__(self, lang: str, synthetic: bool, dpi: int = 110):
        self.lang, self.synthetic, self.dpi = lang, synthetic, dpi
        self._layouts: dict[tuple, dict] = {}

    def _layout(self, labels: tuple[str, ...], same_type: bool = True) -> dict:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure  # no pyplot: no global state

        fig = Figure(figsize=(6.4, 1.0 + 0.23 * len(labels)), dpi=self.dpi)
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_subplot(111)
        y = np.arange(len(labels))
        bars = ax.barh(y, np.full(len(y), 50.0), color="#1f5d99", height=0.6, label=text("unit_label", self.lang))
        ticks = ax.scatter(np.full(len(y), 50.0), y, marker="|", s=230, color="#c0392b", linewidths=2.2,
                           label=text("type_label" if same_type else "all_label", self.lang), zorder=3)
        ax.set_yticks(y, list(labels), fontsize=7.5)
        ax.set_ylim(-0.6, len(y) - 0.4)
        ax.set_xlim(0, 100.5)
        ax.tick_params(axis="x", labelsize=7.5)
        ax.grid(axis="x", alpha=0.3)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
        if self.synthetic:
            fig.text(0.99, 0.01, "Dữ liệu giả lập (mô phỏng)" if self.lang == "vi" else "Synthetic (simulated) data",
                     ha="right", va="bottom", fontsize=6.5, color="#c00000")
        fig.tight_layout()
        for a in (*bars, ticks):
            a.set_animated(True)  # left out of the background
        canvas.draw()
        return {"canvas": canvas, "ax": ax, "bars": bars, "ticks": ticks, "y": y,
                "background": canvas.copy_from_bbox(fig.bbox)}

    def png(self, profile: pd.DataFrame, *, same_type: bool = True) -> bytes:
        """The chart of one unit; ``same_type=False``: the ticks are the mean of all units
        (the data has no unit types)."""
        from PIL import Image

        p = profile.iloc[::-1]
        labels = tuple(f"{f}. {n}" if str(n) != str(f) else str(f) for f, n in zip(p["field"], p["field_name"]))
        key = (labels, same_type)
        if key not in self._layouts:
            self._layouts[key] = self._layout(labels, same_type)
        L = self._layouts[key]
        canvas, ax = L["canvas"], L["ax"]
        canvas.restore_region(L["background"])
        for bar, v in zip(L["bars"], p["index"].to_numpy(float)):
            bar.set_width(v if np.isfinite(v) else 0.0)
            ax.draw_artist(bar)
        L["ticks"].set_offsets(np.column_stack([p["type_mean"].to_numpy(float), L["y"]]))
        ax.draw_artist(L["ticks"])
        w, h = canvas.get_width_height()
        img = Image.frombuffer("RGBA", (w, h), bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1).convert("RGB")
        buf = io.BytesIO()
        img.save(buf, format="png", compress_level=1)  # fast; a flat chart stays small
        return buf.getvalue()


def _target_text(row, lang: str) -> str:
    if row["target_kind"] == "rank":
        return text("rank_target", lang, r=int(row["target"]))
    if row["target_kind"] == "index":
        return text("index_target", lang, v=fmt_number(row["target"], lang, 0))
    return text("group_target", lang, g=value_label("peer_group", str(row["target"]), lang))


def _criteria_text(crit, n_criteria, lang: str, shown: int = 3) -> str:
    """``4.3 Name (+2,5); 2.4 Name (+2,25) và 3 tiêu chí khác`` (the first ``shown`` of the set)."""
    if not crit:
        return MISSING
    head = "; ".join(criterion_label(c, n) + f" (+{fmt_number(ceil_points(g), lang, 2, strip=True)})"
                     for c, n, g in crit[:shown])
    more = (int(n_criteria) if n_criteria is not None and not pd.isna(n_criteria) else len(crit)) - min(len(crit), shown)
    return head + (text("and_more", lang, k=more) if more > 0 else "")


def _needed_text(row, lang: str) -> str:
    if not row["reachable"]:
        return text("out_of_reach", lang)
    return fmt_number(ceil_points(row["points_needed"]), lang, 2)


def _peer_text(peer: dict, lang: str) -> str:
    from ..peers.schemes import scheme_label

    try:
        sch = scheme_label(str(peer["scheme"]), lang)
    except (ValueError, KeyError):
        sch = str(peer["scheme"])
    if str(peer["group"]) == "all":  # one league: there is no group to name
        return f"{peer['rank']}/{peer['n']} ({sch})"
    g = value_label("peer_group", str(peer["group"]), lang)
    return f"{peer['rank']}/{peer['n']} ({text('peer_scheme', lang, g=g, s=sch)})"


def _survey_sentence(flags: pd.DataFrame, lang: str) -> str | None:
    r = flags.iloc[0]
    n = fmt_int(r["n_respondents"], lang) if "n_respondents" in flags else MISSING
    if "suspect_formal" in flags and bool(r["suspect_formal"]):
        why = r.get(f"reason_{lang}")
        return text("survey_suspect", lang, n=n, why=why if isinstance(why, str) and why else MISSING)
    return text("survey_ok", lang, n=n)


def _table(sec: Section, data: pd.DataFrame, *, name: str, caption: str, **people) -> None:
    """A table block of a unit's page: formatted once (a unit page has no CSV or workbook
    copy, unlike :meth:`Section.table`, which formats twice: hundreds of pages add up)."""
    pt = people_table(data, lang=sec.lang, **people)
    sec.blocks.append({"type": "table", "name": name, "caption": str(caption), "detail": False,
                       "table": pt.to_dict(), "n_rows": int(len(data))})


def scorecard_section(card: Scorecard, *, lang: str = "vi", synthetic: bool = False, plotter=None) -> Section:
    """The page of one unit as a :class:`cchc_analysis.Section`: the plain summary first, then
    result and rank, the field profile, where most points were lost, what it would take,
    why the index changed (or why there is no comparison), self-assessment and survey."""
    check_lang(lang)
    sec = Section(safe_filename(card.unit_id), text("title", lang, year=card.year, unit=card.unit_name), lang=lang,
                  synthetic=synthetic, display=False)
    for sentence in card.summary.split(". "):
        s = sentence.strip()
        if s:
            sec.finding(s if s.endswith(".") else s + ".")
    flags = card.survey_flags
    if flags is not None and len(flags) and "suspect_formal" in flags and bool(flags.iloc[0]["suspect_formal"]):
        sec.finding(text("survey_suspect_finding", lang))  # the head reads it first, the reasons at the end
    sec.heading(text("h_standing", lang))
    rows = [(text("index_row", lang), fmt_number(card.index, lang, 2) + " %"),
            (text("rank_row", lang), f"{card.rank}/{card.n_units}")]
    if np.isfinite(card.rank_lo):
        rows.append((text("interval_row", lang), f"{fmt_int(card.rank_lo, lang)}–{fmt_int(card.rank_hi, lang)}"))
    if card.peer:
        rows.append((text("peer_row", lang), _peer_text(card.peer, lang)))
    if card.change:
        c = card.change
        rows.append((text("change_row", lang, year=c["year_from"]),
                     text("change_value", lang, d=fmt_signed(c["index_change"], lang, 2), r0=c["rank_from"], r1=card.rank)))
    _table(sec, pd.DataFrame(rows, columns=["what", "standing_value"]), name="standing",
           caption=text("cap_standing", lang), kinds={"what": "text", "standing_value": "text"})
    if card.field_profile is not None and len(card.field_profile):
        sec.heading(text("h_profile", lang))
        plotter = plotter or _ProfilePlotter(lang, synthetic)
        same_type = isinstance(card.unit_type, str) and bool(card.unit_type)  # else: the mean of all units
        png = plotter.png(card.field_profile, same_type=same_type)
        sec._figures["profile"] = png
        sec.blocks.append({"type": "figure", "name": "profile",
                           "caption": text("fig_profile" if same_type else "fig_profile_all", lang)})
    if card.lost is not None and len(card.lost):
        sec.heading(text("h_lost", lang))
        cols = [c for c in ("criterion", "criterion_name", "max_points", "points", "lost") if c in card.lost.columns
                and not (c == "criterion_name" and card.lost[c].isna().all())]
        _table(sec, card.lost, name="lost", caption=text("cap_lost", lang), columns=cols,
               kinds={"criterion": "text", "criterion_name": "text", "max_points": "number", "points": "number",
                      "lost": "number"})
    if card.needed is not None and len(card.needed):
        sec.heading(text("h_needed", lang))
        nd = card.needed.copy()
        recs = nd.to_dict("records")
        nd["target_text"] = [_target_text(r, lang) for r in recs]
        nd["needed_text"] = [_needed_text(r, lang) for r in recs]
        nd["criteria_text"] = [_criteria_text(c, k, lang) for c, k in zip(nd["criteria"], nd["n_criteria"])]
        _table(sec, nd, name="needed", caption=text("cap_needed", lang),
                  columns=["target_text", "target_index", "needed_text", "criteria_text"],
                  headers={"needed_text": text("points_needed_h", lang)},
                  kinds={"target_text": "text", "target_index": "number", "needed_text": "text", "criteria_text": "text"},
                  notes=[text("needed_note", lang)])
    sec.heading(text("h_change", lang))
    if card.causes is not None and len(card.causes):
        ch = card.causes.head(5)
        cols = ["criterion", "criterion_name", "applicability", "performance", "through_max", "total"]
        if "criterion_name" not in ch or ch["criterion_name"].isna().all():
            cols.remove("criterion_name")
        if (ch["applicability"] == "both").all():
            cols.remove("applicability")
        if card.causes["through_max"].abs().max() < 0.005:
            cols.remove("through_max")
        _table(sec, ch, name="change", caption=text("cap_change", lang), columns=cols, codes=("applicability",),
                  kinds={"criterion": "text", "criterion_name": "text", "applicability": "code", "performance": "signed",
                         "through_max": "signed", "total": "signed"},
                  headers={"total": text("total_effect", lang)},
                  notes=[text("change_note", lang, year=card.change["year_from"],
                              d=fmt_signed(card.change["index_change"], lang, 2))])
        flips = card.causes[card.causes["applicability"] != "both"]
        if len(flips):
            sec.text(text("flips", lang, items="; ".join(
                f"{criterion_label(r['criterion'], r.get('criterion_name'))} "
                f"({value_label('applicability', r['applicability'], lang)}, {fmt_signed(r['total'], lang, 2)})"
                for _, r in flips.head(4).iterrows()) + (text("and_more", lang, k=len(flips) - 4) if len(flips) > 4 else ""),
                d=fmt_signed(flips["total"].sum(), lang, 2)))
    else:
        sec.note(text("no_change", lang))
    if card.self_gap is not None and len(card.self_gap):
        sec.heading(text("h_self", lang))
        gap = card.self_gap.head(5)
        named = "criterion_name" in gap and gap["criterion_name"].notna().any()
        _table(sec, gap, name="self_gap", caption=text("cap_self", lang),
               columns=["criterion"] + (["criterion_name"] if named else []) + ["max_points", "self_points", "points", "cut"],
               kinds={"criterion": "text", "criterion_name": "text"})
    if card.survey_flags is not None and len(card.survey_flags):
        sentence = _survey_sentence(card.survey_flags, lang)
        if sentence:
            sec.heading(text("h_survey", lang))
            sec.text(sentence)
    return sec


def overview_table(cards: list[Scorecard], *, lang: str = "vi", link_dir: str = UNIT_DIR) -> pd.DataFrame:
    """One row per unit: index, rank, interval, change, where most points were lost, points
    for the next rank, and the link to its page."""
    rows = []
    for c in cards:
        nxt = c.needed[(c.needed["target_kind"] == "rank")] if c.needed is not None else pd.DataFrame()
        top = c.lost.iloc[0] if c.lost is not None and len(c.lost) else None
        rows.append({
            "unit_name": c.unit_name, "index": c.index, "rank": c.rank,
            "rank_interval": (f"{fmt_int(c.rank_lo, lang)}–{fmt_int(c.rank_hi, lang)}" if np.isfinite(c.rank_lo)
                              else MISSING),
            "index_change": c.change.get("index_change", np.nan) if c.change else np.nan,
            "top_loss": (f"{top['criterion']}" + (f" {top['criterion_name']}" if "criterion_name" in top and
                         isinstance(top.get("criterion_name"), str) else "")) if top is not None else MISSING,
            "points_next_rank": float(nxt.iloc[0]["points_needed"]) if len(nxt) else np.nan,
            "next_rank_text": ((text("next_value", lang, p=_needed_text(nxt.iloc[0], lang), r=int(nxt.iloc[0]["target"]))
                                if nxt.iloc[0]["reachable"] else text("out_of_reach", lang))
                               if len(nxt) else text("is_first", lang)),
            "page": f"{link_dir}/{safe_filename(c.unit_id)}.html",
            "word": f"{link_dir}/{safe_filename(c.unit_id)}.docx",
        })
    return pd.DataFrame(rows).sort_values("rank", kind="stable").reset_index(drop=True)


def _widths(t: PeopleTable, total_cm: float) -> list[float]:
    """Column widths from the longest cell (header words count a little), capped so that a
    long name column wraps instead of squeezing the numbers."""
    need = []
    for j, h in enumerate(t.header):
        cell = max((len(r[j]) for r in t.rows), default=0)
        word = max((len(w) for w in h.split()), default=0)
        need.append(min(max(cell, word + 1, min(len(h), 14), 6), 45))
    s = sum(need)
    return [total_cm * x / s for x in need]


def _card_body(w: _wordml.CardWriter, sec: Section, *, heading: bool, first_image: int = 1,
               total_cm: float = 17.2) -> tuple[list[str], list[tuple[str, bytes]]]:
    """One card as WordprocessingML pieces: (its title as a heading,) the synthetic line,
    the summary bullets, then the blocks; and the images it embeds."""
    from ..document.words import word

    lang = sec.lang
    body, images = [], []
    if heading:
        body.append(w.para(sec.title, "Heading1"))
    if sec.synthetic:
        body.append(w.para(word("synthetic_banner", lang), italic=True, half_pt=18))
    body += [w.para(f, "ListBullet") for f in sec.findings]
    n_tab = n_fig = 0
    for b in sec.blocks:
        t = b["type"]
        if t == "heading":
            body.append(w.para(b["text"], "Heading2"))
        elif t == "text":
            body.append(w.para(b["text"]))
        elif t in ("note", "skip"):
            body.append(w.para(b["text"], italic=True, half_pt=19))
        elif t == "table":
            n_tab += 1
            pt = PeopleTable.from_dict(b["table"])
            body.append(w.para(f"{word('table', lang)} {n_tab}. {b['caption']}", "Caption", keep_next=True))
            body.append(w.table(pt.header, pt.rows, pt.align, [int(round(567 * x)) for x in _widths(pt, total_cm)]))
            body += [w.para(note, italic=True, half_pt=18) for note in pt.notes]
        elif t == "figure":
            png = sec._figures.get(b["name"])
            if png is None:
                continue
            n_fig += 1
            rid = f"rIdImg{first_image + len(images)}"
            body.append(w.picture(png, rid, first_image + len(images), 12.5))
            images.append((rid, png))
            body.append(w.para(f"{word('figure', lang)} {n_fig}. {b['caption']}", "Caption"))
    return body, images


def combined_name(lang: str) -> str:
    """File name of the combined Word document of every card."""
    return "tat-ca-don-vi.docx" if lang == "vi" else "all-units.docx"


#: What a scorecard folder holds; any other file there means it is not ours to replace.
_OURS = (".html", ".docx", ".png")


def write_scorecards(cards: list[Scorecard], out_dir: str | os.PathLike, *, lang: str = "vi",
                     synthetic: bool = False, combined: str | None = None,
                     back_link: str | None = "../07_scorecards.html") -> list[Path]:
    """Write ``<unit_id>.html`` and ``<unit_id>.docx`` for every card into the folder
    ``out_dir`` (figures in ``out_dir/figures``), and one combined Word document of all
    cards (``tat-ca-don-vi.docx``; ``all-units.docx`` in English). Files are named by id,
    never by unit name. ``back_link``: the overview page the HTML pages link back to
    (``None``: no link).

    The folder is written whole: built next to ``out_dir`` and renamed into its place, so a
    reader sees the old cards or the new ones, never a mix (and a unit that left the data
    leaves no stale page). ``out_dir`` must be a folder of scorecards (or not exist).
    """
    import tempfile

    from ..document.html import _e
    from ..outputs import check_not_raw

    check_lang(lang)
    final = check_not_raw(out_dir)
    if final.exists():
        strange = [p.name for p in final.rglob("*") if p.is_file() and p.suffix not in _OURS]
        if strange or not final.is_dir():
            raise ValueError(f"{final} holds other files ({strange[:3]}): write scorecards into their own folder.")
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=final.parent))
    try:
        (staging / "figures").mkdir()
        plotter = _ProfilePlotter(lang, synthetic)
        writer = _wordml.CardWriter(lang)
        nav = (f'<nav><a href="{_e(back_link)}">← {_e(text("h_overview", lang))}</a></nav>' if back_link else "")
        names = []
        all_body, all_images = [], []
        for i, card in enumerate(cards, 1):
            sec = scorecard_section(card, lang=lang, synthetic=synthetic, plotter=plotter)
            for name, png in sec._figures.items():
                names.append(f"figures/{sec.stem(name)}.png")
                (staging / names[-1]).write_bytes(png)
            names.append(f"{sec.key}.html")
            (staging / names[-1]).write_text(section_html(sec, nav=nav), encoding="utf-8")
            body, images = _card_body(writer, sec, heading=False)
            names.append(f"{sec.key}.docx")
            (staging / names[-1]).write_bytes(writer.document(sec.title, body, images))
            body, images = _card_body(writer, sec, heading=True, first_image=len(all_images) + 1)
            if i > 1:
                all_body.append(writer.page_break())
            all_body += body
            all_images += images
        if cards:
            names.append(combined or combined_name(lang))
            title = text("overview_title", lang) + f" — {cards[0].year}"
            (staging / names[-1]).write_bytes(writer.document(title, all_body, all_images))
        umask = os.umask(0)
        os.umask(umask)
        make_readable(staging, umask)  # mkdtemp and plain writes: the usual modes
        replace_dir(staging, final)
    finally:
        if staging.exists():
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
    return [final / n for n in names]
