"""The deployment docs cover every deployment file and the operations steps."""

from __future__ import annotations

from .conftest import DEPLOY, REPO


def test_deploy_readme_names_every_deployment_file() -> None:
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    files = [p for p in DEPLOY.rglob("*") if p.is_file() and p.name != "README.md"
             and not p.name.startswith(".")]
    missing = sorted(str(p.relative_to(DEPLOY)) for p in files if p.name not in readme)
    assert not missing, f"deploy/README.md does not mention {missing}"


def test_operations_guide_has_install_upgrade_backup() -> None:
    text = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    headings = {line.strip() for line in text.splitlines() if line.startswith("## ")}
    assert {"## Install", "## Upgrade", "## Backup"} <= headings
