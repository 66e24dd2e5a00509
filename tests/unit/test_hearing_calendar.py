"""Slot calendars (courtsim.hearing_calendar): booking, fractional rates, release, overtime."""

from __future__ import annotations

import numpy as np

from courtsim.hearing_calendar import SlotCalendar


def test_first_free_slot_after_the_earliest_day_in_request_order():
    cal = SlotCalendar(np.array([2.0, 1.0]), 50)
    w = cal.book(np.array([0, 0, 0, 1, 1]), earliest=5)
    # Judge 0 holds 2 a day: days 5, 5, 6; judge 1 holds 1 a day: days 5, 6.
    assert w.tolist() == [5, 5, 6, 5, 6]
    # The next booking queues behind them.
    assert cal.book(np.array([0, 1]), earliest=5).tolist() == [6, 7]
    assert cal.lead_days(5).tolist() == [2, 3]


def test_fractional_rate_alternates_and_averages_exactly():
    cal = SlotCalendar(np.array([3.5, 0.25]), 400)
    slots = cal.regular_slots(np.array([0, 1]), 0, 400)
    assert set(slots[0].tolist()) == {3, 4}
    assert slots[0].sum() == 3.5 * 400
    assert slots[1].sum() == 0.25 * 400
    assert set(slots[1].tolist()) == {0, 1}


def test_a_released_slot_is_taken_by_the_next_booking():
    cal = SlotCalendar(np.array([1.0]), 30)
    w = cal.book(np.zeros(5, dtype=np.int64), earliest=3)
    assert w.tolist() == [3, 4, 5, 6, 7]
    # The case booked on day 4 settles: its slot goes back and the next case takes it.
    cal.release(np.array([0]), np.array([4]))
    assert cal.book(np.array([0]), earliest=3).tolist() == [4]
    assert cal.book(np.array([0]), earliest=3).tolist() == [8]


def test_many_requests_beyond_the_first_window_are_placed_in_order():
    cal = SlotCalendar(np.array([1.0, 3.0]), 1000)
    w = cal.book(np.r_[np.zeros(200, dtype=np.int64), np.ones(300, dtype=np.int64)], earliest=10)
    assert w[:200].tolist() == list(range(10, 210))
    assert w[200:].tolist() == list(np.repeat(np.arange(10, 110), 3))
    assert cal.overflow == 0
    assert (cal.booked <= cal.slots).all()


def test_overload_rule_adds_sessions_only_while_the_lead_time_is_long():
    cal = SlotCalendar(np.array([1.0, 1.0]), 200)
    cal.book(np.zeros(30, dtype=np.int64), earliest=0)  # judge 0: booked solid to day 29
    cal.set_overtime(w_from=0, threshold_days=10, max_extra=2)
    assert cal.extra.tolist() == [2, 0]
    # Overtime slots take new bookings before the far-off regular ones.
    assert cal.book(np.array([0, 0]), earliest=0).tolist() == [0, 0]
    assert (cal.booked <= cal.slots + 2).all()
    cal.set_overtime(w_from=40, threshold_days=10, max_extra=2)
    assert cal.extra.tolist() == [0, 0]
