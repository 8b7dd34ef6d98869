"""``{% load support %}``: ``{{ post.author_id|member_name:names }}``, the member's display name."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def member_name(member_id: int | None, names: Any) -> str:
    """The display name of a member, looked up once per page through ``names``."""
    if member_id is None:
        return "a host job"
    return str(names[member_id])


@register.filter
def words(name: str) -> str:
    """``answer_accepted`` → ``answer accepted``."""
    return str(name).replace("_", " ")
