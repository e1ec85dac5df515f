"""Settings (config.py): validation with errors that name the variable, derived values,
and the subset that GET /flow/limits publishes."""

from __future__ import annotations

import pytest

from flow_codeblock.config import (
    PUBLISHED_LIMITS,
    ConfigError,
    Settings,
    async_url,
    load_settings,
    published_limits,
)

MiB = 1024 * 1024


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings read the environment: the tests' own must not leak in.
    for name in ("EXECUTION_TIMEOUT_MS", "MAX_CODE_LENGTH", "MAX_INPUT_SIZE", "MAX_BODY_SIZE", "ARRAY_BUFFER_LIMIT_MB",
                 "WASM_MEMORY_LIMIT_MB", "MIN_RUNTIME_POOL_SIZE", "MAX_RUNTIME_POOL_SIZE", "ALLOW_CONSOLE",
                 "MAX_REQUEST_BODY_MB", "HEALTH_CHECK_INTERVAL_SECONDS", "HEALTH_CHECK_INTERVAL_S"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_flow_codeblocks() -> None:
    settings = load_settings()
    assert (settings.port, settings.max_code_length, settings.max_input_size, settings.max_result_size) == (
        3002, 65535, 2 * MiB, 5 * MiB)


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXECUTION_TIMEOUT_MS", "1234")
    assert load_settings().execution_timeout_ms == 1234


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"execution_timeout_ms": 1}, "EXECUTION_TIMEOUT_MS"),
        ({"port": 0}, "PORT"),
        ({"allow_console": "maybe"}, "ALLOW_CONSOLE"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"fetch_allow_hosts": "bad host!"}, "FETCH_ALLOW_HOSTS"),
        ({"redis_url": "http://x"}, "REDIS_URL"),
        ({"min_runtime_pool_size": 5, "max_runtime_pool_size": 2}, "MIN_RUNTIME_POOL_SIZE (5) is above"),
        ({"array_buffer_limit_mb": 8, "wasm_memory_limit_mb": 16}, "WASM_MEMORY_LIMIT_MB (16)"),
    ],
)
def test_bad_values_name_the_variable(overrides: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError, match="invalid configuration") as raised:
        load_settings(**overrides)
    assert named in str(raised.value)


@pytest.mark.parametrize(("given", "expected"), [("1", "true"), ("off", "false"), ("Reject", "reject")])
def test_allow_console_spellings(given: str, expected: str) -> None:
    settings = load_settings(allow_console=given)
    assert settings.allow_console == expected
    assert settings.console_enabled is (expected == "true")


def test_derived_values() -> None:
    settings = load_settings(array_buffer_limit_mb=32, max_input_size=1000, max_code_length=300)
    assert settings.wasm_limit_mb == 32  # min(64, ARRAY_BUFFER_LIMIT_MB)
    assert settings.body_limit == 1000 + 300 * 4 * 4 // 3 + 64 * 1024
    assert load_settings(max_body_size=4096).body_limit == 4096


def test_flow_codeblock_names_are_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALTH_CHECK_INTERVAL_SECONDS", "7")
    assert load_settings().health_check_interval_s == 7.0
    monkeypatch.setenv("HEALTH_CHECK_INTERVAL_S", "9")  # ours wins
    assert load_settings().health_check_interval_s == 9.0


def test_published_limits_are_settings() -> None:
    assert set(PUBLISHED_LIMITS) <= set(Settings.model_fields)
    assert len(set(PUBLISHED_LIMITS)) == len(PUBLISHED_LIMITS)


