"""Demo data, built by calling the services (so it obeys every rule)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import func, select

from portal.accounts import services as accounts
from portal.accounts.enums import Role
from portal.accounts.models import User
from portal.core.dates import local_today
from portal.core.mail import deliver
from portal.employers import needs as need_services
from portal.employers import services as employers
from portal.employers.enums import NeedStatus
from portal.employers.models import HiringNeed, Organisation
from portal.extensions import db
from portal.requests import services as requests
from portal.requests.enums import RequestKind, RequestState
from portal.requests.models import ServiceRequest

# Printed in the README. Demo only: change or deactivate them on a real server.
# Printed in the README on purpose; demo accounts only.
DEMO_PASSWORD = "Demo-lokalvard-2026"  # noqa: S105  # nosec B105
STAFF = [
    ("admin@demo.portal.se", "Alva Admin", Role.ADMIN),
    ("chef@demo.portal.se", "Maja Lindqvist", Role.STAFF_MANAGER),
    ("handlaggare@demo.portal.se", "Omar Haddad", Role.STAFF),
]

# (name, org number, municipality, city, sectors, size, contact name, e-mail)
ORGANISATIONS = [
    ("Mölnlycke Lokalvård AB", "5567123457", "Härryda", "Mölnlycke", ["cleaning"], "10-49",
     "Eva Johansson", "eva@molnlycke-lokalvard.demo"),
    ("Hässleholms Livs och Deli AB", "5569876546", "Hässleholm", "Hässleholm", ["retail"],
     "10-49", "Johan Persson", "johan@hassleholmslivs.demo"),
    ("Osby Storkök Ekonomisk förening", "7696543210", "Osby", "Osby", ["kitchen"], "1-9",
     "Fatima Ali", "fatima@osbystorkok.demo"),
    ("Göinge Omsorg och Assistans AB", "5564433225", "Hässleholm", "Tyringe", ["care"],
     "50-249", "Karin Nilsson", "karin@goingeomsorg.demo"),
    ("Landvetter Åkeri & Transport AB", "5561122333", "Härryda", "Landvetter", ["transport"],
     "10-49", "Per Andersson", "per@landvetterakeri.demo"),
    ("Skånsk Plåt och Mekanik AB", "5562233447", "Osby", "Lönsboda", ["manufacturing"],
     "50-249", "Ali Yilmaz", "ali@skanskplat.demo"),
    ("Härryda Lager och Logistik AB", "5563344550", "Härryda", "Härryda",
     ["warehouse", "transport"], "250+", "Sofia Berg", "sofia@harrydalager.demo"),
    ("Norra Skåne Bygg AB", "5565566774", "Hässleholm", "Hässleholm", ["construction"],
     "10-49", "Mikael Holm", "mikael@norraskanebygg.demo"),
    ("Helsingør Kantine og Rengøring ApS", "13585628", "Helsingør", "Helsingør",
     ["kitchen", "cleaning"], "10-49", "Mette Hansen", "mette@kantine.demo"),
]


def _valid_se(number: str) -> str:
    """Fix the check digit, so demo numbers are always valid organisation numbers."""
    from stdnum import luhn

    body = number[:9]
    return body + luhn.calc_check_digit(body)


def load() -> Iterator[str]:
    for email, name, role in STAFF:
        if accounts.get_by_email(email) is None:
            accounts.create_staff(email=email, full_name=name, role=role, actor=None,
                                  password=DEMO_PASSWORD)
            yield f"staff account {email} ({role})"
    for name, number, municipality, city, sectors, size, contact, email in ORGANISATIONS:
        country = "DK" if len(number) == 8 else "SE"
        if country == "SE":
            number = _valid_se(number)
        if db.session.scalar(select(Organisation).where(Organisation.org_number == number)):
            continue
        _org, user = employers.register_organisation(
            country=country, org_number=number,
            profile={"name": name, "municipality": municipality, "city": city,
                     "street_address": "Storgatan 1", "postal_code": "43530" if
                     country == "SE" else "3000", "size_band": size, "phone": "",
                     "website": "", "description": ""},
            sectors=sectors,
            user=employers.NewUser(email=email, full_name=contact, password=DEMO_PASSWORD,
                                   locale="da" if country == "DK" else "sv"),
        )
        accounts.confirm_email_directly(user)
        yield f"organisation {name} with admin {email}"
    yield from _load_needs_and_requests()
    yield from _load_analyses()
    yield from _load_cohorts()
    yield from _load_participants()
    yield from _load_course_history()
    yield from _load_events()
    yield from _load_supervision()
    yield from _load_history()
    db.session.commit()
    deliver()


# --- hiring needs and service requests ---------------------------------------------------
#
# Made through portal.employers.needs and portal.requests.services, as the
# employer's admin (the contact above) and the demo case officer would make
# them, so the life cycle, references, timelines, snapshots and mail are real.
# Dates count from the day the demo is loaded: submission refuses past dates.

CASE_OFFICER = "handlaggare@demo.portal.se"
S = RequestState


def _need(code: str, headcount: int, timeframe: str = "now", *, status=NeedStatus.OPEN,
          by_staff: bool = False, later: dict | None = None, **values) -> dict:
    """One hiring need; ``later`` is a change staff make after the needs analysis."""
    return {"status": status, "by_staff": by_staff, "later": later,
            "values": {"occupation_code": code, "headcount": headcount,
                       "timeframe": timeframe, **values}}


NEEDS: dict[str, list[dict]] = {
    "Mölnlycke Lokalvård AB": [
        _need("9111", 15, employment_form="permanent", hours_per_week=30,
              location="Mölnlycke och Landvetter", swedish_level="basic",
              physical_demands="moderate",
              description="Lokalvård på kontor, skolor och i trapphus. Vi anställer efter "
                          "en kurs som i pilotomgången med Härryda framtid."),
        _need("9120", 2, employment_form="fixed_term", hours_per_week=40,
              location="Härryda kommun", driving_licence="B", physical_demands="heavy",
              status=NeedStatus.FILLED,
              description="Fönsterputs under säsongen, mars till oktober."),
    ],
    "Hässleholms Livs och Deli AB": [
        _need("5222", 2, "within_3_months", employment_form="hourly", hours_per_week=25,
              location="Hässleholm centrum", swedish_level="good",
              description="Butiksbiträden till butik och delidisk, kvällar och helger."),
        _need("5230", 1, employment_form="hourly", hours_per_week=15,
              location="Hässleholm centrum", swedish_level="good",
              status=NeedStatus.ARCHIVED,
              description="Kassapersonal till sommaren; löst internt."),
    ],
    "Osby Storkök Ekonomisk förening": [
        _need("9412", 1, employment_form="subsidised", hours_per_week=35, location="Osby",
              swedish_level="basic", physical_demands="moderate",
              description="Köksbiträde: disk, grönsaker och servering. Cirka 400 portioner "
                          "om dagen till två skolor och ett äldreboende."),
        _need("5120", 1, "months_3_12", employment_form="permanent", hours_per_week=40,
              location="Osby", swedish_level="good", no_formal_education=False,
              other_requirements="Erfarenhet av storkök och specialkost.",
              description="Kock när vår kock går i pension."),
    ],
    "Göinge Omsorg och Assistans AB": [
        _need("5330", 6, "within_3_months", employment_form="fixed_term",
              hours_per_week=32, location="Tyringe och Hässleholm", swedish_level="good",
              driving_licence="B", shift_work=True, plus_languages="arabiska, bosniska",
              description="Vårdbiträden i hemtjänsten, dag och kväll, varannan helg."),
        _need("5321", 4, "months_3_12", employment_form="permanent", hours_per_week=36,
              location="Tyringe", swedish_level="good", shift_work=True,
              no_formal_education=False, by_staff=True,
              other_requirements="Undersköterskeutbildning, eller vårdbiträde som vill "
                                 "validera sig under anställningen.",
              description="Registrerat av arbetsmarknadsenheten vid behovsanalysen."),
    ],
    "Landvetter Åkeri & Transport AB": [
        _need("8332", 3, employment_form="permanent", hours_per_week=40,
              location="Landvetter", driving_licence="CE", shift_work=True,
              swedish_level="good", no_formal_education=False,
              other_requirements="CE-körkort och giltigt YKB.",
              description="Chaufförer till distribution i Göteborgsregionen."),
        _need("4322", 2, employment_form="fixed_term", hours_per_week=40,
              location="Landvetter", shift_work=True, status=NeedStatus.FILLED,
              description="Terminalarbetare, kvällsskift."),
    ],
    "Skånsk Plåt och Mekanik AB": [
        _need("7223", 4, "within_3_months", employment_form="permanent", hours_per_week=40,
              location="Lönsboda", shift_work=True, physical_demands="moderate",
              description="Maskinoperatörer vid kantpress och stans, tvåskift."),
        _need("8213", 3, employment_form="fixed_term", hours_per_week=40,
              location="Lönsboda", status=NeedStatus.FILLED,
              description="Montörer till en större order."),
    ],
    "Härryda Lager och Logistik AB": [
        _need("4322", 15, employment_form="fixed_term", hours_per_week=40,
              location="Härryda", shift_work=True, swedish_level="basic",
              physical_demands="heavy", plus_languages="engelska, arabiska, tigrinja",
              description="Lagerarbetare till plock och pack inför högsäsongen.",
              later={"headcount": 20,
                     "description": "Lagerarbetare till plock och pack inför högsäsongen. "
                                    "Efter behovsanalysen: 20 personer, varav 8 kan bli "
                                    "tillsvidareanställda."}),
        _need("8344", 5, "within_3_months", employment_form="permanent", hours_per_week=40,
              location="Härryda", shift_work=True,
              other_requirements="Truckkort A och B, eller vilja att ta det.",
              description="Truckförare till inleverans och utlastning."),
        _need("9332", 4, employment_form="hourly", location="Härryda",
              physical_demands="heavy", status=NeedStatus.ARCHIVED,
              description="Extrapersonal till en lagerflytt som ställdes in."),
    ],
    "Norra Skåne Bygg AB": [
        _need("9310", 3, "months_3_12", employment_form="fixed_term", hours_per_week=40,
              location="Hässleholm med omnejd", driving_licence="B",
              physical_demands="heavy",
              description="Byggarbetare/hantlangare till två bostadsprojekt."),
    ],
    "Helsingør Kantine og Rengøring ApS": [
        _need("9412", 4, employment_form="subsidised", hours_per_week=30,
              location="Helsingør", swedish_level="none", plus_languages="dansk, engelsk",
              description="Køkkenmedhjælpere til kantinen; løntilskud er muligt."),
        _need("9111", 3, "within_3_months", employment_form="permanent",
              hours_per_week=25, location="Helsingør og Espergærde", swedish_level="none",
              plus_languages="dansk",
              description="Rengøringsassistenter til kontorer, tidlig morgen."),
    ],
}


def _request_plan(today: date) -> list[dict]:
    """Each request: organisation, kind, hiring needs (SSYK codes), answers and its story.

    Steps: ("submit",), ("move", state, reason, field comments), ("message",
    "staff"|"employer", text), ("note", text), ("update", answers), ("withdraw",
    reason), ("need", code, status). Together they cover every kind and state.
    """
    def day(n: int) -> date:
        return today + timedelta(days=n)

    return [
        # Härryda's pilot again: a 14-week cleaning course for 15, most to be hired.
        {"org": "Mölnlycke Lokalvård AB", "kind": RequestKind.TAILORED_COURSE,
         "needs": ["9111"],
         "values": {"skill": "Lokalvård", "roles": "Lokalvårdare på kontor, skolor och i "
                    "trapphus", "headcount": 15, "max_weeks": 14,
                    "guaranteed_interviews": True, "hires": 10, "hosts_practical": True,
                    "preferred_start": day(42),
                    "details": "Samma upplägg som pilotomgången: teori först, sedan praktik "
                               "hos oss de sista sex veckorna. Deltagarna behöver förstå "
                               "enkla instruktioner på svenska; våra arbetsledare talar "
                               "även arabiska och somaliska."},
         "steps": [
             ("submit",),
             ("move", S.IN_REVIEW, "", None),
             ("message", "staff", "Hej Eva! Tack för förfrågan. Efter informationsträffen "
              "har vi 19 intresserade deltagare, och Komvux kan ta teoridelen. Kan vi ses "
              "för en behovsanalys hos er nästa vecka, tisdag eller torsdag förmiddag?"),
             ("message", "employer", "Hej Omar! Torsdag kl. 9 passar bra. Välkommen till "
              "kontoret på Storgatan 1, så visar vi maskinparken och de två objekt där "
              "praktiken blir."),
             ("note", "Behovsanalys gjord hos företaget. 10 anställningar utlovade efter "
              "kursen (6 heltid, 4 deltid 30 h). Praktik på två kontorsobjekt i Mölnlycke, "
              "handledare Eva Johansson och en arbetsledare. Komvux Härryda offererar "
              "teoridelen; Arbetsförmedlingen anvisar sex av deltagarna."),
             ("move", S.IN_PROGRESS, "Kursen startar: 15 platser, teori veckorna 1–8 och "
              "praktik hos er veckorna 9–14.", None),
         ]},
        {"org": "Mölnlycke Lokalvård AB", "kind": RequestKind.MENTOR_TRAINING,
         "needs": [],
         "values": {"headcount": 3, "period_start": today, "period_end": today,
                    "venue": "municipality",
                    "topics": ["receiving_newcomers", "supervising_intern"],
                    "details": "Våra tre arbetsledare ska handleda kursdeltagarna under "
                               "praktikveckorna."},
         "steps": [
             ("submit",),
             ("move", S.IN_PROGRESS, "", None),
             ("move", S.COMPLETED, "Handledarutbildningen är genomförd; alla tre deltog.",
              None),
         ]},
        # A placement sent back for more information, then completed and resubmitted.
        {"org": "Hässleholms Livs och Deli AB", "kind": RequestKind.PLACEMENT,
         "needs": ["5222"],
         "values": {"placement_type": "internship", "roles": "Butiksbiträde",
                    "tasks": "Arbete i butiken", "headcount": 2,
                    "period_start": day(21), "period_end": day(21 + 8 * 7),
                    "hours_per_week": 40,
                    "workplace_address": "Stortorget 3, 281 31 Hässleholm",
                    "supervisor_status": "trained",
                    "supervisor_name": "Johan Persson, butikschef; har gått kommunens "
                                       "handledarutbildning",
                    "details": "Vi har haft praktikanter förut och anställde en av dem."},
         "steps": [
             ("submit",),
             ("move", S.NEEDS_INFO, "Tack! Vi behöver veta lite mer innan vi matchar "
              "deltagare.",
              {"tasks": "Beskriv arbetsuppgifterna närmare (till exempel varupåfyllning, "
                        "kassa, delidisken), så kan vi matcha rätt deltagare.",
               "hours_per_week": "40 timmar i veckan är mycket i början. Kan praktiken "
                                 "börja på 25–30 timmar och trappas upp?"}),
             ("message", "employer", "Vi kan börja på 30 timmar. Delidisken kräver "
              "utbildning i livsmedelshygien – kan ni hjälpa till med den?"),
             ("message", "staff", "Ja, vi ordnar en halvdag i livsmedelshygien före start. "
              "Ändra förfrågan och skicka in den igen, så tar vi den vidare."),
             ("update", {"tasks": "Varupåfyllning och datummärkning, kassa med stöd, "
                                  "arbete i delidisken (smörgåsar och sallader) efter "
                                  "hygienutbildningen.",
                         "hours_per_week": 30}),
             ("submit",),
         ]},
        {"org": "Osby Storkök Ekonomisk förening", "kind": RequestKind.PLACEMENT,
         "needs": ["9412"],
         "values": {"placement_type": "subsidised_job", "roles": "Köksbiträde",
                    "tasks": "Disk, grönsaker och sallad, servering i matsalen",
                    "headcount": 1, "period_start": day(30), "period_end": day(30 + 182),
                    "hours_per_week": 35, "workplace_address": "Köket, Osby",
                    "supervisor_status": "untrained",
                    "details": "Beredskapsjobb. Vi lagar cirka 400 portioner om dagen till "
                               "två skolor och ett äldreboende."},
         "steps": [
             ("submit",),
             ("move", S.IN_REVIEW, "", None),
             ("move", S.NEEDS_INFO, "Två saker behöver kompletteras innan vi går vidare.",
              {"workplace_address": "Ange gatuadress och postnummer till köket, så hittar "
                                    "deltagaren rätt första dagen.",
               "supervisor_name": "Vem blir handledare? Ange namn och roll, så bokar vi en "
                                  "plats på nästa handledarutbildning."}),
         ]},
        # Göinge: mentor training on receiving newcomers, and a care course in review.
        {"org": "Göinge Omsorg och Assistans AB", "kind": RequestKind.MENTOR_TRAINING,
         "needs": [],
         "values": {"headcount": 6, "period_start": today, "period_end": today,
                    "venue": "workplace",
                    "topics": ["receiving_newcomers", "language_support"],
                    "details": "Många nya medarbetare har ett annat modersmål än svenska. "
                               "Våra undersköterskor i hemtjänsten vill bli tryggare som "
                               "mentorer: introduktion, språkstöd i dokumentationen och "
                               "hur man ger återkoppling."},
         "steps": [
             ("submit",),
             ("move", S.IN_PROGRESS, "Vi håller utbildningen hos er i Tyringe, två pass "
              "om tre timmar.", None),
             ("message", "staff", "Har ni en lokal med projektor för sex personer?"),
             ("message", "employer", "Ja, personalrummet på Storgatan 1 fungerar. Fika "
              "ordnar vi."),
             ("move", S.COMPLETED, "Mentorsutbildningen är genomförd med sex deltagare.",
              None),
         ]},
        {"org": "Göinge Omsorg och Assistans AB", "kind": RequestKind.TAILORED_COURSE,
         "needs": ["5330", "5321"],
         "values": {"skill": "Introduktion till vård och omsorg: hygien, förflyttning och "
                             "dokumentation",
                    "roles": "Vårdbiträde i hemtjänst och på äldreboende", "headcount": 8,
                    "max_weeks": 10, "guaranteed_interviews": True, "hires": 4,
                    "hosts_practical": True, "preferred_start": day(60),
                    "details": "Deltagarna behöver kunna läsa en genomförandeplan. "
                               "B-körkort är meriterande i hemtjänsten."},
         "steps": [("submit",), ("move", S.IN_REVIEW, "", None)]},
        {"org": "Landvetter Åkeri & Transport AB", "kind": RequestKind.RECRUITMENT_EVENT,
         "needs": ["8332"],
         "values": {"roles": "Lastbilschaufförer till distribution", "headcount": 3,
                    "period_start": day(20), "period_end": day(50), "venue": "workplace",
                    "languages": "svenska",
                    "employer_contribution": "Visar fordonen och terminalen, intervjuar på "
                                             "plats och erbjuder provkörning.",
                    "details": "Krav: CE-körkort och giltigt YKB."},
         "steps": [
             ("submit",),
             ("move", S.DECLINED, "Vi kan tyvärr inte ordna en rekryteringsträff för jobb "
              "som kräver CE-körkort och YKB: ingen av våra deltagare har det i dag. Vi "
              "tipsar om Arbetsförmedlingens yrkesförarutbildning och hör gärna av oss om "
              "en kurs för terminalarbete kan passa er i stället.", None),
         ]},
        {"org": "Skånsk Plåt och Mekanik AB", "kind": RequestKind.PLACEMENT,
         "needs": ["7223"],
         "values": {"placement_type": "internship",
                    "roles": "Maskinoperatör, kantpress och stans",
                    "tasks": "Matning och avplock vid stansen, enkel kontrollmätning, "
                             "ordning vid maskinen",
                    "headcount": 2, "period_start": day(28), "period_end": day(28 + 42),
                    "hours_per_week": 40, "workplace_address": "Industrigatan 12, Lönsboda",
                    "supervisor_status": "trained",
                    "supervisor_name": "Ali Yilmaz, produktionsledare"},
         "steps": [
             ("submit",),
             ("move", S.IN_REVIEW, "", None),
             ("withdraw", "En stor order har skjutits upp ett halvår, så vi kan inte ta "
              "emot praktikanter just nu. Vi återkommer."),
         ]},
        # A draft that is not complete yet: no start date and no commitment chosen.
        {"org": "Skånsk Plåt och Mekanik AB", "kind": RequestKind.TAILORED_COURSE,
         "needs": ["7223"],
         "values": {"skill": "Svetsning, grundkurs (MIG/MAG)", "roles": "Svetsare",
                    "headcount": 6, "max_weeks": 12,
                    "details": "Stämmer av med verkstadschefen innan vi skickar in."},
         "steps": []},
        # The warehouse firm's recruitment event, just submitted, and placements under way.
        {"org": "Härryda Lager och Logistik AB", "kind": RequestKind.RECRUITMENT_EVENT,
         "needs": ["4322", "8344"],
         "values": {"roles": "Lagerarbetare (plock och pack) och truckförare",
                    "headcount": 25, "period_start": day(35), "period_end": day(49),
                    "venue": "workplace",
                    "languages": "svenska, engelska, arabiska, tigrinja",
                    "employer_contribution": "Visning av lagret, kort presentation av jobben "
                                             "och skiften, intervjuer på plats. Blivande "
                                             "truckförare får prova truck med instruktör.",
                    "details": "Skift dag och kväll, helg varannan vecka."},
         "steps": [("submit",)]},
        {"org": "Härryda Lager och Logistik AB", "kind": RequestKind.PLACEMENT,
         "needs": ["4322"],
         "values": {"placement_type": "internship", "roles": "Lagerarbetare",
                    "tasks": "Plock och pack med handdator, inleverans, emballering och "
                             "returer",
                    "headcount": 4, "period_start": day(14), "period_end": day(14 + 56),
                    "hours_per_week": 30, "workplace_address": "Logistikvägen 4, Härryda",
                    "supervisor_status": "trained",
                    "supervisor_name": "Ahmed Karimi, teamledare; har gått "
                                       "handledarutbildningen"},
         "steps": [
             ("submit",),
             ("move", S.IN_REVIEW, "", None),
             ("message", "staff", "Hej Sofia! Vi har fyra deltagare som passar; två har "
              "truckkort A och B. Kan de börja på morgonskiftet?"),
             ("message", "employer", "Morgonskiftet (06.00–14.30) fungerar bra. "
              "Skyddsskor och varselväst får de av oss första dagen."),
             ("move", S.IN_PROGRESS, "Fyra praktikanter är matchade och börjar enligt "
              "perioden i förfrågan.", None),
         ]},
        {"org": "Norra Skåne Bygg AB", "kind": RequestKind.MENTOR_TRAINING,
         "needs": [],
         "values": {"headcount": 2, "period_start": day(45), "venue": "municipality",
                    "topics": ["supervising_intern"],
                    "details": "Två lagbasar ska ta emot praktikanter på "
                               "byggarbetsplatsen."},
         "steps": []},
        # The Danish firm writes in Danish: a job fair held with Jobcenter Helsingør.
        {"org": "Helsingør Kantine og Rengøring ApS", "kind": RequestKind.RECRUITMENT_EVENT,
         "needs": ["9412", "9111"],
         "values": {"roles": "Køkkenmedhjælpere og rengøringsassistenter", "headcount": 6,
                    "period_start": today, "period_end": today, "venue": "municipality",
                    "languages": "dansk, engelsk",
                    "employer_contribution": "Vi præsenterer virksomheden, fortæller om "
                                             "arbejdstiderne og holder korte samtaler.",
                    "details": "Gerne som jobmesse for køkken og rengøring."},
         "steps": [
             ("submit",),
             ("move", S.IN_REVIEW, "", None),
             ("move", S.IN_PROGRESS, "", None),
             ("move", S.COMPLETED, "Jobmessen er afholdt: 14 borgere deltog, og 4 er "
              "ansat i køkkenet.", None),
             ("need", "9412", NeedStatus.FILLED),
         ]},
        {"org": "Helsingør Kantine og Rengøring ApS", "kind": RequestKind.PLACEMENT,
         "needs": ["9111"],
         "values": {"placement_type": "internship", "roles": "Rengøringsassistent",
                    "tasks": "Daglig rengøring af kantine og kontorer, opvask og "
                             "affaldssortering",
                    "headcount": 2, "period_start": day(21), "period_end": day(21 + 27),
                    "hours_per_week": 25,
                    "workplace_address": "Havnegade 5, 3000 Helsingør",
                    "supervisor_status": "wanted",
                    "details": "Virksomhedspraktik i fire uger. Vi vil gerne have hjælp "
                               "til at finde en mentor blandt vores medarbejdere."},
         "steps": [("submit",)]},
    ]


def _se_or_dk(number: str) -> str:
    return _valid_se(number) if len(number) != 8 else number


def _demo_org(name: str) -> tuple[Organisation, User] | None:
    """The demo organisation and its admin (the contact), or None if it is missing."""
    for org_name, number, *_rest, email in ORGANISATIONS:
        if org_name == name:
            org = db.session.scalar(select(Organisation).where(
                Organisation.org_number == _se_or_dk(number)))
            admin = accounts.get_by_email(email)
            return (org, admin) if org is not None and admin is not None else None
    raise KeyError(name)


def _has(model, org: Organisation) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(model).where(
        model.organisation_id == org.id)))


def _needs_by_code(org: Organisation) -> dict[str, HiringNeed]:
    found: dict[str, HiringNeed] = {}
    for need in need_services.for_organisation(org):
        found.setdefault(need.occupation_code, need)
    return found


def _load_needs_and_requests() -> Iterator[str]:
    staff = accounts.get_by_email(CASE_OFFICER)
    if staff is None or not staff.active:  # removed on a shared server: leave it be
        return
    for name, planned in NEEDS.items():
        found = _demo_org(name)
        if found is None or _has(HiringNeed, found[0]):
            continue
        org, admin = found
        for item in planned:
            need = need_services.create_need(org, values=item["values"],
                                             actor=staff if item["by_staff"] else admin)
            if item["later"]:
                need_services.update_need(need, values=item["later"], actor=staff,
                                          expected_version=need.version_id)
            need_services.set_status(need, item["status"], actor=admin)
            yield (f"hiring need {need.occupation_code} ×{need.headcount} for {name} "
                   f"({need.status})")
    plan: dict[str, list[dict]] = {}
    for item in _request_plan(local_today()):
        plan.setdefault(item["org"], []).append(item)
    for name, items in plan.items():
        found = _demo_org(name)
        if found is None or _has(ServiceRequest, found[0]):
            continue
        org, admin = found
        needs = _needs_by_code(org)
        for item in items:
            req = requests.create_request(org, item["kind"], values=item["values"],
                                          need_ids=[needs[c].id for c in item["needs"]
                                                    if c in needs],
                                          actor=admin)
            changed = list(_play(req, item["steps"], admin=admin, staff=staff,
                                 needs=needs))
            yield (f"request {req.display_reference} ({req.kind}, {req.state}) "
                   f"for {name}")
            yield from changed


def _play(req: ServiceRequest, steps: list[tuple], *, admin: User, staff: User,
          needs: dict[str, HiringNeed]) -> Iterator[str]:
    for step, *args in steps:
        match step:
            case "submit":
                requests.submit_request(req, actor=admin)
            case "move":
                to, reason, comments = args
                requests.transition(req, to, actor=staff, reason=reason,
                                    field_comments=comments)
            case "withdraw":
                requests.withdraw(req, actor=admin, reason=args[0])
            case "update":
                requests.update_request(req, values=args[0],
                                        need_ids=[n.id for n in req.needs], actor=admin)
            case "message":
                who, body = args
                requests.post_message(req, author=staff if who == "staff" else admin,
                                      body=body)
            case "note":
                requests.add_note(req, author=staff, body=args[0])
            case "need":
                code, status = args
                if code in needs:  # someone may have made the needs by hand before us
                    need_services.set_status(needs[code], status, actor=admin)
                    yield f"hiring need {code} for {req.organisation.name} now {status}"
            case _:
                raise ValueError(f"unknown demo step {step!r}")


# --- needs analyses ---------------------------------------------------------------------------
#
# Made through portal.analyses.services: one confirmed final analysis, one
# revised after the employer's comment (version 1 stays readable), one draft.

ANALYSES = {
    "Mölnlycke Lokalvård AB": {
        "final": True, "answer": "confirmed", "revise": None,
        "participants": "Anna Sjöberg (vd), Omar Haddad (arbetsmarknadsenheten)",
        "skills_gaps": "Hygienrutiner, maskinell golvvård och svenska för att läsa "
                       "arbetsordrar.",
        "actions": ["tailored_course", "recruitment_event"],
        "note": "En lokalvårdskurs på 14 veckor för 15 deltagare, med praktik hos "
                "företaget.",
        "lines": [("9111", 6, "within_3_months", "Svenska för vardagen", True),
                  ("9111", 3, "months_3_12", "", True)]},
    "Härryda Lager och Logistik AB": {
        "final": True, "answer": "commented", "revise": ("4322", 6),
        "participants": "Jonas Berg (lagerchef), Omar Haddad (arbetsmarknadsenheten)",
        "skills_gaps": "Truckkort A och B saknas hos de flesta sökande.",
        "actions": ["placements", "mentor_training"],
        "note": "Praktik med handledare som gått mentorsutbildningen.",
        "lines": [("4322", 4, "now", "Truckkort A och B", True)]},
    "Osby Storkök Ekonomisk förening": {
        "final": False, "answer": None, "revise": None,
        "participants": "Kerstin Ek (kökschef)", "skills_gaps": "",
        "actions": ["placements"], "note": "",
        "lines": [("9412", 2, "within_3_months", "Livsmedelshygien", False)]},
}


def _load_analyses() -> Iterator[str]:
    from datetime import timedelta

    from portal.analyses import services as analyses
    from portal.analyses.enums import ResponseKind
    from portal.analyses.models import NeedsAnalysis

    staff = accounts.get_by_email(CASE_OFFICER)
    if staff is None or not staff.active:
        return
    today = local_today()
    for name, plan in ANALYSES.items():
        found = _demo_org(name)
        if found is None or _has(NeedsAnalysis, found[0]):
            continue
        org, admin = found
        from_requests = [r.id for r in analyses.open_requests(org)][:1]
        analysis = analyses.start(org, actor=staff, request_ids=from_requests,
                                  meeting_date=today - timedelta(days=14))
        lines = [{"occupation_code": code, "headcount": n, "timeframe": when,
                  "requirements": req, "training_needed": training}
                 for code, n, when, req, training in plan["lines"]]
        analyses.save_draft(analysis, values={
            "participants": plan["participants"], "skills_gaps": plan["skills_gaps"],
            "actions": plan["actions"], "actions_note": plan["note"],
            "follow_up_date": today + timedelta(days=76)},
            lines=lines, actor=staff, expected_version=None)
        if plan["final"]:
            analyses.finalise(analysis, actor=staff, expected_version=None)
        if plan["answer"] == "confirmed":
            analyses.respond(analysis, user=admin, kind=ResponseKind.CONFIRMED, comment="")
        elif plan["answer"] == "commented":
            analyses.respond(analysis, user=admin, kind=ResponseKind.COMMENTED,
                             comment="Vi behöver nog sex personer, inte fyra.")
        if plan["revise"]:
            code, headcount = plan["revise"]
            analyses.revise(analysis, actor=staff, expected_version=None)
            revised = [{**line, "headcount": headcount} if line["occupation_code"] == code
                       else line for line in lines]
            analyses.save_draft(analysis, values={}, lines=revised, actor=staff,
                                expected_version=None)
            analyses.finalise(analysis, actor=staff, expected_version=None)
            analyses.respond(analysis, user=admin, kind=ResponseKind.CONFIRMED, comment="")
        yield f"needs analysis for {name} ({analysis.state})"


# --- cohort trainings -------------------------------------------------------------------------

def _load_cohorts() -> Iterator[str]:
    """The 14-week cleaning course for 15, from the cleaning firms' course requests, and a
    planned kitchen course open to employers' interest."""
    from datetime import timedelta

    from portal.training import services as training
    from portal.training.enums import CohortState
    from portal.training.models import Cohort

    staff = accounts.get_by_email(CASE_OFFICER)
    if staff is None or not staff.active or db.session.scalar(select(func.count()).select_from(
            Cohort)):
        return
    today = local_today()
    monday = today + timedelta(days=7 * 5 - today.weekday())
    courses = [r.id for r in training.tailored_course_requests(occupation_code="9111")]
    cleaning = training.create_cohort(values={
        "title": "Lokalvård – yrkesutbildning med praktik", "sector": "cleaning",
        "occupation_code": "9111", "provider": "adult_education",
        "provider_name": "Komvux Härryda", "weeks": 14, "start_date": monday,
        "weekly_hours": 30, "location": "Mölnlycke", "seats": 15,
        "language_support": "Svenska för yrket; studiehandledning på arabiska och tigrinja",
        "description": "Städteknik, maskinell golvvård, hygien och arbetsmiljö, med sex "
                       "veckors praktik hos arbetsgivarna."}, actor=staff,
        request_ids=courses)
    training.transition(cleaning, CohortState.RECRUITING, actor=staff)
    yield f"course {cleaning.title} ({cleaning.state}, {len(cleaning.commitments)} employers)"
    kitchen = training.create_cohort(values={
        "title": "Restaurang- och köksbiträde", "sector": "kitchen",
        "occupation_code": "9412", "provider": "external", "provider_name": "Hotell- och "
        "restaurangskolan", "weeks": 10, "start_date": monday + timedelta(weeks=8),
        "weekly_hours": 35, "location": "Osby", "seats": 12, "language_support": "",
        "description": "Kök, servering och livsmedelshygien."}, actor=staff)
    yield f"course {kitchen.title} ({kitchen.state})"


