"""Command-line conventions (issue 10 §5), through the real commands: JSON on demand where a
command prints a table, one UTC time-zone policy stated in the help, ``pool load -``, one
wording for an unreadable input, ``score X.parquet --out Y.jsonl``, the summary of rejected
profiles, the demo's closing lines and temporary folder, a byte-order mark, and help without
``<bool>`` or markup."""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as parquet
import pytest
import typer
from typer.testing import CliRunner

from openentry.cli import dates, main
from tests.cli.test_score_errors import VALID_1, VALID_1_SCORE
from tests.profiles.test_same_checks import flat_row, table_of

COMMAND = [sys.executable, "-m", "openentry.cli.main"]
ON = "2026-01-05"
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"

VALID_1_LINE = json.dumps(VALID_1_SCORE) + "\n"


def _run(
    arguments: list[str], cwd: Path, stdin: bytes | None = None, **environment: str
) -> subprocess.CompletedProcess[str]:
    variables = {key: value for key, value in os.environ.items() if key != "OPENENTRY_DATABASE_URL"}
    variables.update(environment)
    done = subprocess.run(
        [*COMMAND, *arguments], cwd=cwd, input=stdin, capture_output=True, check=False, env=variables
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    )


def _jsonl(path: Path, profiles: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(profile) + "\n" for profile in profiles), encoding="utf-8")
    return path


# --- 1. JSON where a command prints a table ---------------------------------------------------


def test_history_list_prints_a_table_and_json_lines_with_json(tmp_path: Path) -> None:
    arguments = ["history", "list", "--kind", "provincial", "--since", "2024-03-01", "--until", "2024-03-07"]
    database = ["--db", f"sqlite:///{tmp_path / 'h.sqlite'}"]
    table = _run([*arguments, *database], tmp_path)
    assert table.returncode == 0, table.stderr
    assert "Express Entry rounds and Ontario draws (2)" in table.stdout
    as_json = _run([*arguments, "--json", *database], tmp_path)
    assert (as_json.returncode, as_json.stderr) == (0, "")
    lines = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [(line["number"], line["invitations"], line["crs_min"], line["crs_max"]) for line in lines] == [
        ("on-2024-03-01-skilled-trades-targeted", 2583, 350, 424),
        ("on-2024-03-07-hcp-health", 2104, 352, 421),
    ]


def test_history_import_log_is_a_table_and_json_with_json(tmp_path: Path) -> None:
    database = ["--db", f"sqlite:///{tmp_path / 'h.sqlite'}"]
    log = _run(["history", "import", "--log", "--json", *database], tmp_path)
    assert log.returncode == 0, log.stderr
    # A fresh database holds the bundled rounds and draws, each loaded as one import.
    assert [(entry["id"], entry["source"]) for entry in json.loads(log.stdout)] == [
        (1, "bundled ee_rounds.csv"),
        (2, "bundled oinp_draws.csv"),
    ]
    table = _run(["history", "import", "--log", *database], tmp_path)
    assert table.returncode == 0, table.stderr
    assert "Imports of published rounds (2)" in table.stdout
    assert "bundled oinp_draws.csv" in table.stdout
    assert not table.stdout.lstrip().startswith("[")


# --- 2. One time-zone policy ------------------------------------------------------------------


def test_a_day_left_out_is_today_in_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    # 11:30 pm in Toronto on 2026-01-05 is already 2026-01-06 in UTC.
    toronto = datetime.timezone(datetime.timedelta(hours=-5))
    moment = datetime.datetime(2026, 1, 5, 23, 30, tzinfo=toronto)
    monkeypatch.setattr(dates, "now_utc", lambda: moment.astimezone(datetime.UTC))
    assert dates.parse_day(None) == datetime.date(2026, 1, 6)


@pytest.mark.parametrize(
    ("given", "moment"),
    [
        ("2024-11-20", datetime.datetime(2024, 11, 20, 0, 0, tzinfo=datetime.UTC)),
        ("2024-11-20T09:00", datetime.datetime(2024, 11, 20, 9, 0, tzinfo=datetime.UTC)),
        ("2024-11-20T09:00:00Z", datetime.datetime(2024, 11, 20, 9, 0, tzinfo=datetime.UTC)),
        ("2024-11-20T09:00-05:00", datetime.datetime(2024, 11, 20, 14, 0, tzinfo=datetime.UTC)),
    ],
)
def test_a_moment_is_utc_and_a_bare_date_is_midnight_utc(given: str, moment: datetime.datetime) -> None:
    parsed = dates.parse_moment(given)
    assert (parsed, parsed.tzinfo) == (moment, datetime.UTC)


