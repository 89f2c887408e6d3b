"""curator session generation and sync heartbeat

Revision ID: 5e55a0c0ffee
Revises: c7a3e91f0b12
Create Date: 2026-11-30 09:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e55a0c0ffee'
down_revision = 'c7a3e91f0b12'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('curators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('sync_audits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('sync_audits', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
    with op.batch_alter_table('curators', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
