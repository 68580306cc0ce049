"""What every sbas subcommand shares."""

import sys
import time
from contextlib import closing, contextmanager, nullcontext

# What the progress shows, in tqdm's fields: percent, time so far, time left and rate (seconds per percent).
BAR_FORMAT = "{desc}: {percentage:3.0f} %|{bar}| {elapsed} elapsed, ETA {remaining}, {rate_fmt}"
LINE_FORMAT = "{desc}: {percentage:3.0f} % {elapsed} elapsed, ETA {remaining}, {rate_fmt}"
# Without a terminal (CI, a pipe, a log file), no bar redrawn with carriage returns: a whole line when the
# step changes, at each 10 % and once a minute while a long step reports.
LINE_EVERY_PERCENT = 10
LINE_EVERY_SECONDS = 60.0


def fail(message: str) -> int:
    print(f"sbas: {message}", file=sys.stderr)
    return 2


def fail_os(error: OSError) -> int:
    """fail() with a file error: the file and the system's reason when there are both, else the error."""
    return fail(f"{error.filename}: {error.strerror}" if error.filename and error.strerror else str(error))


class TerminalBar:
    """One tqdm bar on stderr, redrawn in place."""

    def __init__(self, describe):
        from tqdm import tqdm

        self.describe = describe
        self.bar = tqdm(
            total=100, desc=describe(0.0), bar_format=BAR_FORMAT, unit="%", file=sys.stderr, dynamic_ncols=True
        )

    def update(self, percent: float) -> None:
        percent = min(max(percent, 0.0), 100.0)
        description = self.describe(percent)
        if description != self.bar.desc:
            self.bar.set_description_str(description, refresh=False)
        self.bar.update(percent - self.bar.n)

    def close(self) -> None:
        self.bar.close()


class ProgressLines:
    """Progress as whole lines on stderr, now and then: readable in a log file."""

    def __init__(self, describe):
        self.describe = describe
        self.start = time.monotonic()
        self.percent = 0.0
        self.shown = None  # (percent, description, time) of the last line

    def update(self, percent: float) -> None:
        self.percent = min(max(percent, 0.0), 100.0)
        if self.shown is None:
            self.write()
            return
        percent_shown, description_shown, time_shown = self.shown
        if (
            self.describe(self.percent) != description_shown
            or self.percent // LINE_EVERY_PERCENT > percent_shown // LINE_EVERY_PERCENT
            or time.monotonic() - time_shown >= LINE_EVERY_SECONDS
        ):
            self.write()

    def write(self) -> None:
        from tqdm import tqdm

        now, description = time.monotonic(), self.describe(self.percent)
        elapsed = now - self.start
        line = tqdm.format_meter(self.percent, 100, elapsed, prefix=description, bar_format=LINE_FORMAT, unit="%")
        sys.stderr.write(line + "\n")  # one write: a log line from another thread cannot split it
        sys.stderr.flush()
        self.shown = (self.percent, description, now)

    def close(self) -> None:
        if self.shown is not None and self.shown[0] != self.percent:  # nothing at all when nothing was reported
            self.write()


@contextmanager
def report_progress(command: str, step_name=None):
    """A progress(percent) callable for the block, shown on stderr with percent, elapsed time, ETA and rate:
    a bar on a terminal, plain lines elsewhere. `step_name(percent)`, when given, names the step the
    percent falls in. Log lines go above the bar, never into it; the bar is ended however the block ends."""
    import logging

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)

    def describe(percent: float) -> str:
        return f"{command} ({step_name(percent)})" if step_name else command

    if sys.stderr.isatty():
        from tqdm.contrib.logging import logging_redirect_tqdm

        shown, redirect = TerminalBar(describe), logging_redirect_tqdm()
    else:
        shown, redirect = ProgressLines(describe), nullcontext()
    with redirect, closing(shown):
        yield shown.update
