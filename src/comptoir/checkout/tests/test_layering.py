"""The import rule between the apps this one ties together: checkout -> orders, payments; payments never imports
orders nor checkout; orders imports neither checkout nor payments; domain/ modules import no
Django. Checked on the source (imports at any depth, including those inside functions); tests are left out."""

from __future__ import annotations

import ast
from pathlib import Path

import comptoir

ROOT = Path(comptoir.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def sources(app: str) -> list[Path]:
    return [
        path
        for path in sorted((ROOT / app).rglob("*.py"))
        if "tests" not in path.relative_to(ROOT).parts and "migrations" not in path.relative_to(ROOT).parts
    ]


def offenders(app: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> dict[str, list[str]]:
    found = {}
    for path in sources(app):
        bad = sorted(
            name for name in imported_modules(path) if name.startswith(forbidden) and not name.startswith(allowed)
        )
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


def test_payments_imports_neither_orders_nor_checkout():
    assert offenders("payments", ("comptoir.orders", "comptoir.checkout")) == {}


def test_orders_imports_neither_payments_nor_checkout():
    assert offenders("orders", ("comptoir.checkout", "comptoir.payments")) == {}


def test_domain_modules_import_no_django():
    for app in ("orders", "payments", "checkout"):
        for path in (ROOT / app).glob("domain/*.py"):
            assert not [name for name in imported_modules(path) if name.split(".")[0] == "django"], path


def test_the_check_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from comptoir.orders.models import SellerOrder\n")
    assert "comptoir.orders.models" in imported_modules(module)
