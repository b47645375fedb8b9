"""The SYNTHETIC survey: respondent-level answers of the synthetic ministry, with planted
formal filling (the truth is returned on request), and its instrument.

The bundled file ``data/raw/synthetic/synthetic_ministry_survey.csv``
(``config.DEFAULT_SURVEY``) is written by ``cchc synthetic --bundle``; its ``synthetic``
column (``True`` on every row) tells the reader it is synthetic.
"""

from __future__ import annotations

import io as _io
from pathlib import Path

import numpy as np
import pandas as pd

from ..outputs import atomic_write_bytes
from ..provenance import mark_synthetic
from .ministry import DEFAULT_SEED, SYNTHETIC_LABEL, make_synthetic_scores, synthetic_criteria

__all__ = ["synthetic_survey_questions", "make_synthetic_survey", "make_survey_world", "write_synthetic_survey"]


_QUESTION_TEXT = {
    "1": [("Lãnh đạo đơn vị thường xuyên chỉ đạo công tác CCHC", "Unit leaders steer PAR work regularly"),
          ("Kế hoạch CCHC của đơn vị sát thực tế", "The unit's PAR plan is realistic")],
    "2": [("Văn bản do đơn vị soạn thảo rõ ràng, khả thi", "Documents drafted by the unit are clear and workable"),
          ("Việc rà soát văn bản được thực hiện nghiêm túc", "Document review is done seriously")],
    "3": [("Thủ tục hành chính được công khai đầy đủ", "Administrative procedures are fully published"),
          ("Hồ sơ được giải quyết đúng hạn", "Files are settled on time")],
    "4": [("Chức năng, nhiệm vụ các phòng rõ ràng", "Duties of the divisions are clear"),
          ("Không có chồng chéo nhiệm vụ trong đơn vị", "No overlapping duties inside the unit")],
    "5": [("Tuyển dụng, bổ nhiệm công khai, minh bạch", "Recruitment and appointments are open and transparent"),
          ("Công chức được đánh giá đúng năng lực", "Civil servants are assessed on merit")],
    "6": [("Tài chính của đơn vị được công khai", "The unit's finances are published"),
          ("Kinh phí được sử dụng đúng mục đích", "Funds are used as intended")],
    "7": [("Hệ thống quản lý văn bản hoạt động tốt", "The document system works well"),
          ("Dịch vụ công trực tuyến dễ sử dụng", "Online public services are easy to use")],
}


def synthetic_survey_questions(seed: int | None = None) -> pd.DataFrame:
    """The instrument of the SYNTHETIC survey: two questions per field on a 1–5 scale.

    Each field's two questions form one sub-scale (``scale = "f<field>"``) and feed the
    field's survey criterion of the synthetic ministry (half its maximum each), so
    :func:`cchc_analysis.survey.survey_points` turns the synthetic survey into ``component="survey"`` rows.
    Field 6 (public finance) is asked only in the Cục.

    Returns
    -------
    DataFrame
        ``question, scale, field, criterion, max_points, scale_min, scale_max, text_vi,
        text_en``.

    Examples
    --------
    >>> q = synthetic_survey_questions()
    >>> len(q), q["question"].iloc[0], q["criterion"].iloc[0], float(q["max_points"].iloc[0])
    (14, 'q1_1', '1.6', 1.5)
    """
    crit = synthetic_criteria(DEFAULT_SEED if seed is None else seed)
    surv = crit.loc[crit["component"] == "survey"].set_index("field")
    rows = []
    for field, texts in _QUESTION_TEXT.items():
        for k, (vi, en) in enumerate(texts, 1):
            rows.append({"question": f"q{field}_{k}", "scale": f"f{field}", "field": field,
                         "criterion": surv.loc[field, "criterion"],
                         "max_points": float(surv.loc[field, "max_points"]) / len(texts),
                         "scale_min": 1.0, "scale_max": 5.0, "text_vi": vi, "text_en": en})
    return pd.DataFrame(rows)


_MODES = ("copied", "straightline", "burst")


