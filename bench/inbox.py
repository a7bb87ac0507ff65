"""Benchmark of the staff inbox (/staff/requests/) on a large, realistic database.

    .venv/bin/python bench/inbox.py [--database-url URL] [--organisations 10000]
                                    [--requests 100000] [--repeat 30] [--explain]

Makes a fresh database (a SQLite file in a temporary directory, or a new
``portal_bench_<random>`` database on the PostgreSQL server of --database-url,
dropped at the end), runs the migrations, fills it with bulk Core inserts, logs
a staff member in through the login form and times the inbox with common
filters. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import random
import re
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import create_engine, event, insert, select, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.accounts.models import User
from portal.accounts.passwords import hash_password
from portal.core.dates import local_today
from portal.core.workdays import add_working_days
from portal.employers.enums import Sector
from portal.employers.models import Organisation, OrganisationSector
from portal.extensions import db
from portal.requests.enums import RequestKind, RequestState
from portal.requests.models import ReferenceCounter, ServiceRequest

PASSWORD = "Bänk-mätning-inkorg-2026"  # noqa: S105 - a throwaway database's user
CHUNK = 5000
# Rows with NULLs in different columns would otherwise be split into many small
# INSERT batches by the ORM's bulk path.
BULK = {"render_nulls": True}
S = RequestState
K = RequestKind

# --- the data -----------------------------------------------------------------------------

PLACES = ["Mölnlycke", "Landvetter", "Hindås", "Rävlanda", "Härryda", "Björkris", "Hällingsjö",
          "Benareby", "Eskilsby", "Partille", "Lerum", "Alingsås", "Kungsbacka", "Mölndal",
          "Borås", "Kungälv", "Stenungsund", "Ale", "Öckerö", "Tjörn", "Lindome", "Sävedalen",
          "Floda", "Gråbo", "Jonsered", "Kållered", "Bollebygd", "Sandared", "Vårgårda",
          "Torslanda", "København", "Helsingør", "Roskilde", "Køge"]
TRADES = {
    Sector.RETAIL: ["Handel", "Livs", "Butik", "Järnhandel"],
    Sector.KITCHEN: ["Storkök", "Restaurang", "Bageri", "Catering"],
    Sector.CLEANING: ["Lokalvård", "Städ", "Fönsterputs", "Städservice"],
    Sector.CARE: ["Omsorg", "Hemtjänst", "Assistans", "Vård"],
    Sector.TRANSPORT: ["Åkeri", "Transport", "Buss", "Budbil"],
    Sector.MANUFACTURING: ["Mekaniska", "Verkstad", "Plast", "Snickeri"],
    Sector.WAREHOUSE: ["Lager", "Logistik", "Terminal", "Distribution"],
    Sector.CONSTRUCTION: ["Bygg", "Mark", "Måleri", "Rör"],
    Sector.OTHER: ["Konsult", "Service", "Fastighet", "Trädgård"],
}
ROLES = ["Lokalvårdare", "Kock", "Lagerarbetare", "Undersköterska", "Chaufför C", "Butikssäljare",
         "CNC-operatör", "Snickare", "Personlig assistent", "Truckförare", "Diskare",
         "Målare", "Fastighetsskötare", "Barista", "Busschaufför", "Svetsare"]
SKILLS = ["Lokalvård med maskiner", "Truckkort A+B", "Hygienkort", "Svenska i vården",
          "Kassa och kundmöte", "Svetsning MIG", "Ställningsbyggnad", "YKB", "Heta arbeten"]
TASKS = ["Plock och pack", "Städning av kontor", "Disk och förberedelser", "Varumottagning",
         "Stöd i vardagen", "Montering", "Kundtjänst", "Påfyllning av hyllor"]
DETAILS = ["", "", "", "Gärna med körkort.", "Flexibla tider.", "Vi har arbetat med er förut.",
           "Start helst efter semestern.", "Ring mig hellre än mejla."]
MUNICIPALITIES = ["Härryda", "Partille", "Lerum", "Mölndal", "Göteborg", "Kungsbacka",
                  "Helsingør"]
STAFF_NAMES = ["Anna Berg", "Omar Haddad", "Lena Dahl", "Mikael Ek", "Sara Lind",
               "Jonas Holm", "Fatima Ali", "Per Nord"]

# How the non-draft requests are spread over the states, and how old each state's
# requests are (days since submission: most open ones are recent).
STATES = [(S.SUBMITTED, 12, 45), (S.IN_REVIEW, 12, 90), (S.NEEDS_INFO, 6, 120),
          (S.IN_PROGRESS, 20, 240), (S.COMPLETED, 30, 1095), (S.DECLINED, 10, 1095),
          (S.WITHDRAWN, 10, 1095)]
OPEN = {S.SUBMITTED, S.IN_REVIEW, S.NEEDS_INFO, S.IN_PROGRESS}


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def cvr_digit(body: str) -> str | None:
    check = (-sum(int(d) * w for d, w in zip(body, (2, 7, 6, 5, 4, 3, 2), strict=True))) % 11
    return None if check == 10 else str(check)


@functools.cache
def working_days_after(day: date, days: int, country: str) -> date:
    return add_working_days(day, days, country)


def at(day: date, rng: random.Random) -> datetime:
    """A moment in office hours (UTC) on the given day."""
    return datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC) + timedelta(
        minutes=rng.randrange(0, 9 * 60), seconds=rng.randrange(60))


def fill(n_orgs: int, n_requests: int, seed: int) -> dict:
    """Organisations, staff and requests, in chunks of bulk inserts. Returns facts
    the scenarios need (the bench user's id, a name fragment, a reference)."""
    rng = random.Random(seed)  # noqa: S311 - made-up data, reproducible by seed
    now = datetime.now(UTC)
    today = local_today()
    sectors = list(Sector)

    staff_hash = hash_password(PASSWORD)
    users = [{"email": "bench@kommun.se", "full_name": "Bänk Mätare", "role": "staff",
              "password_hash": staff_hash, "active": True, "email_confirmed_at": now,
              "locale": "sv", "created_at": now, "updated_at": now}]
    for i, name in enumerate(STAFF_NAMES):
        users.append({**users[0], "email": f"staff{i}@kommun.se", "full_name": name,
                      "role": "staff_manager" if i == 0 else "staff"})
    db.session.execute(insert(User).execution_options(**BULK), users)
    staff_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    bench_id = staff_ids[0]

    orgs, org_sectors, countries, names = [], [], {}, {}
    for org_id in range(1, n_orgs + 1):
        primary = sectors[org_id % len(sectors)]
        own = [primary]
        if rng.random() < 0.25:
            own.append(rng.choice([s for s in sectors if s != primary]))
        dk = rng.random() < 0.05
        if dk:
            while True:
                body = f"{rng.randrange(10**6, 10**7):07d}"
                check = cvr_digit(body)
                if check is not None:
                    number = body + check
                    break
        else:
            body = f"55{org_id:07d}"
            number = body + luhn_digit(body)
        place = rng.choice(PLACES[-4:] if dk else PLACES[:-4])
        name = f"{place} {rng.choice(TRADES[primary])} {'ApS' if dk else 'AB'}"
        if rng.random() < 0.5:
            name = f"{place} {rng.choice(TRADES[primary])} & Co {org_id} {'ApS' if dk else 'AB'}"
        orgs.append({"id": org_id, "name": name, "country": "DK" if dk else "SE",
                     "org_number": number, "street_address": f"Storgatan {org_id % 90 + 1}",
                     "postal_code": f"4{org_id % 10000:04d}", "city": place,
                     "municipality": rng.choice(MUNICIPALITIES), "size_band": "10-49",
                     "phone": "", "website": "", "description": "", "version_id": 1,
                     "created_at": now, "updated_at": now})
        org_sectors += [{"organisation_id": org_id, "sector": s.value} for s in own]
        countries[org_id], names[org_id] = ("DK" if dk else "SE"), name
    for rows, model in ((orgs, Organisation), (org_sectors, OrganisationSector)):
        for start in range(0, len(rows), CHUNK):
            db.session.execute(insert(model).execution_options(**BULK),
                               rows[start:start + CHUNK])

    weights = [w for _, w, _ in STATES]
    counters: dict[int, int] = {}
    kinds = list(RequestKind)
    rows = []

    def flush():
        if rows:
            db.session.execute(insert(ServiceRequest).execution_options(**BULK), rows)
            rows.clear()

    drafts = n_requests // 20  # a few drafts too: the inbox must leave them out
    # Submission moments first, so references are numbered in submission order.
    plan = []
    for _ in range(n_requests):
        state, _, max_age = rng.choices(STATES, weights)[0]
        age = min(int(rng.expovariate(1 / (max_age / 3))), max_age)
        plan.append((today - timedelta(days=age), state))
    plan.sort(key=lambda p: p[0])
    plan += [(None, S.DRAFT)] * drafts
    for submitted_on, state in plan:
        org_id = rng.randrange(1, n_orgs + 1)
        kind = rng.choice(kinds)
        row = blank_request(org_id, kind, state, now, rng)
        if state != S.DRAFT:
            year = submitted_on.year
            counters[year] = counters.get(year, 0) + 1
            submitted_at = at(submitted_on, rng)
            submitted_day = submitted_at.date()
            row["reference"] = f"REQ-{year}-{counters[year]:05d}"
            row["submitted_at"] = submitted_at
            row["created_at"] = submitted_at - timedelta(minutes=rng.randrange(5, 600))
            row["first_response_due"] = working_days_after(submitted_day, 3,
                                                           countries[org_id])
            if kind == K.PLACEMENT:
                row["commitment_due"] = submitted_day + timedelta(days=28)
            responded = state != S.SUBMITTED or rng.random() < 0.1
            if responded:
                row["first_response_at"] = submitted_at + timedelta(
                    hours=rng.randrange(1, 24 * 6))
            if kind == K.PLACEMENT and state in (S.IN_PROGRESS, S.COMPLETED):
                row["committed_at"] = submitted_at + timedelta(days=rng.randrange(3, 35))
            changed = min(submitted_at + timedelta(days=rng.randrange(0, 30)), now)
            row["state_changed_at"] = row["updated_at"] = changed
            if state == S.NEEDS_INFO:
                row["paused_at"] = changed
            if state == S.DECLINED:
                row["decline_reason"] = "Vi har inga kurser inom detta just nu."
            if state == S.WITHDRAWN:
                row["withdraw_reason"] = rng.choice(["", "Vi har anställt på annat sätt."])
            # Most requests past "submitted" have a handler; the bench user has a ninth.
            if rng.random() < (0.2 if state == S.SUBMITTED else 0.9):
                row["assigned_to_id"] = rng.choice(staff_ids)
            row["registered_by_staff"] = rng.random() < 0.05
        rows.append(row)
        if len(rows) >= CHUNK:
            flush()
    flush()
    db.session.execute(insert(ReferenceCounter),
                       [{"prefix": "REQ", "year": y, "value": v} for y, v in counters.items()])
    db.session.commit()

    # A name fragment found in a few organisations' names, and a middle reference.
    sample = names[n_orgs // 2].split()
    busiest = max(counters, key=counters.get)
    return {"bench_id": bench_id, "fragment": " ".join(sample[:2]),
            "reference": f"REQ-{busiest}-{counters[busiest] // 2:05d}",
            "orgs": len(orgs), "org_sectors": len(org_sectors),
            "requests": n_requests, "drafts": drafts}


def blank_request(org_id: int, kind: RequestKind, state: RequestState, now: datetime,
                  rng: random.Random) -> dict:
    """Every column, so every row of a bulk insert has the same keys."""
    start = local_today() + timedelta(days=rng.randrange(-300, 200))
    row = {"organisation_id": org_id, "kind": kind.value, "state": state.value,
           "reference": None, "created_by_id": None, "registered_by_staff": False,
           "assigned_to_id": None, "submitted_at": None, "state_changed_at": now,
           "first_response_due": None, "first_response_at": None, "commitment_due": None,
           "committed_at": None, "paused_at": None, "decline_reason": None,
           "withdraw_reason": None, "roles": "", "headcount": rng.randrange(1, 20),
           "period_start": None, "period_end": None, "venue": None, "languages": "",
           "employer_contribution": "", "skill": "", "max_weeks": None,
           "guaranteed_interviews": False, "hires": None, "hosts_practical": False,
           "preferred_start": None, "placement_type": None, "tasks": "",
           "hours_per_week": None, "workplace_address": "", "supervisor_status": None,
           "supervisor_name": "", "topics": None, "details": rng.choice(DETAILS),
           "version_id": 1, "created_at": now, "updated_at": now}
    if kind == K.RECRUITMENT_EVENT:
        row.update(roles=rng.choice(ROLES), period_start=start,
                   period_end=start + timedelta(days=rng.randrange(0, 60)),
                   venue=rng.choice(["workplace", "municipality"]),
                   languages="svenska, arabiska", employer_contribution="Intervjuar.")
    elif kind == K.TAILORED_COURSE:
        row.update(skill=rng.choice(SKILLS), roles=rng.choice(ROLES),
                   max_weeks=rng.randrange(2, 20), guaranteed_interviews=rng.random() < 0.5,
                   hires=rng.randrange(1, 10), hosts_practical=rng.random() < 0.5,
                   preferred_start=start)
    elif kind == K.PLACEMENT:
        row.update(placement_type="internship", roles=rng.choice(ROLES),
                   tasks=rng.choice(TASKS), period_start=start,
                   period_end=start + timedelta(days=rng.randrange(14, 120)),
                   hours_per_week=rng.choice([20, 30, 40]),
                   workplace_address="Industrivägen 4", supervisor_status="trained",
                   supervisor_name="Sofia Berg")
    else:
        row.update(period_start=start, period_end=start + timedelta(days=1),
                   venue="municipality", topics=["receiving_newcomers"])
    return row


# --- the database ---------------------------------------------------------------------------

@contextlib.contextmanager
def fresh_database(server_url: str | None, keep: bool):
    """A SQLite file in a temporary directory, or a new database on the server."""
    tmp = tempfile.mkdtemp(prefix="portal-bench-")
    try:
        if not server_url:
            yield f"sqlite:///{tmp}/bench.db", tmp
            if keep:
                print(f"kept database {tmp}/bench.db")
            return
        if server_url.startswith("postgresql://"):
            server_url = "postgresql+psycopg://" + server_url[len("postgresql://"):]
        elif server_url.startswith("postgres://"):
            server_url = "postgresql+psycopg://" + server_url[len("postgres://"):]
        name = f"portal_bench_{uuid.uuid4().hex[:12]}"
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(
                hide_password=False), tmp
        finally:
            if keep:
                print(f"kept database {name}")
            else:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def settle(engine) -> None:
    """What a database in use has done by itself: statistics for the planner, and on
    PostgreSQL the visibility map that autovacuum sets (index-only scans need it)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql"
                             else "ANALYZE")


# --- the measurements ----------------------------------------------------------------------

def scenarios_for(facts: dict) -> list[tuple[str, dict]]:
    today = local_today()
    start = today - timedelta(days=90)
    return [
        ("no filter", {}),
        ("state=submitted", {"state": "submitted"}),
        ("assignee=me", {"assignee": "me"}),
        ("assignee=none", {"assignee": "none"}),
        ("overdue", {"overdue": "1"}),
        ("kind+sector", {"kind": "placement", "sector": "warehouse"}),
        ("search org name", {"q": facts["fragment"]}),
        ("search reference", {"q": facts["reference"]}),
        ("sort=due", {"sort": "due"}),
        ("sort=organisation", {"sort": "organisation"}),
        ("page=200", {"page": "200"}),
        ("date range (1 month)", {"from": start.isoformat(),
                                  "to": (start + timedelta(days=30)).isoformat()}),
    ]


def log_in(app, email: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token on the login page")
    response = client.post("/login", data={"csrf_token": token.group(1), "email": email,
                                           "password": PASSWORD, "next": ""})
    if response.status_code != 302:
        raise SystemExit(f"login failed: {response.status_code}")
    return client


def get(client, url: str) -> str:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return response.get_data(as_text=True)


def measure(client, url: str, repeat: int) -> dict:
    body = get(client, url)  # warm up: templates compiled, caches filled
    get(client, url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        get(client, url)
        times.append(time.perf_counter() - started)
    times.sort()
    found = re.search(r'<div id="inbox">\s*<p>(\d+)', body)
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return {"rps": len(times) / sum(times), "p50": statistics.median(times) * 1000,
            "p95": p95 * 1000, "rows": int(found.group(1)) if found else -1}


def statements_of(client, engine, url: str) -> list[tuple[str, object]]:
    """The SQL statements one GET of the inbox runs."""
    seen = []

    def _record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", _record)
    try:
        get(client, url)
    finally:
        event.remove(engine, "before_cursor_execute", _record)
    return seen


def explain(client, engine, url: str) -> None:
    """Print the plan of each statement the inbox runs on service_requests."""
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS OFF) " if postgres else "EXPLAIN QUERY PLAN "
    for statement, parameters in statements_of(client, engine, url):
        if "service_requests" not in statement:
            continue
        with engine.connect() as conn:
            plan = conn.exec_driver_sql(prefix + statement, parameters).all()
        print("  --", " ".join(statement.split())[:160], "...")
        for row in plan:
            print("    ", row[-1] if not postgres else row[0])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: SQLite); "
                        "a new database is made on it and dropped at the end")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--explain", action="store_true",
                        help="print the query plans (PostgreSQL: EXPLAIN ANALYZE)")
    parser.add_argument("--only", help="run only the scenarios whose name contains this")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database at the end (prints where it is)")
    args = parser.parse_args(argv)

    with fresh_database(args.database_url, args.keep) as (url, tmp):
        app = create_app({"PORTAL_ENV": "test", "SECRET_KEY": "bench", "INSTANCE_PATH": tmp,
                          "SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": "",
                          "RATELIMIT_ENABLED": False, "SERVER_NAME": None})
        from flask_migrate import upgrade

        with app.app_context():
            started = time.perf_counter()
            upgrade()
            migrated = time.perf_counter()
            facts = fill(args.organisations, args.requests, args.seed)
            filled = time.perf_counter()
            settle(db.engine)
            analysed = time.perf_counter()
            engine = db.engine
            dialect = engine.dialect.name
            scenarios = scenarios_for(facts)
            db.session.remove()
        print(f"{dialect}: migrations {migrated - started:.1f} s, filled "
              f"{facts['orgs']} organisations ({facts['org_sectors']} sector rows), "
              f"{facts['requests']} submitted requests and {facts['drafts']} drafts in "
              f"{filled - migrated:.1f} s, (VACUUM) ANALYZE {analysed - filled:.1f} s; page size "
              f"{app.config['PAGE_SIZE']}, {args.repeat} repeats")

        # No app context is held from here on: each request gets its own (and its own
        # database session), as under a real server.
        client = log_in(app, "bench@kommun.se")
        header = f"{'scenario':<22} {'rows':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}"
        print(header)
        print("-" * len(header))
        for name, params in scenarios:
            if args.only and args.only not in name:
                continue
            url = "/staff/requests/" + (f"?{urlencode(params)}" if params else "")
            result = measure(client, url, args.repeat)
            print(f"{name:<22} {result['rows']:>7} {result['rps']:>8.1f} "
                  f"{result['p50']:>8.1f} {result['p95']:>8.1f}", flush=True)
            if args.explain:
                print(f"  {url}")
                explain(client, engine, url)
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
