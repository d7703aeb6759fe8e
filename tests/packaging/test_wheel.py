"""The wheel a user installs (issue 10 §1): every data file of the package in it, the data
sources (``data/SOURCES.md``) included, the licence in its metadata, and psycopg and matplotlib
only behind their extras. The wheel is built from a copy of the source tree, without network."""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "openentry"
# The build backend of this environment (setuptools>=77, in the dev extra): nothing downloaded.
PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q"]


def _wheel_paths(paths: Iterator[Path]) -> set[str]:
    """Files of the source tree as the wheel names them (``openentry/...``)."""
    return {path.relative_to(PACKAGE.parent).as_posix() for path in paths}


def _source_files() -> set[str]:
    """Every file of the package in the source tree."""
    return _wheel_paths(
        path
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    )
    built = subprocess.run(
        [*PIP_WHEEL, "-w", str(folder / "dist"), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (path,) = (folder / "dist").glob("openentry-*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def _metadata(wheel: zipfile.ZipFile) -> email.message.Message:
    (name,) = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
    return email.message_from_bytes(wheel.read(name))


def test_every_file_of_the_package_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    packaged = {name for name in wheel.namelist() if name.startswith("openentry/")}
    assert packaged == _source_files()


def test_the_data_files_listed(wheel: zipfile.ZipFile) -> None:
    data = {name for name in wheel.namelist() if name.startswith("openentry/") and not name.endswith(".py")}
    csv = {name for name in data if name.endswith(".csv")}
    yaml = {name for name in data if name.endswith(".yaml")}
    assert "openentry/data/SOURCES.md" in data
    assert "openentry/py.typed" in data
    assert "openentry/db/migrations/script.py.mako" in data
    assert {name.removeprefix("openentry/data/") for name in csv} == {
        "ee_category_nocs.csv",
        "ee_rounds.csv",
        "noc2021.csv",
        "oinp_annual_nominations.csv",
        "oinp_draw_targets.csv",
        "oinp_draws.csv",
        "oinp_eoi_itas.csv",
    }
    assert "openentry/data/score_bands.yaml" in yaml
    parameters = {name for name in yaml if name.startswith("openentry/rules/parameters/")}
    assert parameters == {
        path.relative_to(PACKAGE.parent).as_posix()
        for path in (PACKAGE / "rules" / "parameters").rglob("*.yaml")
    }
    assert parameters >= {"openentry/rules/parameters/crs/core/age.yaml"}
    assert {name for name in data if name.startswith("openentry/data/raw/")} == _wheel_paths(
        (PACKAGE / "data" / "raw").glob("*.json")
    )
    migrations = {name for name in wheel.namelist() if name.startswith("openentry/db/migrations/")}
    assert "openentry/db/migrations/env.py" in migrations
    assert {name.rsplit("/", 1)[1] for name in migrations if "/versions/" in name} == {
        path.name for path in (PACKAGE / "db" / "migrations" / "versions").glob("*.py")
    }


def test_the_licence_is_in_the_metadata(wheel: zipfile.ZipFile) -> None:
    (licence,) = [name for name in wheel.namelist() if ".dist-info/licenses/" in name]
    assert licence.endswith("/licenses/LICENSE")
    assert wheel.read(licence) == (ROOT / "LICENSE").read_bytes()
    assert b"Apache License" in wheel.read(licence)
    metadata = _metadata(wheel)
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]


def test_postgres_and_plot_are_extras(wheel: zipfile.ZipFile) -> None:
    requirements = _metadata(wheel).get_all("Requires-Dist") or []
    core = [requirement for requirement in requirements if "extra ==" not in requirement]
    assert not [requirement for requirement in core if requirement.startswith(("psycopg", "matplotlib"))]
    assert 'psycopg[binary]>=3.1; extra == "postgres"' in requirements
    assert 'matplotlib>=3.8; extra == "plot"' in requirements


def test_one_version(wheel: zipfile.ZipFile) -> None:
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert _metadata(wheel)["Version"] == declared
    assert "__version__ =" not in (PACKAGE / "__init__.py").read_text(encoding="utf-8")
