"""Report faults (issue 19): ``kill -9`` at several moments, a folder that cannot be
written, two runs for one year, byte-identical reruns.

Each report here runs the two small fixture notebooks (tests/data/notebooks/01_ok: a figure
and a table; 02_inject: a table) on a tiny CSV, as a user's ``cchc report`` in a separate
process, so it can be killed.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from cchc_analysis.cli import main
from cchc_analysis.report import build
from cchc_analysis.synthetic import make_synthetic_scores

FIXTURES = Path(__file__).parents[1] / "data" / "notebooks"
LINUX = sys.platform.startswith("linux")

# A `cchc report` process that SIGKILLs itself at a chosen moment: argv[1] names it.
KILLER = textwrap.dedent("""
    import os, signal, sys
    from cchc_analysis.report import build, xlsx

    point = sys.argv[1]

    def die(*a, **k):
        os.kill(os.getpid(), signal.SIGKILL)

    if point == "before-notebooks":      # lock taken, staging made, no kernel yet
        build.run_all = die
    elif point == "assembling":          # notebooks done, pages being written
        xlsx.write_tables_xlsx = die
    elif point == "mid-swap":            # the two-rename swap, between its renames
        build._exchange = lambda a, b: False
        real = os.rename

        def rename(src, dst):
            real(src, dst)
            if ".old-" in str(dst):
                die()
        os.rename = rename
    elif point == "after-exchange":      # new report in place, old one not yet deleted
        real_x = build._exchange

        def exchange(a, b):
            done = real_x(a, b)
            if done:
                die()
            return done
        build._exchange = exchange
    from cchc_analysis.cli import main
    sys.exit(main(["report", *sys.argv[2:]]))
