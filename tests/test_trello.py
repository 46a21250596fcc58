"""Trello board import (model/importers/trello.py): reading, list mapping, the plan, re-imports."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

import model.importers.trello as trello
from model import clock
from model.db import reading, transaction
from model.importers import FileRefused, parse_json
from model.importers.trello import (
    ACTION_CAP,
    derive_initials,
    guess_status,
    import_board,
    local_due,
    map_lists,
    parse_board,
    read_board,
)
from model.tables import ChecklistItem, Client, Member, Status, Task, TaskComment, TaskEvent
from model.tasks import ValidationError, update_task

FIXTURES = Path(__file__).parent / "fixtures" / "trello"
BOARD = FIXTURES / "board.json"
REAL_EXPORT = (
    Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "trello-board-2015.json"
)


def card_id(data: dict, title: str) -> str:
    return next(card["id"] for card in data["cards"] if card["name"] == title)


def list_id(data: dict, name: str) -> str:
    return next(item["id"] for item in data["lists"] if item["name"] == name)


@pytest.fixture
def board_data() -> dict:
    return json.loads(BOARD.read_text(encoding="utf-8"))


@pytest.fixture
def shop(store, frozen) -> tuple:
    """A client to import into and the one team member the board's members can match."""
    with transaction(store) as session:
        client = Client(name="Меблі Карпат", code="MK", created_at=clock.now())
        member = Member(name="Olena Koval", initials="OK")
        session.add_all([client, member])
        session.flush()
        ids = client.id, member.id
    return store, *ids


def run_import(engine, client_id: int, data: dict, *, overrides=(), dry_run: bool = False):
    board = parse_board(data=data, name="board.json")
    return import_board(
        engine,
        board=board,
        client_id=client_id,
        mapping=map_lists(board=board, overrides=overrides),
        dry_run=dry_run,
    )


def tasks_by_title(engine) -> dict[str, Task]:
    with reading(engine) as session:
        return {task.title: task for task in session.exec(select(Task))}


def counts(engine) -> dict[str, int]:
    with reading(engine) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in (Task, TaskEvent, TaskComment, ChecklistItem, Member)
        }


def checklist_of(engine, task_id: int) -> list[tuple[str, bool]]:
    with reading(engine) as session:
        items = session.exec(
            select(ChecklistItem)
            .where(ChecklistItem.task_id == task_id)
            .order_by(ChecklistItem.position)
        )
        return [(item.text, item.done) for item in items]


def comments_of(engine, task_id: int) -> list[tuple[datetime, str, str]]:
    with reading(engine) as session:
        rows = session.exec(
            select(TaskComment).where(TaskComment.task_id == task_id).order_by(TaskComment.at)
        )
        return [(comment.at, comment.author, comment.text) for comment in rows]


# --- reading -----------------------------------------------------------------------------------


def test_the_synthetic_board_is_read_whole():
    board = read_board(path=BOARD)
    assert board.name == "Меблі Карпат — сайт"
    assert (len(board.lists), len(board.cards), len(board.members), board.actions) == (8, 10, 3, 14)
    assert board.warnings() == []
    meta = next(card for card in board.cards if card.title == "Write meta descriptions")
    assert [comment.text for comment in meta.comments] == [
        "Client wants **keywords** in every [title].",
        "Started with the catalogue.",
    ]


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("truncated.json", "truncated"),
        ("not-a-board.json", "is not a Trello board export"),
    ],
)
def test_fixture_files_that_are_not_whole_boards_are_refused(name, says):
    with pytest.raises(FileRefused, match=says):
        read_board(path=FIXTURES / name)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"\xff\xfe\x00junk", "not UTF-8"),
        (b"{'lists': []}", r"not valid JSON: .* line 1, column 2"),
        (b'{"lists": [], "cards": [}', r"not valid JSON"),
        (b'{"id": "b", "lists": [], "cards": [], "name": "x', "truncated"),
        (b"[1, 2, 3]", "is not a Trello board export"),
        (b'{"id": "b", "name": "x", "lists": [], "cards": {}}', "is not a Trello board export"),
    ],
)
def test_files_that_are_not_board_exports_are_refused(tmp_path, content, says):
    path = tmp_path / "export.json"
    path.write_bytes(content)
    with pytest.raises(FileRefused, match=says):
        read_board(path=path)


