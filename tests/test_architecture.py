"""The architecture, kept: core/ is layered and platform-neutral, adapters talk to the service alone, modules stay
small, and nothing does I/O at import time."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_CORE = {"slack_bolt", "slack_sdk", "discord", "sqlalchemy", "alembic", "psycopg2", "db", "bots", "aiohttp"}
# What each part of core/ may import from core/: the layers, from the bottom up (see docs/architecture.md).
CORE_LAYERS = {
    "domain": {"domain"},
    "settings": set(),
    "ports": {"domain", "ports"},
    "providers": {"domain", "ports", "providers"},
    "voice": {"domain", "ports", "voice"},
    "coaching": {"domain", "ports", "voice", "tailoring", "coaching"},
    "tailoring": {"domain", "tailoring"},
    "interview": {"domain", "ports", "voice", "coaching", "providers", "tailoring", "interview", "settings"},
}
MAX_LINES = 300
ADAPTERS = ("slack", "discord", "terminal")


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> list[str]:
    """Every module path path imports (from-imports by their module)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def _part_of_core(module: str) -> str:
    """core.interview.service -> interview; core.settings -> settings; core -> core."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "core"


def test_core_imports_no_platform_sdk_and_no_storage() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted({m.split(".")[0] for m in _imports(path)} & FORBIDDEN_IN_CORE)
        for path in _modules("core")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert len(offenders) > 10  # the scan really saw the core modules


def test_core_is_layered_with_no_flat_pile_of_modules() -> None:
    top_level = sorted(p.name for p in (ROOT / "core").glob("*.py"))
    assert top_level == ["__init__.py", "settings.py"]  # everything else lives in a part named by its job
    offenders = []
    for path in _modules("core"):
        part = _part_of_core(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if part == "__init__":
            continue
        for module in _imports(path):
            if module.startswith("core.") and _part_of_core(module) not in CORE_LAYERS[part] | {part}:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_core_has_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for path in _modules("core"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        graph[name] = {m for m in _imports(path) if m.startswith("core.")}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        assert name not in visiting, " -> ".join([*visiting[visiting.index(name) :], name])
        if name in done or name not in graph:
            return
        visiting.append(name)
        for dependency in graph[name]:
            visit(dependency)
        visiting.pop()
        done.add(name)

    for name in graph:
        visit(name)
    assert len(done) > 30


def test_adapters_reach_storage_only_through_the_service() -> None:
    reach = re.compile(r"service\.(store|outbox|_)")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in _modules("bots")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if reach.search(line)
    ]
    assert offenders == []
    # Nor do they import storage, the service's parts, or each other; only the composition root wires things up.
    # The service, the values it takes and gives (and the pure renderings of them), and the ports adapters implement.
    allowed_core = ("core.domain", "core.ports", "core.settings", "core.interview.service", "core.interview.reading",
                    "core.interview.starting", "core.interview.report", "core.interview.progress",
                    "core.interview.charts", "core.coaching.scorecard")  # fmt: skip
    for adapter in ADAPTERS:
        for path in _modules(f"bots/{adapter}"):
            for module in _imports(path):
                own = (f"bots.{adapter}", "bots.bootstrap", "bots.periodic")
                if module.startswith("db") or (module.startswith("bots.") and not module.startswith(own)):
                    raise AssertionError(f"{path.relative_to(ROOT)} imports {module}")
                if module.startswith("core.") and not module.startswith(allowed_core):
                    raise AssertionError(f"{path.relative_to(ROOT)} imports {module}")


def test_nothing_writes_the_environment() -> None:
    writes = re.compile(r"os\.environ(\[[^]]+\]\s*=|\.(pop|setdefault|update|clear)\()|os\.(putenv|unsetenv)\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("core", "bots", "db")
        for path in _modules(folder)
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if writes.search(line)
    ]
    assert offenders == []


def test_modules_stay_small() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for folder in ("core", "bots", "db", "bench", "tests")
        for path in _modules(folder)
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_importing_everything_touches_no_database_or_network(tmp_path: Path) -> None:
    code = (
        "import bots.cli, bots.bootstrap, bots.slack.app, bots.discord.client, core.interview.service, db.store,"
        " db.migrate; import os; print(sorted(os.listdir('.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(tmp_path / "xdg"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]" and not (tmp_path / "xdg").exists()
