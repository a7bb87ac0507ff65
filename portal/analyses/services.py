"""Needs analyses: start one from requests and needs, write it, finalise, revise, answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.analyses.enums import (
    ACTION_FOR_KIND,
    AnalysisState,
    RecommendedAction,
    ResponseKind,
)
from portal.analyses.models import (
    AnalysisLine,
    AnalysisResponse,
    AnalysisVersion,
    NeedsAnalysis,
)
from portal.core import audit
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.mail import queue_mail
from portal.core.models import utcnow
from portal.core.search import like_pattern
from portal.employers import occupations
from portal.employers.enums import NeedStatus, NeedTimeframe
from portal.employers.models import HiringNeed, Organisation
from portal.extensions import db
from portal.requests.enums import FINAL_STATES, RequestState
from portal.requests.models import ServiceRequest

TEXT_MAX = {"participants": 500, "skills_gaps": 4000, "actions_note": 2000}
HEADER = ("meeting_date", "participants", "skills_gaps", "actions", "actions_note",
          "follow_up_date")
LINE_FIELDS = ("occupation_code", "occupation_other", "headcount", "timeframe",
               "requirements", "training_needed")
MAX_LINES = 40
COMMENT_MAX = 2000


class Incomplete(DomainError):
    """What stops a draft from being finalised, each on its field."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(_("The analysis is not complete yet."))
        self.problems = problems


def check_version(analysis: NeedsAnalysis, expected: int | None) -> None:
    if expected is not None and expected != analysis.version_id:
        raise ConflictError(_("Someone else changed this needs analysis while you were "
                              "working on it. Their version is shown; make your changes "
                              "again."))


def _touch(analysis: NeedsAnalysis) -> None:
    # Any change to the draft bumps the analysis' version, so that a colleague
    # holding an older page is told rather than overwritten.
    analysis.updated_at = utcnow()


# --- starting ---------------------------------------------------------------------------------

def open_requests(org: Organisation) -> list[ServiceRequest]:
    """The organisation's submitted requests an analysis may answer (not drafts, not closed)."""
    return list(db.session.scalars(
        select(ServiceRequest).where(ServiceRequest.organisation_id == org.id,
                                     ServiceRequest.state != RequestState.DRAFT,
                                     ServiceRequest.state.not_in(list(FINAL_STATES)))
        .order_by(ServiceRequest.id.desc())))


def open_needs(org: Organisation) -> list[HiringNeed]:
    return list(db.session.scalars(
        select(HiringNeed).where(HiringNeed.organisation_id == org.id,
                                 HiringNeed.status == NeedStatus.OPEN)
        .order_by(HiringNeed.id)))


def _line_from_need(need: HiringNeed, training: bool) -> dict:
    requirements = need.other_requirements
    return {"occupation_code": need.occupation_code, "occupation_other": need.occupation_other,
            "headcount": need.headcount, "timeframe": need.timeframe,
            "requirements": requirements[:500], "training_needed": training}


