"""Rollover: what of a month's hours passes on to the next month, and why.

A client's policy says what happens at a month's end to hours not used (they
expire, or carry: all, at most a cap, or for a number of months) and to hours
used over the month's budget (written off, or owed to the next month as a
deficit). `roll` works the months out one after the other from the sold and
used hours alone, so the same figures explain every month ("why do I have
23.5 h this month?") and nothing here reads the store.

Used hours are billed time, and an entry belongs wholly to the month it
started in (as model.billing has it): a month boundary or a DST change never
splits an entry, so no hour is counted in two months.

Hours a month owes are paid from its budget first; then its own use spends the
oldest carried hours first (they are the first to expire), then the month's
sold hours. Carried hours keep the month they were left in, so a carry that
lasts M months is dropped after the M-th month after that one; a cap keeps
the newest hours, which last longest. The policy in force is applied to every
month since the client began to carry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from model.i18n import _, ngettext
from model.tasks import ValidationError

EPSILON = 1e-9
"""Hours below this are float dust left by subtraction, and count as none."""


class Rollover(StrEnum):
    EXPIRE = "expire"  # unused hours are gone at the month's end
    CARRY = "carry"  # unused hours pass to the next month


class Overuse(StrEnum):
    WRITEOFF = "writeoff"  # hours over the budget are not asked back
    DEFICIT = "deficit"  # hours over the budget are owed by the next month


@dataclass(frozen=True)
class Policy:
    rollover: Rollover = Rollover.EXPIRE
    cap_hours: float | None = None
    """At most this many hours carried out of a month; None: all."""
    months: int | None = None
    """Carried hours last this many months after the one they were left in; None: until used."""
    overuse: Overuse = Overuse.WRITEOFF

    @property
    def carries(self) -> bool:
        """Whether anything ever passes from one month to the next."""
        return self.rollover == Rollover.CARRY or self.overuse == Overuse.DEFICIT

    @property
    def rollover_label(self) -> str:
        """What becomes of unused hours, in words."""
        if self.rollover == Rollover.EXPIRE:
            return _("unused hours expire at the month's end")
        cap = None if self.cap_hours is None else f"{self.cap_hours:g}"
        if self.months is None:
            if cap is None:
                return _("unused hours carry to the next month until used")
            return _(
                "unused hours carry to the next month, at most {hours} h, until used", hours=cap
            )
        if cap is None:
            return ngettext(
                "unused hours carry to the next month for {n} month",
                "unused hours carry to the next month for {n} months",
                self.months,
            )
        return ngettext(
            "unused hours carry to the next month, at most {hours} h, for {n} month",
            "unused hours carry to the next month, at most {hours} h, for {n} months",
            self.months,
            hours=cap,
        )

    @property
    def overuse_label(self) -> str:
        """What becomes of hours used over the budget, in words."""
        if self.overuse == Overuse.DEFICIT:
            return _("hours over the month's budget are owed by the next month")
        return _("hours over the month's budget are written off")


def check_policy(
    *, rollover: str, cap_hours: float | None, months: int | None, overuse: str
) -> Policy:
    """A policy from what a person typed: a negative cap, no months or an unknown word is
    refused."""
    if rollover not in Rollover.__members__.values():
        raise ValidationError(
            _("unused hours expire or carry, not {value!r}", value=rollover), field="rollover"
        )
    if overuse not in Overuse.__members__.values():
        raise ValidationError(
            _("overuse is written off (writeoff) or owed (deficit), not {value!r}", value=overuse),
            field="overuse",
        )
    if cap_hours is not None and not (
        isinstance(cap_hours, int | float) and 0 <= cap_hours <= 10_000
    ):
        raise ValidationError(
            _("the carry cap is from 0 to 10000 hours, or none"), field="carry_cap_hours"
        )
    if months is not None and (isinstance(months, bool) or not 1 <= months <= 120):
        raise ValidationError(
            _("carried hours last from 1 to 120 months, or until used"), field="carry_months"
        )
    return Policy(
        rollover=Rollover(rollover), cap_hours=cap_hours, months=months, overuse=Overuse(overuse)
    )


def policy_of(
    *, rollover: str, cap_hours: float | None, months: int | None, overuse: str
) -> Policy:
    """A stored policy; a word this release does not know reads as the old way: expire,
    write off."""
    known_rollover = rollover if rollover in Rollover.__members__.values() else Rollover.EXPIRE
    known_overuse = overuse if overuse in Overuse.__members__.values() else Overuse.WRITEOFF
    return Policy(
        rollover=Rollover(known_rollover),
        cap_hours=cap_hours,
        months=months,
        overuse=Overuse(known_overuse),
    )


@dataclass(frozen=True)
class Lot:
    """Unused hours carried on, with the month they were left in."""

    month: date
    hours: float


@dataclass(frozen=True)
class MonthRoll:
    """One month of a retainer: what it had, what it used, and what it passed on."""

    month: date
    sold: float
    carried_in: tuple[Lot, ...]
    """Unused hours of earlier months still good in this one, oldest first."""
    owed_in: float
    """Hours the previous month used over its budget, owed by this one."""
    used: float
    carried_out: tuple[Lot, ...]
    owed_out: float
    expired: float
    """Unused hours that did not pass on: the policy lets them expire, the cap or their months."""
    written_off: float
    """Hours used over the budget that are not owed."""

    @property
    def carried_in_hours(self) -> float:
        """Net hours passed in: carried less owed (negative for a deficit)."""
        return sum(lot.hours for lot in self.carried_in) - self.owed_in

    @property
    def available(self) -> float:
        """Sold + carried − owed: the month's budget."""
        return self.sold + self.carried_in_hours

    @property
    def left(self) -> float:
        """Available less used (negative when over)."""
        return self.available - self.used

    @property
    def carried_out_hours(self) -> float:
        """Net hours passed on: carried less owed."""
        return sum(lot.hours for lot in self.carried_out) - self.owed_out


