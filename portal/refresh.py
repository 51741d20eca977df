"""How a callback that changed data asks for the page to be drawn again."""

from __future__ import annotations

import time

from dash import Output

# The shell's store the router listens to; any new value re-renders the current page.
PAGE_REFRESH = "page-refresh"


def refresh_output() -> Output:
    """The output a data-changing callback adds to redraw the page."""
    return Output(PAGE_REFRESH, "data", allow_duplicate=True)


def refresh_token() -> int:
    """A value the store has not held before."""
    return time.monotonic_ns()
