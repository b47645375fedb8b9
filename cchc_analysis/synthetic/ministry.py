"""A documented, seeded SYNTHETIC ministry, shaped like a real ministry's internal PAR index.

No unit-level internal scoring data is public, so the bias and peer-group work runs by
default on this generated ministry. **Every number it produces is synthetic**; files,
sheets and reports that use it say so.

The model (one world per seed)
------------------------------
Units. ``n_cuc`` departments (Cục, ``unit_type="cuc"``) scored on 7 fields, ``n_vu``
offices (Vụ, ``"vu"``), one Văn phòng Bộ (``"van-phong"``) and one Thanh tra Bộ
(``"thanh-tra"``) scored on 6 fields (no field 6, public finance, which the Cục run with
their own budgets) plus criteria specific to their type. Each unit has a latent
ability ``θ_u ~ N(0, 1)`` (drifting ``N(0, 0.3²)`` a year) and a workload
``w_u ∈ (0, 1)``: Cục ``Beta(6, 3)`` (busy), the others ``Beta(3, 6)``.

Criteria. Each field has *generic* criteria that arise for every unit of an eligible
type (reporting, plans, propaganda, e-office use…) and *task* criteria that arise only
when the unit had that task in the year (drafting legal documents, administrative
procedures under its management, recruitment, …). A task criterion arises for unit u
with probability ``w_u`` (a fixed draw per unit and criterion, with a small yearly
flip). Some generic criteria are *saturated* (share of electronic documents, digital
signatures, leaders using the document system): nearly everyone reaches 100 %.

Achievement. A criterion with maximum M and difficulty d gives
``points = M × Binomial(4, p)/4`` with ``p = logistic(1.2 θ_u − d)``; survey criteria
(component ``survey``) give ``M × Beta(8p, 8(1−p))`` rounded to 0.01 points.
Generic criteria are easy (``d ~ N(−2.5, 0.7²)``, saturated ``d = −6``); task criteria
are harder by ``composition × 2.5`` on average (``d ~ N(−2.5 + 2.5·composition, 0.8²)``).
With ``composition = 0`` there is no few-task advantage (the null world of the bias
calibration); the default ``composition = 1`` plants the composition mechanism the
users suspect: few-task units carry mostly easy generic criteria and score higher
without being abler.

Functions
---------
``make_synthetic_scores`` returns the canonical scores table (and the truth on
request), marked synthetic (``attrs["synthetic"]``, see :mod:`cchc_analysis.provenance`);
``write_synthetic_workbook`` writes it as an analyst workbook whose document properties'
keywords hold ``provenance.SYNTHETIC_KEYWORD``, so :func:`cchc_analysis.read_scores`
knows it is synthetic from the file itself. ``cchc synthetic --bundle`` regenerates the
bundled files under ``data/raw/synthetic/`` and the blank template under
``data/raw/templates/``.
"""

from __future__ import annotations

import io as _io
from pathlib import Path

import numpy as np
import pandas as pd

from ..outputs import atomic_write_bytes
from ..provenance import SYNTHETIC_KEYWORD, mark_synthetic

__all__ = [
    "SYNTHETIC_LABEL",
    "DEFAULT_SEED",
    "make_synthetic_scores",
    "synthetic_criteria",
    "write_synthetic_workbook",
]

SYNTHETIC_LABEL = "DỮ LIỆU GIẢ LẬP (mô phỏng) / SYNTHETIC DATA"
DEFAULT_SEED = 20231

