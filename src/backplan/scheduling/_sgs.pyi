"""Types of the compiled decoder (``_sgs.c``); see ``levelling_engine`` for how it is used."""

from collections.abc import Sequence

class Decoder:
    def __init__(
        self,
        duration: Sequence[int],
        parts: Sequence[Sequence[tuple[int, int]]],
        effort: Sequence[int],
        preds: Sequence[Sequence[tuple[int, int]]],
        succs: Sequence[Sequence[tuple[int, int]]],
        release: Sequence[int],
        k_limit: int,
        people: int,
    ) -> None: ...
    def forward(
        self, order: Sequence[int], lanes: list[bytearray]
    ) -> tuple[list[int], list[int]] | int | None: ...
    def backward(
        self, order: Sequence[int], lanes: list[bytearray], horizon: int
    ) -> tuple[list[int], list[int]] | None: ...
    def by_finish(self, tf: Sequence[int]) -> list[int]: ...
    def by_start(self, ts: Sequence[int]) -> list[int]: ...
