"""Database addresses: one value type that speaks libpq and humans (password masked)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import quote

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from canon.errors import ConfigError

MASK = "***"


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed connection string; accepts URLs and ``key=value`` strings alike."""

    params: tuple[tuple[str, str], ...]
    # Server settings for every session opened on this address (libpq ``options``), such
    # as the lock timeout a command was given; they are part of no URL canon shows.
    settings: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, text: str) -> DatabaseUrl:
        try:
            parsed = conninfo_to_dict(text)
        except psycopg.ProgrammingError:
            # libpq's message may quote the string, password included.
            raise ConfigError(
                "the database URL is not a valid PostgreSQL connection string"
            ) from None
        return cls(tuple(sorted((k, str(v)) for k, v in parsed.items() if v is not None)))

    def get(self, key: str, default: str | None = None) -> str | None:
        return dict(self.params).get(key, default)

    @property
    def dbname(self) -> str:
        return self.get("dbname") or self.get("user") or "postgres"

    @property
    def password(self) -> str | None:
        return self.get("password")

    def with_dbname(self, dbname: str) -> DatabaseUrl:
        params = dict(self.params)
        params["dbname"] = dbname
        return replace(self, params=tuple(sorted(params.items())))

    def with_settings(self, **settings: str) -> DatabaseUrl:
        """The same address, its sessions started with these server settings."""
        merged = dict(self.settings) | settings
        return replace(self, settings=tuple(sorted(merged.items())))

    def setting(self, name: str) -> str | None:
        return dict(self.settings).get(name)

    def libpq_params(self) -> dict[str, str]:
        """Connection parameters for libpq, the settings appended to any ``options`` given."""
        params = dict(self.params)
        # Values are durations and names: no spaces or backslashes to escape.
        extra = " ".join(f"-c {name}={value}" for name, value in self.settings)
        if extra:
            params["options"] = f"{params['options']} {extra}" if "options" in params else extra
        return params

    def conninfo(self) -> str:
        """For psycopg."""
        return make_conninfo("", **self.libpq_params())

    def url(self, *, driver: str = "postgresql", mask: bool = False) -> str:
        params = dict(self.params)
        user = params.pop("user", None)
        password = params.pop("password", None)
        host = params.pop("host", None)
        port = params.pop("port", None)
        dbname = params.pop("dbname", None)
        auth = ""
        if user:
            auth = quote(user, safe="")
            if password:
                auth += ":" + (MASK if mask else quote(password, safe=""))
            auth += "@"
        if host and host.startswith("/"):
            params["host"] = host  # a socket folder cannot stand in the authority part
            host = None
        netloc = auth + (f"[{host}]" if host and ":" in host else (host or ""))
        if port:
            netloc += f":{port}"
        query = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in sorted(params.items()))
        text = f"{driver}://{netloc}/{quote(dbname or '', safe='')}"
        return f"{text}?{query}" if query else text

    def masked(self) -> str:
        return self.url(mask=True)

    def __repr__(self) -> str:
        return f"DatabaseUrl({self.masked()!r})"

    __str__ = masked

    def scrub(self, message: str) -> str:
        """Remove the password from a message that might echo a connection string."""
        if self.password:
            message = message.replace(self.password, MASK)
            message = message.replace(quote(self.password, safe=""), MASK)
        return message
