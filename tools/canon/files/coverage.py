"""What schema files may hold: each statement is one canon plans and drift-checks, or refused.

Coverage fails closed. A statement is accepted only when the registry below says canon
manages what it declares (an object kind in ``diff/kinds/``, or a property of one);
every other statement, including kinds a later PostgreSQL adds, is refused when the
files are read, naming file, line and what canon does not manage. Nothing the files
say is dropped from a plan without a word.

Two kinds of statement show no tree of what they create: DO blocks and SELECTs that
call functions. They are accepted, and the database built from the files is searched
afterwards for objects canon does not manage (``UNMANAGED_OBJECTS``); the same search on
live makes such objects drift.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from canon.managed import CANON_SCHEMA

Node = dict[str, Any]


@dataclass(frozen=True)
class Refusal:
    """Why canon refuses a statement: what it does not manage, and what to do instead."""

    what: str
    remedy: str = ""
    lead: str = "canon does not manage "

    def message(self) -> str:
        text = f"{self.lead}{self.what}"
        return f"{text}; {self.remedy}" if self.remedy else text


ROLES = Refusal(
    "roles",
    "create roles on the server before planning (canon copies live's roles to wherever "
    "it builds the files), then grant to them and name them as owners in the files",
)
ROWS = Refusal("rows in schema files", "reference rows belong in seeds/ as upserts")
SESSION_ROLE = Refusal(
    "the session's role (SET ROLE, SET SESSION AUTHORIZATION)",
    "declare owners with ALTER … OWNER TO",
)
TRANSACTIONS = Refusal("transactions in schema files", "canon loads and applies them itself")
RESERVED = Refusal(
    f"the schema name {CANON_SCHEMA!r} is reserved for canon's journal",
    "give the schema another name",
    lead="",
)

# Objects PostgreSQL lets one name in GRANT, COMMENT, DROP, ALTER … OWNER and the like
# that canon does not manage, by parse-tree object type.
UNMANAGED_TYPES = {
    "OBJECT_ACCESS_METHOD": "access methods",
    "OBJECT_AGGREGATE": "aggregates",
    "OBJECT_AMOP": "operator family members",
    "OBJECT_AMPROC": "operator family members",
    "OBJECT_CAST": "casts",
    "OBJECT_CONVERSION": "conversions",
    "OBJECT_DATABASE": "databases",
    "OBJECT_EVENT_TRIGGER": "event triggers",
    "OBJECT_FDW": "foreign-data wrappers",
    "OBJECT_FOREIGN_SERVER": "foreign servers",
    "OBJECT_FOREIGN_TABLE": "foreign tables",
    "OBJECT_LANGUAGE": "procedural languages",
    "OBJECT_LARGEOBJECT": "large objects",
    "OBJECT_OPCLASS": "operator classes",
    "OBJECT_OPERATOR": "operators",
    "OBJECT_OPFAMILY": "operator families",
    "OBJECT_PARAMETER_ACL": "privileges on server parameters",
    "OBJECT_PUBLICATION_NAMESPACE": "publications of whole schemas",
    "OBJECT_ROLE": "roles",
    "OBJECT_SUBSCRIPTION": "subscriptions",
    "OBJECT_TABLESPACE": "tablespaces",
    "OBJECT_TRANSFORM": "transforms",
    "OBJECT_TSCONFIGURATION": "text search configurations",
    "OBJECT_TSDICTIONARY": "text search dictionaries",
    "OBJECT_TSPARSER": "text search parsers",
    "OBJECT_TSTEMPLATE": "text search templates",
    "OBJECT_USER_MAPPING": "user mappings",
}

# Comments canon compares are those on objects of the managed schemas; extensions and
# publications belong to none.
UNCOMPARED_COMMENTS = {
    "OBJECT_EXTENSION": "comments on extensions",
    "OBJECT_PUBLICATION": "comments on publications",
}

# Privileges canon compares (``diff/kinds/privileges.py``).
GRANTABLE = {
    "OBJECT_TABLE",
    "OBJECT_SEQUENCE",
    "OBJECT_SCHEMA",
    "OBJECT_FUNCTION",
    "OBJECT_PROCEDURE",
    "OBJECT_ROUTINE",
    "OBJECT_TYPE",
    "OBJECT_DOMAIN",
}

# Owners canon compares where the files declare them (``diff/kinds/owners.py``).
OWNED_TYPES = {
    "OBJECT_SCHEMA",
    "OBJECT_TABLE",
    "OBJECT_VIEW",
    "OBJECT_MATVIEW",
    "OBJECT_SEQUENCE",
    "OBJECT_FUNCTION",
    "OBJECT_PROCEDURE",
    "OBJECT_ROUTINE",
    "OBJECT_TYPE",
    "OBJECT_DOMAIN",
    "OBJECT_COLLATION",
    "OBJECT_STATISTIC_EXT",
}

# ALTER TABLE subcommands whose effect a kind plans and drift-checks.
MANAGED_SUBCOMMANDS = {
    "AT_AddColumn",
    "AT_AddColumnToView",
    "AT_ColumnDefault",
    "AT_DropNotNull",
    "AT_SetNotNull",
    "AT_DropExpression",
    "AT_SetStatistics",
    "AT_SetOptions",
    "AT_ResetOptions",
    "AT_SetStorage",
    "AT_SetCompression",
    "AT_DropColumn",
    "AT_AddIndex",
    "AT_AddConstraint",
    "AT_AlterConstraint",
    "AT_ValidateConstraint",
    "AT_AddIndexConstraint",
    "AT_DropConstraint",
    "AT_AlterColumnType",
    "AT_ChangeOwner",
    "AT_SetLogged",
    "AT_SetUnLogged",
    "AT_SetRelOptions",
    "AT_ResetRelOptions",
    "AT_ReplaceRelOptions",
    "AT_EnableTrig",
    "AT_EnableAlwaysTrig",
    "AT_EnableReplicaTrig",
    "AT_DisableTrig",
    "AT_EnableTrigAll",
    "AT_DisableTrigAll",
    "AT_EnableTrigUser",
    "AT_DisableTrigUser",
    "AT_EnableRule",
    "AT_EnableAlwaysRule",
    "AT_EnableReplicaRule",
    "AT_DisableRule",
    "AT_AddInherit",
    "AT_DropInherit",
    "AT_ReplicaIdentity",
    "AT_EnableRowSecurity",
    "AT_DisableRowSecurity",
    "AT_ForceRowSecurity",
    "AT_NoForceRowSecurity",
    "AT_AttachPartition",
    "AT_DetachPartition",
    "AT_AddIdentity",
    "AT_SetIdentity",
    "AT_DropIdentity",
}

SUBCOMMAND_NAMES = {
    "AT_SetTableSpace": "tablespaces (SET TABLESPACE)",
    "AT_SetAccessMethod": "table access methods (SET ACCESS METHOD)",
    "AT_ClusterOn": "clustering (CLUSTER ON)",
    "AT_DropCluster": "clustering (SET WITHOUT CLUSTER)",
    "AT_AddOf": "typed tables (OF type)",
    "AT_DropOf": "typed tables (NOT OF)",
    "AT_GenericOptions": "foreign-data options (OPTIONS)",
    "AT_AlterColumnGenericOptions": "foreign-data options (OPTIONS)",
    "AT_DetachPartitionFinalize": "DETACH PARTITION … FINALIZE",
}


def refusal(kind: str, node: Node, sql: str = "") -> Refusal | None:
    """Why canon refuses a statement of the files, or None when it manages its effect."""
    check = ACCEPTED.get(kind)
    if check is None:
        return REFUSED.get(kind) or Refusal(f"{_words(kind)} statements")
    found = check(node)
    # Names in canon's own schema: the text says whether the tree needs looking into.
    if found is None and CANON_SCHEMA in sql.lower() and _names_reserved_schema(node):
        return RESERVED
    return found


def _names_reserved_schema(node: Any) -> bool:
    """Whether a tree names an object in canon's own schema (``canon.x``)."""
    if isinstance(node, dict):
        if node.get("schemaname") == CANON_SCHEMA:
            return True
        return any(_names_reserved_schema(value) for value in node.values())
    if isinstance(node, list):
        first = node[0] if node else None
        if len(node) > 1 and isinstance(first, dict):
            if first.get("String", {}).get("sval") == CANON_SCHEMA:
                return True
        return any(_names_reserved_schema(value) for value in node)
    return False


