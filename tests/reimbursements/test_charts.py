"""The dashboard charts' geometry (reimbursements.charts, pure)."""

from maillage.reimbursements.charts import BASELINE, TOP, WIDTH, Bar, burn_bars, month_bars


def test_month_bars_stand_on_the_baseline_scaled_on_the_largest():
    bars, ticks = month_bars([("12/26", 600, 0), ("01/27", 300, 1200)])
    assert [(b.label, b.series) for b in bars] == [
        ("12/26", "owed"),
        ("12/26", "committed"),
        ("01/27", "owed"),
        ("01/27", "committed"),
    ]
    tallest = BASELINE - TOP
    assert [b.height for b in bars] == [tallest / 2, 0, tallest / 4, tallest]
    assert all(round(b.y + b.height, 1) == BASELINE for b in bars)
    assert all(b.x >= 0 and b.x + b.width <= WIDTH for b in bars)
    assert [t.x for t in ticks] == [WIDTH / 4, WIDTH * 3 / 4]


def test_no_amount_draws_no_bar():
    assert month_bars([]) == ([], [])
    assert month_bars([("12/26", 0, 0)]) == ([], [])
    assert burn_bars(0, 0, 0) == []


def test_the_burn_band_splits_the_budget():
    assert burn_bars(1000, 250, 250) == [
        Bar(0, 0, WIDTH / 4, 40, "owed", "owed"),
        Bar(WIDTH / 4, 0, WIDTH / 4, 40, "committed", "committed"),
        Bar(WIDTH / 2, 0, WIDTH / 2, 40, "rest", "rest"),
    ]


def test_the_burn_band_stays_full_width_past_the_budget():
    bars = burn_bars(0, 300, 100)
    assert [b.width for b in bars] == [WIDTH * 3 / 4, WIDTH / 4, 0]
