"""Usage: the history of count quotas (quota_logs) and day buckets of executions per token
(usage_daily) and per required module (module_daily), written in batches by usage.py and
kept STATS_RETENTION_DAYS / QUOTA_LOG_RETENTION_DAYS. Days are YYYY-MM-DD in TIMEZONE;
times are ISO 8601 UTC text, as 0001's. token_id 0 is "no token" (auth off).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quota_logs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),  # consume / add / set / reset
        sa.Column("change", sa.Integer, nullable=False),  # -1 per call; the admin's change otherwise
        sa.Column("remaining", sa.Integer),  # what was left after it
        sa.Column("request_id", sa.String(128)),
    )
    op.create_index("ix_quota_logs_token", "quota_logs", ["token_id", "id"])
    op.create_index("ix_quota_logs_created", "quota_logs", ["created_at"])
    op.create_table(
        "usage_daily",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("token_id", sa.Integer, primary_key=True),
        sa.Column("calls", sa.Integer, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
    )
    op.create_table(
        "module_daily",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("module", sa.String(128), primary_key=True),
        sa.Column("token_id", sa.Integer, primary_key=True),
        sa.Column("calls", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("module_daily")
    op.drop_table("usage_daily")
    op.drop_index("ix_quota_logs_created", "quota_logs")
    op.drop_index("ix_quota_logs_token", "quota_logs")
    op.drop_table("quota_logs")
