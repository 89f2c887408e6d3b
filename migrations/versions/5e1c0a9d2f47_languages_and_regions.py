"""languages and regions: every country's ratings, TMDb text and genre names per language, tag translations

Revision ID: 5e1c0a9d2f47
Revises: 5e55a0c0ffee
Create Date: 2026-11-30 08:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1c0a9d2f47'
down_revision = '5e55a0c0ffee'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'genre_names',
        sa.Column('media_type', sa.String(length=8), nullable=False),
        sa.Column('genre_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('media_type', 'genre_id', 'language'),
    )
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
    op.drop_table('genre_names')
