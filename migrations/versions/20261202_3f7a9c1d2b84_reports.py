"""reports: participants' unit, placements' sector, indexes the results dashboard reads

Revision ID: 3f7a9c1d2b84
Revises: 71b67f67b436
Create Date: 2026-12-02 18:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '3f7a9c1d2b84'
down_revision = '71b67f67b436'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit', sa.String(length=80), nullable=False,
                                      server_default=''))
        batch_op.create_index(batch_op.f('ix_participants_unit'), ['unit'], unique=False)

    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sector', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_placements_sector'), ['sector'], unique=False)
        batch_op.create_index('ix_placements_ended_on', ['ended_on'], unique=False)

    # Existing placements take their host's sector when it has exactly one; else it stays
    # unknown (shown as "sector not stated" in the reports) until staff set it.
    op.execute(
        "UPDATE placements SET sector = (SELECT MIN(s.sector) FROM organisation_sectors s"
        " WHERE s.organisation_id = placements.organisation_id)"
        " WHERE (SELECT COUNT(*) FROM organisation_sectors s"
        " WHERE s.organisation_id = placements.organisation_id) = 1")

    with op.batch_alter_table('cohort_enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_cohort_enrolments_ended_on', ['ended_on'], unique=False)

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index('ix_organisations_created_at', ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index('ix_organisations_created_at')

    with op.batch_alter_table('cohort_enrolments', schema=None) as batch_op:
        batch_op.drop_index('ix_cohort_enrolments_ended_on')

    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index('ix_placements_ended_on')
        batch_op.drop_index(batch_op.f('ix_placements_sector'))
        batch_op.drop_column('sector')

    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participants_unit'))
        batch_op.drop_column('unit')
