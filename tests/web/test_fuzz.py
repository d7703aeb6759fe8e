"""No page answers 500, whatever a form post or an address holds (a small fuzz over real HTTP)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openentry.web.accounts import ROUND_FIELDS
from openentry.web.forms import SECTIONS, LanguageBlock, Question, WorkHistoryBlock
from tests.web.conftest import Site


def field_names() -> list[str]:
    names = [
        "action",
        "profile_json",
        "on",
        "as_of",
        "since",
        "profile",
        "token",
        "next",
        "confirm",
        "candidate",
        "nominated_at",
        "all",
        *ROUND_FIELDS,
    ]
    for section in SECTIONS:
        for item in section.items:
            if isinstance(item, Question):
                names.append(item.path)
            elif isinstance(item, LanguageBlock):
                names += [question.path for question in item.questions()]
            elif isinstance(item, WorkHistoryBlock):
                names += [question.path for question in item.row(0)] + [
                    question.path for question in item.row(29)
                ]
    return names


ODD_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "7,5",
            "1e400",
            "nan",
            "inf",
            "2026-02-30",
            "2015-01-01",
            "1900-01-01",
            "9999-12-31",
            "true",
            "false",
            "null",
            "[]",
            "{}",
            "ALL",
            "ielts",
            "tef_canada",
            "married",
            "paste",
            "record",
            "try",
            "99999999999999999999",
            "\u0000",
            "é" * 300,
            json.dumps({"age": 29}),
            json.dumps([1, 2]),
            "[" * 5000,
            "<script>alert(1)</script>",
        ]
    ),
    st.text(max_size=40),
)
FORM = st.lists(st.tuples(st.sampled_from(field_names()), ODD_TEXT), max_size=25)
POSTS = [
    "/",
    "/fr/",
    "/eligibility",
    "/chances",
    "/history/390",
    "/history/on-2024-03-07-hcp-health",
    "/partials/levels/first_language",
    "/partials/levels/nowhere",
    "/partials/whatif",
    "/partials/timeline",
    "/partials/invited/2015",
    "/sign-in",
    "/portal/profile",
    "/portal/invitations/1/decline",
    "/console/rounds",
    "/console/nominations",
    "/invited",
]
GETS = [
    "/",
    "/fr/",
    "/history",
    "/history/0",
    "/history/%00",
    "/rules/core.age",
    "/rules/x",
    "/chances",
    "/console",
    "/console/invitations",
    "/portal",
    "/sign-in",
    "/fr/history/327",
]


@pytest.fixture(scope="module")
def clients(site: Site) -> Iterator[dict[str, httpx.Client]]:
    made = {
        "public": httpx.Client(base_url=site.url, timeout=120),
        "officer": httpx.Client(
            base_url=site.url, timeout=120, cookies={"openentry_token": site.tokens["otto"]}
        ),
        "candidate": httpx.Client(
            base_url=site.url, timeout=120, cookies={"openentry_token": site.tokens["alice"]}
        ),
    }
    yield made
    for client in made.values():
        client.close()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    who=st.sampled_from(["public", "officer", "candidate"]),
    address=st.sampled_from(POSTS),
    form=FORM,
    htmx=st.booleans(),
)
def test_no_form_post_gets_a_server_error(
    clients: dict[str, httpx.Client], who: str, address: str, form: list[tuple[str, str]], htmx: bool
) -> None:
    if address == "/invited" and not htmx:
        form = [(name, value) for name, value in form if name != "action"]  # every year at once: kept short
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        **({"HX-Request": "true"} if htmx else {}),
    }
    response = clients[who].post(address, content=urlencode(form), headers=headers)
    assert response.status_code < 500, (address, form, response.text[-500:])
    assert response.status_code in (200, 303, 401, 403, 404, 409, 422)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    who=st.sampled_from(["public", "officer"]),
    address=st.sampled_from(GETS),
    query=st.lists(
        st.tuples(st.sampled_from(["on", "kind", "from", "to", "round", "after", "next"]), ODD_TEXT),
        max_size=4,
    ),
)
def test_no_address_gets_a_server_error(
    clients: dict[str, httpx.Client], who: str, address: str, query: list[tuple[str, str]]
) -> None:
    response = clients[who].get(address, params=query)
    assert response.status_code < 500, (address, query, response.text[-500:])


def test_raw_bodies_that_are_not_forms(clients: dict[str, httpx.Client]) -> None:
    for body in (
        b"\xff\xfe\x00",
        b"a=" + b"%" * 100,
        b"&" * 10_000,
        b"x" * 100_000,
        json.dumps({"a": 1}).encode(),
    ):
        for address in ("/", "/eligibility", "/partials/levels/first_language", "/sign-in"):
            response = clients["public"].post(
                address, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
            )
            assert response.status_code in (200, 401, 422), (address, body[:20], response.status_code)