def test_published_limits_keep_the_contracts_names_and_order() -> None:
    # Distinct values, so a key mapped to the wrong setting shows.
    settings = load_settings(
        max_code_length=1001, max_input_size=1002, max_result_size=1003, max_body_size=2004, execution_timeout_ms=1005,
        runtime_memory_limit_mb=1006, array_buffer_limit_mb=1007, allow_console="reject", max_console_entries=1008,
        max_console_bytes=1009, runtime_pool_size=10, min_runtime_pool_size=9, max_runtime_pool_size=11,
        runtime_idle_timeout_min=12.5, health_check_interval_s=13.5, max_concurrent_executions=1014,
        acquire_timeout_ms=1015, fetch_timeout_ms=1016, fetch_max_response_bytes=1017,
        fetch_max_requests_per_execution=1018, fetch_max_concurrent=1019, fetch_max_inflight_bytes=1020,
        wasm_memory_limit_mb=1000, max_streaming_size_mb=1021, fetch_max_open_bodies=22,
    )
    assert list(published_limits(settings).items()) == [
        ("maxCodeLength", 1001), ("maxInputSize", 1002), ("maxResultSize", 1003), ("maxBodySize", 2004),
        ("executionTimeoutMs", 1005), ("runtimeMemoryLimitMb", 1006), ("arrayBufferLimitMb", 1007),
        ("allowConsole", "reject"), ("maxConsoleEntries", 1008), ("maxConsoleBytes", 1009),
        ("runtimePoolSize", 10), ("minRuntimePoolSize", 9), ("maxRuntimePoolSize", 11),
        ("runtimeIdleTimeoutMin", 12.5), ("healthCheckIntervalS", 13.5), ("maxConcurrentExecutions", 1014),
        ("acquireTimeoutMs", 1015), ("fetchTimeoutMs", 1016), ("fetchMaxResponseBytes", 1017),
        ("fetchMaxRequestsPerExecution", 1018), ("fetchMaxConcurrent", 1019), ("fetchMaxInflightBytes", 1020),
        ("wasmMemoryLimitMb", 1000), ("maxStreamingSizeMb", 1021), ("fetchMaxOpenBodies", 22),
    ]


def test_published_limits_show_derived_values() -> None:
    settings = load_settings(array_buffer_limit_mb=32)
    limits = published_limits(settings)
    assert limits["maxBodySize"] == settings.body_limit
    assert limits["wasmMemoryLimitMb"] == 32


def test_settings_from_keywords_read_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXECUTION_TIMEOUT_MS", "1234")
    monkeypatch.setenv("HEALTH_CHECK_INTERVAL_SECONDS", "7")
    assert Settings().execution_timeout_ms == 5000 and Settings().health_check_interval_s == 30.0
    assert Settings.of(max_code_length=10).execution_timeout_ms == 5000
    assert Settings.from_env().execution_timeout_ms == 1234
    assert Settings.from_env(execution_timeout_ms=99).execution_timeout_ms == 99  # overrides win


def test_unknown_settings_are_refused() -> None:
    with pytest.raises(ConfigError, match="EXECUTION_TIMOUT_MS"):
        Settings.of(execution_timout_ms=1)
    with pytest.raises(ConfigError, match="EXECUTION_TIMOUT_MS"):
        load_settings(execution_timout_ms=1)


def test_preload_modules_are_resolved_in_install_order() -> None:
    settings = load_settings(preload_modules=" lodash, dayjs/plugin/utc ,node:crypto,lodash")
    # Each after what it requires; modules that define globals (crypto: CryptoKey) first.
    assert settings.preload == ("crypto", "lodash", "dayjs", "dayjs/plugin/utc")
    assert load_settings().preload == ()


@pytest.mark.parametrize("value", ["lodash,nope", "fs", "util", "internal:fetch"])
def test_a_bad_preload_module_is_refused_at_startup_naming_it(value: str) -> None:
    with pytest.raises(ConfigError, match=r"PRELOAD_MODULES: .*is not a module to preload: name one of .*lodash"):
        load_settings(preload_modules=value)


def test_warmup_budget_is_a_non_negative_number_of_mb() -> None:
    assert load_settings(warmup_budget_mb="0").warmup_budget_mb == 0
    with pytest.raises(ConfigError, match="WARMUP_BUDGET_MB"):
        load_settings(warmup_budget_mb=-1)


def test_database_urls_get_an_asyncio_driver() -> None:
    assert async_url("", "tokens.sqlite3") == "sqlite+aiosqlite:///tokens.sqlite3"
    assert async_url("postgresql://u:p@h/db", "x") == "postgresql+asyncpg://u:p@h/db"
    assert async_url("postgres://h/db", "x") == "postgresql+asyncpg://h/db"
    assert async_url("sqlite:////var/t.db", "x") == "sqlite+aiosqlite:////var/t.db"
    assert async_url("postgresql+asyncpg://h/db", "x") == "postgresql+asyncpg://h/db"
    for bad in ("mysql://h/db", "not a url"):
        with pytest.raises(ValueError):
            async_url(bad, "x")


def test_settings_choose_the_database() -> None:
    assert load_settings(auth_db_path="a.db").database == "sqlite+aiosqlite:///a.db"
    assert load_settings(auth_db_path="a.db", database_path="b.db").database == "sqlite+aiosqlite:///b.db"
    assert load_settings(database_path="b.db", database_url="postgresql://h/d").database.startswith("postgresql+")
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_settings(database_url="mongodb://h/d")
    with pytest.raises(ConfigError, match="ADMIN_TOKEN"):
        load_settings(admin_token="short")
