"""devices (PostgreSQL only: JSONB with a GIN index)

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(32), nullable=False, unique=True),
        sa.Column("config", postgresql.JSONB, nullable=False, server_default="{}"),
    )
    op.create_index("ix_devices_config", "devices", ["config"], postgresql_using="gin")


def downgrade() -> None:
    op.drop_table("devices")
