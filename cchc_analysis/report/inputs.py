"""Pre-flight: read and check every input once, before any kernel starts.

:func:`preflight` reads every ``--data`` file (a file, or every ``.xlsx``/``.csv``/
``.parquet`` in a folder; the option may be repeated) and the ``--survey`` file, collects
ALL problems of all of them into one list (Vietnamese and English), checks that the
requested year is present, and parses the scores once into a cache keyed by the content
hash of the inputs and of the readers' code (``data/processed/cache/scores-<hash>.parquet``: the tidy table with a
``synthetic`` column, so :func:`cchc_analysis.io.read_scores` reads it on its fast path and
knows the provenance). The notebooks then get the cached path, not the workbook.

What a notebook is given (the contract with ``notebooks/``):

``data_path`` / ``scores_path``
    with ``--data``: the cached Parquet of all ``--data`` files together. Without
    ``--data``: ``scores_path`` gets the cache of the bundled workbook (same data, read
    faster); ``data_path`` is not passed (its default may mean another source, e.g. the
    published tables in notebook 01).
``survey_path``
    the checked copy of the ``--survey`` file (or, without ``--survey``, of the bundled
    survey when it has rows for the year): ``data/processed/cache/survey-<hash>.parquet``,
    keyed like the scores' cache, which :func:`cchc_analysis.io.read_survey` loads without
    parsing again (the file itself when the cache cannot be written); else
    :data:`NO_SURVEY` (``"none"``),
    also whenever ``--data`` is given without ``--survey`` (a bundled synthetic survey
    says nothing about the user's units). A notebook receiving ``"none"`` skips the survey
    analyses with a reason (``Section.skip``) and still does what needs only the scores.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from .errors import ReportParameterError

__all__ = ["NO_SURVEY", "DATA_EXTENSIONS", "Inputs", "preflight", "data_files", "CACHE_VERSION"]

#: ``survey_path`` value meaning "no survey for this report" (the notebook says so).
NO_SURVEY = "none"
DATA_EXTENSIONS = (".xlsx", ".xlsm", ".csv", ".parquet", ".pq")
#: Bumped when the cached table's layout changes (old caches are then ignored).
CACHE_VERSION = "1"


@dataclass
class Inputs:
    """The checked inputs of one report."""

    year: int
    years: list[int]
    data_files: list[Path]              # --data files (empty: the bundled workbook)
    scores_cache: Path                  # the tidy Parquet every notebook reads
    survey: Path | None                 # --survey, or the bundled survey when it has the year
    survey_given: bool
    no_survey_reason: dict[str, str] | None  # {"vi":..., "en":...} when the survey is withheld
    synthetic: bool
    cache_hit: bool
    notes: list[dict] = field(default_factory=list)
    survey_cache: Path | None = None    # the checked survey table the notebooks read (None: read `survey`)

    @property
    def bundled(self) -> bool:
        return not self.data_files


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def data_files(paths) -> tuple[list[Path], list[str]]:
    """Expand ``--data`` values (files or folders) -> (files, problems)."""
    files, problems = [], []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in DATA_EXTENSIONS
                           and not q.name.startswith((".", "~$")))
            if not found:
                problems.append(f"thư mục '{p}' không có tệp dữ liệu ({', '.join(DATA_EXTENSIONS)})\n"
                                f"  [folder '{p}' holds no data file ({', '.join(DATA_EXTENSIONS)})]")
            files += found
        elif p.is_file():
            files.append(p)
        else:
            problems.append(f"không tìm thấy tệp '{p}' (--data)\n  [file not found: '{p}' (--data)]")
    seen, out = set(), []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            out.append(r)
    return out, problems


def _problems_of(exc) -> list[str]:
    probs = getattr(exc, "problems", None) or []
    if probs:
        return [p.message() for p in probs]
    return [str(exc)]


def _reader_code() -> str:
    """Hash of the readers' code (``cchc_analysis/io/*.py`` and the text rules they use): a
    cache written by another version of the readers is never reused."""
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent.parent
    for f in sorted([*(pkg / "io").glob("*.py"), pkg / "text.py", pkg / "provenance.py"]):
        with contextlib.suppress(OSError):
            h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _cache_path(cache_dir: Path, hashes: list[str], *, kind: str = "scores") -> Path:
    key = hashlib.sha256(("v" + CACHE_VERSION + "\n" + _reader_code() + "\n" + "\n".join(hashes)).encode()
                         ).hexdigest()[:20]
    return cache_dir / f"{kind}-{key}.parquet"


def _write_cache(frame, path: Path) -> None:
    import io

    from ..outputs import atomic_write_bytes
    from ..provenance import is_synthetic

    out = frame.copy()
    out["synthetic"] = bool(is_synthetic(frame))
    out.attrs = {}
    buf = io.BytesIO()
    out.to_parquet(buf, index=False)
    _clean_stale_temp(path.parent)
    atomic_write_bytes(path, buf.getvalue())


def _clean_stale_temp(cache_dir: Path, *, older_than: float = 3600.0) -> None:
    """Half-written cache files a killed run left (``.scores-*.parquet.*.tmp``, ``.survey-…``); an hour old,
    so a run writing one now is never disturbed."""
    import time

    now = time.time()
    for p in [*cache_dir.glob(".scores-*.parquet.*.tmp"), *cache_dir.glob(".survey-*.parquet.*.tmp")]:
        try:
            if now - p.stat().st_mtime > older_than:
                p.unlink()
        except OSError:
            pass


def _checked_survey(path: Path, cache_dir: Path):
    """The survey table of ``path`` and the cached copy the notebooks read: ``(frame,
    cache or None)``; the cache when these exact bytes were read (by this reader) before.
    Raises :class:`~cchc_analysis.errors.DataError` as :func:`~cchc_analysis.read_survey`."""
    from ..io import read_survey
    from ..io.survey import _read_checked, write_checked_survey

    try:
        cache = _cache_path(cache_dir, [_sha256(path)], kind="survey")
    except OSError:
        cache = None
    if cache is not None and cache.is_file():
        frame = _read_checked(cache, (1, 5))
        if frame is not None:
            return frame, cache
    frame = read_survey(path)
    if cache is not None:
        try:
            _clean_stale_temp(cache.parent)
            write_checked_survey(frame, cache)
        except OSError:  # a read-only data/processed: the notebooks read the file itself
            cache = None
    return frame, cache


def _unmatched_survey_units(survey, scores, year) -> dict | None:
    """A note naming the survey's units (of ``year``) that match no unit of the scores, by
    id or by name; their answers are left out of the survey pages and scorecards."""
    from ..io.survey import match_survey_units
    from ..text import name_list

    sv = survey[survey["year"] == int(year)] if year is not None else survey
    _, lost = match_survey_units(sv, scores)
    if not lost:
        return None
    if set(lost) == set(sv["unit_id"].astype(str)):
        return {"vi": "Không đơn vị nào của tệp khảo sát khớp đơn vị của tệp điểm (theo mã hoặc tên): trang khảo sát "
                      "phân tích riêng tệp khảo sát, phiếu kết quả từng đơn vị không có phần khảo sát.",
                "en": "No unit of the survey file matches a unit of the score file (by id or name): the survey page "
                      "analyses the survey on its own, and the unit scorecards have no survey part."}
    return {"vi": f"{len(lost)} đơn vị trong tệp khảo sát không khớp đơn vị nào của tệp điểm (theo mã hoặc tên), "
                  f"nên câu trả lời của họ không được dùng: {name_list(lost, 'vi')}. Sửa tên hoặc mã cho khớp.",
            "en": (f"1 unit of the survey file matches no unit of the score file (by id or name), so its answers are "
                   f"not used: {name_list(lost, 'en')}." if len(lost) == 1 else
                   f"{len(lost)} units of the survey file match no unit of the score file (by id or name), so their "
                   f"answers are not used: {name_list(lost, 'en')}.") + " Correct the names or ids to match."}


def _read_cache(path: Path):
    import pandas as pd

    frame = pd.read_parquet(path)
    synthetic = bool(frame["synthetic"].any()) if "synthetic" in frame.columns else False
    return frame, synthetic


def _combine(frames: list, files: list[Path]) -> tuple[object, list[str]]:
    import pandas as pd

    from ..provenance import is_synthetic, mark_synthetic

    synthetic = any(is_synthetic(f) for f in frames)
    parts = [f.assign(_file=str(p.name)) for f, p in zip(frames, files)]
    both = pd.concat(parts, ignore_index=True)
    problems = []
    if len(frames) > 1:
        key = ["year", "unit_id", "criterion"]
        dup = both[both.duplicated(key, keep=False)]
        if len(dup):
            for (y, u), g in list(dup.groupby(["year", "unit_id"], sort=True))[:10]:
                names = sorted(set(g["_file"]))
                problems.append(
                    f"năm {y}, đơn vị '{u}' có trong nhiều tệp: {', '.join(names)}; mỗi năm của "
                    f"một đơn vị chỉ được ở một tệp\n  [year {y}, unit '{u}' is in several files: "
                    f"{', '.join(names)}; each unit-year must come from one file]")
    both = both.drop(columns="_file")
    return mark_synthetic(both, synthetic), problems


def _year_text(years) -> str:
    return ", ".join(str(y) for y in years) if len(years) else "—"


def preflight(*, data=None, survey=None, year: int | None = None,
              cache_dir: str | os.PathLike | None = None) -> Inputs:
    """Read and check every input once; raise :class:`ReportParameterError` listing ALL
    problems (bilingual), or return the :class:`Inputs` the notebooks get.

    ``data``: a path or a list of paths (files or folders); ``None``: the bundled workbook.
    ``survey``: a path, or ``None``. ``year``: ``None`` picks the latest year in the data.
    """
    from ..errors import DataError
    from ..io import read_scores

    cache_dir = Path(cache_dir) if cache_dir is not None else config.PROCESSED_DIR / "cache"
    problems: list[str] = []
    if data is None or data == []:
        paths: list = []
    elif isinstance(data, (str, os.PathLike)):
        paths = [data]
    else:
        paths = list(data)
    files, probs = data_files(paths)
    problems += probs
    sources = files or [config.DEFAULT_WORKBOOK.resolve()]

    # ---- scores: the cache when these exact bytes were read before
    frame, synthetic, cache_hit, cache = None, False, False, None
    hashes = []
    for f in sources:
        try:
            hashes.append(_sha256(f))
        except OSError as exc:
            problems.append(f"không đọc được tệp '{f}': {exc}\n  [cannot read '{f}': {exc}]")
    if len(hashes) == len(sources):
        cache = _cache_path(cache_dir, hashes)
        if cache.is_file():
            try:
                frame, synthetic = _read_cache(cache)
                cache_hit = True
            except Exception:  # a damaged cache is rebuilt
                frame = None
        if frame is None:
            frames, ok = [], True
            for f in sources:
                try:
                    frames.append(read_scores(f))
                except DataError as exc:
                    ok = False
                    problems += _problems_of(exc)
                except Exception as exc:  # unreadable file
                    ok = False
                    problems.append(f"không đọc được tệp '{f.name}': {type(exc).__name__}: {exc}\n"
                                    f"  [cannot read '{f.name}': {type(exc).__name__}: {exc}]")
            if ok and frames:
                frame, dup = _combine(frames, sources)
                problems += dup
                from ..provenance import is_synthetic

                synthetic = is_synthetic(frame)
    years = sorted(int(y) for y in frame["year"].unique()) if frame is not None else []
    if year is None and years:
        year = years[-1]
    what_vi = "--data" if files else f"dữ liệu mặc định ({config.DEFAULT_WORKBOOK.name})"
    what_en = "--data" if files else f"the bundled data ({config.DEFAULT_WORKBOOK.name})"
    if frame is not None and year not in years:
        problems.append(
            f"không có số liệu năm {year} trong {what_vi}; các năm có: {_year_text(years)}\n"
            f"  [no data for {year} in {what_en}; years present: {_year_text(years)}]")

    # ---- survey
    survey_path, survey_given, reason, notes = None, survey is not None, None, []
    survey_cache = None
    if survey is not None:
        sp = Path(survey)
        if not sp.is_file():
            problems.append(f"không tìm thấy tệp '{sp}' (--survey)\n  [file not found: '{sp}' (--survey)]")
        else:
            try:
                sv, survey_cache = _checked_survey(sp, cache_dir)
                sy = sorted(int(y) for y in sv["year"].unique())
                if year is not None and year not in sy:
                    problems.append(
                        f"tệp khảo sát '{sp.name}' không có năm {year}; các năm có: {_year_text(sy)}\n"
                        f"  [the survey file '{sp.name}' has no rows for {year}; years present: {_year_text(sy)}]")
                survey_path = sp.resolve()
                if frame is not None:
                    lost = _unmatched_survey_units(sv, frame, year)
                    if lost:
                        notes.append(lost)
            except DataError as exc:
                problems += _problems_of(exc)
    elif files:
        reason = {"vi": "Không có tệp khảo sát (--survey) cho dữ liệu này.",
                  "en": "No survey file (--survey) was given for this data."}
    else:
        try:
            sv, survey_cache = _checked_survey(config.DEFAULT_SURVEY, cache_dir)
            sy = sorted(int(y) for y in sv["year"].unique())
        except Exception:  # the bundled survey is optional
            sy, survey_cache = [], None
        if year in sy:
            survey_path = config.DEFAULT_SURVEY.resolve()
        else:
            survey_cache = None
            reason = {"vi": f"Tệp khảo sát mặc định không có năm {year} (có: {_year_text(sy)}).",
                      "en": f"The bundled survey has no rows for {year} (it has: {_year_text(sy)})."}
    if reason:
        notes.append(reason)

    if problems:
        head = (f"{len(problems)} vấn đề với dữ liệu vào; chưa chạy sổ tay nào\n"
                f"  [{len(problems)} problem(s) with the inputs; no notebook was run]")
        raise ReportParameterError("\n".join([head] + [f"- {p}" for p in problems]))
    if not cache_hit:
        try:
            _write_cache(frame, cache)
        except OSError:  # a read-only data/processed: keep going, in a private cache
            import tempfile

            cache = Path(tempfile.gettempdir()) / f"cchc-cache-{os.getuid() if hasattr(os, 'getuid') else 0}" / cache.name
            _write_cache(frame, cache)
    return Inputs(year=int(year), years=years, data_files=files, scores_cache=cache, survey=survey_path,
                  survey_given=survey_given, no_survey_reason=reason, synthetic=bool(synthetic),
                  cache_hit=cache_hit, notes=notes, survey_cache=survey_cache if survey_path else None)
