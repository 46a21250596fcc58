"""A demo agency: clients, team, weekly sprints of work, time and contact history.

Why it exists: every screen is only worth judging with realistic data in it,
the benchmarks need the same agency 25 times bigger, and snapshot tests need
the very same rows on every run. So everything is drawn from one
`random.Random(seed)` and placed relative to `clock.now()`: a seed and a frozen
clock give identical rows, and a demo made today looks like this week.

`scale` N grows the agency the way a real one grows: mostly its history, a
little its head count. Scale 1 is six people and nine clients with five weeks
of history (four closed sprints and this week's), 400 tasks and ~1,300 time
entries. Each step past 1 adds four weeks of history (one sprint a week), one
member, two clients and 400 tasks, so scale 25 is 30 people and 57 clients with
two years behind them: 10,000 tasks and ~90,000 time entries. Most of the
newcomers were there before the history starts, the rest joined at even steps
through it, so the team grew and the tracked hours with it. The board's
live columns grow with the team; the backlog grows with the weeks; the rest of
the tasks are done, the older ones mostly archived.

Budgets follow the work, as an agency's paid hours do: the hours are steered
so that each client's month keeps to its size, then its paid hours are set from
what it booked, so that a past month burns most of them (78-95 %, give or take)
and, once the month is under way, most clients are comfortably within this
month's budget so far, a couple in the warning band and one or two over.

Rows are built as plain dicts with ids chosen here, then written with bulk
Core inserts in one transaction: adding ORM objects one by one is far too slow
for the ~90,000 time entries of `--scale 25`. Hot loops use stdlib datetimes
(aware, UTC) because pendulum's arithmetic costs several times more; pendulum
still does all calendar work (local days, weeks, months, time zones).
"""

from __future__ import annotations

import colorsys
import math
import random
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from itertools import accumulate, product
from typing import Any, NamedTuple

import pendulum
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from model import clock
from model.blank import clear_rows, holds_work
from model.budgets import MAX_MONTHLY_HOURS
from model.config import DEFAULT_RETRO_CHECKLIST
from model.db import advance_sequences, bulk_insert, reading, transaction
from model.demo_rhythm import add_rhythm
from model.tables import (
    Channel,
    ClientStatus,
    Direction,
    InteractionKind,
    Priority,
    SprintState,
    Status,
    TimesheetState,
)
from model.weeks import month_start, sprint_start

# --- sizes and shares ------------------------------------------------------------------------

TASKS_PER_SCALE = 400
EXTRA_CLIENTS_PER_SCALE = 2  # 9 hand-written clients, then generated ones
EXTRA_MEMBERS_PER_SCALE = 1  # 6 hand-written members, then generated ones
FIRST_WEEKS = 5  # of history at scale 1: time entries, done work, contacts, one sprint a week
WEEKS_PER_SCALE = 4  # so that scale 25 has 101 weeks, about two years
MAX_HISTORY_WEEKS = 156  # three years: past this, bigger scales only add people and work
EARLIER_MONTHS = 2  # the oldest backlog item is this much older; budgets a month more
NEWCOMERS_BEFORE = 0.7  # of generated members and clients: there before the history starts
CLIENT_MIN_WEEKS = 3  # a client won during the history has been one for at least this long
WORK_HOURS = (9, 18)  # local, the default work day of config.toml
STANDUP_HOURS = (11, 16)

# The board's live columns hold this share of 400 tasks per six members: they grow with the
# team. The backlog grows with the history; every other task is done.
LIVE_SHARES = (
    (Status.INBOX, 0.05),
    (Status.TODO, 0.07),
    (Status.DOING, 0.05),
    (Status.WAITING, 0.07),
    (Status.REVIEW, 0.04),
)
BASE_TEAM = 6
BACKLOG_PER_WEEK = 16  # 80 at scale 1, as many as 20% of its tasks

# How a task got to its status; the first step is its creation.
PATHS = {
    Status.INBOX: (("inbox",),),
    Status.BACKLOG: (("backlog",), ("inbox", "backlog")),
    Status.TODO: (("todo",), ("backlog", "todo"), ("inbox", "backlog", "todo")),
    Status.DOING: (("todo", "doing"), ("backlog", "todo", "doing")),
    Status.WAITING: (("todo", "doing", "waiting"), ("backlog", "todo", "doing", "waiting")),
    Status.REVIEW: (("todo", "doing", "review"), ("backlog", "todo", "doing", "review")),
    Status.DONE: (
        ("todo", "doing", "done"),
        ("todo", "doing", "review", "done"),
        ("backlog", "todo", "doing", "review", "done"),
    ),
}
# Share of tasks in each status that sit in a sprint (done ones: the sprint of their week).
IN_SPRINT = {
    Status.TODO: 0.7,
    Status.DOING: 0.95,
    Status.WAITING: 0.6,
    Status.REVIEW: 1.0,
    Status.DONE: 0.9,
}
WORKED_STATUSES = (Status.DOING, Status.WAITING, Status.REVIEW, Status.DONE)
OPEN_STATUSES = (Status.TODO, Status.DOING, Status.WAITING, Status.REVIEW)
PRIORITY_WEIGHTS = (
    (Priority.URGENT, 2),
    (Priority.HIGH, 17),
    (Priority.NORMAL, 63),
    (Priority.LOW, 18),
)
ESTIMATES = (0.5, 1.0, 1.5, 2.0, 3.0, 3.0, 4.0, 6.0, 8.0)
NO_ESTIMATE_SHARE = {Status.INBOX: 0.7, Status.BACKLOG: 0.35}
DUE_TIMES = (time(10), time(12), time(15), time(18))
FIRE_SHARE = 0.25  # of fresh inbox, todo and doing tasks
EARLIER_WAIT_SHARE = 0.2  # worked tasks that already waited on the client once
OVERDUE_PROMISES_PER_MEMBER = 0.5
EARLY_DONE_WEEKS = 0.6  # done before the tracked history: as much as 0.6 of a week's work
ARCHIVED_SHARE = ((56, 0.95), (14, 0.6))  # of done work older than so many days
ENTRY_MINUTES = (10, 15, 20, 30, 30, 30, 45, 45, 60, 60, 75, 90)
ENTRY_GAP_MINUTES = (0, 0, 5, 5, 10, 15, 20)
LONG_ENTRY_SHARE = 0.05  # member-days that start with a 3 to 5 hour stretch
MIN_ENTRY = timedelta(minutes=5)
TRACKED_SHARE = (0.7, 0.95)  # of a day's capacity spent on tasks; the rest is meetings, admin
WORK_SPAN_DAYS = 28  # the longest a task is in hand before it moves on
DOING_DAYS = 14  # the longest a task has been in progress now

# Paid hours follow the hours booked (see `_Pace`): each month a client's hours are steered
# toward its size times a burn drawn from PAST_BURN, then its budget is set from what it
# booked. This month a few clients run hot, into the warning band (80 % of the month's paid
# hours) or over them; the rest stay comfortably below.
STEERED_SHARE = 0.9  # of entries: on the task in hand of the client furthest behind its pace
AHEAD_SHARE, AHEAD_HOURS = 1.2, 6.0  # a client this far ahead of the others' pace waits
PAST_BURN = (0.78, 0.95)  # a month's hours over its paid hours, per client and month
WARNING_AIM, OVER_AIM = (0.85, 0.94), (1.04, 1.14)  # a hot client's burn by now this month
HOT_BOOST = 2.5  # the fastest a hot client burns this month, over its usual pace
OK_BURN = 0.75  # the most any other client has burned by now
WARNING_BURN, OVER_BURN = (0.82, 0.97), (1.02, 1.18)  # where the hot ones' budgets put them
BUDGET_REACH = 1.5  # a hot client's budget shrinks by at most this factor to put it there
HOURS_PER_SIZE = 2.0  # paid hours per unit of size of a client with nothing booked yet

ENTRY_NOTE_SHARE = 0.3
CHANNELS = (Channel.EMAIL, Channel.CHAT, Channel.CALL, Channel.MESSENGER, Channel.MEETING)
FUTURE_MEETINGS = 2  # plus one per four scale steps
MEETING_HOURS = (11, 14, 15)
KPI_WEEKS = 8  # the least weekly history of a KPI
QUARTER_WEEKS = 13  # hypotheses and upsell ideas: a chance of one per quarter of history
SATISFACTION_RANGE = (0, 10)


# --- the agency ------------------------------------------------------------------------------
# Data tables are laid out by hand, one entry per line; texts come in (English, Ukrainian,
# Russian) triples indexed by L[lang].
# fmt: off

LANGS = ("en", "uk", "ru")
L = {lang: index for index, lang in enumerate(LANGS)}


class ClientSpec(NamedTuple):
    name: str
    code: str
    lang: str
    colour: str
    site: str
    channel: str
    size: float  # relative: its share of the team's hours, and so of the paid hours
    new_size: float | None  # from the current month on, when the budget changed
    silent_days: int  # working days since the last contact; 0 for a client in touch
    notes: str


BASE_CLIENTS = (
    ClientSpec("Northwind Bank", "NWB", "en", "#1f6feb", "northwindbank.com",
               Channel.EMAIL, 80, None, 0,
               "Consumer bank. Compliance approves every ad text (allow 2-3 days)."),
    ClientSpec("Меблі Карпат", "MK", "uk", "#a0522d", "mebli-karpat.com.ua",
               Channel.MESSENGER, 40, None, 0,
               "Виробник меблів з Івано-Франківська. Усе погоджує у Viber."),
    ClientSpec("Клиника Здоровье", "KZ", "ru", "#2da44e", "klinika-zdorovie.com",
               Channel.CALL, 30, None, 0,
               "Частная клиника, три филиала. В объявлениях — номер лицензии."),
    ClientSpec("Brightcart", "BC", "en", "#fb8500", "brightcart.shop",
               Channel.CHAT, 60, 80, 0,
               "Electronics e-shop, 12k SKUs. Budget raised for Black Friday."),
    ClientSpec("Зелена Садиба", "ZS", "uk", "#8ac926", "zelena-sadyba.com.ua",
               Channel.EMAIL, 25, None, 0,
               "Садовий центр та інтернет-магазин розсади. Звіт щопонеділка."),
    ClientSpec("Автосалон Восток", "AV", "ru", "#d62828", "avtovostok.com",
               Channel.CALL, 45, None, 6,
               "Дилер новых и б/у авто. Контакт часто в отъезде — дублировать звонком."),
    ClientSpec("Harbor Coffee Roasters", "HCR", "en", "#6a4c93", "harborcoffee.co",
               Channel.EMAIL, 20, None, 9,
               "Roastery with four cafés. The owner answers slowly; push for approvals."),
    ClientSpec("ІТ-школа Код", "KOD", "uk", "#00b4d8", "kod-school.com.ua",
               Channel.MESSENGER, 35, None, 0,
               "Онлайн-школа програмування. Головна метрика — вартість заявки."),
    ClientSpec("Тур-Экспресс", "TE", "ru", "#ffb703", "tur-express.travel",
               Channel.CHAT, 30, 20, 0,
               "Турагентство. Межсезонье: бюджет снижен с этого месяца."),
)

