"""Stopping work the caller no longer wants: the one exception for it, and the checks that raise it.
Standard library only, so that commands which only talk to servers stay light."""

import time
from typing import Callable, Optional

CHECK_SECONDS = 0.2  # how often a wait looks whether it was canceled


class Canceled(Exception):
    """The caller asked the work to stop."""


def check_canceled(is_canceled: Optional[Callable[[], bool]]) -> None:
    """Raise Canceled when `is_canceled` (may be None) says so."""
    if is_canceled and is_canceled():
        raise Canceled()


def sleep_unless_canceled(seconds: float, is_canceled: Optional[Callable[[], bool]] = None) -> None:
    """Wait `seconds` (nothing when not positive), raising Canceled as soon as `is_canceled` says so."""
    end = time.monotonic() + seconds
    while True:
        check_canceled(is_canceled)
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(CHECK_SECONDS, left))
