"""The suite gives the same answer whatever day it runs: its wall clock starts at SUITE_CLOCK
(tests.fixtures.clock), before the fixed dates the tests book, issue and read at. Without it,
a test mixing a fixed NOW with «today» passes until the calendar overtakes NOW, then fails
(on 1 December 2026, 162 of them did)."""

import threading
from datetime import date, datetime, timedelta

from django.utils import timezone

from tests.moments import DAY, NOW, SUITE_CLOCK, tuesday_ahead

# Longer than any run of the suite, shorter than the way from SUITE_CLOCK to NOW.
SESSION = timedelta(hours=3)


def test_today_is_the_suites_day_whatever_the_calendar_says():
    assert SUITE_CLOCK <= timezone.now() < SUITE_CLOCK + SESSION
    assert date.today() == SUITE_CLOCK.date()
    assert timezone.now() < NOW - SESSION, "NOW must stay ahead of the suite's today"


def test_threads_share_the_clock():
    """Live servers and racing writers run in threads of this process."""
    seen: list[datetime] = []
    thread = threading.Thread(target=lambda: seen.append(timezone.now()))
    thread.start()
    thread.join()
    assert SUITE_CLOCK <= seen[0] < SUITE_CLOCK + SESSION


def test_the_tuesday_ahead_is_the_same_before_and_after_the_clock_moves():
    assert DAY == tuesday_ahead() > SUITE_CLOCK.date()