def _words(kind: str) -> str:
    """``CreateOpClassStmt`` as ``CREATE OP CLASS``: a name for a statement kind."""
    return " ".join(re.findall(r"[A-Z][a-z]*", kind.removesuffix("Stmt"))).upper()


def _accepted(_: Node) -> Refusal | None:
    return None


def _object_type(objtype: str | None, action: str = "") -> Refusal | None:
    if objtype in UNMANAGED_TYPES:
        return Refusal(
            f"{UNMANAGED_TYPES[objtype]} ({action})" if action else UNMANAGED_TYPES[objtype]
        )
    return None


def _drop(node: Node) -> Refusal | None:
    return _object_type(node.get("removeType"), "DROP")


def _rename(node: Node) -> Refusal | None:
    return _object_type(node.get("renameType"), "RENAME")


def _set_schema(node: Node) -> Refusal | None:
    return _object_type(node.get("objectType"), "SET SCHEMA")


def _comment(node: Node) -> Refusal | None:
    objtype = node.get("objtype")
    if objtype in UNCOMPARED_COMMENTS:
        return Refusal(UNCOMPARED_COMMENTS[objtype])
    return _object_type(objtype, "COMMENT")


def _grant(node: Node) -> Refusal | None:
    objtype = node.get("objtype")
    if objtype in GRANTABLE:
        return None
    return _object_type(objtype, "GRANT") or Refusal("these privileges (GRANT)")


