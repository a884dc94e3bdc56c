"""The inspection engine: schemainspect reads catalogs into the models migra diffs.

This module and ``models`` are the only ones that know the engine: it is loaded once,
on first use (importing it costs a fifth of a second), and everything else sees the
typed models of ``models`` and plain SQL statements.
"""

from __future__ import annotations

import functools
import importlib.resources
import importlib.util
import re
import sys
import types
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, NamedTuple, cast

from canon.inspection.models import DatabaseModel
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg.db import Connection


class Engine(NamedTuple):
    migration_class: Any
    inspector_class: Any
    props: str  # the inspector's collections of objects, space-separated


@functools.cache
def load_engine() -> Engine:
    """migra's Migration, canon's inspector class, and the inspector's object kinds."""
    with warnings.catch_warnings():
        # schemainspect imports pkg_resources, deprecated in recent setuptools.
        warnings.simplefilter("ignore")
        _import_schemainspect_queries()
        import schemainspect
        from migra import Migration
        from schemainspect.pg import PostgreSQL
        from schemainspect.pg.obj import PROPS
    # migra reaches the helpers as an attribute of the package.
    schemainspect.misc = sys.modules["schemainspect.misc"]

    class Inspector(PostgreSQL):  # type: ignore[misc]
        """schemainspect's inspector without its table-privilege query, and blind to who asks.

        canon compares privileges itself (``privileges``) and never asks migra for them,
        while that query, built on information_schema.role_table_grants, took 48 s of a
        plan on a database of 200 tenant schemas. schemainspect's queries copy
        information_schema's rule that only an object's owner sees its definition (a
        function's body, a parameter's default) or, without privileges, the object at
        all; canon reads the catalogs, which every role may read, so that a reader that
        owns nothing (``pg_read_all_data`` in CI) sees what the owner sees.
        """

        def load_all(self) -> None:
            for name in dir(self):
                if name.endswith("_QUERY") and isinstance(getattr(self, name), str):
                    setattr(self, name, _OWNER_ONLY.sub("true", getattr(self, name)))
            super().load_all()

        def load_privileges(self) -> None:
            self.privileges: dict[str, Any] = {}

        def load_all_relations(self) -> None:
            """schemainspect's relations, with every parent of a table that has several.

            Its query reads a table's parent with a subquery, which fails ("more than one
            row returned by a subquery") as soon as one table inherits from two. It is
            given the first parent (``parent_table``, which the engine uses as a key);
            then each table learns all its parents, in order (``parent_tables``), one
            with several is created with all of them, and its columns are inherited
            when any parent has them.
            """
            query = self.__dict__["ALL_RELATIONS_QUERY"]
            self.ALL_RELATIONS_QUERY = query.replace(FIRST_PARENT_FROM, FIRST_PARENT_TO, 1)
            super().load_all_relations()
            parents = dict(self.c.execute(PARENTS_QUERY))
            for key, table in self.tables.items():
                table.parent_tables = tuple(parents.get(key, ()))
                if len(table.parent_tables) > 1:
                    inherited = {
                        name
                        for parent in table.parent_tables
                        for name in getattr(self.tables.get(parent), "columns", ())
                    }
                    for name, column in table.columns.items():
                        column.is_inherited = name in inherited
                    table.__class__ = _several_parents(type(table))

    return Engine(Migration, Inspector, PROPS)


class _SeveralParents:
    """Mixed into the engine's table class: a table created with all its parents."""

    parent_table: str
    parent_tables: tuple[str, ...]

    @property
    def create_statement(self) -> str:
        one = f" inherits ({self.parent_table})"
        every = f" inherits ({', '.join(self.parent_tables)})"
        return str(super().create_statement).replace(one, every, 1)  # type: ignore[misc]


_SEVERAL_PARENTS: dict[type, type] = {}


def _several_parents(base: type) -> type:
    if base not in _SEVERAL_PARENTS:
        _SEVERAL_PARENTS[base] = type(f"SeveralParents{base.__name__}", (_SeveralParents, base), {})
    return _SEVERAL_PARENTS[base]