# Every command taking a day or a moment; each --on, --at, --as-of, --from, --to, --since,
# --until and --created-* option states the policy with the words of cli/dates.py.
OWN_COMMANDS = (
    "score",
    "whatif",
    "timeline",
    "chances",
    "forecast next",
    "forecast backtest",
    "forecast plot",
    "rules show",
    "eligibility",
    "synth",
    "history list",
    "history stats",
    "history plot",
    "pool load",
    "pool summary",
    "pool nominate",
    "pool withdraw",
    "round run",
    "invitation decline",
    "invitation apply",
    "invitation expire",
)


DATE_OPTIONS = (
    "--on",
    "--at",
    "--as-of",
    "--from",
    "--to",
    "--since",
    "--until",
    "--created-from",
    "--created-to",
)


def _command(path: str) -> Any:
    group = typer.main.get_command(main.app)
    command: Any = group
    for name in path.split():
        command = command.get_command(None, name)
    return command


@pytest.mark.parametrize("path", OWN_COMMANDS)
def test_every_date_option_states_the_utc_policy(path: str) -> None:
    options = {
        option: parameter.help
        for parameter in _command(path).params
        for option in getattr(parameter, "opts", ())
        if option in DATE_OPTIONS
    }
    assert options, path
    for option, text in options.items():
        if option == "--at":
            assert dates.MOMENT_FORMAT in text, (path, option, text)
        else:
            assert dates.DAY_FORMAT in text, (path, option, text)
        if option in ("--on", "--as-of") and path != "rules show":  # rules show: every value
            assert text.endswith(f" ({dates.TODAY_DEFAULT})"), (path, text)


# --- 3. pool load - ---------------------------------------------------------------------------


def test_pool_load_reads_standard_input(tmp_path: Path) -> None:
    text = (EXAMPLES / "profiles.jsonl").read_bytes().splitlines()
    database = ["--db", f"sqlite:///{tmp_path / 'p.sqlite'}"]
    valid = [line for line in text if b'"id": "maria-santos"' in line]
    done = _run(
        ["pool", "load", "-", "--at", "2025-10-01T00:00:00Z", *database], tmp_path, stdin=b"\n".join(valid)
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == {
        "loaded": 1,
        "added": 1,
        "updated": 0,
        "source": "standard input",
        "effective_at": "2025-10-01T00:00:00Z",
    }
    broken = _run(["pool", "load", "-", *database], tmp_path, stdin=b'{"id": "x"}\n')
    assert broken.returncode == 1
    assert broken.stderr.splitlines()[-1] == "openentry pool load: standard input: 1 invalid, nothing loaded"


# --- 4. One wording for an unreadable input ---------------------------------------------------

READERS = [
    ["score", "--on", ON],
    ["eligibility", "--on", ON],
    ["history", "check", "--round", "327"],
    ["pool", "load"],
    ["history", "import"],
]


@pytest.mark.parametrize("command", READERS, ids=lambda command: " ".join(command[:2]))
def test_missing_folder_and_empty_inputs_are_worded_alike(command: list[str], tmp_path: Path) -> None:
    (tmp_path / "folder.json").mkdir()
    (tmp_path / "empty.json").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_text("\n  \n", encoding="utf-8")
    database = (
        [] if command[0] in ("score", "eligibility") else ["--db", f"sqlite:///{tmp_path / 'd.sqlite'}"]
    )
    expected = {
        "absent.json": "openentry: cannot read absent.json: no such file\n",
        "folder.json": "openentry: cannot read folder.json: it is a folder; give a file\n",
        "empty.json": "openentry: cannot read empty.json: it is empty\n",
    }
    if command[0] != "history" or command[1] != "import":
        expected["blank.jsonl"] = "openentry: cannot read blank.jsonl: it is empty\n"
    for name, message in expected.items():
        done = _run([*command, name, *database], tmp_path)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", message), (command, name)


@pytest.mark.parametrize("command", [["score", "--on", ON], ["eligibility", "--on", ON]], ids=str)
def test_empty_standard_input_is_worded_alike(command: list[str], tmp_path: Path) -> None:
    done = _run([*command, "-"], tmp_path, stdin=b" \n")
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        "openentry: cannot read standard input: it is empty\n",
    )


