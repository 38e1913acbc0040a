"""Imports point one way: the contracts in pyproject.toml ([tool.importlinter]) hold.

core < sites | audit < accounts < odoo < mirror < writeback | live < cases | approvals < health | wall;
siblings joined by | do not import each other; nothing in the product imports the simulator; only
the Odoo gateway imports odoorpc. A lower app that must reach a higher one owns a registry that the
higher app fills in its AppConfig.ready (apps/core/registry.py).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path, *contracts: str) -> subprocess.CompletedProcess:
    """Run import-linter in its own process, as CI does (no cache: parallel runs share nothing)."""
    selected = [arg for contract in contracts for arg in ("--contract", contract)]
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", "pyproject.toml", "--no-cache", "--no-logo", *selected],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_every_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


# The contracts must be able to fail: add one forbidden import to a copy of the code and lint it.


@pytest.fixture
def code_copy(tmp_path: Path) -> Path:
    """The Python sources and the contracts, copied, so a test can add an import that breaks them."""
    for package in ("apps", "controltower"):
        for source in (ROOT / package).rglob("*.py"):
            target = tmp_path / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(root: Path, importer: str, imported: str) -> None:
    module = root / (importer.replace(".", "/") + ".py")
    module.write_text(module.read_text() + f"\nimport {imported}  # the import under test\n")


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("apps.live.pulse", "apps.cases.selectors"),  # the pulse reaching up for the headline
        ("apps.core.redis", "apps.live.groups"),  # core is the bottom
        ("apps.sites.models", "apps.accounts.roles"),  # sites below accounts
        ("apps.odoo.client", "apps.mirror.models"),  # the gateway knows nothing of the mirror
        ("apps.cases.models", "apps.approvals.models"),  # siblings are independent
        ("apps.writeback.services", "apps.live.publisher"),
    ],
)
def test_an_upward_or_sideways_import_breaks_the_layers(code_copy, importer, imported):
    add_import(code_copy, importer, imported)
    result = lint_imports(code_copy, "layers")
    assert result.returncode == 1, result.stdout
    assert f"{importer} -> {imported}" in result.stdout  # the report names the offending line


def test_the_product_importing_the_simulator_breaks_its_contract(code_copy):
    add_import(code_copy, "apps.mirror.tasks", "apps.odoosim.server")
    assert lint_imports(code_copy, "simulator").returncode == 1


def test_importing_odoorpc_outside_the_gateway_breaks_its_contract(code_copy):
    add_import(code_copy, "apps.writeback.executor", "odoorpc")
    assert lint_imports(code_copy, "odoo-gateway").returncode == 1
