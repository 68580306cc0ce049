"""What every sbas subcommand shares."""

import sys


def fail(message: str) -> int:
    print(f"sbas: {message}", file=sys.stderr)
    return 2


def fail_os(error: OSError) -> int:
    """fail() with a file error: the file and the system's reason when there are both, else the error."""
    return fail(f"{error.filename}: {error.strerror}" if error.filename and error.strerror else str(error))


def report_progress():
    """A progress callable printing whole percents to stderr as they change, with a log handler for
    the pipeline's messages."""
    import logging

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    last = [-1]

    def report(percent: float) -> None:
        if int(percent) != last[0]:
            last[0] = int(percent)
            print(f"\r{last[0]:3d} %", end="\n" if last[0] >= 100 else "", file=sys.stderr, flush=True)

    return report
