"""Types of the compiled network and passes (``_precedence.c``); see ``scheduling.vectorized``."""

from collections.abc import Sequence

def compile(
    n: int,
    afters: Sequence[tuple[str, ...]],
    pred: Sequence[int] | memoryview,
    lag: Sequence[int],
    special: list[tuple[int, int, int]],
) -> tuple[list[int] | None, bytearray, bytearray, bytearray] | None: ...
def passes(
    first_edge: memoryview,
    pred: memoryview,
    offset: memoryview,
    duration: Sequence[int],
    not_before: list[int | None],
    cap: Sequence[int],
    is_action: tuple[bool, ...],
    today: int,
    release: int,
) -> tuple[
    list[int], list[int], list[int], list[int], list[int], list[int | None], list[int | None]
]: ...
