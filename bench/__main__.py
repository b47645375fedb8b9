"""Run every benchmark and print the results: ``make bench`` or ``python -m bench``.

Each ``bench/bench_*.py`` module exposes ``run() -> list[dict]``; every dict is one
printed line with at least ``name`` and ``seconds``, and where there is a baseline,
``baseline_seconds`` and ``ratio`` (baseline / ours), measured in the same run.
Pass module names to run only some: ``python -m bench bench_scoring``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if argv:
        names = [n for n in names if n in argv or n.removeprefix("bench_") in argv]  # `report` = bench_report
    for name in names:
        mod = importlib.import_module(f"bench.{name}")
        print(f"== {name}: {(mod.__doc__ or '').strip().splitlines()[0] if mod.__doc__ else ''}")
        for row in mod.run():
            extra = ", ".join(f"{k}={v}" for k, v in row.items() if k not in {"name", "seconds"})
            print(f"  {row['name']:<55} {row['seconds']:9.3f} s   {extra}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
