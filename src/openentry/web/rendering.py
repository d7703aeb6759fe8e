"""Templates rendered in the page's language: one Jinja2 environment per language.

Each environment has that language's gettext catalogue installed (``{{ _("...") }}`` in the
templates, new-style: values are given by name and escaped), the locale's number and date
filters, and the helpers every page uses (its address in the other language, the address of
a page in its own).
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from openentry import __version__
from openentry.web import i18n
from openentry.web.messages import translate


def profile_fragment(profile: Mapping[str, object]) -> str:
    """The profile as the fragment of a share link (``#profile=`` and base64url of its JSON):
    a browser never sends a fragment to the server."""
    text = json.dumps(profile, ensure_ascii=False, separators=(",", ":"))
    encoded = base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")
    return f"#profile={encoded}"


def json_data_url(value: object) -> str:
    """A ``data:`` address holding ``value`` as JSON (a download made without a request)."""
    text = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    return "data:application/json;charset=utf-8," + quote(text, safe="")


def script_json(value: object) -> Markup:
    """JSON to put inside ``<script type="application/json">`` (no ``</`` can close the tag)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _environment(code: str) -> Environment:
    environment = Environment(
        loader=PackageLoader("openentry.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    translations = i18n.translations(code)
    environment.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    environment.filters["number"] = lambda value, digits=None: i18n.number(value, code, digits)
    environment.filters["percent"] = lambda value: i18n.percent(value, code)
    environment.filters["day"] = lambda value, style="medium": i18n.day(value, code, style)
    environment.filters["moment"] = lambda value: i18n.moment(value, code)
    environment.filters["said"] = lambda sentence: translate(str(sentence), code)
    environment.filters["script_json"] = script_json
    environment.filters["fragment"] = profile_fragment
    environment.filters["data_url"] = json_data_url
    environment.globals["language"] = i18n.LANGUAGES_BY_CODE[code]
    environment.globals["languages"] = i18n.LANGUAGES
    environment.globals["version"] = __version__
    environment.globals["chart_locale"] = i18n.chart_locale(code)
    return environment


@functools.cache
def environment(code: str) -> Environment:
    return _environment(code)


def render(
    request: Request,
    code: str,
    template: str,
    context: Mapping[str, Any],
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The template rendered in the language ``code`` as the response to ``request``."""
    language = i18n.LANGUAGES_BY_CODE[code]
    path = request.url.path
    bare = path[len(language.prefix) :] if language.prefix and path.startswith(language.prefix) else path
    bare = bare or "/"
    text = (
        environment(code)
        .get_template(template)
        .render(
            {
                **context,
                "page_path": bare,
                "url": lambda target: language.prefix + target,
                "other_languages": [
                    (other, other.prefix + bare) for other in i18n.LANGUAGES if other.code != language.code
                ],
                "is_fragment": request.headers.get("HX-Request") == "true",
            }
        )
    )
    return HTMLResponse(text, status_code=status_code, headers=dict(headers or {}))
