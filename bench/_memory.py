"""Peak resident memory of the current process, for the benchmarks' child processes.

``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is not that on Linux: it survives ``exec``,
and Python starts a child with ``vfork`` + ``exec``, so a child of a large parent reports
the parent's peak (under ``python -m bench`` every child of the later benchmarks showed
the 1.6 GB the earlier ones had reached). ``VmHWM`` in ``/proc/self/status`` is the peak
of this process's own address space, reset by ``exec``.
"""

from __future__ import annotations

import resource


def peak_mb() -> float:
    """This process's peak resident set in MiB (``VmHWM``; ``ru_maxrss`` where /proc lacks it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
