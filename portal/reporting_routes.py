"""Download of a kept periodic report version (Word)."""

from __future__ import annotations

from flask import Blueprint, jsonify, send_file

from portal.context import current_account, db, services
from portal.guard import route_requires
from workflow import periodic_reports
from workflow.errors import DomainError
from workflow.permissions import Capability

bp = Blueprint("reporting", __name__)


@bp.get("/bao-cao-dinh-ky/<int:report_id>.docx")
@route_requires(Capability.EXPORT)
def download_report(report_id: int):
    """The stored .docx of one version, under its Vietnamese file name."""
    try:
        report, stream = periodic_reports.open_report(db(), actor=current_account(),
                                                      store=services().store,
                                                      report_id=report_id)
    except DomainError as error:
        return jsonify({"error": error.message}), error.http_status
    return send_file(stream, mimetype=periodic_reports.DOCX, as_attachment=True,
                     download_name=report.file_name, max_age=0)
