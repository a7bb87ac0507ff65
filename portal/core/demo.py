"""Demo data, built by calling the services (so it obeys every rule)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from portal.accounts import services as accounts
from portal.accounts.enums import Role
from portal.core.mail import deliver
from portal.employers import services as employers
from portal.employers.models import Organisation
from portal.extensions import db

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
    db.session.commit()
    deliver()
