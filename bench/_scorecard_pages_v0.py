"""The first scorecard writer (before issue 16 was finished), kept as the benchmark baseline: the chart redrawn per unit, python-docx by style name, every table formatted twice."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_analysis.document import Section, section_html, write_docx
from cchc_analysis.document.docx import add_section, new_document
from cchc_analysis.labels import check_lang, value_label
from cchc_analysis.outputs import atomic_write_bytes, atomic_write_text, safe_filename
from cchc_analysis.text import MISSING, fmt_int, fmt_number, fmt_signed
from cchc_analysis.scorecard.card import Scorecard
from cchc_analysis.scorecard.words import text

__all__ = ["scorecard_section", "write_scorecards", "overview_table", "UNIT_DIR"]

#: Folder of the per-unit pages inside a report.
UNIT_DIR = "don-vi"


class _ProfilePlotter:
    """Draws the small field-profile chart, reusing one figure (hundreds of units)."""

    def __init__(self, lang: str, synthetic: bool):
        from matplotlib.figure import Figure  # no pyplot: no global state, fast to reuse

        self.fig = Figure(figsize=(6.4, 2.9), dpi=110)
        self.lang, self.synthetic = lang, synthetic

    def png(self, profile: pd.DataFrame) -> bytes:
        fig = self.fig
        fig.clear()
        ax = fig.add_subplot(111)
        p = profile.iloc[::-1]
        y = np.arange(len(p))
        ax.barh(y, p["index"].to_numpy(float), color="#1f5d99", height=0.6, label=text("unit_label", self.lang))
        ax.scatter(p["type_mean"].to_numpy(float), y, marker="|", s=260, color="#c0392b", linewidths=2.2,
                   label=text("type_label", self.lang), zorder=3)
        ax.set_yticks(y, [f"{f}. {n}" if str(n) != str(f) else str(f) for f, n in zip(p["field"], p["field_name"])],
                      fontsize=7.5)
        lo = max(0.0, min(float(np.nanmin(p["index"])), float(np.nanmin(p["type_mean"]))) - 10)
        ax.set_xlim(lo, 100.5)
        ax.tick_params(axis="x", labelsize=7.5)
        ax.grid(axis="x", alpha=0.3)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
        if self.synthetic:
            fig.text(0.99, 0.01, "Dữ liệu giả lập (mô phỏng)" if self.lang == "vi" else "Synthetic (simulated) data",
                     ha="right", va="bottom", fontsize=6.5, color="#c00000")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
        return buf.getvalue()


def _target_text(row, lang: str) -> str:
    if row["target_kind"] == "rank":
        return text("rank_target", lang, r=int(row["target"]))
    if row["target_kind"] == "index":
        return text("index_target", lang, v=fmt_number(row["target"], lang, 0))
    return text("group_target", lang, g=value_label("unit_type", str(row["target"]), lang))


def _criteria_text(crit, lang: str) -> str:
    if not crit:
        return MISSING
    return "; ".join(f"{c}" + (f" {n}" if isinstance(n, str) and n else "") + f" (+{fmt_number(g, lang, 2)})"
                     for c, n, g in crit)


def scorecard_section(card: Scorecard, *, lang: str = "vi", synthetic: bool = False, plotter=None) -> Section:
    """The page of one unit as a :class:`cchc_analysis.Section`."""
    check_lang(lang)
    sec = Section(safe_filename(card.unit_id), text("title", lang, year=card.year, unit=card.unit_name), lang=lang,
                  synthetic=synthetic, display=False)
    for sentence in card.summary.split(". "):
        s = sentence.strip()
        if s:
            sec.finding(s if s.endswith(".") else s + ".")
    sec.heading(text("h_standing", lang))
    rows = [(text("index_row", lang), fmt_number(card.index, lang, 2) + " %"),
            (text("rank_row", lang), f"{card.rank}/{card.n_units}")]
    if np.isfinite(card.rank_lo):
        rows.append((text("interval_row", lang), f"{fmt_int(card.rank_lo, lang)}–{fmt_int(card.rank_hi, lang)}"))
    if card.peer:
        rows.append((text("peer_row", lang), f"{card.peer['rank']}/{card.peer['n']} "
                     f"({value_label('peer_group', str(card.peer['group']), lang)})"))
    if card.change:
        c = card.change
        rows.append((text("change_row", lang, year=c["year_from"]),
                     f"{fmt_signed(c['index_change'], lang, 2)} điểm; hạng {c['rank_from']} → {card.rank}" if lang == "vi"
                     else f"{fmt_signed(c['index_change'], lang, 2)} points; rank {c['rank_from']} → {card.rank}"))
    sec.table(pd.DataFrame(rows, columns=["what", "value"]), name="standing", caption=text("cap_standing", lang),
              kinds={"value": "text"})
    if card.field_profile is not None and len(card.field_profile):
        sec.heading(text("h_profile", lang))
        plotter = plotter or _ProfilePlotter(lang, synthetic)
        png = plotter.png(card.field_profile)
        sec._figures["profile"] = png
        sec.blocks.append({"type": "figure", "name": "profile", "caption": text("fig_profile", lang)})
    if card.lost is not None and len(card.lost):
        sec.heading(text("h_lost", lang))
        cols = [c for c in ("criterion", "criterion_name", "max_points", "points", "lost") if c in card.lost.columns]
        sec.table(card.lost, name="lost", caption=text("cap_lost", lang), columns=cols, kinds={"criterion": "text"})
    if card.needed is not None and len(card.needed):
        sec.heading(text("h_needed", lang))
        nd = card.needed.copy()
        nd["target_text"] = [_target_text(r, lang) for _, r in nd.iterrows()]
        nd["criteria_text"] = [_criteria_text(c, lang) for c in nd["criteria"]]
        nd["points_needed"] = nd["points_needed"].replace(np.inf, np.nan)
        sec.table(nd, name="needed", caption=text("cap_needed", lang),
                  columns=["target_text", "target_index", "points_needed", "criteria_text"],
                  notes=[text("needed_note", lang)])
    sec.heading(text("h_change", lang))
    if card.causes is not None and len(card.causes):
        ch = card.causes.head(6)
        cols = [c for c in ("criterion", "criterion_name", "applicability", "performance", "through_max", "total")
                if c in ch.columns and not (c == "criterion_name" and ch[c].isna().all())]
        sec.table(ch, name="change", caption=text("cap_change", lang), columns=cols, codes=("applicability",),
                  kinds={"criterion": "text", "total": "signed"},
                  headers={"total": "Tổng tác động" if lang == "vi" else "Total effect"})
    else:
        sec.note(text("no_change", lang))
    if card.self_gap is not None and len(card.self_gap):
        sec.heading(text("h_self", lang))
        sec.table(card.self_gap, name="self_gap", caption=text("cap_self", lang),
                  columns=["criterion", "max_points", "self_points", "points", "cut"], kinds={"criterion": "text"})
    if card.survey_flags is not None and len(card.survey_flags):
        sec.heading(text("h_survey", lang))
        sec.table(card.survey_flags, name="survey_flags", caption=text("h_survey", lang), detail=False)
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
            "page": f"{link_dir}/{safe_filename(c.unit_id)}.html",
        })
    return pd.DataFrame(rows).sort_values("rank", kind="stable").reset_index(drop=True)


def write_scorecards(cards: list[Scorecard], out_dir: str | os.PathLike, *, lang: str = "vi",
                     synthetic: bool = False, combined_name: str | None = None) -> list[Path]:
    """Write ``<unit_id>.html`` and ``<unit_id>.docx`` for every card into ``out_dir``, and
    one combined Word document of all cards. Files are named by id, never by unit name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plotter = _ProfilePlotter(lang, synthetic)
    written = []
    combined = None
    if cards:
        title = text("overview_title", lang) + f" — {cards[0].year}"
        combined = new_document(title=title, lang=lang)
    counters = {"table": 0, "figure": 0}
    for i, card in enumerate(cards, 1):
        sec = scorecard_section(card, lang=lang, synthetic=synthetic, plotter=plotter)
        for name, png in sec._figures.items():
            written.append(atomic_write_bytes(out / "figures" / f"{sec.stem(name)}.png", png))
        page = section_html(sec).replace('src="figures/', 'src="figures/')
        written.append(atomic_write_text(out / f"{sec.key}.html", page))
        written.append(write_docx([sec], out / f"{sec.key}.docx", title=sec.title, lang=lang, report_dir=out,
                                  glossary=False, contents=False))
        if i > 1:
            combined.add_page_break()
        add_section(combined, sec, number=i, counters=counters, figures_root=out)
    if combined is not None:
        name = combined_name or ("tat-ca-don-vi.docx" if lang == "vi" else "all-units.docx")
        from cchc_analysis.document.docx import save_document

        written.append(save_document(combined, out / name))
    return written
