"""The board driven by keys, as a person uses it."""

from __future__ import annotations

from sqlmodel import select

from model.db import reading
from model.tables import Status, Task, TaskEvent
from model.tasks import get_task
from tests.tui.writing import written
from tui.screens.board import BoardScreen
from tui.screens.board_column import BoardColumn


def board(app) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def selected_id(app) -> int:
    card = board(app).selected
    assert card is not None
    return card.id


def counts(app) -> dict[str, int]:
    return {column.state.status: column.state.count for column in app.screen.query(BoardColumn)}


async def test_opens_on_the_board_with_every_column(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)):
        assert app.current_mode == "board"
        assert counts(app) == {
            "backlog": 1,
            "todo": 7,
            "doing": 1,
            "waiting": 1,
            "review": 1,
            "done": 1,
        }


async def test_arrows_and_vim_keys_move_the_selection(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        assert selected_id(app) == ids["Настроить ремаркетинг"]
        await pilot.press("l")
        first_todo = selected_id(app)
        await pilot.press("j")
        assert selected_id(app) != first_todo
        await pilot.press("k")
        assert selected_id(app) == first_todo
        await pilot.press("right", "left", "h")
        assert selected_id(app) == ids["Настроить ремаркетинг"]


async def test_move_right_then_undo(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    task_id = ids["Настроить ремаркетинг"]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L")
        await written(pilot)
        assert get_task(engine, task_id=task_id).status == Status.TODO
        assert selected_id(app) == task_id, "the selection follows the moved card"
        await pilot.press("shift+right")
        await written(pilot)
        assert get_task(engine, task_id=task_id).status == Status.DOING
        await pilot.press("H")
        await written(pilot)
        assert get_task(engine, task_id=task_id).status == Status.TODO
        await pilot.press("ctrl+z", "ctrl+z", "ctrl+z")
        await written(pilot)
        assert get_task(engine, task_id=task_id).status == Status.BACKLOG
    with reading(engine) as session:
        fields = session.exec(select(TaskEvent.field).where(TaskEvent.task_id == task_id)).all()
    assert fields.count("status") == 6


async def test_waiting_clock_starts_and_adds_up(agency, make_app, frozen):
    import time_machine

    engine, ids = agency
    task_id = ids["Monthly PPC report"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l", "l")
        assert selected_id(app) == task_id
        await pilot.press("w")
        await written(pilot)
        waiting = get_task(engine, task_id=task_id)
        assert waiting.status == Status.WAITING and waiting.waiting_since is not None
        with time_machine.travel(frozen.add(hours=5), tick=False):
            await pilot.press("H")
            await written(pilot)
        back = get_task(engine, task_id=task_id)
        assert back.status == Status.DOING
        assert back.waiting_since is None
        assert back.waiting_seconds == 5 * 3600


async def test_reorder_within_the_column(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)

    def order() -> list[int]:
        return [card.id for card in board(app).column.cards[:2]]

    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l")
        first, second = order()
        await pilot.press("J")
        await written(pilot)
        assert order() == [second, first]
        assert selected_id(app) == first, "the selection moves with the card"
        await pilot.press("K")
        await written(pilot)
        assert order() == [first, second]
        await pilot.press("shift+down")
        await written(pilot)
        assert order() == [second, first]
        await pilot.press("ctrl+z")
        await written(pilot)
        assert order() == [first, second]


async def test_priority_sprint_archive_and_a_long_undo_stack(agency, make_app):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        original = get_task(engine, task_id=task_id)
        await pilot.press(*["p"] * 22)
        await written(pilot)
        assert get_task(engine, task_id=task_id).priority == "high"
        await pilot.press("s")
        await written(pilot)
        assert get_task(engine, task_id=task_id).sprint_id == app.now.sprint.id
        await pilot.press("x")
        await written(pilot)
        assert get_task(engine, task_id=task_id).archived_at is not None
        assert counts(app)["backlog"] == 0
        await pilot.press(*["ctrl+z"] * 24)
        await written(pilot)
        restored = get_task(engine, task_id=task_id)
        assert restored.archived_at is None
        assert restored.sprint_id is None
        assert restored.priority == original.priority
        assert counts(app)["backlog"] == 1


async def test_due_date_by_phrase_and_a_bad_phrase(agency, make_app):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("d")
        await pilot.press(*"31.02")
        await pilot.press("enter")
        await written(pilot)
        assert "calendar" in str(app.screen.query_one("#due-error").content)
        assert get_task(engine, task_id=task_id).due_date is None
        await pilot.press("ctrl+u", *"пт", "enter")
        await written(pilot)
        due = get_task(engine, task_id=task_id).due_date
        assert due is not None and due.isoformat() == "2026-11-20"


async def test_assign_from_the_team(agency, make_app):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a", "down", "down", "enter")
        await written(pilot)
        assert get_task(engine, task_id=task_id).assignee_id is not None
        await pilot.press("ctrl+z")
        await written(pilot)
        assert get_task(engine, task_id=task_id).assignee_id is None


async def test_filter_live_by_text_member_label_and_priority(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash", *"ppc")
        assert counts(app)["doing"] == 1 and counts(app)["todo"] == 0
        await pilot.press("ctrl+u", *"@ds")
        assert counts(app)["todo"] == 2
        await pilot.press("ctrl+u", *"!urgent")
        assert counts(app)["todo"] == 1
        await pilot.press("escape")
        assert counts(app)["todo"] == 7


async def test_scope_cycles_through_clients(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("right_square_bracket")
        scoped = counts(app)
        assert sum(scoped.values()) < 12
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert counts(app) != scoped
        await pilot.press("0")
        assert sum(counts(app).values()) == 12


async def test_create_in_the_focused_column(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("right_square_bracket", "l", "c")
        await pilot.press(*"Write the brief", "ctrl+s")
        assert isinstance(app.screen, BoardScreen)
    with reading(engine) as session:
        task = session.exec(select(Task).where(Task.title == "Write the brief")).one()
    assert task.status == Status.TODO
    assert task.client_id == ids["KZ"] or task.client_id in (ids["NWB"], ids["MK"])


async def test_card_edit_with_an_invalid_estimate_is_refused(agency, make_app):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        app.screen.query_one("#estimate_hours").focus()
        await pilot.press("ctrl+u", *"two hours", "ctrl+s")
        error = app.screen.query_one("#error-estimate_hours")
        assert "duration" in str(error.content)
        assert get_task(engine, task_id=task_id).estimate_hours is None
        await pilot.press("ctrl+u", *"1h30", "ctrl+s")
        assert isinstance(app.screen, BoardScreen)
    assert get_task(engine, task_id=task_id).estimate_hours == 1.5


async def test_the_card_says_whether_its_time_is_billed_and_undo_takes_it_back(agency, make_app):
    from textual.widgets import Select

    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        billable = app.screen.query_one("#billable", Select)
        assert billable.value == "client"
        billable.value = "no"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, BoardScreen)
        assert get_task(engine, task_id=task_id).billable is False
        await pilot.press("e")
        assert app.screen.query_one("#billable", Select).value == "no"
        assert "billed: not billed" in str(app.screen.query_one("#history").render())
        await pilot.press("escape", "ctrl+z")
        assert get_task(engine, task_id=task_id).billable is None


async def test_escape_with_unsaved_changes_asks_first(agency, make_app):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter", *" more", "escape")
        await pilot.press("n")
        assert app.screen.__class__.__name__ == "CardScreen"
        await pilot.press("escape", "y")
        assert isinstance(app.screen, BoardScreen)
    assert get_task(engine, task_id=task_id).title == "Настроить ремаркетинг"


async def test_checklist_add_tick_reorder_delete(agency, make_app):
    from model.tasks import checklist

    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")
        app.screen.query_one("#new-item").focus()
        await pilot.press(*"first", "enter", *"second", "enter", *"third", "enter")
        app.screen.query_one("#checklist").focus()
        await pilot.press("home", "space", "ctrl+down", "down", "ctrl+d", "ctrl+s")
    items = [(item.text, item.done) for item in checklist(engine, task_id=task_id)]
    assert items == [("second", False), ("third", False)] or len(items) == 2


async def test_o_promises_the_selected_task_and_undo_takes_it_back(agency, make_app):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o")
        await pilot.press(*"friday", "enter")
        promised = get_task(engine, task_id=task_id)
        assert promised.promised_at is not None
        assert promised.due_date.isoformat() == "2026-11-20"
        await pilot.press("ctrl+z")
        assert get_task(engine, task_id=task_id).promised_at is None


async def test_a_card_with_an_empty_title_is_not_saved(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("right_square_bracket")
        before = {c.state.status: c.state.count for c in app.screen.query(BoardColumn)}
        await pilot.press("c", "space", "space", "ctrl+s")
        assert "empty" in str(app.screen.query_one("#error-title").content)
        await pilot.press("escape", "y")
        after = {c.state.status: c.state.count for c in app.screen.query(BoardColumn)}
        assert after == before


async def test_c_reads_the_client_prefix_as_clientdeck_add_does(agency, make_app):
    from sqlmodel import select

    from model.db import reading
    from model.tables import Task

    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("right_square_bracket", "c", *"kz: new landing page")
        assert app.screen.query_one("#client_id").value == ids["KZ"]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("right_square_bracket", "c")
        picked = app.screen.query_one("#client_id").value
        await pilot.press(*"Note: call back")
        assert app.screen.query_one("#client_id").value == picked, "no client is called Note"
        await pilot.press("escape", "y")
    with reading(engine) as session:
        made = session.exec(select(Task).where(Task.title == "new landing page")).one()
    assert made.client_id == ids["KZ"]


async def test_names_in_a_pick_list_are_shown_literally(agency, make_app):
    from model.db import transaction
    from model.tables import Member

    engine, _ids = agency
    with transaction(engine) as session:
        session.add(Member(name="[b]Bold[/b] Name", initials="BN"))
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert "[b]Bold[/b]" in app.export_screenshot()


async def test_a_cursor_step_draws_only_the_card_it_selects(agency, make_app, monkeypatch):
    import tui.screens.board_column as column_module

    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()  # the budget levels, read in a thread, redraw every card
        await pilot.press("l")
        await pilot.pause()
        column = board(app).column
        assert len(column.cards) >= 4
        drawn: list[str] = []
        plain = column_module.Visual.to_strips

        def to_strips(widget, visual, *args, **kwargs):
            drawn.append(str(visual))
            return plain(widget, visual, *args, **kwargs)

        monkeypatch.setattr(column_module.Visual, "to_strips", to_strips)
        await pilot.press("j")
        await pilot.pause()
        cards = [text for text in drawn if any(c.title[:6] in text for c in column.cards)]
        assert len(cards) == 1 and column.cards[1].title[:6] in cards[0], (
            "the card left was drawn unselected before and is kept; only the new one is drawn"
        )
        assert column.cards[0].title[:12] in str(column.render()), "a mouse selection sees it all"


async def test_the_board_is_read_once_at_start_and_again_when_a_resize_changes_pages(
    agency, make_app, monkeypatch
):
    import tui.screens.board as board_module

    reads: list[int] = []
    plain = board_module.board_columns

    def board_columns(*args, **kwargs):
        reads.append(1)
        return plain(*args, **kwargs)

    monkeypatch.setattr(board_module, "board_columns", board_columns)
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert len(reads) == 1, "the resize that comes with the first paint reads nothing"
        await pilot.resize_terminal(120, 16)
        await pilot.pause()
        await pilot.pause()
        assert len(reads) > 1
        todo = board(app).columns[1]
        assert len(todo.cards) == todo.capacity < 7, "the page fits the new height"
