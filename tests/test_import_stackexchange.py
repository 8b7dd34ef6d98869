"""Importing a Stack Exchange dump: small hand-written dumps, and the real one in ../shared."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import pytest

from socialcrm import Community, DumpError, ManualClock
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.adapters.sqlalchemy import SQLAlchemyStorage
from socialcrm.cli import main
from socialcrm.importers.stackexchange import (
    StackExchangeImporter,
    compare_reputation,
    import_stackexchange,
)
from socialcrm.plugins.stackexchange import StackExchangePreset, stackexchange_settings

REAL_DUMP = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "stackexchange"
    / "quantumcomputing"
)

Rows = Iterable[Mapping[str, object]]


def write_file(directory: Path, name: str, rows: Rows) -> None:
    root = name.removesuffix(".xml").lower()
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f"<{root}>"]
    for row in rows:
        attributes = " ".join(f"{key}={quoteattr(str(value))}" for key, value in row.items())
        lines.append(f"  <row {attributes} />")
    lines.append(f"</{root}>")
    (directory / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def user(id_: int, reputation: int = 1, name: str | None = None) -> dict[str, object]:
    return {
        "Id": id_,
        "Reputation": reputation,
        "CreationDate": "2018-03-01T10:00:00.000",
        "DisplayName": name or f"User {id_}",
    }


def question(id_: int, owner: int, when: str = "2018-03-12T17:00:00.000", **extra: object):
    return {
        "Id": id_,
        "PostTypeId": 1,
        "CreationDate": when,
        "Body": "<p>How do qubits work?</p>",
        "OwnerUserId": owner,
        "Title": f"Question number {id_}?",
        "Tags": "<qubit><basics>",
        **extra,
    }


def answer(id_: int, parent: int, owner: int, when: str = "2018-03-12T18:00:00.000", **extra):
    return {
        "Id": id_,
        "PostTypeId": 2,
        "ParentId": parent,
        "CreationDate": when,
        "Body": "<p>Like this.</p>",
        "OwnerUserId": owner,
        **extra,
    }


def vote(id_: int, post: int, kind: int, day: str = "2018-03-13", **extra: object):
    return {
        "Id": id_,
        "PostId": post,
        "VoteTypeId": kind,
        "CreationDate": f"{day}T00:00:00.000",
        **extra,
    }


def make_dump(
    directory: Path,
    *,
    users: Rows,
    posts: Rows,
    votes: Rows = (),
    comments: Rows = (),
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    write_file(directory, "Users.xml", users)
    write_file(directory, "Posts.xml", posts)
    write_file(directory, "Votes.xml", votes)
    write_file(directory, "Comments.xml", comments)
    return directory


def run(storage: Any, directory: Path, **kwargs: Any) -> StackExchangeImporter:
    importer = StackExchangeImporter(storage, directory, **kwargs)
    importer.run()
    return importer


def reputation_of(importer: StackExchangeImporter, user_id: int) -> int:
    community = importer.community
    return community.members.by_external_id(f"se:{user_id}").reputation


def snapshot(storage: Any) -> dict[str, Any]:
    """Everything an import writes that a re-run could change."""
    with storage.unit_of_work(read_only=True) as uow:
        posts = {}
        for source_id, local in uow.imports.local_ids(source=SOURCE, kind="post").items():
            post = uow.posts.get(local)
            posts[source_id] = (post.score, sorted(v.value for v in uow.votes.for_post(local)))
        return {
            "reputations": uow.members.reputations(),
            "ledger": uow.ledger.totals(),
            "posts": posts,
            "outbox": uow.outbox.count_pending(),
        }


def assert_consistent(storage: Any) -> None:
    """Reputation = 1 + ledger sum for every member; every score = the sum of its votes."""
    with storage.unit_of_work(read_only=True) as uow:
        totals = uow.ledger.totals()
        for member_id, reputation in uow.members.reputations().items():
            assert reputation == 1 + totals.get(member_id, 0), member_id
        for local in uow.imports.local_ids(source=SOURCE, kind="post").values():
            post = uow.posts.get(local)
            assert post.score == sum(v.value for v in uow.votes.for_post(local))


SOURCE = "stackexchange:site"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small dump: an asker, two answerers, two questions, answers, every vote type handled."""
    return make_dump(
        tmp_path / "site",
        users=[user(1, 28, "Asker"), user(2, 36, "Answerer"), user(3, 1, "Wiki writer")],
        posts=[
            question(10, owner=1, AcceptedAnswerId=11),
            answer(11, parent=10, owner=2),
            answer(12, parent=10, owner=3, CommunityOwnedDate="2018-03-12T18:00:00.000"),
            question(20, owner=2, ClosedDate="2018-03-20T00:00:00.000"),
            answer(21, parent=20, owner=2),
            {"Id": 30, "PostTypeId": 4, "CreationDate": "2018-03-12T18:00:00.000", "Body": "x"},
        ],
        votes=[
            vote(1, 10, 2),  # question upvote before 2019-11-13: +5 to the asker
            vote(2, 11, 2),  # answer upvote: +10
            vote(3, 11, 2),
            vote(4, 11, 3),  # downvote: -2 to the author, -1 to the (placeholder) voter
            vote(5, 11, 1),  # accept: +15 to the answerer, +2 to the asker
            vote(6, 12, 2),  # community wiki: nothing
            vote(7, 21, 1),  # self-accept: nothing
            vote(8, 11, 5, UserId=1),  # favourite: not imported
            vote(9, 999, 2),  # a deleted post: counted, not guessed
            vote(10, 10, 8, UserId=1, BountyAmount=50),
            vote(11, 11, 9, BountyAmount=50),
        ],
        comments=[
            {
                "Id": 1,
                "PostId": 10,
                "Text": "Good question.",
                "CreationDate": "2018-03-12T17:30:00.000",
                "UserId": 2,
            },
            {
                "Id": 2,
                "PostId": 999,
                "Text": "On a deleted post.",
                "CreationDate": "2018-03-12T17:30:00.000",
                "UserId": 2,
            },
        ],
    )


