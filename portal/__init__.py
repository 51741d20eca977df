"""The web portal: Dash pages, thin callbacks and Flask routes over the domain layer.

``create_app`` is imported on first use: the ``portal`` command's cron subcommands import
this package without paying for Dash and Plotly (see portal/cli.py)."""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from portal.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