# --- participants -----------------------------------------------------------------------------
#
# Invented people, identified by an invented case reference as the register requires.

PARTICIPANTS = [
    ("Amina", "Yusuf", "somaliska, svenska (grund)", "none", ["cleaning", "care"]),
    ("Bilal", "Haddad", "arabiska, svenska", "B", ["transport", "warehouse"]),
    ("Hewan", "Tesfaye", "tigrinja, svenska (grund)", "none", ["cleaning", "kitchen"]),
    ("Dragan", "Petrović", "bosniska, svenska", "C", ["transport"]),
    ("Leyla", "Karimi", "dari, engelska", "none", ["kitchen", "retail"]),
    ("Samir", "Nouri", "arabiska, engelska, svenska (grund)", "B", ["warehouse", "retail"]),
    ("Fatima", "Abdi", "somaliska, svenska", "none", ["care"]),
    ("Olena", "Kovalenko", "ukrainska, engelska", "B", ["cleaning", "care"]),
    ("Mehmet", "Yilmaz", "turkiska, svenska", "CE", ["transport", "warehouse"]),
    ("Aisha", "Mohammed", "arabiska, svenska (grund)", "none", ["kitchen", "cleaning"]),
]


# Hässleholm's Kommunservice holds the labour-market employments and subsidised jobs: the
# people in those placements are its participants, everyone else the other units' in turn.
EMPLOYMENT_UNIT = "Kommunservice"


