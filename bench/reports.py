"""Benchmark of the results dashboard (/staff/reports/) on a large municipality's year.

    .venv/bin/python bench/reports.py [--database-url URL] [--participants 50000]
                                      [--measures 200000] [--requests 100000]
                                      [--repeat 7] [--explain] [--keep] [--reuse]

Makes the PostgreSQL database ``portal_bench_reports`` on the server of --database-url
(or $BENCH_DATABASE_URL; by default the local test server), runs the migrations, fills it
with COPY, analyses it, then times portal.reports.figures.dashboard() for the last 12
months (no filter, a sector, a course, a unit) and GET /staff/reports/ as a staff
manager. The database is dropped at the end unless --keep. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.accounts.passwords import hash_password
from portal.core.dates import local_today
from portal.employers.enums import Sector
from portal.extensions import db

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASE = "portal_bench_reports"
PASSWORD = "Bänk-mätning-resultat-2026"  # noqa: S105 - a throwaway database's user
MANAGER = "bench-chef@kommun.se"
UNITS = ["Jobbcenter", "Kommunservice", "Ungdomsteamet"]
SECTORS = [s.value for s in Sector]
SECTOR_WEIGHTS = [14, 15, 20, 16, 8, 8, 12, 5, 2]  # in Sector's order
FIRST = ["Amina", "Bilal", "Hewan", "Dragan", "Leyla", "Samir", "Fatima", "Olena", "Mehmet",
         "Aisha", "Nasra", "Yonas", "Rasha", "Jamal", "Tigist", "Hassan", "Mariam", "Abdi",
         "Selam", "Iryna", "Halima", "Zainab", "Ruth", "Kateryna", "Omar", "Sara", "Erik"]
LAST = ["Yusuf", "Haddad", "Tesfaye", "Petrović", "Karimi", "Nouri", "Abdi", "Kovalenko",
        "Yilmaz", "Mohammed", "Ahmed", "Berhe", "Saleh", "Osman", "Alemu", "Rahimi", "Jaber",
        "Warsame", "Haile", "Bondarenko", "Dahir", "Hussein", "Lind", "Berg", "Nilsson"]
# How long placements of each type last (days), and how they end.
PLACEMENT_TYPES = [("internship", 60, (42, 91)), ("subsidised_job", 25, (90, 182)),
                   ("labour_market_employment", 15, (150, 330))]
ENDINGS = [("hired_by_host", 42), ("other_job", 14), ("studies", 8), ("continued_search", 22),
           ("interrupted", 14)]
END_STATUS = {"hired_by_host": "employed", "other_job": "employed", "studies": "studies",
              "continued_search": "continued_search", "interrupted": "other"}
OUTCOMES = [("employed", 55), ("subsidised", 8), ("studies", 10), ("continued_search", 18),
            ("other", 4), ("unknown", 5)]


def pick(rng: random.Random, weighted):
    values = [v for v, *_ in weighted]
    weights = [w[1] for w in weighted]
    return rng.choices(values, weights)[0]


def at(day: date, rng: random.Random) -> datetime:
    """A moment in office hours (UTC) on the given day."""
    return datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC) + timedelta(
        minutes=rng.randrange(0, 9 * 60))


# --- filling, with COPY -----------------------------------------------------------------------

class Copier:
    """COPY rows into tables through the app's psycopg connection, with explicit ids; the
    id sequences are moved past them at the end."""

    def __init__(self, engine):
        self.raw = engine.raw_connection()
        self.conn = self.raw.driver_connection
        self.counts: dict[str, int] = {}

    def copy(self, table: str, columns: list[str], rows) -> None:
        n = 0
        with self.conn.cursor() as cur, cur.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
            for row in rows:
                out.write_row(row)
                n += 1
        self.counts[table] = self.counts.get(table, 0) + n

    def finish(self) -> None:
        with self.conn.cursor() as cur:
            for table in self.counts:
                cur.execute("SELECT pg_get_serial_sequence(%s, 'id') FROM "
                            "information_schema.columns WHERE table_name = %s "
                            "AND column_name = 'id'", (table, table))
                found = cur.fetchone()
                sequence = found[0] if found else None
                if sequence:
                    cur.execute(f"SELECT setval('{sequence}', "  # noqa: S608 - our own names
                                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
        self.conn.commit()
        self.raw.close()


def fill(engine, *, n_people: int, n_measures: int, n_requests: int, seed: int) -> dict:
    """A large municipality's year: organisations, supervisors, participants, courses with
    enrolments, recruitment events with invitations, placements, their outcomes and the
    service requests. Returns the rows copied per table."""
    from psycopg.types.json import Json

    rng = random.Random(seed)  # noqa: S311 - made-up data, reproducible by seed
    today = local_today()
    now = datetime.now(UTC)
    cp = Copier(engine)
    first_day = today - timedelta(days=430)  # measures over the last 14 months and a bit

    def day_between(start: date, end: date) -> date:
        return start + timedelta(days=rng.randrange(max((end - start).days, 1)))

    # Staff: a manager (the bench user) and the case officers.
    manager_hash = hash_password(PASSWORD)
    users = [(1, MANAGER, "Bänk Chef", manager_hash, "staff_manager", True, now, "sv", now,
              now)]
    users += [(i, f"handlaggare{i}@kommun.se", f"Handläggare {i}", manager_hash, "staff",
               True, now, "sv", now, now) for i in range(2, 8)]
    cp.copy("users", ["id", "email", "full_name", "password_hash", "role", "active",
                      "email_confirmed_at", "locale", "created_at", "updated_at"], users)
    staff_ids = [u[0] for u in users]

    # Organisations, registered over five years, one or two sectors each.
    n_orgs = max(n_people // 10, 50)
    org_sector = {}
    orgs, org_sectors = [], []
    for oid in range(1, n_orgs + 1):
        sector = rng.choices(SECTORS, SECTOR_WEIGHTS)[0]
        org_sector[oid] = sector
        created = at(today - timedelta(days=rng.randrange(5 * 365)), rng)
        orgs.append((oid, f"Företag {oid} {sector.title()} AB", "SE", f"55{oid:08d}",
                     "Storgatan 1", "43530", "Mölnlycke", rng.choice(["Härryda", "Partille",
                                                                      "Lerum", "Mölndal"]),
                     "10-49", "", "", "", 1, created, created))
        org_sectors.append((oid, sector))
        if rng.random() < 0.25:
            other = rng.choice([s for s in SECTORS if s != sector])
            org_sectors.append((oid, other))
    cp.copy("organisations", ["id", "name", "country", "org_number", "street_address",
                              "postal_code", "city", "municipality", "size_band", "phone",
                              "website", "description", "version_id", "created_at",
                              "updated_at"], orgs)
    cp.copy("organisation_sectors", ["organisation_id", "sector"], org_sectors)

    # Approved supervisors at the organisations, most trained over the last two years.
    supervisors_at: dict[int, int] = {}
    rows = []
    for sid in range(1, n_orgs * 8 // 10 + 1):
        oid = rng.randrange(1, n_orgs + 1)
        supervisors_at.setdefault(oid, sid)
        trained = today - timedelta(days=rng.randrange(730)) if rng.random() < 0.6 else None
        made = at(today - timedelta(days=rng.randrange(800, 1500)), rng)
        rows.append((sid, f"Handledare {sid}", f"handledare{sid}@foretag.se", "", oid, "",
                     "Härryda", "Arbetsledare", "", "svenska", 2, made, "sv", "approved",
                     made, made, "", "", trained, 1, made, made))
    cp.copy("supervisors", ["id", "full_name", "email", "phone", "organisation_id",
                            "department", "municipality", "job_title", "tasks", "languages",
                            "capacity", "consent_at", "locale", "status", "confirmed_at",
                            "decided_at", "decline_reason", "deactivate_reason", "trained_on",
                            "version_id", "created_at", "updated_at"], rows)

    # Participants, met over 16 months, with a unit and a sector profile.
    intake = {}
    rows, sector_rows = [], []
    for pid in range(1, n_people + 1):
        day = day_between(today - timedelta(days=480), today)
        intake[pid] = day
        created = at(day, rng)
        rows.append((pid, rng.choice(FIRST), rng.choice(LAST), f"AME-B-{pid:06d}", "", "",
                     "svenska", "none", "", day, UNITS[pid % len(UNITS)], staff_ids[1], 1,
                     created, created))
        own = {rng.choices(SECTORS, SECTOR_WEIGHTS)[0] for _ in range(rng.randint(1, 2))}
        sector_rows += [(pid, s) for s in own]
    cp.copy("participants", ["id", "first_name", "last_name", "case_reference", "email",
                             "phone", "languages", "driving_licence", "profile_note",
                             "intake_on", "unit", "created_by_id", "version_id", "created_at",
                             "updated_at"], rows)
    cp.copy("participant_sectors", ["participant_id", "sector"], sector_rows)

    def person(after: date) -> int:
        """Someone met before ``after`` (tries a few; else anyone)."""
        for _ in range(6):
            pid = rng.randrange(1, n_people + 1)
            if intake[pid] <= after:
                return pid
        return pid

    outcomes = []
    outcome_id = [0]

    def outcome(pid, checkpoint, status, on, cohort=None, event_=None, placement=None,
                org=None):
        outcome_id[0] += 1
        job = status in ("employed", "subsidised")
        outcomes.append((outcome_id[0], pid, cohort, event_, placement, checkpoint, status,
                         org if job else None, "" if (org or not job) else "Annan AB",
                         "permanent" if status == "employed" else "", 40 if job else None,
                         "", on, staff_ids[1], 1, now, now))

    def follow_ups(pid, ended, status, **measure):
        """At the follow-ups that are due: mostly where they were, some not recorded."""
        for checkpoint, days, recorded in (("follow_up", 90, 0.8), ("late", 180, 0.6)):
            on = ended + timedelta(days=days + rng.randrange(10))
            if on > today or rng.random() > recorded:
                return
            if status not in ("employed", "subsidised", "studies") or rng.random() < 0.1:
                status = pick(rng, OUTCOMES)
            outcome(pid, checkpoint, status, on, **measure)

    # Split of the measures: course places, placements, event invitations.
    n_enrolments = n_measures * 2 // 10
    n_placements = n_measures * 3 // 10
    n_invitations = n_measures - n_enrolments - n_placements

    # Courses of about 80 over the period, with one or two committed employers.
    per_course = 80
    n_cohorts = max(n_enrolments // per_course, 1)
    cohorts, commitments, enrolments = [], [], []
    enrolment_id = 0
    commitment_id = 0
    for cid in range(1, n_cohorts + 1):
        sector = rng.choices(SECTORS, SECTOR_WEIGHTS)[0]
        weeks = rng.randint(6, 16)
        start = day_between(first_day, today + timedelta(days=45))
        start -= timedelta(days=start.weekday())
        end = start + timedelta(weeks=weeks) - timedelta(days=1)
        cancelled = rng.random() < 0.03
        state = ("cancelled" if cancelled else "completed" if end < today
                 else "running" if start <= today else "recruiting")
        made = at(start - timedelta(days=60), rng)
        cohorts.append((cid, f"Kurs {cid}: {sector}", sector, "9111", "", "adult_education",
                        "Komvux", weeks, start, end, 30, "", 200, "", "", state, made,
                        "Inställd." if cancelled else "", staff_ids[1], 1, made, made))
        for oid in rng.sample(range(1, n_orgs + 1), rng.randint(1, 2)):
            commitment_id += 1
            commitments.append((commitment_id, cid, oid, "committed", True, 3, True, "", made,
                                made))
        for pid in sorted({person(start) for _ in range(per_course)}):
            enrolment_id += 1
            enrolled = start if rng.random() < 0.9 else start + timedelta(days=rng.randrange(
                1, 14))
            status, ended, reason = "enrolled", None, ""
            if state == "completed" or (state == "running" and rng.random() < 0.05):
                if rng.random() < 0.15 or state == "running":
                    status, reason = "dropped_out", "Flyttade."
                    ended = min(day_between(enrolled, end), today)
                else:
                    status, ended = "completed", end
            elif state == "cancelled":
                status = "withdrawn"
            enrolments.append((enrolment_id, cid, pid, status, at(start - timedelta(days=30),
                                                                    rng), enrolled, ended,
                               reason, 1, made, made))
            if ended is not None and rng.random() < 0.9:
                status_end = pick(rng, OUTCOMES) if status == "completed" else "other"
                outcome(pid, "end", status_end, min(ended + timedelta(days=rng.randrange(7)),
                                                    today), cohort=cid)
                follow_ups(pid, ended, status_end, cohort=cid)
    cp.copy("cohorts", ["id", "title", "sector", "occupation_code", "occupation_other",
                        "provider", "provider_name", "weeks", "start_date", "end_date",
                        "weekly_hours", "location", "seats", "language_support", "description",
                        "state", "state_changed_at", "cancel_reason", "created_by_id",
                        "version_id", "created_at", "updated_at"], cohorts)
    cp.copy("cohort_commitments", ["id", "cohort_id", "organisation_id", "status",
                                   "interviews", "hires", "hosts_practical", "note",
                                   "created_at", "updated_at"], commitments)
    cp.copy("cohort_enrolments", ["id", "cohort_id", "participant_id", "status", "queued_at",
                                  "enrolled_on", "ended_on", "end_reason", "version_id",
                                  "created_at", "updated_at"], enrolments)

    # Recruitment events of about 40 invited, with organisations and their hires.
    per_event = 40
    n_events = max(n_invitations // per_event, 1)
    events, event_orgs, invitations = [], [], []
    invitation_id = event_org_id = 0
    for eid in range(1, n_events + 1):
        sector = rng.choices(SECTORS, SECTOR_WEIGHTS)[0]
        day = day_between(first_day, today + timedelta(days=30))
        state = ("planned" if day >= today else "cancelled" if rng.random() < 0.03
                 else "held")
        made = at(day - timedelta(days=40), rng)
        events.append((eid, f"Rekryteringsträff {eid}", sector, "", "", day, clock(9),
                       clock(12), "Medborgarhuset", "", 60, "", state, made,
                       "Inställd." if state == "cancelled" else "", staff_ids[1], 1, made,
                       made))
        hosts = rng.sample(range(1, n_orgs + 1), rng.randint(1, 3))
        for oid in hosts:
            event_org_id += 1
            held = state == "held"
            event_orgs.append((event_org_id, eid, oid, "recruiter", 3, "confirmed", made,
                               2 if held else None, 1 if held else None,
                               1 if held else None, 1, made, made))
        for pid in sorted({person(day) for _ in range(per_event)}):
            invitation_id += 1
            mark = ("invited" if state != "held" else
                    "attended" if rng.random() < 0.65 else "absent")
            invitations.append((invitation_id, eid, pid, mark, made, made))
            if mark == "attended" and rng.random() < 0.12:  # hired there
                outcome(pid, "end", "employed", min(day + timedelta(days=3), today),
                        event_=eid, org=hosts[0])
                follow_ups(pid, day, "employed", event_=eid)
    cp.copy("recruitment_events", ["id", "title", "sector", "occupation_code",
                                   "occupation_other", "event_date", "start_time", "end_time",
                                   "location", "online_url", "capacity", "description",
                                   "state", "state_changed_at", "cancel_reason",
                                   "created_by_id", "version_id", "created_at", "updated_at"],
            events)
    cp.copy("event_organisations", ["id", "event_id", "organisation_id", "role", "vacancies",
                                    "response", "responded_at", "interviews", "offers",
                                    "hires", "version_id", "created_at", "updated_at"],
            event_orgs)
    cp.copy("event_invitations", ["id", "event_id", "participant_id", "attendance",
                                  "created_at", "updated_at"], invitations)

    # Placements over the period: most ended (with the outcome their end records), some
    # active, agreed or proposed, a few cancelled.
    placements = []
    orgs_with_supervisor = list(supervisors_at)
    for plid in range(1, n_placements + 1):
        kind, _w, (low, high) = PLACEMENT_TYPES[rng.choices(range(3), [60, 25, 15])[0]]
        start = day_between(first_day, today + timedelta(days=30))
        planned = start + timedelta(days=rng.randint(low, high))
        oid = rng.choice(orgs_with_supervisor)
        pid = person(start)
        state, ended, how, reason, cancel = "agreed", None, None, "", ""
        if rng.random() < 0.02:
            state, cancel = "cancelled", "Blev inte av."
        elif start > today:
            state = "agreed" if rng.random() < 0.7 else "proposed"
        elif planned >= today:
            state = "active"
        else:
            state, how = "ended", pick(rng, ENDINGS)
            ended = planned
            if how == "interrupted":
                ended = day_between(start, planned)
                reason = "Sjukskriven."
        made = at(start - timedelta(days=20), rng)
        placements.append((plid, pid, oid, supervisors_at[oid], kind, org_sector[oid], start,
                           planned, 30, "Arbetsuppgifter.", state, made,
                           made if state not in ("proposed", "cancelled") else None,
                           staff_ids[1], ended, how, reason, cancel, staff_ids[1], 1, made,
                           made))
        if ended is not None:
            status = END_STATUS[how]
            outcome(pid, "end", status, ended, placement=plid,
                    org=oid if how == "hired_by_host" else None)
            follow_ups(pid, ended, status, placement=plid)
    cp.copy("placements", ["id", "participant_id", "organisation_id", "supervisor_id",
                           "placement_type", "sector", "starts_on", "ends_on", "weekly_hours",
                           "tasks", "state", "state_changed_at", "agreed_at", "agreed_by_id",
                           "ended_on", "end_outcome", "end_reason", "cancel_reason",
                           "created_by_id", "version_id", "created_at", "updated_at"],
            placements)
    cp.copy("participant_outcomes", ["id", "participant_id", "cohort_id", "event_id",
                                     "placement_id", "checkpoint", "status", "organisation_id",
                                     "employer_name", "employment_form", "weekly_hours",
                                     "note", "recorded_on", "recorded_by_id", "version_id",
                                     "created_at", "updated_at"], outcomes)

    # Service requests over 14 months: answered in half a day to six days, most committed
    # to in 3 to 40 days; 3 % drafts.
    kinds = [("placement", 40), ("recruitment_event", 22), ("tailored_course", 14),
             ("mentor_training", 24)]
    plan = sorted((day_between(first_day, today + timedelta(days=1)), pick(rng, kinds))
                  for _ in range(n_requests))
    counters: dict[int, int] = {}
    requests = []
    for rid, (day, kind) in enumerate(plan, start=1):
        oid = rng.randrange(1, n_orgs + 1)
        submitted = min(at(day, rng), now - timedelta(minutes=5))
        draft = rng.random() < 0.03
        response = submitted + timedelta(hours=rng.uniform(12, 144))
        committed = submitted + timedelta(days=rng.uniform(3, 40))
        fate = pick(rng, [("completed", 55), ("in_progress", 12), ("declined", 10),
                          ("withdrawn", 8), ("in_review", 10), ("needs_info", 5)])
        state, first, commit = fate, response, committed
        if fate in ("declined", "withdrawn", "in_review", "needs_info"):
            commit = None
        if commit is not None and commit > now:
            state, commit = "in_review", None
        if first > now:
            state, first = "submitted", None
        reference = None
        if draft:
            state, submitted, first, commit = "draft", None, None, None
        else:
            counters[day.year] = counters.get(day.year, 0) + 1
            reference = f"REQ-{day.year}-{counters[day.year]:05d}"
        start = day + timedelta(days=21)
        requests.append((
            rid, oid, kind, state, reference, staff_ids[1 + rid % (len(staff_ids) - 1)],
            submitted, submitted or now, day + timedelta(days=5) if submitted else None,
            first, day + timedelta(days=28) if submitted and kind == "placement" else None,
            commit, "Ej aktuellt just nu." if state == "declined" else None,
            "Löst på annat sätt." if state == "withdrawn" else None, "Lokalvårdare",
            rng.randint(1, 10), start, start + timedelta(days=60),
            "internship" if kind == "placement" else None,
            Json(["receiving_newcomers"]) if kind == "mentor_training" else None,
            "", "", "", False, False, "", "", "", "", False, 1,
            (submitted or now) - timedelta(hours=1), submitted or now))
    cp.copy("service_requests", [
        "id", "organisation_id", "kind", "state", "reference", "assigned_to_id",
        "submitted_at", "state_changed_at", "first_response_due", "first_response_at",
        "commitment_due", "committed_at", "decline_reason", "withdraw_reason", "roles",
        "headcount", "period_start", "period_end", "placement_type", "topics", "languages",
        "employer_contribution", "skill", "guaranteed_interviews", "hosts_practical",
        "tasks", "workplace_address", "supervisor_name", "details", "registered_by_staff",
        "version_id", "created_at", "updated_at"], requests)
    cp.copy("reference_counters", ["prefix", "year", "value"],
            [("REQ", y, v) for y, v in counters.items()])
    cp.finish()

    return cp.counts


# --- the database ------------------------------------------------------------------------------

def server_url(raw: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def settle(engine) -> None:
    """What a database in use has done by itself: statistics for the planner, and the
    visibility map that autovacuum sets (index-only scans need it)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


