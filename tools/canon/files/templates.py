"""Jinja2 templates (``*.sql.j2``): rendered before the scratch database is built.

Rendering is strict: an undefined variable is an error, never an empty string, and
every error names the template file and line.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from canon.errors import SourceError
from canon.pg.quoting import ident, literal

if TYPE_CHECKING:
    import jinja2

TEMPLATE_SUFFIX = ".sql.j2"


def render(text: str, display: str, variables: Mapping[str, Any]) -> str:
    """Render one template; syntax and undefined-variable errors name file and line."""
    # Imported here: most projects have no template, and every command reads the files.
    import jinja2

    try:
        template = _compiled(text)
    except jinja2.TemplateSyntaxError as exc:
        raise SourceError(display, exc.lineno, f"template syntax error: {exc.message}") from None
    try:
        return template.render(**variables)
    except jinja2.TemplateError as exc:
        raise SourceError(display, _template_line(exc), f"template error: {exc}") from None


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    environment = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # SQL, not HTML: values are quoted by the filters below
        keep_trailing_newline=True,
    )
    environment.filters["ident"] = lambda value: ident(str(value))
    environment.filters["literal"] = lambda value: literal(str(value))
    return environment


@functools.lru_cache(maxsize=256)
def _compiled(text: str) -> jinja2.Template:
    """A template compiled once: the tenant template is rendered once per tenant."""
    return _environment().from_string(text)


def _template_line(exc: BaseException) -> int | None:
    """The template line where rendering failed, from jinja's rewritten traceback."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