def test_a_missing_file_is_refused_with_its_path(tmp_path):
    with pytest.raises(FileRefused, match="cannot read"):
        read_board(path=tmp_path / "nowhere.json")


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda data: data["cards"][0].update(idList="0" * 24), "card 1 is on a list"),
        (lambda data: data["cards"][2].update(due="next friday"), "card 3 has a malformed date"),
        (lambda data: data["cards"][1].pop("name"), "card 2 has no valid 'name'"),
        (lambda data: data["lists"][3].update(closed="no"), "list 4 has no valid 'closed'"),
        (lambda data: data["checklists"][0].update(checkItems=None), "checklist 1"),
        (lambda data: data["actions"][0].update(date=None), "action 1"),
    ],
)
def test_a_board_with_a_damaged_part_names_the_part(board_data, damage, says):
    damage(board_data)
    with pytest.raises(FileRefused, match=f"not a valid Trello board export: {says}"):
        parse_board(data=board_data, name="board.json")


@settings(max_examples=150, deadline=None)
@given(cut=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_a_board_cut_anywhere_is_refused(cut):
    text = BOARD.read_text(encoding="utf-8").rstrip()
    with pytest.raises(FileRefused):
        parse_board(data=parse_json(text=text[: int(len(text) * cut)], name="b"), name="b")


def test_an_export_at_trellos_action_cap_warns_that_comments_may_be_missing(board_data):
    filler = board_data["actions"][-1]
    board_data["actions"] += [copy.deepcopy(filler) for _ in range(ACTION_CAP - 1 - 14)]
    assert parse_board(data=board_data, name="b").warnings() == []
    board_data["actions"].append(copy.deepcopy(filler))
    warnings = parse_board(data=board_data, name="b").warnings()
    assert len(warnings) == 1
    assert "1000 actions" in warnings[0] and "may be missing" in warnings[0]


# --- lists to statuses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("To Do", Status.TODO),
        ("to-do", Status.TODO),
        ("Doing", Status.DOING),
        ("Done", Status.DONE),
        ("Done ✅", Status.DONE),
        ("Done this week", Status.DONE),
        ("In progress", Status.DOING),
        ("Waiting for client", Status.WAITING),
        ("Review", Status.REVIEW),
        ("Ideas", Status.BACKLOG),
        ("Inbox", Status.INBOX),
        ("Вхідні", Status.INBOX),
        ("Беклог", Status.BACKLOG),
        ("Зробити", Status.TODO),
        ("В роботі", Status.DOING),
        ("Чекаємо клієнта", Status.WAITING),
        ("На перевірці", Status.REVIEW),
        ("Зроблено", Status.DONE),
        ("Входящие", Status.INBOX),
        ("Бэклог", Status.BACKLOG),
        ("Сделать", Status.TODO),
        ("В работе", Status.DOING),
        ("Ждём клиента", Status.WAITING),
        ("На проверке", Status.REVIEW),
        ("Готово к проверке", Status.REVIEW),
        ("Готово", Status.DONE),
        ("Сделано", Status.DONE),
        ("Архів 2025", None),
        ("クローズ", None),
        ("Todoist sync", None),
    ],
)
def test_list_names_are_recognised_in_english_ukrainian_and_russian(name, status):
    assert guess_status(name=name) == status


