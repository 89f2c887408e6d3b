"""languages and regions: every country's ratings, TMDb text per language, tag translations

Revision ID: 5e1c0a9d2f47
Revises: 74fb8586183d
Create Date: 2026-11-30 08:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1c0a9d2f47'
down_revision = '74fb8586183d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('identity_tags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))
    with op.batch_alter_table('media_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ratings', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('tagline', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table('media_items', schema=None) as batch_op:
        batch_op.drop_column('translations')
        batch_op.drop_column('tagline')
        batch_op.drop_column('ratings')
    with op.batch_alter_table('identity_tags', schema=None) as batch_op:
        batch_op.drop_column('translations')
