"""build_report: run every notebook, then put ``reports/<year>/`` in place at once (or not at all).

Everything is built in a hidden staging folder next to the target and renamed into place
only when every notebook succeeded (:func:`_swap_into_place`); a lock file keeps two runs
for the same year apart (:func:`_year_lock`).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from .. import config
from .._folders import exchange_paths, make_readable, replace_dir
from ..labels import check_lang
from .errors import NotebookFailure, ReportFailed, ReportParameterError
from . import zygote
from .execute import kernel_env, run_all
from .manifest import (git_state, input_files, now_iso, package_versions,
                       previous_durations, run_record, sha256_file)
from .parameters import discover_notebooks, inspect_parameters, resolve_parameters
from .words import phrase

# outputs (pandas) and openpyxl are imported inside build_report: heavy, and not needed to
# check the parameters or to print ``cchc report --help``.

__all__ = ["build_report"]

_exchange = exchange_paths  # looked up at each swap: the tests replace it


def _swap_into_place(staging: Path, final: Path) -> None:
    """Put the new report at ``final`` and delete the old one, so that at every moment
    (also under ``kill -9``) ``final`` is either the old report or the new one, whole.

    On Linux both folders are exchanged in one atomic step and the old report (now at the
    staging name) is deleted; a run killed before the delete leaves only a ``.tmp-``
    folder, which the next run removes. Elsewhere: old report aside, new one in, old
    deleted; a run killed between the two renames leaves the old report at ``.<year>.old-*``
    and the next run puts it back (:func:`_clean_stale_runs`)."""
    replace_dir(staging, final, exchange=_exchange)


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux ``/proc``), else None: with
    the PID it names one process, so a PID reused after a ``kill -9`` is not mistaken for
    the dead owner."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def _pid_alive(pid: int, start: str | None = None) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        pass
    if start is not None:
        now = _start_time(pid)
        if now is not None and now != start:
            return False  # the PID now belongs to another process
    return True


def _owner_text() -> str:
    start = _start_time(os.getpid())
    return f"{os.getpid()} {start}" if start else str(os.getpid())


def _parse_owner(text: str) -> tuple[int, str | None]:
    parts = text.split()
    if not parts or not parts[0].isdigit():
        return -1, None
    return int(parts[0]), (parts[1] if len(parts) > 1 else None)


def _read_start(ipc_dir: Path) -> str | None:
    with contextlib.suppress(OSError):
        return _parse_owner((ipc_dir / "owner").read_text())[1]
    return None


def _clean_stale_runs(out: Path, year: int) -> None:
    """What a killed run left: staging folders, a half-done swap, kernel socket folders."""
    final = out / str(year)
    for p in out.glob(f".{year}.old-*"):  # a run killed mid-swap: put the old report back
        if not final.exists():
            os.rename(p, final)
        else:
            shutil.rmtree(p, ignore_errors=True)
    for p in out.glob(f".{year}.tmp-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in Path(tempfile.gettempdir()).glob("cchc-run-*"):
        with contextlib.suppress(ValueError, OSError):
            if not _pid_alive(int(p.name.rsplit("-", 1)[-1]), _read_start(p)):
                shutil.rmtree(p, ignore_errors=True)


@contextlib.contextmanager
def _year_lock(out: Path, year: int):
    """One run per year at a time. The lock file holds the owner's PID; a lock whose owner
    is dead (``kill -9``) is stale even if an orphaned child still holds the file, and is
    replaced. Also tidies what a killed run left behind."""
    lock_path = out / f".{year}.lock"
    for _attempt in range(3):
        fh = open(lock_path, "a+")
        if os.name != "posix":
            break
        import fcntl

        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError:
            fh.seek(0)
            pid, start = _parse_owner(fh.read())
            fh.close()
            if pid == -1 or _pid_alive(pid, start):
                who = f" (PID {pid})" if pid > 0 else ""
                raise ReportFailed(
                    f"Đang có một lần chạy khác cho năm {year}{who}; chờ nó xong rồi chạy lại / "
                    f"another report run for {year} is in progress{who}; wait for it to finish, "
                    f"then run again (lock {lock_path})") from None
            with contextlib.suppress(OSError):  # stale: its owner is gone
                os.unlink(lock_path)
    else:
        raise ReportFailed(f"Không lấy được khóa / could not take the lock {lock_path}")
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(_owner_text())
        fh.flush()
        _clean_stale_runs(out, year)
        yield
    finally:
        with contextlib.suppress(OSError):
            fh.seek(0)
            fh.truncate()
        fh.close()


_WHY = {
    errno.ENOSPC: "hết chỗ trên đĩa / no space left on the disk",
    getattr(errno, "EDQUOT", -1): "vượt hạn mức đĩa / disk quota exceeded",
    errno.EROFS: "ổ đĩa chỉ đọc / read-only file system",
    errno.EACCES: "không có quyền ghi / permission denied",
    errno.EPERM: "không có quyền ghi / permission denied",
}


def _why(exc: OSError) -> str:
    """Why a write failed, in both languages (the system's own words otherwise)."""
    return _WHY.get(exc.errno) or str(exc.strerror or exc)


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
            source=(r.get("source") or [""])[0], line=r.get("line"),
            evalue=r.get("evalue"), kept=str(kept) if kept else None))
    return failures


