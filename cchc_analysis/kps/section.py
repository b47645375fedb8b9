"""The KPS section's blocks (headings, prose and tables), in the report's language."""

from __future__ import annotations

import pandas as pd

from ..text import fmt_percent
from .audit import KpsAudit
from .words import text

__all__ = ["add_section_blocks"]


def add_section_blocks(sec, *, audit: KpsAudit, policies: pd.DataFrame, summary: pd.DataFrame) -> None:
    """Add the KPS section's headed blocks to ``sec`` (a :class:`cchc_analysis.Section`)."""
    lang = sec.lang
    sec.heading(text("h_audit", lang))
    sec.text(text("audit_intro", lang, share=fmt_percent(audit.threshold, lang)))
    if len(audit.flags):
        sec.table(audit.flags, name="kps_flags", caption=text("cap_flags", lang),
                  columns=["unit_name", "criterion", "criterion_name", "max_points", "peer_share", "n_peers",
                           "points_at_stake"] if audit.flags["criterion_name"].notna().any() else
                  ["unit_name", "criterion", "max_points", "peer_share", "n_peers", "points_at_stake"],
                  kinds={"criterion": "text"})
    else:
        sec.note(text("none_flagged", lang))
    sec.heading(text("h_units", lang))
    sec.text(text("units_intro", lang))
    u = audit.units.sort_values("robust_z", ascending=False, na_position="last", kind="stable")
    sec.table(u, name="kps_units", caption=text("cap_units", lang), display_rows=10, codes=("peer_group",),
              columns=["unit_name", "peer_group", "excluded_share", "group_median", "robust_z", "n_flagged", "n_flipped"],
              kinds={"group_median": "ratio"})
    sec.heading(text("h_flips", lang))
    if len(audit.flips):
        sec.table(audit.flips, name="kps_flips", caption=text("cap_flips", lang), display_rows=15,
                  columns=["unit_name", "criterion", "was_applicable", "is_applicable", "max_points"],
                  kinds={"criterion": "text"})
    else:
        sec.note(text("no_flips", lang))
    sec.heading(text("h_policies", lang))
    sec.text(text("policies_intro", lang))
    sec.table(summary, name="kps_policy_summary", caption=text("cap_summary", lang), codes=("policy",),
              columns=["policy", "tau_vs_official", "max_move", "n_moved", "movers", "spearman_size", "sign_change"])
    wide = policies.pivot(index=["unit_id", "unit_name"], columns="policy", values="rank").reset_index()
    wide = wide.sort_values(list(wide.columns[2:3]), kind="stable")
    sec.table(policies, name="kps_policies", caption=text("cap_policies", lang), detail=True, codes=("policy",),
              columns=["unit_name", "unit_type", "policy", "index", "rank", "official_rank", "rank_change"])