# (field, name, kind, component) ; kind: generic | task | saturated ; applies_to: type set
_ALL = ("cuc", "vu", "van-phong", "thanh-tra")
_CUC = ("cuc",)
_CRITERIA_SPEC = [
    ("1", "Ban hành kế hoạch CCHC năm đúng hạn", "generic", "appraisal", _ALL),
    ("1", "Báo cáo CCHC định kỳ đầy đủ, đúng hạn", "generic", "appraisal", _ALL),
    ("1", "Mức độ hoàn thành kế hoạch CCHC", "task", "appraisal", _ALL),
    ("1", "Tuyên truyền CCHC", "generic", "appraisal", _ALL),
    ("1", "Sáng kiến, giải pháp mới trong CCHC", "task", "appraisal", _ALL),
    ("1", "Đánh giá của công chức về chỉ đạo, điều hành CCHC", "generic", "survey", _ALL),
    ("2", "Xây dựng văn bản QPPL được giao đúng tiến độ", "task", "appraisal", _ALL),
    ("2", "Chất lượng hồ sơ dự thảo văn bản QPPL", "task", "appraisal", _ALL),
    ("2", "Rà soát, hệ thống hóa văn bản", "generic", "appraisal", _ALL),
    ("2", "Theo dõi thi hành pháp luật", "task", "appraisal", _ALL),
    ("2", "Kiểm tra, xử lý văn bản trái pháp luật", "task", "appraisal", ("vu",)),
    ("2", "Đánh giá chất lượng thể chế", "generic", "survey", _ALL),
    ("3", "Công bố, công khai thủ tục hành chính", "task", "appraisal", _ALL),
    ("3", "Rà soát, đơn giản hóa thủ tục hành chính", "task", "appraisal", _ALL),
    ("3", "Giải quyết hồ sơ đúng hạn", "task", "appraisal", _ALL),
    ("3", "Tiếp nhận, xử lý phản ánh, kiến nghị", "task", "appraisal", _ALL),
    ("3", "Bộ phận một cửa của Bộ", "task", "appraisal", ("van-phong",)),
    ("3", "Đánh giá của người dân, doanh nghiệp về giải quyết TTHC", "task", "survey", _ALL),
    ("4", "Thực hiện quy định về chức năng, nhiệm vụ, tổ chức bộ máy", "generic", "appraisal", _ALL),
    ("4", "Sắp xếp, kiện toàn tổ chức", "task", "appraisal", _ALL),
    ("4", "Thực hiện phân cấp, ủy quyền", "task", "appraisal", _CUC),
    ("4", "Đánh giá về tổ chức bộ máy", "generic", "survey", _ALL),
    ("5", "Quản lý vị trí việc làm, biên chế", "generic", "appraisal", _ALL),
    ("5", "Tuyển dụng, bổ nhiệm đúng quy định", "task", "appraisal", _ALL),
    ("5", "Đào tạo, bồi dưỡng công chức", "generic", "appraisal", _ALL),
    ("5", "Chấp hành kỷ luật, kỷ cương hành chính", "generic", "appraisal", _ALL),
    ("5", "Thanh tra công vụ", "task", "appraisal", ("thanh-tra",)),
    ("5", "Đánh giá về chất lượng đội ngũ công chức", "generic", "survey", _ALL),
    ("6", "Thực hiện dự toán ngân sách", "task", "appraisal", _CUC),
    ("6", "Tự chủ tài chính đơn vị sự nghiệp", "task", "appraisal", _CUC),
    ("6", "Công khai tài chính, tài sản công", "generic", "appraisal", _CUC),
    ("6", "Đánh giá về quản lý tài chính công", "generic", "survey", _CUC),
    ("7", "Tỷ lệ văn bản điện tử", "saturated", "appraisal", _ALL),
    ("7", "Lãnh đạo sử dụng hệ thống quản lý văn bản", "saturated", "appraisal", _ALL),
    ("7", "Sử dụng chữ ký số", "saturated", "appraisal", _ALL),
    ("7", "Dịch vụ công trực tuyến toàn trình", "task", "appraisal", _ALL),
    ("7", "Kết nối, chia sẻ dữ liệu", "task", "appraisal", _ALL),
    ("7", "Đánh giá về chính phủ số", "generic", "survey", _ALL),
]
_MAX_CHOICES = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0])


def synthetic_criteria(seed: int = DEFAULT_SEED, *, composition: float = 1.0) -> pd.DataFrame:
    """The synthetic criteria tree with max points, kind, eligible unit types and difficulty.

    Returns
    -------
    DataFrame
        ``criterion, field, name, component, kind, applies_to, max_points, difficulty``.
    """
    rng = np.random.default_rng([seed, 1])
    rows = []
    counter: dict[str, int] = {}
    for field, name, kind, comp, types in _CRITERIA_SPEC:
        counter[field] = counter.get(field, 0) + 1
        if kind == "saturated":
            d = -6.0
        elif kind == "generic":
            d = rng.normal(-2.5, 0.7)
        else:
            d = rng.normal(-2.5 + 2.5 * composition, 0.8)
        mx = 3.0 if comp == "survey" else float(rng.choice(_MAX_CHOICES))
        rows.append(
            {
                "criterion": f"{field}.{counter[field]}",
                "field": field,
                "name": name,
                "component": comp,
                "kind": "generic" if kind == "saturated" else kind,
                "saturated": kind == "saturated",
                "applies_to": "|".join(types),
                "max_points": mx,
                "difficulty": d,
            }
        )
    return pd.DataFrame(rows)


