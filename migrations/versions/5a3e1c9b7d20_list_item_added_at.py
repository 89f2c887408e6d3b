"""list item added_at

Revision ID: 5a3e1c9b7d20
Revises: 74fb8586183d
Create Date: 2026-11-30 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a3e1c9b7d20'
down_revision = '74fb8586183d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('media_list_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('added_at', sa.DateTime(timezone=True),
                                      server_default=sa.func.current_timestamp(), nullable=False))


def downgrade():
    with op.batch_alter_table('media_list_items', schema=None) as batch_op:
        batch_op.drop_column('added_at')