# ---------------------------------------------------------------- what is imported


def test_members_threads_answers_and_comments_are_imported(site: Path) -> None:
    importer = run(MemoryStorage(), site)
    c = importer.community
    asker = c.members.by_external_id("se:1")
    assert asker.display_name == "Asker"
    threads = c.threads.list(actor=None, sort="newest")
    assert [t.title for t in threads] == ["Question number 20?", "Question number 10?"]
    first = threads[1]
    assert first.tags == ("qubit", "basics") and first.status == "open"
    assert threads[0].status == "closed"
    posts = c.posts.list(actor=None, thread=first.id)
    assert [p.author_id for p in posts][:2] == [asker.id, c.members.by_external_id("se:2").id]
    assert [p.community_wiki for p in posts] == [False, False, True]
    assert [cm.body for cm in c.posts.comments(actor=None, post=posts[0].id)] == ["Good question."]
    report = importer.report
    assert report.count("posts", "imported: questions") == 2
    assert report.count("posts", "imported: answers") == 3
    assert report.count("posts", "of which community wiki") == 1
    assert report.count("comments", "not imported: on posts missing from the dump") == 1


def test_every_handled_vote_type_earns_what_stack_exchange_gave(site: Path) -> None:
    importer = run(MemoryStorage(), site)
    # Question upvote (old rule) + accepter; then the bounty of 50, floored at 1 (see below).
    assert reputation_of(importer, 1) == 1 + 5 + 2 - 7
    # Self-accept adds nothing; the bounty adds 50.
    assert reputation_of(importer, 2) == 1 + 10 + 10 - 2 + 15 + 50
    assert reputation_of(importer, 3) == 1  # community wiki earns nothing
    report = importer.report
    assert report.count("votes", "imported: upvote") == 4
    assert report.count("votes", "imported: downvote") == 1
    assert report.count("votes", "imported: accept") == 1
    assert report.count("votes", "imported: self-accept (earns nothing)") == 1
    assert report.count("votes", "not imported: favorite") == 1
    assert report.count("votes", "not imported: upvote on a post missing from the dump") == 1


