"""The ``portal`` command starts without the web stack: --help and the cron commands never
import Dash, dash-bootstrap-components or Plotly (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.storage.samples import pdf_bytes

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("dash", "dash_bootstrap_components", "plotly")

# Runs the given command lines in one child process, then prints every command's exit code
# and output and the heavy web modules the child imported on the way.
CHILD = """
import json, sys
from click.testing import CliRunner
from portal.cli import cli

HEAVY = ("dash", "dash_bootstrap_components", "plotly")
runs = []
for args in json.loads(sys.argv[1]):
    result = CliRunner().invoke(cli, args)
    runs.append({"args": args, "code": result.exit_code, "output": result.output,
                 "error": repr(result.exception) if result.exception else None})
heavy = sorted(name for name in sys.modules if name.split(".")[0] in HEAVY)
print(json.dumps({"runs": runs, "heavy": heavy}))
"""


def _run_child(commands: list[list[str]], tmp_path: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "PORTAL_VAR_DIR": str(tmp_path), "EVIDENCE_STORAGE": "local",
           "EVIDENCE_DIR": str(tmp_path / "evidence")}
    for name in ("S3_BUCKET", "SMTP_HOST"):
        env.pop(name, None)
    answer = subprocess.run([sys.executable, "-c", CHILD, json.dumps(commands)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300, check=True)
    return json.loads(answer.stdout.strip().splitlines()[-1])


def test_help_and_cron_commands_do_not_import_the_web_stack(tmp_path):
    sample = tmp_path / "bien-ban.pdf"
    sample.write_bytes(pdf_bytes())
    commands = [["--help"], ["migrate"], ["load-demo"], ["warnings", "--json"],
                ["reminders"], ["gc-evidence", "--dry-run"], ["api-token", "list"],
                ["verify-evidence", str(sample)], ["revalidate-evidence"],
                ["create-user", "--username", "can.bo.moi", "--full-name", "Cán bộ Mới",
                 "--role", "unit_member", "--unit", "VPĐU", "--password", "MatKhau@123"],
                ["import-plan", str(ROOT / "tests/fixtures/ke-hoach-phuoc-binh-2026.docx"),
                 "--plan-year", "2026", "--dry-run", "--json"]]
    result = _run_child(commands, tmp_path)
    for run in result["runs"]:
        # verify-evidence answers 1 for an unsigned PDF: it ran, and that is its verdict.
        expected = 1 if run["args"][0] == "verify-evidence" else 0
        assert run["code"] == expected, run
    assert "serve" in result["runs"][0]["output"]
    assert result["heavy"] == []


def test_the_check_sees_the_web_stack_when_it_is_imported(tmp_path):
    """The same child imports Dash when it builds the web app (the test can fail)."""
    result = _run_child([["serve", "--help"]], tmp_path)
    assert result["runs"][0]["code"] == 0
    assert result["heavy"] == []
    child = CHILD.replace("runs = []", "import portal\nportal.create_app\nruns = []")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "PORTAL_VAR_DIR": str(tmp_path)}
    answer = subprocess.run([sys.executable, "-c", child, "[]"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=True)
    heavy = json.loads(answer.stdout.strip().splitlines()[-1])["heavy"]
    assert "dash" in heavy and "plotly" in heavy