def _units(rng: np.random.Generator, n_cuc: int, n_vu: int) -> pd.DataFrame:
    rows = []
    for i in range(1, n_cuc + 1):
        rows.append(("cuc", f"cuc-{i:02d}", f"Cục số {i}"))
    for i in range(1, n_vu + 1):
        rows.append(("vu", f"vu-{i:02d}", f"Vụ số {i}"))
    rows.append(("van-phong", "van-phong-bo", "Văn phòng Bộ"))
    rows.append(("thanh-tra", "thanh-tra-bo", "Thanh tra Bộ"))
    u = pd.DataFrame(rows, columns=["unit_type", "unit_id", "unit_name"])
    u["ability"] = rng.normal(0.0, 1.0, len(u))
    busy = u["unit_type"].eq("cuc").to_numpy()
    u["workload"] = np.where(busy, rng.beta(6, 3, len(u)), rng.beta(3, 6, len(u)))
    return u


def make_synthetic_scores(
    seed: int = DEFAULT_SEED,
    *,
    n_cuc: int = 18,
    n_vu: int = 16,
    years=(2021, 2022, 2023),
    composition: float = 1.0,
    return_truth: bool = False,
):
    """Generate the canonical scores table of a synthetic ministry (see module notes).

    Parameters
    ----------
    seed : the world's seed; the same seed gives the same table.
    n_cuc, n_vu : numbers of departments (Cục) and offices (Vụ); one Văn phòng Bộ and
        one Thanh tra Bộ are always added.
    years : assessment years.
    composition : strength of the planted composition mechanism (0 = none).
    return_truth : also return the truth per unit and year (``ability``, ``workload``).

    Returns
    -------
    DataFrame, or (DataFrame, DataFrame) with ``return_truth``
        Canonical scores ``year, unit_id, unit_name, unit_type, field, criterion,
        component, max_points, points, applicable``; truth ``year, unit_id, unit_type,
        ability, workload``.

    Examples
    --------
    >>> s = make_synthetic_scores(seed=1, n_cuc=3, n_vu=2, years=(2023,))
    >>> sorted(s["unit_type"].unique())
    ['cuc', 'thanh-tra', 'van-phong', 'vu']
    >>> bool((s["points"].fillna(0) <= s["max_points"]).all() and s.loc[~s["applicable"], "points"].isna().all())
    True
    >>> s.equals(make_synthetic_scores(seed=1, n_cuc=3, n_vu=2, years=(2023,)))
    True
    """
    if composition < 0:
        raise ValueError(f"`composition` must be >= 0, but {composition!r} was passed.")
    rng = np.random.default_rng([seed, 2])
    crit = synthetic_criteria(seed, composition=composition)
    units = _units(rng, n_cuc, n_vu)
    nu, nc = len(units), len(crit)
    eligible = np.array(
        [[t in a.split("|") for a in crit["applies_to"]] for t in units["unit_type"]]
    )  # nu × nc
    is_task = crit["kind"].eq("task").to_numpy()
    base_u = rng.uniform(size=(nu, nc))
    ability = units["ability"].to_numpy().copy()
    workload = units["workload"].to_numpy()
    d = crit["difficulty"].to_numpy()
    mx = crit["max_points"].to_numpy()
    survey = crit["component"].eq("survey").to_numpy()
    frames, truth = [], []
    for k, year in enumerate(years):
        if k > 0:
            ability = ability + rng.normal(0.0, 0.3, nu)
        flip = rng.uniform(size=(nu, nc)) < 0.05
        task_arises = (base_u < workload[:, None]) ^ flip
        applicable = eligible & np.where(is_task[None, :], task_arises, True)
        p = 1.0 / (1.0 + np.exp(-(1.2 * ability[:, None] - d[None, :])))
        steps = rng.binomial(4, p) / 4.0
        a = np.clip(8 * p, 1e-3, None)
        b = np.clip(8 * (1 - p), 1e-3, None)
        cont = np.round(rng.beta(a, b) * mx[None, :], 2)
        pts = np.where(survey[None, :], cont, steps * mx[None, :])
        pts = np.where(applicable, pts, np.nan)
        keep = eligible  # a criterion not eligible for the unit type is not listed at all
        ui, ci = np.nonzero(keep)
        frames.append(
            pd.DataFrame(
                {
                    "year": np.int64(year),
                    "unit_id": units["unit_id"].to_numpy()[ui],
                    "unit_name": units["unit_name"].to_numpy()[ui],
                    "unit_type": units["unit_type"].to_numpy()[ui],
                    "field": crit["field"].to_numpy()[ci],
                    "criterion": crit["criterion"].to_numpy()[ci],
                    "component": crit["component"].to_numpy()[ci],
                    "max_points": mx[ci],
                    "points": pts[ui, ci],
                    "applicable": applicable[ui, ci],
                }
            )
        )
        truth.append(
            pd.DataFrame(
                {
                    "year": np.int64(year),
                    "unit_id": units["unit_id"],
                    "unit_type": units["unit_type"],
                    "ability": ability,
                    "workload": workload,
                }
            )
        )
    scores = pd.concat(frames, ignore_index=True)
    for c in ["unit_id", "unit_name", "unit_type", "field", "criterion", "component"]:
        scores[c] = scores[c].astype(str)
    mark_synthetic(scores)
    if return_truth:
        return scores, mark_synthetic(pd.concat(truth, ignore_index=True))
    return scores


