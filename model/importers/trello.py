"""Trello boards: read an export, map its lists to statuses, plan the import, apply it.

Teams arrive with years of boards, one per client, and do not switch tools if
that history stays behind. A board is the JSON of Trello's "Export as JSON";
reading it checks that the file is a whole board export before the store is
touched. The plan is computed against the store, so a dry run shows exactly
what the import would do, and the import writes that plan in one transaction.

Tasks keep their card's id in `Task.external_id`: importing the same board
again updates the tasks it made instead of adding copies, and the file wins
for every field it carries. Comments exist only as the board's actions, which
Trello cuts at the newest 1,000, so a capped export says older ones may be gone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from typing import Any

import pendulum
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import clock
from model.clients import insert_client
from model.db import reading, transaction
from model.i18n import _
from model.importers import FileRefused, read_json
from model.tables import ChecklistItem, Client, Member, Status, Task, TaskComment, TaskEvent
from model.tasks import (
    MAX_DESCRIPTION,
    MAX_TITLE,
    NotFoundError,
    ValidationError,
    apply_changes,
    bottom_position,
    normalise_labels,
    status_effects,
    validate,
)

ACTION_CAP = 1000  # Trello's export holds at most the newest 1,000 actions
EXTERNAL_PREFIX = "trello:"
ARCHIVE_REASON = "trello"
QUERY_CHUNK = 500  # ids per IN (...) list, well under every back end's parameter limit

# How a list's name is recognised, in the order the statuses are tried: the more
# specific first, so "Готово к проверке" is review and "Done this week" is done. A
# pattern matches at the start of a word; Slavic stems stand for all their endings.
_STATUS_WORDS: tuple[tuple[Status, tuple[str, ...]], ...] = (
    (
        Status.WAITING,
        (
            r"wait",
            r"block",
            r"on hold",
            r"pause",
            r"чека",
            r"очіку",
            r"жд[её]м",
            r"ожида",
            r"заблок",
            r"пауз",
        ),
    ),
    (
        Status.REVIEW,
        (
            r"review",
            r"qa\b",
            r"test",
            r"approv",
            r"check",
            r"перевір",
            r"рев['ʼ’]?ю",
            r"погодж",
            r"провер",
            r"ревью",
            r"согласов",
            r"тест",
        ),
    ),
    (
        Status.DOING,
        (
            r"doing",
            r"in progress",
            r"progress",
            r"wip\b",
            r"working",
            r"в робот",
            r"в процес",
            r"робимо",
            r"викону[єю]ться",
            r"в работе",
            r"делаем",
            r"выполня[ею]тся",
        ),
    ),
    (
        Status.DONE,
        (
            r"done",
            r"complete",
            r"finish",
            r"closed",
            r"shipped",
            r"released",
            r"готово\b",
            r"зроблен",
            r"виконан",
            r"заверш",
            r"закрит",
            r"сделан",
            r"выполнен",
            r"закрыт",
        ),
    ),
    (
        Status.TODO,
        (
            r"to[ -]?do\b",
            r"next",
            r"plan",
            r"this week",
            r"sprint",
            r"зробити",
            r"до виконання",
            r"план",
            r"цього тижня",
            r"наступн",
            r"сделать",
            r"к выполнению",
            r"на этой неделе",
            r"следующ",
            r"спринт",
        ),
    ),
    (
        Status.BACKLOG,
        (
            r"backlog",
            r"idea",
            r"someday",
            r"later",
            r"wish",
            r"icebox",
            r"б[еэ]клог",
            r"іде[їя]",
            r"иде[ия]",
            r"колись",
            r"пізніше",
            r"когда-нибудь",
            r"потом",
            r"позже",
        ),
    ),
    (
        Status.INBOX,
        (
            r"inbox",
            r"incoming",
            r"new\b",
            r"request",
            r"triage",
            r"вхідн",
            r"нов[іиы]",
            r"запит",
            r"входящ",
            r"запрос",
        ),
    ),
)
_STATUS_PATTERNS = tuple(
    (status, re.compile("|".join(rf"(?<!\w){word}" for word in words)))
    for status, words in _STATUS_WORDS
)
DEFAULT_STATUS = Status.BACKLOG


class MappingSource(StrEnum):
    """Where a list's status came from, for the mapping the import shows."""

    NAME = "name"
    GIVEN = "given"
    DEFAULT = "default"


