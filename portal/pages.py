"""The portal's pages: path, title and the capability needed to open them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflow.permissions import Capability


@dataclass(frozen=True)
class Page:
    """A routable page. ``pattern`` is a regular expression over the URL path."""

    name: str
    pattern: str
    title: str
    capability: Capability

    def match(self, path: str) -> re.Match | None:
        """The match of ``path`` against this page, or None."""
        return re.fullmatch(self.pattern, path)


PAGES: tuple[Page, ...] = (
    Page("home", r"/", "Trang chủ", Capability.VIEW_TASKS),
    Page("dashboard", r"/tong-quan", "Biểu đồ tổng quan", Capability.VIEW_DASHBOARD),
    Page("tasks", r"/nhiem-vu", "Danh sách nhiệm vụ", Capability.VIEW_TASKS),
    Page("task", r"/nhiem-vu/(?P<task_id>\d+)", "Chi tiết nhiệm vụ", Capability.VIEW_TASKS),
    Page("review", r"/tham-dinh", "Chờ thẩm định", Capability.REVIEW),
    Page("claim", r"/tham-dinh/(?P<claim_id>\d+)", "Thẩm định đề nghị", Capability.REVIEW),
    Page("warnings", r"/canh-bao", "Danh sách cảnh báo", Capability.VIEW_WARNINGS),
    Page("warning_list", r"/canh-bao/(?P<list_id>\d+)", "Danh sách cảnh báo đã công bố",
         Capability.VIEW_WARNINGS),
    Page("audit", r"/nhat-ky", "Nhật ký hoạt động", Capability.VIEW_AUDIT),
    Page("notifications", r"/thong-bao", "Thông báo", Capability.VIEW_TASKS),
    Page("users", r"/quan-tri/tai-khoan", "Quản lý tài khoản", Capability.MANAGE_USERS),
    Page("import", r"/quan-tri/nhap-ke-hoach", "Nhập kế hoạch", Capability.IMPORT_PLAN),
    Page("units", r"/quan-tri/don-vi", "Quản lý đơn vị", Capability.MANAGE_UNITS),
)


def find_page(path: str) -> Page | None:
    """The page serving ``path`` (trailing slash ignored), or None."""
    path = path.rstrip("/") or "/"
    return next((page for page in PAGES if page.match(path)), None)