# --- the measurements ----------------------------------------------------------------------------

class Recorder:
    """The statements run on the engine, with their durations."""

    def __init__(self, engine):
        self.engine = engine
        self.seen: list[tuple[float, str, object]] = []

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        started = conn.info["bench_started"].pop()
        self.seen.append((time.perf_counter() - started, statement, parameters))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


def summary(statement: str) -> str:
    """A statement's first words, for the listing of the slowest."""
    flat = " ".join(statement.split())
    found = re.search(r"\bFROM\s+\(?\s*(SELECT .{0,60})", flat)
    return (flat[:70] + (" … " + found.group(1) if found else ""))[:150]


def time_dashboard(app, filters, repeat: int, *, explain: int) -> dict:
    from portal.reports import figures, periods

    with app.app_context():
        today = local_today()
        period = periods.containing(periods.PeriodKind.LAST_12, today)
        settings = figures.Settings.from_app(today)
        figures.dashboard(period, filters, settings)  # warm up: statements built, cache
        db.session.rollback()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            figures.dashboard(period, filters, settings)
            times.append(time.perf_counter() - started)
            db.session.rollback()
        with Recorder(db.engine) as rec:
            d = figures.dashboard(period, filters, settings)
        db.session.rollback()
        result = {"min": min(times), "median": statistics.median(times),
                  "statements": len(rec.seen), "ended": d.people.ended, "each": rec.seen,
                  "slowest": sorted(rec.seen, key=lambda s: -s[0])[:3]}
        if explain:
            for seconds, statement, parameters in result["slowest"][:explain]:
                with db.engine.connect() as conn:
                    plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                                parameters).all()
                print(f"\n  -- {seconds * 1000:.0f} ms: {summary(statement)}")
                print("\n".join("     " + row[0] for row in plan))
    return result


