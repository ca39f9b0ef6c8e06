import datetime

from comptoir.web.console.charts import daily_bar_chart


def _days(values):
    first = datetime.date(2026, 3, 1)
    return [(first + datetime.timedelta(days=index), value) for index, value in enumerate(values)]


def test_the_tallest_bar_fills_the_plot_when_the_maximum_is_a_round_number():
    chart = daily_bar_chart(_days([0, 5, 10]), height=124)
    assert chart.max_value == 10
    assert chart.bars[2].y == chart.plot_top
    assert chart.bars[0].height == 0 and chart.bars[0].y == chart.plot_bottom
    assert chart.bars[1].height == (chart.plot_bottom - chart.plot_top) / 2


def test_the_scale_rounds_up_to_a_readable_number():
    assert daily_bar_chart(_days([7])).max_value == 8
    assert daily_bar_chart(_days([13])).max_value == 20
    assert daily_bar_chart(_days([0, 0])).max_value == 4


def test_bars_do_not_overlap_and_the_last_day_is_labelled():
    chart = daily_bar_chart(_days([1] * 30))
    assert all(left.x + left.width < right.x for left, right in zip(chart.bars, chart.bars[1:], strict=False))
    assert chart.bars[-1].is_labelled and chart.bars[-6].is_labelled and not chart.bars[-2].is_labelled
