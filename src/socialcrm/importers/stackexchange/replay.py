"""Replaying a Stack Exchange dump through the community's commands.

Stages run in this order, each over one file in file order, committing every
``batch_size`` rows in one ``community.unit_of_work()`` together with the stage's
checkpoint (the position of its last row):

1. ``users``: a member per row of Users.xml (external id ``se:<Id>``).
2. ``posts``: a thread per question, a reply per answer (community wiki kept).
3. ``comments``: a comment per row of Comments.xml.
4. ``votes``: upvotes, downvotes, accepts and bounties of Votes.xml, in file order
   (the order in which Stack Exchange recorded them), each at its day's start. A
   bounty start (type 8) offers ``BountyAmount`` on the question through
   ``community.bounties.offer``; a bounty close (type 9) on an answer awards it
   its ``BountyAmount`` (less than the offer: the automatic half), on the question
   itself without an amount marks the bounty lost.
5. ``closures``: questions with a ``ClosedDate`` are closed, at that time.

A batch a command refuses is rolled back whole and replayed one row per unit, so
only the refused rows are left out (and listed in the report).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import attrs

from socialcrm.capabilities.members.records import PLACEHOLDER_ROLE
from socialcrm.capabilities.threads.records import Post, Thread
from socialcrm.clock import ManualClock
from socialcrm.community import Community
from socialcrm.errors import DumpError, NotFound, SocialCRMError
from socialcrm.importers.stackexchange import dump
from socialcrm.importers.stackexchange.configuration import ImportPrivileges, import_settings
from socialcrm.importers.stackexchange.progress import ImportProgress, NoProgress
from socialcrm.importers.stackexchange.report import VOTE_TYPES, ImportReport
from socialcrm.plugins.stackexchange import PLUGIN_NAME, StackExchangePreset
from socialcrm.ports import Storage
from socialcrm.settings import Settings

#: Stages in the order they run (each has a checkpoint).
STAGES = ("users", "posts", "comments", "votes", "closures")

#: Rows committed per unit of work.
DEFAULT_BATCH_SIZE = 1000

_EPOCH = datetime(2008, 1, 1, tzinfo=timezone.utc)


def source_name(directory: Path) -> str:
    """The import's ``source``: ``stackexchange:<site>`` from the dump directory's name."""
    return f"stackexchange:{directory.resolve().name.lower()}"


def _slug(directory: Path) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", directory.resolve().name.lower()).strip("-")
    return slug[:64] or "stackexchange"


def _day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


@attrs.define
class _Batch:
    """What a batch changes in memory, kept apart until its unit commits."""

    ids: dict[tuple[str, str], int] = attrs.Factory(dict)
    counts: Counter[str] = attrs.Factory(Counter)


class StackExchangeImporter:
    """Imports one dump directory into ``storage``; see :func:`import_stackexchange`."""

    def __init__(
        self,
        storage: Storage,
        directory: Path,
        *,
        settings: Settings | None = None,
        source: str | None = None,
        space_slug: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: ImportProgress | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.source = source or source_name(self.directory)
        self.space_slug = space_slug or _slug(self.directory)
        self.batch_size = max(1, batch_size)
        self.progress: ImportProgress = progress or NoProgress()
        self.clock = ManualClock(_EPOCH)
        self.community = Community(
            storage,
            plugins=[ImportPrivileges()],
            settings=import_settings(settings),
            clock=self.clock,
            builtin_plugins=["socialcrm.staff"],
            entry_points=False,
        )
        self.community.plugins.register(StackExchangePreset(), name=PLUGIN_NAME)
        self.report = ImportReport(self.source)
        self._ids: dict[str, dict[str, int]] = {}
        self._admin: int | None = None

    # ------------------------------------------------------------ running

    def run(self) -> ImportReport:
        """Run every stage not finished yet; return the report. ``DumpError`` on bad files."""
        started = time.perf_counter()
        for name in dump.REQUIRED_FILES:
            if not (self.directory / name).is_file():
                raise DumpError("the file is missing from the dump", file=name)
        for kind in ("user", "post", "thread", "voter", "ghost"):
            self._ids[kind] = self.community.imports.local_ids(source=self.source, kind=kind)
        self._setup()
        self._stage("users", dump.FILES["users"], self._user)
        self._stage("posts", dump.FILES["posts"], self._post)
        self._stage("comments", dump.FILES["comments"], self._comment, required=False)
        self._stage("votes", dump.FILES["votes"], self._vote, prepare=self._voter_slot())
        self._stage("closures", dump.FILES["posts"], self._closure)
        self._count_unimported()
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _setup(self) -> None:
        admin = self._ids["ghost"].get("importer")
        if admin is None:
            with self.community.unit_of_work():
                batch = _Batch()
                admin = self._member(batch, "ghost", "importer", "Stack Exchange import", "admin")
                self.community.spaces.create(
                    actor=admin, slug=self.space_slug, name=self.directory.resolve().name
                )
            self._merge("setup", batch)
        self._admin = admin

    def _stage(
        self,
        stage: str,
        file: str,
        apply: Callable[[dump.Row, _Batch], None],
        *,
        required: bool = True,
        prepare: Callable[[dump.Row], dump.Row] | None = None,
    ) -> None:
        done = self.community.imports.checkpoint(source=self.source, stage=stage)
        self.progress.start(stage, dump.size(self.directory, file))
        pending: list[dump.Row] = []
        rows = 0
        offset = 0
        for row in dump.rows(self.directory, file, required=required):
            rows += 1
            self.report.rows_read += 1
            offset = row.offset
            if prepare is not None:
                row = prepare(row)
            if row.position <= done:
                self.report.add(stage, "already imported")
                continue
            pending.append(row)
            if len(pending) >= self.batch_size:
                self._commit(stage, pending, apply)
                pending = []
                self.progress.advance(stage, rows=rows, offset=offset)
        if pending:
            self._commit(stage, pending, apply)
        self.progress.advance(stage, rows=rows, offset=offset)
        self.progress.finish(stage)

    def _commit(
        self, stage: str, rows: list[dump.Row], apply: Callable[[dump.Row, _Batch], None]
    ) -> None:
        batch = _Batch()
        try:
            with self.community.unit_of_work():
                for row in rows:
                    apply(row, batch)
                self._checkpoint(stage, rows[-1].position)
        except DumpError:
            raise
        except SocialCRMError:
            self._commit_one_by_one(stage, rows, apply)
            return
        self._merge(stage, batch)

    def _commit_one_by_one(
        self, stage: str, rows: list[dump.Row], apply: Callable[[dump.Row, _Batch], None]
    ) -> None:
        for row in rows:
            batch = _Batch()
            try:
                with self.community.unit_of_work():
                    apply(row, batch)
                    self._checkpoint(stage, row.position)
            except DumpError:
                raise
            except SocialCRMError as error:
                self.report.rejected.append(
                    (stage, row.text("Id", "?") or "?", error.code, error.message)
                )
                self.report.add(stage, f"rejected by the core ({error.code})")
                self._checkpoint(stage, row.position)
                continue
            self._merge(stage, batch)

    def _checkpoint(self, stage: str, position: int) -> None:
        self.community.imports.set_checkpoint(source=self.source, stage=stage, position=position)

    def _merge(self, stage: str, batch: _Batch) -> None:
        for (kind, external_id), local_id in batch.ids.items():
            self._ids[kind][external_id] = local_id
        self.report.merge(stage, batch.counts)

    # ------------------------------------------------------------ ids

    def _local(self, batch: _Batch, kind: str, external_id: str) -> int | None:
        found = batch.ids.get((kind, external_id))
        return found if found is not None else self._ids[kind].get(external_id)

    def _map(self, batch: _Batch, kind: str, external_id: str, local_id: int) -> None:
        self.community.imports.map_id(
            source=self.source, kind=kind, external_id=external_id, local_id=local_id
        )
        batch.ids[(kind, external_id)] = local_id

    def _member(self, batch: _Batch, kind: str, external_id: str, name: str, *roles: str) -> int:
        """A placeholder member (import, anonymous voter or deleted author), made once."""
        found = self._local(batch, kind, external_id)
        if found is not None:
            return found
        member = self.community.members.join(
            external_id=f"se:{kind}:{external_id}",
            display_name=name,
            roles=[PLACEHOLDER_ROLE, *roles],
        )
        self._map(batch, kind, external_id, member.id)
        return member.id

    def _author(self, row: dump.Row, batch: _Batch, user_field: str, name_field: str) -> int:
        """The member who wrote a post or comment; a placeholder for deleted accounts."""
        user_id = row.text(user_field)
        if user_id is not None:
            found = self._local(batch, "user", user_id)
            if found is not None:
                return found
        name = row.text(name_field) or (f"user{user_id}" if user_id else "deleted user")
        key = user_id or f"name:{name}"
        batch.counts["authored by a deleted account (placeholder)"] += 1
        return self._member(batch, "ghost", key, name[:255])

    # ------------------------------------------------------------ stages

    def _user(self, row: dump.Row, batch: _Batch) -> None:
        user_id = str(row.integer("Id"))
        self.clock.set(row.time())
        external_id = f"se:{user_id}"
        try:
            member_id = self.community.members.by_external_id(external_id).id
            batch.counts["already a member (mapped)"] += 1
        except NotFound:
            name = (row.text("DisplayName") or "").strip() or f"user{user_id}"
            member_id = self.community.members.join(
                external_id=external_id, display_name=name[:255]
            ).id
            batch.counts["imported"] += 1
        self._map(batch, "user", user_id, member_id)

    def _post(self, row: dump.Row, batch: _Batch) -> None:
        post_id = str(row.integer("Id"))
        kind = row.integer("PostTypeId")
        if kind not in (1, 2):
            batch.counts[f"not imported: post type {kind} (tag wiki, nomination, ...)"] += 1
            return
        self.clock.set(row.time())
        author = self._author(row, batch, "OwnerUserId", "OwnerDisplayName")
        wiki = row.text("CommunityOwnedDate") is not None
        body = row.text("Body") or ""
        if kind == 1:
            thread = self.community.threads.start(
                actor=author,
                space=self.space_slug,
                kind="question",
                title=row.text("Title") or f"Question {post_id}",
                body=body,
                tags=dump.tags_of(row.text("Tags")),
                community_wiki=wiki,
            )
            assert isinstance(thread, Thread) and thread.opening_post_id is not None
            self._map(batch, "thread", post_id, thread.id)
            self._map(batch, "post", post_id, thread.opening_post_id)
            batch.counts["imported: questions"] += 1
        else:
            parent = row.text("ParentId")
            thread_id = None if parent is None else self._local(batch, "thread", parent)
            if thread_id is None:
                batch.counts["not imported: answers whose question is missing"] += 1
                return
            post = self.community.posts.reply(
                actor=author, thread=thread_id, body=body, community_wiki=wiki
            )
            assert isinstance(post, Post)  # the import registers no content rules
            self._map(batch, "post", post_id, post.id)
            batch.counts["imported: answers"] += 1
        if wiki:
            batch.counts["of which community wiki"] += 1

    def _comment(self, row: dump.Row, batch: _Batch) -> None:
        post = self._local(batch, "post", str(row.integer("PostId")))
        if post is None:
            batch.counts["not imported: on posts missing from the dump"] += 1
            return
        self.clock.set(row.time())
        author = self._author(row, batch, "UserId", "UserDisplayName")
        self.community.posts.comment(actor=author, post=post, body=row.required("Text"))
        batch.counts["imported"] += 1

    def _voter_slot(self) -> Callable[[dump.Row], dump.Row]:
        """Number each up/down vote within its post, so each gets its own placeholder voter.

        Runs on every row, skipped ones included, so a resumed import numbers alike.
        """
        seen: Counter[str] = Counter()

        def prepare(row: dump.Row) -> dump.Row:
            if row.text("VoteTypeId") in ("2", "3"):
                post = row.required("PostId")
                seen[post] += 1
                return attrs.evolve(row, attributes={**row.attributes, "_slot": str(seen[post])})
            return row

        return prepare

    def _vote(self, row: dump.Row, batch: _Batch) -> None:
        kind = row.integer("VoteTypeId")
        name = VOTE_TYPES.get(kind, f"type {kind}")
        if kind in (8, 9):
            self._bounty(row, batch, kind, name)
            return
        if kind not in (1, 2, 3):
            batch.counts[f"not imported: {name}"] += 1
            return
        post = self._local(batch, "post", str(row.integer("PostId")))
        if post is None:
            batch.counts[f"not imported: {name} on a post missing from the dump"] += 1
            return
        self.clock.set(_day(row.time()))
        if kind == 1:
            found = self.community.posts.get(actor=None, post=post)
            asker = self.community.threads.get(actor=None, thread=found.thread_id).author_id
            self.community.threads.accept(actor=asker, answer=post)
            outcome = "self-accept (earns nothing)" if asker == found.author_id else "accept"
            batch.counts[f"imported: {outcome}"] += 1
            return
        slot = row.required("_slot")
        voter = self._member(batch, "voter", slot, f"Anonymous voter {slot}")
        self.community.votes.cast(actor=voter, post=post, value=1 if kind == 2 else -1)
        batch.counts[f"imported: {name}"] += 1

    def _bounty(self, row: dump.Row, batch: _Batch, kind: int, name: str) -> None:
        """Replay a bounty start (8: offered on the question) or close (9: awarded or not)."""
        post_id = str(row.integer("PostId"))
        amount = row.optional_integer("BountyAmount")
        self.clock.set(_day(row.time()))
        if kind == 8:
            thread = self._local(batch, "thread", post_id)
            user = row.text("UserId")
            offerer = None if user is None else self._local(batch, "user", user)
            if thread is None or offerer is None or not amount:
                batch.counts[f"not imported: {name} on a question or by a user missing"] += 1
                return
            self.community.bounties.offer(actor=offerer, thread=thread, amount=amount)
            batch.counts[f"imported: {name}"] += 1
            return
        post = self._local(batch, "post", post_id)
        if post is None:
            batch.counts[f"not imported: {name} on a post missing from the dump"] += 1
            return
        outcome = self.community.bounties.close_from_history(post=post, amount=amount)
        batch.counts[f"imported: {name} ({outcome.replace('_', ' ')})"] += 1

    def _closure(self, row: dump.Row, batch: _Batch) -> None:
        closed = row.optional_time("ClosedDate")
        if closed is None or row.text("PostTypeId") != "1":
            return
        thread = self._local(batch, "thread", str(row.integer("Id")))
        if thread is None:
            return
        self.clock.set(closed)
        author = self.community.threads.get(actor=None, thread=thread).author_id
        self.community.threads.close(actor=author, thread=thread)
        batch.counts["imported: questions closed"] += 1

    # ------------------------------------------------------------ the rest

    def _count_unimported(self) -> None:
        for stage, reason in (
            ("badges", "not imported (socialcrm awards its own: run community.badges.backfill())"),
            ("post_links", "not imported (socialcrm has no links or duplicates yet)"),
            ("tags", "read; tags are created with the questions that use them"),
        ):
            counts: Counter[str] = Counter()
            for row in dump.rows(self.directory, dump.FILES[stage], required=False):
                self.report.rows_read += 1
                if stage == "post_links":
                    label = {"1": "links", "3": "duplicates"}.get(row.text("LinkTypeId") or "")
                    counts[f"{label or 'other links'} {reason}"] += 1
                else:
                    counts[reason] += 1
            self.report.counts[stage] = counts