def log_in(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token on the login page")
    response = client.post("/login", data={"csrf_token": token.group(1), "email": MANAGER,
                                           "password": PASSWORD, "next": ""})
    if response.status_code != 302:
        raise SystemExit(f"login failed: {response.status_code}")
    return client


def time_page(client, url: str, repeat: int) -> dict:
    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")

    get()  # warm up: templates compiled
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        get()
        times.append(time.perf_counter() - started)
    return {"min": min(times), "median": statistics.median(times)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_URL),
                        help="a PostgreSQL server URL ($BENCH_DATABASE_URL; default "
                             f"{DEFAULT_URL}); the database {DATABASE} is made on it")
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--measures", type=int, default=200_000,
                        help="course places, placements and event invitations")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--explain", type=int, nargs="?", const=3, default=0,
                        help="EXPLAIN ANALYZE the N slowest statements of each dashboard "
                             "(default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--reuse", action="store_true",
                        help=f"use {DATABASE} as a --keep run left it: run the migrations "
                             "(a new index, say) and measure, without filling it again")
    args = parser.parse_args(argv)

    url = server_url(args.database_url)
    if make_url(url).get_backend_name() != "postgresql":
        raise SystemExit("this benchmark needs a PostgreSQL server URL")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": DATABASE}).scalar()
        if not args.reuse or not exists:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
        fresh = not args.reuse or not exists
    target = make_url(url).set(database=DATABASE).render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
            return run(args, target, tmp, fresh)
    finally:
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        else:
            print(f"kept database {DATABASE}")
        admin.dispose()


