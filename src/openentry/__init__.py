"""openentry: an open, auditable engine for Canada's Express Entry system."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The version is the installed distribution's (pyproject.toml is its one source), read when
    # first asked for: importing the package stays free of importlib.metadata.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("openentry")
        except PackageNotFoundError:  # run from a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
