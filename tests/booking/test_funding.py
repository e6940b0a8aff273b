"""The seam between booking and the programmes: a quote's invariants, and the list price for
the person alone when no funder is registered."""

from datetime import UTC, datetime

import pytest

from maillage.booking import funding


def _share(cents: int) -> funding.Share:
    return funding.Share(
        programme_id=1, public_label="Tarif solidaire", cents=cents, rule="rate", version=1
    )


def test_a_quote_whose_shares_do_not_add_up_to_the_list_price_is_refused():
    with pytest.raises(ValueError, match="add up"):
        funding.Quote(list_cents=800, person_cents=200, shares=(_share(500),))


@pytest.mark.parametrize(("person", "share"), [(-100, 900), (800, 0)])
def test_no_share_of_a_quote_is_negative_or_empty(person, share):
    with pytest.raises(ValueError, match="negative"):
        funding.Quote(list_cents=800, person_cents=person, shares=(_share(share),))


def test_without_a_funder_the_person_pays_the_list_price(monkeypatch):
    monkeypatch.setattr(funding, "_funder", None)
    request = funding.QuoteRequest(
        person=None,  # type: ignore[arg-type]  # not read without a funder
        space_id=1,
        place_id=1,
        space_kind="desk",
        start=datetime(2026, 12, 1, 9, tzinfo=UTC),
        end=datetime(2026, 12, 1, 12, tzinfo=UTC),
        seats=1,
        list_cents=800,
        now=datetime(2026, 11, 30, tzinfo=UTC),
    )
    quote = funding.quote(request)
    assert (quote.person_cents, quote.shares, quote.is_reduced) == (800, (), False)
