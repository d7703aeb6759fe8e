"""The catalogue's upkeep: every text the pages show, gathered from the code and the templates.

``python -m openentry.web.catalogue`` extracts the texts (Babel: ``N_``/``gettext`` in the web
package's Python, ``_()`` in its Jinja2 templates) and merges them into each language's ``.po``:
new texts are added untranslated, texts no longer used are dropped, translations are kept. The
tests extract the same way and fail when a French entry is missing, empty or fuzzy
(tests/web/test_catalogues.py). Babel's extraction is a tool of the developers, not of the
running pages.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from openentry.web.i18n import CATALOGUE_DOMAIN, ENGLISH, LANGUAGES, catalogue_path

WEB_DIRECTORY = Path(__file__).parent
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {
    "templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trimmed": "false"}
}


def extracted() -> Catalog:
    """Every text the web package marks for translation, with where it is used."""
    catalogue = Catalog(domain=CATALOGUE_DOMAIN, project="openentry", fuzzy=False)
    for filename, line, message, comments, context in extract_from_dir(
        WEB_DIRECTORY, METHODS, options_map=OPTIONS, comment_tags=("Translators:",), strip_comment_tags=True
    ):
        catalogue.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return catalogue


def read_catalogue(path: Path, locale: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=CATALOGUE_DOMAIN)


def update() -> list[str]:
    """Merge the extracted texts into every language's ``.po``; the texts left to translate."""
    template = extracted()
    missing: list[str] = []
    for language in LANGUAGES:
        if language.code == ENGLISH.code:
            continue
        path = catalogue_path(language.code)
        if path.exists():
            catalogue = read_catalogue(path, language.locale)
        else:
            catalogue = Catalog(locale=language.locale, domain=CATALOGUE_DOMAIN, project="openentry")
        created = catalogue.creation_date
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.creation_date = created  # the file changes only when its texts do
        catalogue.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        write_po(buffer, catalogue, width=100, no_location=True, omit_header=False, include_previous=False)
        path.write_bytes(buffer.getvalue())
        missing += [
            f"{language.code}: {message.id!r}" for message in catalogue if message.id and not message.string
        ]
    return missing


def main() -> None:
    missing = update()
    for line in missing:
        print(line)
    print(f"{len(missing)} texts to translate", file=sys.stderr)


if __name__ == "__main__":
    main()
