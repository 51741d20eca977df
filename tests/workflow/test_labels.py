"""Every enum value has its one Vietnamese label, and the uploader gets the kinds from it."""

from __future__ import annotations

import json

import pytest

from db.models import DeadlineKind, EvidenceKind, ReportPeriod, Role
from workflow import labels
from workflow.status import TaskStatus


@pytest.mark.parametrize("enum_type,table", [
    (Role, labels.ROLE_LABELS), (TaskStatus, labels.STATUS_LABELS),
    (EvidenceKind, labels.EVIDENCE_KIND_LABELS), (DeadlineKind, labels.DEADLINE_KIND_LABELS),
    (ReportPeriod, labels.REPORT_PERIOD_LABELS)])
def test_every_member_has_a_label(enum_type, table):
    assert set(table) == set(enum_type) and all(text.strip() for text in table.values())


def test_label_accepts_members_and_stored_strings():
    assert labels.label(DeadlineKind.RECURRING, labels.DEADLINE_KIND_LABELS) == \
        "Thường xuyên / hằng năm"
    assert labels.label("photo", labels.EVIDENCE_KIND_LABELS) == "Ảnh chụp sản phẩm"
    assert labels.label(None, labels.EVIDENCE_KIND_LABELS) == ""


def test_the_uploader_receives_the_evidence_kinds_as_data():
    from portal.layouts.task_actions import claim_panel

    panel = claim_panel(7, max_mb=50, pending=False)
    uploader = next(c for c in _walk(panel) if getattr(c, "id", None) == "evidence-uploader")
    kinds = json.loads(getattr(uploader, "data-kinds"))
    assert kinds == labels.options(labels.EVIDENCE_KIND_LABELS)
    assert kinds[0] == {"label": "Văn bản pháp lý đã ký", "value": "signed_document"}


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            yield from _walk(child)
