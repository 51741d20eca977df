"""Audit page: filters → domain query → table; export link carries the same filters."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from dash import Dash, Input, Output

from portal.context import current_account, db
from portal.guard import guarded_callback
from portal.layouts.audit import PAGE_SIZE, audit_rows
from workflow.audit_search import AuditFilter, list_events
from workflow.errors import ValidationError
from workflow.permissions import Capability


def audit_filter(action, actor_id, start, end) -> AuditFilter:
    """Builds the filter from control values or query parameters."""
    try:
        return AuditFilter(action=action or None,
                           actor_id=int(actor_id) if actor_id else None,
                           date_from=date.fromisoformat(str(start)[:10]) if start else None,
                           date_to=date.fromisoformat(str(end)[:10]) if end else None)
    except (TypeError, ValueError):
        raise ValidationError("Bộ lọc nhật ký không hợp lệ (người thực hiện hoặc ngày).") from None


def register(app: Dash) -> None:
    """Registers the audit callbacks."""

    @guarded_callback(
        app, Capability.VIEW_AUDIT,
        Output("audit-table", "children"), Output("audit-summary", "children"),
        Output("audit-export", "href"),
        Input("audit-action", "value"), Input("audit-actor", "value"),
        Input("audit-dates", "start_date"), Input("audit-dates", "end_date"),
    )
    def refresh(action, actor_id, start, end):
        lines, total = list_events(db(), actor=current_account(),
                                   filters=audit_filter(action, actor_id, start, end),
                                   limit=PAGE_SIZE)
        params = {k: v for k, v in {"action": action, "actor": actor_id, "from": start,
                                    "to": end}.items() if v}
        summary = f"{total} sự kiện" + (f" · hiển thị {PAGE_SIZE} mới nhất"
                                         if total > PAGE_SIZE else "")
        return audit_rows(lines), summary, "/nhat-ky/xuat.xlsx?" + urlencode(params)