def test_the_mapping_guesses_defaults_and_takes_overrides():
    board = read_board(path=BOARD)
    guessed = {entry.list.name: (entry.status, entry.source) for entry in map_lists(board=board)}
    assert guessed == {
        "Вхідні": (Status.INBOX, "name"),
        "Backlog": (Status.BACKLOG, "name"),
        "To Do": (Status.TODO, "name"),
        "В работе": (Status.DOING, "name"),
        "Чекаємо клієнта": (Status.WAITING, "name"),
        "На проверке": (Status.REVIEW, "name"),
        "Done ✅": (Status.DONE, "name"),
        "Архів 2025": (Status.BACKLOG, "default"),
    }
    mapped = map_lists(board=board, overrides=["  архів 2025 =DONE", "backlog=todo"])
    given = {entry.list.name: (entry.status, entry.source) for entry in mapped}
    assert given["Архів 2025"] == ("done", "given")
    assert given["Backlog"] == ("todo", "given")
    assert given["To Do"] == (Status.TODO, "name")


@pytest.mark.parametrize(
    ("override", "says"),
    [
        ("Backlog", "List name=status"),
        ("=todo", "List name=status"),
        ("Someday=todo", "no list 'Someday'; its lists: Вхідні, Backlog"),
        ("Backlog=later", "unknown status later; use one of inbox, backlog"),
    ],
)
def test_a_wrong_mapping_is_refused_with_what_would_be_right(override, says):
    with pytest.raises(ValidationError, match=says):
        map_lists(board=read_board(path=BOARD), overrides=[override])


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Kotaro Ogawa", "KO"),
        ("yasunori.kinoshita", "YK"),
        ("Дмитро Шевченко", "ДШ"),
        ("Anna Maria Koval", "AK"),
        ("ivan_p", "IV"),
        ("みやまえ", "みや"),
    ],
)
def test_initials_of_new_members(name, initials):
    assert derive_initials(name=name) == initials


@settings(max_examples=200, deadline=None)
@given(
    instant=st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(
        [
            "Europe/Kyiv",
            "UTC",
            "America/St_Johns",
            "Pacific/Kiritimati",
            "Asia/Kathmandu",
            "America/Los_Angeles",
            "Australia/Lord_Howe",
        ]
    ),
)
def test_a_due_instant_falls_on_its_local_day_and_minute(instant, zone):
    wall = instant.astimezone(ZoneInfo(zone))
    assert local_due(due=instant, zone=zone) == (wall.date(), time(wall.hour, wall.minute))


# --- importing ---------------------------------------------------------------------------------


def test_an_import_creates_every_card_with_its_fields(shop, board_data):
    engine, client_id, olena_id = shop
    plan = run_import(engine, client_id, board_data)
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (10, 0, 0)
    assert (plan.comments, plan.checklist_items, plan.archived) == (3, 5, 2)
    assert [member.name for member in plan.new_members.values()] == ["Дмитро Шевченко", "ivan_p"]
    tasks = tasks_by_title(engine)
    assert len(tasks) == 10
    assert {task.client_id for task in tasks.values()} == {client_id}
    meta = tasks["Write meta descriptions"]
    assert meta.external_id == "trello:" + card_id(board_data, "Write meta descriptions")
    assert meta.status == Status.TODO
    assert meta.description == "For the 40 catalogue pages."
    assert meta.labels == "seo"
    assert meta.assignee_id == olena_id
    assert (meta.due_date, meta.due_time) == (date(2026, 11, 20), time(17, 0))  # 15:00 UTC in Kyiv
    assert meta.created_at == datetime(2026, 10, 2, 10, tzinfo=UTC)  # from the card's id
    assert checklist_of(engine, meta.id) == [
        ("Pages: Home", True),
        ("Pages: Catalog", False),
        ("Review: Proofread", False),
    ]
    assert comments_of(engine, meta.id) == [
        (
            datetime(2026, 11, 2, 14, tzinfo=UTC),
            "Olena Koval",
            "Client wants **keywords** in every [title].",
        ),
        (
            datetime(2026, 11, 3, 8, 5, 12, 345000, tzinfo=UTC),
            "Дмитро Шевченко",
            "Started with the catalogue.",
        ),
    ]
    banners = tasks["Погодити банери"]
    assert banners.status == Status.WAITING
    assert banners.waiting_since == datetime(2026, 11, 12, 9, 15, tzinfo=UTC)
    assert (banners.due_date, banners.due_time) == (date(2026, 11, 21), time(0, 30))
    assert comments_of(engine, banners.id)[0][1] == "Client Contact"
    remarketing = tasks["Налаштувати ремаркетинг"]
    assert remarketing.status == Status.DOING and remarketing.labels == "needs-review"
    assert checklist_of(engine, remarketing.id) == [
        ("Pixel on every page", True),
        ("Audiences", False),
    ]
    assert tasks["Отчёт по SEO за октябрь"].labels == "purple,seo"
    assert tasks["Launch landing page 🚀"].done_at == datetime(2026, 11, 6, 16, tzinfo=UTC)
    assert tasks["Новый запрос от клиента"].status == Status.INBOX
    assert tasks["Idea: blog for the shop"].status == Status.BACKLOG
    assert tasks["[bold]x[/] shows as typed"].status == Status.TODO
    archived = {title for title, task in tasks.items() if task.archived_at is not None}
    assert archived == {"Old banner set", "Старий сайт"}
    with reading(engine) as session:
        members = {member.name: member for member in session.exec(select(Member))}
        created = session.exec(select(TaskEvent).where(TaskEvent.field == "created")).all()
    assert set(members) == {"Olena Koval", "Дмитро Шевченко", "ivan_p"}
    assert (members["Дмитро Шевченко"].initials, members["ivan_p"].initials) == ("ДШ", "IV")
    assert remarketing.assignee_id == members["Дмитро Шевченко"].id  # the card's first member
    assert tasks["Отчёт по SEO за октябрь"].assignee_id == members["ivan_p"].id
    assert len(created) == 10


