"""Self-assessment against appraisal (tự chấm − thẩm định), for data with ``self_points``.

:func:`self_assessment_gap` gives, per unit and criterion, how many points the unit
claimed beyond what appraisal gave, the share of claimed points cut at appraisal, and
which units over-claim systematically; :func:`plot_self_assessment` draws it.
"""

from .gap import SelfAssessmentGap, has_self_points, self_assessment_gap
from .plots import plot_self_assessment

__all__ = ["SelfAssessmentGap", "self_assessment_gap", "has_self_points", "plot_self_assessment"]
