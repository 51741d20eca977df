"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Field names here are the API's contract; tests validate this document and check that every
example and every real response match its schemas.
"""

from __future__ import annotations

import copy
from functools import cache

STR = {"type": "string"}
INT = {"type": "integer"}
NSTR = {"type": ["string", "null"]}
NINT = {"type": ["integer", "null"]}
DATE = {"type": "string", "format": "date"}
NDATE = {"type": ["string", "null"], "format": "date"}
NTIME = {"type": ["string", "null"], "format": "date-time"}
TIME = {"type": "string", "format": "date-time"}


def _obj(properties: dict, nullable: bool = False) -> dict:
    schema = {"type": ["object", "null"] if nullable else "object", "properties": properties,
              "required": list(properties), "additionalProperties": False}
    return schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable_ref(name: str) -> dict:
    return {"oneOf": [{"type": "null"}, _ref(name)]}


def _page_of(name: str) -> dict:
    return _obj({"data": {"type": "array", "items": _ref(name)}, "page": INT, "size": INT,
                 "total": INT, "next_page": NINT})


UNIT = _obj({"id": INT, "name": STR})

SCHEMAS = {
    "Error": _obj({"error": STR}),
    "UnitRef": UNIT,
    "ReportingCalendar": _obj({
        "unit_reporting_day": INT, "office_aggregation_day": INT,
        "quarterly_report_day": INT,
        "year_end_report_date": {"type": "string", "pattern": r"^\d{2}-\d{2}$",
                                 "description": "MM-DD"}}),
    "Plan": _obj({"id": INT, "number": STR, "title": STR, "issuing_body": STR, "year": INT,
                  "start_date": DATE, "end_date": DATE,
                  "reporting_calendar": _ref("ReportingCalendar")}),
    "Section": _obj({"id": INT, "plan_id": INT, "code": STR, "title": STR, "position": INT,
                     "task_count": INT}),
    "Task": _obj({
        "id": INT, "plan_id": INT, "code": STR, "title": STR,
        "section": _obj({"id": INT, "code": STR}),
        "lead_unit": _nullable_ref("UnitRef"),
        "deadline": _obj({"text": STR, "date": NDATE,
                          "kind": {"enum": ["fixed", "recurring", "conditional", "unknown"]}}),
        "status": {"enum": ["not_started", "in_progress", "pending_review", "completed",
                            "not_completed"]},
        "completion_percent": {"type": "integer", "minimum": 0, "maximum": 100},
        "completed_at": NTIME,
        "kpi": _obj({"text": STR, "target": {"type": ["number", "null"]}, "unit": NSTR},
                    nullable=True),
        "warnings": {"type": "array", "items": {
            "enum": ["overdue", "behind_schedule", "poor_evidence", "missing_report"]}},
        "updated_at": TIME}),
    "ProgressReport": _obj({
        "id": INT, "task_id": INT, "task_code": STR, "unit": _ref("UnitRef"),
        "period_kind": {"enum": ["week", "month", "quarter"]}, "period_label": STR,
        "period_start": DATE, "completion_percent": INT, "narrative": STR,
        "difficulties": STR, "proposals": STR, "created_at": TIME}),
    "Evidence": _obj({
        "id": INT, "file_name": STR, "content_type": STR, "size_bytes": INT,
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "kind": {"enum": ["signed_document", "photo", "other"]},
        "signature": {"enum": ["signed", "unsigned", None]},
        "download_url": {"type": "string", "format": "uri"},
        "download_expires_at": TIME}),
    "Decision": _obj({"decision": {"enum": ["approve", "reject"]}, "reason_code": NSTR,
                      "reason": STR, "decided_at": TIME}),
    "Claim": _obj({
        "id": INT, "task_id": INT, "task_code": STR, "unit": _ref("UnitRef"),
        "state": {"enum": ["pending", "approved", "rejected", "withdrawn"]}, "note": STR,
        "created_at": TIME, "decided_at": NTIME, "decision": _nullable_ref("Decision"),
        "evidence": {"type": "array", "items": _ref("Evidence")}}),
    "WarningRow": _obj({
        "task_id": INT, "task_code": STR, "task_title": STR,
        "unit": _nullable_ref("UnitRef"), "deadline": _obj({"text": STR, "date": NDATE}),
        "reasons": {"type": "array", "items": STR}}),
    "WarningList": _obj({
        "id": INT, "plan_id": INT, "period_kind": {"enum": ["month", "quarter"]},
        "period_label": STR, "as_of": DATE, "published_at": TIME,
        "rows": {"type": "array", "items": _ref("WarningRow")}}),
    "UnitRank": _obj({
        "rank": INT, "unit": _ref("UnitRef"), "tasks": INT, "completed": INT,
        "completed_on_time": INT, "on_time_rate": NINT, "claims_decided": INT,
        "claims_rejected": INT, "rejection_rate": NINT, "warnings": INT,
        "reports_expected": INT, "reports_filed": INT, "reports_on_time": INT,
        "reporting_rate": NINT, "on_time_reporting_rate": NINT}),
    "Ranking": _obj({"as_of": DATE, "data": {"type": "array", "items": _ref("UnitRank")}}),
}
for _name in ("Plan", "Section", "Task", "ProgressReport", "Claim", "WarningList"):
    SCHEMAS[f"{_name}Page"] = _page_of(_name)

_UNIT_A = {"id": 3, "name": "Văn phòng Đảng ủy"}
_CAL = {"unit_reporting_day": 18, "office_aggregation_day": 19, "quarterly_report_day": 30,
        "year_end_report_date": "12-15"}
EXAMPLES = {
    "PlanPage": {"data": [{
        "id": 1, "number": "09-KH/ĐU", "title": "Kế hoạch thực hiện Nghị quyết 57-NQ/TW năm 2026",
        "issuing_body": "Đảng ủy phường Phước Bình", "year": 2026, "start_date": "2026-01-01",
        "end_date": "2026-12-31", "reporting_calendar": _CAL}],
        "page": 1, "size": 1, "total": 1, "next_page": None},
    "SectionPage": {"data": [{"id": 1, "plan_id": 1, "code": "I",
                              "title": "Nâng cao nhận thức, chuyển đổi tư duy", "position": 0,
                              "task_count": 12}],
                    "page": 1, "size": 1, "total": 1, "next_page": None},
    "TaskPage": {"data": [{
        "id": 17, "plan_id": 1, "code": "I.1", "title": "Quán triệt Nghị quyết 57-NQ/TW",
        "section": {"id": 1, "code": "I"}, "lead_unit": _UNIT_A,
        "deadline": {"text": "Quý II/2026", "date": "2026-06-30", "kind": "fixed"},
        "status": "in_progress", "completion_percent": 60, "completed_at": None,
        "kpi": {"text": "100% đảng viên được quán triệt", "target": 100.0, "unit": "%"},
        "warnings": ["missing_report"], "updated_at": "2026-05-02T01:30:00Z"}],
        "page": 1, "size": 50, "total": 1, "next_page": None},
    "ProgressReportPage": {"data": [{
        "id": 120, "task_id": 17, "task_code": "I.1", "unit": _UNIT_A, "period_kind": "month",
        "period_label": "Tháng 05/2026", "period_start": "2026-05-01", "completion_percent": 60,
        "narrative": "Đã tổ chức hội nghị quán triệt.", "difficulties": "Thiếu kinh phí.",
        "proposals": "Đề nghị bổ sung kinh phí.", "created_at": "2026-05-15T02:00:00Z"}],
        "page": 1, "size": 50, "total": 1, "next_page": None},
    "ClaimPage": {"data": [{
        "id": 9, "task_id": 17, "task_code": "I.1", "unit": _UNIT_A, "state": "approved",
        "note": "Kèm biên bản hội nghị.", "created_at": "2026-06-01T03:00:00Z",
        "decided_at": "2026-06-02T03:00:00Z",
        "decision": {"decision": "approve", "reason_code": None, "reason": "",
                     "decided_at": "2026-06-02T03:00:00Z"},
        "evidence": [{"id": 31, "file_name": "Biên bản hội nghị.pdf",
                      "content_type": "application/pdf", "size_bytes": 182044,
                      "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                      "kind": "signed_document", "signature": "signed",
                      "download_url": "https://cong.example.vn/api/v1/evidence/31/download?sig=…",
                      "download_expires_at": "2026-06-10T03:05:00Z"}]}],
        "page": 1, "size": 50, "total": 1, "next_page": None},
    "WarningListPage": {"data": [{
        "id": 4, "plan_id": 1, "period_kind": "month", "period_label": "Tháng 05/2026",
        "as_of": "2026-05-20", "published_at": "2026-05-20T09:00:00Z",
        "rows": [{"task_id": 17, "task_code": "I.1",
                  "task_title": "Quán triệt Nghị quyết 57-NQ/TW", "unit": _UNIT_A,
                  "deadline": {"text": "Quý II/2026", "date": "2026-06-30"},
                  "reasons": ["missing_report"]}]}],
        "page": 1, "size": 50, "total": 1, "next_page": None},
    "Ranking": {"as_of": "2026-05-20", "data": [{
        "rank": 1, "unit": _UNIT_A, "tasks": 10, "completed": 4, "completed_on_time": 3,
        "on_time_rate": 30, "claims_decided": 5, "claims_rejected": 1, "rejection_rate": 20,
        "warnings": 2, "reports_expected": 40, "reports_filed": 36, "reports_on_time": 30,
        "reporting_rate": 90, "on_time_reporting_rate": 75}]},
    "Error": {"error": "Mã truy cập API đã hết hạn."},
}

_PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "size", "in": "query",
     "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
]


def _param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "schema": schema, "description": description}


UNIT_ID = _param("unit_id", {"type": "integer"}, "Đơn vị (chủ trì / báo cáo / đề nghị).")
PERIOD = _param("period", {"type": "string", "pattern": r"^\d{4}-(\d{2}|Q[1-4])$"},
                "Tháng YYYY-MM hoặc quý YYYY-Qn.")
SINCE = _param("updated_since", {"type": "string"},
               "Chỉ lấy dữ liệu thay đổi từ thời điểm này (ISO 8601; không có múi giờ = giờ "
               "Việt Nam).")
TASK_ID = _param("task_id", {"type": "integer"}, "Nhiệm vụ.")

# path → (operationId, summary, response schema, parameters)
OPERATIONS = {
    "/plans": ("listPlans", "Kế hoạch", "PlanPage", []),
    "/plans/{plan_id}/sections": ("listSections", "Nhóm nhiệm vụ của kế hoạch", "SectionPage",
                                  [{"name": "plan_id", "in": "path", "required": True,
                                    "schema": {"type": "integer"}}]),
    "/tasks": ("listTasks", "Nhiệm vụ, trạng thái, tỷ lệ hoàn thành, chỉ tiêu, cảnh báo",
               "TaskPage", [
                   _param("plan_id", {"type": "integer"}, "Kế hoạch."), UNIT_ID,
                   _param("status", SCHEMAS["Task"]["properties"]["status"], "Trạng thái."),
                   PERIOD, SINCE, *_PAGE_PARAMS]),
    "/progress-reports": ("listProgressReports", "Báo cáo tiến độ theo kỳ",
                          "ProgressReportPage", [PERIOD, UNIT_ID, TASK_ID, SINCE,
                                                 *_PAGE_PARAMS]),
    "/claims": ("listClaims", "Đề nghị công nhận hoàn thành, kết quả thẩm định, minh chứng",
                "ClaimPage", [
                    _param("status", SCHEMAS["Claim"]["properties"]["state"],
                           "Trạng thái đề nghị."), UNIT_ID, TASK_ID, SINCE, *_PAGE_PARAMS]),
    "/warning-lists": ("listWarningLists", "Danh sách cảnh báo đã công bố", "WarningListPage",
                       [_param("period_kind", {"enum": ["month", "quarter"]}, "Loại kỳ."),
                        *_PAGE_PARAMS]),
    "/ranking": ("getRanking", "Xếp hạng đơn vị (khen thưởng, phê bình)", "Ranking",
                 [_param("as_of", {"type": "string", "format": "date"},
                         "Tính đến ngày (YYYY-MM-DD), mặc định hôm nay.")]),
}


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {
        "schema": _ref("Error"), "example": EXAMPLES["Error"]}}}


@cache
def _document() -> dict:
    paths = {}
    for path, (operation_id, summary, schema, params) in OPERATIONS.items():
        paths[path] = {"get": {
            "operationId": operation_id, "summary": summary, "parameters": params,
            "responses": {
                "200": {"description": "Thành công. Có ETag; gửi If-None-Match để nhận 304.",
                        "headers": {"ETag": {"schema": {"type": "string"}}},
                        "content": {"application/json": {"schema": _ref(schema),
                                                         "example": EXAMPLES[schema]}}},
                "304": {"description": "Không thay đổi so với ETag đã gửi."},
                "400": _error_response("Tham số không hợp lệ."),
                "401": _error_response("Thiếu, sai, đã thu hồi hoặc hết hạn mã truy cập."),
                "404": _error_response("Không tìm thấy."),
                "429": _error_response("Vượt quá số lượt gọi cho phép."),
            }}}
    paths["/evidence/{evidence_id}/download"] = {"get": {
        "operationId": "downloadEvidence",
        "summary": "Tải file minh chứng qua liên kết có chữ ký, hết hạn sau 5 phút "
                   "(lấy từ trường download_url; không cần gửi mã truy cập)",
        "security": [],
        "parameters": [{"name": "evidence_id", "in": "path", "required": True,
                        "schema": {"type": "integer"}},
                       {"name": "sig", "in": "query", "required": True,
                        "schema": {"type": "string"}}],
        "responses": {"200": {"description": "Nội dung file.",
                              "content": {"application/octet-stream": {}}},
                      "302": {"description": "Chuyển tới liên kết tải trực tiếp của kho S3."},
                      "401": _error_response("Liên kết sai hoặc đã hết hạn, hoặc mã truy cập "
                                             "đã bị thu hồi, hết hạn."),
                      "404": _error_response("Không tìm thấy file.")}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "API báo cáo — Cổng minh chứng chuyển đổi số", "version": "1.0.0",
                 "description": "API chỉ đọc cho hệ thống theo dõi của cấp trên. Gửi "
                                "Authorization: Bearer <mã truy cập>. Mọi lỗi trả về JSON "
                                "{\"error\": \"…\"} bằng tiếng Việt."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer"}}},
    }


def openapi_document() -> dict:
    """A fresh copy of the document (callers may not alter the cached one)."""
    return copy.deepcopy(_document())