# Generated clients: "{brand} {kind}" in English, "{kind} «{brand}»" in Ukrainian and Russian.
# Each word carries its Latin spelling for the code and the site.
CLIENT_NAME_PATTERNS = ("{brand} {kind}", "{kind} «{brand}»", "{kind} «{brand}»")
CLIENT_BRANDS = (
    (("Silver Oak", "silver oak"), ("Bluewater", "bluewater"), ("Summit", "summit"),
     ("Maple Lane", "maple lane"), ("Ironwood", "ironwood"), ("Goldfield", "goldfield"),
     ("Redstone", "redstone"), ("Clearview", "clearview")),
    (("Колосок", "kolosok"), ("Світанок", "svitanok"), ("Лелека", "leleka"),
     ("Вишня", "vyshnia"), ("Дніпро", "dnipro"), ("Ластівка", "lastivka"),
     ("Оберіг", "oberih"), ("Смерічка", "smerichka")),
    (("Рассвет", "rassvet"), ("Берёзка", "berezka"), ("Сибирь", "sibir"),
     ("Волна", "volna"), ("Уют", "uyut"), ("Звезда", "zvezda"),
     ("Меридиан", "meridian"), ("Колос", "kolos")),
)
CLIENT_KINDS = (
    (("Dental", "dental"), ("Logistics", "logistics"), ("Fitness", "fitness"),
     ("Motors", "motors"), ("Realty", "realty"), ("Foods", "foods"),
     ("Travel", "travel"), ("Books", "books")),
    (("Пекарня", "pekarnia"), ("Стоматологія", "stomatolohiia"), ("Автосервіс", "avtoservis"),
     ("Агенція нерухомості", "ahentsiia"), ("Фітнес-клуб", "fitnes"), ("Готель", "hotel"),
     ("Магазин", "mahazyn"), ("Школа", "shkola")),
    (("Пекарня", "pekarnya"), ("Стоматология", "stomatologiya"), ("Автосервис", "avtoservis"),
     ("Агентство недвижимости", "agentstvo"), ("Фитнес-клуб", "fitnes"),
     ("Гостиница", "gostinitsa"), ("Магазин", "magazin"), ("Школа", "shkola")),
)
SITE_ZONES = ("com", "com.ua", "ru")
CLIENT_NOTES = (
    "Wants a call before any budget change.",
    "Звіти надсилати до п'ятниці, копія власнику.",
    "Согласует тексты только по средам.",
    "Seasonal business: peak in spring.",
    "Новий клієнт, перший квартал — тестовий.",
    "Рекламный бюджет платит сам, мы ведём только кабинеты.",
)
GENERATED_SIZES = (10, 15, 20, 25, 30, 40, 50, 60)

CONTACTS = (  # name, e-mail local part
    (("Emily Carter", "emily.carter"), ("James Miller", "james.miller"),
     ("Sophie Turner", "sophie.turner"), ("Daniel Brooks", "daniel.brooks"),
     ("Grace Hall", "grace.hall"), ("Ryan Cooper", "ryan.cooper")),
    (("Оксана Гнатюк", "oksana.hnatiuk"), ("Богдан Ткачук", "bohdan.tkachuk"),
     ("Наталія Левченко", "nataliia.levchenko"), ("Андрій Кравець", "andrii.kravets"),
     ("Марія Шевчук", "mariia.shevchuk"), ("Віталій Олійник", "vitalii.oliinyk")),
    (("Сергей Волков", "sergey.volkov"), ("Елена Смирнова", "elena.smirnova"),
     ("Дмитрий Орлов", "dmitry.orlov"), ("Ольга Никитина", "olga.nikitina"),
     ("Алексей Попов", "alexey.popov"), ("Татьяна Козлова", "tatiana.kozlova")),
)
CONTACT_ROLES = (
    ("Marketing director", "Owner", "Marketing manager", "Head of sales"),
    ("Директор з маркетингу", "Власник", "Маркетолог", "Керівник відділу продажів"),
    ("Директор по маркетингу", "Владелец", "Маркетолог", "Руководитель отдела продаж"),
)
PHONE_PREFIXES = ("+1 555", "+380 67", "+7 916")

ROLES = ("account manager", "PPC", "SEO", "designer", "analyst", "developer")
DOMAIN_ROLE = {
    "account": "account manager", "ppc": "PPC", "seo": "SEO",
    "design": "designer", "analytics": "analyst", "dev": "developer",
}
DOMAIN_WEIGHTS = (
    ("account", 14), ("ppc", 26), ("seo", 20), ("design", 16), ("analytics", 12), ("dev", 12),
)
ROLE_WEIGHTS = (14, 26, 20, 16, 12, 12)  # of ROLES, for generated members
BASE_MEMBERS = (  # name, initials, role, weekly capacity
    ("Olena Kovalenko", "OK", "account manager", 30.0),
    ("Dmytro Savchuk",  "DS", "PPC",             40.0),
    ("Ірина Мельник",   "ІМ", "SEO",             40.0),
    ("Max Bondar",      "MB", "designer",        32.0),
    ("Анна Петрова",    "АП", "analyst",         24.0),
    ("Taras Lysenko",   "TL", "developer",       40.0),
)
MEMBER_FIRST = (
    "Andrii", "Bohdana", "Vlad", "Halyna", "Denys", "Yulia", "Oleh", "Kateryna", "Roman",
    "Sofia", "Yurii", "Daryna", "Ihor", "Marta", "Pavlo", "Lesia", "Artem", "Viktoria",
)
MEMBER_LAST = (
    "Hrytsenko", "Moroz", "Pavlenko", "Rudenko", "Zinchenko", "Kravchenko", "Tkachenko",
    "Sydorenko", "Marchenko", "Boiko", "Klymenko", "Ponomarenko", "Yakovenko", "Honchar",
    "Vovk", "Didenko", "Karpenko", "Levchuk",
)
CAPACITIES = (24.0, 32.0, 40.0, 40.0, 40.0)

# --- task text -------------------------------------------------------------------------------

MONTHS = (
    ("January", "February", "March", "April", "May", "June", "July", "August",
     "September", "October", "November", "December"),
    ("січень", "лютий", "березень", "квітень", "травень", "червень", "липень", "серпень",
     "вересень", "жовтень", "листопад", "грудень"),
    ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
     "сентябрь", "октябрь", "ноябрь", "декабрь"),
)
CAMPAIGNS = (
    ("Black Friday", "Чорна п'ятниця", "Чёрная пятница"),
    ("brand search", "брендова кампанія", "брендовая кампания"),
    ("new collection", "нова колекція", "новая коллекция"),
    ("spring sale", "весняний розпродаж", "весенняя распродажа"),
    ("remarketing", "ремаркетинг", "ремаркетинг"),
)
PAGES = (
    ("home", "головна", "главная"),
    ("catalogue", "каталог", "каталог"),
    ("checkout", "кошик", "корзина"),
    ("pricing", "ціни", "цены"),
    ("contacts", "контакти", "контакты"),
    ("blog", "блог", "блог"),
)
# domain -> (labels, title triple); {last_month} is for reports, {next_month} for plans,
# {campaign} and {page} are drawn from the tables above.
TITLES = {
    "ppc": (
        ("ppc,google-ads", ("Set up remarketing in Google Ads",
                            "Налаштувати ремаркетинг у Google Ads",
                            "Настроить ремаркетинг в Google Ads")),
        ("ppc",            ("Bid review: {campaign}",
                            "Перегляд ставок: {campaign}",
                            "Корректировка ставок: {campaign}")),
        ("ppc,launch",     ("Launch a Performance Max campaign",
                            "Запустити кампанію Performance Max",
                            "Запустить кампанию Performance Max")),
        ("ppc",            ("Negative keywords cleanup",
                            "Чистка мінус-слів",
                            "Чистка минус-слов")),
        ("ppc,meta",       ("Meta Ads creatives: {campaign}",
                            "Креативи Meta Ads: {campaign}",
                            "Креативы Meta Ads: {campaign}")),
        ("ppc,report",     ("PPC report for {last_month}",
                            "Звіт з PPC за {last_month}",
                            "Отчёт по PPC за {last_month}")),
        ("ppc,tracking",   ("Fix conversion tracking in Google Ads",
                            "Виправити відстеження конверсій у Google Ads",
                            "Починить отслеживание конверсий в Google Ads")),
        ("ppc,feed",       ("Shopping feed errors in Merchant Center",
                            "Помилки фіду в Merchant Center",
                            "Ошибки фида в Merchant Center")),
    ),
    "seo": (
        ("seo,report",     ("SEO report for {last_month}",
                            "Звіт з SEO за {last_month}",
                            "Отчёт по SEO за {last_month}")),
        ("seo,audit",      ("Technical SEO audit",
                            "Технічний SEO-аудит",
                            "Технический SEO-аудит")),
        ("seo",            ("Keyword research: {page}",
                            "Збір семантики: {page}",
                            "Сбор семантики: {page}")),
        ("seo,content",    ("Meta tags for the {page} page",
                            "Мета-теги для сторінки {page}",
                            "Мета-теги для страницы {page}")),
        ("seo,dev",        ("Fix 404 errors from Search Console",
                            "Виправити 404 із Search Console",
                            "Исправить 404 из Search Console")),
        ("seo,links",      ("Link building plan for {next_month}",
                            "План лінкбілдингу на {next_month}",
                            "План линкбилдинга на {next_month}")),
    ),
    "design": (
        ("design,cro",     ("Landing page A/B test",
                            "A/B-тест лендингу",
                            "A/B-тест лендинга")),
        ("design,ppc",     ("Banners: {campaign}",
                            "Банери: {campaign}",
                            "Баннеры: {campaign}")),
        ("design",         ("Redesign of the {page} page",
                            "Редизайн сторінки {page}",
                            "Редизайн страницы {page}")),
        ("design,smm",     ("Instagram stories set",
                            "Набір сторіз для Instagram",
                            "Набор сторис для Instagram")),
        ("design,email",   ("Email newsletter template",
                            "Шаблон email-розсилки",
                            "Шаблон email-рассылки")),
    ),
    "analytics": (
        ("analytics,tracking", ("GA4 events for the {page} page",
                                "Налаштувати події GA4 для сторінки {page}",
                                "Настроить события GA4 для страницы {page}")),
        ("analytics,report",   ("Looker Studio dashboard",
                                "Дашборд у Looker Studio",
                                "Дашборд в Looker Studio")),
        ("analytics",          ("Attribution analysis for {last_month}",
                                "Аналіз атрибуції за {last_month}",
                                "Анализ атрибуции за {last_month}")),
        ("analytics,tracking", ("Check the GTM container after the release",
                                "Перевірити контейнер GTM після релізу",
                                "Проверить контейнер GTM после релиза")),
        ("analytics,tracking", ("Call tracking setup",
                                "Налаштувати колтрекінг",
                                "Настроить коллтрекинг")),
    ),
    "dev": (
        ("dev,seo",        ("Speed up the {page} page (Core Web Vitals)",
                            "Прискорити сторінку {page} (Core Web Vitals)",
                            "Ускорить страницу {page} (Core Web Vitals)")),
        ("dev,seo",        ("Add schema.org markup",
                            "Додати розмітку schema.org",
                            "Добавить разметку schema.org")),
        ("dev",            ("Fix the lead form on the {page} page",
                            "Виправити форму заявки на сторінці {page}",
                            "Починить форму заявки на странице {page}")),
        ("dev,design",     ("Publish the landing page",
                            "Викласти лендинг",
                            "Выложить лендинг")),
        ("dev,seo",        ("Update sitemap.xml and robots.txt",
                            "Оновити sitemap.xml і robots.txt",
                            "Обновить sitemap.xml и robots.txt")),
    ),
    "account": (
        ("report",         ("Weekly report to the client",
                            "Тижневий звіт клієнту",
                            "Еженедельный отчёт клиенту")),
        ("plan",           ("Agree the sprint plan with the client",
                            "Погодити план спринту з клієнтом",
                            "Согласовать план спринта с клиентом")),
        ("ppc,plan",       ("Media plan for {next_month}",
                            "Медіаплан на {next_month}",
                            "Медиаплан на {next_month}")),
        ("access",         ("Get Google Ads access from the client",
                            "Запросити доступи до Google Ads у клієнта",
                            "Запросить доступы к Google Ads у клиента")),
        ("call",           ("Call with the client: results for {last_month}",
                            "Дзвінок з клієнтом: результати за {last_month}",
                            "Созвон с клиентом: итоги за {last_month}")),
        ("billing",        ("Invoice for {last_month}",
                            "Рахунок і акт за {last_month}",
                            "Счёт и акт за {last_month}")),
    ),
}
DESCRIPTIONS = (
    ("The brief is in the shared folder.", "Бриф у спільній папці.", "Бриф в общей папке."),
    ("The client wants it before the sale.", "Клієнт хоче до розпродажу.",
     "Клиент хочет до распродажи."),
    ("Access: ask the account manager.", "Доступи — в акаунт-менеджера.",
     "Доступы — у аккаунт-менеджера."),
    ("Use the colours of the new brand book.", "Кольори з нового брендбуку.",
     "Цвета из нового брендбука."),
)
CHECKLIST = (
    ("Get access", "Отримати доступи", "Получить доступы"),
    ("Draft", "Чернетка", "Черновик"),
    ("Internal review", "Внутрішня перевірка", "Внутренняя проверка"),
    ("Client approval", "Погодження з клієнтом", "Согласование с клиентом"),
    ("Publish", "Опублікувати", "Опубликовать"),
    ("Check tracking", "Перевірити трекінг", "Проверить трекинг"),
)
COMMENTS = (
    ("The client sent the texts, see email", "Клієнт надіслав тексти, див. пошту",
     "Клиент прислал тексты, см. почту"),
    ("Waiting for access from the client", "Чекаємо на доступи від клієнта",
     "Ждём доступы от клиента"),
    ("Moved to next week after the call", "Перенесли на наступний тиждень після дзвінка",
     "Перенесли на следующую неделю после созвона"),
    ("Done, please review", "Готово, перевірте, будь ласка", "Готово, проверьте, пожалуйста"),
    ("The client asks for two more variants", "Клієнт просить ще два варіанти",
     "Клиент просит ещё два варианта"),
)
ENTRY_NOTES = (
    ("edits after review", "правки після рев'ю", "правки после ревью"),
    ("call with the client", "дзвінок з клієнтом", "созвон с клиентом"),
    ("research", "дослідження", "ресёрч"),
)

