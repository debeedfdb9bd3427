"""Types of the compiled reference numbering (``_ref_numbers.c``); see ``graph.refs``."""

def numbers(
    index: dict[str, int], lists: tuple[tuple[str, ...], ...]
) -> tuple[bytearray, bool]: ...
