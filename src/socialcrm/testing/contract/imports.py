"""Contract tests for placeholder members, community-wiki posts and the import state."""

from __future__ import annotations

import pytest

from socialcrm.capabilities.members.records import PLACEHOLDER_ROLE
from socialcrm.capabilities.reputation.records import LedgerWindow
from socialcrm.capabilities.threads.records import NewPost
from socialcrm.errors import Conflict
from socialcrm.ports import Storage
from socialcrm.testing.contract._support import (
    ContractBase,
    _add_member,
    _add_post,
    _add_space,
    _add_topic,
    _append,
)

_PLACEHOLDER = frozenset({"member", PLACEHOLDER_ROLE})


class ImportContract(ContractBase):
    """Import state and what imports create: part of :class:`~socialcrm.testing.StorageContract`."""

    def test_placeholder_members_are_left_out_of_lists_boards_and_ranks(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            low = _add_member(uow, reputation=5)
            hidden = _add_member(uow, reputation=50, roles=_PLACEHOLDER)
            high = _add_member(uow, reputation=20)
            _append(uow, hidden.id, 30)
            _append(uow, low.id, 2)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.members.get(hidden.id) == hidden
            assert hidden.is_placeholder and not low.is_placeholder
            assert uow.members.list(limit=10) == [low, high]
            assert uow.members.top(limit=10) == [high, low]
            assert uow.members.count_above(4) == 2
            assert uow.members.reputations() == {low.id: 5, hidden.id: 50, high.id: 20}
            assert uow.members.ranked_reputations() == {low.id: 5, high.id: 20}
            gains = uow.ledger.gains(LedgerWindow(since=None, until=None, space_ids=None), limit=10)
            assert gains == [(low.id, 2)]
            assert uow.ledger.totals() == {hidden.id: 30, low.id: 2}

    def test_community_wiki_flag_round_trips(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            author = _add_member(uow)
            thread, opening = _add_topic(uow, _add_space(uow).id, author.id)
            wiki = uow.posts.add(
                NewPost(
                    thread_id=thread.id,
                    author_id=author.id,
                    body="owned by everyone",
                    is_opening=False,
                    created_at=opening.created_at,
                    community_wiki=True,
                )
            )
            plain = _add_post(uow, thread.id, author.id)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.posts.get(wiki.id) == wiki
            assert wiki.community_wiki is True
            assert uow.posts.get(plain.id).community_wiki is False  # type: ignore[union-attr]
            located = uow.posts.locate(wiki.id)
            assert located is not None and located[0] == wiki

    def test_import_ids_map_round_trip_per_source_and_kind(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            assert uow.imports.local_ids(source="se:a", kind="post") == {}
            uow.imports.map_id(source="se:a", kind="post", external_id="1", local_id=10)
            uow.imports.map_id(source="se:a", kind="post", external_id="2", local_id=11)
            uow.imports.map_id(source="se:a", kind="user", external_id="1", local_id=7)
            uow.imports.map_id(source="se:b", kind="post", external_id="1", local_id=99)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.imports.local_ids(source="se:a", kind="post") == {"1": 10, "2": 11}
            assert uow.imports.local_ids(source="se:a", kind="user") == {"1": 7}
            assert uow.imports.local_ids(source="se:b", kind="post") == {"1": 99}

    def test_mapping_an_import_id_twice_is_a_conflict_and_the_unit_stays_usable(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            uow.imports.map_id(source="se:a", kind="post", external_id="1", local_id=10)
            with pytest.raises(Conflict) as raised:
                uow.imports.map_id(source="se:a", kind="post", external_id="1", local_id=12)
            assert raised.value.code == "duplicate_import_id"
            uow.imports.map_id(source="se:a", kind="post", external_id="2", local_id=12)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.imports.local_ids(source="se:a", kind="post") == {"1": 10, "2": 12}

    def test_checkpoints_start_at_zero_and_keep_the_last_position(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            assert uow.imports.checkpoint(source="se:a", stage="votes") == 0
            uow.imports.set_checkpoint(source="se:a", stage="votes", position=500)
            uow.imports.set_checkpoint(source="se:a", stage="votes", position=1000)
            uow.imports.set_checkpoint(source="se:a", stage="posts", position=3)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.imports.checkpoint(source="se:a", stage="votes") == 1000
            assert uow.imports.checkpoint(source="se:a", stage="posts") == 3
            assert uow.imports.checkpoint(source="se:b", stage="votes") == 0

    def test_import_state_rolls_back_with_its_unit(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.imports.set_checkpoint(source="se:a", stage="votes", position=5)
            uow.imports.map_id(source="se:a", kind="post", external_id="1", local_id=10)
        with storage.unit_of_work() as uow:
            assert uow.imports.checkpoint(source="se:a", stage="votes") == 0
            assert uow.imports.local_ids(source="se:a", kind="post") == {}
