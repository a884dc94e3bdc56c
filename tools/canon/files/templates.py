"""Jinja2 templates (``*.sql.j2``): rendered before the scratch database is built.

Rendering is strict: an undefined variable is an error, never an empty string, and
every error names the template file and line.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import jinja2

from canon.errors import SourceError
from canon.pg.quoting import ident, literal

TEMPLATE_SUFFIX = ".sql.j2"

_ENVIRONMENT = jinja2.Environment(
    undefined=jinja2.StrictUndefined,
    autoescape=False,  # SQL, not HTML: values are quoted by the filters below
    keep_trailing_newline=True,
)


_ENVIRONMENT.filters["ident"] = lambda value: ident(str(value))
_ENVIRONMENT.filters["literal"] = lambda value: literal(str(value))


def render(text: str, display: str, variables: Mapping[str, Any]) -> str:
    """Render one template; syntax and undefined-variable errors name file and line."""
    try:
        template = _compiled(text)
    except jinja2.TemplateSyntaxError as exc:
        raise SourceError(display, exc.lineno, f"template syntax error: {exc.message}") from None
    try:
        return template.render(**variables)
    except jinja2.TemplateError as exc:
        raise SourceError(display, _template_line(exc), f"template error: {exc}") from None


@functools.lru_cache(maxsize=256)
def _compiled(text: str) -> jinja2.Template:
    """A template compiled once: the tenant template is rendered once per tenant."""
    return _ENVIRONMENT.from_string(text)


def _template_line(exc: BaseException) -> int | None:
    """The template line where rendering failed, from jinja's rewritten traceback."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