def _wanted(option: str, names: tuple[str, ...], wants: set[str]) -> None:
    if not wants & set(names):
        raise ReportParameterError(
            f"{option}: không sổ tay nào khai báo / no notebook declares {' or '.join(names)}, "
            "so the file would be ignored")


def _belongs(name: str, stems: set[str]) -> bool:
    """Whether a report file (``NN_...``) was made by one of the notebooks ``stems``."""
    return any(name.startswith(st[:3]) for st in stems)


def _copy_previous(final: Path, staging: Path, refreshed: set[str]) -> dict | None:
    """``--only``: start from the previous report, without what the refreshed notebooks made."""
    if not (final / "manifest.json").is_file():
        return None
    try:
        previous = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for sub in ("sections", "figures", "tables", "notebooks"):
        src = final / sub
        if not src.is_dir():
            continue
        (staging / sub).mkdir(exist_ok=True)
        for f in src.iterdir():
            if f.is_file() and not _belongs(f.name, refreshed):
                shutil.copy2(f, staging / sub / f.name)
    for f in final.glob("[0-9][0-9]_*.html"):
        if not _belongs(f.name, refreshed):
            shutil.copy2(f, staging / f.name)
    from ..scorecard.pages import UNIT_DIR  # the unit pages of notebook 07 (issue 16)

    if (final / UNIT_DIR).is_dir() and not _belongs("07_", refreshed):
        shutil.copytree(final / UNIT_DIR, staging / UNIT_DIR)
    return previous


def _docx_name(year: int, lang: str) -> str:
    return f"bao-cao-chi-so-cchc-{year}.docx" if lang == "vi" else f"analysis-report-{year}.docx"