# schemainspect's subquery for a table's parent, made to return the first one.
FIRST_PARENT_FROM = "where child.oid = c.oid)"
FIRST_PARENT_TO = "where child.oid = c.oid order by pg_inherits.inhseqno limit 1)"

# Every table's parents, keyed and named as the inspector keys tables.
PARENTS_QUERY = """
SELECT format('"%s"."%s"', replace(n.nspname, '"', '""'), replace(c.relname, '"', '""')),
       array_agg(format('"%s"."%s"', replace(pn.nspname, '"', '""'),
                        replace(p.relname, '"', '""')) ORDER BY i.inhseqno)
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid AND c.relkind IN ('r', 'p')
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class p ON p.oid = i.inhparent
JOIN pg_namespace pn ON pn.oid = p.relnamespace
GROUP BY 1
"""


# information_schema's visibility rule as schemainspect's queries copy it: "the current
# role is (a member of) the owner".
_OWNER_ONLY = re.compile(r"pg_has_role\(\w+\.\w+, 'USAGE'::text\)")


def _import_schemainspect_queries() -> None:
    """Load schemainspect's helper module with a direct reader for its query files.

    schemainspect reads each of its sixteen query files through pkg_resources, after
    walking the whole call stack (reading the source of every frame) to learn its own
    package name. Under canon's call stack that cost half a second of every plan, more
    than inspecting a small database. So its helper module is loaded first, from its
    file, with a stand-in for pkg_resources, and given a reader that names the package.
    """
    name = "schemainspect.misc"
    if name in sys.modules:
        return
    package = importlib.util.find_spec("schemainspect")
    if package is None or not package.submodule_search_locations:
        return  # an unusual install: let schemainspect find its files its own way
    path = Path(package.submodule_search_locations[0]) / "misc.py"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return
    misc = importlib.util.module_from_spec(spec)
    stand_in = types.ModuleType("pkg_resources")
    stand_in.resource_stream = _package_file  # type: ignore[attr-defined]
    had_real = "pkg_resources" in sys.modules
    sys.modules.setdefault("pkg_resources", stand_in)
    try:
        spec.loader.exec_module(misc)
    finally:
        if not had_real:
            del sys.modules["pkg_resources"]
    misc.resource_stream = _schemainspect_file  # type: ignore[attr-defined]
    sys.modules[name] = misc


def _package_file(package: str, subpath: str) -> IO[bytes]:
    return importlib.resources.files(package).joinpath(subpath).open("rb")


def _schemainspect_file(subpath: str) -> IO[bytes]:
    return _package_file("schemainspect.pg", subpath)


def inspect(conn: Connection, excluded: Iterable[str] = EXCLUDED_SCHEMAS) -> DatabaseModel:
    """Inspect a database's schemas, leaving out ``excluded`` ones."""
    engine = load_engine()
    inspector = engine.inspector_class(_InspectorLink(conn))
    skip = set(excluded)
    for prop in engine.props.split():
        kept = {k: v for k, v in getattr(inspector, prop).items() if v.schema not in skip}
        setattr(inspector, prop, kept)
    return cast(DatabaseModel, inspector)


def engine_statements(live_model: DatabaseModel, target_model: DatabaseModel) -> list[str]:
    """What migra plans to turn ``live_model`` into ``target_model``, privileges aside.

    Privileges come from canon's own ACL comparison, which covers every object kind.
    """
    migration = load_engine().migration_class(live_model, target_model)
    migration.set_safety(False)
    migration.add_all_changes(privileges=False)
    return [s.strip() for s in migration.statements if s.strip()]


class _InspectorLink:
    """What schemainspect asks of a connection, answered over psycopg.

    With no SQLAlchemy dialect to read, schemainspect takes its plain-driver path: it
    reads the server version from ``connection.server_version`` and runs each query as
    written, reading the rows by column name.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.connection = types.SimpleNamespace(server_version=conn.info.server_version)

    def execute(self, sql: str) -> list[Any]:
        return self._conn.execute(sql).fetchall()