""")


def snapshot(folder: Path, *also: Path) -> dict[str, bytes]:
    """Every file's bytes; in the executed notebooks (logs of the run, which name the report
    folder they were written for) the folder's path is replaced by ``<report>``."""
    def read(p: Path) -> bytes:
        data = p.read_bytes()
        if p.suffix == ".ipynb":
            for f in (folder, *also):
                data = data.replace(str(f).encode(), b"<report>")
        return data

    return {p.relative_to(folder).as_posix(): read(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def without_manifest(snap: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in snap.items() if k != "manifest.json"}


def survivors(token: str) -> list[int]:
    """Processes started by the killed run (they inherit its environment)."""
    found = []
    for d in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if token.encode() in (d / "environ").read_bytes():
                found.append(int(d.name))
    return found


def wait_gone(token: str, seconds: float = 8.0) -> list[int]:
    end = time.monotonic() + seconds
    while (left := survivors(token)) and time.monotonic() < end:
        time.sleep(0.2)
    return left


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    base = tmp_path_factory.mktemp("faults")
    nb = base / "notebooks"
    nb.mkdir()
    for name in ("01_ok.ipynb", "02_inject.ipynb"):
        shutil.copy(FIXTURES / name, nb / name)
    data = base / "tiny.csv"
    make_synthetic_scores(1, n_cuc=3, n_vu=2, years=(2023,)).to_csv(data, index=False)
    return base, nb, data


def argv(setup, out: Path, jobs: int = 2) -> list[str]:
    _, nb, data = setup
    return ["--data", str(data), "--out", str(out), "--notebooks", str(nb), "--jobs", str(jobs),
            "--year", "2023", "--no-progress"]


def run_report(setup, out: Path, *, point: str | None = None, jobs: int = 2, env=None, **kw):
    cmd = [sys.executable, "-c", KILLER, point or "none", *argv(setup, out, jobs)]
    return subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


@pytest.fixture(scope="module")
def first(setup, tmp_path_factory):
    """The reference report, with kernels started the usual way (no warm kernels): every
    later run here uses warm kernels, so comparing with it checks they change nothing."""
    out = tmp_path_factory.mktemp("reports")
    proc = run_report(setup, out, env={"CCHC_REPORT_WARM": "0"})
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return out, snapshot(out / "2023")


def kernel_sockets(pid: int) -> bool:
    return any(any(d.glob("cchc-kernel-*")) for d in Path(tempfile.gettempdir()).glob(f"cchc-run-*-{pid}"))


@pytest.mark.notebooks
@pytest.mark.skipif(not LINUX, reason="reads /proc to find the killed run's processes")
def test_kill_9_at_any_moment_keeps_the_report_and_the_next_run_works(setup, first, tmp_path):
    src, before = first
    out = tmp_path / "reports"
    shutil.copytree(src, out)
    for point, jobs in [("before-notebooks", 2), ("kernels", 2), ("kernels", 1), ("assembling", 2),
                        ("mid-swap", 2), ("after-exchange", 2)]:
        token = f"cchc-killtest-{point}-{jobs}-{os.getpid()}"
        proc = run_report(setup, out, point=None if point == "kernels" else point, jobs=jobs,
                          env={"CCHC_KILLTEST": token})
        if point == "kernels":  # from outside, while the kernels are up
            end = time.monotonic() + 120
            while not kernel_sockets(proc.pid) and proc.poll() is None and time.monotonic() < end:
                time.sleep(0.05)
            assert proc.poll() is None, "the run ended before its kernels were seen"
            time.sleep(0.3)
            proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=300)
        assert proc.returncode == -signal.SIGKILL, (point, proc.returncode)
        where = f"killed {point} (--jobs {jobs})"
        # no worker, kernel or other child outlives the killed run
        assert wait_gone(token) == [], where
        # the report folder is always a whole report: the previous one, or (killed after
        # the exchange) the new one, which has the same bytes as it is a rerun
        if point == "mid-swap":  # killed between the two renames: the next run puts it back
            assert not (out / "2023").exists() and list(out.glob(".2023.old-*")), where
        else:
            now = snapshot(out / "2023", src / "2023")  # (copied from src)
            assert without_manifest(now) == without_manifest(before), where
            json.loads((out / "2023" / "manifest.json").read_text(encoding="utf-8"))
    # the next run is not blocked, and tidies everything the killed runs left
    proc = run_report(setup, out)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert without_manifest(snapshot(out / "2023")) == without_manifest(before)
    assert sorted(p.name for p in out.iterdir()) == [".2023.lock", "2023"]
    stale = [p for p in Path(tempfile.gettempdir()).glob("cchc-run-*")
             if not build._pid_alive(int(p.name.rsplit("-", 1)[-1]), build._read_start(p))]
    assert stale == []


@pytest.mark.notebooks
def test_rerun_is_byte_identical_in_every_file_but_the_manifest(setup, first, tmp_path):
    """CSV, HTML, XLSX, SVG, PNG and the executed notebooks: the same bytes on a rerun
    (into another folder, another staging name, another time)."""
    _, before = first
    time.sleep(1.1)  # another second in every timestamp
    out = tmp_path / "again"
    proc = run_report(setup, out, jobs=1)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    after = snapshot(out / "2023")
    assert {k.rsplit(".", 1)[-1] for k in after} >= {"csv", "html", "xlsx", "svg", "png", "ipynb", "json"}
    assert sorted(after) == sorted(before)
    assert [k for k in after if k != "manifest.json" and after[k] != before[k]] == []
    executed = json.loads(after["notebooks/01_ok.ipynb"])
    assert "start_time" not in executed["metadata"]["papermill"]
    assert executed["metadata"]["papermill"]["output_path"] == "<report>/notebooks/01_ok.ipynb"
    assert ".tmp-" not in after["notebooks/01_ok.ipynb"].decode()


def cchc(*args) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        rc = main(["report", *map(str, args)])
    return rc, err.getvalue()


@pytest.mark.notebooks
def test_second_run_for_the_same_year_exits_with_a_clear_message(setup, tmp_path):
    out = tmp_path / "reports"
    proc = run_report(setup, out)
    lock = out / ".2023.lock"
    end = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < end:
        if lock.is_file() and lock.read_text().split()[:1] == [str(proc.pid)]:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the first run ended before the test could overlap it"
    rc, err = cchc(*argv(setup, out))
    first_rc = proc.wait(timeout=300)
    assert rc == 1
    assert f"Đang có một lần chạy khác cho năm 2023 (PID {proc.pid})" in err
    assert "another report run for 2023 is in progress" in err and "run again" in err
    assert first_rc == 0, proc.stderr.read()
    assert (out / "2023" / "index.html").is_file()


def previous_report(out: Path) -> dict[str, bytes]:
    (out / "2023").mkdir(parents=True)
    (out / "2023" / "index.html").write_text("<p>báo cáo cũ</p>", encoding="utf-8")
    return snapshot(out)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anyway")
def test_read_only_output_folder_exits_1_with_a_clear_message(setup, tmp_path):
    out = tmp_path / "reports"
    before = previous_report(out)
    out.chmod(0o555)
    try:
        assert not os.access(out, os.W_OK)
        rc, err = cchc(*argv(setup, out))
    finally:
        out.chmod(0o755)
    assert rc == 1
    assert "Không ghi được vào thư mục báo cáo / cannot write into the reports folder" in err
    assert "không có quyền ghi / permission denied" in err and "Traceback" not in err
    assert snapshot(out) == before


@pytest.mark.parametrize("code, words", [
    (errno.EROFS, "ổ đĩa chỉ đọc / read-only file system"),
    (errno.EACCES, "không có quyền ghi / permission denied"),
])
def test_unwritable_output_folder_is_found_before_any_kernel(setup, tmp_path, monkeypatch, code, words):
    """Also where the tests run as root: the write probe is made to fail as it would."""
    out = tmp_path / "reports"
    before = previous_report(out)
    real = tempfile.mkdtemp

    def refuse(*a, **k):
        if ".probe-" in str(k.get("prefix", "")):
            raise OSError(code, os.strerror(code), str(out))
        return real(*a, **k)

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    monkeypatch.setattr(build, "run_all", lambda *a, **k: pytest.fail("a kernel started"))
    rc, err = cchc(*argv(setup, out))
    assert rc == 1 and words in err and "nothing ran" in err
    assert snapshot(out) == before


@pytest.mark.notebooks
def test_disk_full_while_assembling_leaves_nothing_half_written(setup, tmp_path, monkeypatch):
    """ENOSPC after the notebooks ran, while the front page is written: exit 1, the message
    in both languages, the previous report as it was, no staging folder left."""
    from cchc_analysis import outputs

    out = tmp_path / "reports"
    before = previous_report(out)
    real = outputs.atomic_write_text

    def full(path, text):
        if Path(path).name == "index.html":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, text)

    monkeypatch.setattr(outputs, "atomic_write_text", full)
    rc, err = cchc(*argv(setup, out, jobs=1), "--only", "01")
    assert rc == 1, err
    assert "Không ghi được báo cáo; báo cáo cũ giữ nguyên / could not write the report" in err
    assert "hết chỗ trên đĩa / no space left on the disk" in err and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == [".2023.lock", "2023"]
    assert snapshot(out / "2023") == {k.split("/", 1)[1]: v for k, v in before.items()}