# --- client relations ------------------------------------------------------------------------

INBOUND = (
    ("Asked about campaign results", "Питали про результати кампанії",
     "Спросили про результаты кампании"),
    ("Sent a new price list", "Надіслали новий прайс", "Прислали новый прайс"),
    ("Approved the banners", "Погодили банери", "Согласовали баннеры"),
    ("Complained about lead quality", "Скаржилися на якість заявок",
     "Жаловались на качество заявок"),
    ("Asked for a weekend promo", "Попросили акцію на вихідні", "Попросили акцию на выходные"),
    ("Granted Search Console access", "Надали доступ до Search Console",
     "Дали доступ к Search Console"),
)
OUTBOUND = (
    ("Reminded about the texts to approve", "Нагадали про погодження текстів",
     "Напомнили про согласование текстов"),
    ("Shared the A/B test results", "Поділилися результатами A/B-тесту",
     "Поделились результатами A/B-теста"),
    ("Proposed a bigger budget for the sale", "Запропонували збільшити бюджет на розпродаж",
     "Предложили увеличить бюджет на распродажу"),
    ("Answered questions about GA4", "Відповіли на питання про GA4",
     "Ответили на вопросы по GA4"),
)
MEETINGS = (
    ("Monthly results review", "Щомісячний огляд результатів",
     "Ежемесячный разбор результатов"),
    ("Strategy session for next quarter", "Стратегічна сесія на наступний квартал",
     "Стратегическая сессия на следующий квартал"),
)
REPORT_SUMMARY = ("Sent the weekly report", "Надіслали тижневий звіт",
                  "Отправили еженедельный отчёт")
PLAN_SUMMARY = ("Sent the sprint plan for approval", "Надіслали план спринту на погодження",
                "Отправили план спринта на согласование")

KPIS = (  # name, unit, baseline, target
    ("Leads",            "",    120.0,  160.0),
    ("CPA",              "UAH", 450.0,  380.0),
    ("ROAS",             "%",   310.0,  400.0),
    ("Organic sessions", "",    8200.0, 10500.0),
    ("Conversion rate",  "%",   1.8,    2.4),
    ("Calls from ads",   "",    60.0,   90.0),
)
HYPOTHESES = (  # statement, metric, budget, risk
    (("Moving 20% of search budget to Performance Max cuts CPA by 10%",
      "Перенесення 20% бюджету пошуку в Performance Max знизить CPA на 10%",
      "Перенос 20% бюджета поиска в Performance Max снизит CPA на 10%"),
     "CPA", "20% of the search budget", "Two learning weeks may raise CPA"),
    (("A three-field lead form raises conversion by 15%",
      "Форма заявки з трьох полів підвищить конверсію на 15%",
      "Форма заявки из трёх полей поднимет конверсию на 15%"),
     "Conversion rate", "6 h of design and development", "Fewer qualified leads"),
    (("Long-tail blog articles double organic leads in three months",
      "Статті під низькочастотні запити подвоять органічні заявки за три місяці",
      "Статьи под низкочастотные запросы удвоят органические заявки за три месяца"),
     "Organic leads", "8 articles", "Results only after two or three months"),
)
HYPOTHESIS_RESULTS = ("confirmed", "rejected", "inconclusive, extend the test")
UPSELLS = (
    ("Email marketing: the base of 20k customers is unused",
     "Email-маркетинг: база з 20 тис. клієнтів не використовується",
     "Email-маркетинг: база из 20 тыс. клиентов не используется"),
    ("A site speed audit before the season", "Аудит швидкості сайту перед сезоном",
     "Аудит скорости сайта перед сезоном"),
    ("TikTok Ads for the younger audience", "TikTok Ads для молодшої аудиторії",
     "TikTok Ads для более молодой аудитории"),
    ("A Looker Studio dashboard for the owner", "Дашборд у Looker Studio для власника",
     "Дашборд в Looker Studio для владельца"),
)
SATISFACTION_NOTES = ("", "", "Happy with the reports", "Wants faster replies", "Asked for a call")

# --- team rituals ----------------------------------------------------------------------------

SPRINT_GOALS = (
    "Black Friday launch for Brightcart",
    "Monthly reports for every client",
    "Technical SEO audit for Northwind Bank",
    "Нові лендинги для ІТ-школи Код",
    "Close the spring campaign of Зелена Садиба",
)
STANDUP_NOTES = (
    "Done: reports. Next: banners. Blocked: nothing",
    "Зробив правки по лендингу, далі — фід",
    "Waiting on the client for access",
    "Next: the audit, then the media plan",
    "Закрила звіт, чекаю відповідь клієнта",
    "",
)
STANDUP_SUMMARIES = ("", "", "Fires triaged", "Короткий стендап")
RETRO_CHECK_LABELS = {
    "timesheets": "Timesheets complete",
    "weekly_reports": "Every client got a weekly report",
    "promises_reviewed": "Promises reviewed",
    "waiting_nudged": "Clients we wait on were nudged",
    "next_sprint_drafted": "Next week drafted",
}
RETRO_NOTES = {
    "went_well": (
        "All weekly reports went out on Friday",
        "Банери погодили з першого разу",
        "No overtime this week",
    ),
    "to_improve": (
        "Too many fires on Wednesday",
        "Клієнти довго погоджують тексти",
        "Timesheets filled in late",
    ),
}
ACTION_ITEMS = (
    "Ask clients for approvals by Tuesday noon",
    "Нагадувати про таймшити о 17:30",
    "Keep 10% of capacity for fires",
)

# fmt: on


@dataclass(frozen=True)
class DemoSummary:
    """How much `fill` wrote, for the command line to report."""

    clients: int
    members: int
    tasks: int
    time_entries: int
    interactions: int
    sprints: int


def is_empty(*, engine: Engine) -> bool:
    """True when the store holds no work (see `model.blank`): the only store `fill` takes."""
    with reading(engine) as session:
        return not holds_work(session)


def clear(*, engine: Engine) -> None:
    """Delete every row of every table, in one transaction, to start the demo over."""
    with transaction(engine) as session:
        clear_rows(session)


