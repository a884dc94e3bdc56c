"""A PostgreSQL cluster that canon starts and owns: the embedded dev cluster and the test cluster.

PostgreSQL refuses to run as root, so when canon runs as root the server runs as an
unprivileged system user (``postgres`` by default, ``CANON_PG_USER`` to change it).
Everything here is shared by the CLI's embedded cluster and the test suite.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pwd
import shutil
import socket
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from canon.errors import ConfigError, DatabaseError
from canon.pg import pgbin, switches

SUPERUSER = "canon"
DEV_DATABASE = "dev"

# Enough locks for one transaction that creates thousands of tables and indexes.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "max_locks_per_transaction": "4096",
    "max_connections": "100",
    "shared_buffers": "'128MB'",
    # A development and scratch cluster: durability is traded for speed.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",
}

# The scratch cluster lives in memory (a tmpfs) beside the embedded cluster: it only holds
# databases built from the files, which are rebuilt when lost, and on disk their creation
# costs about half a millisecond per file (a 2,000-table schema has some 16,000 files).
MEMORY_ENV = "CANON_SCRATCH_MEMORY"
MEMORY_FOLDER = Path("/dev/shm")
MEMORY_MIN_FREE = 512 * 1024 * 1024
# Nothing writes to a scratch database after its build: autovacuum would only compete
# with the plan for the CPU.
MEMORY_SETTINGS = {**SERVER_SETTINGS, "autovacuum": "off"}


@dataclass(frozen=True)
class Server:
    """How to reach a server canon started (trust authentication on loopback)."""

    host: str
    port: int
    user: str

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}"


def find_pg_bin() -> Path:
    """The folder of the server programs canon uses (see ``pgbin.select``)."""
    return pgbin.select().bindir


def _server_account() -> pwd.struct_passwd | None:
    """The account the server runs as, or None to run it as ourselves."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("CANON_PG_USER", "postgres")
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise ConfigError(
            f"canon runs as root and PostgreSQL refuses root, but the user {name!r} does not exist; "
            "create it or set CANON_PG_USER to an unprivileged user"
        ) from None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """A cluster kept in ``root`` (data directory, log and state file), started on demand."""

    def __init__(
        self,
        root: Path,
        bindir: Path | None = None,
        settings: dict[str, str] | None = None,
        database: str | None = DEV_DATABASE,
    ) -> None:
        self.root = Path(root)
        self._bindir = bindir
        self.settings = SERVER_SETTINGS if settings is None else settings
        self.database = database  # created at start when missing
        self.account = _server_account()

    @property
    def bindir(self) -> Path:
        """The programs that started the running server, else those ``pgbin`` selects."""
        if self._bindir is None:
            self._bindir = (
                self._running_bindir() or pgbin.runnable_by(pgbin.select(), self.account).bindir
            )
        return self._bindir

    def binaries(self) -> pgbin.PgBin:
        return pgbin.describe(self.bindir)

    def _running_bindir(self) -> Path | None:
        if not self._postmaster_alive():
            return None
        with contextlib.suppress(ConfigError):
            recorded = self._read_state().get("bindir")
            if recorded and Path(str(recorded), "pg_ctl").is_file():
                return Path(str(recorded))
        return None

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    @property
    def state_file(self) -> Path:
        return self.root / "state.json"

    def server(self) -> Server:
        state = self._read_state()
        return Server("127.0.0.1", int(str(state["port"])), SUPERUSER)

    # -- lifecycle -------------------------------------------------------------------

    def ensure_started(self) -> Server:
        """Initialise the cluster if needed and start it if it is not running."""
        if self._postmaster_alive() and self.state_file.exists():
            return self.server()  # every command asks: answered without a subprocess
        self._prepare_root()
        with self._lock():
            if not self.data_dir.joinpath("PG_VERSION").exists():
                self._initdb()
            if not self.is_running():
                self._check_version()
                self._start()
            return self.server()

    def is_running(self) -> bool:
        if not self.data_dir.joinpath("PG_VERSION").exists() or not self.state_file.exists():
            return False
        result = self._run_pg_ctl(["status"], check=False)
        return result.returncode == 0

    def _postmaster_alive(self) -> bool:
        """Whether the server's pid file names a running process (what pg_ctl status checks)."""
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return False
        if pid <= 0:
            return False
        try:
            os.kill(pid, 0)
        except PermissionError:
            return True  # it exists, run by another user
        except OSError:
            return False
        return True

    def stop(self) -> bool:
        """Stop the server; True if it was running."""
        if not self.is_running():
            return False
        self._run_pg_ctl(["stop", "-m", "fast", "-w", "-t", "60"])
        return True

    def serves(self, host: str | None, port: str | None) -> bool:
        """Whether a server at ``host``:``port`` is this cluster (as last started)."""
        if host not in {"127.0.0.1", "localhost"}:
            return False
        try:
            return str(self._read_state()["port"]) == str(port)
        except (ConfigError, KeyError):
            return False

    def status(self) -> str:
        if not self.data_dir.joinpath("PG_VERSION").exists():
            return "not initialised"
        if not self.is_running():
            return "stopped"
        return f"running on port {self.server().port}"

    def destroy(self) -> None:
        """Stop the server and delete the cluster's files."""
        with contextlib.suppress(Exception):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # -- internals -------------------------------------------------------------------

    def _prepare_root(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.account is None:
            return
        os.chown(self.root, self.account.pw_uid, self.account.pw_gid)
        os.chmod(self.root, 0o700)
        if not self._account_can_write(self.root):
            raise ConfigError(
                f"the server user {self.account.pw_name!r} cannot reach {self.root}: "
                "a parent folder is closed to other users (for example a 0700 home); "
                "set CANON_HOME to a folder that user can reach"
            )

    def _account_can_write(self, path: Path) -> bool:
        probe = self._run_as_account(["test", "-w", str(path)], check=False)
        return probe.returncode == 0

    def _initdb(self) -> None:
        self._run_as_account(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )
        settings = "".join(f"{key} = {value}\n" for key, value in self.settings.items())
        conf = self.data_dir / "postgresql.conf"
        with conf.open("a") as handle:
            handle.write("\n# set by canon\n" + settings)

    def _check_version(self) -> None:
        """Refuse, in one line, data that the selected programs' major version cannot run."""
        made_by = self.data_dir.joinpath("PG_VERSION").read_text().strip()
        programs = pgbin.describe(self.bindir)
        if made_by != str(programs.major):
            raise ConfigError(
                f"the cluster in {self.root} holds PostgreSQL {made_by} data and the programs "
                f"selected are PostgreSQL {programs.major}'s ({programs.kind}, {programs.bindir}): "
                f"set {pgbin.ENV} to PostgreSQL {made_by}'s programs, or stop the cluster and "
                f"delete {self.root}"
            )

    def _start(self) -> None:
        port = free_port()
        self._write_state({"port": port, "bindir": str(self.bindir)})
        result = self._run_pg_ctl(
            ["start", "-w", "-t", "60", "-l", str(self.log_file), "-o", f"-p {port}"],
            check=False,
        )
        if result.returncode != 0:
            raise DatabaseError(
                f"could not start the embedded PostgreSQL in {self.data_dir}: "
                f"{self._log_tail() or result.stderr.strip()}"
            )
        self._prepare_server(port)

    def _prepare_server(self, port: int) -> None:
        """Create the cluster's database, and keep its superuser's sessions out of canon's schema.

        The superuser is named ``canon`` like canon's journal schema, so the default
        search_path (``"$user", public``) would send unqualified names there, in any
        session: psql on ``canon dev url`` included.
        """
        import psycopg

        from canon.managed import SESSION_SEARCH_PATH

        url = Server("127.0.0.1", port, SUPERUSER).url("postgres")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'ALTER ROLE "{SUPERUSER}" SET search_path TO "{SESSION_SEARCH_PATH}"')
            if self.database is None:
                return
            found = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)
            ).fetchone()
            if not found:
                conn.execute(f'CREATE DATABASE "{self.database}"')

    def _log_tail(self, lines: int = 5) -> str:
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return ""
        return " | ".join(text.strip().splitlines()[-lines:])

    def _run_pg_ctl(
        self, args: Sequence[str], check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return self._run_as_account(
            [str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), *args], check=check
        )

    def _run_as_account(
        self, argv: Sequence[str], check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        user: int | None = None
        group: int | None = None
        extra_groups: list[int] | None = None
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
        if self.account is not None:
            user, group, extra_groups = self.account.pw_uid, self.account.pw_gid, []
            env["HOME"] = self.account.pw_dir
        # stdout/stderr go to files, never pipes left open by the server (pg_ctl can hang on pipes).
        result: subprocess.CompletedProcess[str] = subprocess.run(
            list(argv),
            cwd=str(self.root),
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            user=user,
            group=group,
            extra_groups=extra_groups,
        )
        if check and result.returncode != 0:
            raise DatabaseError(
                f"{Path(argv[0]).name} failed: {(result.stderr or result.stdout).strip()}"
            )
        return result

    def _read_state(self) -> dict[str, object]:
        try:
            loaded: dict[str, object] = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            raise ConfigError(f"the cluster in {self.root} has not been started") from None
        return loaded

    def _write_state(self, state: dict[str, object]) -> None:
        self.state_file.write_text(json.dumps(state))

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        lock_path = self.root / "lock"
        with lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def project_root(start: Path | None = None) -> Path:
    """The nearest folder upwards holding ``schema/`` or ``.git``, else the current folder."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "schema").is_dir() or (folder / ".git").exists():
            return folder
    return here


def dev_cluster(start: Path | None = None) -> Cluster:
    """The embedded development cluster: ``CANON_HOME`` or ``<project>/.canon/pg``.

    When the server account cannot traverse the project folder (a clone under a 0700
    home), the data lives in /var/tmp and ``.canon/pg`` is a link to it, so the cluster is
    still found from the project folder and no permission of the user's is widened.
    """
    home = os.environ.get("CANON_HOME")
    if home:
        return Cluster(Path(home))
    project = project_root(start)
    link = project / ".canon" / "pg"
    account = _server_account()
    if account is None or link.is_symlink() or pgbin.reachable_by(account, link.parent):
        return Cluster(link.resolve() if link.is_symlink() else link)
    digest = hashlib.sha256(str(project).encode()).hexdigest()[:12]
    outside = Path("/var/tmp") / f"canon-{digest}"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside, target_is_directory=True)
    return Cluster(outside)


def memory_cluster(owner: Cluster) -> Cluster | None:
    """The in-memory scratch cluster paired with ``owner``, or None when memory is not an option.

    It is off with ``CANON_SCRATCH_MEMORY=off``, and not created where the tmpfs is missing
    or small (a container's 64 MB ``/dev/shm``). Lost at reboot, it is created again.
    """
    if not switches.is_on(MEMORY_ENV):
        return None
    digest = hashlib.sha256(str(owner.root.resolve()).encode()).hexdigest()[:12]
    root = MEMORY_FOLDER / f"canon-scratch-{digest}"
    if not root.exists() and not _room_in_memory():
        return None
    # The owner's programs, even when it runs other programs than those selected now.
    bindir = owner._bindir or owner._running_bindir()
    return Cluster(root, bindir, MEMORY_SETTINGS, database=None)


def _room_in_memory() -> bool:
    try:
        stats = os.statvfs(MEMORY_FOLDER)
    except OSError:
        return False
    free = stats.f_bavail * stats.f_frsize
    return free >= MEMORY_MIN_FREE and os.access(MEMORY_FOLDER, os.W_OK | os.X_OK)


def destroy_with_scratch(cluster: Cluster) -> None:
    """Delete ``cluster`` and the in-memory scratch cluster paired with it."""
    stop_with_scratch(cluster)
    cluster.destroy()


def stop_with_scratch(cluster: Cluster) -> bool:
    """Stop ``cluster`` and delete its in-memory scratch cluster (a cache); True if it ran."""
    memory = memory_cluster(cluster)
    if memory is not None:
        memory.destroy()
    return cluster.stop()