def _unit(n: int) -> str:
    """The unit of the demo participant numbered n, when the portal has units."""
    from portal.participants import services as participants

    units = participants.units()
    others = [u for u in units if u != EMPLOYMENT_UNIT] or units
    return others[n % len(others)] if others else ""


def _load_participants() -> Iterator[str]:
    from portal.participants import services as participants
    from portal.participants.models import Participant

    staff = accounts.get_by_email(CASE_OFFICER)
    if staff is None or not staff.active or db.session.scalar(
            select(func.count()).select_from(Participant)):
        return
    for n, (first, last, languages, licence, sectors) in enumerate(PARTICIPANTS, start=101):
        person = participants.create(values={
            "first_name": first, "last_name": last, "case_reference": f"AME-2026-{n:04d}",
            "languages": languages, "driving_licence": licence, "unit": _unit(n),
            # Met over the last half year, about one a fortnight.
            "intake_on": local_today() - timedelta(days=12 + 14 * (n - 101))},
            sectors=sectors, actor=staff)
        yield f"participant {person.case_reference}"
    # The cleaning course takes those whose profile fits it.
    from portal.training import enrolment
    from portal.training.models import Cohort

    course = db.session.scalar(select(Cohort).where(Cohort.sector == "cleaning").limit(1))
    if course is not None:
        for person in enrolment.matching(course):
            placed = enrolment.enrol(course, person, actor=staff)
            yield f"enrolment {person.case_reference} ({placed.status})"


