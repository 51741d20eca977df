"""The plan import page: plan details, file, optional column mapping, preview, confirm."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from portal.layouts.common import page_header
from workflow.clock import format_date
from workflow.plan_import.headers import FIELD_LABELS, FIELDS
from workflow.plans import ImportPreview

KIND_BADGES = {"fixed": ("Cụ thể", "success"), "recurring": ("Thường xuyên", "primary"),
               "conditional": ("Có điều kiện", "warning"),
               "plan_year": ("Trong năm kế hoạch", "secondary"), "unknown": ("Chưa hiểu", "danger")}
MAX_FILE_BYTES = 5 * 1024 * 1024
NO_COLUMN = -1  # the dropdown choice "this field has no column"


def import_page(*, default_year: int) -> html.Div:
    """The empty import page."""
    info = dbc.Card([
        dbc.CardHeader("1. Thông tin kế hoạch"),
        dbc.CardBody(dbc.Row([
            dbc.Col([dbc.Label("Số kế hoạch", html_for="import-number"),
                     dbc.Input(id="import-number", placeholder="Ví dụ: 09-KH/ĐU")], md=3),
            dbc.Col([dbc.Label("Năm", html_for="import-year"),
                     dbc.Input(id="import-year", type="number", value=default_year,
                               min=2020, max=2100)], md=2),
            dbc.Col([dbc.Label("Cơ quan ban hành", html_for="import-body"),
                     dbc.Input(id="import-body", value="Đảng ủy phường")], md=3),
            dbc.Col([dbc.Label("Tên kế hoạch", html_for="import-title"),
                     dbc.Input(id="import-title", placeholder="Kế hoạch thực hiện Nghị quyết "
                                                              "57-NQ/TW năm …")], md=4),
        ], className="g-2")),
    ], className="shadow-sm mb-3")
    upload = dbc.Card([
        dbc.CardHeader("2. Tệp phụ lục nhiệm vụ"),
        dbc.CardBody([
            dcc.Upload(id="import-upload", max_size=MAX_FILE_BYTES, multiple=False,
                       accept=".xlsx,.docx,.csv",
                       children=html.Div(["Kéo thả tệp vào đây hoặc ",
                                          html.A("chọn tệp", className="link-primary"),
                                          html.Div("Excel (.xlsx), Word (.docx) hoặc CSV; "
                                                   "tối đa 5 MB", className="small text-muted")]),
                       className="import-drop"),
            html.Div(id="import-file-name", className="small mt-2"),
        ]),
    ], className="shadow-sm mb-3")
    return html.Div([
        page_header("Nhập kế hoạch từ tệp",
                    "Xem trước những gì hệ thống hiểu từ tệp, rồi mới lưu"),
        info, upload,
        html.Div(id="import-mapping"),
        dcc.Loading(html.Div(id="import-preview")),
        html.Div(id="import-result"),
    ], id="import-page")


def column_mapping(headers: list[str], *, current: dict[str, tuple[int, str]] | None = None,
                   message: str | None = None, extra_columns: list[str] | None = None) -> dbc.Card:
    """Field → column of the file: what the importer understood, changeable by the admin.

    Without ``current`` (header row not recognised) every field starts empty and an apply
    button reads the file with the hand-made mapping."""
    options = [{"label": "— Không có cột này —", "value": NO_COLUMN}] + [
        {"label": f"Cột {i + 1}: {name[:70]}", "value": i} for i, name in enumerate(headers)]
    current = current or {}
    fields = dbc.Row([
        dbc.Col([dbc.Label(FIELD_LABELS[f], html_for=f"import-map-{f}", className="small mb-1"),
                 dcc.Dropdown(id={"type": "import-map", "field": f}, options=options,
                              value=current[f][0] if f in current else NO_COLUMN,
                              clearable=False, searchable=False,
                              className="import-map-select")],
                xs=12, md=6, xl=4, className="mb-2")
        for f in FIELDS
    ], className="g-2")
    extras = html.Div([
        html.Span("Cột khác được giữ nguyên làm thông tin thêm của nhiệm vụ: ",
                  className="fw-semibold"),
        ", ".join(f"“{name}”" for name in extra_columns)],
        className="small mt-1") if extra_columns else None
    body = [dbc.Alert(message, color="warning")] if message else [
        html.P("Mỗi trường được đọc từ cột ghi bên dưới (theo tiêu đề cột trong tệp). Đổi cột "
               "nếu hệ thống hiểu sai — ví dụ chọn cột “chủ trì thực hiện” làm đơn vị chủ trì; "
               "bản xem trước cập nhật ngay, chưa lưu gì.", className="small text-muted mb-2")]
    body += [fields, extras]
    if message:
        body.append(dbc.Button("Áp dụng ghép cột", id={"type": "import-apply-mapping", "index": 0},
                               color="primary", className="mt-2"))
    title = "3. Ghép cột thủ công" if message else "3. Hệ thống đọc các cột như sau"
    return dbc.Card([dbc.CardHeader(title), dbc.CardBody(body)],
                    className="shadow-sm mb-3", id="import-columns-card")


def mapping_form(columns: list[str], message: str) -> dbc.Card:
    """Hand mapping of columns when the header row was not recognised."""
    return column_mapping(columns, message=message)


def _sections_card(preview: ImportPreview) -> dbc.Card:
    items = [html.Li([html.Span(f"{s.code}. ", className="fw-semibold"), s.title,
                      dbc.Badge(f"{s.tasks} nhiệm vụ", color="light", text_color="dark",
                                className="ms-2")]) for s in preview.sections]
    return dbc.Card([dbc.CardHeader(f"Nhóm nhiệm vụ tìm thấy ({len(preview.sections)})"),
                     dbc.CardBody(html.Ol(items, className="import-sections small mb-0 ps-3",
                                          style={"listStyle": "none"}))],
                    className="h-100", id="import-sections")


def _skipped_card(preview: ImportPreview) -> dbc.Card:
    body = html.Ul([html.Li(text) for text in preview.skipped], className="small mb-0 ps-3") \
        if preview.skipped else html.Div("Không có dòng nào bị bỏ qua.", className="small "
                                                                           "text-muted")
    return dbc.Card([dbc.CardHeader(f"Dòng không thành nhiệm vụ ({len(preview.skipped)})"),
                     dbc.CardBody(body)], className="h-100", id="import-skipped")


def preview_view(preview: ImportPreview) -> html.Div:
    """Every parsed row with its section, code, units and deadline; problems highlighted."""
    kinds: dict[str, int] = {}
    for row in preview.rows:
        kinds[row.deadline_kind] = kinds.get(row.deadline_kind, 0) + 1
    updated = sum(1 for r in preview.rows if r.code in preview.existing_codes)
    summary = html.Div([
        dbc.Badge(f"{len(preview.rows)} nhiệm vụ", color="secondary", className="me-1"),
        dbc.Badge(f"{len({r.section for r in preview.rows})} nhóm", color="secondary",
                  className="me-1"),
        dbc.Badge(f"{updated} đã có (sẽ cập nhật)", color="info", className="me-1")
        if updated else None,
        *[dbc.Badge(f"{KIND_BADGES[k][0]}: {n}", color=KIND_BADGES[k][1], className="me-1")
          for k, n in kinds.items()],
    ], className="mb-2")
    found = dbc.Row([dbc.Col(_sections_card(preview), md=7, className="mb-2"),
                     dbc.Col(_skipped_card(preview), md=5, className="mb-2")], className="g-2 mb-2")
    problems = dbc.Alert([html.Strong(f"{len(preview.problems)} điểm cần kiểm tra:"),
                          html.Ul([html.Li(p) for p in preview.problems], className="mb-0")],
                         color="warning") if preview.problems else None
    units = None
    if preview.new_units:
        units = dbc.Alert([
            html.Strong("Đơn vị chưa có trong hệ thống — chọn những đơn vị sẽ được tạo mới:"),
            dbc.Checklist(id="import-new-units", value=list(preview.new_units),
                          options=[{"label": n, "value": n} for n in preview.new_units],
                          className="mt-2"),
        ], color="info")
    else:
        units = html.Div(dbc.Checklist(id="import-new-units", options=[], value=[]),
                         className="d-none")
    head = html.Thead(html.Tr([html.Th("Mã"), html.Th("Nhóm"), html.Th("Nhiệm vụ"),
                               html.Th("Chủ trì"), html.Th("Phối hợp"), html.Th("Thời hạn"),
                               html.Th("Cần kiểm tra")]))
    body = html.Tbody([
        html.Tr([
            html.Td([r.code, html.Br(),
                     dbc.Badge("cập nhật" if r.code in preview.existing_codes else "mới",
                               color="light", text_color="dark")], className="text-nowrap"),
            html.Td(r.section.split(".")[0]),
            html.Td(className="col-task", children=[html.Div(r.title),
                     dbc.Badge(r.group, color="light", text_color="dark", className="me-1")
                     if r.group else None,
                     *[html.Div(f"{name}: {value}", className="small text-muted")
                       for name, value in r.extra_fields.items()]]),
            html.Td([r.lead_unit or "—", " ",
                     dbc.Badge("mới", color="info") if r.lead_is_new else None,
                     html.Div(f"Theo dõi: {r.monitoring_unit}", className="small text-muted")
                     if r.monitoring_unit else None]),
            html.Td(", ".join(r.coordinating + (["Các cơ quan, đơn vị"] if r.all_units else []))
                    or "—"),
            html.Td([html.Div(r.deadline_text or "—", className="small"),
                     dbc.Badge(KIND_BADGES[r.deadline_kind][0],
                               color=KIND_BADGES[r.deadline_kind][1], className="me-1"),
                     html.Span(format_date(r.deadline_date), className="small")]),
            html.Td(html.Ul([html.Li(p) for p in r.problems], className="small mb-0 ps-3")
                    if r.problems else ""),
        ], className="table-warning" if r.problems else "")
        for r in preview.rows
    ])
    return dbc.Card([
        dbc.CardHeader("Xem trước"),
        dbc.CardBody([summary, found, problems, units,
                      dbc.Table([head, body], size="sm", hover=True, responsive=True,
                                className="import-table mb-3"),
                      dbc.Button("Xác nhận và lưu kế hoạch", id="import-confirm",
                                 color="success")]),
    ], className="shadow-sm mb-3", id="import-preview-card")
