from comptoir.web.sellercenter.charts import HEIGHT, bar_chart, nice_ceiling


def test_nice_ceiling_rounds_up_to_a_round_number():
    assert [nice_ceiling(value) for value in (0, 1, 3, 7, 11, 24, 26, 480, 100001)] == [
        1,
        1,
        5,
        10,
        20,
        25,
        50,
        500,
        200000,
    ]


def test_bars_are_proportional_and_the_last_one_is_the_current_period():
    chart = bar_chart([("w1", 5, "5"), ("w2", 10, "10"), ("w3", 0, "0")])
    heights = [bar.height for bar in chart.bars]
    assert heights[1] == 2 * heights[0] and heights[2] == 0
    assert [bar.is_current for bar in chart.bars] == [False, False, True]
    assert all(bar.y + bar.height == chart.baseline_y for bar in chart.bars)
    assert chart.baseline_y < HEIGHT


def test_ticks_are_whole_values_up_to_the_rounded_maximum():
    chart = bar_chart([("a", 23, "23")])
    assert [tick.text for tick in chart.ticks] == ["0", "5", "10", "15", "20", "25"]


def test_an_empty_chart_is_flagged():
    assert bar_chart([("a", 0, "0"), ("b", 0, "0")]).is_empty is True


def test_with_many_bars_every_other_label_is_shown_ending_with_the_current_one():
    chart = bar_chart([(f"w{index}", index, str(index)) for index in range(12)])
    assert [bar.label for bar in chart.bars if bar.show_label] == ["w1", "w3", "w5", "w7", "w9", "w11"]