def fill(
    *,
    engine: Engine,
    scale: int = 1,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Fill an empty store with a demo agency; `scale` multiplies its size.

    Refuses a store that holds anything, so a demo never mixes with real work.
    """
    if scale < 1:
        raise ValueError("the scale must be 1 or more")
    if not is_empty(engine=engine):
        raise ValueError("the store is not empty: the demo only fills an empty store")
    report = progress or (lambda _message: None)
    report("generating the demo agency")
    rows = _Agency(scale=scale, seed=seed).build()
    with transaction(engine) as session:
        if holds_work(session):
            raise ValueError("the store is not empty: the demo only fills an empty store")
        clear_rows(session)  # the sprint of a first opening and the like: demo ids replace them
        _write(session=session, rows=rows, report=report)
    report("setting up the standing work")
    standing = add_rhythm(engine=engine)
    return DemoSummary(
        clients=len(rows["client"]),
        members=len(rows["member"]),
        tasks=len(rows["task"]) + standing,
        time_entries=len(rows["timeentry"]),
        interactions=len(rows["interaction"]),
        sprints=len(rows["sprint"]),
    )


def _write(*, session: Session, rows: dict[str, list[dict]], report: Callable[[str], None]) -> None:
    tables = [table for table in SQLModel.metadata.sorted_tables if rows.get(table.name)]
    for table in tables:
        batch = rows[table.name]
        report(f"writing {len(batch)} {table.name} rows")
        bulk_insert(session, table=table, rows=batch)
    advance_sequences(session, tables=tables)


# --- time ------------------------------------------------------------------------------------


def _plain(instant: pendulum.DateTime) -> datetime:
    """A stdlib aware UTC datetime, whose arithmetic is cheap in the hot loops."""
    return datetime.fromtimestamp(instant.int_timestamp, tz=UTC)


def _local(day: pendulum.Date, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` on `day` in the configured zone, as a UTC instant."""
    moment = pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=clock.zone())
    return _plain(moment)