def _default_privileges(node: Node) -> Refusal | None:
    return _grant(node.get("action") or {})


def _owner(node: Node) -> Refusal | None:
    objtype = node.get("objectType")
    if objtype in OWNED_TYPES:
        return None
    return _object_type(objtype, "OWNER TO") or Refusal("these owners (OWNER TO)")


def _temporary(relation: Node | None, what: str) -> Refusal | None:
    if (relation or {}).get("relpersistence") == "t":
        return Refusal(f"temporary {what}", "they vanish when the session ends")
    return _reserved_name((relation or {}).get("schemaname"))


def _reserved_name(schema: str | None) -> Refusal | None:
    return RESERVED if schema == CANON_SCHEMA else None


def _create_schema(node: Node) -> Refusal | None:
    found = _reserved_name(node.get("schemaname"))
    for element in node.get("schemaElts") or ():
        ((kind, inner),) = element.items()
        found = found or refusal(kind, inner)
    return found


def _create_table(node: Node) -> Refusal | None:
    if node.get("tablespacename"):
        return Refusal("tablespaces (TABLESPACE)")
    if node.get("accessMethod") not in (None, "heap"):
        return Refusal("table access methods (USING)")
    if node.get("ofTypename"):
        return Refusal("typed tables (OF type)")
    return _temporary(node.get("relation"), "tables")


def _create_table_as(node: Node) -> Refusal | None:
    into = node.get("into") or {}
    if into.get("tableSpaceName"):
        return Refusal("tablespaces (TABLESPACE)")
    return _temporary(into.get("rel"), "tables")


def _index(node: Node) -> Refusal | None:
    if node.get("tableSpace"):
        return Refusal("tablespaces (TABLESPACE)")
    return None


def _view(node: Node) -> Refusal | None:
    return _temporary(node.get("view"), "views")


