"""What an import did and did not do, and how its reputation compares with the dump's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import attrs

#: Names of Stack Exchange vote types (``VoteTypeId``) in the report.
VOTE_TYPES = {
    1: "accept",
    2: "upvote",
    3: "downvote",
    4: "offensive",
    5: "favorite",
    6: "close",
    7: "reopen",
    8: "bounty start",
    9: "bounty close",
    10: "deletion",
    11: "undeletion",
    12: "spam",
    15: "moderator review",
    16: "approve edit suggestion",
}


class ImportReport:
    """Counts of one import run, by stage and outcome, and the rows the core refused.

    ``counts[stage][outcome]``: outcomes are ``imported``, ``already imported``
    (committed by an earlier run, skipped) or a reason for not importing.
    ``rejected`` lists ``(stage, row id, error code, message)`` for rows a command
    refused (the rest of their batch was still imported).
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.counts: dict[str, Counter[str]] = {}
        self.rejected: list[tuple[str, str, str, str]] = []
        self.seconds = 0.0
        self.rows_read = 0

    def add(self, stage: str, outcome: str, count: int = 1) -> None:
        """Count ``count`` rows of ``stage`` with ``outcome``."""
        self.counts.setdefault(stage, Counter())[outcome] += count

    def merge(self, stage: str, counts: Counter[str]) -> None:
        """Add a batch's counts once it committed."""
        if counts:
            self.counts.setdefault(stage, Counter()).update(counts)

    def count(self, stage: str, outcome: str) -> int:
        """How many rows of ``stage`` had ``outcome``."""
        return self.counts.get(stage, Counter()).get(outcome, 0)

    @property
    def rows_per_second(self) -> float:
        """Rows read per second over the whole run."""
        return self.rows_read / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        """The report as text lines, one stage per block."""
        out = [f"import of {self.source}"]
        for stage, counts in self.counts.items():
            out.append(f"  {stage}:")
            for outcome, number in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                out.append(f"    {number:>8,}  {outcome}")
        if self.rejected:
            out.append(f"  rejected by the core: {len(self.rejected)} rows (first 10)")
            for stage, row_id, code, message in self.rejected[:10]:
                out.append(f"    {stage} Id={row_id}: {code}: {message}")
        if self.seconds:
            out.append(
                f"  {self.rows_read:,} rows in {self.seconds:.1f} s "
                f"({self.rows_per_second:,.0f} rows/s)"
            )
        return out


@attrs.frozen
class Difference:
    """One member whose computed reputation differs from the dump's."""

    user_id: int
    display_name: str
    dump_reputation: int
    computed_reputation: int

    @property
    def delta(self) -> int:
        """Dump minus computed (positive: the dump has more)."""
        return self.dump_reputation - self.computed_reputation


@attrs.frozen
class ReputationComparison:
    """How the computed reputations compare with ``Reputation`` in Users.xml.

    ``active`` members have a reputation above 1 in the dump or at least one
    ledger entry here. ``exact`` match it; ``association_bonus`` differ by exactly
    +100 (the bonus for 200+ reputation on another site, which dumps do not record).
    ``others`` are the remaining active members, largest difference first.
    """

    members: int
    active: int
    exact: int
    association_bonus: int
    others: tuple[Difference, ...]

    @property
    def matching(self) -> int:
        """Exact matches plus exact +100 differences."""
        return self.exact + self.association_bonus

    @property
    def matching_share(self) -> float:
        """``matching`` as a share of ``active`` (1.0 when nobody is active)."""
        return self.matching / self.active if self.active else 1.0

    def distribution(self) -> list[tuple[str, int]]:
        """The other differences (dump minus computed) in buckets, in bucket order."""
        bounds = [(-(10**9), -101), (-100, -11), (-10, -1), (1, 10), (11, 99), (101, 10**9)]
        labels = ["< -100", "-100..-11", "-10..-1", "+1..+10", "+11..+99", "> +100"]
        counts = Counter[str]()
        for difference in self.others:
            for (low, high), label in zip(bounds, labels, strict=True):
                if low <= difference.delta <= high:
                    counts[label] += 1
        return [(label, counts[label]) for label in labels if counts[label]]

    def lines(self, *, largest: int = 15) -> list[str]:
        """The comparison as text lines, with the ``largest`` differences."""
        out = [
            f"reputation compared with Users.xml: {self.members:,} members, {self.active:,} active",
            f"  exact:                  {self.exact:>6,}",
            f"  exactly +100 in dump:   {self.association_bonus:>6,}  (association bonus)",
            f"  exact or +100:          {self.matching:>6,}  ({self.matching_share:.1%} of active)",
            f"  other differences:      {len(self.others):>6,}  (dump minus computed)",
        ]
        out.extend(f"    {label:>10}: {count:,}" for label, count in self.distribution())
        if self.others:
            out.append(f"  largest differences (first {min(largest, len(self.others))}):")
            out.append("    user id  dump  computed  delta  name")
            for d in self.others[:largest]:
                out.append(
                    f"    {d.user_id:>7} {d.dump_reputation:>5} {d.computed_reputation:>9}"
                    f" {d.delta:>+6}  {d.display_name}"
                )
        return out


def ordered_by_size(differences: Iterable[Difference]) -> tuple[Difference, ...]:
    """Largest absolute difference first, then by user id."""
    return tuple(sorted(differences, key=lambda d: (-abs(d.delta), d.user_id)))


__all__ = ["VOTE_TYPES", "Difference", "ImportReport", "ReputationComparison", "ordered_by_size"]
