"""Judges' daily work (courtsim.docket): hand-built dockets, and exact queueing recursions."""

from __future__ import annotations

import numpy as np
import pytest

from courtsim import load_scenario
from courtsim.cases import CaseTable, Stage
from courtsim.docket import DocketRules, top_per_group, work_day
from courtsim.model import CourtModel
from tests.conftest import SCENARIOS, make_scenario

MMC = SCENARIOS / "validation" / "mmc.yaml"


def _table(n: int, judge=-1, court=0) -> CaseTable:
    c = CaseTable(capacity=n)
    idx = c.add(n)
    c.stage[idx] = Stage.QUEUED
    c.judge[idx] = judge
    c.court[idx] = court
    c.t_ready[idx] = 0.0
    c.t_deadline[idx] = 100.0
    return c


class _Mover:
    """Records moves like CourtModel.move does."""

    def __init__(self, cases: CaseTable):
        self.cases = cases
        self.moves: list[tuple[int, int, int]] = []

    def __call__(self, idx, to):
        for i in idx:
            self.moves.append((int(i), int(self.cases.stage[i]), int(to)))
        self.cases.stage[idx] = to


def _work(cases, queued, in_work, judge_court, capacity, rules, day=1):
    mover = _Mover(cases)
    out = work_day(
        cases,
        np.asarray(queued, dtype=np.int64),
        np.asarray(in_work, dtype=np.int64),
        np.asarray(judge_court, dtype=np.int64),
        np.asarray(capacity, dtype=np.float64),
        rules,
        day,
        mover,
    )
    finished, used = out[0], out[1]
    return np.sort(finished), used, mover


def test_top_per_group_takes_lowest_priority_first_within_quota():
    group = np.array([0, 1, 0, 0, 1, 2])
    prio = np.array([5, 1, 3, 3, 0, 9])
    quota = np.array([2, 1, 0])
    pos = top_per_group(group, prio, quota)
    # group 0: prio 3 (pos 2) and prio 3 (pos 3), ties kept in input order; group 1: pos 4.
    assert pos.tolist() == [2, 3, 4]


def test_top_per_group_empty():
    assert (
        top_per_group(
            np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([1])
        ).size
        == 0
    )


def test_fifo_takes_earliest_ready_case_first():
    c = _table(3, judge=0)
    c.t_ready[:3] = [5.0, 3.0, 4.0]
    c.remaining_hours[:3] = 10.0
    fin, used, _mover = _work(c, [0, 1, 2], [], [0], [1.0], DocketRules(1, "fifo", False))
    assert fin.size == 0
    assert c.stage[1] == Stage.IN_WORK
    assert c.stage[0] == Stage.QUEUED
    assert c.stage[2] == Stage.QUEUED
    assert c.t_work_start[1] == 1.0
    assert np.isnan(c.t_work_start[0])
    assert used.tolist() == [1.0]
    assert c.remaining_hours[1] == pytest.approx(9.0)


def test_deadline_discipline_takes_earliest_deadline_first():
    c = _table(3, judge=0)
    c.t_ready[:3] = [1.0, 2.0, 3.0]
    c.t_deadline[:3] = [90.0, 80.0, 30.0]
    c.remaining_hours[:3] = 10.0
    _work(c, [0, 1, 2], [], [0], [1.0], DocketRules(1, "deadline", False))
    assert c.stage[:3].tolist() == [Stage.QUEUED, Stage.QUEUED, Stage.IN_WORK]


def test_left_over_hours_go_to_the_next_case_the_same_day():
    c = _table(3, judge=0)
    c.t_ready[:3] = [1.0, 2.0, 3.0]
    c.remaining_hours[:3] = 0.4
    fin, used, _ = _work(c, [0, 1, 2], [], [0], [1.0], DocketRules(1, "fifo", False))
    assert fin.tolist() == [0, 1]
    assert c.remaining_hours[2] == pytest.approx(0.2)
    assert c.stage[2] == Stage.IN_WORK
    assert used[0] == pytest.approx(1.0)
    assert c.t_work_start[:3].tolist() == [1.0, 1.0, 1.0]


def test_parallel_cases_share_the_day_equally():
    # Two cases in work with k = 2: each gets half the day; when the small one is done
    # the rest of the day goes to the other (processor sharing, work-conserving).
    c = _table(2, judge=0)
    c.remaining_hours[:2] = [0.2, 5.0]
    fin, used, _ = _work(c, [0, 1], [], [0], [1.0], DocketRules(2, "fifo", False))
    assert fin.tolist() == [0]
    assert c.remaining_hours[1] == pytest.approx(5.0 - 0.8)
    assert used[0] == pytest.approx(1.0)


def test_idle_judge_uses_no_hours_and_never_more_than_capacity():
    c = _table(4, judge=np.array([0, 0, 1, 1]))
    c.remaining_hours[:4] = [0.3, 0.3, 3.0, 3.0]
    fin, used, _ = _work(
        c, [0, 1, 2, 3], [], [0, 0, 0], [1.5, 2.0, 4.0], DocketRules(1, "fifo", False)
    )
    assert fin.tolist() == [0, 1]
    assert used.tolist() == pytest.approx([0.6, 2.0, 0.0])
    assert (used <= np.array([1.5, 2.0, 4.0]) + 1e-12).all()


