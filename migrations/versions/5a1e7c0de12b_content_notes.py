"""content notes on titles, and their audit

Revision ID: 5a1e7c0de12b
Revises: 5e1c0a9d2f47
Create Date: 2026-11-30 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a1e7c0de12b'
down_revision = '5e1c0a9d2f47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('title_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_item_id', sa.Integer(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('text', sa.String(length=280), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['media_item_id'], ['media_items.id'], name=op.f('fk_title_notes_media_item_id_media_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_title_notes')),
    sa.UniqueConstraint('media_item_id', name=op.f('uq_title_notes_media_item_id'))
    )
    op.create_table('note_audits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_item_id', sa.Integer(), nullable=False),
    sa.Column('curator_id', sa.Integer(), nullable=True),
    sa.Column('curator_email', sa.String(length=254), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('notes_before', sa.JSON(), nullable=False),
    sa.Column('notes_after', sa.JSON(), nullable=False),
    sa.Column('text_before', sa.String(length=280), nullable=False),
    sa.Column('text_after', sa.String(length=280), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['curator_id'], ['curators.id'], name=op.f('fk_note_audits_curator_id_curators'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['media_item_id'], ['media_items.id'], name=op.f('fk_note_audits_media_item_id_media_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note_audits'))
    )
    with op.batch_alter_table('note_audits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_audits_changed_at'), ['changed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_note_audits_media_item_id'), ['media_item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('note_audits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_audits_media_item_id'))
        batch_op.drop_index(batch_op.f('ix_note_audits_changed_at'))
    op.drop_table('note_audits')
    op.drop_table('title_notes')
