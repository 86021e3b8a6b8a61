"""environment.yml (conda-forge) lists the same dependencies as pyproject.toml."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT


def _name_and_spec(requirement: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs.extend(extra)
    return dict(_name_and_spec(r) for r in reqs)


#: conda-forge's name of a package → PyPI's.
_PYPI_NAMES = {"python-isal": "isal"}


def _environment() -> dict[str, str]:
    deps = {}
    in_deps = False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        m = re.match(r"^  - ([^#\s][^#]*?)\s*$", line)
        if in_deps and m and not m.group(1).startswith("pip"):
            name, spec = _name_and_spec(m.group(1))
            if name != "python":
                deps[_PYPI_NAMES.get(name, name)] = spec
    return deps


def test_environment_lists_the_same_packages_as_pyproject():
    assert _environment() == _pyproject()
