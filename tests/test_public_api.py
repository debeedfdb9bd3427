"""The public surface: a locked ``__all__``, lazy imports, and imports flowing one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import backplan

SRC = Path(backplan.__file__).parent

# Layers, lowest first: a module may import from its own layer or lower ones only.
LAYERS = [
    {"errors", "_lazy", "_find", "_gc", "_compiled", "_columns", "_json_rows", "_plan_memo",
     "staffing", "words"},
    {"models"},
    {"calendars", "graph"},
    {"scheduling"},
    {"analysis"},
    {"io", "export"},
    {"cli", "__main__"},
]


def layer_of(module: str) -> int:
    top = module.split(".")[1] if module.startswith("backplan.") else module
    for rank, names in enumerate(LAYERS):
        if top in names:
            return rank
    raise AssertionError(f"module {module!r} is in no layer; add it to LAYERS")


def backplan_imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("backplan."):
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.startswith("backplan.")]
    return found


def module_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p.name != "__init__.py" or p.parent != SRC)


@pytest.mark.parametrize("path", module_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_flow_one_way(path: Path) -> None:
    own = "backplan." + ".".join(path.relative_to(SRC).with_suffix("").parts)
    for imported, line in backplan_imports(path):
        assert layer_of(imported) <= layer_of(own), (
            f"{path.relative_to(SRC)}:{line} imports {imported}, a higher layer than {own}"
        )


def private_names_imported(path: Path) -> list[str]:
    """``module._name`` for each private name (not a private submodule) that ``path`` imports
    from another backplan module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ImportFrom) and node.module
                and node.module.startswith("backplan")):
            continue
        for alias in node.names:
            name = alias.name
            if not name.startswith("_") or name.startswith("__"):
                continue
            submodule = SRC.joinpath(*node.module.split(".")[1:], name)
            if not (submodule.with_suffix(".py").exists() or submodule.is_dir()
                    or submodule.with_suffix(".pyi").exists()):  # a compiled submodule
                found.append(f"{node.module}.{name} (line {node.lineno})")
    return found


def test_no_module_imports_another_modules_private_name() -> None:
    offenders = {str(path.relative_to(SRC)): names for path in module_files()
                 if (names := private_names_imported(path))}
    assert offenders == {}, "make the name public in its module, or move the code beside it"


def test_all_is_sorted_and_every_name_resolves() -> None:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions (dunders with the last).
    def kind(name: str) -> tuple[int, str]:
        rank = 0 if name.isupper() else 1 if name[0].isupper() else 2
        return rank, name

    assert backplan.__all__ == sorted(backplan.__all__, key=kind)
    assert len(set(backplan.__all__)) == len(backplan.__all__)
    for name in backplan.__all__:
        assert getattr(backplan, name) is not None, name


def test_core_public_names_are_locked() -> None:
    core = {
        "Action", "BackplanError", "Calendar", "Fix", "Flag", "Goal", "InfeasibleScheduleError",
        "KeyResult", "METRICS", "Metric", "Milestone", "MilestoneDate", "MissingExtraError",
        "PROBLEM_CODES", "Plan", "PlanError", "PlanFileError", "PlanValidationError", "Problem",
        "Schedule", "ScheduleRangeError", "ScheduledAction", "WorkingCalendar", "__version__",
        "build_graph", "dump_plan", "format_table", "load_plan", "loads_plan", "plan_problems",
        "schedule_plan", "to_csv", "validate_plan",
    }
    assert core <= set(backplan.__all__)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'shedule_plan'"):
        backplan.shedule_plan  # noqa: B018


def test_import_is_light() -> None:
    heavy = ["networkx", "pandas", "numpy", "matplotlib", "plotly", "icalendar", "holidays",
             "ortools", "yaml", "pydantic"]
    code = (
        "import sys, backplan; "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_scheduling_does_not_import_networkx_or_numpy_for_a_small_plan() -> None:
    code = (
        "import sys, datetime as dt, backplan; "
        "plan = backplan.load_plan({'goal': {'id': 'g', 'due': '2027-01-29'}, "
        "'actions': [{'id': 'a', 'duration': 2}]}); "
        "backplan.schedule_plan(plan, today=dt.date(2027, 1, 4)); "
        "print(','.join(m for m in ('networkx', 'pandas', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