@pytest.mark.skipif(not LINUX, reason="renameat2 is Linux's")
def test_swap_exchanges_old_and_new_in_one_step(tmp_path):
    final, staging = tmp_path / "2023", tmp_path / ".2023.tmp-x"
    final.mkdir()
    (final / "old.txt").write_text("old")
    staging.mkdir()
    (staging / "new.txt").write_text("new")
    if not build._exchange(staging, final):
        pytest.skip("this file system cannot exchange two folders")
    assert (final / "old.txt").is_file() is False and (staging / "old.txt").read_text() == "old"
    build._exchange(staging, final)  # back
    build._swap_into_place(staging, final)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2023"]
    assert (final / "new.txt").read_text() == "new"


def test_a_reused_pid_is_not_the_dead_owner():
    me = os.getpid()
    start = build._start_time(me)
    assert build._pid_alive(me, start)
    if start is None:
        pytest.skip("no /proc start times here")
    assert not build._pid_alive(me, str(int(start) + 1))  # same PID, another process
    assert build._parse_owner(f"{me} {start}\n") == (me, start)
    assert build._parse_owner("") == (-1, None)


@pytest.mark.notebooks
@pytest.mark.skipif(not LINUX, reason="warm kernels are Linux-only")
def test_warm_kernel_is_forked_with_the_libraries_loaded(tmp_path):
    import nbformat
    import papermill as pm
    from nbformat.v4 import new_code_cell, new_notebook

    from cchc_analysis.report import execute, zygote

    ipc = tmp_path / "ipc"
    ipc.mkdir()
    src, done = tmp_path / "probe.ipynb", tmp_path / "probe.out.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(
        "import os, sys; print(os.getppid(), 'pandas' in sys.modules, os.getcwd(), "
        "os.environ['PYTHONHASHSEED'], hash('abc'))")], metadata={"kernelspec": {
            "name": "python3", "language": "python", "display_name": "Python 3"}}), src)
    proc = zygote.start(str(ipc), env={**os.environ, **execute.kernel_env(1)}, cwd=str(tmp_path))
    assert proc is not None
    try:
        with execute._kernel_environment(1):  # as the report starts its kernels
            pm.execute_notebook(str(src), str(done), kernel_name="python3", cwd=str(tmp_path), progress_bar=False,
                                kernel_manager_class=execute.kernel_manager_class(str(ipc)))
    finally:
        zygote.stop(proc)
    ppid, loaded, cwd, seed, h = nbformat.read(done, as_version=4).cells[0].outputs[0]["text"].split()
    # a child of the zygote, pandas already imported, in the asked folder, with the seed
    assert int(ppid) == proc.pid and loaded == "True" and cwd == str(tmp_path) and seed == "0"
    ref = subprocess.run([sys.executable, "-c", "print(hash('abc'))"], capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": "0"}).stdout.strip()
    assert h == ref  # hashing as in a fresh kernel with the report's seed


def test_executed_notebook_is_normalised(tmp_path):
    """Timestamps gone, random ids fixed (the injected cell; cells an nbformat 4.4 source
    has no id for), the staging folder named as the report folder."""
    from cchc_analysis.report.execute import normalise_executed

    source = tmp_path / "src.ipynb"
    source.write_text(json.dumps({"cells": [{"cell_type": "code", "source": "x", "metadata": {}},
                                            {"cell_type": "code", "id": "keep-me", "source": "y", "metadata": {}}],
                                  "metadata": {}, "nbformat": 4, "nbformat_minor": 4}), encoding="utf-8")

    def executed(salt: str) -> dict:
        times = {"start_time": f"2026-01-01T00:00:0{salt}", "end_time": f"2026-01-01T00:00:0{salt}", "duration": float(salt)}
        return {"cells": [
            {"cell_type": "code", "id": f"rand{salt}", "source": "x", "outputs": [],
             "metadata": {"execution": {"iopub.status.busy": salt}, "papermill": {**times, "status": "completed"}}},
            {"cell_type": "code", "id": f"inj{salt}", "source": f'output_dir = "/r/.2023.tmp-{salt}"', "outputs": [],
             "metadata": {"tags": ["injected-parameters"], "papermill": dict(times)}},
            {"cell_type": "code", "id": "keep-me", "source": "y", "outputs": [], "metadata": {}}],
            "metadata": {"papermill": {**times, "output_path": f"/r/.2023.tmp-{salt}/notebooks/a.ipynb"}},
            "nbformat": 4, "nbformat_minor": 5}

    texts = []
    for salt in ("1", "2"):
        path = tmp_path / f"run{salt}.ipynb"
        path.write_text(json.dumps(executed(salt)), encoding="utf-8")
        normalise_executed(str(path), f"/r/.2023.tmp-{salt}", "/r/2023", str(source))
        texts.append(path.read_text(encoding="utf-8"))
    assert texts[0] == texts[1]
    nb = json.loads(texts[0])
    assert [c["id"] for c in nb["cells"]] == ["cell-0", "injected-parameters", "keep-me"]
    assert nb["metadata"]["papermill"] == {"output_path": "/r/2023/notebooks/a.ipynb"}
    assert nb["cells"][0]["metadata"] == {"papermill": {"status": "completed"}}
    assert nb["cells"][1]["source"] == 'output_dir = "/r/2023"'


def test_stale_cache_temp_files_are_removed(tmp_path):
    """A run killed while writing the Parquet cache leaves a temp file; the next write
    removes it once it is an hour old (never a file being written now)."""
    import pandas as pd

    from cchc_analysis.report.inputs import _write_cache

    old, fresh = tmp_path / ".scores-abc.parquet.x1.tmp", tmp_path / ".scores-abc.parquet.x2.tmp"
    old.write_bytes(b"half")
    fresh.write_bytes(b"half")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    _write_cache(pd.DataFrame({"year": [2023], "unit_id": ["a"]}), tmp_path / "scores-abc.parquet")
    assert not old.exists() and fresh.exists()
    assert pd.read_parquet(tmp_path / "scores-abc.parquet")["unit_id"].tolist() == ["a"]


def test_preflight_caches_the_checked_survey(tmp_path, monkeypatch):
    """The pre-flight parses the survey once: its checked copy is keyed by the file's bytes
    and the readers' code, reused on the next run, rebuilt when damaged or when the readers
    change, and equal to what the notebooks would have read from the file itself."""
    import pandas as pd

    from cchc_analysis import config
    from cchc_analysis.io import read_survey
    from cchc_analysis.report import inputs

    survey = tmp_path / "khao-sat.csv"
    shutil.copy(config.DEFAULT_SURVEY, survey)
    cache_dir = tmp_path / "cache"
    first = inputs.preflight(survey=survey, cache_dir=cache_dir)
    assert first.survey == survey.resolve() and first.survey_cache.parent == cache_dir
    pd.testing.assert_frame_equal(read_survey(first.survey_cache), read_survey(survey))
    stamp = first.survey_cache.stat().st_mtime_ns
    again = inputs.preflight(survey=survey, cache_dir=cache_dir)
    assert again.survey_cache == first.survey_cache and first.survey_cache.stat().st_mtime_ns == stamp

    first.survey_cache.write_bytes(b"not parquet")  # damaged: rebuilt from the file
    rebuilt = inputs.preflight(survey=survey, cache_dir=cache_dir)
    pd.testing.assert_frame_equal(read_survey(rebuilt.survey_cache), read_survey(survey))

    monkeypatch.setattr(inputs, "_reader_code", lambda: "another reader")
    other = inputs.preflight(survey=survey, cache_dir=cache_dir)
    assert other.survey_cache != first.survey_cache and other.scores_cache != first.scores_cache

    # a changed file is a new key; a bad one is refused as before, located
    text = survey.read_text(encoding="utf-8").splitlines()
    cols = text[0].split(",")
    row = text[1].split(",")
    row[cols.index("response")] = "9"
    survey.write_text("\n".join([text[0], ",".join(row), *text[2:]]) + "\n", encoding="utf-8")
    from cchc_analysis.report.errors import ReportParameterError

    with pytest.raises(ReportParameterError, match="row 2, column 'response'"):
        inputs.preflight(survey=survey, cache_dir=cache_dir)


def test_preflight_without_a_writable_cache_passes_the_survey_file_itself(tmp_path, monkeypatch):
    """A read-only data/processed: no checked copy can be written, so the notebooks read the
    survey file itself (checked all the same); nothing fails."""
    from cchc_analysis import config
    from cchc_analysis.io import survey as survey_io
    from cchc_analysis.report import inputs

    def refuse(*a, **k):
        raise PermissionError(13, "read-only")

    monkeypatch.setattr(survey_io, "write_checked_survey", refuse)
    survey = tmp_path / "khao-sat.csv"
    shutil.copy(config.DEFAULT_SURVEY, survey)
    got = inputs.preflight(survey=survey, cache_dir=tmp_path / "cache")
    assert got.survey == survey.resolve() and got.survey_cache is None
