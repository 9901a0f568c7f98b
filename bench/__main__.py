"""``python -m bench``: see bench/runner.py for what is measured and bench/RESULTS.md for figures."""

import sys

from bench.runner import main

sys.exit(main())
