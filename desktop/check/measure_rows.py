"""The measures of a result as the clerk ticks them: one row per measure, however many lists
mandate it (one kind, one category, e.g. 限制参与政府采购 from two lists), naming every list."""
from __future__ import annotations

from dataclasses import dataclass

from offline_cache.records import Measure


@dataclass(frozen=True)
class MeasureRow:
    """One row of the measures table: the same measure required by several lists (one kind, one
    category, e.g. 限制参与政府采购 from two lists) is one row naming every list, ticked once."""
    measures: tuple[Measure, ...]

    @property
    def first(self) -> Measure:
        return self.measures[0]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.measure_id for m in self.measures)

    @property
    def mandatory(self) -> bool:
        return any(m.mandatory for m in self.measures)

    @property
    def applies(self) -> bool:
        return self.first.applies

    @property
    def list_codes(self) -> tuple[str, ...]:
        return tuple(m.list_code for m in self.measures)


def measure_rows(measures: tuple[Measure, ...]) -> list[MeasureRow]:
    """Group the measures shown into rows, keeping the order given (punishments, mandated first)."""
    groups: list[list[Measure]] = []
    for m in measures:
        for group in groups:
            g = group[0]
            if ((g.nature, g.category, g.applies) == (m.nature, m.category, m.applies)
                    and m.list_code not in {x.list_code for x in group}):
                group.append(m)
                break
        else:
            groups.append([m])
    return [MeasureRow(tuple(g)) for g in groups]
