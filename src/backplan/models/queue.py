"""The contact queue a plan's people come from: forecast, handle time, target, roster.

In a contact centre project hours are what is left once the queue is staffed. A plan's optional
``queue:`` section describes the queue (contacts per interval by weekday or date, average handle
time, the service-level target, shrinkage, the agents rostered) and names the ``people`` who are
among its agents: their project capacity is then what the queue spares each day (see
``docs/staffing.md``), not a fixed ``hours_per_day``.

Values may be written the way an analyst says them: ``interval: 30m``, ``aht: "6:30"`` (or 390,
seconds; or ``{key_result: aht}`` to follow an AHT key result's glide path), ``target: 80/20``,
``shrinkage: 35%``.

Example:
    >>> queue = Queue.model_validate({
    ...     "interval": "30m", "volume": {"mon": [40, 80, 60], "tue": [30, 70, 50]},
    ...     "aht": "6:30", "target": "80/20", "shrinkage": "30%", "rostered": 20,
    ...     "people": ["agent-1"]})
    >>> queue.interval_seconds, queue.aht_seconds, queue.target.service_level, queue.shrinkage
    (1800.0, 390.0, 0.8, 0.3)
    >>> import datetime as dt
    >>> queue.volume_on(dt.date(2027, 1, 4)), queue.rostered_on(dt.date(2027, 1, 4))
    ((40.0, 80.0, 60.0), (20.0, 20.0, 20.0))
    >>> queue.volume_on(dt.date(2027, 1, 6))   # Wednesday: the queue is closed
    ()
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    model_validator,
)
from pydantic import WithJsonSchema as Schema

from backplan.models._types import INPUT_CONFIG, Id, PlanDate, custom_error
from backplan.models.calendar import WEEKDAYS
from backplan.staffing.text import (
    duration_seconds,
    percent_change,
    service_level_target,
    share_value,
)

__all__ = [
    "MAX_AGENTS_ADDED",
    "QUEUE_CHANGE_KINDS",
    "AgentsAdded",
    "AhtChange",
    "AhtSource",
    "DayValues",
    "Queue",
    "QueueChange",
    "ServiceLevelTarget",
    "VolumeChange",
    "check_range",
    "clock_text",
    "day_key",
    "queue_change_text",
]

#: The most agents one ``add_agents`` change may add.
MAX_AGENTS_ADDED = 10_000
_DAY_SECONDS = 86_400
_DEFAULT_INTERVAL = 1800.0


# --------------------------------------------------------------------------- value readers


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _seconds(what: str, *, minimum: float = 0.0, at_least: bool = False) -> Any:
    """A reader of durations: a number of seconds, or text such as ``30m``, ``6:30``, ``90s``."""

    def read(value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = duration_seconds(value)
            except ValueError:
                raise custom_error(
                    "invalid-value",
                    "expected {what}: seconds (390), or text such as '6:30', '390s', '30m' or "
                    "'1h'; got {value!r}", what=what, value=value) from None
        if not _number(value) or not math.isfinite(value):
            raise custom_error("invalid-value", "expected {what} in seconds, got {value!r}",
                               what=what, value=value)
        if value < minimum if at_least else value <= minimum:
            bound = f"at least {minimum:g}" if at_least else f"above {minimum:g}"
            raise custom_error("invalid-value", "expected {what} of {bound} seconds, got {value:g}",
                               what=what, bound=bound, value=value)
        return float(value)

    return read


def _share(what: str, *, zero: bool, one: bool, hint: str) -> Any:
    """A reader of shares: ``0.3`` or ``"30%"``; ``zero``/``one`` say whether 0 and 1 are allowed."""

    def read(value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = share_value(value)
            except ValueError:
                raise custom_error("invalid-value", "expected {what} as 0.3 or '30%', got {value!r}",
                                   what=what, value=value) from None
        if not _number(value):
            raise custom_error("invalid-value", "expected {what} as 0.3 or '30%', got {value!r}",
                               what=what, value=value)
        low = value >= 0 if zero else value > 0
        high = value <= 1 if one else value < 1
        if not (low and high):
            bounds = ("from 0" if zero else "above 0") + (
                " to 1" if one else " up to (not including) 1")
            raise custom_error("invalid-value", "expected {what} {bounds}, got {value!r} ({hint})",
                               what=what, bounds=bounds, value=value, hint=hint)
        return float(value)

    return read


_SECONDS_TEXT = {"type": "string", "description": "a duration: '6:30', '390s', '30m', '1h'"}
_SHARE_TEXT = {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$",
               "description": "a percentage, e.g. '30%'"}
_CHANGE_TEXT = {"type": "string", "pattern": r"^\s*[+-]\s*\d+(\.\d+)?\s*%\s*$",
                "description": "a signed percentage, e.g. '+20%' or '-10%'"}
_SECONDS_SCHEMA = Schema({"anyOf": [{"type": "number"}, _SECONDS_TEXT]})
_SHARE_SCHEMA = Schema({"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, _SHARE_TEXT]})

IntervalSeconds = Annotated[float, BeforeValidator(
    _seconds("an interval length", minimum=60, at_least=True)), _SECONDS_SCHEMA]
AnswerSeconds = Annotated[float, BeforeValidator(
    _seconds("an answer time", at_least=True)), _SECONDS_SCHEMA]
PatienceSeconds = Annotated[float, BeforeValidator(_seconds("a mean patience")), _SECONDS_SCHEMA]
ServiceShare = Annotated[float, BeforeValidator(_share(
    "a service level", zero=False, one=False, hint="no finite staffing answers 100% in time")),
    _SHARE_SCHEMA]
Shrinkage = Annotated[float, BeforeValidator(_share(
    "the shrinkage", zero=True, one=False, hint="a shrinkage of 100% leaves no time on the queue")),
    _SHARE_SCHEMA]
Occupancy = Annotated[float, BeforeValidator(_share(
    "the maximum occupancy", zero=False, one=True, hint="typical maxima are 0.85-0.9")),
    _SHARE_SCHEMA]


# --------------------------------------------------------------------------- the target


class ServiceLevelTarget(BaseModel):
    """The queue's service-level target: ``service_level`` answered within ``answer_seconds``.

    Written ``80/20`` (80% within 20 seconds) or ``{service_level: 80%, answer_seconds: 20}``.

    Example:
        >>> ServiceLevelTarget.model_validate("90/15").answer_seconds
        15.0
    """

    model_config = INPUT_CONFIG

    service_level: ServiceShare
    answer_seconds: AnswerSeconds

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: Any) -> Any:
        if isinstance(data, str):
            try:
                level, answer = service_level_target(data)
            except ValueError as error:
                raise custom_error("invalid-value", "{problem}", problem=str(error)) from None
            return {"service_level": level, "answer_seconds": answer}
        return data

    def __str__(self) -> str:
        return f"{self.service_level * 100:g}/{self.answer_seconds:g}"


class AhtSource(BaseModel):
    """AHT taken from a key result: its baseline, lowered (or raised) over time by the glide
    path of the actions' ``impact`` on it.

    Example:
        >>> AhtSource.model_validate({"key_result": "aht"}).key_result
        'aht'
    """

    model_config = INPUT_CONFIG

    key_result: Id


def _aht(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    return _seconds("an average handle time")(value)


# --------------------------------------------------------------------------- days


def day_key(key: Any) -> str:
    """A ``volume`` or ``rostered`` key as stored: a weekday (``mon`` .. ``sun``) or an ISO date.

    Raises:
        PydanticCustomError: the key is neither (with the closest weekday when there is one).

    Example:
        >>> day_key("Mon"), day_key(dt.date(2027, 3, 1)), day_key("2027-03-01")
        ('mon', '2027-03-01', '2027-03-01')
    """
    if isinstance(key, dt.date) and not isinstance(key, dt.datetime):
        return key.isoformat()
    if isinstance(key, str):
        text = key.strip().lower()
        if text in WEEKDAYS:
            return text
        try:
            return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else _bad_key(key)
        except ValueError:
            pass
    return _bad_key(key)


def _bad_key(key: Any) -> str:
    close = difflib.get_close_matches(str(key).strip().lower()[:3], WEEKDAYS, n=1, cutoff=0.6)
    raise custom_error(
        "invalid-value",
        "{key!r} is not a weekday (mon .. sun) or a date (YYYY-MM-DD){hint}",
        key=key, hint=f"; did you mean {close[0]!r}?" if close else "")


def _check_value(value: Any, *, what: str) -> None:
    if not _number(value) or not math.isfinite(value) or value < 0:
        raise custom_error("invalid-value", "expected {what} of at least 0, got {value!r}",
                           what=what, value=value)


def _day_values(what: str) -> Any:
    """A reader of per-day values: a number, a list (one per interval), or a mapping from
    weekdays and dates to either."""

    def one(value: Any) -> Any:
        if isinstance(value, list | tuple):
            for item in value:
                _check_value(item, what=what)
            return tuple(float(v) for v in value)
        _check_value(value, what=what)
        return float(value)

    def read(value: Any) -> Any:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                name = day_key(key)
                if name in out:
                    raise custom_error("invalid-value", "{key} is given twice", key=name)
                out[name] = one(item)
            return out
        return one(value)

    return read


_ONE_DAY = {"anyOf": [{"type": "number", "minimum": 0},
                      {"type": "array", "items": {"type": "number", "minimum": 0}}]}
_DAY_VALUES_SCHEMA = Schema({"anyOf": [
    *_ONE_DAY["anyOf"],
    {"type": "object", "propertyNames": {"pattern": r"^(mon|tue|wed|thu|fri|sat|sun|\d{4}-\d{2}-\d{2})$"},
     "additionalProperties": _ONE_DAY},
]})

#: Values per day: one for every day, or by weekday (``mon``) and date (``2027-03-01``, which
#: wins over its weekday); each a number or a list with one number per interval.
DayValues = float | tuple[float, ...] | dict[str, float | tuple[float, ...]]
Volumes = Annotated[DayValues, BeforeValidator(_day_values("contacts")), _DAY_VALUES_SCHEMA]
Roster = Annotated[DayValues, BeforeValidator(_day_values("agents rostered")), _DAY_VALUES_SCHEMA]


def _value_of(values: DayValues, key: str) -> float | tuple[float, ...] | None:
    """The value of a day key (a weekday, or a date falling back to its weekday)."""
    if not isinstance(values, dict):
        return values
    found = values.get(key)
    if found is None and key[0].isdigit():
        return values.get(WEEKDAYS[dt.date.fromisoformat(key).weekday()])
    return found


def _value_on(values: DayValues, day: dt.date) -> float | tuple[float, ...] | None:
    """The value of ``day``: its date's, else its weekday's (None when the mapping has neither)."""
    if not isinstance(values, dict):
        return values
    found = values.get(day.isoformat())
    return values.get(WEEKDAYS[day.weekday()]) if found is None else found


# --------------------------------------------------------------------------- changes


def _change(value: Any) -> Any:
    if isinstance(value, str):
        try:
            fraction = percent_change(value)
        except ValueError as error:
            raise custom_error("invalid-value", "{problem}", problem=str(error)) from None
        if fraction <= -1:
            raise custom_error("invalid-value", "{value!r} would leave nothing; a change is "
                               "above -100%", value=value)
        return f"{fraction * 100:+g}%"
    raise custom_error("invalid-value",
                       "expected a signed percentage such as '+20%' or '-10%', got {value!r}",
                       value=value)


def _aht_change(value: Any) -> Any:
    if isinstance(value, str) and value.strip()[:1] in ("+", "-"):
        return _change(value)
    return _seconds("an average handle time")(value)


#: A relative change of the volume: ``"+20%"``, ``"-10%"`` (kept as text, normalised).
VolumeChange = Annotated[str, BeforeValidator(_change), Schema(_CHANGE_TEXT)]
#: An AHT on some days: seconds (text such as ``"6:30"`` allowed), or a change ``"-5%"``.
AhtChange = Annotated[float | str, BeforeValidator(_aht_change), Schema(
    {"anyOf": [{"type": "number", "exclusiveMinimum": 0}, _SECONDS_TEXT, _CHANGE_TEXT]})]
#: Agents added to the roster in every interval.
AgentsAdded = Annotated[int, Field(strict=True, ge=1, le=MAX_AGENTS_ADDED)]
#: The kinds of queue change.
QUEUE_CHANGE_KINDS = ("volume", "aht", "add_agents")


class QueueChange(BaseModel):
    """A change to the queue over a range of dates (both ends included; either may be left out).

    Exactly one of:

    * ``volume: +20%`` (or ``-10%``): every interval's contacts change by that share;
    * ``aht: "6:30"`` (seconds, or a duration): the AHT on those days, whatever the key result's
      glide path says; or ``aht: -5%``: the AHT changes by that share;
    * ``add_agents: 2``: that many more agents rostered in every interval.

    They apply in order, after the forecast and the AHT of each day. Scenario files and fixes
    write the same changes (see :class:`~backplan.ScenarioChange`).

    Example:
        >>> c = QueueChange.model_validate({"volume": "+20%", "from": "2027-03-01",
        ...                                 "to": "2027-03-31"})
        >>> c.kind, c.volume, c.first.isoformat(), c.covers(dt.date(2027, 4, 1))
        ('volume', '+20%', '2027-03-01', False)
        >>> c.model_dump(mode="json", exclude_none=True, by_alias=True)
        {'volume': '+20%', 'from': '2027-03-01', 'to': '2027-03-31'}

    The range is written ``from``/``to`` (dump with ``by_alias=True``, as :func:`~backplan.dump_plan`
    does); in Python it is ``first``/``last``.
    """

    model_config = INPUT_CONFIG

    volume: VolumeChange | None = None
    aht: AhtChange | None = None
    add_agents: AgentsAdded | None = None
    first: PlanDate | None = Field(default=None, alias="from")
    last: PlanDate | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _one_kind(self) -> QueueChange:
        given = [name for name in QUEUE_CHANGE_KINDS if getattr(self, name) is not None]
        if len(given) != 1:
            raise custom_error(
                "invalid-value", "a queue change does exactly one of volume, aht and add_agents; "
                "found {found}", found=", ".join(given) or "none")
        check_range(self.first, self.last)
        return self

    @property
    def kind(self) -> str:
        """``volume``, ``aht`` or ``add_agents``."""
        return next(n for n in QUEUE_CHANGE_KINDS if getattr(self, n) is not None)

    def covers(self, day: dt.date) -> bool:
        """Whether the change applies on ``day``."""
        return (self.first is None or self.first <= day) and (self.last is None or day <= self.last)

    def __str__(self) -> str:
        return queue_change_text(self.volume, self.aht, self.add_agents, self.first, self.last)


def check_range(first: dt.date | None, last: dt.date | None) -> None:
    """A ``from``/``to`` range that does not end before it starts (else a ``contradiction``)."""
    if first is not None and last is not None and last < first:
        raise custom_error(
            "contradiction", "the change runs to {last}, before it starts on {first}; swap "
            "or correct the dates", field="to", first=first.isoformat(), last=last.isoformat())


def queue_change_text(
    volume: str | None, aht: float | str | None, add_agents: int | None,
    first: dt.date | None, last: dt.date | None,
) -> str:
    """A queue change in words.

    Example:
        >>> queue_change_text(None, 390.0, None, dt.date(2027, 3, 1), None)
        'AHT 6:30 from 2027-03-01'
    """
    when = _range_text(first, last)
    if volume is not None:
        return f"volume {volume}{when}"
    if aht is not None:
        return f"AHT {aht if isinstance(aht, str) else clock_text(aht)}{when}"
    return f"{add_agents} more agent{'s' if add_agents != 1 else ''} rostered{when}"


def _range_text(first: dt.date | None, last: dt.date | None) -> str:
    if first is None and last is None:
        return ""
    if first == last and first is not None:
        return f" on {first.isoformat()}"
    if last is None:
        return f" from {first.isoformat()}" if first is not None else ""
    if first is None:
        return f" until {last.isoformat()}"
    return f" from {first.isoformat()} to {last.isoformat()}"


def clock_text(seconds: float) -> str:
    """Seconds as ``m:ss`` (``h:mm:ss`` from an hour), fractions of a second rounded.

    Example:
        >>> clock_text(390), clock_text(3723.4)
        ('6:30', '1:02:03')
    """
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# --------------------------------------------------------------------------- the queue

_TARGET_SCHEMA = Schema({"anyOf": [
    {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%?\s*/\s*\S+\s*$",
     "description": "PERCENT/SECONDS, e.g. 80/20: 80% answered within 20 s"},
    {"type": "object", "additionalProperties": False,
     "required": ["service_level", "answer_seconds"],
     "properties": {"service_level": _SHARE_SCHEMA.json_schema,
                    "answer_seconds": _SECONDS_SCHEMA.json_schema}},
]})
_AHT_SCHEMA = Schema({"anyOf": [
    {"type": "number", "exclusiveMinimum": 0}, _SECONDS_TEXT,
    {"type": "object", "additionalProperties": False, "required": ["key_result"],
     "properties": {"key_result": {"type": "string"}},
     "description": "follow this AHT key result's glide path"},
]})


class Queue(BaseModel):
    """The contact queue whose agents include some of the plan's people (see docs/staffing.md).

    Attributes:
        name: a display name.
        interval: the length of a forecast interval (default 30 minutes).
        volume: contacts offered: a number per day or a list per interval, for every day or by
            weekday and date (a date wins over its weekday). A weekday the mapping leaves out,
            or an empty list, is a day the queue is closed.
        profile: how a day's total spreads over its intervals: relative weights, one per
            interval, or a number of equal intervals. Needed when a day's volume is a total.
        aht: the average handle time in seconds (or text such as ``"6:30"``), or
            ``{key_result: ID}``: that AHT key result's glide path.
        target: the service-level target, ``80/20`` or ``{service_level, answer_seconds}``.
        shrinkage: share of rostered time off the queue (breaks, training, absence).
        max_occupancy: the highest occupancy the staffing may plan for, or None.
        patience: mean patience of waiting contacts (Erlang A), or None (Erlang C).
        rostered: agents rostered on the queue, present in each open interval: a number, or a
            list per interval, for every day or by weekday and date.
        people: the plan's people who are among the queue's agents: their project hours are
            what the queue spares.
        adjust: changes over date ranges (:class:`QueueChange`), applied in order.
    """

    model_config = INPUT_CONFIG

    name: str = ""
    interval: IntervalSeconds = _DEFAULT_INTERVAL
    volume: Volumes
    profile: Annotated[int, Field(strict=True, ge=1)] | tuple[
        Annotated[float, Field(ge=0, allow_inf_nan=False)], ...] | None = None
    aht: Annotated[float | AhtSource, BeforeValidator(_aht), _AHT_SCHEMA]
    target: Annotated[ServiceLevelTarget, _TARGET_SCHEMA]
    shrinkage: Shrinkage = 0.0
    max_occupancy: Occupancy | None = None
    patience: PatienceSeconds | None = None
    rostered: Roster
    people: tuple[Id, ...] = ()
    adjust: tuple[QueueChange, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Queue:
        slots = _DAY_SECONDS / self.interval
        if abs(slots - round(slots)) > 1e-9:
            raise custom_error(
                "invalid-value", "an interval of {value:g} seconds does not divide a day; use "
                "15m, 30m or 1h", field="interval", value=self.interval)
        most = round(slots)
        profile = self.profile
        too_many = isinstance(profile, int) and profile > most
        if too_many or (isinstance(profile, tuple) and (len(profile) > most or not sum(profile))):
            raise custom_error(
                "invalid-value", "a profile needs 1 to {most} intervals of a day and weights "
                "that are not all 0", field="profile", most=most)
        for name, values in (("volume", self.volume), ("rostered", self.rostered)):
            days = values.items() if isinstance(values, dict) else [("every day", values)]
            for day, value in days:
                if isinstance(value, tuple) and len(value) > most:
                    raise custom_error(
                        "invalid-value", "{name} for {day} lists {count} intervals, more than the "
                        "{most} of {minutes:g} minutes in a day", field=name, name=name, day=day,
                        count=len(value), most=most, minutes=self.interval / 60)
        self._check_days()
        repeated = sorted({p for p in self.people if self.people.count(p) > 1})
        if repeated:
            raise custom_error("invalid-value", "{ids} listed more than once; list each person "
                               "once", field="people", ids=", ".join(repr(p) for p in repeated))
        return self

    def _check_days(self) -> None:
        """Every open day has a volume per interval and a roster of the same intervals."""
        keys = list(self.volume) if isinstance(self.volume, dict) else list(WEEKDAYS)
        for key in keys:
            counts = self._intervals(_value_of(self.volume, key), check=True)
            if not counts:
                continue
            roster = _value_of(self.rostered, key)
            if roster is None:
                raise custom_error(
                    "missing-field", "the queue is open on {day} but rostered gives no agents "
                    "for it; add {day}: N to rostered", field="rostered", day=key)
            if isinstance(roster, tuple) and len(roster) != len(counts):
                raise custom_error(
                    "contradiction", "rostered for {day} lists {got} intervals, but the volume "
                    "has {want}; give one number per interval, or one number for the day",
                    field="rostered", day=key, got=len(roster), want=len(counts))

    def _intervals(
        self, value: float | tuple[float, ...] | None, *, check: bool = False
    ) -> tuple[float, ...]:
        """A day's volume per interval: as listed, or its total spread by the profile."""
        if value is None:
            return ()
        if isinstance(value, tuple):
            return value
        weights = self.profile
        if weights is None:
            if check:
                raise custom_error(
                    "missing-field", "the volume of a day is a total ({total:g}); give a profile "
                    "to spread it over the day's intervals (e.g. profile: 24 for 24 equal "
                    "intervals), or list the contacts per interval", field="profile",
                    total=value)
            return ()
        if isinstance(weights, int):
            weights = (1.0,) * weights
        total = sum(weights)
        return tuple(value * w / total for w in weights)

    @property
    def interval_seconds(self) -> float:
        """The length of an interval, in seconds."""
        return float(self.interval)

    @property
    def aht_seconds(self) -> float | None:
        """The AHT in seconds when given as a number (None when it follows a key result)."""
        return self.aht if isinstance(self.aht, float) else None

    @property
    def aht_key_result(self) -> str | None:
        """The id of the key result whose glide path gives the AHT, or None."""
        return self.aht.key_result if isinstance(self.aht, AhtSource) else None

    def volume_on(self, day: dt.date) -> tuple[float, ...]:
        """Contacts offered in each interval of ``day`` (empty when the queue is closed), before
        the ``adjust`` changes."""
        return self._intervals(_value_on(self.volume, day))

    def rostered_on(self, day: dt.date) -> tuple[float, ...]:
        """Agents rostered in each interval of ``day`` (empty when the queue is closed), before
        the ``adjust`` changes."""
        count = len(self.volume_on(day))
        value = _value_on(self.rostered, day)
        if not count or value is None:
            return ()
        return value if isinstance(value, tuple) else (value,) * count
