"""The không phát sinh (KPS) question itself: are the declarations sound, and what would the
ranking be under another rule for criteria that do not arise?

* :func:`kps_audit` — declarations to review (a unit declares KPS where nearly all units of
  its type have the criterion), each unit's excluded share of its potential maximum against
  its type, and criteria whose status flipped since the previous year.
* :func:`ranking_policies` — index and rank of every unit under the official rule and under
  alternatives (KPS as full points, as zero, imputed at the unit's or its peers' rate,
  published rounding, rank bands); :func:`policy_summary` compares them.
"""

from .audit import KpsAudit, kps_audit
from . import words  # noqa: F401  (registers the labels)
from .findings import kps_findings
from .policies import POLICIES, policy_summary, ranking_policies
from .section import add_section_blocks

__all__ = ["KpsAudit", "kps_audit", "POLICIES", "ranking_policies", "policy_summary", "kps_findings", "add_section_blocks"]
