"""Download of a finished background job's file (its requester only, rights re-checked)."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, send_file

from portal.context import current_account, db, services
from portal.guard import route_requires
from workflow import jobs
from workflow.errors import DomainError
from workflow.permissions import Capability

bp = Blueprint("jobs", __name__)


@bp.get("/cong-viec/<int:job_id>/tai-ve")
@route_requires(Capability.EXPORT)
def download_result(job_id: int):
    """The job's file under its Vietnamese name; 404 for anyone but the person who asked."""
    store = services().store
    try:
        job = jobs.get_for_user(db(), actor=current_account(), job_id=job_id)
        if job.state == "done" and job.result_key:
            url = store.url_for_download(job.result_key, job.result_name, job.result_type)
            if url:
                return redirect(url)
        job, stream = jobs.open_result(db(), actor=current_account(), store=store,
                                       job_id=job_id)
    except DomainError as error:
        return jsonify({"error": error.message}), error.http_status
    return send_file(stream, mimetype=job.result_type, as_attachment=True,
                     download_name=job.result_name, max_age=0)