def months_between(*, earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def shift_month(month: date, *, by: int) -> date:
    """The first day of the month `by` months after `month`'s (before, when negative)."""
    index = month.year * 12 + month.month - 1 + by
    return date(index // 12, index % 12 + 1, 1)


def _spend(*, pool: Sequence[Lot], need: float) -> tuple[list[Lot], float]:
    """Take `need` hours from `pool` in order; what is left of it, and what could not be taken."""
    left: list[Lot] = []
    for lot in pool:
        taken = min(lot.hours, need)
        need -= taken
        rest = lot.hours - taken
        if rest > EPSILON:
            left.append(Lot(month=lot.month, hours=rest))
    return left, need if need > EPSILON else 0.0


def _pass_on(*, unused: Sequence[Lot], next_month: date, policy: Policy) -> tuple[list[Lot], float]:
    """The lots that carry into `next_month` under `policy`, and the hours that expire."""
    if policy.rollover != Rollover.CARRY:
        return [], sum(lot.hours for lot in unused)
    kept = [
        lot
        for lot in unused
        if policy.months is None
        or months_between(earlier=lot.month, later=next_month) <= policy.months
    ]
    expired = sum(lot.hours for lot in unused) - sum(lot.hours for lot in kept)
    if policy.cap_hours is not None:
        room = policy.cap_hours
        capped: list[Lot] = []
        for lot in reversed(kept):  # the newest first: they last longest
            hours = min(lot.hours, room)
            room -= hours
            if hours > EPSILON:
                capped.append(Lot(month=lot.month, hours=hours))
        expired += sum(lot.hours for lot in kept) - sum(lot.hours for lot in capped)
        kept = capped[::-1]
    return kept, expired if expired > EPSILON else 0.0


def roll(
    *,
    months: Iterable[date],
    sold: Mapping[date, float],
    used: Mapping[date, float],
    policy: Policy,
) -> list[MonthRoll]:
    """Each of `months` (consecutive, oldest first, each a month's first day) worked out in turn.

    The first month starts with nothing carried: it is the one the client began
    to carry in. A month missing from `sold` or `used` has none.
    """
    rolled: list[MonthRoll] = []
    carried: list[Lot] = []
    owed = 0.0
    for month in months:
        month_sold, month_used = max(sold.get(month, 0.0), 0.0), max(used.get(month, 0.0), 0.0)
        pool = [*carried, Lot(month=month, hours=month_sold)]
        unused, over = _spend(pool=pool, need=owed + month_used)
        carried_out, expired = _pass_on(
            unused=unused, next_month=shift_month(month, by=1), policy=policy
        )
        owed_out = over if policy.overuse == Overuse.DEFICIT else 0.0
        rolled.append(
            MonthRoll(
                month=month,
                sold=month_sold,
                carried_in=tuple(carried),
                owed_in=owed,
                used=month_used,
                carried_out=tuple(carried_out),
                owed_out=owed_out,
                expired=expired,
                written_off=over - owed_out,
            )
        )
        carried, owed = carried_out, owed_out
    return rolled


def month_range(*, first: date, last: date) -> list[date]:
    """The first days of the months from `first`'s to `last`'s, both included."""
    month, end = date(first.year, first.month, 1), date(last.year, last.month, 1)
    months = []
    while month <= end:
        months.append(month)
        month = shift_month(month, by=1)
    return months
