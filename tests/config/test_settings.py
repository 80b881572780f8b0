"""Settings are parsed strictly: a bad value stops Tandem with a message naming the variable."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from tandem.config.env import ConfigError, Env


def run_tandem(*args: str, tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update({"TANDEM_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "tandem", *args],
        env=clean, capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("ON", True),
                                               ("0", False), ("no", False), ("off", False)])
def test_bool_accepts_the_usual_words(raw, expected):
    assert Env({"X": raw}).flag("X", not expected) is expected


def test_bool_refuses_anything_else_and_names_the_variable():
    with pytest.raises(ConfigError, match=r"TANDEM_DEBUG must be true or false.*'maybe'"):
        Env({"TANDEM_DEBUG": "maybe"}).flag("TANDEM_DEBUG", False)


def test_int_refuses_words_and_out_of_range_values():
    with pytest.raises(ConfigError, match="TANDEM_PORT must be a whole number"):
        Env({"TANDEM_PORT": "eighty"}).integer("TANDEM_PORT", 8000)
    with pytest.raises(ConfigError, match="between 1 and 65535"):
        Env({"TANDEM_PORT": "70000"}).integer("TANDEM_PORT", 8000, minimum=1, maximum=65535)


def test_database_url_accepts_sqlite_and_postgres_only():
    sqlite = Env({}).database("DB", "sqlite:////tmp/x.sqlite3")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    postgres = Env({"DB": "postgres://u:p@db.example:5433/tandem"}).database("DB", "")
    assert (postgres["ENGINE"], postgres["HOST"], postgres["PORT"], postgres["NAME"]) == (
        "django.db.backends.postgresql", "db.example", 5433, "tandem")
    with pytest.raises(ConfigError, match="DB must be a sqlite:/// or postgres:// URL"):
        Env({"DB": "mysql://x/y"}).database("DB", "")


def test_email_url_maps_to_django_backends():
    assert Env({}).email("E", "console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = Env({"E": "smtp://user:pw@mail.example:587/?tls=True"}).email("E", "")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"]) == (
        "mail.example", 587, True)
    with pytest.raises(ConfigError, match="E must start with one of"):
        Env({"E": "carrier-pigeon://coop"}).email("E", "")


def test_broker_url_must_be_redis_or_amqp():
    assert Env({"B": "redis://127.0.0.1:6379/0"}).redis_url("B") == "redis://127.0.0.1:6379/0"
    assert Env({}).redis_url("B") is None
    with pytest.raises(ConfigError, match="B must be a redis:// or amqp:// URL"):
        Env({"B": "http://nope"}).redis_url("B")


def test_choice_refuses_unknown_environment():
    with pytest.raises(ConfigError, match="TANDEM_ENV must be one of development, production"):
        Env({"TANDEM_ENV": "staging"}).choice("TANDEM_ENV", "development",
                                              ("development", "production"))


def test_a_bad_value_stops_the_command_with_a_clear_message(tmp_path):
    result = run_tandem("check", tmp_path=tmp_path, TANDEM_DEBUG="maybe")
    assert result.returncode == 2
    assert "configuration error: TANDEM_DEBUG must be true or false" in result.stderr


def test_production_refuses_the_default_secret_key(tmp_path):
    result = run_tandem("check", tmp_path=tmp_path, TANDEM_ENV="production",
                        TANDEM_ALLOWED_HOSTS="tandem.example.com")
    assert result.returncode == 2
    assert "TANDEM_SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug_and_missing_hosts(tmp_path):
    key = secrets.token_urlsafe(64)
    debug = run_tandem("check", tmp_path=tmp_path, TANDEM_ENV="production",
                       TANDEM_SECRET_KEY=key, TANDEM_DEBUG="true",
                       TANDEM_BASE_URL="https://tandem.example.com",
                       TANDEM_ALLOWED_HOSTS="tandem.example.com")
    assert "TANDEM_DEBUG cannot be true" in debug.stderr
    hosts = run_tandem("check", tmp_path=tmp_path, TANDEM_ENV="production", TANDEM_SECRET_KEY=key,
                       TANDEM_BASE_URL="https://tandem.example.com")
    assert "TANDEM_ALLOWED_HOSTS must name" in hosts.stderr


def test_base_url_must_be_an_http_address_without_a_path():
    assert Env({"U": "https://tandem.example.com/"}).base_url("U", "") == (
        "https://tandem.example.com")
    with pytest.raises(ConfigError, match="U must be an http"):
        Env({"U": "tandem.example.com"}).base_url("U", "")
    with pytest.raises(ConfigError, match="U must be an http"):
        Env({"U": "https://tandem.example.com/app"}).base_url("U", "")


def test_production_needs_the_public_address(tmp_path):
    result = run_tandem("check", tmp_path=tmp_path, TANDEM_ENV="production",
                        TANDEM_SECRET_KEY=secrets.token_urlsafe(64),
                        TANDEM_ALLOWED_HOSTS="tandem.example.com")
    assert result.returncode == 2
    assert "TANDEM_BASE_URL must be the site's public address" in result.stderr


def test_production_passes_the_deploy_check_without_a_warning(tmp_path):
    result = run_tandem("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path,
                        TANDEM_ENV="production", TANDEM_SECRET_KEY=secrets.token_urlsafe(64),
                        TANDEM_ALLOWED_HOSTS="tandem.example.com",
                        TANDEM_BASE_URL="https://tandem.example.com")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_defaults_need_nothing_set(tmp_path):
    result = run_tandem("check", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr


def test_passwords_are_hashed_with_argon2(settings):
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
