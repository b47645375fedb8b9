"""build_report: run every notebook, then put ``reports/<year>/`` in place at once (or not at all).

Everything is built in a hidden staging folder next to the target and renamed into place
only when every notebook succeeded (:func:`_swap_into_place`); a lock file keeps two runs
for the same year apart (:func:`_year_lock`).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from .. import config
from ..labels import check_lang
from .errors import NotebookFailure, ReportFailed, ReportParameterError
from .execute import run_all
from .html import index_html
from .manifest import (_input_is_synthetic, git_state, input_files, now_iso, package_versions,
                       previous_durations, run_record, sha256_file)
from .parameters import discover_notebooks, inspect_parameters, resolve_parameters
from .xlsx import collect_tables

# outputs (pandas) and openpyxl are imported inside build_report: heavy, and not needed to
# check the parameters or to print ``cchc report --help``.

__all__ = ["build_report"]

def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _make_readable(folder: Path, umask: int) -> None:
    """Files written through temporary files are private (0600); give them the usual mode."""
    for p in folder.rglob("*"):
        with contextlib.suppress(OSError):
            os.chmod(p, (0o777 if p.is_dir() else 0o666) & ~umask)


def _swap_into_place(staging: Path, final: Path) -> None:
    """Move the old report aside, rename the new one in, delete the old (restore it on failure)."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(final, old)
    try:
        os.rename(staging, final)
    except BaseException:
        if old is not None:
            os.rename(old, final)
        raise
    _fsync_dir(final.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _year_lock(out: Path, year: int):
    """One run per year at a time; also tidies what a killed run left behind."""
    lock_path = out / f".{year}.lock"
    fh = open(lock_path, "a+")
    try:
        if os.name == "posix":
            import fcntl

            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise ReportFailed(
                    f"Đang có một lần chạy khác cho năm {year} / another report run for {year} "
                    f"is in progress (lock {lock_path})") from None
        final = out / str(year)
        for p in out.glob(f".{year}.old-*"):  # a run killed mid-swap: put the old report back
            if not final.exists():
                os.rename(p, final)
            else:
                shutil.rmtree(p, ignore_errors=True)
        for p in out.glob(f".{year}.tmp-*"):
            shutil.rmtree(p, ignore_errors=True)
        yield
    finally:
        fh.close()



def _stamp() -> str:
    return _dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def _keep_failures(failed: list[dict], keep_dir: Path) -> list[NotebookFailure]:
    """Copy each failed executed notebook into ``keep_dir``; describe each failure."""
    failures = []
    for r in failed:
        kept = None
        src = Path(r["executed"])
        if src.is_file():
            keep_dir.mkdir(parents=True, exist_ok=True)
            kept = keep_dir / src.name
            shutil.copy2(src, kept)
        failures.append(NotebookFailure(
            notebook=r["name"], cell_index=r.get("cell_index"),
            execution_count=r.get("execution_count"), ename=r.get("ename"),
            source=(r.get("source") or [""])[0],
            evalue=r.get("evalue"), kept=str(kept) if kept else None))
    return failures


def _input_file(path, option: str, names: tuple[str, ...], wants: set[str]) -> Path | None:
    if path is None:
        return None
    p = Path(path)
    if not p.is_file():
        raise ReportParameterError(f"Không tìm thấy tệp / file not found ({option}): {p}")
    if not wants & set(names):
        raise ReportParameterError(
            f"{option}: không sổ tay nào khai báo / no notebook declares {' or '.join(names)}, "
            "so the file would be ignored")
    return p.resolve()


def build_report(*, year: int = 2023, data: str | os.PathLike | None = None,
                 survey: str | os.PathLike | None = None, out: str | os.PathLike | None = None,
                 lang: str = "vi", jobs: int | None = None,
                 notebooks_dir: str | os.PathLike | None = None, only: list[str] | None = None,
                 params: list[str] | dict[str, str] | None = None,
                 progress: bool | None = None) -> Path:
    """Run the report notebooks and put ``<out>/<year>/`` in place; return its path.

    Parameters
    ----------
    year : assessment year (folder name and the notebooks' ``year``).
    data : unit-level scores workbook, passed as ``data_path`` and ``scores_path``; by
        default nothing is passed and each notebook uses its own default (the bundled data:
        ``config.DEFAULT_WORKBOOK``, published tables).
    survey : survey file, passed as ``survey_path``; by default the notebooks' own default.
    out : reports folder (default ``config.REPORTS_DIR``).
    lang : ``"vi"`` (default) or ``"en"``, for the notebooks, the index and the XLSX headers.
    jobs : notebooks run at once (default: the number of cores).
    notebooks_dir : where the ``NN_*.ipynb`` notebooks are (default ``config.NOTEBOOKS_DIR``).
    only : run only these notebooks (names or two-digit numbers): a partial report.
    params : extra ``name=value`` parameters, checked against the notebooks' declarations.
    progress : show the progress bar (default: only on a terminal).

    Raises
    ------
    ReportParameterError : bad parameters or inputs; nothing ran (exit code 2).
    ReportFailed : a notebook failed, the previous report is untouched (exit code 1).
    """
    from ..outputs import atomic_write_text, check_not_raw, write_xlsx

    try:
        check_lang(lang)
    except ValueError as exc:
        raise ReportParameterError(str(exc)) from None
    if not isinstance(year, int) or isinstance(year, bool):
        raise ReportParameterError(f"year must be an integer, got {year!r}")
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if not isinstance(jobs, int) or jobs < 1:
        raise ReportParameterError(f"--jobs must be ≥ 1, got {jobs!r}")
    out_dir = Path(out) if out is not None else config.REPORTS_DIR
    out_dir = out_dir.resolve()
    try:
        check_not_raw(out_dir)
    except PermissionError as exc:
        raise ReportParameterError(str(exc)) from None

    notebooks = discover_notebooks(notebooks_dir, only=only)
    declared = inspect_parameters(notebooks)
    wants = {k for d in declared.values() for k in d}

    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:  # every .xlsx the notebooks read goes through openpyxl
        raise ReportParameterError(
            "openpyxl không dùng defusedxml (chống bom XML) / openpyxl is not using defusedxml "
            "(XML-bomb protection): pip install defusedxml")
    # --data / --survey reach the notebooks only when given: otherwise each notebook keeps
    # its own default (the bundled data), e.g. published tables where data_path is "".
    data_path = _input_file(data, "--data", ("data_path", "scores_path"), wants)
    survey_path = _input_file(survey, "--survey", ("survey_path",), wants)

    final = out_dir / str(year)
    # output_dir is recorded as the final folder; the notebooks write into the staging folder
    per_nb = resolve_parameters(
        declared, year=year, lang=lang, output_dir=str(final),
        data=str(data_path) if data_path else None,
        survey=str(survey_path) if survey_path else None, extra=params,
    )

    # ---- everything is valid: run
    out_dir.mkdir(parents=True, exist_ok=True)
    started = now_iso()
    t0 = time.perf_counter()
    with _year_lock(out_dir, year):
        staging = Path(tempfile.mkdtemp(prefix=f".{year}.tmp-", dir=out_dir))
        try:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(staging, 0o777 & ~umask)
            (staging / "notebooks").mkdir()
            expected = previous_durations(out_dir, year)
            tasks = []
            for p in notebooks:
                ps = dict(per_nb[p.stem])
                if "output_dir" in ps:
                    ps["output_dir"] = str(staging)
                tasks.append({"name": p.stem, "source": str(p), "parameters": ps,
                              "executed": str(staging / "notebooks" / p.name),
                              "html": str(staging / f"{p.stem}.html"),
                              "cwd": str(config.PROJ_ROOT), "jobs": jobs,
                              "expected_seconds": expected.get(p.stem)})
            results = run_all(tasks, jobs, progress=progress)
            failed = [r for r in results if r["status"] != "ok"]
            if failed:
                failures = _keep_failures(failed, out_dir / "_failed" / f"{year}-{_stamp()}")
                raise ReportFailed(
                    f"{len(failures)} sổ tay lỗi / notebook(s) failed; báo cáo cũ giữ nguyên / "
                    f"the previous report {final} is untouched:\n"
                    + "\n".join("  " + f.message() for f in failures), failures)

            # tables.xlsx
            try:
                write_xlsx(collect_tables(staging, lang=lang), staging / "tables.xlsx")
            except Exception as exc:
                raise ReportFailed(f"Không ghi được tables.xlsx / could not write tables.xlsx: "
                                   f"{type(exc).__name__}: {exc}") from exc
            # index.html + manifest.json
            commit, dirty = git_state()
            inputs = input_files(data=data_path, survey=survey_path, notebooks=notebooks, params=per_nb)
            finished = now_iso()
            version = package_versions()["cchc-analysis"] or "?"
            synthetic = _input_is_synthetic(data_path)
            for r in results:
                r["html"] = str(final / Path(r["html"]).name)
            atomic_write_text(staging / "index.html", index_html(
                year=year, lang=lang, results=results, report_dir=staging, inputs=inputs,
                synthetic=synthetic, only=[p.stem for p in notebooks] if only else None,
                finished=finished, commit=commit, version=version))
            outputs = {
                q.relative_to(staging).as_posix(): sha256_file(q)
                for q in sorted(staging.rglob("*")) if q.is_file()
            }
            manifest = run_record(
                year=year, lang=lang, data=data_path, survey=survey_path, synthetic=synthetic,
                partial=bool(only), started=started, finished=finished,
                wall_seconds=time.perf_counter() - t0, jobs=jobs, commit=commit, dirty=dirty,
                inputs=inputs, parameters=per_nb, declared=declared, results=results, tasks=tasks,
                outputs=outputs)
            atomic_write_text(staging / "manifest.json",
                              json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n")
            _make_readable(staging, umask)
            try:
                _swap_into_place(staging, final)
            except OSError as exc:
                raise ReportFailed(f"Không đặt được báo cáo vào chỗ / could not put the report in "
                                   f"place at {final}: {exc}") from exc
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return final

