"""The screening conversation guide: a few questions per sector, asked at the first meeting
to make the participant's sector profile ("brancheprofil", Helsingør's practice).

Shipped for the five sectors Helsingør recruits for; the answers are not stored, only
the sectors the person fits and a short note (collect only what the work needs).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.employers.enums import Sector

GUIDE: dict[Sector, list] = {
    Sector.RETAIL: [
        _l("Are you comfortable talking with customers all day, also in Swedish?"),
        _l("Can you stand and walk most of the shift and lift goods up to 15 kg?"),
        _l("Can you work evenings and weekends?"),
    ],
    Sector.KITCHEN: [
        _l("Have you worked in a kitchen or canteen, at home or in another country?"),
        _l("Can you keep up a fast pace and work standing, with heat and wet floors?"),
        _l("Do you know, or want to learn, the basic rules of food hygiene?"),
    ],
    Sector.CLEANING: [
        _l("Can you work early mornings or evenings, alone or in a small team?"),
        _l("Can you handle cleaning chemicals (no allergies or skin problems)?"),
        _l("Can you follow a written or pictured work order?"),
    ],
    Sector.CARE: [
        _l("Do you want to help people with personal care: washing, dressing, meals?"),
        _l("Can you lift and move people with the help of aids?"),
        _l("Can you talk with the people you care for and write short notes in Swedish?"),
    ],
    Sector.TRANSPORT: [
        _l("Which driving licence do you have, and for how long?"),
        _l("Can you work early, late or irregular hours?"),
        _l("Can you load and unload goods?"),
    ],
}
