"""Linting a project: the schema rules and the plan rules, switches, exemptions, and the report.

Rules are switched in ``canon.toml``::

    [lint]
    char-column = false        # off everywhere

and one finding is exempted where it is written, with the reason on the same line::

    currency char(3) NOT NULL, -- canon: lint-ignore char-column: ISO 4217 codes are three letters

An exemption on a statement's first line covers the whole statement. An exemption
without a reason, or naming a rule that does not exist, exempts nothing and is itself a
finding (``bad-exemption``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from canon.checks.lint.plans import PLAN_RULES, lint_plan_file
from canon.checks.lint.rules import SCHEMA_RULES
from canon.checks.lint.schema import Schema
from canon.errors import ConfigError
from canon.files.config import ProjectConfig
from canon.files.sources import SchemaSource, read_schema
from canon.files.tenants import Tenant, tenant
from canon.plan.output import annotation_place, escape
from canon.words import counted

FORMAT_VERSION = 1
BAD_EXEMPTION = "bad-exemption"
EXEMPTION = re.compile(r"--\s*canon:\s*lint-ignore\s+([a-z0-9,\s-]+?)\s*(?::\s*(.*?))?\s*$")
# Templates are linted once, rendered for a tenant of this id.
LINT_TENANT = "example"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    rule: str
    message: str


@dataclass(frozen=True)
class LintReport:
    findings: tuple[Finding, ...]
    exempted: int
    schema_files: int
    plan_files: int

    @property
    def clean(self) -> bool:
        return not self.findings

    def to_text(self) -> str:
        lines = [f"{f.path}:{f.line}: {f.rule}: {f.message}" for f in self.findings]
        checked = counted(self.schema_files, "schema file")
        if self.plan_files:
            checked += f" and {counted(self.plan_files, 'plan file')}"
        exempted = f", {self.exempted} exempted" if self.exempted else ""
        lines.append(f"{counted(len(self.findings), 'finding')} in {checked}{exempted}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        document = {
            "format_version": FORMAT_VERSION,
            "clean": self.clean,
            "findings": [
                {"rule": f.rule, "message": f.message, "file": f.path, "line": f.line}
                for f in self.findings
            ],
            "exempted": self.exempted,
            "schema_files": self.schema_files,
            "plan_files": self.plan_files,
        }
        return json.dumps(document, indent=2) + "\n"

    def to_github(self) -> str:
        lines = [
            f"::error {annotation_place(f.path, f.line)}title=canon lint {f.rule}::"
            f"{escape(f.message)}"
            for f in self.findings
        ]
        if not lines:
            checked = counted(self.schema_files, "schema file")
            lines = [f"::notice title=canon lint::{checked}, no findings"]
        return "\n".join(lines) + "\n"


def known_rules() -> dict[str, str]:
    """Every rule id with its one-line summary: the schema rules, then squawk's plan rules."""
    return {**{r.id: r.summary for r in SCHEMA_RULES}, **PLAN_RULES}


def lint(
    schema_dir: Path | None,
    config: ProjectConfig,
    plan_files: Sequence[Path] = (),
    only_files: Sequence[Path] = (),
) -> LintReport:
    """Lint the schema folder (when given) and the plan files.

    ``only_files`` narrows the schema findings to those files; the whole folder is still
    read, since a rule may need another file (the index that covers a foreign key).
    """
    enabled = switches(config)
    found: list[_Found] = []
    texts: dict[str, str] = {}
    schema_files = 0
    if schema_dir is not None:
        source = read_schema(schema_dir, config, lint_tenants(config))
        texts.update((f.origin, f.text) for f in source.files)
        schema_files = len(texts)
        found += _restricted(_schema_findings(source, enabled), only_files)
    for plan in plan_files:
        texts[str(plan)] = plan.read_text(encoding="utf-8")
        found += [
            _Found(Finding(str(plan), hit.line, hit.rule, hit.message), hit.line)
            for hit in lint_plan_file(plan)
            if enabled[hit.rule]
        ]
    exemptions, bad = _exemptions(texts, set(enabled))
    kept = [f.finding for f in found if not _exempt(f, exemptions)]
    return LintReport(
        tuple(sorted(set(kept + bad))), len(found) - len(kept), schema_files, len(plan_files)
    )


@dataclass(frozen=True)
class _Found:
    finding: Finding
    first_line: int  # the first line of the statement it is in


def switches(config: ProjectConfig) -> dict[str, bool]:
    """Every rule, on or off as ``[lint]`` says (on by default); an unknown id is an error."""
    rules = known_rules()
    unknown = sorted(set(config.lint) - set(rules))
    if unknown:
        raise ConfigError(
            f"{config.path}: [lint] names unknown rules: {', '.join(unknown)} "
            f"(canon lint --rules lists them)"
        )
    return {rule: config.lint.get(rule, True) for rule in rules}


def lint_tenants(config: ProjectConfig) -> tuple[Tenant, ...]:
    """One tenant to render the tenant template for: lint reads the template once."""
    if config.tenants is None:
        return ()
    return (tenant(config.tenants, LINT_TENANT, str(config.path)),)


def _schema_findings(source: SchemaSource, enabled: dict[str, bool]) -> list[_Found]:
    schema = Schema(source.statements)
    found = []
    for rule in SCHEMA_RULES:
        if not enabled[rule.id]:
            continue
        for hit in rule.check(schema):
            path = source.origin_of(hit.parsed.statement.path)
            finding = Finding(path, hit.parsed.line_at(hit.location), rule.id, hit.message)
            found.append(_Found(finding, hit.parsed.statement.line))
    return found


def _restricted(found: list[_Found], only_files: Sequence[Path]) -> list[_Found]:
    if not only_files:
        return found
    wanted = {p.resolve() for p in only_files}
    return [f for f in found if Path(f.finding.path).resolve() in wanted]


Exemptions = dict[tuple[str, int], set[str]]


def _exemptions(texts: dict[str, str], rules: set[str]) -> tuple[Exemptions, list[Finding]]:
    """``-- canon: lint-ignore`` comments by file and line, and those that exempt nothing."""
    exemptions: Exemptions = {}
    bad: list[Finding] = []
    for path, text in texts.items():
        for number, line in enumerate(text.splitlines(), start=1):
            match = EXEMPTION.search(line)
            if match is None:
                continue
            named = [r for r in re.split(r"[\s,]+", match.group(1)) if r]
            unknown = [r for r in named if r not in rules]
            if unknown:
                problem = f"lint-ignore names unknown rules: {', '.join(unknown)}"
            elif not match.group(2):
                problem = f"lint-ignore {', '.join(named)} gives no reason (write it after a colon)"
            else:
                exemptions.setdefault((path, number), set()).update(named)
                continue
            bad.append(Finding(path, number, BAD_EXEMPTION, problem))
    return exemptions, bad


def _exempt(found: _Found, exemptions: Exemptions) -> bool:
    f = found.finding
    return any(f.rule in exemptions.get((f.path, line), ()) for line in (f.line, found.first_line))