def _sequence(node: Node) -> Refusal | None:
    return _temporary(node.get("sequence"), "sequences")


def _define(node: Node) -> Refusal | None:
    kind = node.get("kind")
    if kind == "OBJECT_COLLATION":
        return None
    if kind == "OBJECT_TYPE":
        return Refusal("base and shell types (CREATE TYPE without AS)")
    return _object_type(kind) or Refusal(f"{kind} definitions")


def _alter_table(node: Node) -> Refusal | None:
    if node.get("objtype") == "OBJECT_FOREIGN_TABLE":
        return Refusal(UNMANAGED_TYPES["OBJECT_FOREIGN_TABLE"])
    for command in node.get("cmds") or ():
        cmd = command.get("AlterTableCmd", {})
        subtype = cmd.get("subtype")
        if node.get("objtype") == "OBJECT_INDEX" and subtype == "AT_SetStatistics":
            return Refusal("statistics targets of index columns")
        if subtype not in MANAGED_SUBCOMMANDS:
            return Refusal(SUBCOMMAND_NAMES.get(subtype, f"ALTER TABLE … {subtype}"))
    return None


def _publication(node: Node) -> Refusal | None:
    for spec in node.get("pubobjects") or ():
        obj = spec.get("PublicationObjSpec", {})
        if obj.get("pubobjtype") != "PUBLICATIONOBJ_TABLE":
            return Refusal(UNMANAGED_TYPES["OBJECT_PUBLICATION_NAMESPACE"])
        table = obj.get("pubtable") or {}
        if table.get("whereClause") or table.get("columns"):
            return Refusal("row filters and column lists of publications")
    return None


def _set(node: Node) -> Refusal | None:
    name = (node.get("name") or "").lower()
    if name in ("role", "session_authorization"):
        return SESSION_ROLE
    if name.startswith("transaction") or name == "session characteristics":
        return TRANSACTIONS
    path = [_constant(arg) for arg in node.get("args") or ()] if name == "search_path" else []
    if CANON_SCHEMA in path:
        return RESERVED
    if "$user" in path:
        return Refusal(
            '"$user" in search_path',
            "it names a schema after whichever role loads the files; name the schemas",
        )
    return None


def _constant(arg: Node) -> str | None:
    value = arg.get("A_Const", {}).get("sval", {}).get("sval")
    return value if isinstance(value, str) else None


# Statements canon accepts, each with the check of what inside it canon may not manage.
ACCEPTED: dict[str, Callable[[Node], Refusal | None]] = {
    "CreateSchemaStmt": _create_schema,
    "CreateStmt": _create_table,
    "CreateTableAsStmt": _create_table_as,
    "ViewStmt": _view,
    "IndexStmt": _index,
    "CreateSeqStmt": _sequence,
    "AlterSeqStmt": _accepted,
    "CreateFunctionStmt": _accepted,
    "AlterFunctionStmt": _accepted,
    "CreateTrigStmt": _accepted,
    "CreatePolicyStmt": _accepted,
    "AlterPolicyStmt": _accepted,
    "CreateEnumStmt": _accepted,
    "AlterEnumStmt": _accepted,
    "CompositeTypeStmt": _accepted,
    "CreateRangeStmt": _accepted,
    "CreateDomainStmt": _accepted,
    "AlterDomainStmt": _accepted,
    "DefineStmt": _define,
    "AlterCollationStmt": _accepted,
    "CreateExtensionStmt": _accepted,
    "AlterExtensionStmt": _accepted,
    "CommentStmt": _comment,
    "GrantStmt": _grant,
    "AlterDefaultPrivilegesStmt": _default_privileges,
    "CreatePublicationStmt": _publication,
    "AlterPublicationStmt": _publication,
    "RuleStmt": _accepted,
    "CreateStatsStmt": _accepted,
    "AlterStatsStmt": _accepted,
    "AlterTableStmt": _alter_table,
    "AlterOwnerStmt": _owner,
    "RenameStmt": _rename,
    "AlterObjectSchemaStmt": _set_schema,
    "DropStmt": _drop,
    "VariableSetStmt": _set,
    "SelectStmt": _accepted,
    "DoStmt": _accepted,
}