def test_a_parquet_input_is_worded_alike(tmp_path: Path) -> None:
    (tmp_path / "folder.parquet").mkdir()
    (tmp_path / "empty.parquet").write_bytes(b"")
    for name, why in (
        ("absent.parquet", "no such file"),
        ("folder.parquet", "it is a folder; give a file"),
        ("empty.parquet", "it is empty"),
    ):
        done = _run(["score", name, "--out", "out.parquet", "--on", ON], tmp_path)
        assert (done.returncode, done.stdout, done.stderr) == (
            2,
            "",
            f"openentry: cannot read {name}: {why}\n",
        )


# --- 5 and 6. A Parquet pool to JSON Lines, and the summary of rejected profiles ----------------


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic pool of 300 as Parquet and JSON Lines, with one broken profile in each."""
    folder = tmp_path_factory.mktemp("pool")
    done = _run(["synth", "--size", "300", "--seed", "4", "--on", ON, "--out", "pool.jsonl"], folder)
    assert done.returncode == 0, done.stderr
    profiles = [json.loads(line) for line in (folder / "pool.jsonl").read_text(encoding="utf-8").splitlines()]
    profiles[7]["marital_status"] = "single"
    _jsonl(folder / "pool.jsonl", profiles)
    parquet.write_table(table_of([flat_row(profile) for profile in profiles]), folder / "pool.parquet")
    return folder


@pytest.mark.parametrize("explain", [False, True], ids=["plain", "explain"])
def test_parquet_to_json_lines_writes_the_lines_of_the_json_path(pool: Path, explain: bool) -> None:
    flags = ["--explain"] if explain else []
    from_json = _run(["score", "pool.jsonl", "--on", ON, *flags], pool)
    assert from_json.returncode == 1
    out = f"scores-{explain}.jsonl"
    from_parquet = _run(["score", "pool.parquet", "--out", out, "--on", ON, *flags], pool)
    assert (from_parquet.returncode, from_parquet.stdout) == (1, "")
    written = (pool / out).read_text(encoding="utf-8")
    assert written == from_json.stdout
    assert json.loads(written.splitlines()[7])["error"]["field"] == "marital_status"
    assert from_parquet.stderr == (
        'openentry score: 1 of 300 profiles rejected; their errors are in the "error" object of '
        f"their lines of {out}\n"
    )


def test_parquet_to_parquet_says_how_many_were_rejected_and_where(pool: Path) -> None:
    done = _run(["score", "pool.parquet", "--out", "scores.parquet", "--on", ON], pool)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "openentry score: 1 of 300 profiles rejected; their errors are in the error_field and "
        "error_message columns of scores.parquet\n"
    )
    assert (
        parquet.read_table(pool / "scores.parquet").column("error_field").to_pylist()[7] == "marital_status"
    )


def test_a_parquet_pool_needs_a_parquet_or_json_lines_out(pool: Path) -> None:
    for out, message in (
        ([], "--out OUT.parquet or --out OUT.jsonl is required with a .parquet input"),
        (["--out", "scores.json"], "--out scores.json: give a file ending in .parquet or .jsonl"),
    ):
        done = _run(["score", "pool.parquet", "--on", ON, *out], pool)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", f"openentry: {message}\n")
    assert not (pool / "scores.json").exists()


def test_a_pool_without_rows_gives_an_output_without_rows(pool: Path) -> None:
    empty = parquet.read_table(pool / "pool.parquet").slice(0, 0)
    parquet.write_table(empty, pool / "none.parquet")
    for out in ("none.jsonl", "none-scores.parquet"):
        done = _run(["score", "none.parquet", "--out", out, "--on", ON], pool)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (pool / "none.jsonl").read_bytes() == b""
    assert parquet.read_table(pool / "none-scores.parquet").num_rows == 0


# --- 7. The demo ------------------------------------------------------------------------------


def _folders(root: Path) -> set[str]:
    return {path.name for path in root.iterdir()}


def test_the_demo_removes_its_folder_and_keeps_its_lines_whole(tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = _run(["demo", "--pool-size", "300"], tmp_path, TMPDIR=str(temporary), COLUMNS="30")
    assert done.returncode == 0, done.stderr
    assert _folders(temporary) == set()
    last = done.stdout.splitlines()[-1]
    assert last == (
        "The demo's temporary database was removed; to explore the replica, run the demo again "
        "with --keep (or --db URL)."
    )
    assert re.search(
        r"^Pool scaled to 300 profiles, invitations scaled alike\. Timings: .*\.$", done.stdout, re.M
    )


def test_the_demo_keeps_its_folder_when_asked_and_says_where(tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = _run(["demo", "--pool-size", "300", "--keep"], tmp_path, TMPDIR=str(temporary), COLUMNS="30")
    assert done.returncode == 0, done.stderr
    (folder,) = temporary.iterdir()
    assert (folder / "openentry.sqlite").is_file()
    assert done.stdout.splitlines()[-2:] == [
        f"Database kept in {folder}",
        f"Explore: openentry round invitations 1 --db sqlite:///{folder / 'openentry.sqlite'}",
    ]


def test_the_demo_as_json(tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = _run(["demo", "--pool-size", "300", "--json"], tmp_path, TMPDIR=str(temporary))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["published"]["number"], result["published"]["cutoff"], result["pool_size"]) == (
        327,
        463,
        300,
    )
    assert (result["replica"]["round"], result["replica"]["kind"], result["database"]) == (
        1,
        "category",
        None,
    )
    assert result["replica"]["invited"] == round(3000 * 300 / result["published_pool"])
    assert _folders(temporary) == set()


# --- 8. A byte-order mark ---------------------------------------------------------------------

BYTE_ORDER_MARK = b"\xef\xbb\xbf"


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_bytes(BYTE_ORDER_MARK + json.dumps(VALID_1).encode())
    (tmp_path / "many.jsonl").write_bytes(BYTE_ORDER_MARK + json.dumps(VALID_1).encode() + b"\n")
    for arguments, stdin in (
        (["one.json"], None),
        (["many.jsonl"], None),
        (["-"], BYTE_ORDER_MARK + json.dumps(VALID_1).encode()),
    ):
        done = _run(["score", "--on", ON, *arguments], tmp_path, stdin=stdin)
        assert (done.returncode, done.stdout, done.stderr) == (0, VALID_1_LINE, ""), arguments
    profile = {**VALID_1, "submitted_at": "2025-12-01T00:00:00Z"}
    (tmp_path / "pool.jsonl").write_bytes(BYTE_ORDER_MARK + json.dumps(profile).encode() + b"\n")
    loaded = _run(["pool", "load", "pool.jsonl", "--db", f"sqlite:///{tmp_path / 'p.sqlite'}"], tmp_path)
    assert (loaded.returncode, json.loads(loaded.stdout)["added"]) == (0, 1), loaded.stderr


# --- 9. Help without <bool> or markup ---------------------------------------------------------


def _every_command() -> Iterator[list[str]]:
    group = typer.main.get_command(main.app)
    group.load_all()  # type: ignore[attr-defined]

    def walk(command: Any, path: list[str]) -> Iterator[list[str]]:
        yield path
        if hasattr(command, "list_commands"):
            for name in command.list_commands(None):
                yield from walk(command.get_command(None, name), [*path, name])

    yield from walk(group, [])


MARKUP = re.compile(
    r"\[/?(bold|dim|red|green|blue|yellow|cyan|magenta|italic|underline|b|i|link)[^\]]*\]|``|\*\*"
)


# Typer's type label (<str>, <int>, <int range> …) where a metavar names the value.
TYPE_LABEL = re.compile(r"<[a-z][a-z, \[\]|.]*>")


def test_no_help_shows_a_bool_placeholder_or_markup() -> None:
    runner = CliRunner()
    paths = list(_every_command())
    assert len(paths) > 30
    for path in paths:
        shown = runner.invoke(main.app, [*path, "--help"], env={"COLUMNS": "100"})
        assert shown.exit_code == 0, (path, shown.output)
        assert "<bool>" not in shown.output, (path, shown.output)
        assert not TYPE_LABEL.search(shown.output), (path, TYPE_LABEL.search(shown.output), shown.output)
        assert not MARKUP.search(shown.output), (path, MARKUP.search(shown.output), shown.output)
        assert "Usage: " in shown.output


def test_the_listing_wraps_each_command_s_whole_first_sentence(tmp_path: Path) -> None:
    shown = _run(["history", "--help"], tmp_path, COLUMNS="60").stdout
    assert (
        "  list    Published rounds and Ontario's draws, oldest\n          first (filters combine).\n"
        in shown
    )
    assert "..." not in shown.partition("Commands:")[2]