def test_bounties_are_replayed_through_the_bounty_rules(site: Path) -> None:
    importer = run(MemoryStorage(), site)
    report = importer.report
    assert report.count("votes", "imported: bounty start") == 1
    assert report.count("votes", "imported: bounty close (awarded)") == 1
    # User 1 offered 50 holding 8 (the dump lacks what they really held): the floor
    # limits the offer to 7; user 2's answer receives the 50, exempt from the cap.
    assert reputation_of(importer, 1) == 1
    assert reputation_of(importer, 2) == 34 + 50
    thread = importer.community.imports.local_ids(source=SOURCE, kind="thread")["10"]
    [bounty] = importer.community.bounties.for_thread(actor=None, thread=thread)
    assert (bounty.status, bounty.awarded_amount) == ("awarded", 50)
    assert_consistent_source(importer)


def test_bounty_closes_half_and_lost_and_the_cap_exemption(tmp_path: Path) -> None:
    day = "2018-03-13"
    upvotes = [vote(100 + n, 11, 2, day=day) for n in range(25)]  # 250 requested, 200 capped
    directory = make_dump(
        tmp_path / "bounties",
        users=[user(1, 300), user(2, 300), user(3, 1)],
        posts=[
            question(10, owner=1),
            answer(11, parent=10, owner=2),
            question(20, owner=1),
            answer(21, parent=20, owner=3),
            question(30, owner=1),
        ],
        votes=[
            *(vote(n, 10, 2, day="2018-03-12") for n in range(1, 41)),  # +200 to user 1
            vote(50, 10, 8, day=day, UserId=1, BountyAmount=100),
            *upvotes,
            vote(200, 11, 9, day=day, BountyAmount=100),  # chosen: full amount, not capped
            vote(201, 20, 8, day=day, UserId=1, BountyAmount=50),
            vote(202, 21, 9, day="2018-03-21", BountyAmount=25),  # the automatic half
            vote(203, 30, 8, day=day, UserId=1, BountyAmount=50),
            vote(204, 30, 9, day="2018-03-21"),  # no award: lost
        ],
    )
    importer = run(MemoryStorage(), directory)
    report = importer.report
    assert report.count("votes", "imported: bounty start") == 3
    assert report.count("votes", "imported: bounty close (awarded)") == 1
    assert report.count("votes", "imported: bounty close (auto awarded)") == 1
    assert report.count("votes", "imported: bounty close (lost)") == 1
    assert reputation_of(importer, 1) == 1 + 200 - 100 - 50 - 50
    assert reputation_of(importer, 2) == 1 + 200 + 100
    assert reputation_of(importer, 3) == 1 + 25
    assert importer.report.rejected == []
    assert_consistent_source(importer)
    again = run(importer.community.storage, directory)
    assert reputation_of(again, 2) == 301 and reputation_of(again, 3) == 26


def test_voters_are_placeholders_distinct_per_post_and_never_listed(site: Path) -> None:
    importer = run(MemoryStorage(), site)
    c = importer.community
    listed = {m.external_id for m in c.members.list(limit=200)}
    assert listed == {"se:1", "se:2", "se:3"}
    board = [row.display_name for row in c.reputation.leaderboard(limit=10)]
    assert board == ["Answerer", "Asker", "Wiki writer"]
    answer_id = importer.community.imports.local_ids(source=SOURCE, kind="post")["11"]
    voters = [v.member_id for v in c.votes.for_post(actor=_admin(importer), post=answer_id)]
    assert len(set(voters)) == 3
    assert all(c.members.get(v).is_placeholder for v in voters)


def _admin(importer: StackExchangeImporter) -> int:
    return importer.community.members.by_external_id("se:ghost:importer").id


def test_question_upvotes_from_2019_11_13_are_worth_ten(tmp_path: Path) -> None:
    directory = make_dump(
        tmp_path / "site",
        users=[user(1)],
        posts=[question(10, owner=1, when="2019-11-01T10:00:00.000")],
        votes=[vote(1, 10, 2, day="2019-11-12"), vote(2, 10, 2, day="2019-11-13")],
    )
    importer = run(MemoryStorage(), directory)
    assert reputation_of(importer, 1) == 1 + 5 + 10


def test_the_daily_cap_holds_and_accepts_are_exempt(tmp_path: Path) -> None:
    posts = [question(10, owner=1), *[answer(100 + i, parent=10, owner=2) for i in range(25)]]
    votes = [vote(i + 1, 100 + i, 2) for i in range(25)]  # 250 asked for on one day
    votes.append(vote(99, 100, 1))  # the accept comes on top of the cap
    votes.append(vote(100, 101, 2, day="2018-03-14"))  # a new day, a new cap
    directory = make_dump(tmp_path / "site", users=[user(1), user(2)], posts=posts, votes=votes)
    importer = run(MemoryStorage(), directory)
    assert reputation_of(importer, 2) == 1 + 200 + 15 + 10