def _assemble(staging: Path, *, year: int, lang: str, stems: list[str], titles: dict[str, str],
              inputs: list[dict], synthetic: bool, partial: list[str] | None, notes: list[str],
              commit: str | None, version: str) -> dict:
    """Pages from sections (fallback: the nbconvert page), the front page, the Word
    document and tables.xlsx. Returns ``{stem: section}`` for the manifest."""
    from ..document import load_sections, section_html, write_docx
    from ..document.words import word
    from ..outputs import atomic_write_text
    from .html import front_html, nav_html
    from .xlsx import write_tables_xlsx

    by_stem = {}
    for sec in load_sections(staging):
        stem = next((st for st in stems if sec.key[:3] == st[:3]), None)
        if stem is not None and stem not in by_stem:
            by_stem[stem] = sec
    present = [st for st in stems if st in by_stem or (staging / f"{st}.html").is_file()]
    entries = []
    for st in present:
        sec = by_stem.get(st)
        entries.append({"href": f"{st}.html", "title": sec.title if sec else (titles.get(st) or st),
                        "findings": list(sec.findings) if sec else [],
                        "skipped": list(sec.skipped) if sec else []})
    sections = [by_stem[st] for st in present if st in by_stem]
    downloads = []
    word_doc = None
    if sections:
        docx_path = staging / _docx_name(year, lang)

        def write_word():
            write_docx(sections, docx_path, title=word("report_title", lang, year=year), lang=lang,
                       report_dir=staging, preface=[phrase("synthetic", lang)] if synthetic else None)

        word_doc = _start_aside(write_word)  # the slowest step: alongside the pages and the workbook
        downloads.append((docx_path.name, word("word_doc", lang)))
    from ..scorecard.pages import UNIT_DIR, combined_name

    if (staging / UNIT_DIR / combined_name(lang)).is_file():  # the scorecards of every unit (notebook 07)
        downloads.append((f"{UNIT_DIR}/{combined_name(lang)}", word("scorecards_doc", lang)))
    try:
        nav = nav_html([(e["href"], e["title"]) for e in entries], lang)
        counters = {"table": 0, "figure": 0}
        for i, st in enumerate(present, 1):
            sec = by_stem.get(st)
            if sec is not None:
                atomic_write_text(staging / f"{st}.html", section_html(
                    sec, number=i, counters=counters, nav=nav,
                    footer=html_escape(phrase("footer", lang, commit=commit or "—", v=version))))
        write_tables_xlsx(staging, staging / "tables.xlsx", lang=lang)
    finally:
        _finish_aside(word_doc)
    skipped = [{"title": by_stem[st].title, "section": by_stem[st].key, "reason": r}
               for st in present if st in by_stem for r in by_stem[st].skipped]
    downloads += [("tables.xlsx", word("workbook", lang)), ("manifest.json", phrase("manifest", lang))]
    logs = [(f"notebooks/{p.name}", p.stem) for p in sorted((staging / "notebooks").glob("*.ipynb"))]
    atomic_write_text(staging / "index.html", front_html(
        year=year, lang=lang, entries=entries, inputs=inputs, synthetic=synthetic, partial=partial,
        skipped=skipped, downloads=downloads, logs=logs, commit=commit, version=version, notes=notes))
    return by_stem


def _start_aside(fn):
    """Run ``fn`` in a forked child (Linux: it gets SIGKILL if this process dies); returns
    what :func:`_finish_aside` needs. Elsewhere ``fn`` runs here and now."""
    if not sys.platform.startswith("linux"):
        fn()
        return None
    import docx  # noqa: F401  (imported before the fork, not in the child)

    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            import ctypes
            import signal

            with contextlib.suppress(Exception):
                ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
            fn()
            code = 0
        except BaseException:
            pass
        finally:
            os._exit(code)
    return (pid, fn)


def _finish_aside(job) -> None:
    """Wait for the child; if it failed, run ``fn`` here, so its error is raised as usual."""
    if job is None:
        return
    pid, fn = job
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        fn()


def html_escape(text: str) -> str:
    import html

    return html.escape(text)


