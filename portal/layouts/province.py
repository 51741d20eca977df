"""Province pages: wards side by side, their ranking, a ward's read-only drill-down, and the
province admin's ward management. Pure functions: data in, components out."""

from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from portal.layouts.common import empty_state, page_header, stat_card
from portal.layouts.tasks import task_table
from workflow.tasks import TaskRow
from workflow.wards import WardFigures

# (sort key, column header)
COLUMNS: list[tuple[str, str]] = [
    ("rank", "Hạng"),
    ("name", "Phường/xã"),
    ("completion", "Hoàn thành"),
    ("on_time", "Đúng hạn"),
    ("overdue", "Quá hạn"),
    ("warned", "Bị cảnh báo"),
    ("reporting", "Báo cáo tháng này"),
    ("claims", "Chờ thẩm định"),
]


def _query(**params) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "", 0, False)})


def _percent_bar(value: int, colour: str) -> html.Div:
    return html.Div([
        dbc.Progress(value=value, color=colour, className="flex-grow-1",
                     style={"minWidth": "4rem", "height": "0.55rem"}),
        html.Small(f"{value}%", className="ms-2 text-muted"),
    ], className="d-flex align-items-center")


def _sort_header(key: str, label: str, sort: str, descending: bool, search: str) -> html.Th:
    active = key == sort
    arrow = (" ▼" if descending else " ▲") if active else ""
    href = "/tinh" + _query(tim=search, **{"sap-xep": key, "giam": 1 if active and not descending
                                           else 0})
    return html.Th(dcc.Link(label + arrow, href=href, className="text-reset"),
                   className="text-nowrap")


def ward_table(rows: list[WardFigures], ranks: dict[int, int], *, sort: str, descending: bool,
               search: str) -> dbc.Table | html.Div:
    """One line per ward: figures of its current plan, each ward linking to its drill-down."""
    if not rows:
        return empty_state("Không có phường/xã nào phù hợp.")
    header = html.Thead(html.Tr([_sort_header(k, label, sort, descending, search)
                                 for k, label in COLUMNS]))
    body = html.Tbody([html.Tr([
        html.Td(ranks.get(f.ward_id, "—")),
        html.Td([dcc.Link(f.name, href=f"/tinh/phuong/{f.ward_id}", className="fw-semibold"),
                 html.Div(f"{f.code} · kế hoạch {f.plan_year}" if f.plan_year
                          else f"{f.code} · chưa có kế hoạch", className="small text-muted")]),
        html.Td([_percent_bar(f.completion_rate, "success"),
                 html.Small(f"{f.completed}/{f.tasks} nhiệm vụ", className="text-muted")]),
        html.Td(_percent_bar(f.on_time_rate, "primary")),
        html.Td(dbc.Badge(f.overdue, color="danger") if f.overdue else "0"),
        html.Td(dbc.Badge(f.warned, color="warning", text_color="dark") if f.warned else "0"),
        html.Td([_percent_bar(f.reporting_rate, "info"),
                 html.Small(f"{f.reported}/{f.open_tasks} nhiệm vụ đang mở",
                            className="text-muted")]),
        html.Td(dbc.Badge(f.claims_waiting, color="info") if f.claims_waiting else "0"),
    ]) for f in rows])
    return dbc.Table([header, body], hover=True, responsive=True, size="sm",
                     className="bg-white mb-0 align-middle", id="province-table")


def _pager(total: int, offset: int, limit: int, sort: str, descending: bool,
           search: str) -> html.Div | None:
    if total <= limit:
        return None
    pages = (total + limit - 1) // limit
    current = offset // limit + 1
    links = [dcc.Link(str(n), href="/tinh" + _query(tim=search, trang=n, giam=int(descending),
                                                    **{"sap-xep": sort}),
                      className="btn btn-sm " + ("btn-primary" if n == current
                                                 else "btn-outline-secondary"))
             for n in range(1, pages + 1)]
    return html.Div(links, className="d-flex flex-wrap gap-1 p-2")