# --- a completed course with outcomes, and a running one ---------------------------------------
#
# The headline of the seeds: a 14-week cleaning course after which most went on to work.
# Dates count back from today, so the follow-up 90 days after the end is already due.

GRADUATES = [
    # first, last, languages, outcome at the end, employer, form, hours; follow-up outcome
    ("Nasra", "Ahmed", "somaliska, svenska", "employed", "Mölnlycke Lokalvård AB",
     "permanent", 30, "employed"),
    ("Yonas", "Berhe", "tigrinja, svenska (grund)", "employed", "Mölnlycke Lokalvård AB",
     "hourly", 20, "employed"),
    ("Rasha", "Saleh", "arabiska, svenska", "employed", "Helsingør Kantine og Rengøring ApS",
     "fixed_term", 37, "employed"),
    ("Jamal", "Osman", "somaliska, engelska", "subsidised", "Mölnlycke Lokalvård AB", "",
     None, "employed"),
    ("Tigist", "Alemu", "amhariska, svenska (grund)", "employed", "Mölnlycke Lokalvård AB",
     "fixed_term", 25, "employed"),
    ("Hassan", "Rahimi", "dari, svenska", "studies", "", "", None, "studies"),
    ("Mariam", "Jaber", "arabiska, svenska (grund)", "employed",
     "Helsingør Kantine og Rengøring ApS", "permanent", 30, "employed"),
    ("Abdi", "Warsame", "somaliska, svenska", "employed", "Mölnlycke Lokalvård AB",
     "hourly", 15, "continued_search"),
    ("Selam", "Haile", "tigrinja, svenska (grund)", "continued_search", "", "", None, "studies"),
    ("Iryna", "Bondarenko", "ukrainska, engelska", "other", "", "", None, "unknown"),  # left
]
CARE_LEARNERS = [
    ("Halima", "Dahir", "somaliska, svenska"),
    ("Zainab", "Hussein", "arabiska, svenska (grund)"),
    ("Ruth", "Gebremedhin", "tigrinja, svenska"),
    ("Kateryna", "Melnyk", "ukrainska, svenska (grund)"),
]