def start(org: Organisation, *, actor: User, request_ids=(), need_ids=(),
          meeting_date: date | None = None) -> NeedsAnalysis:
    """A draft analysis for the organisation, filled in from the chosen requests and needs.

    The needs (chosen, or linked to a chosen request) become lines; a tailored-course
    request marks its needs' lines as needing training; each request kind suggests
    its recommended action.
    """
    if not actor.is_staff:
        raise DomainError(_("Only staff write needs analyses."))
    requests = [r for r in open_requests(org) if r.id in set(request_ids)]
    needs = {n.id: n for n in open_needs(org)}
    if len(requests) != len(set(request_ids)):
        raise DomainError(_("Choose among this organisation's open requests."), "request_ids")
    if any(i not in needs for i in need_ids):
        raise DomainError(_("Choose among this organisation's open hiring needs."), "need_ids")
    chosen = {i: needs[i] for i in need_ids}
    training = set()
    for req in requests:
        for need in req.needs:
            if need.status == NeedStatus.OPEN:
                chosen.setdefault(need.id, need)
                if req.kind == "tailored_course":
                    training.add(need.id)
    actions = {ACTION_FOR_KIND[r.kind] for r in requests if r.kind in ACTION_FOR_KIND}
    analysis = NeedsAnalysis(organisation_id=org.id, created_by_id=actor.id, draft_number=1)
    analysis.requests = requests
    analysis.needs = [chosen[i] for i in sorted(chosen)]
    version = AnalysisVersion(
        number=1, created_by_id=actor.id, meeting_date=meeting_date,
        actions=",".join(a.value for a in RecommendedAction if a in actions))
    version.lines = [AnalysisLine(position=i, **_line_from_need(n, n.id in training))
                     for i, n in enumerate(analysis.needs)]
    analysis.versions.append(version)
    db.session.add(analysis)
    db.session.flush()
    audit.record("analysis.created", analysis, actor=actor, changes={
        "requests": [r.reference for r in requests], "needs": sorted(chosen),
        "lines": len(version.lines)})
    return analysis


# --- writing ----------------------------------------------------------------------------------

def _clean_lines(lines: list[dict]) -> list[dict]:
    out = []
    for i, line in enumerate(lines[:MAX_LINES]):
        code = line.get("occupation_code") or ""
        other = (line.get("occupation_other") or "").strip()[:120]
        if code != occupations.OTHER:
            other = ""
        if code != occupations.OTHER and code not in occupations.CODES:
            raise DomainError(_("Choose an occupation from the list."),
                              f"line-{i}-occupation_code")
        if code == occupations.OTHER and not other:
            raise DomainError(_("Describe the occupation."), f"line-{i}-occupation_other")
        headcount = line.get("headcount")
        if not isinstance(headcount, int) or not 1 <= headcount <= 500:
            raise DomainError(_("Enter a number from 1 to 500."), f"line-{i}-headcount")
        if line.get("timeframe") not in set(NeedTimeframe):
            raise DomainError(_("Choose when they are needed."), f"line-{i}-timeframe")
        out.append({"occupation_code": code, "occupation_other": other,
                    "headcount": headcount, "timeframe": str(line["timeframe"]),
                    "requirements": (line.get("requirements") or "").strip()[:500],
                    "training_needed": bool(line.get("training_needed"))})
    return out


def _clean_header(values: dict) -> dict:
    out = {}
    for name in HEADER:
        if name not in values:
            continue
        value = values[name]
        if name in TEXT_MAX:
            value = (value or "").strip()
            if len(value) > TEXT_MAX[name]:
                raise DomainError(_("Use at most %(max)d characters.", max=TEXT_MAX[name]),
                                  name)
        elif name == "actions":
            chosen = set(value or ())
            value = ",".join(a.value for a in RecommendedAction if a.value in chosen)
        out[name] = value
    meeting, follow_up = out.get("meeting_date"), out.get("follow_up_date")
    if meeting and follow_up and follow_up <= meeting:
        raise DomainError(_("The follow-up comes after the meeting."), "follow_up_date")
    return out


def _line_text(line: dict) -> str:
    text = f"{occupations.label(line['occupation_code'], line['occupation_other'])}: " \
           f"{line['headcount']} ({NeedTimeframe(line['timeframe']).label})"
    return text + (", " + _("training needed") if line["training_needed"] else "")


def line_values(version: AnalysisVersion) -> list[dict]:
    return [{k: getattr(line, k) for k in LINE_FIELDS} for line in version.lines]


def save_draft(analysis: NeedsAnalysis, *, values: dict, lines: list[dict], actor: User,
               expected_version: int | None) -> dict:
    """Save the draft's text and lines; returns what changed (also audited)."""
    check_version(analysis, expected_version)
    draft = analysis.draft
    if draft is None:
        raise DomainError(_("This analysis is final. Start a new version to change it."))
    header = _clean_header(values)
    clean_lines = _clean_lines(lines)
    changes = audit.diff(draft, header)
    before = line_values(draft)
    if before != clean_lines:
        changes["lines"] = ("; ".join(_line_text(v) for v in before),
                            "; ".join(_line_text(v) for v in clean_lines))
        draft.lines = [AnalysisLine(position=i, **v) for i, v in enumerate(clean_lines)]
    if changes:
        _touch(analysis)
        audit.record("analysis.updated", analysis, actor=actor,
                     changes={"version": draft.number, **changes})
        db.session.flush()
    return changes


