"""Flask routes that are not Dash pages: exports (and later uploads, downloads)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from portal.callbacks.audit import audit_filter
from portal.context import current_account, db
from portal.guard import route_requires
from workflow.audit_search import export_events
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
    lines = export_events(db(), actor=current_account(), filters=audit_filter(
        args.get("action"), args.get("actor"), args.get("from"), args.get("to")))
    content = table_workbook(
        f"NHẬT KÝ HOẠT ĐỘNG (xuất ngày {today().strftime('%d/%m/%Y')})",
        ["STT", "Thời gian", "Người thực hiện", "Thao tác", "Đối tượng", "Mã", "Chi tiết"],
        ((i, format_datetime(line.at), line.actor, line.action_label,
          line.object_type_label, line.task_code or line.object_id, line.details)
         for i, line in enumerate(lines, start=1)),
        widths=[6, 18, 24, 30, 12, 8, 60],
    )
    return xlsx_response(content, f"nhat-ky-{today().isoformat()}.xlsx")


def _document(published_id: int | None):
    from portal.callbacks.warning_lists import parse_day
    from portal.context import services
    from workflow import wards, warning_lists

    settings = services().settings
    user = current_account()
    committee, office = wards.letterhead(db(), user, committee=settings.committee_name,
                                         office=settings.office_name)
    if published_id is None:
        report = warning_lists.preview(db(), actor=user, as_of=parse_day(request.args.get("ngay")),
                                       period_kind=request.args.get("ky", "month"))
        return warning_lists.document(committee=committee, office=office, report=report)
    published, rows = warning_lists.get_published(db(), actor=user, list_id=published_id)
    return warning_lists.document(committee=committee, office=office, published=published,
                                  rows=rows)


def _file_name(document, ext: str) -> str:
    suffix = document.period_title.lower().replace(" ", "-").replace("/", "-")
    from storage.base import ascii_slug

    return f"canh-bao-{ascii_slug(suffix)}.{ext}"


def _warning_export(published_id: int | None, ext: str):
    from workflow.errors import DomainError
    from workflow.reports.warning_exports import warning_pdf, warning_xlsx

    try:
        document = _document(published_id)
    except DomainError as error:
        return {"error": error.message}, error.http_status
    if ext == "xlsx":
        return xlsx_response(warning_xlsx(document), _file_name(document, "xlsx"))
    return Response(warning_pdf(document), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{_file_name(document, "pdf")}"'})


@bp.get("/canh-bao/xem-truoc.<any(xlsx, pdf):ext>")
@route_requires(Capability.EXPORT)
def export_warning_preview(ext: str):
    """The evaluated (not yet published) list for ?ngay=YYYY-MM-DD&ky=month|quarter."""
    return _warning_export(None, ext)


@bp.get("/canh-bao/<int:list_id>.<any(xlsx, pdf):ext>")
@route_requires(Capability.EXPORT)
def export_published_warnings(list_id: int, ext: str):
    """A published list exactly as it was published."""
    return _warning_export(list_id, ext)


@bp.get("/xep-hang.xlsx")
@route_requires(Capability.EXPORT)
def export_ranking():
    """The unit ranking as Excel."""
    from workflow.ranking import rank_units

    ranking = rank_units(db(), actor=current_account(), as_of=today())

    def pct(value):
        return "" if value is None else value

    content = table_workbook(
        f"XẾP HẠNG ĐƠN VỊ THỰC HIỆN KẾ HOẠCH (tính đến ngày {today().strftime('%d/%m/%Y')})",
        ["Hạng", "Đơn vị", "Số nhiệm vụ", "Đã hoàn thành", "Hoàn thành đúng hạn",
         "Tỷ lệ đúng hạn (%)", "Đề nghị đã thẩm định", "Bị trả lại", "Tỷ lệ bị trả lại (%)",
         "Lần bị cảnh báo", "Báo cáo phải nộp", "Báo cáo đã nộp", "Báo cáo đúng hạn",
         "Tỷ lệ nộp báo cáo (%)", "Tỷ lệ đúng hạn báo cáo (%)"],
        ((i, r.unit_name, r.tasks, r.completed, r.completed_on_time, pct(r.on_time_rate),
          r.claims_decided, r.claims_rejected, pct(r.rejection_rate), r.warnings,
          r.reports_expected, r.reports_filed, r.reports_on_time, pct(r.reporting_rate),
          pct(r.on_time_reporting_rate)) for i, r in enumerate(ranking, start=1)),
        sheet="Xếp hạng",
    )
    return xlsx_response(content, f"xep-hang-don-vi-{today().isoformat()}.xlsx")


@bp.get("/bao-cao-tinh.<any(xlsx, zip):ext>")
@route_requires(Capability.EXPORT)
def export_province_report(ext: str):
    """The progress report for the province: Excel with links, or a ZIP of the evidence."""
    from flask import send_file

    from portal.context import services
    from workflow.reports.province import province_xlsx, province_zip, report_lines

    plan, lines = report_lines(db(), actor=current_account())
    stamp = today().isoformat()
    if ext == "xlsx":
        from workflow import wards

        settings = services().settings
        committee, _office = wards.letterhead(db(), current_account(),
                                              committee=settings.committee_name,
                                              office=settings.office_name)
        content = province_xlsx(plan, lines, base_url=request.host_url.rstrip("/"),
                                as_of=today(), committee=committee)
        return xlsx_response(content, f"bao-cao-tien-do-{stamp}.xlsx")
    return send_file(province_zip(lines, services().store), mimetype="application/zip",
                     as_attachment=True, download_name=f"minh-chung-{stamp}.zip")
