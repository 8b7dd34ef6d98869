"""Helpers for ``manage.py socialcrm_jobs``: a publisher that logs, for trying the relay.

``manage.py socialcrm_jobs relay-outbox --publish socialcrm.contrib.django.jobs.log_publisher``
marks the pending outbox messages delivered and writes each one to the ``socialcrm.outbox``
logger (level INFO): nothing reaches another system. In production ``--publish`` names
your own callable (a message queue, a webhook).
"""

from __future__ import annotations

import logging

from socialcrm.capabilities.outbox.records import OutboxMessage

#: The logger :func:`log_publisher` writes to.
logger = logging.getLogger("socialcrm.outbox")


def log_publisher(message: OutboxMessage) -> None:
    """Publish ``message`` to the ``socialcrm.outbox`` logger: its id, name, event id, payload."""
    logger.info(
        "outbox message %s %s (event %s): %s",
        message.id,
        message.name,
        message.event_id,
        message.payload,
    )


__all__ = ["log_publisher", "logger"]
