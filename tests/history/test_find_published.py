"""history.catalogue.find_published and published_as_dict: the round or draw a number names, as
``history show`` and ``GET /v1/history/rounds/{n}`` find and print it (one function for both)."""

from __future__ import annotations

from pathlib import Path

import pytest

from openentry.cli.errors import UsageError
from openentry.db import open_database
from openentry.history.catalogue import (
    RoundCatalogue,
    UnknownRound,
    find_published,
    published_as_dict,
)
from openentry.history.provincial import ProvincialDraw
from openentry.history.rounds import PublishedRound
from openentry.history.store import load_catalogue


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> RoundCatalogue:
    folder: Path = tmp_path_factory.mktemp("history")
    return load_catalogue(open_database(f"sqlite:///{folder / 'history.sqlite'}"))


def test_a_round_number_an_exact_draw_id_and_a_unique_prefix(catalogue: RoundCatalogue) -> None:
    round_327 = find_published(catalogue, "327")
    assert isinstance(round_327, PublishedRound)
    shown = published_as_dict(round_327)
    assert (shown["number"], shown["date"], shown["cutoff"], shown["invitations"]) == (
        327,
        "2024-11-20",
        463,
        3000,
    )
    draw = find_published(catalogue, "on-2024-09-12-hcp-health")
    assert isinstance(draw, ProvincialDraw)
    assert find_published(catalogue, "ON-2024-09-12") == draw
    assert published_as_dict(draw)["number"] == "on-2024-09-12-hcp-health"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (
            "9999",
            "round '9999' is neither a published round (known: #1 to #437) nor an Ontario draw id "
            "(on-YYYY-MM-DD-stream-…, see history list --kind provincial)",
        ),
        (
            "on-2023-02-02",
            "'on-2023-02-02' names 2 Ontario draws: on-2023-02-02-hcp-health, on-2023-02-02-hcp-tech",
        ),
    ],
)
def test_an_unknown_number_is_a_one_line_usage_error(
    catalogue: RoundCatalogue, number: str, message: str
) -> None:
    with pytest.raises(UnknownRound) as raised:
        find_published(catalogue, number)
    assert str(raised.value) == message
    assert isinstance(raised.value, UsageError) and isinstance(raised.value, LookupError)
