import contextlib
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.core.dates import (
    DateRange,
    DateRefused,
    booking_range,
    long_date,
    parse_date,
    parse_instant,
    read_range,
)

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-12-02T24:00:00+01:00",  # hour 24
        "2026-12-02T09:00:60+01:00",  # second 60
        "2026-12-02T09:00:00+24:00",
        "2026-12-02T09:00:00+99:99",
        "2026-12-02T09:00:00+15:00",  # no such offset on Earth
        "2026-12-02T09:00:00",  # no offset
        "2026-02-30T09:00:00+01:00",
        "２０２６-12-02T09:00:00+01:00",  # non-ASCII digits
        "2026-12-02T09:00:00+01:00\x00",
        "",
        None,
        12,
        ["2026-12-02T09:00:00+01:00"],
    ],
)
def test_parse_instant_refuses_malformed_and_impossible_values(raw):
    with pytest.raises(DateRefused, match="« start »"):
        parse_instant(raw, "start")


def test_parse_instant_reads_offsets_and_z():
    assert parse_instant("2026-12-02T09:00:00+01:00", "start").isoformat() == (
        "2026-12-02T09:00:00+01:00"
    )
    assert parse_instant("2026-12-02t08:00z", "start").utcoffset() == timedelta(0)


@pytest.mark.parametrize("raw", ["2026-13-45", "2026-02-30", "26-12-02", "2026-12-2", "x", None])
def test_parse_date_refuses_malformed_and_impossible_dates(raw):
    with pytest.raises(DateRefused, match="« date »"):
        parse_date(raw, "date")


@pytest.mark.parametrize("day", [date(9999, 12, 31), date(1, 1, 1), date(2028, 12, 1)])
def test_read_range_names_the_allowed_range(day):
    with pytest.raises(DateRefused) as refused:
        read_range(TODAY).check(day, "semaine")
    assert "entre le 30 novembre 2025 et le 30 novembre 2028" in str(refused.value)


def test_a_range_says_its_refusal_without_the_field_and_check_adds_it():
    allowed = DateRange(date(2026, 12, 1), date(2026, 12, 31))
    assert allowed.refusal(date(2026, 12, 1)) is None
    assert allowed.refusal(date(2026, 12, 31)) is None
    refusal = "choisissez une date entre le 1er décembre 2026 et le 31 décembre 2026."
    assert allowed.refusal(date(2026, 11, 30)) == refusal
    assert allowed.refusal(date(2027, 1, 1)) == refusal
    with pytest.raises(DateRefused) as refused:
        allowed.check(date(2027, 1, 1), "Du")
    assert str(refused.value) == f"« Du » : {refusal}"


def test_booking_range_follows_the_space_horizon():
    assert booking_range(TODAY, 30).last == date(2026, 12, 30)
    assert booking_range(TODAY, None).last == read_range(TODAY).last
    assert long_date(date(2026, 12, 1)) == "1er décembre 2026"


@given(st.text(max_size=40))
def test_parsers_refuse_or_return_never_crash(raw):
    for parse in (parse_date, parse_instant):
        with contextlib.suppress(DateRefused):
            parse(raw, "champ")
