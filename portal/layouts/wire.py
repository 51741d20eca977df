"""Dash components as the JSON the browser receives, for long lists of repeated rows.

A Dash component object costs about 20 µs of Python per request: ``Component.__init__``
checks every keyword (formatting an error prefix for each), ``to_plotly_json`` then walks
all of the class's property names, and the JSON encoder calls back into Python for each
object. A page of 100 task rows holds about 700 of them, which made the row markup the
largest CPU cost of the task list under load. ``element`` builds the very same
``{"props", "type", "namespace"}`` dict that ``Component.to_plotly_json`` returns — with the
same check of property names — and the encoder writes it natively.
(tests/portal/test_wire.py compares the two for the rows that use it.)

Use it only where rows repeat; a page's frame stays made of ordinary components.
"""

from __future__ import annotations

from typing import Any

from dash.development.base_component import Component

_SPECS: dict[type[Component], tuple[str, str, frozenset[str], tuple[str, ...]]] = {}


def _spec(cls: type[Component], children: Any, props: dict) -> tuple:
    spec = _SPECS.get(cls)
    if spec is None:
        # The generated components set their property names on the instance, in __init__:
        # the first element of a kind is built once as a component (with all its checks).
        sample = cls(children, **props)
        spec = _SPECS[cls] = (sample._type, sample._namespace, frozenset(sample._prop_names),
                              tuple(sample._valid_wildcard_attributes))
    return spec


def element(cls: type[Component], children: Any = None, **props: Any) -> dict:
    """``cls(children, **props).to_plotly_json()``, without the component object. Refuses a
    property the component does not have, as the component would."""
    kind, namespace, names, wildcards = _spec(cls, children, props)
    for name, value in props.items():
        if name not in names and not name.startswith(wildcards):
            raise TypeError(f"{namespace}.{kind} has no property {name!r}")
        if isinstance(value, Component):
            raise TypeError(f"{namespace}.{kind}: a component for {name!r}, not children")
    if "id" in props and not isinstance(props["id"], str | dict):
        raise TypeError(f"{namespace}.{kind}: the id must be a string or a dict")
    props["children"] = children
    return {"props": props, "type": kind, "namespace": namespace}
