"""``canon dev``: the embedded development cluster."""

from __future__ import annotations

from canon.cli.app import EXIT_OK, cli, console
from canon.errors import CanonError
from canon.pg.cluster import DEV_DATABASE, dev_cluster, memory_cluster, stop_with_scratch


@cli.group("dev")
def dev_group() -> None:
    """The embedded development cluster.

    \b
    Example:
      canon dev status
    """


@dev_group.command("url")
def dev_url() -> int:
    """Print the development database URL (starting the cluster if needed).

    \b
    Example:
      psql "$(canon dev url)"
    """
    server = dev_cluster().ensure_started()
    console().result(server.url(DEV_DATABASE) + "\n")
    return EXIT_OK


@dev_group.command("status")
def dev_status() -> int:
    """Say whether the embedded cluster is running.

    \b
    Example:
      canon dev status
    """
    cluster = dev_cluster()
    lines = f"{cluster.status()} ({cluster.root})\n"
    used: list[str] = []  # the programs' folders, to mention the scratch cluster's only if others
    try:
        programs = cluster.binaries()
        used.append(str(programs.bindir))
        lines += f"binaries: {programs.kind}, PostgreSQL {programs.version} ({programs.bindir})\n"
    except CanonError as exc:  # no programs found: say where canon looked
        lines += f"binaries: {exc}\n"
    memory = memory_cluster(cluster)
    if memory is not None:
        lines += f"scratch: {memory.status()} ({memory.root})\n"
        try:
            scratch = memory.binaries()
            if used and str(scratch.bindir) not in used:
                lines += (
                    f"scratch binaries: {scratch.kind}, PostgreSQL {scratch.version} "
                    f"({scratch.bindir})\n"
                )
        except CanonError:
            pass  # already said above
    console().result(lines)
    return EXIT_OK


@dev_group.command("stop")
def dev_stop() -> int:
    """Stop the embedded cluster; its in-memory scratch cluster is deleted.

    \b
    Example:
      canon dev stop
    """
    stopped = stop_with_scratch(dev_cluster())
    console().note("stopped" if stopped else "not running")
    return EXIT_OK
