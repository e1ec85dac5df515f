"""Stored scripts (scripts.py): a script belongs to one token and keeps its last
MAX_SCRIPT_VERSIONS versions; per-script call statistics, one row per latency bucket, so
that every worker and replica adds its counts with one upsert.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scripts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("token_id", sa.Integer, sa.ForeignKey("tokens.id"), nullable=False),
        sa.Column("ws_id", sa.String(255)),
        sa.Column("email", sa.String(255)),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),  # the current version, the one that runs
        sa.Column("ip_whitelist", sa.Text),  # JSON list of addresses and CIDRs; NULL: any address
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_scripts_token_id", "scripts", ["token_id"])
    op.create_table(
        "script_versions",
        sa.Column("script_id", sa.String(32), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("code_base64", sa.Text, nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),  # sha256 of the decoded code
        sa.Column("code_length", sa.Integer, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "script_stats",
        sa.Column("script_id", sa.String(32), primary_key=True),
        sa.Column("bucket", sa.Integer, primary_key=True),  # index into scripts.LATENCY_BUCKETS_MS
        sa.Column("calls", sa.BigInteger, nullable=False),
        sa.Column("errors", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("script_stats")
    op.drop_table("script_versions")
    op.drop_index("ix_scripts_token_id", "scripts")
    op.drop_table("scripts")
