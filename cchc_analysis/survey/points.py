"""Survey points: turning answers into rows of the canonical scores table."""

from __future__ import annotations

import pandas as pd

from ..io._tabular import text_id

__all__ = ["survey_points"]


def _mapping_frame(mapping, response_range) -> pd.DataFrame:
    if isinstance(mapping, dict):
        rows = []
        for q, v in mapping.items():
            rows.append({"question": q, **(v if isinstance(v, dict) else {"criterion": v})})
        mapping = pd.DataFrame(rows)
    if not isinstance(mapping, pd.DataFrame):
        raise ValueError("`mapping` must be a DataFrame or a dict {question: {criterion, max_points, ...}}.")
    missing = [c for c in ("question", "criterion", "max_points") if c not in mapping.columns]
    if missing:
        raise ValueError(f"`mapping` lacks the column(s) {missing}; it needs question, criterion, max_points "
                         "(and optionally scale_min, scale_max, field).")
    m = mapping.copy()
    m["question"] = [text_id(v) for v in m["question"]]
    m["criterion"] = [text_id(v) for v in m["criterion"]]
    if m["question"].duplicated().any():
        raise ValueError(f"`mapping` lists a question twice: {m.loc[m['question'].duplicated(), 'question'].tolist()}")
    for c, d in (("scale_min", response_range[0]), ("scale_max", response_range[1])):
        m[c] = m[c].astype(float) if c in m.columns else float(d)
    m["max_points"] = m["max_points"].astype(float)
    if (m["max_points"] <= 0).any() or m["max_points"].isna().any():
        raise ValueError("`mapping`: max_points must be > 0 for every question.")
    if (m["scale_min"] >= m["scale_max"]).any():
        raise ValueError("`mapping`: scale_min must be below scale_max.")
    if "field" not in m.columns:
        m["field"] = m["criterion"].str.split(".").str[0]
    return m


def survey_points(survey: pd.DataFrame, *, mapping, units: pd.DataFrame | None = None,
                  response_range: tuple[float, float] = (1, 5)) -> pd.DataFrame:
    """Survey points per unit, year and criterion, as rows of the canonical scores table.

    The rule (configurable through ``mapping``): each question ``q`` carries
    ``max_points_q`` and a scale ``[min_q, max_q]``; its achievement in a unit is the
    mean over the unit's respondents who answered of ``(response − min_q) / (max_q −
    min_q)`` (0 = every answer at the bottom, 1 = every answer at the top). A criterion
    collects its questions: ``max_points = Σ max_points_q`` over its mapped questions and
    ``points = max_points × (Σ max_points_q · achievement_q) / (Σ max_points_q)`` over the
    questions answered in the unit (a question nobody in the unit answered does not
    count, rather than counting as zero). With one question per criterion this is simply
    ``max_points × achievement``. Questions not in ``mapping`` carry no points
    (background questions). A criterion none of whose questions was answered in a unit
    is not listed for that unit.

    Parameters
    ----------
    survey : canonical survey table (:func:`read_survey`).
    mapping : DataFrame (or dict ``{question: {...}}``) with ``question, criterion,
        max_points`` and optionally ``scale_min, scale_max, field``.
    units : optional ``unit_id, unit_name, unit_type`` to fill those columns (default:
        ``unit_name = unit_id``, ``unit_type = ""``).
    response_range : scale used when ``mapping`` has no ``scale_min``/``scale_max``.

    Returns
    -------
    DataFrame
        Canonical scores rows: ``year, unit_id, unit_name, unit_type, field, criterion,
        component ("survey"), max_points, points, applicable (True)``.

    Examples
    --------
    >>> survey = pd.DataFrame({"year": 2023, "unit_id": "a", "respondent_id": ["r1", "r1", "r2", "r2"],
    ...     "respondent_role": "staff", "question": ["q1", "q2", "q1", "q2"],
    ...     "response": [5.0, 3.0, 4.0, 1.0]})
    >>> mapping = {"q1": {"criterion": "1.6", "max_points": 2.0},
    ...            "q2": {"criterion": "1.6", "max_points": 1.0}}
    >>> survey_points(survey, mapping=mapping)[["unit_id", "criterion", "max_points", "points"]]
      unit_id criterion  max_points  points
    0       a       1.6         3.0    2.00
    """
    m = _mapping_frame(mapping, response_range)
    need = ["year", "unit_id", "question", "response"]
    miss = [c for c in need if c not in survey.columns]
    if miss:
        raise ValueError(f"`survey` lacks the column(s) {miss}; see read_survey.")
    s = survey.loc[survey["question"].isin(m["question"]) & survey["response"].notna(),
                   ["year", "unit_id", "question", "response"]]
    info = m.set_index("question")
    lo = s["question"].map(info["scale_min"]).to_numpy(dtype=float)
    hi = s["question"].map(info["scale_max"]).to_numpy(dtype=float)
    ach = (s["response"].to_numpy(dtype=float) - lo) / (hi - lo)
    q = (s.assign(achievement=ach).groupby(["year", "unit_id", "question"], sort=True)["achievement"]
         .mean().reset_index())
    q["criterion"] = q["question"].map(info["criterion"])
    q["w"] = q["question"].map(info["max_points"]).to_numpy(dtype=float)
    q["wa"] = q["w"] * q["achievement"]
    crit_max = m.groupby("criterion")["max_points"].sum()
    crit_field = m.groupby("criterion")["field"].first()
    g = q.groupby(["year", "unit_id", "criterion"], sort=True)[["w", "wa"]].sum().reset_index()
    out = pd.DataFrame({"year": g["year"].astype("int64"), "unit_id": g["unit_id"].astype(str)})
    if units is not None:
        u = units.drop_duplicates("unit_id").set_index("unit_id")
        out["unit_name"] = out["unit_id"].map(u["unit_name"]).fillna(out["unit_id"]) if "unit_name" in u else out["unit_id"]
        out["unit_type"] = out["unit_id"].map(u["unit_type"]).fillna("") if "unit_type" in u else ""
    else:
        out["unit_name"] = out["unit_id"]
        out["unit_type"] = ""
    out["field"] = g["criterion"].map(crit_field).astype(str)
    out["criterion"] = g["criterion"].astype(str)
    out["component"] = "survey"
    out["max_points"] = g["criterion"].map(crit_max).to_numpy(dtype=float)
    out["points"] = out["max_points"].to_numpy() * g["wa"].to_numpy() / g["w"].to_numpy()
    out["applicable"] = True
    for c in ["unit_name", "unit_type"]:
        out[c] = out[c].astype(str)
    return out.reset_index(drop=True)
