"""The Redis server the tests run on, and key prefixes they clean up.

The URL comes from ``SOCIALCRM_TEST_REDIS_URL`` (default :data:`DEFAULT_URL`). A
server that cannot be reached (or a missing ``redis`` package) makes the test
**fail** when ``CI=true`` and **skip** elsewhere, with a one-line reason naming
the URL; never silently. Every test gets its own key prefix
(``sctr<pid>-<random>:``) and :func:`drop_prefix` deletes its keys afterwards.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

from databases import in_ci

URL_VARIABLE = "SOCIALCRM_TEST_REDIS_URL"
DEFAULT_URL = "redis://127.0.0.1:6379/15"

#: Seconds to wait for the server before calling it unreachable.
CONNECT_TIMEOUT = 3

_probed: list[str | None] = []


def redis_url() -> str:
    """The test server's URL."""
    return os.environ.get(URL_VARIABLE) or DEFAULT_URL


def _redacted(url: str) -> str:
    try:
        from redis.connection import parse_url

        if parse_url(url).get("password"):
            scheme, _, rest = url.partition("://")
            return f"{scheme}://***@{rest.rpartition('@')[2]}"
    except Exception:  # noqa: BLE001 - shown as given
        pass
    return url


def _probe() -> str | None:
    """``None`` if the server answers, else why not (one line)."""
    url = redis_url()
    shown = _redacted(url)
    try:
        import redis
    except ImportError as error:
        return f"redis package missing for {shown} ({error}); pip install 'socialcrm[redis]'"
    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT
        )
    except Exception as error:  # noqa: BLE001 - a malformed URL is reported the same way
        return f"bad URL {shown}: {error}"
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001 - every failure means "cannot use it"
        lines = str(error).strip().splitlines()
        return f"cannot connect to {shown}: {lines[0] if lines else type(error).__name__}"
    finally:
        client.close()
    return None


def require_redis() -> str:
    """The Redis URL; fail (``CI=true``) or skip the test if the server is unreachable."""
    if not _probed:
        _probed.append(_probe())
    problem = _probed[0]
    if problem is not None:
        if in_ci():
            pytest.fail(f"redis is required when CI=true: {problem} (set {URL_VARIABLE})")
        pytest.skip(f"redis unavailable: {problem} (set {URL_VARIABLE})")
    return redis_url()


def new_prefix() -> str:
    """A key prefix no other test (or test run) uses."""
    return f"sctr{os.getpid()}-{uuid.uuid4().hex[:12]}:"


def drop_prefix(client: Any, prefix: str) -> None:
    """Delete every key that starts with ``prefix``."""
    escaped = "".join("\\" + ch if ch in "*?[]\\" else ch for ch in prefix)
    keys = list(client.scan_iter(match=escaped + "*", count=1000))
    for offset in range(0, len(keys), 1000):
        client.delete(*keys[offset : offset + 1000])


def client() -> Any:
    """A new client on the test server (call :func:`require_redis` first)."""
    import redis

    return redis.Redis.from_url(redis_url(), socket_connect_timeout=CONNECT_TIMEOUT)
