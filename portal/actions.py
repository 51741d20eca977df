"""One pattern for every button that changes data ("every action answers").

- While its request runs the button is disabled and shows a spinner (Dash's ``running=``),
  and the previous answer is hidden, so nobody clicks twice because nothing happened.
- The answer is said in words in one place, the shell's flash area (``FLASH``), which
  survives the page being redrawn after the change: ``answered("Đã gửi …")`` on success,
  ``refused(error.message)`` when the domain refused. Each answer replaces the previous one.
- Irreversible actions ask first: ``confirm_dialog`` says what will happen, and only its
  confirm button runs the action (``register_dialog`` opens and closes it in the browser).

Usage in a callback module::

    @guarded_callback(app, Capability.X, flash_output(), refresh_output(),
                      Input("x-confirm", "n_clicks"), ...,
                      running=busy("x-submit", "Gửi"), prevent_initial_call=True)
    def submit(...):
        try: ...
        except DomainError as error:
            return refused(error.message), no_update
        return answered("Đã gửi …"), refresh_token()
"""

from __future__ import annotations

from uuid import uuid4

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html

# The shell's area for answers, fixed near the top of the window.
FLASH = "action-flash"
# The class of every button that changes data (styled as busy while disabled).
ACTION_BUTTON = "action-button"
SUCCESS_SECONDS = 12


def flash_output() -> Output:
    """The output an action callback writes its answer to."""
    return Output(FLASH, "children", allow_duplicate=True)


def answered(text: str) -> dbc.Alert:
    """The success answer: what was done, in words. A fresh ``key`` makes each answer a new
    alert, so the fading timer or dismissal of the previous one never hides it."""
    return dbc.Alert(text, color="success", dismissable=True, duration=SUCCESS_SECONDS * 1000,
                     is_open=True, key=uuid4().hex, className="action-answer py-2 shadow")


def refused(text: str, colour: str = "danger") -> dbc.Alert:
    """A refusal (the domain's Vietnamese message); it stays until the next attempt."""
    return dbc.Alert(text, color=colour, dismissable=True, is_open=True, key=uuid4().hex,
                     className="action-refusal py-2 shadow")


def busy(button_id: str, label: str, busy_label: str = "Đang xử lý…") -> list[tuple]:
    """``running=`` for an action button: disabled with a spinner while the request runs,
    and the previous answer hidden meanwhile."""
    return [
        (Output(button_id, "disabled"), True, False),
        (Output(button_id, "children"),
         [dbc.Spinner(size="sm", spinner_class_name="me-2"), busy_label], label),
        (Output(FLASH, "className"), "action-flash busy", "action-flash"),
    ]


def confirm_dialog(name: str, *, title: str, body, confirm_label: str,
                   colour: str = "primary") -> dbc.Modal:
    """A confirmation that says what will happen. Ids: ``{name}-dialog``,
    ``{name}-dialog-body``, ``{name}-cancel`` and ``{name}-confirm`` (the action's input)."""
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(title), close_button=False),
        dbc.ModalBody(body, id=f"{name}-dialog-body"),
        dbc.ModalFooter([
            dbc.Button("Hủy", id=f"{name}-cancel", color="secondary", outline=True),
            dbc.Button(confirm_label, id=f"{name}-confirm", color=colour,
                       className=ACTION_BUTTON),
        ]),
    ], id=f"{name}-dialog", is_open=False, centered=True, backdrop="static")


def register_dialog(app: Dash, name: str, opener: str) -> None:
    """Opens ``{name}-dialog`` when ``opener`` is clicked; cancel and confirm close it at
    once (the confirm click also starts the action), so a second click has nothing to hit."""
    app.clientside_callback(
        "function (open, cancel, confirm) {"
        " var trigger = (window.dash_clientside.callback_context.triggered[0] || {}).prop_id;"
        f" return !!trigger && trigger.indexOf({opener + '.'!r}) === 0; }}",
        Output(f"{name}-dialog", "is_open"),
        Input(opener, "n_clicks"), Input(f"{name}-cancel", "n_clicks"),
        Input(f"{name}-confirm", "n_clicks"),
        prevent_initial_call=True,
    )


def register(app: Dash) -> None:
    """Clears a refusal left in the flash area when the user goes to another page (a
    success answer stays until it fades, so "Đã phê duyệt…" survives the move to the next
    claim)."""
    app.clientside_callback(
        """function (path, current) {
            var props = current && current.props;
            if (props && props.className && props.className.indexOf("action-refusal") >= 0) {
                return null;
            }
            return window.dash_clientside.no_update;
        }""",
        Output(FLASH, "children"),
        Input("url", "pathname"), State(FLASH, "children"),
        prevent_initial_call=True,
    )


def flash_area() -> html.Div:
    """The shell's flash area."""
    return html.Div(id=FLASH, className="action-flash", role="status", **{"aria-live": "polite"})
