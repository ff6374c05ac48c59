"""A one-line progress bar on stderr (folds x strategies).

Silent when stderr is not a terminal.
"""

import time


class Progress:
    """Count steps and redraw one line; does nothing when ``enabled`` is False."""

    width = 28

    def __init__(self, total, *, stream, enabled):
        self.total = max(total, 1)
        self.stream = stream
        self.enabled = enabled
        self.done = 0
        self.label = ""
        self.start = time.perf_counter()

    def __enter__(self):
        self._draw()
        return self

    def __exit__(self, *exc):
        if self.enabled:
            self.stream.write("\r" + " " * self._line_width() + "\r")
            self.stream.flush()
        return False

    def _line_width(self):
        return self.width + 60

    def update(self, label):
        """Show what runs now."""
        self.label = label
        self._draw()

    def advance(self, steps=1):
        """Count finished steps."""
        self.done = min(self.done + steps, self.total)
        self._draw()

    def _draw(self):
        if not self.enabled:
            return
        filled = round(self.width * self.done / self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.perf_counter() - self.start
        line = f"audit [{bar}] {self.done}/{self.total} {elapsed:5.0f}s {self.label}"
        line = line[: self._line_width()].ljust(self._line_width())
        self.stream.write("\r" + line)
        self.stream.flush()
