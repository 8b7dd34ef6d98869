"""Typed errors raised by socialcrm.

Every error carries a stable, machine-readable ``code`` and a human ``message``.
A command that raises one of these leaves storage exactly as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime


class SocialCRMError(Exception):
    """Base class of every error socialcrm raises on purpose."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class NotFound(SocialCRMError):
    """The thing named does not exist, or the actor may not know that it exists."""

    code = "not_found"


class PermissionDenied(SocialCRMError):
    """The actor may not do this.

    ``privilege`` names the missing privilege (or ``None`` for rules that are not
    reputation privileges) and ``required_reputation`` the reputation it needs.
    """

    code = "permission_denied"

    def __init__(
        self,
        message: str,
        *,
        privilege: str | None = None,
        required_reputation: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.privilege = privilege
        self.required_reputation = required_reputation


class Sanctioned(PermissionDenied):
    """The actor is silenced, suspended or banned, so this command is refused.

    ``code`` is ``silenced``, ``suspended`` or ``banned`` (``kind`` is the
    sanction's kind: ``silence``, ``suspend`` or ``ban``); ``until`` is when the
    actor may do this again (``None``: not until a moderator lifts it),
    ``reason`` the reason the moderator gave and ``sanction_id`` the sanction's
    id. Reading is never refused this way.
    """

    code = "sanctioned"

    #: The error code for each sanction kind.
    CODES = {"silence": "silenced", "suspend": "suspended", "ban": "banned"}

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        until: datetime | None,
        reason: str,
        sanction_id: int,
    ) -> None:
        super().__init__(message, code=self.CODES.get(kind, "sanctioned"))
        self.kind = kind
        self.until = until
        self.reason = reason
        self.sanction_id = sanction_id


class ValidationError(SocialCRMError):
    """An argument is malformed: empty, too long, of the wrong type or value."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.field = field


class Conflict(SocialCRMError):
    """The command clashes with the current state (duplicate, locked, closed...)."""

    code = "conflict"


class RateLimited(SocialCRMError):
    """The actor did this too often; ``retry_after`` is in seconds.

    ``limits`` names the limits that refused the command (e.g.
    ``("seconds_between_posts",)``); empty when the caller named none.
    """

    code = "rate_limited"

    def __init__(
        self,
        message: str,
        *,
        retry_after: float,
        code: str | None = None,
        limits: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
        self.limits = tuple(limits)


class ContentRejected(SocialCRMError):
    """A content check refused the text; ``reasons`` lists every reason given."""

    code = "content_rejected"

    def __init__(self, reasons: Sequence[str], *, code: str | None = None) -> None:
        self.reasons = tuple(reasons)
        super().__init__("content rejected: " + "; ".join(self.reasons), code=code)


class StorageError(SocialCRMError):
    """The storage adapter failed in a way that is not the caller's fault."""

    code = "storage_error"


class RetryableStorageError(StorageError):
    """A transient storage failure (deadlock, serialization failure, lost race).

    Nothing of the failed attempt was kept; running the command again may succeed.
    socialcrm retries commands on it by itself (``Settings.transient_retries``).
    """

    code = "retryable"


class DumpError(SocialCRMError):
    """A file of an imported dump is missing, malformed or truncated.

    ``file`` names it and ``line``/``column`` say where reading stopped (``None``
    when unknown). Everything an import committed before the error stays, and is
    consistent; run the import again to resume once the file is fixed.
    """

    code = "malformed_dump"

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        column: int | None = None,
        code: str | None = None,
    ) -> None:
        where = f"{file}, line {line}" if line is not None else file
        super().__init__(f"{where}: {message}", code=code)
        self.file = file
        self.line = line
        self.column = column


__all__ = [
    "SocialCRMError",
    "NotFound",
    "PermissionDenied",
    "Sanctioned",
    "ValidationError",
    "Conflict",
    "RateLimited",
    "ContentRejected",
    "StorageError",
    "RetryableStorageError",
    "DumpError",
]