def build_report(*, year: int | None = None, data=None, survey: str | os.PathLike | None = None,
                 out: str | os.PathLike | None = None, lang: str = "vi", jobs: int | None = None,
                 notebooks_dir: str | os.PathLike | None = None, only: list[str] | None = None,
                 params: list[str] | dict[str, str] | None = None, progress: bool | None = None,
                 cache_dir: str | os.PathLike | None = None) -> Path:
    """Run the report notebooks and put ``<out>/<year>/`` in place; return its path.

    Parameters
    ----------
    year : assessment year; ``None``: the latest year in the data (bundled data: its latest).
    data : scores file(s) or folder(s) (a path or a list); read, checked and cached once
        (:func:`cchc_analysis.report.inputs.preflight`), the cache passed as ``data_path`` and
        ``scores_path``. ``None``: the bundled workbook (``scores_path`` only).
    survey : survey file (``survey_path``); see :mod:`cchc_analysis.report.inputs`.
    out : reports folder (default ``config.REPORTS_DIR``).
    lang : ``"vi"`` (default) or ``"en"``: every page, the Word document, the workbook.
    jobs : notebooks run at once (default: the number of cores).
    notebooks_dir : where the ``NN_*.ipynb`` notebooks are (default ``config.NOTEBOOKS_DIR``).
    only : refresh only these notebooks (names or two-digit numbers) inside the existing
        report; without one the report is marked partial.
    params : extra ``name=value`` parameters, checked against the notebooks' declarations.
    progress : show the progress bar (default: only on a terminal).
    cache_dir : where parsed inputs are cached (default ``data/processed/cache``).

    Raises
    ------
    ReportParameterError : bad parameters or inputs; nothing ran (exit code 2).
    ReportFailed : a notebook failed, or the report could not be written; the previous
        report is untouched (exit code 1).
    """
    from ..outputs import atomic_write_text, check_not_raw
    from .inputs import NO_SURVEY, preflight

    try:
        check_lang(lang)
    except ValueError as exc:
        raise ReportParameterError(str(exc)) from None
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
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

    # ---- the run's private folder (kernel sockets), and the warm-kernel process, which
    # imports the libraries while the notebooks are inspected and the inputs read and
    # checked (zygote.py): started first, it is on the critical path
    ipc_dir = Path(tempfile.gettempdir()) / f"cchc-run-{uuid.uuid4().hex[:8]}-{os.getpid()}"
    try:
        ipc_dir.mkdir(mode=0o700)
        (ipc_dir / "owner").write_text(_owner_text())  # a later run knows when it is stale
    except OSError as exc:
        raise ReportFailed(f"Không tạo được thư mục tạm / cannot create the run's temporary folder "
                           f"{ipc_dir}: {_why(exc)}") from None
    warm = zygote.start(str(ipc_dir), env={**os.environ, **kernel_env(jobs)}, cwd=str(config.PROJ_ROOT))
    try:
        every = discover_notebooks(notebooks_dir)
        notebooks = discover_notebooks(notebooks_dir, only=only) if only else every
        declared = inspect_parameters(notebooks)
        wants = {k for d in declared.values() for k in d}
        if data:
            _wanted("--data", ("data_path", "scores_path"), wants)
        if survey is not None:
            _wanted("--survey", ("survey_path",), wants)

        import openpyxl.xml

        if not openpyxl.xml.DEFUSEDXML:  # every .xlsx read goes through openpyxl
            raise ReportParameterError(
                "openpyxl không dùng defusedxml (chống bom XML) / openpyxl is not using defusedxml "
                "(XML-bomb protection): pip install defusedxml")
        # ---- pre-flight: every input read and checked once, before any kernel starts
        checked = preflight(data=data, survey=survey, year=year, cache_dir=cache_dir)
        year = checked.year
        cache = str(checked.scores_cache)
        if checked.survey is not None:  # given, or the bundled survey that holds the year: always passed,
            # (its checked copy in the cache: read without parsing the file again)
            survey_param = str(checked.survey_cache or checked.survey)  # as a notebook given scores_path assumes no survey otherwise
        elif checked.no_survey_reason:
            survey_param = NO_SURVEY
        else:
            survey_param = None

        final = out_dir / str(year)
        per_nb = resolve_parameters(
            declared, year=year, lang=lang, output_dir=str(final),
            data=cache if checked.data_files else None, scores=cache, survey=survey_param, extra=params)

        # ---- everything is valid: run
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            probe = Path(tempfile.mkdtemp(prefix=f".{year}.probe-", dir=out_dir))
            probe.rmdir()
        except OSError as exc:
            raise ReportFailed(f"Không ghi được vào thư mục báo cáo / cannot write into the reports "
                               f"folder {out_dir}: {_why(exc)}; chưa chạy gì / nothing ran") from None
        started = now_iso()
        t0 = time.perf_counter()
        with _year_lock(out_dir, year):
            staging = Path(tempfile.mkdtemp(prefix=f".{year}.tmp-", dir=out_dir))
            try:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(staging, 0o777 & ~umask)
                refreshed = {p.stem for p in notebooks}
                previous = _copy_previous(final, staging, refreshed) if only else None
                (staging / "notebooks").mkdir(exist_ok=True)
                expected = previous_durations(out_dir, year)
                tasks = []
                for p in notebooks:
                    ps = dict(per_nb[p.stem])
                    if "output_dir" in ps:
                        ps["output_dir"] = str(staging)
                    tasks.append({"name": p.stem, "source": str(p), "parameters": ps,
                                  "executed": str(staging / "notebooks" / p.name),
                                  "html": str(staging / f"{p.stem}.html"), "ipc_dir": str(ipc_dir),
                                  "cwd": str(config.PROJ_ROOT), "jobs": jobs,
                                  "staging": str(staging), "final": str(final),
                                  "expected_seconds": expected.get(p.stem)})
                results = run_all(tasks, jobs, progress=progress)
                failed = [r for r in results if r["status"] != "ok"]
                if failed:
                    failures = _keep_failures(failed, out_dir / "_failed" / f"{year}-{_stamp()}")
                    head = (f"{len(failures)} sổ tay lỗi; báo cáo cũ {final} giữ nguyên:" if lang == "vi" else
                            f"{len(failures)} notebook(s) failed; the previous report {final} is untouched:")
                    raise ReportFailed(head + "\n" + "\n".join("  " + f.message(lang) for f in failures), failures)

                commit, dirty = git_state()
                inputs = input_files(data=checked.data_files, survey=checked.survey if checked.survey_given else None,
                                     notebooks=notebooks, params=per_nb, cache=checked.scores_cache,
                                     survey_cache=checked.survey_cache)
                finished = now_iso()
                version = package_versions()["cchc-analysis"] or "?"
                prev_nbs = {n["name"]: n for n in (previous or {}).get("notebooks", [])}
                ran = {r["name"] for r in results}
                have = ran | {n for n in prev_nbs if n in {p.stem for p in every}}
                missing = [p.stem for p in every if p.stem not in have]
                partial = bool(missing) or (bool(only) and previous is None)
                notes = [n[lang] for n in checked.notes]  # no survey, survey units that match no unit, …
                titles = {**{n: v.get("title") for n, v in prev_nbs.items()},
                          **{r["name"]: r.get("title") for r in results}}
                by_stem = _assemble(
                    staging, year=year, lang=lang, stems=[p.stem for p in every], titles=titles,
                    inputs=inputs, synthetic=checked.synthetic,
                    partial=sorted(have) if partial else None, notes=notes, commit=commit, version=version)
                outputs = {
                    q.relative_to(staging).as_posix(): sha256_file(q)
                    for q in sorted(staging.rglob("*")) if q.is_file()
                }
                manifest = run_record(
                    year=year, lang=lang, data=checked.data_files, survey=checked.survey, synthetic=checked.synthetic,
                    partial=partial, started=started, finished=finished,
                    wall_seconds=time.perf_counter() - t0, jobs=jobs, commit=commit, dirty=dirty,
                    inputs=inputs, parameters=per_nb, declared=declared, results=results, tasks=tasks,
                    outputs=outputs, sections=by_stem, previous=previous, only=bool(only), checked=checked)
                atomic_write_text(staging / "manifest.json",
                                  json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n")
                make_readable(staging, umask)
                _swap_into_place(staging, final)
            except OSError as exc:  # read-only or full disk while writing: nothing half-written
                raise ReportFailed(
                    (f"Không ghi được báo cáo; báo cáo cũ giữ nguyên / could not write the report; the "
                     f"previous one is untouched ({final}): {_why(exc)}"
                     + (f" [{exc.filename}]" if getattr(exc, "filename", None) else ""))) from exc
            finally:
                if staging.exists():
                    shutil.rmtree(staging, ignore_errors=True)
    finally:
        zygote.stop(warm)
        shutil.rmtree(ipc_dir, ignore_errors=True)
    return final
