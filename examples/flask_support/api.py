"""A few JSON views, to show the extension's error answers (``{"error": code, ...}``)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from socialcrm.contrib.flask import current_community, current_member, require_member
from socialcrm.contrib.flask import register_error_handlers as json_errors

api = Blueprint("api", __name__, url_prefix="/api")
json_errors(api)  # only this blueprint: the HTML views keep their own error pages


@api.get("/threads/<int:thread_id>")
def thread(thread_id: int):
    """A thread and its visible posts, as JSON."""
    found = current_community.threads.get(actor=current_member(), thread=thread_id)
    posts = current_community.posts.list(actor=current_member(), thread=thread_id)
    return jsonify(
        id=found.id,
        title=found.title,
        accepted_answer_id=found.accepted_answer_id,
        posts=[{"id": p.id, "author_id": p.author_id, "score": p.score} for p in posts],
    )


@api.post("/posts/<int:post_id>/vote")
def vote(post_id: int):
    """Vote on a post: JSON ``{"value": 1}`` or ``{"value": -1}``."""
    value = (request.get_json(silent=True) or {}).get("value")
    cast = current_community.votes.cast(actor=require_member(), post=post_id, value=value)
    return jsonify(post_id=cast.post_id, value=cast.value)
