"""Working-day calendar (courtsim.calendar), checked against plain datetime arithmetic."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from courtsim.calendar import WorkCalendar
from courtsim.errors import ScenarioError
from courtsim.schema.court import KZ_FIXED_HOLIDAYS, Calendar
from tests.conftest import make_scenario

START = dt.date(2024, 1, 1)  # a Monday


def _kz_calendar(horizon: int = 800) -> WorkCalendar:
    return WorkCalendar(START, horizon, (5, 6), Calendar().parsed_holidays())


def _is_working_by_hand(day: dt.date) -> bool:
    return day.weekday() < 5 and day.strftime("%m-%d") not in KZ_FIXED_HOLIDAYS


def test_working_days_match_datetime_by_hand():
    cal = _kz_calendar()
    for d in range(1, 800):
        date = START + dt.timedelta(days=d - 1)
        assert cal.date(d) == date
        assert bool(cal.is_working[d]) == _is_working_by_hand(date), date


def test_day_zero_is_never_worked():
    assert not _kz_calendar().is_working[0]


def test_working_days_per_year_are_in_the_domain_range():
    cal = _kz_calendar()
    n_2024 = cal.n_working(1, 366)  # 2024 is a leap year
    by_hand = sum(_is_working_by_hand(START + dt.timedelta(days=i)) for i in range(366))
    assert n_2024 == by_hand
    assert 240 <= n_2024 <= 260  # domain.md §6: about 247-250 working days a year
    assert cal.n_working(1, 0) == 0
    assert cal.n_working(5, 4) == 0
    assert cal.n_working(1, 2) == 0  # 1 and 2 January are holidays
    assert cal.n_working(3, 7) == 3  # Wed 3rd to Sun 7th (7th is Christmas, a Sunday)


def test_add_working_days_skips_weekends_and_holidays():
    cal = _kz_calendar()
    # Day 5 = Friday 5 Jan 2024; +1 working day = Monday 8 Jan (day 8).
    assert cal.add_working_days(np.array([5]), np.array([1])).tolist() == [8]
    # n = 0 on a working day is that day; on a weekend, the next working day.
    assert cal.add_working_days(np.array([5, 6, 7]), np.array([0, 0, 0])).tolist() == [5, 8, 8]
    # 8 March 2024 (Friday, day 68) is a holiday: Thursday 7 March + 1 = Monday 11 March.
    assert cal.date(67) == dt.date(2024, 3, 7)
    assert cal.add_working_days(np.array([67]), np.array([1])).tolist() == [71]


def test_add_working_days_agrees_with_counting():
    cal = _kz_calendar()
    rng = np.random.default_rng(0)
    start = rng.integers(0, 600, 200)
    n = rng.integers(0, 60, 200)
    out = cal.add_working_days(start, n)
    for s, k, o in zip(start, n, out, strict=True):
        assert cal.is_working[o]
        assert o >= s
        # exactly k working days lie in (s', o) where s' is the first working day >= s
        first = s if cal.is_working[s] else cal.add_working_days(np.array([s]), np.array([0]))[0]
        assert cal.n_working(first, o) == k + 1


def test_next_working_day_rounds_up_and_keeps_infinity():
    cal = _kz_calendar()
    out = cal.next_working_day(np.array([4.2, 5.0, 6.5, np.inf, -3.0]))
    assert out[:3].tolist() == [5.0, 5.0, 8.0]
    assert np.isinf(out[3])
    assert out[4] == 3.0  # negative days clip to day 0; 1-2 January are holidays


def test_dated_and_recurring_holidays():
    cal = WorkCalendar(START, 400, (), ((3, 15), dt.date(2024, 6, 1)))
    assert not cal.is_working[(dt.date(2024, 3, 15) - START).days + 1]
    assert not cal.is_working[(dt.date(2025, 3, 15) - START).days + 1]  # recurs
    assert not cal.is_working[(dt.date(2024, 6, 1) - START).days + 1]
    assert cal.is_working[(dt.date(2025, 6, 1) - START).days + 1]  # a dated holiday does not
    assert cal.n_working(1, 366) == 366 - 2


@pytest.mark.parametrize(
    ("calendar", "match"),
    [
        ({"weekend_days": (7,)}, "weekday numbers"),
        ({"weekend_days": (0, 1, 2, 3, 4, 5, 6)}, "at least one weekday"),
        ({"holidays": ("13-01",)}, "not a day of the year"),
        ({"holidays": ("1 May",)}, "neither 'MM-DD'"),
    ],
)
def test_bad_calendars_are_rejected(calendar, match):
    with pytest.raises(ScenarioError, match=match):
        make_scenario(calendar=calendar)
