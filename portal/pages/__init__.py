"""The portal's pages: one module per page (see ``registry``), collected here once."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace

from portal.pages.registry import APP_TITLE, NavEntry, Page

__all__ = ["APP_TITLE", "PAGES", "NavEntry", "Page", "collect", "find_page", "navigation"]


def collect(package: str = __name__) -> tuple[Page, ...]:
    """The pages declared by the modules of ``package`` (every module but ``registry``)."""
    path = importlib.import_module(package).__path__
    pages = []
    for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        if info.name == "registry":
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        pages.append(replace(module.PAGE, name=info.name, layout=module.layout,
                             on_open=getattr(module, "on_open", None)))
    paths = [page.path for page in pages]
    duplicates = {path for path in paths if paths.count(path) > 1}
    if duplicates:
        raise RuntimeError(f"pages declared twice: {sorted(duplicates)}")
    return tuple(pages)


PAGES: tuple[Page, ...] = collect()


def find_page(path: str) -> tuple[Page, dict[str, int]] | None:
    """The page serving ``path`` (trailing slash ignored) and its parameters, or None."""
    path = path.rstrip("/") or "/"
    for page in PAGES:
        params = page.match(path)
        if params is not None:
            return page, params
    return None


def navigation(*, menu: bool = False) -> list[Page]:
    """Pages with an entry in the navigation bar (or, with ``menu``, in the user menu), in
    navigation order."""
    return sorted((p for p in PAGES if p.nav and p.nav.user_menu == menu),
                  key=lambda p: p.nav.order)  # type: ignore[union-attr]