def problems(version: AnalysisVersion, today: date | None = None) -> list[tuple[str, str]]:
    today = today or local_today()
    found = []
    if version.meeting_date is None:
        found.append(("meeting_date", _("Enter the date of the meeting.")))
    elif version.meeting_date > today:
        found.append(("meeting_date", _("An analysis is final after the meeting; the date "
                                        "cannot be in the future.")))
    if not version.participants:
        found.append(("participants", _("Write who took part.")))
    if not version.lines:
        found.append(("lines", _("Add at least one need: occupation, number and when.")))
    if not version.actions:
        found.append(("actions", _("Choose at least one recommended action.")))
    if version.follow_up_date is None:
        found.append(("follow_up_date", _("Enter when to follow up.")))
    return found


def finalise(analysis: NeedsAnalysis, *, actor: User, expected_version: int | None) -> int:
    """Make the draft the final version the employer sees; returns its number."""
    check_version(analysis, expected_version)
    draft = analysis.draft
    if draft is None:
        raise DomainError(_("There is no draft to finalise."))
    found = problems(draft)
    if found:
        raise Incomplete(found)
    now = utcnow()
    draft.is_final = True
    draft.finalised_at = now
    draft.finalised_by_id = actor.id
    analysis.final_number = draft.number
    analysis.draft_number = None
    analysis.finalised_at = now
    db.session.flush()
    audit.record("analysis.finalised", analysis, actor=actor,
                 changes={"state": (AnalysisState.DRAFT, AnalysisState.FINAL),
                          "version": draft.number})
    _mail_contacts(analysis, "analysis_final", version=draft)
    return draft.number


def revise(analysis: NeedsAnalysis, *, actor: User, expected_version: int | None
           ) -> AnalysisVersion:
    """Start the next version as a draft copy of the final one (the final stays as it is)."""
    check_version(analysis, expected_version)
    if analysis.draft is not None:
        return analysis.draft
    final = analysis.final
    if final is None:
        raise DomainError(_("There is no final version to revise."))
    draft = AnalysisVersion(
        number=final.number + 1, created_by_id=actor.id,
        **{k: getattr(final, k) for k in HEADER})
    draft.lines = [AnalysisLine(position=i, **v) for i, v in enumerate(line_values(final))]
    analysis.versions.append(draft)
    analysis.draft_number = draft.number
    db.session.flush()
    audit.record("analysis.revised", analysis, actor=actor, changes={"version": draft.number})
    return draft


def discard_draft(analysis: NeedsAnalysis, *, actor: User, expected_version: int | None
                  ) -> bool:
    """Throw the draft away; returns False when that removed the whole (never final) analysis."""
    check_version(analysis, expected_version)
    draft = analysis.draft
    if draft is None:
        raise DomainError(_("There is no draft to discard."))
    if analysis.final_number is None:
        audit.record("analysis.deleted", analysis, actor=actor,
                     changes={"organisation_id": analysis.organisation_id})
        db.session.delete(analysis)
        db.session.flush()
        return False
    analysis.versions.remove(draft)
    analysis.draft_number = None
    audit.record("analysis.draft_discarded", analysis, actor=actor,
                 changes={"version": draft.number})
    db.session.flush()
    return True


# --- the employer's answer ------------------------------------------------------------------

