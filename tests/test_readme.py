"""The README's Python snippets run as written against a freshly built output."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from pipeline import config
from pipeline.exports import write_exports

README = (config.ROOT / "README.md").read_text(encoding="utf-8")
SNIPPETS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_readme_has_snippets():
    assert len(SNIPPETS) >= 3


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_snippet_runs(snippet, sample_output, tmp_path, capsys):
    for module in re.findall(r"^import (\w+)", snippet, re.M):
        pytest.importorskip(module)
    shutil.copytree(sample_output, tmp_path / "data" / "processed")
    write_exports(tmp_path / "data" / "processed")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(snippet, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    capsys.readouterr()


def _commands() -> list[str]:
    """Shell commands the README shows: indented code lines and inline code spans."""
    prose = re.sub(r"```.*?```", "", README, flags=re.S)
    indented = [line.strip() for line in prose.splitlines() if line.startswith("    ") and line.strip()]
    inline = re.findall(r"`([^`\n]+)`", prose)
    return indented + inline


def test_commands_use_the_virtual_environment():
    """`make data` installs into .venv: a bare `python`/`pip` would be the system's (unless activated, as said)."""
    bare = [c for c in _commands() if re.match(r"(python3?|pip3?) ", c) and "activate" not in c]
    assert bare == [], f"use .venv/bin/python (or a make target): {bare}"
    assert "source .venv/bin/activate" in README


def test_python_module_commands_exist():
    from pipeline.cli import parser

    for command in _commands():
        found = re.match(r"\.venv/bin/python -m pipeline (\w+)", command)
        if found:
            assert found.group(1) in parser().format_help(), command
