"""What every sbas subcommand shares."""

import sys


def fail(message: str) -> int:
    print(f"sbas: {message}", file=sys.stderr)
    return 2