def province_page(*, rows: list[WardFigures], ranks: dict[int, int], totals: WardFigures,
                  total: int, offset: int, limit: int, sort: str, descending: bool,
                  search: str, as_of: str) -> html.Div:
    """The province dashboard: totals, then the sortable, filterable ward table."""
    cards = [
        ("Phường/xã", total if not search else f"{total} phù hợp", "secondary"),
        ("Nhiệm vụ", totals.tasks, "secondary"),
        ("Hoàn thành", f"{totals.completion_rate}%", "success"),
        ("Đúng hạn", f"{totals.on_time_rate}%", "primary"),
        ("Quá hạn", totals.overdue, "danger"),
        ("Chờ thẩm định", totals.claims_waiting, "info"),
    ]
    search_form = html.Form([
        dbc.InputGroup([
            dbc.Input(name="tim", value=search, placeholder="Tìm phường/xã theo tên hoặc mã",
                      id="province-search"),
            dbc.Button("Lọc", type="submit", color="primary"),
        ], size="sm"),
    ], action="/tinh", method="get", className="mb-2", style={"maxWidth": "28rem"})
    return html.Div([
        page_header("Toàn tỉnh", f"Kết quả thực hiện kế hoạch hiện hành của từng phường/xã, "
                                 f"tính đến {as_of}",
                    actions=dcc.Link("Xếp hạng phường/xã", href="/tinh/xep-hang",
                                     className="btn btn-outline-primary btn-sm")),
        dbc.Row([dbc.Col(stat_card(*card), xs=6, md=4, xl=2, className="mb-3")
                 for card in cards], className="g-3 mt-1"),
        search_form,
        dbc.Card([dbc.CardHeader("Theo phường/xã (bấm tên để xem chi tiết, bấm tiêu đề cột "
                                 "để sắp xếp)"),
                  ward_table(rows, ranks, sort=sort, descending=descending, search=search),
                  _pager(total, offset, limit, sort, descending, search)],
                 className="shadow-sm mb-3"),
    ], id="province-dashboard")


def ranking_page(*, lines: list[WardFigures], as_of: str, commend: int = 3) -> html.Div:
    """Wards ranked for commendation and criticism (on-time completion first)."""
    if not lines:
        return html.Div([page_header("Xếp hạng phường/xã"),
                         empty_state("Chưa có phường/xã nào.")])
    ranks = {f.ward_id: i for i, f in enumerate(lines, start=1)}
    top = lines[:commend]
    bottom = [f for f in reversed(lines) if f not in top][:commend]

    def _list(title: str, items: list[WardFigures], colour: str) -> dbc.Card:
        return dbc.Card([dbc.CardHeader(title), dbc.ListGroup([
            dbc.ListGroupItem([
                html.Span(f"{ranks[f.ward_id]}. "),
                dcc.Link(f.name, href=f"/tinh/phuong/{f.ward_id}", className="fw-semibold"),
                html.Span(f" — đúng hạn {f.on_time_rate}%, hoàn thành {f.completion_rate}%, "
                          f"quá hạn {f.overdue}, báo cáo {f.reporting_rate}%",
                          className="text-muted small"),
            ], color=colour) for f in items], flush=True)], className="shadow-sm mb-3")

    return html.Div([
        page_header("Xếp hạng phường/xã", f"Để biểu dương và phê bình, tính đến {as_of}: "
                                          "xếp theo tỷ lệ hoàn thành đúng hạn, rồi tỷ lệ hoàn "
                                          "thành, tỷ lệ báo cáo và số nhiệm vụ quá hạn, "
                                          "bị cảnh báo."),
        dbc.Row([dbc.Col(_list("Đề nghị biểu dương", top, "success"), md=6),
                 dbc.Col(_list("Cần chấn chỉnh, phê bình", bottom, "danger"), md=6)],
                className="mt-2"),
        dbc.Card([dbc.CardHeader("Bảng xếp hạng"),
                  ward_table(lines, ranks, sort="rank", descending=False, search="")],
                 className="shadow-sm mb-3"),
    ], id="province-ranking")


