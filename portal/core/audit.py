"""Writing the audit trail: who changed what, when, before -> after."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from portal.core.models import AuditEvent
from portal.extensions import db


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


def record(action: str, obj: Any = None, *, actor=None, changes: dict | None = None,
           object_type: str | None = None, object_id: int | None = None) -> AuditEvent:
    """Add an audit event to the current transaction.

    ``changes`` maps field -> (before, after), or any plain detail dict.
    """
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    plain = None
    if changes:
        plain = {}
        for key, value in changes.items():
            if isinstance(value, tuple) and len(value) == 2:
                plain[key] = {"before": _plain(value[0]), "after": _plain(value[1])}
            else:
                plain[key] = _plain(value)
    event = AuditEvent(
        action=action,
        object_type=object_type or "system",
        object_id=object_id,
        actor_id=getattr(actor, "id", None),
        changes=plain,
        remote_addr=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def diff(obj: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Apply ``values`` to ``obj`` and return what actually changed."""
    changed = {}
    for key, new in values.items():
        old = getattr(obj, key)
        if old != new:
            changed[key] = (old, new)
            setattr(obj, key, new)
    return changed


def trail(obj: Any) -> list:
    """The audit events of one record, oldest first, each with the actor's name (or None):
    the change log shown on a record's staff page."""
    from sqlalchemy import select

    from portal.accounts.models import User

    return list(db.session.execute(
        select(AuditEvent, User.full_name).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.object_type == obj.__tablename__, AuditEvent.object_id == obj.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)).all())
