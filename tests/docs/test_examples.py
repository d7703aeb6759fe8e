"""Every example of the documentation runs and prints what its page shows (issue 10 §3).

The examples are the ```console blocks of the pages under docs/ (how they are written and
compared: tests/docs/examples.py). The examples of a page run in page order in a fresh folder
holding a copy of docs/examples/ and, once a command needs it, its own SQLite database.
Every command has a page in the navigation, and every command but those in
NOT_RUNNABLE_IN_A_CONSOLE has examples there that run it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openentry.cli.main import LAZY_COMMANDS
from tests.docs.examples import DOCS, Example, examples_of, output_matches, run

PAGES = sorted(path for path in DOCS.rglob("*.md") if examples_of(path))

# Commands whose page cannot show an example that runs them, and why. Every other command's page
# runs it.
NOT_RUNNABLE_IN_A_CONSOLE = {
    "serve": "a server runs until it is stopped, and a console block waits for its command to end: "
    "the page describes its routes, roles and settings, with requests to make to a running one",
}
# The page documenting each command (one page for user and audit).
PAGE_OF = {name: DOCS / "commands" / f"{'user' if name == 'audit' else name}.md" for name in LAZY_COMMANDS}


def _shown(example: Example, status: int, printed: str) -> str:
    return (
        f"{example.where}: $ {example.command}\n"
        f"--- the page shows (exit status {example.status}):\n" + "\n".join(example.expected) + "\n"
        f"--- the command printed (exit status {status}):\n{printed}"
    )


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(DOCS)) for page in PAGES])
def test_the_examples_of_a_page_print_what_it_shows(page: Path, tmp_path: Path) -> None:
    shutil.copytree(DOCS / "examples", tmp_path / "docs" / "examples")
    for example in examples_of(page):
        status, printed = run(example, tmp_path)
        if status != example.status or not output_matches(example.expected, printed):
            pytest.fail(_shown(example, status, printed), pytrace=False)


def test_every_command_has_a_page_in_the_navigation() -> None:
    navigation = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    for name, page in PAGE_OF.items():
        assert page.is_file(), f"{name}: no page {page.relative_to(DOCS.parent)}"
        assert f"commands/{page.name}" in navigation, f"{name}: {page.name} is not in mkdocs.yml's nav"


@pytest.mark.parametrize("name", sorted(set(LAZY_COMMANDS) - set(NOT_RUNNABLE_IN_A_CONSOLE)))
def test_every_command_built_has_examples_that_run_it(name: str) -> None:
    commands = [example.command for example in examples_of(PAGE_OF[name])]
    assert any(command.startswith(f"openentry {name}") for command in commands), commands
