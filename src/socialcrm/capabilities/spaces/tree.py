"""The space tree: a space and the subgroups below it."""

from __future__ import annotations

from collections.abc import Mapping

from socialcrm.capabilities.spaces.records import Space


def space_and_descendants(spaces: Mapping[int, Space], root_id: int) -> list[int]:
    """``root_id`` and every space of ``spaces`` below it (pass only those the viewer sees).

    ``spaces`` maps ids to spaces; a space whose parent is not in it is not reached,
    so a hidden subgroup also hides what lies below it.
    """
    children: dict[int | None, list[int]] = {}
    for sid, space in spaces.items():
        children.setdefault(space.parent_id, []).append(sid)
    found, stack = [], [root_id]
    while stack:
        sid = stack.pop()
        found.append(sid)
        stack.extend(children.get(sid, ()))
    return found


__all__ = ["space_and_descendants"]
