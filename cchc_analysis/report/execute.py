"""Running the notebooks: kernels on IPC sockets, one process per notebook, progress, papermill.

papermill, nbformat, nbconvert, jupyter_client, tqdm, pandas and openpyxl are imported inside
the functions that use them: they are heavy and only the report needs them (``import
cchc_analysis`` stays light), and the worker processes import them in the background.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import re
import signal
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed

from .html import clean_outputs_for_html, notebook_title
from .xlsx import load_all_labels

__all__ = ["kernel_manager_class", "run_all", "preload"]

# --------------------------------------------------------------------------- execution


@contextlib.contextmanager
def _quiet_papermill():
    lg = logging.getLogger("papermill")
    old = lg.level
    lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        lg.setLevel(old)


def kernel_manager_class(ipc_dir: str | None = None):
    """An nbclient kernel manager on IPC sockets (POSIX): no TCP port race between kernels.

    Many kernels starting at once over TCP can pick the same free port
    (``ZMQError: Address already in use``, papermill #511); Unix sockets in the temp
    folder with unique names avoid it and are not reachable from the network.
    """
    if os.name != "posix":
        return None
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class QuickClient(AsyncKernelClient):
        """jupyter_client's readiness check, with shorter waits. It asks for kernel_info and
        waits 0.2 s for a first IOPub message (a new subscriber misses the messages sent
        before it joined, so the first try usually times out and it asks again), then
        drains IOPub until 0.2 s pass in silence: 0.4 s per kernel, every notebook. Here
        50 ms and 20 ms. Late messages are harmless: nbclient only reads the replies to its
        own requests."""

        async def wait_for_ready(self, timeout=None):  # AsyncKernelClient binds it to the base method
            import time as _time
            from queue import Empty

            deadline = _time.time() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    msg = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    msg = None
                if msg is not None and msg["msg_type"] == "kernel_info_reply":
                    try:  # IOPub connected: its first message arrives (else ask again)
                        await self.iopub_channel.get_msg(timeout=0.05)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if _time.time() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
            while True:
                try:
                    await self.iopub_channel.get_msg(timeout=0.02)
                except Empty:
                    break

    class IPCKernelManager(AsyncKernelManager):
        @default("client_factory")
        def _default_client_factory(self):
            return QuickClient

        async def _async_finish_shutdown(self, waittime=None, pollinterval=0.1, restart=False):
            # a finished kernel is noticed within 10 ms, not 100 ms
            await super()._async_finish_shutdown(waittime=waittime, pollinterval=0.01, restart=restart)

        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            return os.path.join(ipc_dir or tempfile.gettempdir(), f"cchc-kernel-{uuid.uuid4().hex[:12]}")

        @default("connection_file")
        def _default_connection_file(self):
            # next to the sockets: a killed run leaves one folder, which the next run removes
            if ipc_dir is None:
                return ""
            return os.path.join(ipc_dir, f"kernel-{uuid.uuid4().hex[:12]}.json")

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            # a warm kernel forked by the run's zygote (zygote.py), else the usual process
            from . import zygote

            pid = zygote.launch(ipc_dir, kernel_cmd, env=kw.get("env"), cwd=kw.get("cwd"))
            if pid is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            prov = self.provisioner
            prov.process = zygote.ForkedKernel(pid)
            prov.pid, prov.pgid, prov.cwd = pid, pid, kw.get("cwd")
            self._reconcile_connection_info(prov.connection_info)

        async def _async_interrupt_kernel(self):
            # jupyter_client interrupts an idle kernel before shutting it down, which makes
            # ipykernel log a spurious "KeyboardInterrupt caught in kernel"; nothing runs then.
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return IPCKernelManager


def _is_start_failure(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(s in text for s in ("Address already in use", "ZMQError", "didn't respond",
                                   "Kernel died before replying", "kernel_info"))



def _source_cell_number(task: dict, executed_index: int | None) -> int | None:
    """1-based number of the failing cell in the SOURCE notebook (without papermill's injected cell)."""
    if executed_index is None:
        return None
    import nbformat

    try:
        cells = nbformat.read(task["source"], as_version=4).cells
    except Exception:
        return executed_index + 1
    params_at = next((i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])), -1)
    injected = bool(task["parameters"])
    shift = 1 if injected and executed_index > params_at else 0
    return executed_index - shift + 1