def make_synthetic_survey(
    seed: int | None = None,
    *,
    n_cuc: int = 18,
    n_vu: int = 16,
    years=(2021, 2022, 2023),
    n_planted: int = 5,
    return_truth: bool = False,
):
    """Respondent-level answers of the SYNTHETIC ministry, with planted formal filling.

    The model. Units, years and latent abilities are those of
    :func:`~.ministry.make_synthetic_scores` with the same seed. Each unit
    and year has 10–16 staff and 3–5 leaders. An honest answer to question ``q`` of
    respondent ``i`` in unit ``u`` is ``round(3.2 + 0.45 θ_u + b_i + c_{i,scale} +
    0.3·leader + δ_q + ε)`` clipped to 1–5, with respondent leniency ``b_i ~ N(0,
    0.5²)``, a respondent-by-scale effect ``c ~ N(0, 0.4²)`` (so the two questions of a
    scale hang together), item offsets ``δ_q ~ N(0, 0.25²)`` and noise ``ε ~ N(0,
    0.55²)``; 3 % of honest respondents straight-line and 1 % of answers are skipped.
    Honest forms are submitted at random working hours over three weeks of November.

    Each year ``n_planted`` units are planted as formally filled, each with one or two
    modes: ``copied`` (50–80 % of the staff copy one favourable answer vector, half of
    the copies changed in one item), ``straightline`` (45–75 % of respondents answer 5,
    or 4, to everything) and ``burst`` (70–100 % of the forms submitted within a few
    minutes).

    Parameters
    ----------
    seed : the synthetic ministry's seed (default ``synthetic.DEFAULT_SEED``).
    n_cuc, n_vu, years : as in :func:`~cchc_analysis.synthetic.make_synthetic_scores`.
    n_planted : units planted as formally filled per year.
    return_truth : also return ``year, unit_id, planted, modes``.

    Returns
    -------
    DataFrame, or (DataFrame, DataFrame) with ``return_truth``
        The canonical survey table with ``submitted_at`` and ``scale``.

    Examples
    --------
    >>> s, truth = make_synthetic_survey(seed=1, n_cuc=2, n_vu=2, years=(2023,), n_planted=1,
    ...                                  return_truth=True)
    >>> sorted(s["unit_id"].unique())
    ['cuc-01', 'cuc-02', 'thanh-tra-bo', 'van-phong-bo', 'vu-01', 'vu-02']
    >>> int(truth["planted"].sum()), bool(s["response"].dropna().between(1, 5).all())
    (1, True)
    """
    seed = DEFAULT_SEED if seed is None else seed
    if n_planted < 0:
        raise ValueError(f"`n_planted` must be >= 0, but {n_planted!r} was passed.")
    _, truth = make_synthetic_scores(seed, n_cuc=n_cuc, n_vu=n_vu, years=years, return_truth=True)
    if n_planted > truth["unit_id"].nunique():
        raise ValueError("`n_planted` exceeds the number of units.")
    qs = synthetic_survey_questions(seed)
    rng = np.random.default_rng([seed, 7])
    delta = rng.normal(0, 0.25, len(qs))
    frames, planted_rows = [], []
    for year, ty in truth.groupby("year", sort=True):
        units = ty.reset_index(drop=True)
        planted = set(rng.choice(len(units), size=n_planted, replace=False).tolist()) if n_planted else set()
        start = np.datetime64(f"{int(year)}-11-01T00:00:00")
        for ui, u in units.iterrows():
            qmask = (qs["field"] != "6").to_numpy() | (u["unit_type"] == "cuc")
            qsub = qs.loc[qmask].reset_index(drop=True)
            dq = delta[qmask]
            scales = qsub["scale"].to_numpy()
            scale_ids = {s: k for k, s in enumerate(dict.fromkeys(scales))}
            sidx = np.array([scale_ids[s] for s in scales])
            n_staff, n_lead = int(rng.integers(10, 17)), int(rng.integers(3, 6))
            n = n_staff + n_lead
            leader = np.arange(n) >= n_staff
            b = rng.normal(0, 0.5, n)
            c = rng.normal(0, 0.4, (n, len(scale_ids)))[:, sidx]
            eps = rng.normal(0, 0.55, (n, len(qsub)))
            lat = 3.2 + 0.45 * u["ability"] + b[:, None] + c + 0.3 * leader[:, None] + dq[None, :] + eps
            x = np.clip(np.round(lat), 1, 5)
            honest_sl = rng.uniform(size=n) < 0.03
            x[honest_sl] = np.clip(np.round(3.2 + 0.45 * u["ability"] + b[honest_sl] + 0.5), 1, 5)[:, None]
            # submissions: random working time within three weeks
            day = rng.integers(0, 21, n)
            secs = rng.integers(8 * 3600, 17 * 3600, n)
            times = start + (day * 86400 + secs).astype("timedelta64[s]")
            modes = []
            if ui in planted:
                k = 1 + int(rng.uniform() < 0.4)
                modes = sorted(rng.choice(_MODES, size=k, replace=False).tolist(), key=_MODES.index)
                if "copied" in modes:
                    template = np.clip(np.round(4.3 + rng.normal(0, 0.6, len(qsub))), 1, 5)
                    m = max(2, int(round(rng.uniform(0.5, 0.8) * n_staff)))
                    who = rng.choice(n_staff, size=m, replace=False)
                    for i in who:
                        x[i] = template
                        if rng.uniform() < 0.5:
                            j = rng.integers(len(qsub))
                            x[i, j] = np.clip(template[j] + rng.choice([-1, 1]), 1, 5)
                if "straightline" in modes:
                    m = max(2, int(round(rng.uniform(0.45, 0.75) * n)))
                    who = rng.choice(n, size=m, replace=False)
                    x[who] = rng.choice([5.0, 4.0], p=[0.7, 0.3])
                if "burst" in modes:
                    m = max(2, int(round(rng.uniform(0.7, 1.0) * n)))
                    who = rng.choice(n, size=m, replace=False)
                    t0 = start + np.timedelta64(int(rng.integers(0, 20)) * 86400 + int(rng.integers(9 * 3600, 15 * 3600)), "s")
                    times[who] = t0 + rng.integers(0, int(rng.uniform(3, 9) * 60), m).astype("timedelta64[s]")
            skip = rng.uniform(size=x.shape) < 0.01
            x = np.where(skip, np.nan, x)
            rid = np.array([f"r{i + 1:02d}" for i in range(n)])
            nq = len(qsub)
            frames.append(pd.DataFrame({
                "year": np.int64(year), "unit_id": u["unit_id"],
                "respondent_id": np.repeat(rid, nq),
                "respondent_role": np.repeat(np.where(leader, "leader", "staff"), nq),
                "question": np.tile(qsub["question"].to_numpy(), n),
                "response": x.ravel(),
                "submitted_at": np.repeat(times, nq).astype("datetime64[ns]"),
                "scale": np.tile(scales, n),
            }))
            planted_rows.append({"year": int(year), "unit_id": u["unit_id"], "planted": bool(modes),
                                 "modes": "+".join(modes)})
    survey = pd.concat(frames, ignore_index=True)
    for col in ["unit_id", "respondent_id", "respondent_role", "question", "scale"]:
        survey[col] = survey[col].astype(str)
    mark_synthetic(survey)
    if return_truth:
        t = pd.DataFrame(planted_rows)
        t["year"] = t["year"].astype("int64")
        return survey, mark_synthetic(t)
    return survey


