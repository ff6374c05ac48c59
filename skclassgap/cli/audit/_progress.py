"""Progress of the audit on stderr: a bar on a terminal, lines otherwise.

On a terminal, one line redrawn in place (folds x strategies). Elsewhere (a
log file, a pipe, a batch job) a redrawn line would be garbage, so the audit
writes a line per step instead: when the data are read and cleaned, and
when each fold's strategies are fitted, each with the elapsed time. The
audit's ``--quiet`` silences both.
"""

import time

BAR, LINES, OFF = "bar", "lines", "off"


def progress_mode(stream, quiet):
    """``OFF`` when ``quiet``, else ``BAR`` on a terminal and ``LINES`` elsewhere."""
    if quiet:
        return OFF
    isatty = getattr(stream, "isatty", None)
    return BAR if isatty is not None and isatty() else LINES


class Progress:
    """Count steps; redraw a bar (``BAR``), print lines (``LINES``) or nothing.

    ``enabled`` is the older switch (True: a bar, False: nothing); ``mode``
    takes precedence when given. ``start`` is when the run began
    (``time.perf_counter()``), for the elapsed times.
    """

    width = 28
    prefix = "audit"

    def __init__(self, total, *, stream, enabled=True, mode=None, start=None):
        self.total = max(total, 1)
        self.stream = stream
        self.mode = mode if mode is not None else (BAR if enabled else OFF)
        self.enabled = self.mode == BAR
        self.done = 0
        self.label = ""
        self.start = time.perf_counter() if start is None else start

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

    def elapsed(self):
        """Seconds since the start of the run."""
        return time.perf_counter() - self.start

    def update(self, label):
        """Show what runs now."""
        self.label = label
        self._draw()

    def advance(self, steps=1):
        """Count finished steps."""
        self.done = min(self.done + steps, self.total)
        self._draw()

    def note(self, text):
        """A line (``LINES`` mode only), with the elapsed time."""
        if self.mode == LINES:
            self.stream.write(f"{self.prefix}: {text} [{self.elapsed():.0f} s]\n")
            self.stream.flush()

    def fold_done(self, fold, n_folds, results, shared_seconds):
        """A line when the strategies of fold ``fold`` (0-based) are fitted.

        ``results`` maps each strategy to its ``(predictions, fit seconds,
        error)``; ``shared_seconds`` is the fold's shared preprocessing time.
        """
        if self.mode != LINES:
            return
        seconds = {name: r[1] for name, r in results.items() if r[2] is None}
        failed = len(results) - len(seconds)
        text = (
            f"fold {fold + 1}/{n_folds} fitted: {len(results)} strategies, "
            f"{sum(seconds.values()):.1f} s of fits"
        )
        if seconds:
            slowest = max(seconds, key=seconds.get)
            text += f" (slowest {slowest} {seconds[slowest]:.1f} s)"
        text += f", shared preprocessing {shared_seconds:.1f} s"
        if failed:
            text += f", {failed} failed"
        self.note(text)

    def _draw(self):
        if not self.enabled:
            return
        filled = round(self.width * self.done / self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = self.elapsed()
        line = f"audit [{bar}] {self.done}/{self.total} {elapsed:5.0f}s {self.label}"
        line = line[: self._line_width()].ljust(self._line_width())
        self.stream.write("\r" + line)
        self.stream.flush()
