"""Pages shown instead of content: unknown address, no permission."""

from __future__ import annotations

from dash import dcc, html

from portal.layouts.common import page_header


def not_found() -> html.Div:
    """The page for an unknown address or an invisible object."""
    return html.Div([page_header("Không tìm thấy trang"),
                     html.P("Địa chỉ không tồn tại hoặc bạn không có quyền xem nội dung này."),
                     dcc.Link("Về trang chủ", href="/")], id="page-not-found")


def forbidden() -> html.Div:
    """The page for a role that may not open it."""
    return html.Div([page_header("Không có quyền truy cập"),
                     html.P("Bạn không có quyền truy cập chức năng này."),
                     dcc.Link("Về trang chủ", href="/")], id="page-forbidden")
