"""Named SQL queries, aiosql style: `-- name: foo` blocks in api/queries/*.sql, loaded once at import.

Routes call `Q.foo` to get the text and pass named parameters (%(name)s), so no SQL lives in Python code.
"""

import re
from pathlib import Path

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


class Queries:
    def __init__(self, directory: Path):
        self._sql: dict[str, str] = {}
        for path in sorted(directory.glob("*.sql")):
            self.load_text(path.read_text(), str(path))

    def load_text(self, text: str, origin: str = "<string>") -> None:
        parts = _NAME.split(text)
        for name, body in zip(parts[1::2], parts[2::2]):
            if name in self._sql:
                raise ValueError(f"query {name} defined twice ({origin})")
            self._sql[name] = body.strip().rstrip(";")

    def __getattr__(self, name: str) -> str:
        try:
            return self._sql[name]
        except KeyError:
            raise AttributeError(f"no query named {name}") from None


Q = Queries(Path(__file__).with_name("queries"))
