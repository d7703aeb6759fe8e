"""The REST service (issue 13; interfaces.md §9): FastAPI over the same services as the commands.

Importing this package loads no web framework: :mod:`openentry.api.accounts` and
:mod:`openentry.api.audit` serve ``openentry user`` and ``openentry audit`` too. The application
is :func:`openentry.api.app.create_app`.
"""