def test_trellos_order_is_kept_below_the_tasks_already_in_a_column(shop, board_data):
    engine, client_id, _olena = shop
    with transaction(engine) as session:
        now = clock.now()
        session.add(
            Task(
                client_id=client_id,
                title="Older work",
                status=Status.TODO,
                position=7.0,
                created_at=now,
                updated_at=now,
            )
        )
    run_import(engine, client_id, board_data)
    with reading(engine) as session:
        column = session.exec(
            select(Task.title).where(Task.status == Status.TODO).order_by(Task.position)
        ).all()
    assert column == ["Older work", "[bold]x[/] shows as typed", "Write meta descriptions"]


def test_a_dry_run_plans_the_same_import_and_writes_nothing(shop, board_data):
    engine, client_id, _olena = shop
    before = counts(engine)
    plan = run_import(engine, client_id, board_data, dry_run=True)
    assert counts(engine) == before
    assert (len(plan.creates), plan.comments, plan.checklist_items, len(plan.new_members)) == (
        10,
        3,
        5,
        2,
    )
    assert run_import(engine, client_id, board_data).creates.__len__() == 10


def test_importing_the_same_file_again_changes_nothing(shop, board_data):
    engine, client_id, _olena = shop
    run_import(engine, client_id, board_data)
    before, versions = (
        counts(engine),
        {t: task.version for t, task in tasks_by_title(engine).items()},
    )
    plan = run_import(engine, client_id, board_data)
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 10)
    assert (plan.comments, plan.checklist_items, len(plan.new_members)) == (0, 0, 0)
    assert counts(engine) == before
    assert {t: task.version for t, task in tasks_by_title(engine).items()} == versions


