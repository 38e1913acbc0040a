"""The README says only what exists: every command, make target and screen it names is there.
(Its configuration table is checked against settings.py in test_settings.py.)"""

import re
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_every_management_command_the_readme_names_exists():
    named = set(re.findall(r"manage\.py (\w+)", README))
    assert {"sync_odoo", "odoo_simulator", "audit_verify"} <= named  # the pattern finds them
    assert named - set(get_commands()) == set()


def test_every_make_target_the_readme_names_exists():
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))
    named = set(re.findall(r"`(?:[A-Z_]+=\S* )*make ([a-z][a-z-]*)", README))
    assert {"demo", "test", "test-fast", "lock"} <= named
    assert named - targets == set()


def _screens() -> list[str]:
    """The paths in the first column of the README's screens table, with example values for <parts>."""
    section = README.split("\n## The screens\n", 1)[1].split("\n## ", 1)[0]
    paths = re.findall(r"^\| `(/[^`]*)`", section, re.MULTILINE)
    return [re.sub(r"<[a-z_]+>", "BRU", path) for path in paths]


@pytest.mark.parametrize("path", _screens())
def test_every_screen_in_the_readme_has_a_url(path):
    try:
        resolve(path)
    except Resolver404:
        pytest.fail(f"the README lists {path}, but no URL answers it")
