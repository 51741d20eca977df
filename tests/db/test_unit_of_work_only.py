"""Only the unit of work (db/unit_of_work.py) commits or rolls back: requests, API calls,
CLI commands and the demo loader all change data through it, and services never do."""

from __future__ import annotations

import re

from portal.settings import PROJECT_ROOT

PACKAGES = ("portal", "workflow", "db", "storage", "bench")
TRANSACTION_END = re.compile(r"\.(commit|rollback)\(")


def test_nothing_but_the_unit_of_work_commits_or_rolls_back():
    unit_of_work = PROJECT_ROOT / "db" / "unit_of_work.py"
    offenders = [f"{path.relative_to(PROJECT_ROOT)}:{number}"
                 for package in PACKAGES for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
                 if path != unit_of_work
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if TRANSACTION_END.search(line)]
    assert offenders == []
    assert TRANSACTION_END.search(unit_of_work.read_text(encoding="utf-8"))
