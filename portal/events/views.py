"""Recruitment events: staff plan and run them; employers confirm and see theirs."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("events", __name__)
