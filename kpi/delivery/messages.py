"""Problems found in a delivery: a code and where; their words live in kpi/words.toml (`problem.<code>`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kpi.catalogue import separators, word

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a delivery: where, what was found, what was expected."""

    code: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: Severity = "error"
    params: dict[str, object] = field(default_factory=dict, compare=False)
    rows: tuple[int, ...] = ()
    """Every Excel row with this problem, ascending; `row` is the first. One problem, many rows: grouped."""

    def __post_init__(self) -> None:
        if not self.rows and self.row is not None:
            object.__setattr__(self, "rows", (self.row,))
        elif self.rows and self.row is None:
            object.__setattr__(self, "row", self.rows[0])

    def message(self, language: str = "nl") -> str:
        """What was expected, or what happened, in words (`problem.<code>` in kpi/words.toml)."""
        params = {
            k: f"{v:.1f}".replace(".", separators(language)[0]) if isinstance(v, float) else v
            for k, v in self.params.items()
        }
        return word(f"problem.{self.code}", language, value=self.value, **params)