def _load_course_history() -> Iterator[str]:
    from datetime import timedelta

    from portal.participants import outcomes
    from portal.participants import services as participants
    from portal.training import attendance, enrolment
    from portal.training import services as training
    from portal.training.enums import CohortState
    from portal.training.models import Cohort

    staff = accounts.get_by_email(CASE_OFFICER)
    done_title = "Lokalvård – vårens kurs"
    if staff is None or not staff.active or db.session.scalar(
            select(Cohort.id).where(Cohort.title == done_title)):
        return
    today = local_today()
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=32)
    done = training.create_cohort(values={
        "title": done_title, "sector": "cleaning", "occupation_code": "9111",
        "provider": "adult_education", "provider_name": "Komvux Härryda", "weeks": 14,
        "start_date": start, "weekly_hours": 30, "location": "Mölnlycke", "seats": 15,
        "language_support": "Svenska för yrket", "description": "Städteknik, golvvård, "
        "hygien och arbetsmiljö, med praktik hos arbetsgivarna."}, actor=staff)
    employers_ = {}
    for name, hires in (("Mölnlycke Lokalvård AB", 6), ("Helsingør Kantine og Rengøring ApS",
                                                         2)):
        found = _demo_org(name)
        if found is not None:
            employers_[name] = found[0]
            training.set_commitment(done, found[0], actor=staff, interviews=True,
                                    hires=hires, hosts_practical=True)
    training.transition(done, CohortState.RECRUITING, actor=staff)
    people = []
    for n, (first, last, languages, *_rest) in enumerate(GRADUATES, start=201):
        person = participants.create(values={
            "first_name": first, "last_name": last, "case_reference": f"AME-2026-{n:04d}",
            "languages": languages, "driving_licence": "none", "unit": _unit(n),
            "intake_on": start - timedelta(days=10 + 3 * (n - 201))}, sectors=["cleaning"],
            actor=staff)
        placed = enrolment.enrol(done, person, actor=staff)
        placed.enrolled_on = start
        people.append((person, placed))
    training.transition(done, CohortState.RUNNING, actor=staff)
    ended = done.end_date
    for _person, placed in people[:-1]:
        enrolment.change(placed, "complete", actor=staff, on=ended)
    enrolment.change(people[-1][1], "drop_out", actor=staff, on=start + timedelta(weeks=5),
                     reason="Flyttade till annan kommun.")
    training.transition(done, CohortState.COMPLETED, actor=staff)
    follow_up = outcomes.follow_up_date(ended)
    for (person, _placed), row in zip(people, GRADUATES, strict=True):
        status, employer, form, hours, later = row[3:]
        org = employers_.get(employer)
        for checkpoint, what, on in (("end", status, ended), ("follow_up", later, follow_up)):
            if what is None or on > today:
                continue
            keep_job = what == status
            outcomes.record(person, outcomes.Values(
                status=what, organisation=org if keep_job else None,
                employer_name="" if keep_job or what not in ("employed", "subsidised")
                else "Städservice i Väst AB",
                employment_form=form if keep_job else "",
                weekly_hours=hours if keep_job else None, recorded_on=on),
                checkpoint=checkpoint, actor=staff, cohort_id=done.id)
    yield f"course {done.title} (completed, {len(people)} participants with outcomes)"

    care = training.create_cohort(values={
        "title": "Vård- och omsorgsbiträde", "sector": "care", "occupation_code": "5321",
        "provider": "vocational_college", "provider_name": "Yrkeshögskolan Hässleholm",
        "weeks": 12, "start_date": monday - timedelta(weeks=3), "weekly_hours": 32,
        "location": "Hässleholm", "seats": 10, "language_support": "Svenska för vården",
        "description": "Omvårdnad, hygien och dokumentation, med APL-veckor."}, actor=staff)
    found = _demo_org("Göinge Omsorg och Assistans AB")
    if found is not None:
        training.set_commitment(care, found[0], actor=staff, interviews=True, hires=4,
                                hosts_practical=True)
    training.transition(care, CohortState.RECRUITING, actor=staff)
    learners = []
    for n, (first, last, languages) in enumerate(CARE_LEARNERS, start=301):
        person = participants.create(values={
            "first_name": first, "last_name": last, "case_reference": f"AME-2026-{n:04d}",
            "languages": languages, "driving_licence": "none", "unit": _unit(n),
            "intake_on": monday - timedelta(weeks=3, days=7 + 2 * (n - 301))},
            sectors=["care"], actor=staff)
        placed = enrolment.enrol(care, person, actor=staff)
        placed.enrolled_on = care.start_date
        learners.append(placed)
    training.transition(care, CohortState.RUNNING, actor=staff)
    for week in attendance.weeks(care):
        if week >= monday:
            break
        attendance.save(care, week, {e.id: (32 if i else 28, 0 if i else 4)
                                     for i, e in enumerate(learners)}, actor=staff)
    yield f"course {care.title} (running, {len(learners)} participants)"