def run(args, target: str, tmp: str, fresh: bool) -> int:
    from flask_migrate import upgrade

    from portal.reports import figures

    app = create_app({"PORTAL_ENV": "test", "SECRET_KEY": "bench", "INSTANCE_PATH": tmp,
                      "SQLALCHEMY_DATABASE_URI": target, "MAIL_SERVER": "",
                      "RATELIMIT_ENABLED": False, "SERVER_NAME": None,
                      "PORTAL_UNITS": UNITS})
    with app.app_context():
        engine = db.engine
        started = time.perf_counter()
        upgrade()
        migrated = time.perf_counter()
        if fresh:
            fill(engine, n_people=args.participants, n_measures=args.measures,
                         n_requests=args.requests, seed=args.seed)
        filled = time.perf_counter()
        settle(engine)
        analysed = time.perf_counter()
        with engine.connect() as conn:
            settings = {name: conn.exec_driver_sql(f"SHOW {name}").scalar()
                        for name in ("server_version", "shared_buffers", "work_mem", "jit")}
            # The course with the most people who ended it in the last year.
            cohort = conn.exec_driver_sql(
                "SELECT cohort_id FROM cohort_enrolments WHERE ended_on >= current_date - 365 "
                "GROUP BY cohort_id ORDER BY count(*) DESC, cohort_id LIMIT 1").scalar()
            sizes = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()  # noqa: S608
                     for t in ("participants", "cohort_enrolments", "placements",
                               "event_invitations", "participant_outcomes",
                               "service_requests")}
        db.session.remove()
    print(f"PostgreSQL {settings['server_version']} (shared_buffers {settings['shared_buffers']}"
          f", work_mem {settings['work_mem']}, jit {settings['jit']})")
    print(f"migrations {migrated - started:.1f} s, "
          + (f"filled in {filled - migrated:.1f} s, " if fresh else "reused, ")
          + f"VACUUM ANALYZE {analysed - filled:.1f} s")
    print("rows: " + ", ".join(f"{t} {n}" for t, n in sizes.items()))

    scenarios = [("last 12 months", figures.Filters()),
                 ("sector=cleaning", figures.Filters(sector="cleaning")),
                 (f"cohort={cohort}", figures.Filters(cohort_id=cohort)),
                 (f"unit={UNITS[1]}", figures.Filters(unit=UNITS[1]))]
    header = (f"{'dashboard()':<20} {'ended':>7} {'min ms':>8} {'median ms':>10} "
              f"{'stmts':>6}  slowest statement")
    print(header)
    print("-" * len(header))
    each = None
    for name, filters in scenarios:
        result = time_dashboard(app, filters, args.repeat, explain=args.explain)
        seconds, statement, _params = result["slowest"][0]
        print(f"{name:<20} {result['ended']:>7} {result['min'] * 1000:>8.0f} "
              f"{result['median'] * 1000:>10.0f} {result['statements']:>6}  "
              f"{seconds * 1000:.0f} ms: {summary(statement)[:60]}", flush=True)
        each = each or result["each"]
    print("\nthe statements of one dashboard (last 12 months, no filter), as they finished"
          + (" (on two connections at once: the times overlap):"
             if app.config["REPORT_CONCURRENT"] else ":"))
    for seconds, statement, _params in each:
        print(f"  {seconds * 1000:6.0f} ms  {summary(statement)[:110]}")
    print()

    client = log_in(app)
    for url in ("/staff/reports/", "/staff/reports/?sector=cleaning"):
        page = time_page(client, url, args.repeat)
        print(f"GET {url:<32} min {page['min'] * 1000:.0f} ms, median "
              f"{page['median'] * 1000:.0f} ms", flush=True)
    with app.app_context():
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
