"""indexes for the staff inbox

Revision ID: 4a1d3c0f9e21
Revises: b3ba63cc5a0e
Create Date: 2026-11-22 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4a1d3c0f9e21'
down_revision = 'b3ba63cc5a0e'
branch_labels = None
depends_on = None


def upgrade():
    # The inbox's default order (submitted_at DESC, id DESC) and date ranges: the first
    # page reads 25 index entries instead of sorting every request.
    op.create_index('ix_service_requests_submitted', 'service_requests',
                    ['submitted_at', 'id'], unique=False)
    # The inbox sorted by organisation (lower(name)).
    op.create_index('ix_organisations_name_lower', 'organisations', [sa.text('lower(name)')],
                    unique=False)


def downgrade():
    op.drop_index('ix_organisations_name_lower', table_name='organisations')
    op.drop_index('ix_service_requests_submitted', table_name='service_requests')