def test_a_reimport_updates_what_changed_in_trello(shop, board_data):
    engine, client_id, _olena = shop
    run_import(engine, client_id, board_data)
    first = tasks_by_title(engine)
    changed = copy.deepcopy(board_data)
    cards = {card["name"]: card for card in changed["cards"]}
    cards["Write meta descriptions"]["name"] = "Write meta descriptions and titles"
    cards["Write meta descriptions"]["due"] = None
    cards["Idea: blog for the shop"]["idList"] = list_id(changed, "To Do")
    cards["Idea: blog for the shop"]["pos"] = 500
    cards["Launch landing page 🚀"]["closed"] = True
    cards["Old banner set"]["closed"] = False
    changed["checklists"][2]["checkItems"][1]["state"] = "complete"
    comment = copy.deepcopy(changed["actions"][0])
    comment["date"] = "2026-11-13T10:00:00.000Z"
    comment["data"]["text"] = "Зелений — саме те."
    changed["actions"].insert(0, comment)
    new_card = copy.deepcopy(cards["Idea: blog for the shop"])
    new_card.update(
        id="6a0000000000000000000999", name="Newsletter", idList=list_id(changed, "Backlog")
    )
    changed["cards"].append(new_card)

    plan = run_import(engine, client_id, changed)

    assert [item.card.title for item in plan.creates] == ["Newsletter"]
    titles = {task.id: title for title, task in first.items()}
    fields = {titles[item.task.id]: item.changed_fields for item in plan.updates}
    assert fields == {
        "Write meta descriptions": ["title", "due_date", "due_time"],
        "Idea: blog for the shop": ["status", "position"],
        "Launch landing page 🚀": ["archived_at"],
        "Old banner set": ["archived_at"],
        "Налаштувати ремаркетинг": ["checklist"],
        "Погодити банери": ["comments"],
    }
    assert plan.unchanged == 4
    after = tasks_by_title(engine)
    meta = after["Write meta descriptions and titles"]
    assert meta.id == first["Write meta descriptions"].id
    assert (meta.due_date, meta.due_time) == (None, None)
    assert meta.version == first["Write meta descriptions"].version + 1
    blog = after["Idea: blog for the shop"]
    assert blog.status == Status.TODO
    assert after["Launch landing page 🚀"].archived_at == clock.now()
    assert after["Old banner set"].archived_at is None
    assert after["Old banner set"].archive_reason == ""
    assert checklist_of(engine, after["Налаштувати ремаркетинг"].id)[1] == ("Audiences", True)
    assert [text for _at, _who, text in comments_of(engine, after["Погодити банери"].id)] == [
        "Покажіть, будь ласка, ще варіант з зеленим фоном.",
        "Зелений — саме те.",
    ]
    assert len(after) == 11
    with reading(engine) as session:
        moves = session.exec(
            select(TaskEvent.old, TaskEvent.new).where(
                TaskEvent.task_id == blog.id, TaskEvent.field == "status"
            )
        ).all()
    assert moves == [("backlog", "todo")]
    assert run_import(engine, client_id, changed).unchanged == 11


def test_a_reimport_puts_back_what_was_changed_here(shop, board_data):
    """The file wins for the fields it carries; a task moved here goes back to its list."""
    engine, client_id, _olena = shop
    run_import(engine, client_id, board_data)
    report = tasks_by_title(engine)["Отчёт по SEO за октябрь"]
    update_task(engine, task_id=report.id, changes={"status": Status.DONE, "labels": "x"})
    plan = run_import(engine, client_id, board_data)
    assert [item.changed_fields for item in plan.updates] == [["status", "labels", "position"]]
    again = tasks_by_title(engine)["Отчёт по SEO за октябрь"]
    assert (again.status, again.labels, again.done_at) == (Status.REVIEW, "purple,seo", None)


def test_a_board_imported_for_one_client_is_refused_for_another(shop, board_data):
    engine, client_id, _olena = shop
    run_import(engine, client_id, board_data)
    with transaction(engine) as session:
        other = Client(name="Brightcart", code="BC", created_at=clock.now())
        session.add(other)
        session.flush()
        other_id = other.id
    before = counts(engine)
    with pytest.raises(ValidationError, match=r"imported for Меблі Карпат \(MK\)"):
        run_import(engine, other_id, board_data)
    assert counts(engine) == before


def test_an_import_that_fails_halfway_writes_nothing(shop, board_data, monkeypatch):
    engine, client_id, _olena = shop
    before = counts(engine)

    def broken(**_fields):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(trello, "TaskComment", broken)
    with pytest.raises(RuntimeError):
        run_import(engine, client_id, board_data)
    assert counts(engine) == before


