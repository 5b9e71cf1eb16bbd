"""Every file and function the README and the pages under docs/ name exists: a path under one
of the project's folders (a ``*`` matches as in a shell) and a dotted name in one of the apps
(``evaluation.access.signed_in``, ``policies.models.Measure.source``), read in backticks."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = {"plan", "policies", "evaluation", "reminders", "publication", "ops", "people"}
FOLDERS_OF_FILES = FOLDERS | {"templates", "fixtures", "tests", "deploy", "docs", ".ci"}
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CODE = re.compile(r"`([^`\n]+)`")


def references(text: str) -> tuple[set[str], set[str]]:
    """(paths, dotted names) written in backticks, each word of a code span on its own."""
    paths, names = set(), set()
    for span in CODE.findall(text):
        for word in re.split(r"[\s,（）()、]+", span):
            word = word.strip(".:;")
            head = re.split(r"[/.]", word, maxsplit=1)[0]
            if "/" in word and head in FOLDERS_OF_FILES and not re.search(r"[<{…]", word):
                paths.add(word.split(":")[0])
            elif (
                re.fullmatch(r"[a-z_]+(\.[A-Za-z_][A-Za-z0-9_]*)+", word)
                and head in FOLDERS
                # a file name or a host name is not one
                and not word.endswith((".py", ".html", ".md", ".json", ".txt", ".jp", ".lan"))
            ):
                names.add(word)
    return paths, names


def resolves(name: str) -> bool:
    """A module and attributes of it, or ``app.Model`` / ``app.permission`` as Django names them."""
    parts = name.split(".")
    if len(parts) == 2 and parts[1] in django_names(parts[0]):
        return True
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def django_names(label: str) -> set[str]:
    try:
        models = apps.get_app_config(label).get_models()
    except LookupError:
        return set()
    return {
        name
        for model in models
        for name in (model.__name__, *(codename for codename, _ in model._meta.permissions))
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_a_page_names_exists(page):
    paths, _names = references(page.read_text())
    missing = sorted(p for p in paths if not any(ROOT.glob(p.rstrip("/"))))
    assert missing == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_function_a_page_names_exists(page):
    _paths, names = references(page.read_text())
    assert sorted(n for n in names if not resolves(n)) == []


def test_the_references_are_read_from_the_text():
    paths, names = references(
        "`evaluation/access.py` と `evaluation.access.signed_in`、`make run`、"
        "`policies/models.py` の `Measure`（`templates/evaluation/_*.html`）"
    )
    assert paths == {"evaluation/access.py", "policies/models.py", "templates/evaluation/_*.html"}
    assert names == {"evaluation.access.signed_in"}
    assert not resolves("evaluation.access.no_such_rule")
    assert resolves("policies.models.Initiative.source")
    assert resolves("publication.Correction") and resolves("people.Participant")


def test_the_readme_links_every_page_under_docs():
    readme = (ROOT / "README.md").read_text()
    assert [p.name for p in PAGES[1:] if f"(docs/{p.name})" not in readme] == []
