"""``cchc synthetic``: write the synthetic workbook, or regenerate every bundled input.

``--bundle`` is the ONLY code path allowed to write under ``data/raw/`` (a deliberate act:
``outputs.atomic_write_bytes`` refuses ``data/raw/`` otherwise).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import DEFAULT_SURVEY, DEFAULT_WORKBOOK, TEMPLATES_DIR
from ..io.template import write_template
from .ministry import DEFAULT_SEED, write_synthetic_workbook
from .survey import write_synthetic_survey

__all__ = ["main"]


def _bundle() -> list[Path]:
    """Regenerate every bundled synthetic input and the blank template (a deliberate act)."""
    return [
        write_synthetic_workbook(DEFAULT_WORKBOOK, _bundle_raw=True),
        write_template(TEMPLATES_DIR / "cchc_template.xlsx", _bundle_raw=True),
        write_synthetic_survey(DEFAULT_SURVEY, _bundle_raw=True),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Synthetic ministry (SYNTHETIC DATA)")
    parser.add_argument("--bundle", action="store_true",
                        help="regenerate the bundled files under data/raw/synthetic and data/raw/templates")
    parser.add_argument("--out", help="write the synthetic workbook to this path instead")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.bundle:
        for p in _bundle():
            print(f"wrote {p}")
    elif args.out:
        print(f"wrote {write_synthetic_workbook(args.out, seed=args.seed)}")
    else:
        parser.print_help()
    return 0