@dataclass(frozen=True)
class TrelloList:
    id: str
    name: str
    closed: bool
    pos: float


@dataclass(frozen=True)
class TrelloComment:
    at: datetime
    author: str
    text: str


@dataclass(frozen=True)
class TrelloCard:
    id: str
    list_id: str
    title: str
    description: str
    closed: bool
    pos: float
    due: datetime | None
    labels: str
    member_ids: tuple[str, ...]
    checklist: tuple[tuple[str, bool], ...]
    comments: tuple[TrelloComment, ...]
    created_at: datetime
    last_activity: datetime

    @property
    def external_id(self) -> str:
        return EXTERNAL_PREFIX + self.id


@dataclass(frozen=True)
class TrelloMember:
    id: str
    name: str
    username: str


@dataclass(frozen=True)
class Board:
    name: str
    lists: tuple[TrelloList, ...]
    cards: tuple[TrelloCard, ...]
    members: tuple[TrelloMember, ...]
    actions: int

    def warnings(self) -> list[str]:
        if self.actions < ACTION_CAP:
            return []
        return [
            _(
                "the export holds {n} actions, Trello's limit: comments older than "
                "the oldest of them may be missing",
                n=self.actions,
            )
        ]


# --- reading ---------------------------------------------------------------------------------


class _Malformed(Exception):
    """A part of the file that is not what a Trello board export holds there."""


_REQUIRED = object()


def _get(
    item: Any, key: str, kind: type | tuple[type, ...], *, where: str, default: Any = _REQUIRED
) -> Any:
    """`item[key]` when it is of `kind` (JSON's true and false are not numbers here)."""
    if not isinstance(item, dict):
        raise _Malformed(_("{where} is not an object", where=where))
    value = item.get(key, default)
    wrong_bool = isinstance(value, bool) and kind is not bool
    if value is _REQUIRED or not isinstance(value, kind) or wrong_bool:
        raise _Malformed(_("{where} has no valid {key!r}", where=where, key=key))
    return value


