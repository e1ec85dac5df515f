"""Tokens as Flow-CodeBlock has them: owner (ws_id, email), expiry, their own rate limit,
a quota (time/count/hybrid) and the most scripts they may own. Times are ISO 8601 UTC text,
as 0001's (comparable as strings in any database).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("ws_id", sa.String(255)),
    ("email", sa.String(255)),
    ("expires_at", sa.String(32)),  # NULL: never
    ("operation_type", sa.String(16)),  # add / set / unlimited, as it was created or last updated
    ("rate_limit_per_minute", sa.Integer),  # NULL: the service's defaults (RATE_LIMIT_TOKEN_*)
    ("rate_limit_burst", sa.Integer),
    ("rate_limit_window_seconds", sa.Integer),
    ("quota_type", sa.String(16)),  # time / count / hybrid (NULL read as time)
    ("total_quota", sa.Integer),
    ("remaining_quota", sa.Integer),
    ("max_scripts", sa.Integer),
    ("updated_at", sa.String(32)),
)


def upgrade() -> None:
    with op.batch_alter_table("tokens") as batch:
        for name, kind in _COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    op.create_index("ix_tokens_ws_id", "tokens", ["ws_id"])
    op.create_index("ix_tokens_email", "tokens", ["email"])


def downgrade() -> None:
    op.drop_index("ix_tokens_email", "tokens")
    op.drop_index("ix_tokens_ws_id", "tokens")
    with op.batch_alter_table("tokens") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