def ward_drilldown(*, ward_name: str, committee: str, plan_title: str | None,
                   plans: list[tuple[int, str]], plan_id: int | None, ward_id: int,
                   overview, task_rows: list[TaskRow], task_total: int) -> html.Div:
    """A ward's own overview and task list, read-only, for the province."""
    selector = html.Div([
        html.Span("Kế hoạch: ", className="me-1 small text-muted"),
        *[dcc.Link(label, href=f"/tinh/phuong/{ward_id}?ke-hoach={pid}",
                   className="btn btn-sm me-1 " + ("btn-primary" if pid == plan_id
                                                    else "btn-outline-secondary"))
          for pid, label in plans],
    ], className="mb-2") if plans else None
    more = (html.Div(f"Hiển thị {len(task_rows)}/{task_total} nhiệm vụ.",
                     className="small text-muted p-2") if task_total > len(task_rows) else None)
    return html.Div([
        html.Div(dcc.Link("← Toàn tỉnh", href="/tinh", className="small"), className="mt-2"),
        page_header(ward_name, f"{committee} · {plan_title or 'chưa có kế hoạch'} · chỉ xem"),
        selector,
        overview,
        dbc.Card([dbc.CardHeader("Danh sách nhiệm vụ"), task_table(task_rows, show_unit=True),
                  more], className="shadow-sm mb-3"),
    ], id="province-ward")


def wards_table(wards: list[tuple[int, str, str, str, int]]):
    """The wards: code, name, Party Committee, number of accounts."""
    if not wards:
        return empty_state("Chưa có phường/xã nào.")
    return dbc.Table([
        html.Thead(html.Tr([html.Th("Mã"), html.Th("Tên phường/xã"), html.Th("Đảng ủy"),
                            html.Th("Số tài khoản")])),
        html.Tbody([html.Tr([html.Td(code), html.Td(name), html.Td(committee), html.Td(users)])
                    for _id, code, name, committee, users in wards]),
    ], hover=True, responsive=True, size="sm", className="bg-white mb-0")


def ward_options(wards: list[tuple[int, str, str, str, int]]) -> list[dict]:
    """The wards as choices of a select box, after a "choose" line."""
    return [{"label": "— Chọn phường/xã —", "value": ""}] + [
        {"label": f"{name} ({code})", "value": i} for i, code, name, _c, _u in wards]


def wards_admin_page(*, wards: list[tuple[int, str, str, str, int]]) -> html.Div:
    """The province admin's wards: the list (code, name, committee, accounts) and the forms
    to create a ward and its first admin."""
    table = wards_table(wards)
    ward_form = dbc.Card([dbc.CardHeader("Tạo phường/xã"), dbc.CardBody([
        dbc.Label("Mã (chữ thường không dấu, ví dụ: phuoc-binh)", html_for="new-ward-code"),
        dbc.Input(id="new-ward-code", className="mb-2"),
        dbc.Label("Tên phường/xã", html_for="new-ward-name"),
        dbc.Input(id="new-ward-name", placeholder="Phường Phước Bình", className="mb-2"),
        dbc.Label("Tên Đảng ủy (để trống: theo tên phường/xã)", html_for="new-ward-committee"),
        dbc.Input(id="new-ward-committee", className="mb-2"),
        dbc.Button("Tạo phường/xã", id="new-ward-submit", color="primary"),
    ])], className="shadow-sm mb-3")
    admin_form = dbc.Card([dbc.CardHeader("Tạo quản trị đầu tiên của phường/xã"), dbc.CardBody([
        dbc.Label("Phường/xã", html_for="ward-admin-ward"),
        dbc.Select(id="ward-admin-ward", options=ward_options(wards), value="",
                   className="mb-2"),
        dbc.Label("Tên đăng nhập", html_for="ward-admin-username"),
        dbc.Input(id="ward-admin-username", className="mb-2"),
        dbc.Label("Họ và tên", html_for="ward-admin-fullname"),
        dbc.Input(id="ward-admin-fullname", className="mb-2"),
        dbc.Label("Mật khẩu (ít nhất 8 ký tự)", html_for="ward-admin-password"),
        dbc.Input(id="ward-admin-password", type="password", className="mb-2"),
        dbc.Button("Tạo tài khoản quản trị", id="ward-admin-submit", color="primary"),
    ])], className="shadow-sm mb-3")
    return html.Div([
        page_header("Quản lý phường/xã", "Tạo phường/xã và tài khoản quản trị đầu tiên của "
                                         "từng phường/xã"),
        html.Div(id="wards-message", className="mt-2"),
        dbc.Row([dbc.Col(ward_form, lg=6), dbc.Col(admin_form, lg=6)], className="mt-2"),
        dbc.Card([dbc.CardHeader("Các phường/xã"), html.Div(table, id="wards-table")],
                 className="shadow-sm mb-3"),
    ], id="wards-admin")