# Statements refused with a message of their own; anything else not accepted above is
# refused with its statement kind's name.
REFUSED = {
    "CreateRoleStmt": ROLES,
    "AlterRoleStmt": ROLES,
    "AlterRoleSetStmt": ROLES,
    "DropRoleStmt": ROLES,
    "GrantRoleStmt": ROLES,
    "ReassignOwnedStmt": ROLES,
    "DropOwnedStmt": ROLES,
    "TransactionStmt": TRANSACTIONS,
    "InsertStmt": ROWS,
    "UpdateStmt": ROWS,
    "DeleteStmt": ROWS,
    "MergeStmt": ROWS,
    "TruncateStmt": ROWS,
    "CopyStmt": ROWS,
    "CreatedbStmt": Refusal("databases (CREATE DATABASE)", "a schema lives inside one"),
    "DropdbStmt": Refusal("databases (DROP DATABASE)", "a schema lives inside one"),
    "VacuumStmt": Refusal("maintenance (VACUUM, ANALYZE)", "run it on the server"),
    "CreateTableSpaceStmt": Refusal("tablespaces"),
    "CreateForeignTableStmt": Refusal("foreign tables"),
    "CreateFdwStmt": Refusal("foreign-data wrappers"),
    "CreateForeignServerStmt": Refusal("foreign servers"),
    "CreateUserMappingStmt": Refusal("user mappings"),
    "ImportForeignSchemaStmt": Refusal("foreign tables (IMPORT FOREIGN SCHEMA)"),
    "CreateEventTrigStmt": Refusal("event triggers"),
    "CreatePLangStmt": Refusal("procedural languages", "install them as extensions"),
    "CreateAmStmt": Refusal("access methods"),
    "CreateCastStmt": Refusal("casts"),
    "CreateTransformStmt": Refusal("transforms"),
    "CreateConversionStmt": Refusal("conversions"),
    "CreateOpClassStmt": Refusal("operator classes"),
    "CreateOpFamilyStmt": Refusal("operator families"),
    "AlterOpFamilyStmt": Refusal("operator families"),
    "AlterOperatorStmt": Refusal("operators"),
    "AlterTSConfigurationStmt": Refusal("text search configurations"),
    "AlterTSDictionaryStmt": Refusal("text search dictionaries"),
    "AlterTypeStmt": Refusal("base types (ALTER TYPE … SET)"),
    "AlterExtensionContentsStmt": Refusal("extension members (ALTER EXTENSION … ADD/DROP)"),
    "AlterObjectDependsStmt": Refusal("dependencies on extensions (DEPENDS ON EXTENSION)"),
    "CreateSubscriptionStmt": Refusal("subscriptions"),
    "AlterSystemStmt": Refusal("server settings (ALTER SYSTEM)"),
    "AlterDatabaseStmt": Refusal("databases (ALTER DATABASE)"),
    "AlterDatabaseSetStmt": Refusal("database settings (ALTER DATABASE … SET)"),
    "SecLabelStmt": Refusal("security labels"),
    "RefreshMatViewStmt": Refusal("the rows of materialized views (REFRESH)"),
    "CallStmt": Refusal("procedure calls (CALL)"),
}

