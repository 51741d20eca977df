"""Flask routes that are not Dash pages: exports (and later uploads, downloads)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from portal.callbacks.audit import audit_filter
from portal.context import current_account, db
from portal.guard import route_requires
from workflow.audit_log import export_events
from workflow.clock import format_datetime, today
from workflow.permissions import Capability
from workflow.xlsx import table_workbook

bp = Blueprint("exports", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> Response:
    """An attachment download of an Excel file."""
    return Response(content, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/nhat-ky/xuat.xlsx")
@route_requires(Capability.VIEW_AUDIT)
def export_audit():
    """The audit events matching the page's filters, as Excel."""
    args = request.args
    lines = export_events(db(), user=current_account(), filters=audit_filter(
        args.get("action"), args.get("actor"), args.get("from"), args.get("to")))
    content = table_workbook(
        f"NHẬT KÝ HOẠT ĐỘNG (xuất ngày {today().strftime('%d/%m/%Y')})",
        ["STT", "Thời gian", "Người thực hiện", "Thao tác", "Đối tượng", "Mã", "Chi tiết"],
        ((i, format_datetime(line.at), line.actor, line.action_label,
          line.object_label.split(" #")[0], line.object_id, line.details)
         for i, line in enumerate(lines, start=1)),
        widths=[6, 18, 24, 30, 12, 8, 60],
    )
    return xlsx_response(content, f"nhat-ky-{today().isoformat()}.xlsx")
