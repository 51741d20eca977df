"""A new page is one module: the README's example, dropped into a package, is collected with
its address, title and capability, and renders for a user who may see the task."""

from __future__ import annotations

import re
import sys

import pytest

from portal.pages import PAGES, collect, navigation
from portal.settings import PROJECT_ROOT
from workflow.permissions import Capability


@pytest.fixture
def readme_page_package(tmp_path, monkeypatch):
    """A package holding only the page module shown in the README's layout section."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    source = re.search(r"```python\n# portal/pages/task_history.py\n(.*?)```", readme, re.S)
    assert source, "README no longer shows how to add a page"
    package = tmp_path / "extra_pages"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "task_history.py").write_text(source.group(1), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "extra_pages"
    for name in [n for n in sys.modules if n.startswith("extra_pages")]:
        del sys.modules[name]


def test_the_readme_example_is_a_complete_page(readme_page_package, app, web_world):
    (page,) = collect(readme_page_package)
    assert page.name == "task_history" and page.capability == Capability.VIEW_TASKS
    assert page.match(f"/nhiem-vu/{web_world.task_a.id}/lich-su") == {"task_id": web_world.task_a.id}
    assert page.document_title.startswith("Lịch sử nhiệm vụ · ")
    with app.test_request_context():
        from db.models import User
        from portal.context import db

        rendered = page.layout(db().get(User, web_world.member_a.id), task_id=web_world.task_a.id)
    assert "Chưa có hoạt động nào." in str(rendered)


def test_navigation_comes_from_the_pages_in_order():
    labels = [page.nav.label for page in navigation()]
    assert labels == ["Toàn tỉnh", "Xếp hạng phường/xã", "Phường/xã", "Trang chủ", "Nhiệm vụ", "Biểu đồ", "Thẩm định", "Cảnh báo", "Nhật ký",
                      "Tài khoản", "Đơn vị", "Nhập kế hoạch", "Báo cáo"]
    assert [page.nav.label for page in navigation(menu=True)] == [
        "Lịch báo cáo và API", "Chứng thư số tin cậy"]
    assert len({page.path for page in PAGES}) == len(PAGES)
