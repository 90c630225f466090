"""pki: the public trust store (CA and signer certificates, CRLs) in the database, shared by every app server

Revision ID: c4e6a8b0d2f3
Revises: b3d5f7a9c1e2
Create Date: 2026-11-29 17:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e6a8b0d2f3'
down_revision = 'b3d5f7a9c1e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'trust_file',
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_trust_file')),
    )


def downgrade():
    op.drop_table('trust_file')