class _Calendar:
    """Local days and working hours, computed once with pendulum and then looked up.

    Working hours form one continuous axis, so a random moment "at work between
    A and B" is one uniform draw: tasks are created, moved and finished on
    working days in working hours.
    """

    def __init__(self, *, first: pendulum.Date, last: pendulum.Date) -> None:
        self.spans: list[tuple[datetime, datetime]] = []
        self._dates: list[pendulum.Date] = []
        self._midnights: list[datetime] = []
        day = first
        while day <= last:
            self._dates.append(day)
            self._midnights.append(_local(day, 0))
            if day.weekday() < 5:
                self.spans.append((_local(day, WORK_HOURS[0]), _local(day, WORK_HOURS[1])))
            day = day.add(days=1)
        self._starts = [start for start, _end in self.spans]
        lengths = ((end - start).total_seconds() for start, end in self.spans)
        self._offsets = list(accumulate(lengths, initial=0.0))

    def date_of(self, instant: datetime) -> pendulum.Date:
        """The local date of an instant (pendulum's conversion is too slow to call per row)."""
        index = bisect_right(self._midnights, instant) - 1
        if 0 <= index < len(self._dates) - 1:
            return self._dates[index]
        return clock.to_local(instant).date()

    def _axis(self, instant: datetime) -> float:
        index = bisect_right(self._starts, instant) - 1
        if index < 0:
            return 0.0
        start, end = self.spans[index]
        return self._offsets[index] + (min(instant, end) - start).total_seconds()

    def _instant(self, position: float) -> datetime:
        index = min(max(bisect_left(self._offsets, position) - 1, 0), len(self.spans) - 1)
        return self.spans[index][0] + timedelta(seconds=int(position - self._offsets[index]))

    def working_seconds(self, low: datetime, high: datetime) -> float:
        """Seconds of working hours in [low, high]."""
        return max(self._axis(high) - self._axis(low), 0.0)

    def between(self, rng: random.Random, low: datetime, high: datetime) -> datetime:
        """A random working moment in [low, high] (whole seconds)."""
        if high <= low:
            return low
        moment = self._instant(rng.uniform(self._axis(low), self._axis(high)))
        return min(max(moment, low), high)

    def days(self, low: datetime, high: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The working-day spans that overlap [low, high]."""
        for start, end in self.spans:
            if end > low and start < high:
                yield start, end


# --- the generator ---------------------------------------------------------------------------


@dataclass
class _ClientInfo:
    id: int
    lang: str
    weight: float
    silent_days: int
    manager_id: int
    since: datetime  # created_at: no task, contact or plan before it
    budget_from: pendulum.Date  # the month of its first budget
    change: float  # this month's budget over the earlier one (1.0: unchanged)
    contact_ids: list[int] = field(default_factory=list)


@dataclass
class _Draft:
    """A task before it has an id: its row and the status history behind it."""

    row: dict[str, Any]
    client: _ClientInfo
    lang: str
    marks: list[tuple[str, datetime]]
    work_from: datetime | None = None  # time entries may fall in [work_from, work_until]
    work_until: datetime | None = None


def history_weeks(scale: int) -> int:
    """Weeks of history at `scale`, this one included: a sprint each, all but this one closed."""
    return min(FIRST_WEEKS + WEEKS_PER_SCALE * (scale - 1), MAX_HISTORY_WEEKS)


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


# A stretch of time a member may book on a task: from, until, task id, language, client id.
_Window = tuple[datetime, datetime, int, str, int]


class _Pace:
    """Steers the team's hours so that each client's month follows its pace, and counts them.

    A client's pace for a month is its size times its burn: how much of its paid hours it
    uses that month, drawn from PAST_BURN (a hot client's this month is faster, see
    `_Agency._aims`). `level` holds the hours booked this month over the pace: most entries
    go to the task in hand whose client has the lowest, and a client far ahead of the rest
    waits (its member does other work), so a client's hours stay steady from month to
    month although its tasks come and go.

    `units` add up, per client, the burn of each month it was tracked, times the share of
    the month's working time it was (a whole month at burn 1 is 1.0), so its hours over its
    units are the paid hours at which each month burns about its draw.
    """

    def __init__(
        self,
        *,
        calendar: _Calendar,
        rng: random.Random,
        clients: Sequence[_ClientInfo],
        aims: dict[int, float],
        start: datetime,
        now: datetime,
    ) -> None:
        self.calendar, self.rng, self.aims = calendar, rng, aims
        self.clients = sorted(clients, key=lambda client: client.since)
        self.start, self.now = start, now
        self.this_month = month_start(day=clock.to_local(now).date())
        first = _local(self.this_month, 0)
        whole = calendar.working_seconds(first, _local(self.this_month.add(months=1), 0))
        self.elapsed = calendar.working_seconds(first, now) / whole  # of this month, by now
        ids = [client.id for client in clients]
        self.hours = dict.fromkeys(ids, 0.0)
        self.units = dict.fromkeys(ids, 0.0)
        self.now_hours = dict.fromkeys(ids, 0.0)  # this month's part of them
        self.now_units = dict.fromkeys(ids, 0.0)
        self.level = dict.fromkeys(ids, 0.0)
        self.burn = dict.fromkeys(ids, 1.0)
        self.pace = dict.fromkeys(ids, 1.0)
        self.seated = 0  # clients (by since) already counted
        self.booked = 0.0  # seconds, this month, of all clients
        self.total_pace = 0.0  # of the clients counted this month
        self.month: pendulum.Date | None = None
        self.month_seconds = 1.0

    def new_day(self, start: datetime, end: datetime) -> None:
        """A working day [start, end) begins: a new month, newly won clients, their units."""
        month = month_start(day=self.calendar.date_of(start))
        if month != self.month:
            self.month = month
            self.month_seconds = self.calendar.working_seconds(
                _local(month, 0), _local(month.add(months=1), 0)
            )
            self.booked = self.total_pace = 0.0
            for client in self.clients[: self.seated]:
                self.level[client.id] = 0.0
                self._draw(client)
        while self.seated < len(self.clients) and self.clients[self.seated].since < end:
            newcomer = self.clients[self.seated]  # joins the others where they are
            present = [self.level[client.id] for client in self.clients[: self.seated]]
            self.level[newcomer.id] = statistics.fmean(present) if present else 0.0
            self._draw(newcomer)
            self.seated += 1
        for client in self.clients[: self.seated]:
            low, high = max(start, self.start, client.since), min(end, self.now)
            if high > low:
                share = (high - low).total_seconds() / self.month_seconds
                units = self.burn[client.id] * self._change(client) * share
                self.units[client.id] += units
                if self.month == self.this_month:
                    self.now_units[client.id] += units

    def _change(self, client: _ClientInfo) -> float:
        return client.change if self.month == self.this_month else 1.0

    def _draw(self, client: _ClientInfo) -> None:
        """The client's burn and pace for the month; a hot one aims at its burn by now."""
        burn = self.rng.uniform(*PAST_BURN)
        aim = self.aims.get(client.id)
        if self.month == self.this_month and aim is not None and self.elapsed:
            burn = max(min(aim / self.elapsed, burn * HOT_BOOST), burn)
        self.burn[client.id] = burn
        self.pace[client.id] = client.weight * self._change(client) * burn
        self.total_pace += self.pace[client.id]

    def pick(self, ready: list[_Window]) -> _Window | None:
        """Mostly a task of the client furthest behind its pace, now and then any task.

        None when even that client is far ahead: the rest of the day goes to other work.
        """
        level = self.level
        lowest = min(level[window[4]] for window in ready)
        client_id = next(window[4] for window in ready if level[window[4]] == lowest)
        fair = self.booked / self.total_pace  # every client's level when all are on pace
        if (lowest - fair * AHEAD_SHARE) * self.pace[client_id] > AHEAD_HOURS * 3600:
            return None
        if len(ready) > 1 and self.rng.random() < STEERED_SHARE:
            ready = [window for window in ready if level[window[4]] == lowest]
        return self.rng.choice(ready)

    def usual(self, client_id: int) -> float:
        """The paid hours at which a month burns about its draw; 0.0 if nothing was booked.

        From the months before this one when they make up a month or more at burn 1.
        """
        hours, units = self.hours[client_id], self.units[client_id]
        if units - self.now_units[client_id] >= 1.0:
            hours -= self.now_hours[client_id]
            units -= self.now_units[client_id]
        return hours / units if hours and units else 0.0

    def book(self, client_id: int, seconds: float) -> None:
        """Count an entry of the current month."""
        self.level[client_id] += seconds / self.pace[client_id]
        self.booked += seconds
        self.hours[client_id] += seconds / 3600
        if self.month == self.this_month:
            self.now_hours[client_id] += seconds / 3600


class _Agency:
    """Builds every row of the demo, table by table, from one random stream."""

    def __init__(self, *, scale: int, seed: int) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.now = _plain(clock.now())
        self.today = clock.today()
        self.week0 = sprint_start(day=self.today, start_weekday=0)
        self.weeks = history_weeks(scale)
        # Tracked history: time entries, done work, contacts, stand-ups; one sprint a week.
        self.work_start = self.now - timedelta(weeks=self.weeks)
        first_month = month_start(day=clock.to_local(self.work_start).date())
        self.history_day = first_month.subtract(months=EARLIER_MONTHS)  # the oldest backlog item
        self.history_start = _local(self.history_day, 0)
        self.calendar = _Calendar(
            first=self.history_day.subtract(months=1), last=self.today.add(days=30)
        )
        self.rows: dict[str, list[dict]] = {}
        self.clients: list[_ClientInfo] = []  # in the order they were won
        self.client_since: list[datetime] = []
        self.client_weights: list[float] = []  # cumulative, for drawing among the first k
        self.by_role: dict[str, list[int]] = {role: [] for role in ROLES}
        self.role_joins: dict[str, list[datetime]] = {role: [] for role in ROLES}
        self.role_of: dict[int, str] = {}
        self.joined: dict[int, datetime] = {}
        self.member_names: dict[int, str] = {}
        self.daily_hours: dict[int, float] = {}
        self.sprint_of_week: dict[pendulum.Date, int] = {}
        self.drafts: list[_Draft] = []

    def build(self) -> dict[str, list[dict]]:
        self._members()
        self._clients()
        self._sprints()
        self._tasks()
        self._plans()
        self._budgets(self._time_entries())
        self._interactions()
        self._client_insights()
        self._standups()
        self._retros()
        self._timesheets()
        return self.rows

    def _add(self, table: str, **values: Any) -> int:
        rows = self.rows.setdefault(table, [])
        rows.append({"id": len(rows) + 1, **values})
        return len(rows)

    def _between(self, low: datetime, high: datetime) -> datetime:
        return self.calendar.between(self.rng, low, high)

    def _local_date(self, instant: datetime) -> pendulum.Date:
        return self.calendar.date_of(instant)

    # --- team and clients

    def _joins(self, count: int, *, min_weeks: int = 0) -> list[pendulum.Date | None]:
        """The Monday each of `count` newcomers joined, in order; None: before the history.

        The first `NEWCOMERS_BEFORE` (a share) of them were there already, the rest joined
        at even steps through the history, the last ones at least `min_weeks` ago.
        """
        mondays: list[pendulum.Date | None] = []
        for index in range(count):
            share = (index + 0.5) / count  # how far down the list, 0 to 1
            through = (share - NEWCOMERS_BEFORE) / (1 - NEWCOMERS_BEFORE)
            back = round((1 - through) * self.weeks)
            if through <= 0 or back >= self.weeks:
                mondays.append(None)
            else:
                mondays.append(self.week0.subtract(weeks=max(back, min_weeks)))
        return mondays

    def _members(self) -> None:
        for name, initials, role, capacity in BASE_MEMBERS:
            self._member(name=name, initials=initials, role=role, capacity=capacity, monday=None)
        # A vacation next week and a sick day gone by: Plan's capacity shows the one ahead.
        for member_id, first, days, kind in (
            (4, self.week0.add(days=9), 3, "vacation"),
            (5, self.week0.subtract(days=12), 1, "sick"),
        ):
            self._add(
                "dayoff",
                member_id=member_id,
                first=first,
                last=first.add(days=days - 1),
                kind=kind,
                note="",
                archived_at=None,
            )
        names = [f"{first} {last}" for first in MEMBER_FIRST for last in MEMBER_LAST]
        self.rng.shuffle(names)
        joins = self._joins(EXTRA_MEMBERS_PER_SCALE * (self.scale - 1))
        for index, monday in enumerate(joins):
            name = names[index % len(names)]
            if index >= len(names):
                name = f"{name} {index // len(names) + 1}"
            given, family = name.split()[:2]
            self._member(
                name=name,
                initials=given[0] + family[0],
                role=self.rng.choices(ROLES, ROLE_WEIGHTS)[0],
                capacity=self.rng.choice(CAPACITIES),
                monday=monday,
            )

    def _member(
        self, *, name: str, initials: str, role: str, capacity: float, monday: pendulum.Date | None
    ) -> None:
        member_id = self._add(
            "member",
            name=name,
            initials=initials,
            role=role,
            weekly_capacity_hours=capacity,
            active=True,
            manager=role == ROLES[0] and not self.by_role[role],
        )
        joined = self.history_start if monday is None else _local(monday, WORK_HOURS[0])
        self.by_role[role].append(member_id)
        self.role_joins[role].append(joined)
        self.role_of[member_id] = role
        self.joined[member_id] = joined
        self.member_names[member_id] = name
        self.daily_hours[member_id] = capacity / 5

    def _member_at(self, role: str, moment: datetime) -> int:
        """Someone in `role` who had joined by `moment` (the first of each role always had)."""
        present = max(bisect_right(self.role_joins[role], moment), 1)
        return self.by_role[role][self.rng.randrange(present)]

    def _actor(self, member_id: int, moment: datetime) -> int:
        """`member_id`, or the first of their role when they had not joined by `moment`."""
        if self.joined[member_id] <= moment:
            return member_id
        return self.by_role[self.role_of[member_id]][0]

    def _clients(self) -> None:
        extra = EXTRA_CLIENTS_PER_SCALE * (self.scale - 1)
        specs = list(BASE_CLIENTS) + self._generated_clients(count=extra)
        joins = [None] * len(BASE_CLIENTS) + self._joins(extra, min_weeks=CLIENT_MIN_WEEKS)
        budget_from = self.history_day.subtract(months=1)
        for spec, monday in zip(specs, joins, strict=True):
            if monday is None:  # a client since before the history
                since = _local(
                    self.history_day.subtract(days=self.rng.randint(14, 720)),
                    self.rng.randint(9, 17),
                )
            else:  # won during it: on the books from a Monday morning on
                since = _local(monday, WORK_HOURS[0], self.rng.randint(0, 50))
            client_id = self._add(
                "client",
                name=spec.name,
                code=spec.code,
                colour=spec.colour,
                notes=spec.notes,
                site=f"https://{spec.site}",
                preferred_channel=str(spec.channel),
                status=ClientStatus.ACTIVE.value,
                created_at=since,
            )
            info = _ClientInfo(
                id=client_id,
                lang=spec.lang,
                weight=spec.size,
                silent_days=spec.silent_days,
                manager_id=self.rng.choice(self.by_role["account manager"]),
                since=since,
                budget_from=budget_from if monday is None else month_start(day=monday),
                change=1.0 if spec.new_size is None else spec.new_size / spec.size,
            )
            self._contacts(info=info, site=spec.site)
            self.clients.append(info)
        self.clients.sort(key=lambda client: client.since)
        self.client_since = [client.since for client in self.clients]
        # Tasks go to the bigger clients more often, but less than in proportion, so that a
        # small client too has work in hand most weeks.
        self.client_weights = list(accumulate(math.sqrt(c.weight) for c in self.clients))

    def _client_at(self, moment: datetime) -> _ClientInfo:
        """A client we had at `moment`, the bigger ones more often."""
        count = max(bisect_right(self.client_since, moment), 1)
        position = self.rng.random() * self.client_weights[count - 1]
        return self.clients[bisect_right(self.client_weights, position, hi=count - 1)]

    def _generated_clients(self, *, count: int) -> list[ClientSpec]:
        combos = [
            (lang, brand, kind)
            for lang in LANGS
            for brand in CLIENT_BRANDS[L[lang]]
            for kind in CLIENT_KINDS[L[lang]]
        ]
        self.rng.shuffle(combos)
        codes = {spec.code for spec in BASE_CLIENTS}
        colours = {spec.colour for spec in BASE_CLIENTS}
        specs = []
        for index in range(count):
            lang, (brand, brand_latin), (kind, kind_latin) = combos[index % len(combos)]
            name = CLIENT_NAME_PATTERNS[L[lang]].format(brand=brand, kind=kind)
            words = f"{brand_latin} {kind_latin}".split()
            if index >= len(combos):
                name = f"{name} {index // len(combos) + 1}"
            code = _unique_code(words=words, taken=codes)
            colour = _distinct_colour(index=index, taken=colours)
            codes.add(code)
            colours.add(colour)
            specs.append(
                ClientSpec(
                    name=name,
                    code=code,
                    lang=lang,
                    colour=colour,
                    site=f"{'-'.join(words)}.{SITE_ZONES[L[lang]]}",
                    channel=self.rng.choice(CHANNELS[:4]),
                    size=self.rng.choice(GENERATED_SIZES),
                    new_size=None,
                    silent_days=self.rng.randint(4, 10) if self.rng.random() < 0.1 else 0,
                    notes=self.rng.choice(CLIENT_NOTES),
                )
            )
        return specs

    def _contacts(self, *, info: _ClientInfo, site: str) -> None:
        lang = L[info.lang]
        people = self.rng.sample(CONTACTS[lang], self.rng.randint(1, 3))
        for name, handle in people:
            contact_id = self._add(
                "contact",
                client_id=info.id,
                name=name,
                role=self.rng.choice(CONTACT_ROLES[lang]),
                email=f"{handle}@{site}",
                phone=f"{PHONE_PREFIXES[lang]} {self.rng.randint(100, 999)} "
                f"{self.rng.randint(1000, 9999)}",
                messenger="@" + handle.replace(".", "_"),
                notes="",
            )
            info.contact_ids.append(contact_id)

    # --- sprints

    def _sprints(self) -> None:
        """A sprint a week: the past ones closed after Friday's retro, this week's open."""
        for back in range(self.weeks - 1, -1, -1):
            week = self.week0.subtract(weeks=back)
            closed_at = _local(week.add(days=4), 18, self.rng.randint(0, 30)) if back else None
            self.sprint_of_week[week] = self._add(
                "sprint",
                week_start=week,
                goal=self.rng.choice(SPRINT_GOALS),
                state=(SprintState.CLOSED if back else SprintState.OPEN).value,
                closed_at=closed_at,
            )

    def _sprint_at(self, instant: datetime) -> int | None:
        week = sprint_start(day=self._local_date(instant), start_weekday=0)
        return self.sprint_of_week.get(week)

    # --- tasks

    def _tasks(self) -> None:
        total = TASKS_PER_SCALE * self.scale
        team = len(self.member_names) / BASE_TEAM
        quota = [(status, round(share * TASKS_PER_SCALE * team)) for status, share in LIVE_SHARES]
        quota.append((Status.BACKLOG, BACKLOG_PER_WEEK * self.weeks))
        quota.append((Status.DONE, total - sum(count for _status, count in quota)))
        self.drafts = [self._draft(status) for status, count in quota for _ in range(count)]
        self.drafts.sort(key=lambda draft: draft.row["created_at"])
        for task_id, draft in enumerate(self.drafts, start=1):
            draft.row["id"] = task_id
        self._break_promises()
        self._link_duplicates()
        self._positions()
        for draft in self.drafts:
            self._task_events(draft)
            self._checklist(draft)
            self._comments(draft)
        self.rows["task"] = [draft.row for draft in self.drafts]

    def _draft(self, status: Status) -> _Draft:
        rng = self.rng
        marks, waited = self._marks(status)
        created, last = marks[0][1], marks[-1][1]
        client = self._client_at(created)
        domain = _pick(rng, DOMAIN_WEIGHTS)
        labels, texts = rng.choice(TITLES[domain])
        lang = client.lang if rng.random() < 0.8 else "en"
        work_from = next((at for name, at in marks if name == Status.DOING), None)
        assignee = None
        if status != Status.INBOX and (status != Status.BACKLOG or rng.random() < 0.5):
            assignee = self._member_at(DOMAIN_ROLE[domain], work_from or created)
        fire = (
            status in (Status.INBOX, Status.TODO, Status.DOING)
            and created > self.now - timedelta(days=5)
            and rng.random() < FIRE_SHARE
        )
        row = {
            "client_id": client.id,
            "title": self._title(texts[L[lang]], lang=lang, created=created),
            "description": rng.choice(DESCRIPTIONS)[L[lang]] if rng.random() < 0.3 else "",
            "status": status.value,
            "priority": Priority.URGENT.value if fire else _pick(rng, PRIORITY_WEIGHTS).value,
            "estimate_hours": self._estimate(status),
            "assignee_id": assignee,
            "due_date": None,
            "due_time": None,
            "sprint_id": None,
            "position": 0.0,
            "labels": labels,
            "fire": fire,
            "blocked": status == Status.DOING and rng.random() < 0.08,
            "promised_at": None,
            "waiting_since": last if status == Status.WAITING else None,
            "waiting_seconds": waited,
            "carried_over": 0,
            "created_at": created,
            "updated_at": last,
            "done_at": last if status == Status.DONE else None,
            "archived_at": None,
            "archive_reason": "",
            "duplicate_of_id": None,
            "external_id": None,
            "version": len(marks),
        }
        draft = _Draft(row=row, client=client, lang=lang, marks=marks)
        self._plan_fields(draft, status)
        self._due(draft, status)
        self._archive(draft, status)
        if status in WORKED_STATUSES:
            draft.work_from = work_from
            draft.work_until = self.now if status == Status.DOING else last
        return draft

    def _title(self, template: str, *, lang: str, created: datetime) -> str:
        month = self._local_date(created).month - 1
        return template.format(
            last_month=MONTHS[L[lang]][(month - 1) % 12],
            next_month=MONTHS[L[lang]][(month + 1) % 12],
            campaign=self.rng.choice(CAMPAIGNS)[L[lang]],
            page=self.rng.choice(PAGES)[L[lang]],
        )

    def _estimate(self, status: Status) -> float | None:
        if self.rng.random() < NO_ESTIMATE_SHARE.get(status, 0.1):
            return None
        return self.rng.choice(ESTIMATES)

    def _marks(self, status: Status) -> tuple[list[tuple[str, datetime]], int]:
        """The status history (status, when) ending in `status`, and seconds waited before."""
        path = self.rng.choice(PATHS[status])
        if "doing" not in path:
            return list(zip(path, self._unworked_times(status, path), strict=True)), 0
        marks = list(zip(path, self._worked_times(status, path), strict=True))
        if self.rng.random() < EARLIER_WAIT_SHARE:
            return self._with_earlier_wait(marks)
        return marks, 0

    def _worked_times(self, status: Status, path: tuple[str, ...]) -> list[datetime]:
        """Work starts some days before the task reached its status, after it was created."""
        rng, days = self.rng, timedelta(days=1)
        final = self._final_moment(status)
        doing_index = path.index("doing")
        doing = final
        if doing_index < len(path) - 1:
            doing = self._between(final - rng.uniform(0.5, WORK_SPAN_DAYS) * days, final)
        created = self._between(doing - rng.uniform(0, 10) * days, doing)
        before = sorted(self._between(created, doing) for _ in path[1:doing_index])
        after = sorted(self._between(doing, final) for _ in path[doing_index + 1 : -1])
        if doing_index == len(path) - 1:
            return [created, *before, doing]
        return [created, *before, doing, *after, final]

    def _unworked_times(self, status: Status, path: tuple[str, ...]) -> list[datetime]:
        if status == Status.TODO:
            planned = self._between(_local(self.week0, 9) - timedelta(days=3), self.now)
            if len(path) == 1:
                return [planned]
            lived = timedelta(days=self.rng.uniform(0.2, 30))
            created = self._between(max(self.history_start, planned - lived), planned)
            return [created, *sorted(self._between(created, planned) for _ in path[2:]), planned]
        created = self._created_unworked(status)
        later = min(self.now, created + timedelta(days=2))
        return [created, *sorted(self._between(created, later) for _ in path[1:])]

    def _final_moment(self, status: Status) -> datetime:
        """When a worked task reached its status."""
        now, days = self.now, timedelta(days=1)
        if status == Status.DOING:
            return self._between(now - DOING_DAYS * days, now)
        if status == Status.REVIEW:
            return self._between(now - 4 * days, now)
        if status == Status.WAITING:
            waited = self.rng.randint(1, 20)
            return self._between(now - (waited + 1) * days, now - waited * days)
        if self.rng.random() >= EARLY_DONE_WEEKS / self.weeks:
            return self._between(self.work_start, now)
        return self._between(self.history_start + 14 * days, self.work_start)

    def _created_unworked(self, status: Status) -> datetime:
        if status == Status.INBOX and self.rng.random() < 0.75:
            return self._between(self.now - timedelta(days=5), self.now)
        low = self.now - timedelta(days=30) if status == Status.INBOX else self.history_start
        return self._between(low, self.now)

    def _with_earlier_wait(
        self, marks: list[tuple[str, datetime]]
    ) -> tuple[list[tuple[str, datetime]], int]:
        """Insert a finished spell of waiting on the client after the work started."""
        index = next(i for i, (name, _at) in enumerate(marks) if name == "doing")
        after = marks[index + 1][1] if index + 1 < len(marks) else self.now
        began, ended = sorted(self._between(marks[index][1], after) for _ in range(2))
        if ended - began < timedelta(hours=1):
            return marks, 0
        spell = [("waiting", began), ("doing", ended)]
        return marks[: index + 1] + spell + marks[index + 1 :], int((ended - began).total_seconds())

    def _plan_fields(self, draft: _Draft, status: Status) -> None:
        """Sprint and carried-over count: open work sits in this week's sprint."""
        row = draft.row
        if self.rng.random() >= IN_SPRINT.get(status, 0.0):
            return
        moment = row["done_at"] if status == Status.DONE else self.now
        row["sprint_id"] = self._sprint_at(moment)
        if row["sprint_id"] is None:
            return
        weeks = (
            sprint_start(day=self._local_date(moment), start_weekday=0)
            - sprint_start(day=self._local_date(row["created_at"]), start_weekday=0)
        ).days // 7
        if weeks > 0 and self.rng.random() < 0.4:
            row["carried_over"] = self.rng.randint(1, min(weeks, 4))

    def _due(self, draft: _Draft, status: Status) -> None:
        """Due dates near the work, and promises to the client on some of them."""
        rng, row = self.rng, draft.row
        if status == Status.DONE:
            due = self._local_date(row["done_at"]).add(days=rng.randint(-2, 4))
            share = 0.5
        elif status == Status.BACKLOG:
            due, share = self.today.add(days=rng.randint(5, 40)), 0.15
        elif status == Status.INBOX:
            due, share = self.today.add(days=rng.randint(0, 7)), 0.2
        else:
            due, share = self.today.add(days=rng.randint(-4, 12)), 0.6
        if rng.random() >= share:
            return
        row["due_date"] = due
        row["due_time"] = rng.choice(DUE_TIMES) if rng.random() < 0.25 else None
        if status not in (Status.INBOX, Status.BACKLOG) and rng.random() < 0.3:
            row["promised_at"] = self._between(row["created_at"], row["updated_at"])

    def _archive(self, draft: _Draft, status: Status) -> None:
        """Old done work is archived off the board; some requests were declined or duplicates."""
        rng, row = self.rng, draft.row
        if status == Status.DONE:
            age = self.now - row["done_at"]
            share = next((share for days, share in ARCHIVED_SHARE if age.days >= days), 0.0)
            if rng.random() < share:
                self._archive_at(draft, "", row["done_at"])
        elif (
            status == Status.INBOX
            and row["created_at"] < self.now - timedelta(days=1)
            and rng.random() < 0.15
        ):
            self._archive_at(draft, rng.choice(("declined", "duplicate")), row["created_at"])

    def _archive_at(self, draft: _Draft, reason: str, after: datetime) -> None:
        row = draft.row
        row["archived_at"] = self._between(after, min(self.now, after + timedelta(days=7)))
        row["archive_reason"] = reason
        row["updated_at"] = row["archived_at"]
        row["version"] += 1

    def _break_promises(self) -> None:
        """A few open promises are past due: the account manager's first worry."""
        open_drafts = [
            draft
            for draft in self.drafts
            if draft.row["status"] in OPEN_STATUSES and draft.row["archived_at"] is None
        ]
        wanted = round(OVERDUE_PROMISES_PER_MEMBER * len(self.member_names))
        count = min(wanted, len(open_drafts))
        for draft in self.rng.sample(open_drafts, count):
            row = draft.row
            row["due_date"] = self.today.subtract(days=self.rng.randint(1, 5))
            if row["promised_at"] is None:
                row["promised_at"] = self._between(row["created_at"], row["updated_at"])

    def _link_duplicates(self) -> None:
        """A request archived as a duplicate points at an older task of the same client."""
        earlier: dict[int, list[int]] = {}
        for draft in self.drafts:
            row = draft.row
            seen = earlier.setdefault(row["client_id"], [])
            if row["archive_reason"] == "duplicate" and seen:
                row["duplicate_of_id"] = self.rng.choice(seen)
            seen.append(row["id"])

    def _positions(self) -> None:
        """Column order: priority, then due date; done work newest first."""
        rank = {priority.value: index for index, (priority, _w) in enumerate(PRIORITY_WEIGHTS)}
        far = self.today.add(years=10)
        columns: dict[str, list[dict]] = {}
        for draft in self.drafts:
            columns.setdefault(draft.row["status"], []).append(draft.row)
        for status, rows in columns.items():
            if status == Status.DONE:
                rows.sort(key=lambda row: (-row["done_at"].timestamp(), row["id"]))
            else:
                rows.sort(
                    key=lambda row: (rank[row["priority"]], row["due_date"] or far, row["id"])
                )
            for position, row in enumerate(rows, start=1):
                row["position"] = float(position)

    def _task_events(self, draft: _Draft) -> None:
        """The history the app itself would have written: creation, then each move."""
        row = draft.row
        manager, doer = draft.client.manager_id, row["assignee_id"] or draft.client.manager_id
        previous = None
        for status, at in draft.marks:
            who = doer if status in WORKED_STATUSES else manager
            self._add(
                "taskevent",
                task_id=row["id"],
                at=at,
                member_id=self._actor(who, at),
                field="status" if previous else "created",
                old=previous,
                new=status,
            )
            previous = status
        if row["archived_at"] is not None:
            self._add(
                "taskevent",
                task_id=row["id"],
                at=row["archived_at"],
                member_id=self._actor(manager, row["archived_at"]),
                field="archived_at",
                old=None,
                new=clock.to_local(row["archived_at"]).isoformat(),
            )

    def _checklist(self, draft: _Draft) -> None:
        row = draft.row
        if row["status"] == Status.INBOX or self.rng.random() >= 0.12:
            return
        items = self.rng.sample(CHECKLIST, self.rng.randint(2, 4))
        finished = len(items) if row["status"] == Status.DONE else self.rng.randint(0, len(items))
        for position, item in enumerate(items):
            self._add(
                "checklistitem",
                task_id=row["id"],
                text=item[L[draft.lang]],
                done=position < finished,
                position=position,
            )

    def _comments(self, draft: _Draft) -> None:
        row = draft.row
        if row["status"] == Status.INBOX or self.rng.random() >= 0.15:
            return
        times = sorted(
            self._between(row["created_at"], row["updated_at"])
            for _ in range(self.rng.randint(1, 3))
        )
        authors = [draft.client.manager_id]
        if row["assignee_id"] is not None:
            authors.append(row["assignee_id"])
        for at in times:
            self._add(
                "taskcomment",
                task_id=row["id"],
                at=at,
                author=self.member_names[self._actor(self.rng.choice(authors), at)],
                text=self.rng.choice(COMMENTS)[L[draft.lang]],
            )

    # --- plans

    def _plans(self) -> None:
        """Each client's part of each sprint since it came; past ones agreed, this week's partly."""
        hours: dict[tuple[int, int], float] = {}
        for draft in self.drafts:
            row = draft.row
            if row["sprint_id"] is not None:
                key = (row["sprint_id"], row["client_id"])
                hours[key] = hours.get(key, 0.0) + (row["estimate_hours"] or 2.0)
        current = self.sprint_of_week[self.week0]
        agreed_now = {
            client.id for client in self.rng.sample(self.clients, round(len(self.clients) * 0.6))
        }
        for week, sprint_id in self.sprint_of_week.items():
            planned_from = _local(week, 10)
            for client in self.clients:
                if client.since >= planned_from:
                    continue
                agreed = sprint_id != current or client.id in agreed_now
                self._add(
                    "clientplan",
                    sprint_id=sprint_id,
                    client_id=client.id,
                    planned_hours=round(hours.get((sprint_id, client.id), 0.0) * 2) / 2,
                    agreed_at=self._agreed_at(week) if agreed else None,
                    agreed_snapshot="",
                    note="",
                )

    def _agreed_at(self, week: pendulum.Date) -> datetime:
        """Monday late morning, or the Friday before when this Monday has not come yet."""
        monday = _local(week, 10) + timedelta(minutes=self.rng.randint(0, 360))
        if monday < self.now:
            return monday
        return _local(week.subtract(days=3), 15) + timedelta(minutes=self.rng.randint(0, 120))

    # --- time and budgets

    def _time_entries(self) -> _Pace:
        """Each member's working days: back-to-back entries on the tasks they had in hand.

        The days go by for the whole team at once, so that the hours can be steered toward
        each client's pace for the month (see `_Pace`), which also counts them.
        """
        windows: dict[int, list[_Window]] = {member_id: [] for member_id in self.member_names}
        for draft in self.drafts:
            if (
                draft.work_from is not None
                and draft.work_until is not None
                and draft.work_until > self.work_start
            ):
                windows[draft.row["assignee_id"]].append(
                    (
                        draft.work_from,
                        draft.work_until,
                        draft.row["id"],
                        draft.lang,
                        draft.client.id,
                    )
                )
        for mine in windows.values():
            mine.sort(key=lambda window: window[0])
        active: dict[int, list[_Window]] = {member_id: [] for member_id in windows}
        taken = dict.fromkeys(windows, 0)
        pace = _Pace(
            calendar=self.calendar,
            rng=self.rng,
            clients=self.clients,
            aims=self._aims(),
            start=self.work_start,
            now=self.now,
        )
        self.rows["timeentry"] = []
        for start, end in self.calendar.days(self.work_start, self.now):
            pace.new_day(start, end)
            for member_id, mine in windows.items():
                # A sweep: windows come in by start, leave by end.
                while taken[member_id] < len(mine) and mine[taken[member_id]][0] < end:
                    active[member_id].append(mine[taken[member_id]])
                    taken[member_id] += 1
                active[member_id] = [window for window in active[member_id] if window[1] > start]
                if active[member_id]:
                    self._work_day(member_id, start, min(end, self.now), active[member_id], pace)
        return pace

    def _aims(self) -> dict[int, float]:
        """The few clients running hot this month, and the burn each aims at by now."""
        first = _local(month_start(day=self.today), 0)
        regulars = [client for client in self.clients if client.since < first]
        over, warning = _hot_counts(len(self.clients))
        hot = self.rng.sample(regulars, min(over + warning, len(regulars)))
        return {
            client.id: self.rng.uniform(*(OVER_AIM if index < over else WARNING_AIM))
            for index, client in enumerate(hot)
        }

    def _work_day(
        self,
        member_id: int,
        day_start: datetime,
        day_end: datetime,
        active: list[_Window],
        pace: _Pace,
    ) -> None:
        rng, entries = self.rng, self.rows["timeentry"]
        moment = max(day_start + timedelta(minutes=rng.randint(0, 45)), self.work_start)
        target = self.daily_hours[member_id] * rng.uniform(*TRACKED_SHARE) * 3600
        tracked, lunched = 0.0, False
        long_first = rng.random() < LONG_ENTRY_SHARE
        while tracked < target and moment < day_end:
            ready = [w for w in active if w[0] <= moment < w[1]]
            if not ready:
                later = [w[0] for w in active if w[0] > moment]
                if not later:
                    return
                moment = min(later)
                continue
            window = pace.pick(ready)
            if window is None:
                return
            _from, until, task_id, lang, client_id = window
            minutes = rng.randint(180, 300) if long_first else rng.choice(ENTRY_MINUTES)
            long_first = False
            stop = min(moment + timedelta(minutes=minutes), until, day_end)
            if stop - moment >= MIN_ENTRY:
                note = rng.choice(ENTRY_NOTES)[L[lang]] if rng.random() < ENTRY_NOTE_SHARE else ""
                entries.append(
                    {
                        "id": len(entries) + 1,
                        "task_id": task_id,
                        "member_id": member_id,
                        "start": moment,
                        "end": stop,
                        "note": note,
                        "archived_at": None,
                    }
                )
                seconds = (stop - moment).total_seconds()
                pace.book(client_id, seconds)
                tracked += seconds
            moment = stop + timedelta(minutes=rng.choice(ENTRY_GAP_MINUTES))
            if not lunched and tracked >= 4 * 3600:
                moment += timedelta(minutes=rng.randint(30, 60))
                lunched = True

    def _budgets(self, pace: _Pace) -> None:
        """Paid hours that fit the hours booked: from before the history, or the month won.

        A client's usual budget is its hours over its units (see `_Pace`), so each past
        month burns about its draw. This month, the clients that burned the most so far
        land in the over and warning bands and the rest comfortably below, each budget
        moved from the usual as little as that takes. One or two clients' budget changed
        this month: the earlier row keeps the usual hours.
        """
        usual = {client.id: pace.usual(client.id) for client in self.clients}
        rates = [usual[client.id] / client.weight for client in self.clients if usual[client.id]]
        per_size = statistics.median(rates) if rates else HOURS_PER_SIZE
        usual = {client.id: usual[client.id] or client.weight * per_size for client in self.clients}
        burned = {
            client.id: pace.now_hours[client.id] / (usual[client.id] * client.change)
            for client in self.clients
        }
        over, warning = _hot_counts(len(self.clients))
        bands: dict[int, tuple[float, float]] = {}
        for client in sorted(self.clients, key=lambda client: (-burned[client.id], client.id)):
            reach = burned[client.id] * BUDGET_REACH
            if over and reach >= OVER_BURN[0]:
                bands[client.id], over = OVER_BURN, over - 1
            elif warning and reach >= WARNING_BURN[0]:
                bands[client.id], warning = WARNING_BURN, warning - 1
            else:
                bands[client.id] = (0.0, OK_BURN)
        this_month = month_start(day=self.today)
        for client in sorted(self.clients, key=lambda client: client.id):
            now = _paid_hours(
                estimate=usual[client.id] * client.change,
                spent=pace.now_hours[client.id],
                band=bands[client.id],
            )
            if client.change != 1.0 and client.budget_from < this_month:
                earlier = _paid_hours(estimate=usual[client.id])
                self._add(
                    "budget", client_id=client.id, from_month=client.budget_from, hours=earlier
                )
                self._add("budget", client_id=client.id, from_month=this_month, hours=now)
            else:
                self._add("budget", client_id=client.id, from_month=client.budget_from, hours=now)

    # --- clients: contacts, health, insight

    def _interactions(self) -> None:
        """Contacts through the history; silent clients went quiet a few working days ago."""
        past_days = list(self.calendar.days(self.work_start, self.now))
        for client in self.clients:
            until = self.now
            if client.silent_days:
                until = past_days[-client.silent_days - 1][1]
            rate = self.rng.uniform(0.35, 0.8)
            for start, end in past_days:
                if start >= until:
                    break
                if end > client.since:
                    self._client_day(client, max(start, client.since), min(end, until), rate)
        for client in self.rng.sample(
            [c for c in self.clients if not c.silent_days], FUTURE_MEETINGS + self.scale // 4
        ):
            self._future_meeting(client)

    def _client_day(self, client: _ClientInfo, start: datetime, end: datetime, rate: float) -> None:
        weekday = self._local_date(start).weekday()
        if weekday == 0:
            self._interaction(
                client, self._between(start, end), Channel.EMAIL, PLAN_SUMMARY, InteractionKind.PLAN
            )
        if weekday == 4:
            self._interaction(
                client,
                self._between(start, end),
                Channel.EMAIL,
                REPORT_SUMMARY,
                InteractionKind.REPORT,
            )
        if self.rng.random() >= rate:
            return
        channel = self.rng.choice(CHANNELS)
        if channel == Channel.MEETING:
            summary = self.rng.choice(MEETINGS)
        else:
            summary = self.rng.choice(INBOUND + OUTBOUND)
        self._interaction(client, self._between(start, end), channel, summary, "")

    def _interaction(
        self,
        client: _ClientInfo,
        at: datetime,
        channel: str,
        summary: tuple[str, str, str],
        kind: str,
    ) -> None:
        inbound = summary in INBOUND
        self._add(
            "interaction",
            client_id=client.id,
            at=at,
            channel=str(channel),
            direction=(Direction.INBOUND if inbound else Direction.OUTBOUND).value,
            summary=summary[L[client.lang]],
            contact_id=self.rng.choice(client.contact_ids),
            kind=kind,
            task_id=None,
        )

    def _future_meeting(self, client: _ClientInfo) -> None:
        day = self.today.add(days=self.rng.randint(1, 8))
        while day.weekday() >= 5:
            day = day.add(days=1)
        at = _local(day, self.rng.choice(MEETING_HOURS))
        self._interaction(client, at, Channel.MEETING, self.rng.choice(MEETINGS), "")

    def _client_insights(self) -> None:
        for client in self.clients:
            self._kpis(client)
            for quarter in range(-(-self.weeks // QUARTER_WEEKS)):  # the newest quarter first
                newest = self.now - timedelta(weeks=QUARTER_WEEKS * quarter)
                oldest = max(newest - timedelta(weeks=QUARTER_WEEKS), self.work_start)
                if newest <= client.since:
                    break
                if self.rng.random() < 0.5:
                    self._add(
                        "upsellidea",
                        client_id=client.id,
                        text=self.rng.choice(UPSELLS)[L[client.lang]],
                        created_at=self._between(max(oldest, client.since), newest),
                    )
                self._hypothesis(client, quarter)
            self._satisfaction(client)

    def _kpis(self, client: _ClientInfo) -> None:
        weeks = max(KPI_WEEKS, self.weeks)
        for name, unit, baseline, target in self.rng.sample(KPIS, 2):
            factor = self.rng.uniform(0.6, 1.6) if unit != "%" else 1.0
            kpi_id = self._add(
                "kpi",
                client_id=client.id,
                name=name,
                unit=unit,
                baseline=round(baseline * factor, 2),
                target=round(target * factor, 2),
            )
            for back in range(weeks, -1, -1):
                at = _local(self.week0.subtract(weeks=back), 10)
                if at > self.now or at < client.since:
                    continue
                progress = (weeks - back) / weeks * self.rng.uniform(0.4, 1.1)
                value = baseline + (target - baseline) * progress
                self._add(
                    "kpivalue",
                    kpi_id=kpi_id,
                    at=at,
                    value=round(value * factor * self.rng.uniform(0.95, 1.05), 2),
                )

    def _hypothesis(self, client: _ClientInfo, quarter: int) -> None:
        """A chance of a test per quarter; this quarter's decision may still be ahead."""
        if self.rng.random() >= 0.6:
            return
        statement, metric, budget, risk = self.rng.choice(HYPOTHESES)
        if quarter:
            back = self.rng.randint(QUARTER_WEEKS * 7 * quarter, QUARTER_WEEKS * 7 * (quarter + 1))
            decision = max(self.today.subtract(days=back), self._local_date(client.since))
        else:
            decision = self.today.add(days=self.rng.randint(-14, 21))
        self._add(
            "hypothesis",
            client_id=client.id,
            statement=statement[L[client.lang]],
            metric=metric,
            budget=budget,
            risk_note=risk,
            decision_on=decision,
            result=self.rng.choice(HYPOTHESIS_RESULTS) if decision < self.today else "",
        )

    def _satisfaction(self, client: _ClientInfo) -> None:
        """A score from 0 to 10 each past month since the history (or the client) began.

        Set by hand, so it drifts: a mood that wanders a little from month to month
        around a level; clients we neglect sit lower.
        """
        lowest, highest = SATISFACTION_RANGE
        level = self.rng.uniform(3.0, 5.5) if client.silent_days else self.rng.uniform(6.5, 9.5)
        mood = level
        first = self.history_day
        if client.since > self.history_start:
            first = month_start(day=self._local_date(client.since)).add(months=1)
        this_month = month_start(day=self.today)
        while first < this_month:
            low = _local(first, 9)
            mood = (mood + level) / 2 + self.rng.gauss(0, 0.8)
            self._add(
                "satisfaction",
                client_id=client.id,
                at=self._between(low, low + timedelta(days=25)),
                score=min(max(round(mood), lowest), highest),
                note=self.rng.choice(SATISFACTION_NOTES),
            )
            first = first.add(months=1)

    # --- rituals

    def _standups(self) -> None:
        """Finished stand-ups through the tracked history, a note from each one on the team."""
        for start, _end in self.calendar.days(self.work_start, self.now):
            day = self._local_date(start)
            for hour in STANDUP_HOURS:
                slot = _local(day, hour)
                if slot >= self.work_start:
                    self._standup(slot)

    def _standup(self, slot: datetime) -> None:
        started = slot + timedelta(minutes=self.rng.randint(0, 5))
        finished = started + timedelta(minutes=self.rng.randint(10, 20))
        if finished > self.now:
            return
        standup_id = self._add(
            "standup",
            slot_at=slot,
            started_at=started,
            finished_at=finished,
            note=self.rng.choice(STANDUP_SUMMARIES),
            snapshot="",
        )
        for member_id, joined in self.joined.items():
            if joined <= slot:
                self._add(
                    "standupnote",
                    standup_id=standup_id,
                    member_id=member_id,
                    text=self.rng.choice(STANDUP_NOTES),
                )

    def _retros(self) -> None:
        """A finished retro for each closed sprint, held just before it closed."""
        for sprint in self.rows["sprint"]:
            if sprint["closed_at"] is None:
                continue
            finished = sprint["closed_at"]
            retro_id = self._add(
                "retro",
                sprint_id=sprint["id"],
                created_at=finished - timedelta(minutes=self.rng.randint(40, 70)),
                finished_at=finished,
            )
            for key in DEFAULT_RETRO_CHECKLIST:
                self._add(
                    "retrocheck",
                    retro_id=retro_id,
                    key=key,
                    label=RETRO_CHECK_LABELS.get(key, key),
                    checked=self.rng.random() < 0.85,
                )
            for kind, texts in RETRO_NOTES.items():
                for position, note in enumerate(self.rng.sample(texts, 2)):
                    self._add(
                        "retronote", retro_id=retro_id, kind=kind, text=note, position=position
                    )
            self._add(
                "actionitem",
                retro_id=retro_id,
                text=self.rng.choice(ACTION_ITEMS),
                owner_id=self.rng.randint(1, len(BASE_MEMBERS)),
                due_date=sprint["week_start"].add(days=11),
                position=0,
                task_id=None,
            )

    def _timesheets(self) -> None:
        """The weeks before this one approved by the manager on the Monday after, but last
        week's: one returned with a note and one still submitted. One earlier week was
        unlocked to move a call to the right client, and approved again."""
        manager = self.by_role[ROLES[0]][0]
        for back in range(self.weeks - 1, 0, -1):
            week = self.week0.subtract(weeks=back)
            starts, ends = _local(week, 0), _local(week.add(days=7), 0)
            for member_id in self.member_names:
                if self.joined[member_id] >= ends:
                    continue
                state, note, by_id = TimesheetState.APPROVED, "", manager
                at = min(_local(week.add(days=7), 10), self.now)
                if back == 1 and member_id == 2:
                    state, note = TimesheetState.RETURNED, "Tuesday's client call is missing"
                elif back == 1 and member_id == 3:
                    state, by_id, at = (
                        TimesheetState.SUBMITTED,
                        member_id,
                        _local(week.add(days=4), 17),
                    )
                elif back == 2 and member_id == 2:
                    at = _local(week.add(days=8), 15)
                timesheet_id = self._add(
                    "timesheet",
                    member_id=member_id,
                    week_start=week,
                    starts_at=starts,
                    ends_at=ends,
                    state=state.value,
                    note=note,
                    by_id=by_id,
                    at=at,
                )
                if back == 2 and member_id == 2:
                    self._add(
                        "timesheetunlock",
                        timesheet_id=timesheet_id,
                        by_id=manager,
                        at=_local(week.add(days=8), 11),
                        reason="a call was booked on the wrong client",
                        entry_id=None,
                    )


def _hot_counts(clients: int) -> tuple[int, int]:
    """How many clients are over budget this month, and how many in the warning band."""
    over = 1 + clients // 30
    return over, over + 1


def _paid_hours(
    *, estimate: float, spent: float = 0.0, band: tuple[float, float] = (0.0, 1.0)
) -> float:
    """Round paid hours near `estimate` at which `spent` burns within `band` (shares).

    A multiple of 5 from 40 hours on when one fits, else whole hours, else half hours.
    """
    low = spent / band[1] if spent else 0.0
    high = min(spent / band[0] if spent and band[0] else MAX_MONTHLY_HOURS, MAX_MONTHLY_HOURS)
    for step in (5.0, 1.0, 0.5) if estimate >= 40 else (1.0, 0.5):
        value = min(
            max(round(estimate / step) * step, math.ceil(low / step) * step),
            math.floor(high / step) * step,
        )
        if value >= step and low <= value <= high:
            return value
    return round(min(max(estimate, low), high), 2)


def _unique_code(*, words: list[str], taken: set[str]) -> str:
    """2 to 4 upper-case Latin letters from the name, not yet used by another client."""
    letters = [word.upper() for word in words if word.isascii() and word.isalpha()]
    initials = "".join(word[0] for word in letters)
    candidates = [initials[:4], letters[0][:2] + initials[1:2], letters[0][:3] + initials[1:2]]
    candidates += [initials[:3] + chr(ord("A") + index) for index in range(26)]
    candidates += [
        letters[0][:2] + chr(ord("A") + a) + chr(ord("A") + b) for a in range(26) for b in range(26)
    ]
    for candidate in candidates:
        if 2 <= len(candidate) <= 4 and candidate not in taken:
            return candidate
    raise ValueError(f"no free client code for {' '.join(words)}")


def _distinct_colour(*, index: int, taken: set[str]) -> str:
    """Hues spread by the golden ratio so neighbours in the list look different."""
    hue = (index * 0.618_033_988_75 + 0.1) % 1.0
    for saturation, value in product((0.6, 0.45, 0.75), (0.85, 0.7, 0.95, 0.6, 0.78)):
        red, green, blue = colorsys.hsv_to_rgb(hue, saturation, value)
        colour = f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"
        if colour not in taken:
            return colour
    raise ValueError("no free client colour")
