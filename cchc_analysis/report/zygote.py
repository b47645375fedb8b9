"""Warm kernels (Linux): one process imports the libraries once, then forks every kernel.

A fresh ``python3`` kernel spends about 1 s starting IPython and 2-3 s CPU in its first cell
importing pandas, scipy, matplotlib and the library, once per notebook. Here a single
helper process (the *zygote*, started by ``cchc report`` for the length of one run)
imports all of that once, then listens on a Unix socket in the run's private IPC folder;
for each kernel the report asks it to fork, and the child becomes an ordinary ipykernel on
the connection file jupyter_client wrote. The notebooks run exactly as in a fresh kernel
(same hash seed, environment, working folder, matplotlib backend; modules are only
imported earlier), and the pages are byte for byte the same.

Lifetimes: the zygote gets SIGKILL when the ``cchc report`` process dies (Linux parent-death
signal); each kernel's parent is the zygote and ipykernel ends a kernel whose parent is
gone (``JPY_PARENT_PID``), so nothing outlives a killed run. Where anything here fails the
report starts kernels the usual way. ``CCHC_REPORT_WARM=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time

__all__ = ["start", "stop", "launch", "enabled"]

SOCKET = "zygote.sock"

#: What the report notebooks import (a module missing here is only imported later).
PRELOAD = (
    "numpy", "pandas", "scipy.stats", "matplotlib", "matplotlib.pyplot", "seaborn",
    # not matplotlib_inline.backend_inline: on import it hooks into the running IPython
    # shell (figures shown at the end of a cell), so the kernel must import it itself
    "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
    "ipykernel.iostream", "ipykernel.heartbeat", "ipykernel.control", "IPython.core.history",
    "sqlite3", "tornado.ioloop", "psutil",  # what a kernel's start imports (python -X importtime)
    "cchc_analysis", "cchc_analysis.io", "cchc_analysis.document", "cchc_analysis.style",
    "cchc_analysis.provenance", "cchc_analysis.text",
    *(f"cchc_analysis.{p}.{m}" for p in ("published", "trends", "bias", "peers", "survey", "kps")
      for m in ("findings", "plots")),
    "cchc_analysis.assessment", "cchc_analysis.scorecard",
)
_INLINE = "module://matplotlib_inline.backend_inline"


def enabled() -> bool:
    return sys.platform.startswith("linux") and os.environ.get("CCHC_REPORT_WARM", "1") != "0"


def start(ipc_dir: str, env: dict[str, str], cwd: str) -> subprocess.Popen | None:
    """Start the zygote for one run (returns at once; it imports in the background)."""
    if not enabled():
        return None
    env = {**env, "MPLBACKEND": env.get("MPLBACKEND") or _INLINE}
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from cchc_analysis.report.zygote import main; main(sys.argv[1])",
             os.path.join(ipc_dir, SOCKET)],
            env=env, cwd=cwd, stdin=subprocess.DEVNULL, close_fds=True)
        with open(os.path.join(ipc_dir, "zygote.pid"), "w") as fh:  # before any kernel is asked for
            fh.write(str(proc.pid))
    except OSError:
        return None
    return proc


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None:
        return
    with contextlib.suppress(OSError):
        proc.kill()
    with contextlib.suppress(Exception):
        proc.wait(timeout=10)


class ForkedKernel:
    """What jupyter_client's local provisioner needs of a kernel process (``Popen``'s
    poll/wait/signals), for a kernel that is the zygote's child, not ours."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)  # the zygote reaps its children: gone means ended
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _read_line(sock) -> bytes:
    """One newline-ended message from a socket (the zygote's requests and replies)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def launch(ipc_dir: str | None, cmd: list[str], *, env: dict | None, cwd, wait: float = 90.0) -> int | None:
    """Ask the run's zygote for a kernel running ``cmd`` (``python -m ipykernel_launcher
    -f <connection file>``); its PID, or None (then start it the usual way)."""
    if not ipc_dir or not enabled():
        return None
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return None
    if os.path.realpath(cmd[0]) != os.path.realpath(sys.executable):
        return None  # another Python: its own kernel
    path = os.path.join(ipc_dir, SOCKET)
    owner = os.path.join(ipc_dir, "zygote.pid")
    end = time.monotonic() + wait
    while not os.path.exists(path):  # still importing
        if not os.path.exists(owner) or time.monotonic() > end:
            return None
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(open(owner).read()), 0)
            time.sleep(0.05)
            continue
        return None  # the zygote died
    request = json.dumps({"args": cmd[3:], "env": dict(env or os.environ), "cwd": str(cwd or os.getcwd())})
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(30)
            s.connect(path)
            s.sendall(request.encode() + b"\n")
            reply = _read_line(s)
        pid = int(json.loads(reply)["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pid if pid > 0 else None


# --------------------------------------------------------------------------- the zygote


def _die_with_parent() -> None:
    import ctypes

    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


def _child(request: dict) -> None:
    """In the forked child: become the kernel (never returns)."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()  # its own process group, as jupyter_client starts kernels
        os.chdir(request["cwd"])
        env = dict(request["env"])
        env["JPY_PARENT_PID"] = str(os.getppid())  # ends when the zygote ends
        env.setdefault("MPLBACKEND", os.environ.get("MPLBACKEND", _INLINE))
        os.environ.clear()
        os.environ.update(env)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        # the trait's default was read from the environment when the zygote imported
        # ipykernel (before there was a parent): give it explicitly, so the kernel polls it
        args = [*request["args"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = ["ipykernel_launcher", *args]
        if sys.path and sys.path[0] in ("", os.getcwd()):  # as ipykernel_launcher does
            del sys.path[0]
        if "matplotlib_inline.backend_inline" in sys.modules:  # see PRELOAD
            raise RuntimeError("the inline backend was imported before the kernel")
        if "pandas" in sys.modules:
            # pandas chose its display width at import; in a kernel it picks 20 columns
            sys.modules["pandas"].set_option("display.max_columns", 20)
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=args)
    except BaseException:
        import traceback

        with contextlib.suppress(Exception):
            traceback.print_exc()
        os._exit(1)
    os._exit(0)


def main(path: str) -> None:
    _die_with_parent()
    if os.getppid() == 1:
        return
    import importlib

    for name in PRELOAD:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    tmp = path + ".tmp"
    srv.bind(tmp)
    srv.listen(16)
    os.rename(tmp, path)  # clients see the socket only when it accepts
    while True:
        conn, _ = srv.accept()
        with conn:
            data = _read_line(conn)
            try:
                request = json.loads(data)
            except ValueError:
                continue
            pid = os.fork()
            if pid == 0:
                srv.close()
                conn.close()
                _child(request)
            with contextlib.suppress(OSError):
                conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")

