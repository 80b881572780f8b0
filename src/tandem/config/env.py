"""Strict parsing of Tandem's environment variables.

Every setting comes from a ``TANDEM_*`` variable, parsed once at start-up. A bad value stops the
program with a message that names the variable, the value and what was expected, instead of a
silent fallback that would surface later as a confusing failure.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class ConfigError(ImproperlyConfigured):
    """A TANDEM_* variable holds a value Tandem cannot use."""


class Env:
    """Reads typed values from a mapping (``os.environ`` by default)."""

    def __init__(self, source: Mapping[str, str] | None = None) -> None:
        self.source = os.environ if source is None else source

    def raw(self, name: str) -> str | None:
        value = self.source.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def text(self, name: str, default: str) -> str:
        value = self.raw(name)
        return default if value is None else value

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ConfigError(f"{name} must be true or false (1/0, yes/no, on/off), got {value!r}.")

    def integer(self, name: str, default: int, *, minimum: int = 0, maximum: int = 2**31) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {value!r}.") from None
        if not minimum <= number <= maximum:
            raise ConfigError(f"{name} must be between {minimum} and {maximum}, got {number}.")
        return number

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.text(name, default).lower()
        if value not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}.")
        return value

    def items(self, name: str, default: list[str]) -> list[str]:
        value = self.raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def database(self, name: str, default: str) -> dict[str, Any]:
        url = self.text(name, default)
        scheme = urlsplit(url).scheme
        if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
            raise ConfigError(
                f"{name} must be a sqlite:/// or postgres:// URL, got scheme {scheme!r}."
            )
        try:
            config = dict(dj_database_url.parse(url, conn_max_age=0))
        except (ValueError, KeyError) as error:
            raise ConfigError(f"{name} is not a valid database URL: {error}") from None
        return config

    def email(self, name: str, default: str) -> dict[str, Any]:
        url = self.text(name, default)
        if urlsplit(url).scheme not in EMAIL_SCHEMES:
            raise ConfigError(
                f"{name} must start with one of {', '.join(sorted(EMAIL_SCHEMES))}://, got {url!r}."
            )
        return dict(dj_email_url.parse(url))

    def base_url(self, name: str, default: str) -> str:
        value = self.text(name, default).rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path:
            raise ConfigError(
                f"{name} must be an http(s) address without a path, like "
                f"https://tandem.example.com, got {value!r}."
            )
        return value

    def redis_url(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        if urlsplit(value).scheme not in {"redis", "rediss", "amqp", "amqps"}:
            raise ConfigError(f"{name} must be a redis:// or amqp:// URL, got {value!r}.")
        return value


EMAIL_SCHEMES = frozenset({"console", "smtp", "submission", "smtps", "file", "memory", "dummy"})