def respond(analysis: NeedsAnalysis, *, user: User, kind: ResponseKind, comment: str
            ) -> AnalysisResponse:
    if analysis.final_number is None:
        raise DomainError(_("The analysis is not final yet."))
    comment = (comment or "").strip()
    if kind == ResponseKind.COMMENTED and not comment:
        raise DomainError(_("Write your comment."), "comment")
    if len(comment) > COMMENT_MAX:
        raise DomainError(_("Use at most %(max)d characters.", max=COMMENT_MAX), "comment")
    response = AnalysisResponse(analysis_id=analysis.id, version_number=analysis.final_number,
                                user_id=user.id, kind=kind, comment=comment)
    db.session.add(response)
    db.session.flush()
    audit.record("analysis.response", analysis, actor=user,
                 changes={"kind": str(kind), "version": analysis.final_number})
    _mail_staff(analysis, response)
    return response


def responses(analysis: NeedsAnalysis) -> list[AnalysisResponse]:
    return list(db.session.scalars(
        select(AnalysisResponse).where(AnalysisResponse.analysis_id == analysis.id)
        .order_by(AnalysisResponse.id)))


def confirmed_by(analysis: NeedsAnalysis, version_number: int | None) -> AnalysisResponse | None:
    for response in reversed(responses(analysis)):
        if response.version_number == version_number and \
                response.kind == ResponseKind.CONFIRMED:
            return response
    return None


# --- mail -------------------------------------------------------------------------------------

def _mail_contacts(analysis: NeedsAnalysis, template: str, **context) -> None:
    from portal.accounts.services import external_url
    from portal.employers.services import active_users

    link = external_url("analyses.employer_view", org_id=analysis.organisation_id,
                        analysis_id=analysis.id)
    for user in active_users(analysis.organisation):
        queue_mail(template, user.email, user.locale, related=analysis, user=user,
                   organisation=analysis.organisation, link=link, **context)


def _mail_staff(analysis: NeedsAnalysis, response: AnalysisResponse) -> None:
    """The analysis' author hears of the answer; else the unit's shared inbox."""
    from portal.accounts.services import external_url

    link = external_url("analyses.detail", analysis_id=analysis.id)
    author = analysis.created_by
    if author is not None and author.active and author.is_staff:
        recipients = [(author.email, author.locale)]
    else:
        inbox = current_app.config.get("PORTAL_STAFF_INBOX")
        recipients = [(inbox, current_app.config["BABEL_DEFAULT_LOCALE"])] if inbox else []
    for address, locale in recipients:
        queue_mail("analysis_response_staff", address, locale, related=analysis,
                   organisation=analysis.organisation, response=response, link=link)


# --- lists ------------------------------------------------------------------------------------

@dataclass
class Filters:
    state: str | None = None
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Filters:
        state = args.get("state") or None
        page = args.get("page", "")
        q = "".join(ch for ch in (args.get("q") or "") if ch.isprintable()).strip()[:100]
        return cls(state=state if state in set(AnalysisState) else None, q=q,
                   page=max(1, int(page)) if page.isdecimal() and len(page) < 7 else 1)


def staff_list(filters: Filters, per_page: int):
    """Analyses with the version staff work on, newest first; a constant number of queries."""
    current = and_(AnalysisVersion.analysis_id == NeedsAnalysis.id,
                   AnalysisVersion.number == func.coalesce(NeedsAnalysis.draft_number,
                                                           NeedsAnalysis.final_number))
    query = (select(NeedsAnalysis, AnalysisVersion).join(AnalysisVersion, current)
             .join(Organisation, Organisation.id == NeedsAnalysis.organisation_id))
    if filters.state == AnalysisState.DRAFT:
        query = query.where(NeedsAnalysis.final_number.is_(None))
    elif filters.state == AnalysisState.FINAL:
        query = query.where(NeedsAnalysis.final_number.is_not(None),
                            NeedsAnalysis.draft_number.is_(None))
    elif filters.state == AnalysisState.REVISING:
        query = query.where(NeedsAnalysis.final_number.is_not(None),
                            NeedsAnalysis.draft_number.is_not(None))
    if filters.q:
        like = like_pattern(filters.q)
        query = query.where(or_(Organisation.name.ilike(like, escape="\\"),
                                Organisation.org_number.ilike(like, escape="\\")))
    query = query.order_by(NeedsAnalysis.updated_at.desc(), NeedsAnalysis.id.desc())
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // per_page))
    page = max(1, min(filters.page, pages))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total, page, pages


