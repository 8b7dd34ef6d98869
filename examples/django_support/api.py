"""A few JSON views, to show ``json_errors``: socialcrm errors as ``{"error": code, ...}``."""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from socialcrm.contrib.django import current_member, get_community, json_errors, require_member


@require_GET
@json_errors
def thread(request: HttpRequest, thread_id: int) -> JsonResponse:
    """A thread and its visible posts, as JSON."""
    community, actor = get_community(), current_member(request)
    found = community.threads.get(actor=actor, thread=thread_id)
    posts = community.posts.list(actor=actor, thread=thread_id)
    return JsonResponse(
        {
            "id": found.id,
            "title": found.title,
            "accepted_answer_id": found.accepted_answer_id,
            "posts": [{"id": p.id, "author_id": p.author_id, "score": p.score} for p in posts],
        }
    )


@require_POST
@json_errors
def vote(request: HttpRequest, post_id: int) -> JsonResponse:
    """Vote on a post: JSON ``{"value": 1}`` or ``{"value": -1}``; CSRF token in ``X-CSRFToken``."""
    try:
        value = json.loads(request.body or b"{}").get("value")
    except (ValueError, AttributeError):
        value = None
    cast = get_community().votes.cast(actor=require_member(request), post=post_id, value=value)
    return JsonResponse({"post_id": cast.post_id, "value": cast.value})
