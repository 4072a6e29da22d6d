"""Placeholder: the abstract finder is being written (see issue 2, part 4)."""

from __future__ import annotations

from dataclasses import dataclass, field

from threadkeep.model import Abstract


@dataclass
class AbstractMatch:
    abstract: Abstract
    elements: list = field(default_factory=list)


def find_abstract(body) -> AbstractMatch | None:
    return None
