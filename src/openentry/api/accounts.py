"""Accounts of the service, their roles and what each role may do (issue 13 §2).

A token is 32 random bytes from :mod:`secrets` (URL-safe text), shown once when the account is
made; the database keeps only its SHA-256, so a copy of the database gives no one a token.
Revoking an account keeps its row (the audit trail names it) and refuses its token from then on.
A candidate's account name is their profile's id in the pool (interfaces.md §9).

Roles (issue 13 §2): *public* (no token) scores, checks eligibility and reads the published
history; a *candidate* keeps their own profile and answers their own invitations; an *analyst*
reads the pool, tries rounds without recording them and reads rounds' invitations; an
*officer* may do all an analyst may, and records rounds, nominations and expired invitations;
an *admin* manages accounts. Officers and admins read the audit trail (interfaces.md §9).

This module uses no web framework: ``openentry user`` calls the same functions.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from openentry.api.audit import USER_ADDED, USER_REVOKED, Actor, AuditCallback, audited
from openentry.db import session_scope
from openentry.db.service_models import UserRow
from openentry.domain.moments import iso_utc
from openentry.profiles.schema import Identifier

TOKEN_BYTES = 32


class Role(StrEnum):
    """Who a request comes from: no token (public), or an account's role."""

    PUBLIC = "public"
    CANDIDATE = "candidate"
    ANALYST = "analyst"
    OFFICER = "officer"
    ADMIN = "admin"


ACCOUNT_ROLES: tuple[str, ...] = tuple(role.value for role in Role if role != Role.PUBLIC)


class Access(StrEnum):
    """What a route does, for the table of who may."""

    OWN_PROFILE = "keep their own profile and answer their own invitations"
    READ_POOL = "read the pool, try rounds without recording them and read rounds' invitations"
    RECORD = "record rounds, nominations and expired invitations"
    READ_AUDIT = "read the audit trail"
    MANAGE_ACCOUNTS = "add, list and revoke accounts"


# Who may do what: the one place roles are decided.
ALLOWED: dict[Access, frozenset[Role]] = {
    Access.OWN_PROFILE: frozenset({Role.CANDIDATE}),
    Access.READ_POOL: frozenset({Role.ANALYST, Role.OFFICER}),
    Access.RECORD: frozenset({Role.OFFICER}),
    Access.READ_AUDIT: frozenset({Role.OFFICER, Role.ADMIN}),
    Access.MANAGE_ACCOUNTS: frozenset({Role.ADMIN}),
}


def may(role: str, access: Access) -> bool:
    """Whether an account of ``role`` may do ``access``."""
    return role in ALLOWED[access]


def allowed_roles(access: Access) -> str:
    """The roles allowed ``access``, in the order of :class:`Role`, as words."""
    return ", ".join(role.value for role in Role if role in ALLOWED[access])


class AccountError(ValueError):
    """An account change that cannot be made (a bad name or role, a name taken, no such account)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NoSuchAccount(AccountError):
    """The account named does not exist."""


class AccountConflict(AccountError):
    """The change contradicts what is stored: a name taken, an account revoked already."""


@dataclass(frozen=True)
class Account:
    """An account as listed (never its token)."""

    name: str
    role: str
    created_at: datetime.datetime
    revoked_at: datetime.datetime | None

    def as_json(self) -> dict[str, object]:
        return {
            "user": self.name,
            "role": self.role,
            "created_at": iso_utc(self.created_at),
            "revoked_at": None if self.revoked_at is None else iso_utc(self.revoked_at),
        }


@dataclass(frozen=True)
class NewAccount:
    """An account just made and its token, shown this once."""

    account: Account
    token: str

    def as_json(self) -> dict[str, object]:
        """What ``openentry user add`` prints (interfaces.md §9)."""
        return {"user": self.account.name, "role": self.account.role, "token": self.token}


@dataclass(frozen=True)
class Principal:
    """The account a request's token belongs to."""

    name: str
    role: str


_NAME = TypeAdapter(Identifier)


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256, in hexadecimal."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _account(row: UserRow) -> Account:
    return Account(name=row.name, role=row.role, created_at=row.created_at, revoked_at=row.revoked_at)


def check_account(name: str, role: str) -> None:
    """Refuse a name that could not be a profile's id, or a role that is not an account's."""
    try:
        _NAME.validate_python(name)
    except ValidationError:
        raise AccountError("user", f"{name!r} must be 1-64 characters of A-Z a-z 0-9 . _ : -") from None
    if role not in ACCOUNT_ROLES:
        raise AccountError("role", f"{role!r} is not a role; expected one of {', '.join(ACCOUNT_ROLES)}")


def add_user(
    engine: Engine, name: str, role: str, actor: Actor, now: datetime.datetime | None = None
) -> NewAccount:
    """Make an account with a new random token; the entry ``user.added`` commits with it."""
    check_account(name, role)
    now = now or datetime.datetime.now(datetime.UTC)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    taken = AccountConflict("user", f"{name!r} exists already; an account name is used once")

    def change(audit: AuditCallback[NewAccount]) -> NewAccount:
        try:
            with session_scope(engine) as session:
                if session.execute(select(UserRow.id).where(UserRow.name == name)).first() is not None:
                    raise taken
                row = UserRow(name=name, role=role, token_hash=token_hash(token), created_at=now)
                session.add(row)
                made = NewAccount(_account(row), token)
                audit(session, made)
        except IntegrityError:  # the same name, made at the same moment by another request
            raise taken from None
        return made

    return audited(engine, actor, USER_ADDED, f"user:{name}", change, _described)


def _described(result: NewAccount | Account) -> tuple[str, dict[str, object]]:
    account = result.account if isinstance(result, NewAccount) else result
    return f"user:{account.name}", {"role": account.role}


def list_users(engine: Engine) -> list[Account]:
    """Every account, revoked ones included, in the order they were made."""
    with session_scope(engine) as session:
        return [_account(row) for row in session.execute(select(UserRow).order_by(UserRow.id)).scalars()]


def revoke_user(engine: Engine, name: str, actor: Actor, now: datetime.datetime | None = None) -> Account:
    """Refuse the account's token from now on; the entry ``user.revoked`` commits with it."""
    now = now or datetime.datetime.now(datetime.UTC)

    def change(audit: AuditCallback[Account]) -> Account:
        with session_scope(engine) as session:
            row = session.execute(select(UserRow).where(UserRow.name == name)).scalar_one_or_none()
            if row is None:
                raise NoSuchAccount("user", f"no account {name!r}")
            if row.revoked_at is not None:
                raise AccountConflict("user", f"{name!r} was revoked at {iso_utc(row.revoked_at)} already")
            row.revoked_at = now
            revoked = _account(row)
            audit(session, revoked)
        return revoked

    return audited(engine, actor, USER_REVOKED, f"user:{name}", change, _described)


def authenticate(engine: Engine, token: str) -> Principal | None:
    """The account ``token`` belongs to, unless it is unknown or revoked."""
    with engine.connect() as connection:
        found = connection.execute(
            select(UserRow.name, UserRow.role).where(
                UserRow.token_hash == token_hash(token), UserRow.revoked_at.is_(None)
            )
        ).first()
    return None if found is None else Principal(name=found[0], role=found[1])
