"""cchc-analysis: a notebook workbench for Vietnam's PAR INDEX (Chỉ số cải cách hành chính).

The public API, re-exported here; each analysis returns a tidy DataFrame whose columns are
listed in its docstring. Errors in input data raise :class:`DataError` (a ``ValueError``)
naming file, sheet, row and column. The library is organised by question, one
sub-package each: ``io`` (readers), ``published`` (notebook 00), ``trends`` (01), ``bias``
(02), ``peers`` (03), ``survey`` (04), ``scorecard`` (per-unit pages), ``kps`` (the không
phát sinh declarations), ``synthetic`` (generators), ``document`` (findings, tables for
people, HTML and Word) and ``report`` (``cchc report``). Plot functions live in each
package's ``plots`` module (``trends.plots``, ``bias.plots``, ``peers.plots``,
``survey.plots``, ``published.plots``).

Imports are lazy (PEP 562): ``import cchc_analysis`` loads only this file and ``config``;
each public name below loads its sub-package on first use (``cchc_analysis.survey_quality``
imports :mod:`cchc_analysis.survey`), so the command line and a notebook's first cell do not
pay for scipy, matplotlib or openpyxl they may not need. ``from cchc_analysis import X``,
``dir()`` and ``__all__`` work as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from . import config

__version__ = "0.1.0"

#: Public name -> the module (relative to this package) it is re-exported from.
_LAZY: dict[str, str] = {
    **dict.fromkeys(["DataError", "Problem"], "errors"),
    **dict.fromkeys(["read_scores", "validate_scores", "write_template"], "io"),
    **dict.fromkeys(["read_survey", "validate_survey", "survey_points", "survey_quality", "survey_reliability",
                     "survey_vs_appraisal", "criteria_discrimination", "cronbach_alpha", "icc1", "rwg_j"], "survey"),
    **dict.fromkeys(["load_published", "consistency_checks", "check_claims"], "published"),
    **dict.fromkeys(["load_units", "resolve_unit", "unit_lineage", "predecessors", "final_successor"], "units"),
    "applicable_index": "scoring",
    "rank_units": "ranking",
    **dict.fromkeys(["rank_trajectory", "movers", "rank_change_attribution", "attribution_report",
                     "rank_intervals", "methodology_breaks"], "trends"),
    **dict.fromkeys(["few_task_bias", "studentized_spearman", "standardised_index", "shrunk_index",
                     "bias_decomposition", "funnel_data", "adjusted_ranking", "bias_verdict", "unit_sizes"], "bias"),
    **dict.fromkeys(["Scheme", "single_league", "by_unit_type", "by_max_band", "by_mapping", "standardised_league",
                     "shrunk_league", "builtin_schemes", "natural_breaks", "peer_rank", "compare_schemes",
                     "rank_table", "resolve_schemes", "recommended_scheme"], "peers"),
    **dict.fromkeys(["make_synthetic_scores", "make_synthetic_survey"], "synthetic"),
    **dict.fromkeys(["points_needed", "criterion_attribution", "unit_scorecard"], "scorecard"),
    **dict.fromkeys(["kps_audit", "ranking_policies", "policy_summary"], "kps"),
    "is_synthetic": "provenance",
    "Section": "document",
    **dict.fromkeys(["build_report", "ReportFailed", "ReportParameterError"], "report"),
}

#: Sub-packages and modules reachable as attributes (``cchc_analysis.survey.plots``) without
#: an explicit ``import cchc_analysis.survey``.
_SUBMODULES = frozenset({
    "bias", "document", "io", "kps", "peers", "published", "report", "scorecard", "survey", "synthetic", "trends",
    "errors", "labels", "text", "ranking", "scoring", "resample", "stats", "provenance", "outputs", "style",
    "units", "cli",
})


def __getattr__(name: str):
    """Load a public name (or a sub-package) on first use and keep it in the module namespace."""
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)


if TYPE_CHECKING:  # for type checkers and IDEs only: the eager form of the lazy table above
    from .bias import (adjusted_ranking, bias_decomposition, bias_verdict, few_task_bias, funnel_data,
                       shrunk_index, standardised_index, studentized_spearman, unit_sizes)
    from .document import Section
    from .errors import DataError, Problem
    from .io import read_scores, validate_scores, write_template
    from .kps import kps_audit, policy_summary, ranking_policies
    from .peers import (Scheme, builtin_schemes, by_mapping, by_max_band, by_unit_type, compare_schemes,
                        natural_breaks, peer_rank, rank_table, recommended_scheme, resolve_schemes,
                        shrunk_league, single_league, standardised_league)
    from .provenance import is_synthetic
    from .published import check_claims, consistency_checks, load_published
    from .ranking import rank_units
    from .report import ReportFailed, ReportParameterError, build_report
    from .scorecard import criterion_attribution, points_needed, unit_scorecard
    from .scoring import applicable_index
    from .survey import (criteria_discrimination, cronbach_alpha, icc1, read_survey, rwg_j, survey_points,
                         survey_quality, survey_reliability, survey_vs_appraisal, validate_survey)
    from .synthetic import make_synthetic_scores, make_synthetic_survey
    from .trends import (attribution_report, methodology_breaks, movers, rank_change_attribution,
                         rank_intervals, rank_trajectory)
    from .units import final_successor, load_units, predecessors, resolve_unit, unit_lineage

__all__ = [
    "__version__",
    "config",
    "DataError",
    "Problem",
    # loading and validation
    "read_scores",
    "validate_scores",
    "write_template",
    "read_survey",
    "validate_survey",
    "load_published",
    "consistency_checks",
    "check_claims",
    "load_units",
    "resolve_unit",
    "unit_lineage",
    "predecessors",
    "final_successor",
    # index and ranking
    "applicable_index",
    "rank_units",
    # trends
    "rank_trajectory",
    "movers",
    "rank_change_attribution",
    "attribution_report",
    "rank_intervals",
    "methodology_breaks",
    # few-task bias
    "few_task_bias",
    "studentized_spearman",
    "standardised_index",
    "shrunk_index",
    "bias_decomposition",
    "funnel_data",
    "adjusted_ranking",
    "bias_verdict",
    # peer groups
    "Scheme",
    "single_league",
    "by_unit_type",
    "by_max_band",
    "by_mapping",
    "standardised_league",
    "shrunk_league",
    "builtin_schemes",
    "natural_breaks",
    "peer_rank",
    "compare_schemes",
    "rank_table",
    # survey
    "survey_points",
    "survey_quality",
    "survey_reliability",
    "survey_vs_appraisal",
    "criteria_discrimination",
    "cronbach_alpha",
    "icc1",
    "rwg_j",
    # synthetic data
    "make_synthetic_scores",
    "make_synthetic_survey",
    # per-unit scorecards and the không phát sinh question
    "points_needed",
    "criterion_attribution",
    "unit_scorecard",
    "kps_audit",
    "ranking_policies",
    "policy_summary",
    # provenance and documents
    "is_synthetic",
    "Section",
    "unit_sizes",
    "resolve_schemes",
    "recommended_scheme",
    # report
    "build_report",
    "ReportFailed",
    "ReportParameterError",
]
