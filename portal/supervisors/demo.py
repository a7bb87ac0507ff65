"""Demo supervisors, made through the services (so they obey every rule).

``seed`` is meant to be called by the portal's demo data (portal/core/demo.py) after the
demo organisations and staff exist. It does nothing if any supervisor exists already.
The approved ones log in with the demo password, as the other demo users do.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.accounts import services as accounts
from portal.accounts.enums import Role
from portal.accounts.models import User
from portal.employers.models import Organisation
from portal.extensions import db
from portal.supervisors import services
from portal.supervisors.enums import SupervisorStatus
from portal.supervisors.models import Supervisor

ST = SupervisorStatus

# Workplaces are the demo organisations by name (portal/core/demo.py), or a municipal
# department (``department`` and ``municipality``). ``trained``: days since the mentor
# training; ``periods``: (days from today to the start, days to the end or None).
SUPERVISORS = [
    {"full_name": "Amra Hodžić", "email": "amra@molnlycke-lokalvard.demo",
     "organisation": "Mölnlycke Lokalvård AB", "job_title": "Arbetsledare lokalvård",
     "sectors": ["cleaning"], "capacity": 2, "languages": "svenska, bosniska, engelska",
     "tasks": "Kontorsstädning, trapphus och maskinskurning.", "status": ST.APPROVED,
     "trained": 120, "periods": [(-60, None)]},
    {"full_name": "Leila Karimi", "email": "leila@osbystorkok.demo",
     "organisation": "Osby Storkök Ekonomisk förening", "job_title": "Kökschef",
     "sectors": ["kitchen"], "capacity": 1, "languages": "svenska, persiska",
     "tasks": "Disk, grönsaksberedning och servering i skolrestaurangen.",
     "status": ST.APPROVED, "trained": 45, "periods": [(-30, 150)]},
    {"full_name": "Birgitta Svensson", "email": "birgitta@goingeomsorg.demo",
     "organisation": "Göinge Omsorg och Assistans AB", "job_title": "Undersköterska",
     "sectors": ["care"], "capacity": 2, "languages": "svenska",
     "tasks": "Omvårdnad, måltider och aktiviteter på boendet; introduktion av nya.",
     "status": ST.APPROVED, "trained": None, "periods": [(-10, None)]},
    {"full_name": "Jonas Ek", "email": "jonas@hassleholmslivs.demo",
     "organisation": "Hässleholms Livs och Deli AB", "job_title": "Butikschef",
     "sectors": ["retail", "kitchen"], "capacity": 3, "languages": "svenska, engelska",
     "tasks": "Varupåfyllning, kassa och delidisken.", "status": ST.APPROVED,
     "trained": 300, "periods": [(-90, None)]},
    {"full_name": "Nadia Haddad", "email": "nadia.haddad@harryda.demo",
     "department": "Äldreomsorgen, Hagens vård- och omsorgsboende", "municipality": "Härryda",
     "job_title": "Enhetschef", "sectors": ["care"], "capacity": 2,
     "languages": "svenska, arabiska, engelska",
     "tasks": "Omvårdnad och hemlika sysslor på ett vård- och omsorgsboende.",
     "status": ST.PENDING, "trained": None, "periods": [(14, 200)]},
    {"full_name": "Mikkel Sørensen", "email": "mikkel@kantine.demo",
     "organisation": "Helsingør Kantine og Rengøring ApS", "job_title": "Køkkenleder",
     "sectors": ["kitchen", "cleaning"], "capacity": 2, "languages": "dansk, engelsk",
     "tasks": "Kantinekøkken og rengøring af kontorer.", "status": ST.PENDING,
     "trained": 20, "periods": [(7, None), (200, 260)], "locale": "da"},
    {"full_name": "Samir Osman", "email": "samir@molnlycke-lokalvard.demo",
     "organisation": "Mölnlycke Lokalvård AB", "job_title": "Lokalvårdare, gruppledare",
     "sectors": ["cleaning"], "capacity": 1, "languages": "svenska, somaliska",
     "tasks": "Städning av skolor och förskolor.", "status": ST.UNCONFIRMED,
     "trained": None, "periods": [(0, None)], "by_admin": True},
    {"full_name": "Peter Lund", "email": "peter.lund@hassleholmslivs.demo",
     "organisation": "Hässleholms Livs och Deli AB", "job_title": "Extrapersonal",
     "sectors": ["retail"], "capacity": 1, "languages": "svenska",
     "tasks": "Kassa på helger.", "status": ST.DECLINED, "trained": None,
     "periods": [(0, 60)],
     "reason": "Du arbetar bara helger, och en handledare behöver vara på plats under "
               "praktikantens arbetstid. Hör gärna av dig om det ändras."},
]


def _org(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name).limit(1))


def _admin(org: Organisation) -> User | None:
    from portal.employers.services import admins_of

    admins = admins_of(org)
    return admins[0] if admins else None


def _make(plan: dict, *, staff: User, today: date) -> Supervisor | None:
    org = _org(plan["organisation"]) if plan.get("organisation") else None
    if plan.get("organisation") and org is None:
        return None
    profile = {name: plan[name] for name in ("full_name", "job_title", "tasks", "languages",
                                             "capacity")}
    profile["phone"] = "070-123 45 67"
    periods = [services.Period(today + timedelta(days=start),
                               today + timedelta(days=end) if end is not None else None)
               for start, end in plan["periods"]]
    locale = plan.get("locale", "sv")
    admin = _admin(org) if org is not None and plan.get("by_admin") else None
    if admin is not None:
        supervisor = services.register_colleague(
            org, profile=profile, sectors=plan["sectors"], periods=periods,
            email=plan["email"], actor=admin, locale=locale)
    else:
        workplace = ({"org_number": org.org_number} if org is not None else
                     {"department": plan["department"], "municipality": plan["municipality"]})
        supervisor = services.sign_up(profile=profile, sectors=plan["sectors"],
                                      periods=periods, email=plan["email"], locale=locale,
                                      **workplace)
    if supervisor is None:
        return None
    if plan["trained"] is not None:
        # As the mentor-training package records it once the person has attended.
        supervisor.trained_on = today - timedelta(days=plan["trained"])
    if plan["status"] == ST.UNCONFIRMED:
        return supervisor
    services.confirm(services.confirm_token(supervisor))
    if plan["status"] == ST.APPROVED:
        # A demo account with the demo password first, so approval links it.
        from portal.core.demo import DEMO_PASSWORD

        accounts.create_user(email=plan["email"], full_name=plan["full_name"],
                             password=DEMO_PASSWORD, role=Role.SUPERVISOR, locale=locale,
                             confirmed=True, actor=staff)
    if plan["status"] in (ST.APPROVED, ST.DECLINED):
        services.transition(supervisor, plan["status"], actor=staff,
                            reason=plan.get("reason", ""))
    return supervisor


def seed(*, staff: User, today: date) -> list[Supervisor]:
    """Eight supervisors at the demo organisations and one municipal department: four
    approved with accounts (three of them trained), two waiting for a decision, one not
    yet confirmed (registered by their organisation's admin) and one declined. Returns
    those made."""
    if db.session.scalar(select(func.count()).select_from(Supervisor)):
        return []
    made = []
    for plan in SUPERVISORS:
        supervisor = _make(plan, staff=staff, today=today)
        if supervisor is not None:
            made.append(supervisor)
    db.session.flush()
    return made