def test_an_import_at_the_action_cap_still_imports(shop, board_data):
    engine, client_id, _olena = shop
    filler = board_data["actions"][-1]
    board_data["actions"] += [copy.deepcopy(filler) for _ in range(ACTION_CAP - 14)]
    plan = run_import(engine, client_id, board_data)
    assert len(board_data["actions"]) == ACTION_CAP
    assert plan.board.warnings() and len(plan.creates) == 10 and plan.comments == 3


def test_long_titles_keep_their_whole_text_in_the_description(shop, board_data):
    engine, client_id, _olena = shop
    long_title = "Звіт " * 200
    board_data["cards"][0]["name"] = long_title
    board_data["cards"][1]["name"] = "  \x00 "
    run_import(engine, client_id, board_data)
    with reading(engine) as session:
        long_task = session.exec(select(Task).where(Task.title.startswith("Звіт"))).one()
        untitled = session.exec(select(Task).where(Task.title == "untitled Trello card")).one()
    assert len(long_task.title) == 500 and long_task.title.endswith("…")
    assert long_task.description.startswith(long_title.strip())
    assert untitled.external_id == "trello:" + board_data["cards"][1]["id"]


# --- the real export ---------------------------------------------------------------------------


@pytest.mark.skipif(not REAL_EXPORT.exists(), reason=f"{REAL_EXPORT} is not here")
def test_the_real_2015_export_imports_with_its_counts(shop):
    engine, client_id, _olena = shop
    board = read_board(path=REAL_EXPORT)
    assert (len(board.cards), len(board.lists), board.actions, len(board.members)) == (
        67,
        5,
        264,
        3,
    )
    before = counts(engine)
    plan = import_board(
        engine,
        board=board,
        client_id=client_id,
        mapping=map_lists(board=board),
        dry_run=True,
    )
    assert counts(engine) == before
    assert (len(plan.creates), plan.comments, plan.archived, len(plan.new_members)) == (67, 4, 1, 3)
    mapping = map_lists(board=board, overrides=["作業中=doing", "クローズ=done"])
    import_board(engine, board=board, client_id=client_id, mapping=mapping)
    after = counts(engine)
    assert after["Task"] == 67 and after["TaskComment"] == 4 and after["Member"] == 1 + 3
    tasks = tasks_by_title(engine)
    assert "画像アイテムに長いURLを入れて下書き保存すると内部エラー" in tasks
    assert sum(1 for task in tasks.values() if task.status == Status.DONE) == 27
    assert sum(1 for task in tasks.values() if task.archived_at is not None) == 1
    again = import_board(engine, board=board, client_id=client_id, mapping=mapping)
    assert (len(again.creates), len(again.updates), again.unchanged) == (0, 0, 67)
    assert counts(engine) == after


def test_created_events_carry_the_cards_creation_time(shop, board_data):
    engine, client_id, _olena = shop
    run_import(engine, client_id, board_data)
    with reading(engine) as session:
        rows = session.exec(
            select(Task.created_at, TaskEvent.at)
            .join(TaskEvent, TaskEvent.task_id == Task.id)
            .where(TaskEvent.field == "created")
        ).all()
    assert rows and all(created == at for created, at in rows)
    assert all(at < clock.now() - timedelta(days=30) for _created, at in rows)


@pytest.mark.parametrize(("name", "initials"), [("_x", "X"), ("___", "XX"), ("a_b c", "AC")])
def test_derived_initials_are_letters_and_digits_as_the_team_allows(name, initials):
    from model.members import clean_member

    assert derive_initials(name=name) == initials
    clean_member(values={"name": "Someone", "initials": initials})


def test_a_member_name_is_cut_to_what_the_team_allows(board_data):
    from model.members import clean_member

    board_data["members"][0]["fullName"] = "N" * 500
    board = parse_board(data=board_data, name="board.json")
    (longest,) = [m for m in board.members if m.name.startswith("N")]
    assert len(longest.name) == 120
    clean_member(values={"name": longest.name})
