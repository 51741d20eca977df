"""The web portal: Dash pages, thin callbacks and Flask routes over the domain layer."""

from portal.app import create_app

__all__ = ["create_app"]