def test_pooled_queue_goes_to_free_judges_of_the_same_court_only():
    # Judges 0, 1 sit in court 0; judge 2 in court 1. Three court-0 cases wait; the
    # court-1 judge must not take any of them.
    c = _table(3, judge=-1, court=0)
    c.t_ready[:3] = [1.0, 2.0, 3.0]
    c.remaining_hours[:3] = 10.0
    fin, used, _ = _work(c, [0, 1, 2], [], [0, 0, 1], [1.0, 1.0, 1.0], DocketRules(1, "fifo", True))
    assert fin.size == 0
    assert sorted(c.judge[:2].tolist()) == [0, 1]
    assert c.judge[2] == -1
    assert c.stage[2] == Stage.QUEUED
    assert used.tolist() == [1.0, 1.0, 0.0]


def test_only_queued_to_in_work_moves_and_work_start_is_kept():
    c = _table(2, judge=0)
    c.stage[0] = Stage.IN_WORK
    c.t_work_start[0] = 0.0  # started yesterday: must not be overwritten
    c.remaining_hours[:2] = [0.5, 5.0]
    _, _, mover = _work(c, [1], [0], [0], [1.0], DocketRules(1, "fifo", False), day=7)
    assert mover.moves == [(1, int(Stage.QUEUED), int(Stage.IN_WORK))]
    assert c.t_work_start[0] == 0.0
    assert c.t_work_start[1] == 7.0


def _lindley(arrive: np.ndarray, service: np.ndarray):
    """Single-server FIFO queue in continuous time: start and finish of each customer."""
    start = np.empty_like(arrive)
    finish = np.empty_like(arrive)
    free = 0.0
    for i in range(arrive.size):
        start[i] = max(arrive[i], free)
        free = finish[i] = start[i] + service[i]
    return start, finish


@pytest.mark.parametrize(("hours_per_day", "availability"), [(1.0, 1.0), (6.0, 0.9)])
def test_one_judge_reproduces_the_lindley_recursion_exactly(hours_per_day, availability):
    # The day-step engine is a continuous-time single-server queue whose arrivals are
    # batched at the start of their filing day (time t_filed - 1) and whose events are
    # recorded on the day they happen: start day = floor(start) + 1, disposal day =
    # ceil(finish). Cases are served in filing order (FIFO, ties by case index).
    cap = hours_per_day * availability
    sc = load_scenario(MMC).with_overrides(
        {
            "judges.count": 1,
            "judges.hours_per_day": hours_per_day,
            "judges.availability": availability,
            "filings.per_year": 365 * 0.7 / 30,  # rho = 0.7
            "horizon_days": 2500,
            "case_types.general.effort_hours": {"dist": "exponential", "mean": 30 * cap},
        }
    )
    m = CourtModel.from_scenario(sc, seed=11)
    m.run()
    c = m.cases
    n = c.n
    assert n > 40
    start, finish = _lindley(c.t_filed[:n] - 1.0, c.effort_hours[:n] / cap)
    started = start < m.horizon  # work started on a simulated day
    done = np.ceil(finish) <= m.horizon
    np.testing.assert_array_equal(c.t_work_start[:n][started], np.floor(start[started]) + 1)
    np.testing.assert_array_equal(c.t_disposed[:n][done], np.ceil(finish[done]))
    assert np.isnan(c.t_disposed[:n][~done]).all()


def test_processor_sharing_two_cases_exact_days():
    # One judge, one hour a day, two cases filed together on day 10 needing 1 and 3 hours.
    # k = 2 (shared): days 10-11 half an hour each, the small one is done on day 11, the
    # big one gets the whole of days 12 and 13. k = 1 (FIFO): the small one is done on
    # day 10, the big one starts on day 11 (no hours left on day 10) and ends on day 13.
    base = {
        "horizon_days": 15,
        "calendar": {"weekend_days": (), "holidays": ()},
        "judges": {"count": 1, "hours_per_day": 1.0, "availability": 1.0},
        "filings": {"per_year": 73.0, "process": "deterministic"},  # 0.1 a day per type
        "procedure": {
            "acceptance_working_days": {"dist": "constant", "value": 0},
        },
        "initial_pending": {"per_judge": 0},
        "case_types": {
            "_replace": True,
            # Decided on the papers (no session): the desk alone.
            "small": {
                "share": 0.5,
                "effort_hours": {"dist": "constant", "value": 1.0},
                "preliminary_hearing": False,
                "main_hearings": {"dist": "constant", "value": 0},
            },
            "big": {
                "share": 0.5,
                "effort_hours": {"dist": "constant", "value": 3.0},
                "preliminary_hearing": False,
                "main_hearings": {"dist": "constant", "value": 0},
            },
        },
    }
    expected = {
        2: {"t_work_start": [10, 10], "t_disposed": [11, 13]},
        1: {"t_work_start": [10, 11], "t_disposed": [10, 13]},
    }
    for k, exp in expected.items():
        sc = make_scenario(**base).with_overrides({"judges.max_parallel_cases": k})
        m = CourtModel.from_scenario(sc, seed=1)
        m.run()
        c = m.cases
        assert c.n == 2
        assert c.t_filed[:2].tolist() == [10.0, 10.0]
        assert c.t_work_start[:2].tolist() == exp["t_work_start"], k
        assert c.t_disposed[:2].tolist() == exp["t_disposed"], k
        assert m.judge_hours_worked.sum() == pytest.approx(4.0)