def test_a_vote_before_its_post_was_created_that_day_still_counts(tmp_path: Path) -> None:
    # Vote dates are day-resolution: midnight, before the post's own time that day.
    directory = make_dump(
        tmp_path / "site",
        users=[user(1), user(2)],
        posts=[
            question(10, owner=1),
            answer(11, parent=10, owner=2, when="2018-03-13T23:00:00.000"),
        ],
        votes=[vote(1, 11, 2, day="2018-03-13")],
    )
    assert reputation_of(run(MemoryStorage(), directory), 2) == 11


def test_posts_by_deleted_accounts_get_a_placeholder_author(tmp_path: Path) -> None:
    orphan = question(10, owner=1)
    del orphan["OwnerUserId"]
    orphan["OwnerDisplayName"] = "Gone Person"
    directory = make_dump(
        tmp_path / "site", users=[user(1)], posts=[orphan], votes=[vote(1, 10, 2)]
    )
    importer = run(MemoryStorage(), directory)
    thread = importer.community.threads.list(actor=None)[0]
    author = importer.community.members.get(thread.author_id)
    assert author.display_name == "Gone Person" and author.is_placeholder
    assert author.reputation == 6


def test_a_row_the_core_refuses_is_listed_and_the_rest_of_its_batch_is_imported(
    tmp_path: Path,
) -> None:
    directory = make_dump(
        tmp_path / "site",
        users=[user(1)],
        posts=[question(10, owner=1)],
        comments=[
            {
                "Id": 1,
                "PostId": 10,
                "Text": "Fine.",
                "CreationDate": "2018-03-12T17:30:00.000",
                "UserId": 1,
            },
            {
                "Id": 2,
                "PostId": 10,
                "Text": "   ",
                "CreationDate": "2018-03-12T17:31:00.000",
                "UserId": 1,
            },
            {
                "Id": 3,
                "PostId": 10,
                "Text": "Also fine.",
                "CreationDate": "2018-03-12T17:32:00.000",
                "UserId": 1,
            },
        ],
    )
    importer = run(MemoryStorage(), directory)
    assert importer.report.count("comments", "imported") == 2
    assert importer.report.rejected == [("comments", "2", "invalid", "comment must not be empty")]
    assert_consistent(importer.community.storage)


# ---------------------------------------------------------------- safe


