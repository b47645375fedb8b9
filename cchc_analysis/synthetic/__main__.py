"""``python -m cchc_analysis.synthetic``: the same as ``cchc synthetic``."""

from .ministry import main

raise SystemExit(main())
