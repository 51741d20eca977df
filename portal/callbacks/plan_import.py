"""Import page: parse → preview (or ask for a column mapping) → confirm → save."""

from __future__ import annotations

import base64
import binascii

from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from portal.context import current_account, db, unit_of_work
from portal.guard import guarded_callback
from portal.layouts.common import message
from portal.layouts.plan_import import NO_COLUMN, column_mapping, mapping_form, preview_view
from workflow.errors import DomainError, HeaderNotRecognised, ValidationError
from workflow.permissions import Capability
from workflow.plan_import.parser import parse_plan
from workflow.plan_import.readers import column_names
from workflow.plans import apply_import, plan_info, preview


def _decode(contents: str | None) -> bytes:
    if not contents or "," not in contents:
        raise ValidationError("Vui lòng chọn tệp phụ lục kế hoạch.")
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError("Tệp tải lên bị lỗi; vui lòng chọn lại.") from None


def _mapping(values, ids) -> dict[str, int] | None:
    chosen = {i["field"]: v for v, i in zip(values or [], ids or [], strict=False)
              if v is not None and v != NO_COLUMN}
    return chosen or None


def register(app: Dash) -> None:
    """Registers the import callbacks."""

    @guarded_callback(
        app, Capability.IMPORT_PLAN,
        Output("import-preview", "children"), Output("import-mapping", "children"),
        Output("import-file-name", "children"),
        Input("import-upload", "contents"),
        Input({"type": "import-apply-mapping", "index": ALL}, "n_clicks"),
        Input("import-year", "value"),
        Input({"type": "import-map", "field": ALL}, "value"),
        State("import-upload", "filename"), State("import-number", "value"),
        State("import-body", "value"), State("import-title", "value"),
        State({"type": "import-map", "field": ALL}, "id"),
        prevent_initial_call=True,
    )
    def show_preview(contents, _apply, year, map_values, filename, number, body, title,
                     map_ids):
        """A new file is read on its own; a changed column choice re-reads it with the
        admin's mapping and leaves the column choices as they are."""
        if not contents:
            raise PreventUpdate
        new_file = ctx.triggered_id == "import-upload"
        mapping = None if new_file else _mapping(map_values, map_ids)
        try:
            data = _decode(contents)
            info = plan_info(number=number, year=year, issuing_body=body, title=title,
                             filename=filename)
            parsed = parse_plan(data, filename or "", plan_year=info.year,
                                mapping_override=mapping)
            shown = preview(db(), actor=current_account(), parsed=parsed, info=info)
        except HeaderNotRecognised as error:
            if mapping is not None:
                return message(error.message), no_update, f"Tệp: {filename}"
            columns = column_names(_decode(contents), filename or "")
            return message(error.message, "warning"), mapping_form(columns, error.message), \
                f"Tệp: {filename}"
        except ValidationError as error:
            return message(error.message), no_update, f"Tệp: {filename}"
        columns = no_update if mapping is not None else column_mapping(
            shown.column_headers, current=shown.columns, extra_columns=shown.extra_columns)
        return preview_view(shown), columns, f"Tệp: {filename}"

    @guarded_callback(
        app, Capability.IMPORT_PLAN,
        Output("import-result", "children"), Output("import-preview", "children",
                                                    allow_duplicate=True),
        Input("import-confirm", "n_clicks"),
        State("import-upload", "contents"), State("import-upload", "filename"),
        State("import-number", "value"), State("import-year", "value"),
        State("import-body", "value"), State("import-title", "value"),
        State("import-new-units", "value"),
        State({"type": "import-map", "field": ALL}, "value"),
        State({"type": "import-map", "field": ALL}, "id"),
        prevent_initial_call=True,
    )
    def confirm(clicks, contents, filename, number, year, body, title, new_units, map_values,
                map_ids):
        if not clicks:
            raise PreventUpdate
        try:
            info = plan_info(number=number, year=year, issuing_body=body, title=title,
                             filename=filename)
            parsed = parse_plan(_decode(contents), filename or "", plan_year=info.year,
                                mapping_override=_mapping(map_values, map_ids))
            with unit_of_work() as session:
                outcome = apply_import(session, actor=current_account(), info=info,
                                       parsed=parsed, create_units=new_units or [])
        except DomainError as error:
            return message(error.message), no_update
        text = (f"Đã lưu kế hoạch “{info.number}”: thêm {len(outcome.created)} nhiệm vụ, cập "
                f"nhật {len(outcome.updated)}, không đổi {len(outcome.unchanged)}"
                + (f"; {len(outcome.removed)} nhiệm vụ không còn trong tệp được đánh dấu "
                   f"(không xóa): {', '.join(outcome.removed)}" if outcome.removed else "")
                + (f"; tạo {len(outcome.units_created)} đơn vị mới" if outcome.units_created
                   else "") + ".")
        return message(text, "success"), None