def test_running_the_same_import_again_changes_nothing(site: Path, tmp_path: Path) -> None:
    storage = SQLAlchemyStorage(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        run(storage, site)
        before = snapshot(storage)
        again = run(storage, site)
        assert snapshot(storage) == before
        assert again.report.count("votes", "already imported") == 11
        assert again.report.count("users", "imported") == 0
    finally:
        storage.close()


class _Interrupt(Exception):
    """Stands for Ctrl-C or a killed process, in the middle of a stage."""


class _StopAfter:
    def __init__(self, stage: str, batches: int) -> None:
        self.stage, self.left = stage, batches

    def start(self, stage: str, total_bytes: int) -> None:
        pass

    def advance(self, stage: str, *, rows: int, offset: int) -> None:
        if stage == self.stage:
            self.left -= 1
            if self.left == 0:
                raise _Interrupt

    def finish(self, stage: str) -> None:
        pass


@pytest.mark.parametrize("stage", ["users", "posts", "votes"])
def test_an_interrupted_import_resumes_to_the_same_result(
    site: Path, tmp_path: Path, stage: str
) -> None:
    clean = MemoryStorage()
    run(clean, site, batch_size=2)
    storage = MemoryStorage()
    with pytest.raises(_Interrupt):
        run(storage, site, batch_size=2, progress=_StopAfter(stage, 2))
    assert_consistent(storage)
    resumed = run(storage, site, batch_size=2)
    assert resumed.report.count(stage, "already imported") >= 2
    assert snapshot(storage) == snapshot(clean)


def test_a_truncated_file_stops_with_a_dump_error_and_resumes_once_fixed(
    site: Path, tmp_path: Path
) -> None:
    full = (site / "Votes.xml").read_text(encoding="utf-8")
    cut = full[: full.index('<row Id="6"') + 20]
    (site / "Votes.xml").write_text(cut, encoding="utf-8")
    storage = SQLAlchemyStorage(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        with pytest.raises(DumpError) as raised:
            run(storage, site, batch_size=2)
        assert raised.value.file == "Votes.xml"
        assert raised.value.line == 8
        assert "Votes.xml, line 8" in str(raised.value)
        assert_consistent(storage)
        (site / "Votes.xml").write_text(full, encoding="utf-8")
        run(storage, site, batch_size=2)
        assert_consistent(storage)
        clean = MemoryStorage()
        run(clean, site)
        assert snapshot(storage)["posts"] == snapshot(clean)["posts"]
    finally:
        storage.close()


def test_malformed_rows_and_missing_files_are_dump_errors(tmp_path: Path) -> None:
    bad = make_dump(
        tmp_path / "bad", users=[{"Id": "seven", "CreationDate": "2018-03-01T10:00:00"}], posts=[]
    )
    with pytest.raises(DumpError) as raised:
        run(MemoryStorage(), bad)
    assert raised.value.file == "Users.xml" and "Id='seven' is not an integer" in str(raised.value)
    (bad / "Votes.xml").unlink()
    with pytest.raises(DumpError, match="Votes.xml: the file is missing"):
        run(MemoryStorage(), bad)


# ---------------------------------------------------------------- the preset and the CLI


def test_the_preset_replaces_the_built_in_rules_in_a_host_community() -> None:
    clock = ManualClock()
    c = Community(
        MemoryStorage(),
        builtin_plugins=["socialcrm.staff"],
        plugins=[StackExchangePreset()],
        settings=stackexchange_settings(),
        clock=clock,
        entry_points=False,
    )
    admin = c.members.join(external_id="a", display_name="Admin", roles=["admin"]).id
    asker = c.members.join(external_id="b", display_name="Asker").id
    c.spaces.create(actor=admin, slug="qa", name="QA")
    q = c.threads.start(actor=asker, space="qa", kind="question", title="Old question?", body="B")
    c.votes.cast(actor=admin, post=q.opening_post_id, value=1)
    assert c.reputation.of(asker) == 11  # 2026: +10, and counted once


def test_cli_imports_and_compares(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    status = main(["import", "stackexchange", str(site), "--db", url, "--compare", "--no-progress"])
    out = capsys.readouterr().out
    assert status == 0
    assert "imported: upvote" in out and "imported: bounty close (awarded)" in out
    assert "reputation compared with Users.xml: 3 members, 2 active" in out
    assert "setup" not in out
    assert main(["import", "stackexchange", str(tmp_path / "nowhere"), "--db", url]) == 2


def test_cli_reports_a_dump_error_without_a_traceback(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "Posts.xml").write_text("<posts><row Id=", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["import", "stackexchange", str(site), "--db", url, "--no-progress"]) == 1
    assert "malformed_dump: Posts.xml, line 1" in capsys.readouterr().err


def test_import_stackexchange_accepts_a_url(site: Path, tmp_path: Path) -> None:
    report = import_stackexchange(f"sqlite:///{tmp_path / 'u.db'}", site)
    assert report.count("users", "imported") == 3


# ---------------------------------------------------------------- the real dump


@pytest.mark.skipif(not REAL_DUMP.is_dir(), reason="../shared/data/stackexchange is not here")
def test_the_real_quantumcomputing_dump_matches_at_least_94_percent_of_active_members() -> None:
    importer = run(MemoryStorage(), REAL_DUMP)
    comparison = compare_reputation(importer.community, REAL_DUMP)
    assert comparison.active >= 1900
    assert comparison.matching_share >= 0.94, "\n".join(comparison.lines())
    assert importer.report.rejected == []
    assert_consistent_source(importer)


def assert_consistent_source(importer: StackExchangeImporter) -> None:
    with importer.community.storage.unit_of_work(read_only=True) as uow:
        totals = uow.ledger.totals()
        for member_id, reputation in uow.members.reputations().items():
            assert reputation == 1 + totals.get(member_id, 0)
