"""`${VAR}` and `${VAR:-default}` expansion in config strings: pure.

    ${VAR}           the variable's value; an error when it is not set
    ${VAR:-default}  the value, or `default` when VAR is unset or empty
    $$               a literal `$`
    any other `$`    left as it is (so a rule's /regex$/ needs no escaping)

>>> expand("db-${HOST:-localhost}:$${X}", {})
('db-localhost:${X}', ())
>>> expand("${TOKEN}", {"TOKEN": "abc"})
('abc', ('TOKEN',))
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TOKEN = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class UndefinedVariable(ValueError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"environment variable {name} is not set; set it, or give a default "
            f"with ${{{name}:-default}} (write $$ for a literal $)")


def expand(text: str, environ: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    """The expanded text and the variables whose values were used (not defaults).
    Raises UndefinedVariable for the first `${VAR}` that is unset without default."""
    used: list[str] = []

    def replace(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name, default = m.group(1), m.group(2)
        value = environ.get(name)
        if default is not None:
            if value:
                used.append(name)
                return value
            return default
        if value is None:
            raise UndefinedVariable(name)
        used.append(name)
        return value

    return _TOKEN.sub(replace, text), tuple(used)
