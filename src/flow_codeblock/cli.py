"""The `codeblock` command: `serve` the API, or `run` one code block locally."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final

import orjson

from .config import ConfigError, Settings, load_settings
from .legacy_env import translate, unused
from .logs import configure_logging

if TYPE_CHECKING:
    from .token_store import TokenStore

__all__ = ["main"]


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    configure_logging(settings.log_level, settings.log_format)
    workers = args.workers or settings.workers
    from .api import uses_database

    if uses_database(settings):
        # Once, before the workers start: several applying the same migration at once would race.
        revision = asyncio.run(_upgrade_database(settings))
        logging.getLogger("flow_codeblock.db").info("database migrated", extra={
            "database": _shown(settings.database), "revision": revision})
    os.environ["WORKERS"] = str(workers)  # each worker derives its share of memory from it (config.py)
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Workers write their metrics to files here; /metrics in any worker sums them.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="codeblock-metrics-")
    uvicorn.run(
        "flow_codeblock.api:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        log_config=None,
        access_log=False,
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        timeout_graceful_shutdown=int(settings.shutdown_drain_timeout_s) or None,
    )
    return 0


async def _run_once(settings: Settings, code: str, input_value: object, timeout: int | None) -> tuple[int, bytes]:
    from .api import render_result
    from .envelope import Clock
    from .executor import ExecutionRequest
    from .sandbox import Sandbox

    async with Sandbox(settings) as sandbox:
        started = time.perf_counter()
        # The HTTP API's path (the envelope it prints is the API's), with the code as text.
        result = await sandbox.execute(ExecutionRequest(None, input_value, timeout, code=code))
        clock = Clock(settings.timestamp_format, settings.timezone)
        status, body = render_result(result, (time.perf_counter() - started) * 1000, clock, settings.messages_language)
        if result.after is not None:
            await result.after()
        return status, body


def _run(args: argparse.Namespace, settings: Settings) -> int:
    configure_logging("warning", "text")
    try:
        code = Path(args.file).read_text(encoding="utf-8") if args.file != "-" else sys.stdin.read()
    except OSError as exc:
        print(f"codeblock: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        input_value = orjson.loads(args.input)
    except orjson.JSONDecodeError as exc:
        print(f"codeblock: --input is not valid JSON: {exc}", file=sys.stderr)
        return 2
    status, body = asyncio.run(_run_once(settings, code, input_value, args.timeout))
    sys.stdout.write(orjson.dumps(orjson.loads(body), option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0 if status == 200 else 1


def _token(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_token_command(args, settings))


async def _token_command(args: argparse.Namespace, settings: Settings) -> int:
    from .db import Database
    from .token_store import TokenStore

    database = Database(settings.database)
    try:
        await database.upgrade()
        store = TokenStore(database)
        return await _TOKEN_COMMANDS[args.token_command](args, settings, store)
    finally:
        await database.aclose()


async def _token_create(args: argparse.Namespace, settings: Settings, store: TokenStore) -> int:
    from .admin import expiry

    try:
        expires = expiry("add", args.days, None, settings.timezone) if args.days else None
    except ValueError as exc:
        print(f"codeblock: {exc}", file=sys.stderr)
        return 2
    quota = {"quota_type": "count", "total_quota": args.quota, "remaining_quota": args.quota} if args.quota else {}
    info, secret = await store.create(args.name, ws_id=args.ws_id, email=args.email, expires_at=expires,
                                      operation_type="add" if args.days else "unlimited", **quota)
    sys.stdout.write(f"{secret}\n")
    print(f"token {info.id} ({info.name}) created in {_shown(store.db.url)}; it is shown only now", file=sys.stderr)
    return 0


async def _token_list(args: argparse.Namespace, settings: Settings, store: TokenStore) -> int:
    tokens, _ = await store.list()
    rows = [{"id": t.id, "name": t.name, "hint": t.hint, "createdAt": t.created_at, "revokedAt": t.revoked_at,
             "wsId": t.ws_id, "email": t.email, "expiresAt": t.expires_at, "quotaType": t.quota_type or "time",
             "remainingQuota": t.remaining_quota} for t in tokens]
    sys.stdout.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0


async def _token_revoke(args: argparse.Namespace, settings: Settings, store: TokenStore) -> int:
    if await store.revoke_id(args.id):
        print(f"token {args.id} revoked", file=sys.stderr)
        return 0
    print(f"codeblock: no active token with id {args.id}", file=sys.stderr)
    return 1


async def _token_import(args: argparse.Namespace, settings: Settings, store: TokenStore) -> int:
    from .token_import import ImportError_, parse_export

    try:
        text = Path(args.file).read_text(encoding="utf-8") if args.file != "-" else sys.stdin.read()
        rows = parse_export(text, args.timezone)
    except OSError as exc:
        print(f"codeblock: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    except ImportError_ as exc:
        print(f"codeblock: {args.file}: {exc}; nothing imported", file=sys.stderr)
        return 2
    added, skipped = await store.import_rows(rows)
    print(f"{added} tokens imported, {skipped} already there", file=sys.stderr)
    return 0


_TOKEN_COMMANDS: Final[dict[str, Callable[[argparse.Namespace, Settings, TokenStore], Awaitable[int]]]] = {
    "create": _token_create, "list": _token_list, "revoke": _token_revoke, "import": _token_import,
}


async def _upgrade_database(settings: Settings) -> str | None:
    from .db import Database

    database = Database(settings.database)
    try:
        await database.upgrade()
        return await database.revision()
    finally:
        await database.aclose()


def _db(args: argparse.Namespace, settings: Settings) -> int:
    revision = asyncio.run(_upgrade_database(settings))
    print(f"database {_shown(settings.database)} is at revision {revision}", file=sys.stderr)
    return 0


def _shown(url: str) -> str:
    """A database URL without its password (it goes to logs and terminals)."""
    return _without_password(url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="codeblock", description="Run JavaScript code blocks in sandboxed V8.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="start the HTTP service")
    serve.add_argument("--host", help="address to bind (default: HOST or 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port (default: PORT or 3002)")
    serve.add_argument("--workers", type=int, help="worker processes (default: WORKERS or 1)")

    commands.add_parser("config", help="print the effective configuration (from the environment) as JSON")

    token = commands.add_parser("token", help="manage API tokens (in DATABASE_URL, or SQLite at DATABASE_PATH "
                                              "or AUTH_DB_PATH)")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a token and print it (shown once)")
    create.add_argument("--name", required=True, help="who or what the token is for")
    create.add_argument("--ws-id", help="its workspace (Flow-CodeBlock's ws_id)")
    create.add_argument("--email", help="its owner's e-mail")
    create.add_argument("--days", type=int, help="expires after this many days (default: never)")
    create.add_argument("--quota", type=int, help="a count quota: this many calls in all (default: none)")
    imported = token_commands.add_parser("import", help="import Flow-CodeBlock's access_tokens table (CSV or JSON "
                                                        "export); each token keeps its value")
    imported.add_argument("file", help="the export, or - for stdin")
    imported.add_argument("--timezone", default="Asia/Shanghai",
                          help="the zone of the export's times without offset (default: Asia/Shanghai, "
                               "Flow-CodeBlock's)")
    token_commands.add_parser("list", help="list tokens (never their secrets)")
    revoke = token_commands.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("id", type=int)

    db = commands.add_parser("db", help="the service's database")
    db.add_subparsers(dest="db_command", required=True).add_parser(
        "upgrade", help="apply the migrations not applied yet (serve does it at start too)")

    run = commands.add_parser("run", help="execute one code block and print the API's JSON response")
    run.add_argument("file", help="JavaScript file (the body of an async function), or - for stdin")
    run.add_argument("--input", default="{}", help="input as JSON (default: {})")
    run.add_argument("--timeout", type=int, help="timeout in ms (capped by EXECUTION_TIMEOUT_MS)")

    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"codeblock: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return _serve(args, settings)
    if args.command == "token":
        return _token(args, settings)
    if args.command == "db":
        return _db(args, settings)
    if args.command == "config":
        values = {name.upper(): value for name, value in settings.model_dump().items()}
        values["REDIS_URL"] = _without_password(values["REDIS_URL"])
        values["DATABASE_URL"] = _without_password(values["DATABASE_URL"])
        values["ADMIN_TOKEN"] = "***" if values["ADMIN_TOKEN"] else ""
        sys.stdout.write(orjson.dumps(values, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n")
        for ours in translate(os.environ):
            print(f"codeblock: {ours} set from Flow-CodeBlock's variables", file=sys.stderr)
        for name in unused(os.environ):
            print(f"codeblock: warning: {name} is a Flow-CodeBlock setting with no effect here "
                  "(README, \"Migrating from Flow-CodeBlock\")", file=sys.stderr)
        return 0
    return _run(args, settings)


def _without_password(url: str) -> str:
    """redis://:secret@host/0 -> redis://:***@host/0 (config output goes to logs)."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at:
        return url
    user, colon, _ = credentials.partition(":")
    return f"{scheme}://{user}{colon}{'***' if colon else ''}@{host}"


if __name__ == "__main__":
    raise SystemExit(main())
