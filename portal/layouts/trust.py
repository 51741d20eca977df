"""Admin page: the CA certificates evidence signatures are checked against."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from portal.layouts.common import empty_state, page_header
from workflow.clock import format_date, now_utc
from workflow.trust_store import MAX_CERT_BYTES, TrustedCa


def _fingerprint(sha256: str) -> html.Code:
    pairs = ":".join(sha256[i:i + 2] for i in range(0, len(sha256), 2)).upper()
    return html.Code(pairs, className="small text-break trust-fingerprint")


def trust_table(cas: list[TrustedCa]) -> html.Div | dbc.Table:
    """Trusted CAs with subject, validity, fingerprint and a remove button each."""
    if not cas:
        return empty_state("Chưa có chứng thư CA nào: mọi chữ ký số sẽ được báo là "
                           "“không kiểm tra được”. Hãy thêm chứng thư gốc của tổ chức chứng "
                           "thực được tin cậy.")
    now = now_utc()
    rows = [html.Tr([
        html.Td([html.Div(ca.name, className="fw-semibold"),
                 html.Div(ca.subject, className="small text-muted text-break d-none d-md-block")]),
        html.Td([f"{format_date(ca.not_before)} – {format_date(ca.not_after)}",
                 html.Div(dbc.Badge("Đã hết hạn", color="danger") if ca.not_after < now
                          else None)]),
        html.Td(_fingerprint(ca.sha256)),
        html.Td(dbc.Button("Gỡ", id={"type": "trust-remove", "index": ca.sha256},
                           color="outline-danger", size="sm",
                           title="Gỡ chứng thư khỏi danh sách tin cậy")),
    ]) for ca in cas]
    header = html.Thead(html.Tr([html.Th("Chứng thư (chủ thể)"), html.Th("Hiệu lực"),
                                 html.Th("Dấu vân tay SHA-256"), html.Th("")]))
    return dbc.Table([header, html.Tbody(rows)], hover=True, responsive=True, size="sm",
                     className="bg-white mb-0 trust-table")


def trust_page(cas: list[TrustedCa]) -> html.Div:
    """List, add (upload PEM/DER) and remove trusted CA certificates."""
    add = dbc.Card([
        dbc.CardHeader("Thêm chứng thư CA"),
        dbc.CardBody([
            dcc.Upload(id="trust-upload", max_size=MAX_CERT_BYTES, multiple=False,
                       accept=".pem,.crt,.cer,.der",
                       children=html.Div(["Kéo thả tệp chứng thư vào đây hoặc ",
                                          html.A("chọn tệp", className="link-primary"),
                                          html.Div("PEM hoặc DER (.pem, .crt, .cer, .der); "
                                                   "chỉ chứng thư gốc hoặc trung gian của CA",
                                                   className="small text-muted")]),
                       className="import-drop"),
            html.Small("Chỉ thêm chứng thư tải từ nguồn chính thức và đã đối chiếu dấu vân "
                       "tay SHA-256 với cơ quan cấp.", className="text-muted d-block mt-2"),
        ]),
    ], className="shadow-sm mb-3")
    return html.Div([
        page_header("Chứng thư số tin cậy",
                    "Chữ ký số trên minh chứng chỉ được công nhận khi chứng thư của người ký "
                    "thuộc một tổ chức chứng thực trong danh sách này"),
        html.Div(id="trust-message"),
        dbc.Row([
            dbc.Col(dbc.Card(html.Div(trust_table(cas), id="trust-table"),
                             className="shadow-sm mb-3"), lg=8),
            dbc.Col([add, dbc.Alert(
                "Sau khi thêm hoặc gỡ chứng thư, chạy lệnh “portal revalidate-evidence” để "
                "kiểm tra lại chữ ký của các minh chứng đã nộp.", color="info",
                className="small")], lg=4),
        ]),
    ], id="trust-page")
