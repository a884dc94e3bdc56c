"""Database addresses: one value type that speaks libpq and humans (password masked).

Addresses are read by libpq itself (URLs and ``key=value`` strings alike), and with no
address given, libpq's ``PG*`` variables and service files apply. libpq reads a URL
whose password holds an unescaped ``@`` or ``/`` into a host or port made of pieces of
the password: such a URL is refused, and no message ever quotes the text given.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from urllib.parse import quote

import psycopg
from psycopg import pq
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from canon.errors import ConfigError

MASK = "***"
URL_SCHEMES = ("postgresql://", "postgres://")
MALFORMED = (
    "the database URL is not a valid PostgreSQL connection string; in a URL, percent-encode "
    "reserved characters of the user name and password (@ as %40, / as %2F, % as %25, "
    "a space as %20)"
)
# Variables that name a server or database: with one of them set, libpq knows where to go.
TARGET_VARIABLES = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE")


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
            raise ConfigError(MALFORMED) from None
        url = cls(tuple(sorted((k, str(v)) for k, v in parsed.items() if v is not None)))
        if text.lstrip().startswith(URL_SCHEMES) and not url._well_formed(text):
            raise ConfigError(MALFORMED)
        return url

    @classmethod
    def from_environment(cls) -> DatabaseUrl | None:
        """libpq's ``PG*`` variables (a service among them), or None when none names a target."""
        if not any(os.environ.get(name) for name in TARGET_VARIABLES):
            return None
        params = {
            option.keyword.decode(): option.val.decode()
            for option in pq.Conninfo.get_defaults()
            if option.envvar and option.val and os.environ.get(option.envvar.decode())
        }
        return cls(tuple(sorted(params.items())))

    def _well_formed(self, text: str) -> bool:
        """False for what libpq made of a URL with an unescaped ``@`` or ``/`` in a password.

        An ``@`` leaves the rest of the password in the host; a ``/`` ends the address
        early, so that user and password are read as host and port, or the rest runs
        into the database name. A URL has one ``@`` before its query, if any.
        """
        host, port = self.get("host") or "", self.get("port") or ""
        before_query = text.split("?", 1)[0]
        return (
            before_query.count("@") <= 1
            and "@" not in host
            and all(p.isdigit() for p in port.split(",") if p)
        )

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
        """Remove the password from a message that might echo a connection string.

        Only where it stands on its own: a password that is also part of a word
        elsewhere in the message ("p" in "postgresql") leaves that word alone.
        """
        if self.password:
            for secret in {self.password, quote(self.password, safe="")}:
                message = re.sub(_alone(secret), MASK, message)
        return message


def _alone(secret: str) -> str:
    """A pattern for ``secret`` not run into letters or digits on either side."""
    before = r"(?<![\w])" if re.match(r"\w", secret[0]) else ""
    after = r"(?![\w])" if re.match(r"\w", secret[-1]) else ""
    return before + re.escape(secret) + after
