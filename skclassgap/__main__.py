"""Run the command line as ``python -m skclassgap``."""

import sys

from skclassgap.cli import main

# Guarded: worker processes started with "spawn" (a local Dask cluster of
# ``skclassgap report --scheduler local``) import this module again.
if __name__ == "__main__":
    sys.exit(main())
