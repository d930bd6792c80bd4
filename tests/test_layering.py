"""Data flows one way through the house (../shared/CONVENTIONS.md): the test
walks every import of the project's modules (AST, function-level imports too)
and fails on an arrow that runs the wrong way, directly or through others."""

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("accounts", "bench", "config", "couples", "realtime", "tests")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _resolve(name: str) -> str | None:
    """The project module an imported name lives in (``a.b.c`` may be a name in ``a.b``)."""
    while name:
        if name in modules():
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def imports_of(module: str) -> frozenset[str]:
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            names = [origin] + [f"{origin}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            target = _resolve(name)
            if target is not None and target != module:
                found.add(target)
    return frozenset(found)


def reachable(module: str) -> set[str]:
    seen, todo = set(), [module]
    while todo:
        for target in imports_of(todo.pop()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def under(prefix: str) -> list[str]:
    return sorted(m for m in modules() if m == prefix or m.startswith(prefix + "."))


def _hits(targets, banned):
    return sorted(t for t in targets if any(t == b or t.startswith(b + ".") for b in banned))


# (who, what they must never import, directly or through anything they import)
TRANSITIVE = [
    ("realtime", ["couples.views"]),
    ("couples.services", ["couples.views"]),
    ("couples.parts", ["couples.views", "couples.services"]),
    ("couples.access", ["couples.views", "couples.services", "couples.parts", "realtime"]),
    ("couples.models", ["couples.services", "couples.views", "couples.parts", "realtime"]),
    ("couples.domain", ["couples.services", "couples.views", "couples.parts", "realtime"]),
    ("accounts", ["couples", "realtime"]),
    ("bench", ["tests"]),
]
# Forms import only models, pure domain modules and each other (and Django).
FORMS_MAY_IMPORT = ("couples.models", "couples.domain", "couples.forms")


@pytest.mark.parametrize(("who", "banned"), TRANSITIVE, ids=[who for who, _ in TRANSITIVE])
def test_no_import_runs_against_the_flow(who, banned):
    breaches = {
        module: _hits(reachable(module), banned)
        for module in under(who)
        if _hits(reachable(module), banned)
    }
    assert breaches == {}


def test_forms_import_only_models_and_domain():
    breaches = {
        module: sorted(
            target
            for target in imports_of(module)
            if not any(target == a or target.startswith(a + ".") for a in FORMS_MAY_IMPORT)
        )
        for module in under("couples.forms")
    }
    assert {module: targets for module, targets in breaches.items() if targets} == {}


def test_the_walk_sees_real_arrows():
    """The walk itself works: it finds arrows that do exist, relative and
    function-level ones included."""
    assert "couples.parts" in imports_of("couples.views.dashboard")  # from ..parts import
    assert "couples.access" in reachable("realtime.consumers")  # through realtime.rendering
    assert "couples.parts" in imports_of("realtime.broadcast")
    assert "realtime.writer" in imports_of("realtime.broadcast")  # imported inside a function
    assert _hits(reachable("couples.urls"), ["couples.views"])