def _execute_one(task: dict) -> dict:
    """Worker (own process): run one notebook with papermill, then export HTML without code."""
    if task.get("in_worker"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker: plain SIGTERM
    with _kernel_environment(task["jobs"]):
        return _execute_in_env(task)


def kernel_env(jobs: int) -> dict[str, str]:
    """Environment the kernels get: deterministic hashing (set order), no thread
    oversubscription when notebooks run side by side."""
    wanted = {"PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    if jobs > 1:
        wanted.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return wanted


@contextlib.contextmanager
def _kernel_environment(jobs: int):
    """:func:`kernel_env` set in this process while it starts kernels; restored afterwards."""
    wanted = kernel_env(jobs)
    added = [k for k in wanted if k not in os.environ]
    for k in added:
        os.environ[k] = wanted[k]
    try:
        yield
    finally:
        for k in added:
            os.environ.pop(k, None)


def _execute_in_env(task: dict) -> dict:
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from ..outputs import atomic_write_text

    name = task["name"]
    kwargs = {}
    kmc = kernel_manager_class(task.get("ipc_dir"))
    if kmc is not None:
        kwargs["kernel_manager_class"] = kmc
    t0 = time.perf_counter()
    result = {"name": name, "status": "ok", "executed": task["executed"]}
    for attempt in range(3):
        try:
            with _quiet_papermill():
                pm.execute_notebook(
                    task["source"], task["executed"], parameters=task["parameters"],
                    kernel_name="python3", cwd=task["cwd"], progress_bar=False,
                    log_output=False, start_timeout=120,
                    # saving the notebook after every cell costs ~1-2 s per notebook; papermill
                    # still writes it at the end, also when a cell fails
                    request_save_on_cell_execute=False, **kwargs,
                )
            break
        except PapermillExecutionError as exc:
            result.update(status="failed", cell_index=_source_cell_number(task, exc.cell_index),
                          execution_count=exc.exec_count, ename=exc.ename, evalue=exc.evalue,
                          source=(exc.source or "").strip().splitlines()[:1],
                          line=failing_line(exc.source or "", exc.traceback or []))
            break
        except Exception as exc:  # kernel start races: retry twice, then report
            if attempt < 2 and _is_start_failure(exc):
                if task.get("in_worker"):  # this worker's retries start fresh kernels (zygote.py)
                    os.environ["CCHC_REPORT_WARM"] = "0"
                time.sleep(0.5 * (attempt + 1))
                continue
            result.update(status="failed", cell_index=None, execution_count=None,
                          ename=type(exc).__name__, evalue=str(exc))
            break
    result["execute_seconds"] = time.perf_counter() - t0
    with contextlib.suppress(OSError, ValueError):
        normalise_executed(task["executed"], task.get("staging"), task.get("final"), task.get("source"))
    if result["status"] != "ok":
        result["duration_seconds"] = result["execute_seconds"]
        return result
    t1 = time.perf_counter()
    if section_saved(task):  # the page is rendered from the saved section, not a dump
        result.update(title=None, html=task["html"], section=True, html_seconds=0.0,
                      duration_seconds=time.perf_counter() - t0)
        return result
    from nbconvert import HTMLExporter

    nb = nbformat.read(task["executed"], as_version=4)
    title = notebook_title(nb) or name
    clean_outputs_for_html(nb)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    atomic_write_text(task["html"], body)
    result.update(title=title, html=task["html"], html_seconds=time.perf_counter() - t1,
                  duration_seconds=time.perf_counter() - t0)
    return result


_TIME_KEYS = ("start_time", "end_time", "duration")


def normalise_executed(path: str, staging: str | None = None, final: str | None = None,
                       source: str | None = None) -> None:
    """Make the executed notebook (the report's log of a run) the same bytes on every rerun:
    papermill's and Jupyter's timestamps and durations removed (the manifest has the
    times), the random ids of the injected-parameters cell and of cells the ``source``
    notebook gave no id (nbformat < 4.5) fixed, and the staging folder's random name
    replaced by the report folder it becomes."""
    import json

    with open(path, encoding="utf-8") as fh:
        nb = json.load(fh)
    known = None
    if source:
        with contextlib.suppress(OSError, ValueError), open(source, encoding="utf-8") as fh:
            known = {c.get("id") for c in json.load(fh).get("cells", [])} - {None}
    for i, cell in enumerate(nb.get("cells", [])):
        if known is not None and "id" in cell and cell["id"] not in known:
            cell["id"] = f"cell-{i}"
    if os.environ.get("CCHC_REPORT_KEEP_TIMES") == "1":  # profiling (bench): keep the cells' durations
        keys = ()
    else:
        keys = _TIME_KEYS
    pm_meta = nb.get("metadata", {}).get("papermill")
    if isinstance(pm_meta, dict):
        for k in keys:
            pm_meta.pop(k, None)
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        if keys:
            meta.pop("execution", None)
        if isinstance(meta.get("papermill"), dict):
            for k in keys:
                meta["papermill"].pop(k, None)
        if "injected-parameters" in meta.get("tags", []) and "id" in cell:
            cell["id"] = "injected-parameters"
    text = json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"  # nbformat's layout
    if staging and final:
        text = text.replace(json.dumps(staging)[1:-1], json.dumps(final)[1:-1])
    from ..outputs import atomic_write_text

    atomic_write_text(path, text)


def run_all(tasks: list[dict], jobs: int, *, progress: bool | None) -> list[dict]:
    from tqdm import tqdm

    results: dict[str, dict] = {}
    n = len(tasks)
    if jobs == 1 or n == 1:
        preload()
        bar = tqdm(total=n, unit="nb", desc="cchc report", file=sys.stderr,
                   disable=None if progress is None else not progress)
        for task in tasks:
            try:
                r = _execute_one(task)
            except Exception as exc:  # e.g. the HTML export failed
                r = _crash_result(task, exc)
            results[r["name"]] = r
            _progress_line(bar, r, len(results), n)
        bar.close()
        return [results[t["name"]] for t in tasks]
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    global _PARENT_PID
    _PARENT_PID = os.getpid()
    pool = ProcessPoolExecutor(max_workers=min(jobs, n), mp_context=ctx,
                               initializer=_worker_init)
    try:
        # longest first (durations of the previous report), so the last notebook to finish
        # does not start late; results are reported in notebook order all the same
        order = sorted(tasks, key=lambda t: -(t.get("expected_seconds") or 0.0))
        futures = {pool.submit(_execute_one, {**t, "in_worker": True}): t for t in order}
        # With "fork" every worker exists once the first task is submitted, so the main
        # process can now import, in the background, what the XLSX step needs (the library
        # modules that register labels, pandas, openpyxl) while the kernels run.
        loader = threading.Thread(target=preload, name="cchc-preload", daemon=True)
        loader.start()
        bar = tqdm(total=n, unit="nb", desc="cchc report", file=sys.stderr,
                   disable=None if progress is None else not progress)
        for fut in as_completed(futures):
            try:
                r = fut.result()
            except Exception as exc:  # worker crashed (killed), HTML export failed ...
                r = _crash_result(futures[fut], exc)
            results[r["name"]] = r
            _progress_line(bar, r, len(results), n)
        bar.close()
        loader.join()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [results[t["name"]] for t in tasks]


#: PID of the process that creates the pool (set before the workers are forked).
_PARENT_PID: int | None = None


def _die_with_parent() -> None:
    """A pool worker ends when the ``cchc report`` process dies (even by ``kill -9``):
    Linux's parent-death signal, and elsewhere a thread watching the parent id."""
    parent = _PARENT_PID or os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)
    threading.Thread(target=watch, name="cchc-parent-watch", daemon=True).start()


def _worker_init() -> None:
    """A pool worker: ends with the report process. (It used to import nbconvert here, ~1 s
    of CPU per worker while the warm-kernel process imports: the pages come from the
    saved sections, so the exporter is imported only for a notebook that saves none.)"""
    _die_with_parent()



_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def failing_line(source: str, traceback: list[str]) -> str | None:
    """The line of the cell that raised, from IPython's traceback (``Cell In[n], line k``);
    the last such frame of the cell is the line in the cell where the error arose."""
    text = _ANSI.sub("", "\n".join(traceback or []))
    hits = re.findall(r"Cell In\[\d+\], line (\d+)", text)
    lines = (source or "").splitlines()
    if hits:
        k = int(hits[0])
        if 1 <= k <= len(lines):
            return lines[k - 1].strip()
    arrows = re.findall(r"^-+>\s*\d+\s(.*)$", text, flags=re.M)
    if arrows:
        return arrows[0].strip()
    return next((ln.strip() for ln in lines if ln.strip()), None)


def section_saved(task: dict) -> bool:
    out = (task.get("parameters") or {}).get("output_dir")
    if not out:
        return False
    from pathlib import Path

    return any(Path(out, "sections").glob(f"{task['name'][:3]}*.json"))


def _crash_result(task: dict, exc: BaseException) -> dict:
    return {"name": task["name"], "status": "failed", "executed": task["executed"],
            "cell_index": None, "execution_count": None, "ename": type(exc).__name__,
            "evalue": str(exc), "duration_seconds": None}


def preload() -> None:
    """Import what the assembly needs (on the core the warm-kernel process leaves idle
    while it imports: the pool workers no longer import anything then)."""
    with contextlib.suppress(Exception):
        import openpyxl  # noqa: F401
        import pandas  # noqa: F401

        load_all_labels()



def _progress_line(bar, r: dict, done: int, n: int) -> None:
    secs = r.get("duration_seconds")
    status = "OK" if r["status"] == "ok" else "LỖI / FAILED"
    bar.write(f"[{done}/{n}] {r['name']}: {status}" + (f" ({secs:.1f} s)" if secs else ""),
              file=sys.stderr)
    bar.update(1)