def for_organisation(org: Organisation, *, final_only: bool, limit: int | None = None
                     ) -> list[tuple]:
    """(analysis, version shown) for an organisation: the employer sees final versions only."""
    number = NeedsAnalysis.final_number if final_only else \
        func.coalesce(NeedsAnalysis.draft_number, NeedsAnalysis.final_number)
    query = (select(NeedsAnalysis, AnalysisVersion)
             .join(AnalysisVersion, and_(AnalysisVersion.analysis_id == NeedsAnalysis.id,
                                         AnalysisVersion.number == number))
             .where(NeedsAnalysis.organisation_id == org.id)
             .order_by(NeedsAnalysis.id.desc()).limit(limit))
    return [tuple(row) for row in db.session.execute(query).all()]


def follow_ups_due(user: User, until: date, limit: int = 50) -> list[tuple]:
    """(analysis, final version) the user wrote whose follow-up date is due by ``until``."""
    query = (select(NeedsAnalysis, AnalysisVersion)
             .join(AnalysisVersion, and_(AnalysisVersion.analysis_id == NeedsAnalysis.id,
                                         AnalysisVersion.number == NeedsAnalysis.final_number))
             .where(NeedsAnalysis.created_by_id == user.id,
                    AnalysisVersion.follow_up_date <= until)
             .order_by(AnalysisVersion.follow_up_date, NeedsAnalysis.id).limit(limit))
    return [tuple(row) for row in db.session.execute(query).all()]


def get(analysis_id: int) -> NeedsAnalysis | None:
    return db.session.scalar(
        select(NeedsAnalysis).where(NeedsAnalysis.id == analysis_id)
        .options(selectinload(NeedsAnalysis.versions), selectinload(NeedsAnalysis.requests),
                 selectinload(NeedsAnalysis.needs)))


# --- history ----------------------------------------------------------------------------------

AUDIT_ACTIONS = {
    "analysis.created": _l("Started"),
    "analysis.updated": _l("Draft changed"),
    "analysis.finalised": _l("Made final"),
    "analysis.revised": _l("New version started"),
    "analysis.draft_discarded": _l("Draft discarded"),
    "analysis.response": _l("Answered by the employer"),
}

FIELD_LABELS = {
    "meeting_date": _l("Meeting date"),
    "participants": _l("Who took part"),
    "skills_gaps": _l("Skills gaps"),
    "actions": _l("Recommended actions"),
    "actions_note": _l("More about the actions"),
    "follow_up_date": _l("Follow-up date"),
    "lines": _l("Needs"),
    "state": _l("Status"),
}


@dataclass
class HistoryLine:
    at: object
    actor: str
    action: str
    version: int | None
    changes: list[tuple[str, str, str]]


def _display(key: str, value) -> str:
    if value in (None, ""):
        return "–"
    if key == "actions":
        return ", ".join(RecommendedAction(v).label for v in str(value).split(",")
                         if v in set(RecommendedAction))
    if key == "state" and value in set(AnalysisState):
        return AnalysisState(value).label
    return str(value)


def history(analysis: NeedsAnalysis) -> list[HistoryLine]:
    rows = audit.trail(analysis)
    out = []
    for event, name in rows:
        details = event.changes or {}
        changes = []
        for key, value in details.items():
            if isinstance(value, dict) and set(value) == {"before", "after"}:
                changes.append((str(FIELD_LABELS.get(key, key)),
                                _display(key, value["before"]), _display(key, value["after"])))
        version = details.get("version")
        out.append(HistoryLine(event.created_at, name or "–",
                               str(AUDIT_ACTIONS.get(event.action, event.action)),
                               version if isinstance(version, int) else None, changes))
    return out
