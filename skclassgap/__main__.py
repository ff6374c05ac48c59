"""Run the command line as ``python -m skclassgap``."""

import sys

from skclassgap.cli import main

sys.exit(main())
