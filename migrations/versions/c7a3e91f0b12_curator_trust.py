"""items remember their source and image host; lists keep TMDb's order; stored /configuration

Revision ID: c7a3e91f0b12
Revises: 5a3e1c9b7d20
Create Date: 2026-11-30 08:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7a3e91f0b12'
down_revision = '5a3e1c9b7d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('identity_tags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keyword_matches', sa.JSON(), nullable=True))
    with op.batch_alter_table('media_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('image_base_url', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('missing_since', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('media_lists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tmdb_order', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('target_size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('excluded_titles', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('kept_tmdb_ids', sa.JSON(), nullable=True))
    op.create_table(
        'tmdb_configurations',
        sa.Column('source', sa.String(length=8), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('source'),
    )


def downgrade():
    op.drop_table('tmdb_configurations')
    with op.batch_alter_table('media_lists', schema=None) as batch_op:
        batch_op.drop_column('kept_tmdb_ids')
        batch_op.drop_column('excluded_titles')
        batch_op.drop_column('target_size')
        batch_op.drop_column('tmdb_order')
    with op.batch_alter_table('media_items', schema=None) as batch_op:
        batch_op.drop_column('missing_since')
        batch_op.drop_column('image_base_url')
        batch_op.drop_column('source')
    with op.batch_alter_table('identity_tags', schema=None) as batch_op:
        batch_op.drop_column('keyword_matches')
