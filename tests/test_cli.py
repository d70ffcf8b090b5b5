"""The command line explains itself: every command has a description, every option its help and default."""

from __future__ import annotations

import argparse
import re
import subprocess

import pytest

from pipeline import config
from pipeline.cli import parser


def _commands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


COMMANDS = sorted(_commands())


def test_every_command_is_listed_with_a_summary():
    text = parser().format_help()
    for name in COMMANDS:
        assert re.search(rf"^\s+{name}\s+\w", text, re.M), name


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help_and_a_default(name):
    command = _commands()[name]
    assert command.description and len(command.description) > 30, f"{name} has no description"
    text = re.sub(r"\s+", " ", command.format_help())
    for action in command._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, f"{name} {action.dest} has no help"
        if action.option_strings and action.nargs != 0:  # an option that takes a value
            helped = re.sub(r"\s+", " ", command._get_formatter()._expand_help(action))
            assert "default" in helped, f"{name} {action.option_strings[0]}: no default shown"
            assert helped in text


def test_build_help_shows_the_defaults_as_used():
    text = re.sub(r"\s+", " ", _commands()["build"].format_help())
    assert f"(default: {config.DEFAULT_CONFLICT}," in text
    assert "data/raw/<conflict>" in text and "data/processed" in text
    validate = re.sub(r"\s+", " ", _commands()["validate"].format_help())
    assert "(default: data/processed)" in validate or f"(default: {config.PROCESSED_DIR})" in validate


def test_help_runs_from_the_shell():
    import sys

    result = subprocess.run([sys.executable, "-m", "pipeline", "build", "--help"], capture_output=True, text=True, cwd=config.ROOT, check=False)
    assert result.returncode == 0 and "--raw FOLDER" in result.stdout and "(default:" in result.stdout


def test_make_help_shows_the_values_of_its_variables():
    if not (config.ROOT / "Makefile").is_file():
        pytest.skip("no Makefile")
    try:
        result = subprocess.run(["make", "-s", "help", "OUT=/tmp/somewhere", "CONFLICT=karabakh-2020"], capture_output=True, text=True, cwd=config.ROOT, check=False)
    except FileNotFoundError:
        pytest.skip("make not installed")
    assert result.returncode == 0, result.stderr
    assert "$(" not in result.stdout
    assert "Build /tmp/somewhere from data/raw/karabakh-2020" in result.stdout
