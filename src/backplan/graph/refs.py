"""The node numbers that lists of ids refer to: a plan's ``after`` lists, in one pass.

:func:`ref_numbers` is where the reference check (:func:`~backplan.graph.validate.plan_problems`)
and the scheduler's network (``scheduling.vectorized``) turn ids into node numbers. A big plan
has hundreds of thousands of them, so the loop is compiled (``_ref_numbers.c``) where the
install built it, and runs in Python otherwise, with the same result.

Example:
    >>> numbers, in_order = ref_numbers({"a": 0, "b": 1, "c": 2}, [(), ("a",), ("a", "b")])
    >>> list(numbers), in_order
    ([0, 0, 1], True)
    >>> ref_numbers({"a": 0, "b": 1}, [("b",), ()])[1]  # the first names one after it
    False
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from itertools import chain, repeat
from operator import gt, itemgetter
from types import MappingProxyType

from backplan._compiled import compiled as compiled_module
from backplan._plan_memo import derived
from backplan.models import Plan
from backplan.models.columns import action_columns

__all__ = ["COMPILED_REF_NUMBERS", "ActionRefs", "action_positions", "action_refs", "ref_numbers"]


#: The compiled module (``backplan.graph._ref_numbers``), or None where it was not built.
COMPILED_REF_NUMBERS = compiled_module("backplan.graph._ref_numbers")


def ref_numbers(
    index: dict[str, int], lists: Sequence[tuple[str, ...]], *, order: bool = True,
    compiled: bool = True,
) -> tuple[Sequence[int], bool]:
    """The number ``index`` gives each id of ``lists``, list after list, and whether every list
    names only numbers below its own position (then each list refers only to the ones before
    it, and nothing goes round in a circle).

    The numbers are 64-bit integers in a read-only buffer (``numpy.asarray`` reads them
    without a copy) from the compiled loop, a tuple from the Python one. ``order=False``: the
    Python loop does not look at the order (and says True). ``compiled=False`` runs the Python
    loop (the tests compare the two).

    Raises:
        KeyError: an id that ``index`` does not hold (the first one).
    """
    if compiled and COMPILED_REF_NUMBERS is not None:
        numbers, in_order = COMPILED_REF_NUMBERS.numbers(index, tuple(lists))
        return memoryview(numbers).cast("q").toreadonly(), in_order
    ids = list(chain.from_iterable(lists))
    # one itemgetter call looks them all up (a third faster than a loop); of one id it returns
    # the number itself, of none it fails
    found = itemgetter(*ids)(index) if len(ids) > 1 else tuple(index[i] for i in ids)
    if not order:
        return found, True
    owners = chain.from_iterable(map(repeat, range(len(lists)), map(len, lists)))
    return found, all(map(gt, owners, found))


@dataclass(frozen=True, slots=True)
class ActionRefs:
    """How a plan's actions refer to each other (see :func:`action_refs`).

    Attributes:
        position: each action's number (its place in the plan) by id.
        numbers: per action, list after list, the numbers of the actions its ``after`` names.
        in_order: whether each action's ``after`` names only actions above it.
    """

    position: Mapping[str, int]
    numbers: Sequence[int]
    in_order: bool


def action_positions(plan: Plan) -> MappingProxyType[str, int]:
    """Each action's number (its place in ``plan``) by id; of an id used twice, the last place.
    Kept while ``plan`` is the last plan asked about (:mod:`backplan._plan_memo`), and shared:
    a read-only view (``.copy()`` gives a dict).

    Example:
        >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"}, "actions": [
        ...     {"id": "a", "duration": 1}, {"id": "b", "duration": 1, "after": ["a"]}]})
        >>> dict(action_positions(plan))
        {'a': 0, 'b': 1}
    """
    return MappingProxyType(_position_dict(plan))


def _position_dict(plan: Plan) -> dict[str, int]:
    """:func:`action_positions` as the dict kept for ``plan`` (not to be changed)."""
    return derived(plan, "action_positions", _positions)


def _positions(plan: Plan) -> dict[str, int]:
    ids = action_columns(plan).id
    return dict(zip(ids, range(len(ids)), strict=True))


def action_refs(plan: Plan) -> ActionRefs | None:
    """The action numbers the ``after`` lists of ``plan``'s actions name, when every action id
    is used once and every ``after`` id is an action's; else None.

    The reference check and the scheduler's network both need them: they are kept while
    ``plan`` is the last plan asked about (:mod:`backplan._plan_memo`), and the second asker
    gets them at no cost (on 100,000 actions, numbering takes a tenth of a second).

    Example:
        >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"}, "actions": [
        ...     {"id": "a", "duration": 1}, {"id": "b", "duration": 1, "after": ["a"]}]})
        >>> refs = action_refs(plan)
        >>> dict(refs.position), list(refs.numbers), refs.in_order
        ({'a': 0, 'b': 1}, [0], True)
        >>> action_refs(plan) is refs
        True
    """
    return derived(plan, "action_refs", _numbered)


def _numbered(plan: Plan) -> ActionRefs | None:
    afters = action_columns(plan).after
    position = _position_dict(plan)
    if len(position) != len(afters):  # an id used twice
        return None
    with suppress(KeyError):  # an after that names a milestone, the goal or nothing
        return ActionRefs(MappingProxyType(position), *ref_numbers(position, afters))
    return None