def write_synthetic_workbook(path, *, seed: int = DEFAULT_SEED, _bundle_raw: bool = False, **kwargs) -> Path:
    """Write the synthetic ministry as an analyst workbook (criteria, units, long scores sheet).

    Not-applicable criteria are written ``KPS``, as analysts do. The workbook has a
    ``README (synthetic)`` sheet, the scores sheet is named ``scores (synthetic)`` and the
    document properties' keywords hold ``provenance.SYNTHETIC_KEYWORD`` (how the reader
    knows).
    """
    from openpyxl import Workbook  # heavy: imported when a workbook is written
    from openpyxl.styles import Font

    scores = make_synthetic_scores(seed, **kwargs)
    crit = synthetic_criteria(seed, composition=kwargs.get("composition", 1.0))
    wb = Workbook()
    wb.properties.keywords = SYNTHETIC_KEYWORD  # read back by read_scores -> attrs["synthetic"]
    wb.properties.title = SYNTHETIC_LABEL
    ws = wb.active
    ws.title = "README (synthetic)"
    text = [
        SYNTHETIC_LABEL,
        "Bộ giả lập để minh họa và kiểm thử: KHÔNG phải số liệu thật của bất kỳ bộ nào.",
        "A made-up ministry for demonstration and tests: NOT real data of any ministry.",
        f"Generated by cchc_analysis.synthetic.make_synthetic_scores(seed={seed}); "
        "the model is documented in that module.",
        "KPS = không phát sinh (criterion does not arise for the unit that year).",
    ]
    for i, t in enumerate(text, 1):
        ws.cell(i, 1, t)
    ws["A1"].font = Font(bold=True, color="C00000")
    ws.column_dimensions["A"].width = 110
    wc = wb.create_sheet("criteria")
    wc.append(["criterion", "field", "name", "component", "max_points"])
    for r in crit.itertuples():
        wc.append([r.criterion, r.field, r.name, r.component, float(r.max_points)])
    wu = wb.create_sheet("units")
    wu.append(["unit_id", "unit_name", "unit_type"])
    for r in scores.drop_duplicates("unit_id").itertuples():
        wu.append([r.unit_id, r.unit_name, r.unit_type])
    wsc = wb.create_sheet("scores (synthetic)")
    wsc.append(["year", "unit_id", "criterion", "points"])
    for r in scores.itertuples():
        wsc.append([int(r.year), r.unit_id, r.criterion, "KPS" if not r.applicable else float(r.points)])
    for sheet in wb.worksheets[1:]:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buf = _io.BytesIO()
    wb.save(buf)
    return atomic_write_bytes(path, buf.getvalue(), _bundle_raw=_bundle_raw)
