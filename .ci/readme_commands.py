"""Print the README's Quick start commands, one per line, as a user would type them.

The two commands are the first two ``bash`` code blocks of the README's
"Quick start" section (install and run the audit; install and run the
tests), in order; each block holds one command (continuation lines joined).
"""

import re
import sys


def quick_start_commands(text):
    section = re.search(r"^## Quick start\n(.*?)(?=^## )", text, re.M | re.S)
    if section is None:
        raise SystemExit("README has no '## Quick start' section")
    blocks = re.findall(r"^```bash\n(.*?)^```", section.group(1), re.M | re.S)
    commands = []
    for block in blocks[:2]:
        lines = block.replace("\\\n", " ").strip().splitlines()
        if len(lines) != 1:
            raise SystemExit(f"a Quick start block holds {len(lines)} commands")
        commands.append(" ".join(lines[0].split()))
    return commands


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        for command in quick_start_commands(handle.read()):
            print(command)