# Every kind of object a user can create in a schema, named as pg_identify_object names
# it (types by their kind of type): managed ones by the kind in ``diff/kinds/`` that plans
# and drift-checks them, the others refused. tests/files/test_coverage.py walks the
# catalogs for objects of every kind and fails on one that is in neither.
MANAGED_OBJECTS = {
    "schema": "schema",
    "table": "table",
    "index": "index",
    "sequence": "sequence",
    "view": "view",
    "materialized view": "view",
    "table constraint": "constraint",
    "domain constraint": "domain",
    "default value": "column",
    "trigger": "trigger",
    "rule": "rule",
    "policy": "policy",
    "statistics object": "statistics",
    "function": "function",
    "procedure": "function",
    "collation": "collation",
    "extension": "extension",
    "default acl": "privileges",
    "publication relation": "publication",
    "enum type": "enum",
    "composite type": "type",
    "domain": "domain",
    "range type": "range",
}
REFUSED_OBJECTS = {
    "aggregate": "aggregates",
    "base type": "base types",
    "shell type": "shell types",
    "conversion": "conversions",
    "foreign table": "foreign tables",
    "operator": "operators",
    "operator class": "operator classes",
    "operator family": "operator families",
    "publication namespace": "publications of whole schemas",
    "text search configuration": "text search configurations",
    "text search dictionary": "text search dictionaries",
    "text search parser": "text search parsers",
    "text search template": "text search templates",
}

# Objects canon does not manage, found by catalog in the managed schemas (the ``ns`` CTE of
# ``managed.MANAGED_SCHEMAS``), with PostgreSQL's name for their kind and their identity.
# Objects an extension created, and those PostgreSQL made for another (array and row
# types, a range's multirange), belong to what created them.
UNMANAGED_OBJECTS = """
SELECT o.type, o.identity
FROM (
    SELECT 'pg_operator'::regclass AS classid, x.oid AS objid FROM pg_operator x
    JOIN ns ON ns.oid = x.oprnamespace
    UNION ALL SELECT 'pg_opclass'::regclass, x.oid FROM pg_opclass x
    JOIN ns ON ns.oid = x.opcnamespace
    UNION ALL SELECT 'pg_opfamily'::regclass, x.oid FROM pg_opfamily x
    JOIN ns ON ns.oid = x.opfnamespace
    UNION ALL SELECT 'pg_conversion'::regclass, x.oid FROM pg_conversion x
    JOIN ns ON ns.oid = x.connamespace
    UNION ALL SELECT 'pg_ts_config'::regclass, x.oid FROM pg_ts_config x
    JOIN ns ON ns.oid = x.cfgnamespace
    UNION ALL SELECT 'pg_ts_dict'::regclass, x.oid FROM pg_ts_dict x
    JOIN ns ON ns.oid = x.dictnamespace
    UNION ALL SELECT 'pg_ts_parser'::regclass, x.oid FROM pg_ts_parser x
    JOIN ns ON ns.oid = x.prsnamespace
    UNION ALL SELECT 'pg_ts_template'::regclass, x.oid FROM pg_ts_template x
    JOIN ns ON ns.oid = x.tmplnamespace
    UNION ALL SELECT 'pg_proc'::regclass, x.oid FROM pg_proc x
    JOIN ns ON ns.oid = x.pronamespace WHERE x.prokind = 'a'
    UNION ALL SELECT 'pg_type'::regclass, x.oid FROM pg_type x
    JOIN ns ON ns.oid = x.typnamespace WHERE x.typtype IN ('b', 'p')
    UNION ALL SELECT 'pg_class'::regclass, x.oid FROM pg_class x
    JOIN ns ON ns.oid = x.relnamespace WHERE x.relkind = 'f'
    UNION ALL SELECT 'pg_publication_namespace'::regclass, x.oid FROM pg_publication_namespace x
    JOIN ns ON ns.oid = x.pnnspid
    UNION ALL SELECT 'pg_publication_rel'::regclass, x.oid FROM pg_publication_rel x
    WHERE x.prqual IS NOT NULL OR x.prattrs IS NOT NULL
    UNION ALL SELECT 'pg_event_trigger'::regclass, x.oid FROM pg_event_trigger x
) found
CROSS JOIN LATERAL pg_identify_object(found.classid, found.objid, 0) o
WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = found.classid
                  AND d.objid = found.objid AND d.deptype IN ('e', 'i'))
"""