def _load_events() -> Iterator[str]:
    """A recruitment event held three weeks ago with its hires, and one coming up."""
    from portal.events.demo import seed

    staff = accounts.get_by_email(CASE_OFFICER)
    if staff is not None and staff.active:
        yield from seed(staff=staff, today=local_today())


def _load_supervision() -> Iterator[str]:
    """Supervisors in every state, mentor training held and coming, and placements:
    active (one with a missed follow-up), ended (hired by the host, interrupted) and one
    proposed. Placements go to participants on no course, so the measures do not overlap."""
    from portal.mentor_training.demo import seed as seed_sessions
    from portal.participants.models import Participant
    from portal.placements.demo import seed as seed_placements
    from portal.supervisors.demo import seed as seed_supervisors
    from portal.supervisors.models import Supervisor
    from portal.training.models import Enrolment

    staff = accounts.get_by_email(CASE_OFFICER)
    if staff is None or not staff.active:
        return
    today = local_today()
    for supervisor in seed_supervisors(staff=staff, today=today):
        yield f"supervisor {supervisor.email} ({supervisor.status})"
    supervisors = list(db.session.scalars(select(Supervisor).order_by(Supervisor.id)))
    for session in seed_sessions(staff=staff, today=today, supervisors=supervisors):
        yield f"mentor training {session.title} on {session.session_date} ({session.state})"
    on_no_course = list(db.session.scalars(
        select(Participant).where(~select(Enrolment.id).where(
            Enrolment.participant_id == Participant.id).exists())
        .order_by(Participant.id)))
    for placement in seed_placements(staff=staff, today=today, supervisors=supervisors,
                                     participants=on_no_course):
        yield f"placement {placement.id} at {placement.organisation.name} ({placement.state})"
        yield from _to_employment_unit(placement, staff)


def _to_employment_unit(placement, staff: User) -> Iterator[str]:
    """Someone in a labour-market employment or subsidised job moves to Kommunservice,
    when the portal has that unit."""
    from portal.participants import services as participants
    from portal.placements.checks import SUBSIDISED_TYPES

    person = placement.participant
    if placement.placement_type not in SUBSIDISED_TYPES \
            or EMPLOYMENT_UNIT not in participants.units() or person.unit == EMPLOYMENT_UNIT:
        return
    participants.update(person, values={"unit": EMPLOYMENT_UNIT}, sectors=[
        s.value for s in person.sectors], actor=staff, expected_version=None)
    yield f"participant {person.case_reference} now at {EMPLOYMENT_UNIT}"


def _load_history() -> Iterator[str]:
    """A year of history behind the results dashboard, once (portal/reports/demo.py)."""
    from portal.reports.demo import seed

    staff = accounts.get_by_email(CASE_OFFICER)
    if staff is not None and staff.active:
        yield from seed(staff=staff, today=local_today())