_WORLD_MODES = ("noisy_copy", "straightline", "burst")


def make_survey_world(
    n_units: int,
    *,
    n_respondents: int = 20,
    share_planted: float = 0.1,
    modes=("noisy_copy",),
    flip_rate: float = 0.2,
    copy_share=(0.5, 0.8),
    burst_minutes=(10, 30),
    year: int = 2023,
    seed: int = 0,
):
    """A SYNTHETIC survey world of any size, for measuring the formal-filling signals.

    Each of ``n_units`` units has ``n_respondents`` respondents (a quarter of them
    leaders) answering the bundled instrument (:func:`synthetic_survey_questions`, 14
    questions on a 1–5 scale), with the honest answer model of
    :func:`make_synthetic_survey` (unit ability ``θ ~ N(0, 1)``). A share
    ``share_planted`` of the units (rounded, at least one when positive) is planted with
    one of ``modes`` (cycled over the planted units):

    * ``noisy_copy``: a share ``copy_share`` (uniform in the range) of the respondents
      copy one favourable answer vector, and each copied answer is moved one step up or
      down (within 1–5) with probability ``flip_rate``;
    * ``straightline``: 45–75 % of respondents answer 5 (or 4) to everything;
    * ``burst``: 70–100 % of the forms are submitted within ``burst_minutes`` (a window
      length drawn uniformly in the range).

    Honest forms are submitted at random working hours over three weeks; 3 % of honest
    respondents straight-line and 1 % of answers are skipped.

    Returns
    -------
    (DataFrame, DataFrame)
        The canonical survey table (with ``submitted_at`` and ``scale``, marked
        synthetic) and the truth ``year, unit_id, planted, modes``.

    Examples
    --------
    >>> s, truth = make_survey_world(10, n_respondents=8, share_planted=0.2, seed=1)
    >>> len(s), int(truth["planted"].sum()), sorted(truth["modes"].unique())
    (1120, 2, ['', 'noisy_copy'])
    """
    if n_units < 1 or n_respondents < 2:
        raise ValueError("`n_units` must be >= 1 and `n_respondents` >= 2.")
    if not 0 <= share_planted <= 1 or not 0 <= flip_rate <= 1:
        raise ValueError("`share_planted` and `flip_rate` must be in [0, 1].")
    modes = tuple(modes)
    bad = [m for m in modes if m not in _WORLD_MODES]
    if bad or not modes:
        raise ValueError(f"`modes` must be a non-empty subset of {_WORLD_MODES}, but {modes!r} was passed.")
    rng = np.random.default_rng([seed, 20])
    qs = synthetic_survey_questions()
    nq = len(qs)
    scales = qs["scale"].to_numpy()
    sidx = pd.factorize(scales)[0]
    delta = rng.normal(0, 0.25, nq)
    U, R = n_units, n_respondents
    ability = rng.normal(0, 1, U)
    n_lead = max(1, R // 4)
    leader = np.arange(R) >= R - n_lead
    b = rng.normal(0, 0.5, (U, R))
    c = rng.normal(0, 0.4, (U, R, sidx.max() + 1))[:, :, sidx]
    eps = rng.normal(0, 0.55, (U, R, nq))
    lat = 3.2 + 0.45 * ability[:, None, None] + b[:, :, None] + c + 0.3 * leader[None, :, None] + delta + eps
    x = np.clip(np.round(lat), 1, 5)
    sl = rng.uniform(size=(U, R)) < 0.03
    level = np.clip(np.round(3.2 + 0.45 * ability[:, None] + b + 0.5), 1, 5)
    x = np.where(sl[:, :, None], level[:, :, None], x)
    start = np.datetime64(f"{int(year)}-11-01T00:00:00")
    secs = rng.integers(0, 21, (U, R)) * 86400 + rng.integers(8 * 3600, 17 * 3600, (U, R))
    n_pl = 0 if share_planted == 0 else max(1, int(round(share_planted * U)))
    planted = rng.choice(U, size=n_pl, replace=False)
    unit_modes = np.array([""] * U, dtype=object)
    for k, u in enumerate(planted):
        mode = modes[k % len(modes)]
        unit_modes[u] = mode
        if mode == "noisy_copy":
            template = np.clip(np.round(4.3 + rng.normal(0, 0.6, nq)), 1, 5)
            m = max(2, int(round(rng.uniform(*copy_share) * R)))
            who = rng.choice(R, size=m, replace=False)
            flip = rng.uniform(size=(m, nq)) < flip_rate
            step = rng.choice([-1.0, 1.0], size=(m, nq))
            moved = template + step
            moved = np.where((moved < 1) | (moved > 5), template - step, moved)
            x[u, who] = np.where(flip, moved, template)
        elif mode == "straightline":
            m = max(2, int(round(rng.uniform(0.45, 0.75) * R)))
            who = rng.choice(R, size=m, replace=False)
            x[u, who] = rng.choice([5.0, 4.0], p=[0.7, 0.3])
        else:
            m = max(2, int(round(rng.uniform(0.7, 1.0) * R)))
            who = rng.choice(R, size=m, replace=False)
            t0 = int(rng.integers(0, 20)) * 86400 + int(rng.integers(9 * 3600, 15 * 3600))
            secs[u, who] = t0 + rng.integers(0, int(rng.uniform(*burst_minutes) * 60), m)
    x = np.where(rng.uniform(size=x.shape) < 0.01, np.nan, x)
    width = len(str(U))
    uid = np.array([f"u{u:0{width}d}" for u in range(U)], dtype=object)
    rid = np.array([f"r{i + 1:02d}" for i in range(R)], dtype=object)
    times = (start + secs.astype("timedelta64[s]")).astype("datetime64[ns]")
    survey = pd.DataFrame({
        "year": np.int64(year),
        "unit_id": np.repeat(uid, R * nq),
        "respondent_id": np.tile(np.repeat(rid, nq), U),
        "respondent_role": np.tile(np.repeat(np.where(leader, "leader", "staff").astype(object), nq), U),
        "question": np.tile(qs["question"].to_numpy(dtype=object), U * R),
        "response": x.ravel(),
        "submitted_at": np.repeat(times.ravel(), nq),
        "scale": np.tile(scales.astype(object), U * R),
    })
    truth = pd.DataFrame({"year": np.int64(year), "unit_id": uid, "planted": unit_modes != "",
                          "modes": unit_modes.astype(str)})
    return mark_synthetic(survey), mark_synthetic(truth)


def write_synthetic_survey(path, *, _bundle_raw: bool = False, **kwargs) -> Path:
    """Write the SYNTHETIC survey as a long CSV with a ``note`` column saying it is synthetic
    (the label on the first row) and a ``synthetic`` column that is ``True`` on every row.

    That column is how :func:`cchc_analysis.read_survey` knows the file is synthetic
    (``attrs["synthetic"]``), wherever the file is copied or however it is renamed.

    Keyword arguments go to :func:`make_synthetic_survey`. Answers are written as whole
    numbers (an empty cell is a skipped question), times as ``YYYY-MM-DD HH:MM:SS``.
    Refuses ``data/raw/`` unless called by the bundling command.
    """
    kwargs.pop("return_truth", None)
    s = make_synthetic_survey(**kwargs)
    out = s.copy()
    out["response"] = out["response"].astype("Int64")
    out["submitted_at"] = out["submitted_at"].dt.strftime("%Y-%m-%d %H:%M:%S")
    out["note"] = np.where(out.index == 0, SYNTHETIC_LABEL, "synthetic")  # for people
    out["synthetic"] = True  # for the reader
    buf = _io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return atomic_write_bytes(path, buf.getvalue().encode("utf-8"), _bundle_raw=_bundle_raw)
