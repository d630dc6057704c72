"""`python -m tracker`: the same as the `tracker` command (used by `tracker serve` and tests,
which need the interpreter they run under rather than whatever `tracker` is on PATH)."""

import sys

from .cli import main

sys.exit(main())