def _instant(text: str, *, where: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise _Malformed(
            _("{where} has a malformed date {text!r}", where=where, text=text)
        ) from None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def _id_time(object_id: str) -> datetime | None:
    """Trello ids are MongoDB object ids: their first eight hex digits are the creation time."""
    if not re.fullmatch(r"[0-9a-f]{24}", object_id):
        return None
    return datetime.fromtimestamp(int(object_id[:8], 16), tz=UTC)


def _clean(text: str, *, limit: int) -> str:
    return text.replace("\x00", "")[:limit]


def _label_text(labels: list) -> str:
    names = []
    for index, label in enumerate(labels):
        where = _("label {n}", n=index + 1)
        name = _get(label, "name", (str, type(None)), where=where, default="") or _get(
            label, "color", (str, type(None)), where=where, default=""
        )
        if name:
            names.append("-".join(name.replace(",", " ").split()))
    return normalise_labels(text=",".join(names))


def _checklists(data: dict) -> dict[str, tuple[tuple[str, bool], ...]]:
    """Card id → its checklist items in board order; several lists are told apart by name."""
    by_card: dict[str, list[tuple[float, str, list]]] = {}
    for index, checklist in enumerate(
        _get(data, "checklists", list, where=_("the board"), default=[])
    ):
        where = _("checklist {n}", n=index + 1)
        card_id = _get(checklist, "idCard", str, where=where)
        name = _get(checklist, "name", str, where=where, default="")
        pos = _get(checklist, "pos", (int, float), where=where, default=index)
        items = _get(checklist, "checkItems", list, where=where, default=[])
        by_card.setdefault(card_id, []).append((pos, name, items))
    result = {}
    for card_id, checklists in by_card.items():
        checklists.sort(key=lambda entry: entry[0])
        entries = []
        for _pos, name, items in checklists:
            prefix = f"{name}: " if len(checklists) > 1 and name.strip() else ""
            ordered = sorted(
                enumerate(items),
                key=lambda pair: _get(
                    pair[1], "pos", (int, float), where=_("checklist item"), default=pair[0]
                ),
            )
            for _index, item in ordered:
                text = _get(item, "name", str, where=_("checklist item"))
                done = _get(item, "state", str, where=_("checklist item"), default="") == "complete"
                text = _clean(prefix + text, limit=MAX_TITLE).strip()
                if text:
                    entries.append((text, done))
        result[card_id] = tuple(entries)
    return result


def _comments(actions: list, *, names: dict[str, str]) -> dict[str, list[TrelloComment]]:
    """Card id → its comments, oldest first; other actions are history Trello keeps itself."""
    by_card: dict[str, list[TrelloComment]] = {}
    for index, action in enumerate(actions):
        where = _("action {n}", n=index + 1)
        if _get(action, "type", str, where=where, default="") != "commentCard":
            continue
        payload = _get(action, "data", dict, where=where)
        card_id = _get(_get(payload, "card", dict, where=where), "id", str, where=where)
        creator = (
            action.get("memberCreator") if isinstance(action.get("memberCreator"), dict) else {}
        )
        author = (
            creator.get("fullName")
            or creator.get("username")
            or names.get(action.get("idMemberCreator"), "")
        )
        by_card.setdefault(card_id, []).append(
            TrelloComment(
                at=_instant(_get(action, "date", str, where=where), where=where),
                author=_clean(str(author), limit=MAX_TITLE),
                text=_clean(_get(payload, "text", str, where=where), limit=MAX_DESCRIPTION),
            )
        )
    for comments in by_card.values():
        comments.sort(key=lambda comment: comment.at)
    return by_card


MAX_MEMBER_NAME = 120
"""As long as a member's name may be in the app (model/members.py), so a restore takes it."""


def _members(data: dict) -> tuple[TrelloMember, ...]:
    members = []
    for index, member in enumerate(_get(data, "members", list, where=_("the board"), default=[])):
        where = _("member {n}", n=index + 1)
        username = _get(member, "username", str, where=where, default="")
        name = _get(member, "fullName", str, where=where, default="").strip() or username
        members.append(
            TrelloMember(
                id=_get(member, "id", str, where=where),
                name=_clean(name, limit=MAX_MEMBER_NAME).strip(),
                username=username,
            )
        )
    return tuple(members)


def _list(item: Any, *, index: int) -> TrelloList:
    where = _("list {n}", n=index + 1)
    return TrelloList(
        id=_get(item, "id", str, where=where),
        name=_get(item, "name", str, where=where),
        closed=_get(item, "closed", bool, where=where, default=False),
        pos=float(_get(item, "pos", (int, float), where=where, default=index)),
    )


def _card(
    item: Any,
    *,
    index: int,
    list_ids: set[str],
    checklists: dict[str, tuple[tuple[str, bool], ...]],
    comments: dict[str, list[TrelloComment]],
) -> TrelloCard:
    where = _("card {n}", n=index + 1)
    card_id = _get(item, "id", str, where=where)
    list_id = _get(item, "idList", str, where=where)
    if list_id not in list_ids:
        raise _Malformed(_("{where} is on a list the board does not have", where=where))
    due = _get(item, "due", (str, type(None)), where=where, default=None)
    activity = _get(item, "dateLastActivity", (str, type(None)), where=where, default=None)
    last_activity = _instant(activity, where=where) if activity else clock.now()
    return TrelloCard(
        id=card_id,
        list_id=list_id,
        title=_get(item, "name", str, where=where),
        description=_get(item, "desc", (str, type(None)), where=where, default="") or "",
        closed=_get(item, "closed", bool, where=where, default=False),
        pos=float(_get(item, "pos", (int, float), where=where, default=index)),
        due=_instant(due, where=where) if due else None,
        labels=_label_text(_get(item, "labels", list, where=where, default=[])),
        member_ids=tuple(
            member
            for member in _get(item, "idMembers", list, where=where, default=[])
            if isinstance(member, str)
        ),
        checklist=checklists.get(card_id, ()),
        comments=tuple(comments.get(card_id, ())),
        created_at=_id_time(card_id) or last_activity,
        last_activity=last_activity,
    )


def parse_board(*, data: Any, name: str) -> Board:
    """The board in a decoded export; anything else is refused with what is wrong with it."""
    if not (
        isinstance(data, dict)
        and isinstance(data.get("id"), str)
        and isinstance(data.get("lists"), list)
        and isinstance(data.get("cards"), list)
    ):
        raise FileRefused(
            _(
                "{name} is not a Trello board export: it has no board with lists and cards "
                "(in Trello: board menu → Print, export and share → Export as JSON)",
                name=name,
            )
        )
    try:
        lists = tuple(_list(item, index=index) for index, item in enumerate(data["lists"]))
        members = _members(data)
        actions = _get(data, "actions", list, where=_("the board"), default=[])
        comments = _comments(actions, names={member.id: member.name for member in members})
        checklists = _checklists(data)
        list_ids = {item.id for item in lists}
        cards = tuple(
            _card(item, index=index, list_ids=list_ids, checklists=checklists, comments=comments)
            for index, item in enumerate(data["cards"])
        )
    except _Malformed as problem:
        raise FileRefused(
            _("{name} is not a valid Trello board export: {problem}", name=name, problem=problem)
        ) from None
    return Board(
        name=data["name"] if isinstance(data.get("name"), str) else "",
        lists=lists,
        cards=cards,
        members=members,
        actions=len(actions),
    )


def read_board(*, path: Path) -> Board:
    return parse_board(data=read_json(path=path), name=path.name)


# --- lists to statuses -------------------------------------------------------------------------


@dataclass(frozen=True)
class ListMapping:
    list: TrelloList
    status: str
    source: MappingSource


def guess_status(*, name: str) -> Status | None:
    """The status a list's name says, in English, Ukrainian or Russian, or None."""
    wanted = name.casefold().replace("ё", "е")
    for status, pattern in _STATUS_PATTERNS:
        if pattern.search(wanted):
            return status
    return None


def parse_overrides(*, texts: Sequence[str], board: Board) -> dict[str, str]:
    """`"List name=status"` entries as list id → status; a list or status must exist."""
    by_name = {item.name.strip().casefold(): item for item in board.lists}
    statuses = [status.value for status in Status]
    overrides = {}
    for text in texts:
        list_name, sep, status = text.rpartition("=")
        if not sep or not list_name.strip():
            raise ValidationError(
                _('write a mapping as "List name=status", not {text!r}', text=text), field="map"
            )
        found = by_name.get(list_name.strip().casefold())
        if found is None:
            raise ValidationError(
                _(
                    "the board has no list {name!r}; its lists: {names}",
                    name=list_name.strip(),
                    names=", ".join(item.name for item in board.lists),
                ),
                field="map",
            )
        status = status.strip().lower()
        if status not in statuses:
            raise ValidationError(
                _(
                    "unknown status {value}; use one of {statuses}",
                    value=status,
                    statuses=", ".join(statuses),
                ),
                field="map",
            )
        overrides[found.id] = status
    return overrides


def map_lists(*, board: Board, overrides: Sequence[str] = ()) -> list[ListMapping]:
    """Every list's status: given with `--map`, else guessed from its name, else the backlog."""
    given = parse_overrides(texts=overrides, board=board)
    mapping = []
    for item in sorted(board.lists, key=lambda entry: entry.pos):
        if item.id in given:
            mapping.append(
                ListMapping(list=item, status=given[item.id], source=MappingSource.GIVEN)
            )
            continue
        guessed = guess_status(name=item.name)
        mapping.append(
            ListMapping(
                list=item,
                status=guessed or DEFAULT_STATUS,
                source=MappingSource.NAME if guessed else MappingSource.DEFAULT,
            )
        )
    return mapping


# --- the plan ----------------------------------------------------------------------------------


def derive_initials(*, name: str) -> str:
    """First letters of the first and last words, or the first two letters of a single word."""
    words = re.findall(r"\w+", name)
    if len(words) >= 2:
        initials = words[0][0] + words[-1][0]
    else:
        initials = words[0][:2] if words else name[:2]
    # letters and digits only, as the team's initials are everywhere else
    return "".join(char for char in initials if char.isalnum()).upper() or "XX"


def local_due(*, due: datetime, zone: str) -> tuple[date, time]:
    """A Trello due instant as the day and minute it falls on in `zone`."""
    local = pendulum.instance(due).in_timezone(zone)
    return date(local.year, local.month, local.day), time(local.hour, local.minute)


@dataclass(frozen=True)
class NewMember:
    name: str
    initials: str


@dataclass
class CardPlan:
    """What importing one card does: a new task, or the changes to the task it made before.

    An assignee still to be created is named by its negative provisional id.
    """

    card: TrelloCard
    task: Task | None
    changes: dict[str, Any]
    checklist_changed: bool
    new_comments: tuple[TrelloComment, ...]

    @property
    def touches(self) -> bool:
        return bool(
            self.task is None or self.changes or self.checklist_changed or self.new_comments
        )

    @property
    def changed_fields(self) -> list[str]:
        fields = [field for field in self.changes if field != "archive_reason"]
        if self.checklist_changed:
            fields.append("checklist")
        if self.new_comments:
            fields.append("comments")
        return fields


@dataclass
class Plan:
    board: Board
    mapping: list[ListMapping]
    client: Client
    cards: list[CardPlan]
    new_members: dict[int, NewMember]
    matched_members: int

    @property
    def creates(self) -> list[CardPlan]:
        return [item for item in self.cards if item.task is None]

    @property
    def updates(self) -> list[CardPlan]:
        return [item for item in self.cards if item.task is not None and item.touches]

    @property
    def unchanged(self) -> int:
        return sum(1 for item in self.cards if not item.touches)

    @property
    def comments(self) -> int:
        return sum(len(item.new_comments) for item in self.cards)

    @property
    def checklist_items(self) -> int:
        return sum(
            len(item.card.checklist)
            for item in self.cards
            if item.task is None or item.checklist_changed
        )

    @property
    def archived(self) -> int:
        return sum(1 for item in self.cards if item.changes.get("archived_at") is not None)


def _chunks(values: list, size: int = QUERY_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _member_ids(
    *, session: Session, board: Board
) -> tuple[dict[str, int], dict[int, NewMember], int]:
    """Trello member id → member id, matching names case-insensitively; new ones get ids < 0."""
    known: dict[str, int | None] = {}
    for row in session.exec(select(Member)):
        known.setdefault(row.name.casefold(), row.id)
    ids: dict[str, int] = {}
    new: dict[int, NewMember] = {}
    matched = 0
    for member in board.members:
        if not member.name:
            continue
        found = known.get(member.name.casefold()) or known.get(member.username.casefold())
        if found is not None and found > 0:
            matched += 1
        if found is None:
            found = -(len(new) + 1)
            new[found] = NewMember(name=member.name, initials=derive_initials(name=member.name))
            known[member.name.casefold()] = found
        ids[member.id] = found
    return ids, new, matched


def _existing(
    *, session: Session, board: Board, lock: bool
) -> tuple[dict[str, Task], dict[int, list[tuple[str, bool]]], dict[int, set]]:
    """Tasks an earlier import made from these cards, with their checklists and comments."""
    tasks: dict[str, Task] = {}
    for chunk in _chunks([card.external_id for card in board.cards]):
        query = select(Task).where(Task.external_id.in_(chunk))
        for task in session.exec(query.with_for_update() if lock else query):
            tasks[task.external_id] = task
    checklists: dict[int, list[tuple[str, bool]]] = {}
    comments: dict[int, set] = {}
    for chunk in _chunks([task.id for task in tasks.values()]):
        for item in session.exec(
            select(ChecklistItem)
            .where(ChecklistItem.task_id.in_(chunk))
            .order_by(ChecklistItem.position, ChecklistItem.id)
        ):
            checklists.setdefault(item.task_id, []).append((item.text, item.done))
        for comment in session.exec(select(TaskComment).where(TaskComment.task_id.in_(chunk))):
            comments.setdefault(comment.task_id, set()).add((comment.at, comment.text))
    return tasks, checklists, comments


def _title_and_description(card: TrelloCard) -> tuple[str, str]:
    """A title too long for a task keeps its whole text at the top of the description."""
    title = " ".join(card.title.replace("\x00", "").split())
    description = _clean(card.description, limit=MAX_DESCRIPTION)
    if not title:
        return _("untitled Trello card"), description
    if len(title) <= MAX_TITLE:
        return title, description
    full = f"{title}\n\n{description}" if description else title
    return title[: MAX_TITLE - 1] + "…", full[:MAX_DESCRIPTION]


def _wanted(
    *, card: TrelloCard, status: str, position: float, member_ids: dict[str, int]
) -> dict[str, Any]:
    """The task fields the card sets, other than archiving."""
    title, description = _title_and_description(card)
    due_date, due_time = (
        local_due(due=card.due, zone=clock.zone()) if card.due is not None else (None, None)
    )
    assignees = [member_ids[member] for member in card.member_ids if member in member_ids]
    return validate(
        changes={
            "title": title,
            "description": description,
            "status": status,
            "due_date": due_date,
            "due_time": due_time,
            "labels": card.labels,
            "assignee_id": assignees[0] if assignees else None,
            "position": position,
        }
    )


def _between(*, low: float | None, high: float | None, count: int) -> list[float]:
    """`count` ascending positions after `low` and before `high`; either may be open."""
    if high is None:
        start = 0.0 if low is None else low
        return [start + step for step in range(1, count + 1)]
    if low is None:
        return [high - count + step for step in range(count)]
    gap = (high - low) / (count + 1)
    return [low + gap * step for step in range(1, count + 1)]


def _positions(
    *,
    session: Session,
    cards: list[tuple[TrelloCard, str]],
    tasks: dict[str, Task],
    lists: dict[str, TrelloList],
) -> dict[str, float]:
    """Card id → position, in Trello's order within each status.

    Tasks already in their column stay where they are while Trello's order
    agrees, and the rest are slotted between them, so a re-import moves only
    what moved in Trello; when Trello's order changed the block is laid out again.
    The first import goes to the bottom of each column.
    """
    by_status: dict[str, list[TrelloCard]] = {}
    for card, status in cards:
        by_status.setdefault(status, []).append(card)
    positions: dict[str, float] = {}
    for status, group in by_status.items():
        group.sort(key=lambda card: (lists[card.list_id].pos, card.pos))
        placed = {
            card.id: tasks[card.external_id].position
            for card in group
            if card.external_id in tasks and tasks[card.external_id].status == status
        }
        kept = [placed[card.id] for card in group if card.id in placed]
        if any(later <= earlier for earlier, later in pairwise(kept)):
            placed = {}
        if not placed:
            start = min(kept) if kept else bottom_position(session=session, status=status)
            positions.update({card.id: start + rank for rank, card in enumerate(group)})
            continue
        index = 0
        while index < len(group):
            if group[index].id in placed:
                positions[group[index].id] = placed[group[index].id]
                index += 1
                continue
            end = index
            while end < len(group) and group[end].id not in placed:
                end += 1
            slots = _between(
                low=placed[group[index - 1].id] if index else None,
                high=placed[group[end].id] if end < len(group) else None,
                count=end - index,
            )
            positions.update(
                {card.id: slot for card, slot in zip(group[index:end], slots, strict=True)}
            )
            index = end
    return positions


def _plan(
    *, session: Session, board: Board, client_id: int, mapping: list[ListMapping], lock: bool
) -> Plan:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError(_("no client with id {id}", id=client_id))
    status_of = {entry.list.id: entry.status for entry in mapping}
    lists = {entry.list.id: entry.list for entry in mapping}
    tasks, checklists, comments = _existing(session=session, board=board, lock=lock)
    elsewhere = {task.client_id for task in tasks.values()} - {client_id}
    if elsewhere:
        other = session.get(Client, min(elsewhere))
        raise ValidationError(
            _(
                "this board was imported for {client} ({code}) before; import it for that client",
                client=other.name,
                code=other.code,
            ),
            field="client",
        )
    member_ids, new_members, matched = _member_ids(session=session, board=board)
    statuses = [(card, status_of[card.list_id]) for card in board.cards]
    positions = _positions(session=session, cards=statuses, tasks=tasks, lists=lists)
    now = clock.now()
    plans = []
    for card, status in statuses:
        wanted = _wanted(
            card=card, status=status, position=positions[card.id], member_ids=member_ids
        )
        archived = card.closed or lists[card.list_id].closed
        task = tasks.get(card.external_id)
        if task is None:
            if archived:
                wanted.update(archived_at=card.last_activity, archive_reason=ARCHIVE_REASON)
            plans.append(
                CardPlan(
                    card=card,
                    task=None,
                    changes=wanted,
                    checklist_changed=bool(card.checklist),
                    new_comments=card.comments,
                )
            )
            continue
        changes = {field: value for field, value in wanted.items() if getattr(task, field) != value}
        if archived != (task.archived_at is not None):
            changes["archived_at"] = now if archived else None
            changes["archive_reason"] = ARCHIVE_REASON if archived else ""
        seen = comments.get(task.id, set())
        plans.append(
            CardPlan(
                card=card,
                task=task,
                changes=changes,
                checklist_changed=list(card.checklist) != checklists.get(task.id, []),
                new_comments=tuple(
                    comment for comment in card.comments if (comment.at, comment.text) not in seen
                ),
            )
        )
    return Plan(
        board=board,
        mapping=mapping,
        client=client,
        cards=plans,
        new_members=new_members,
        matched_members=matched,
    )


# --- applying ----------------------------------------------------------------------------------


def _write(*, session: Session, plan: Plan, who: int | None) -> None:
    now = clock.now()
    member_ids = {}
    for provisional, new in plan.new_members.items():
        member = Member(name=new.name, initials=new.initials)
        session.add(member)
        session.flush()
        member_ids[provisional] = member.id
    for item in plan.cards:
        changes = dict(item.changes)
        if changes.get("assignee_id") in member_ids:
            changes["assignee_id"] = member_ids[changes["assignee_id"]]
        task = item.task
        if task is None:
            card = item.card
            task = Task(
                client_id=plan.client.id,
                external_id=card.external_id,
                created_at=card.created_at,
                updated_at=now,
                **changes,
            )
            if task.status == Status.DONE:
                task.done_at = card.last_activity
            if task.status == Status.WAITING:
                task.waiting_since = card.last_activity
            session.add(task)
            session.flush()
            session.add(
                TaskEvent(
                    task_id=task.id,
                    at=card.created_at,
                    member_id=who,
                    field="created",
                    new=task.status,
                )
            )
        elif changes:
            if "status" in changes:
                changes = {
                    **status_effects(task=task, status=changes["status"], now=now),
                    **changes,
                }
            apply_changes(session=session, task=task, changes=changes, who=who, now=now)
        if item.checklist_changed:
            if item.task is not None:
                for old in session.exec(
                    select(ChecklistItem).where(ChecklistItem.task_id == task.id)
                ):
                    session.delete(old)
            for position, (text, done) in enumerate(item.card.checklist):
                session.add(ChecklistItem(task_id=task.id, text=text, done=done, position=position))
        for comment in item.new_comments:
            session.add(
                TaskComment(
                    task_id=task.id, at=comment.at, author=comment.author, text=comment.text
                )
            )


def import_board(
    engine: Engine,
    *,
    board: Board,
    client_id: int | None = None,
    new_client: dict[str, Any] | None = None,
    mapping: list[ListMapping],
    who: int | None = None,
    dry_run: bool = False,
) -> Plan:
    """Import `board` into the client's tasks in one transaction, or only plan it (dry run).

    With `new_client` (a client's fields) the client is made in the same transaction;
    a dry run makes it too, to plan against, and rolls everything back.
    """
    if new_client is None:
        if client_id is None:
            raise ValueError("import_board needs client_id or new_client")
        if dry_run:
            with reading(engine) as session:
                return _plan(
                    session=session, board=board, client_id=client_id, mapping=mapping, lock=False
                )
        with transaction(engine) as session:
            plan = _plan(
                session=session, board=board, client_id=client_id, mapping=mapping, lock=True
            )
            _write(session=session, plan=plan, who=who)
            return plan
    if dry_run:
        with Session(engine, expire_on_commit=False) as session:
            try:
                made = insert_client(session, values=new_client)
                return _plan(
                    session=session, board=board, client_id=made.id, mapping=mapping, lock=False
                )
            finally:
                session.rollback()
    with transaction(engine) as session:
        made = insert_client(session, values=new_client)
        plan = _plan(session=session, board=board, client_id=made.id, mapping=mapping, lock=True)
        _write(session=session, plan=plan, who=who)
        return plan
