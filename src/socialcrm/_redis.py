"""Small helpers shared by the Redis backends (leaderboards, rate limits).

Nothing here imports :mod:`redis` at module level: the Redis backends are optional
(``pip install 'socialcrm[redis]'``) and the core never needs them.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from socialcrm.clock import ensure_utc

#: Seconds a client made from a URL waits to connect and for each reply.
DEFAULT_SOCKET_TIMEOUT = 2.0

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def import_redis() -> Any:
    """The :mod:`redis` package, or an ``ImportError`` that says how to install it."""
    try:
        import redis
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the Redis backends need the redis package: pip install 'socialcrm[redis]'"
        ) from error
    return redis


def make_client(client_or_url: Any) -> tuple[Any, bool]:
    """``(client, owned)``: a URL becomes a new client (owned), a client is used as given."""
    redis = import_redis()
    if isinstance(client_or_url, str):
        client = redis.Redis.from_url(
            client_or_url,
            socket_connect_timeout=DEFAULT_SOCKET_TIMEOUT,
            socket_timeout=DEFAULT_SOCKET_TIMEOUT,
        )
        return client, True
    return client_or_url, False


def redis_errors() -> tuple[type[BaseException], ...]:
    """The exception classes that mean "Redis failed" (connection, timeout, server error)."""
    return (import_redis().RedisError,)


def micros(moment: datetime) -> int:
    """Whole microseconds since the Unix epoch of an aware datetime."""
    delta = ensure_utc(moment) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def text(value: Any) -> str:
    """A Redis reply (``bytes`` or ``str``, whatever the client decodes) as ``str``."""
    return value.decode() if isinstance(value, bytes) else str(value)


def glob_escape(prefix: str) -> str:
    """``prefix`` with Redis glob characters escaped, for ``SCAN MATCH``."""
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in prefix)
