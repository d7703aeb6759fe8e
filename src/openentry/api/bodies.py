"""Profiles in a request's body, read as ``openentry score`` reads a file (interfaces.md §2).

The body is one profile (a JSON object) or a list of them. Each profile is validated by the
contract's own model, one at a time, so that one bad profile of a list is that profile's error
line and the others are still answered, exactly as the command prints them. One profile alone
that cannot be used is the request's 422, naming the field. A body that is not JSON is 400; a
list longer than the service's cap (``max_profiles``) is 413, saying the cap.

The routes read the body themselves (not through FastAPI's validation) so that the messages are
the command line's; the OpenAPI document still describes it with the contract's schema.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from pydantic.json_schema import models_json_schema

from openentry.api.problems import ProblemError
from openentry.cli.inputs import TOO_DEEP, ProfileInput
from openentry.profiles.schema import Profile
from openentry.services.scoring import RawProfile

COMPONENTS = "#/components/schemas/{model}"
PROFILE_REFERENCE = {"$ref": COMPONENTS.format(model="Profile")}


def profile_schemas() -> dict[str, Any]:
    """The contract's profile model and the models it holds, as OpenAPI components."""
    _, document = models_json_schema([(Profile, "validation")], ref_template=COMPONENTS)
    schemas: dict[str, Any] = document["$defs"]
    return schemas


def profiles_request_body(max_profiles: int) -> dict[str, object]:
    """The OpenAPI request body of a route taking one profile or a list of them."""
    return {
        "requestBody": {
            "required": True,
            "description": f"One profile, or a list of at most {max_profiles:,} profiles (each with an id)",
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            PROFILE_REFERENCE,
                            {"type": "array", "items": PROFILE_REFERENCE, "maxItems": max_profiles},
                        ]
                    }
                }
            },
        }
    }


def one_profile_request_body() -> dict[str, object]:
    """The OpenAPI request body of a route taking one profile."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": PROFILE_REFERENCE}},
        }
    }


async def json_body(request: Request) -> object:
    """The decoded JSON body; 400 when it is empty or not JSON."""
    body = await request.body()
    if not body.strip():
        raise ProblemError(400, "the body is empty; send a JSON document", field="body")
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise ProblemError(400, "the body is not UTF-8 text", field="body") from None
    except json.JSONDecodeError as error:
        raise ProblemError(
            400,
            f"the body is not valid JSON ({error.msg}, line {error.lineno} column {error.colno})",
            field="body",
        ) from None
    except RecursionError:
        raise ProblemError(400, f"the body is not usable: {TOO_DEEP}", field="body") from None


async def read_profiles(request: Request, max_profiles: int) -> ProfileInput:
    """One profile or a list of them; a list is a batch (ids required, as a JSON Lines file)."""
    document = await json_body(request)
    if isinstance(document, list):
        if len(document) > max_profiles:
            raise ProblemError(
                413,
                f"{len(document):,} profiles in one request; this service takes at most {max_profiles:,} "
                "per request: send the others in further requests",
                field="body",
            )
        return ProfileInput([RawProfile(item) for item in document], is_batch=True)
    return ProfileInput([RawProfile(document)], is_batch=False)


def one_or_list(given: ProfileInput, results: list[dict[str, object]]) -> object:
    """A list's results as a list (errors on their own lines); one profile's result alone, or
    its error as the request's 422."""
    if given.is_batch:
        return results
    result = results[0]
    error = result.get("error")
    if isinstance(error, dict):
        raise ProblemError(422, str(error["message"]), field=str(error["field"]))
    return result
