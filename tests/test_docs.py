"""The docs stay true: the CLI reference lists every command and option; CI runs the README's test command."""

from __future__ import annotations

import re
from typing import Any

import typer

from eventfuse.cli import app

from .conftest import ROOT


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if hasattr(command, "commands"):
            found += _commands(command, f"{prefix}{name} ")
    return found


def test_cli_reference_lists_every_command_and_option() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    for name, command in _commands(root):
        assert f"## eventfuse {name}\n" in reference, name
        section = reference.split(f"## eventfuse {name}\n", 1)[1].split("\n## ", 1)[0]
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("-"):
                    assert option in section, f"{name}: {option} missing from docs/cli.md"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.+?)\n```", readme)
    assert len(commands) >= 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert commands[1] in ci


def test_the_readme_test_command_checks_lint_and_format_before_the_tests() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.findall(r"```bash\n(.+?)\n```", readme)[1]
    steps = [step.strip() for step in command.split("&&")]
    pytest_step = steps.index(".venv/bin/python -m pytest")
    assert steps.index(".venv/bin/ruff check") < pytest_step
    assert steps.index(".venv/bin/ruff format --check") < pytest_step
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    test_extra = pyproject.split("test = [", 1)[1].split("]", 1)[0]
    assert re.search(r'"ruff==[\d.]+"', test_extra)  # the test command installs '.[test]', pinned
