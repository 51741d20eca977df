"""What a page declares once: address, Vietnamese title, capability, navigation entry.

Every page is one module of ``portal.pages`` holding a ``PAGE = Page(...)`` and a
``layout(user, **params)``. Routing, the navigation bar, the browser tab title, the guard's
page check and the tests' page list all read these declarations.

Dash Pages (``dash.register_page``) is not used: its registry is one global per process (the
tests build many apps per process) and it renders pages through its own callback, which the
deny-by-default guard would have to trust blindly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workflow.permissions import Capability

APP_TITLE = "Cổng minh chứng chuyển đổi số"
_PARAMETER = re.compile(r"<(\w+)>")


@dataclass(frozen=True)
class NavEntry:
    """A link in the navigation bar (or, with ``user_menu``, in the menu under the user's
    name, which keeps the bar on one line); ``order`` places it among the others."""

    label: str
    order: int
    user_menu: bool = False


@dataclass(frozen=True)
class Page:
    """A routable page. ``path`` is a template: ``<name>`` stands for a numeric id that is
    passed to the layout as an ``int`` keyword argument."""

    path: str
    title: str
    capability: Capability
    nav: NavEntry | None = None
    name: str = ""
    layout: Callable[..., Any] | None = None
    # Runs in its own unit of work before the layout (e.g. "the reviewer opened this claim").
    on_open: Callable[..., Any] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        """The regular expression over URL paths that this page serves."""
        parts = _PARAMETER.split(self.path)
        regex = "".join(re.escape(part) if i % 2 == 0 else rf"(?P<{part}>\d+)"
                        for i, part in enumerate(parts))
        return re.compile(regex)

    def match(self, path: str) -> dict[str, int] | None:
        """The path parameters when ``path`` is this page's, else None."""
        found = self.pattern.fullmatch(path)
        return None if found is None else {k: int(v) for k, v in found.groupdict().items()}

    def url(self, **params: int) -> str:
        """The page's address with its parameters filled in."""
        return _PARAMETER.sub(lambda m: str(params[m.group(1)]), self.path)

    @property
    def document_title(self) -> str:
        """The browser tab title."""
        return f"{self.title} · {APP_TITLE}"
