"""What a worker imports (issue #20): the database stack (SQLAlchemy, Alembic) costs ~30 MB of
RSS per worker, so a service without a database (auth and the admin API off, the default)
must not import it; with one, it does. Each case builds the app in a fresh interpreter, as
uvicorn's factory does in a worker (`create_app()`, settings from the environment)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DATABASE_STACK = ("sqlalchemy", "alembic")

_BUILD_APP = """
import json, sys
from flow_codeblock.api import create_app
create_app()
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {stack!r})))
"""


def loaded_database_modules(tmp_path: Path, **env: str) -> list[str]:
    """The database stack's modules loaded once `create_app()` has built the app with `env`
    alone (nothing of this process's environment that could name a setting)."""
    environ = {"PATH": os.environ.get("PATH", ""), "LOG_LEVEL": "warning", **env}
    done = subprocess.run([sys.executable, "-c", _BUILD_APP.format(stack=set(DATABASE_STACK))], env=environ,
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    modules: list[str] = json.loads(done.stdout.splitlines()[-1])
    return modules


@pytest.mark.parametrize("env", [
    {},  # the defaults: `codeblock serve` with nothing set
    {"DATABASE_URL": "sqlite:///unused.sqlite3"},  # a database named, but nothing that needs it
    {"RATE_LIMIT_ENABLED": "true"},
], ids=["defaults", "database-url-unused", "rate-limits"])
def test_without_a_database_the_database_stack_is_not_imported(tmp_path: Path, env: dict[str, str]) -> None:
    assert loaded_database_modules(tmp_path, **env) == []


@pytest.mark.parametrize("env", [
    {"AUTH_ENABLED": "true"},
    {"ADMIN_TOKEN": "admin-secret-of-sixteen-chars"},
], ids=["auth", "admin-api"])
def test_with_a_database_the_database_stack_is_imported(tmp_path: Path, env: dict[str, str]) -> None:
    loaded = loaded_database_modules(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **env)
    assert {name.split(".")[0] for name in loaded} == set(DATABASE_STACK)
