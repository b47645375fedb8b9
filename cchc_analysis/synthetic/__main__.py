"""``python -m cchc_analysis.synthetic``: the same as ``cchc synthetic``."""

from .bundle import main

raise SystemExit(main())
