"""``python -m analysis.importers wikinews|webpages|table SOURCE --into DIR``."""

import sys

from analysis.importers.cli import main

sys.exit(main())
