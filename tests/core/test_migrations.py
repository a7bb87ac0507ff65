"""Migrations upgrade and downgrade cleanly, and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from portal import create_app
from portal.extensions import db
from tests.support import fresh_database


def test_upgrade_downgrade_upgrade_and_models_match(tmp_path):
    with fresh_database(tmp_path) as url:
        app = create_app({"PORTAL_ENV": "test", "SECRET_KEY": "x", "INSTANCE_PATH":
                          str(tmp_path), "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(context, db.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            assert "organisations" in inspect(db.engine).get_table_names()
            db.engine.dispose()
