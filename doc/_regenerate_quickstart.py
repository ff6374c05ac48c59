"""Regenerate the Quick start output of README.md and doc/getting_started.rst.

Run from the repository root after a change to the audit's output::

    python doc/_regenerate_quickstart.py

It runs ``skclassgap audit`` (the embedded default, abalone19) with the
interpreter it is run with, puts its stdout between the README's
``quickstart-output`` markers and into ``doc/_quickstart_output.txt``, which
the getting-started page includes.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- quickstart-output -->", "<!-- /quickstart-output -->"


def main():
    out = subprocess.run(
        [sys.executable, "-m", "skclassgap", "audit"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    out = "\n".join(line.rstrip() for line in out.splitlines())
    readme = (ROOT / "README.md").read_text()
    head, tail = readme[: readme.index(START)], readme[readme.index(END) :]
    (ROOT / "README.md").write_text(f"{head}{START}\n```\n{out}\n```\n{tail}")
    (ROOT / "doc" / "_quickstart_output.txt").write_text(out + "\n")
    print(out)


if __name__ == "__main__":
    main()
