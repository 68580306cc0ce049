"""The time-series dock's CSV export, from plain numbers: a column per pixel, three per area, in the order
shown, empty cells where there is no value, and no partial file left behind."""

import csv
import math

from sbas_plugin.core.results.series_csv import AreaColumns, PixelColumn, write_series_csv

DATES = ["2020-01-03", "2020-01-15", "2020-01-27"]


def read_rows(path) -> list:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def test_pixels_and_areas_in_the_order_shown(tmp_path):
    path = tmp_path / "shown.csv"
    series = [
        PixelColumn("P1", 400440.04, 3899640.0, [0.0, -1.234, math.nan]),
        AreaColumns("area (6 pixels)", [0.0, 2.5, 3.0], [0.0, 0.125, math.nan], [6, 5, 0]),
        PixelColumn("fid 7", 1.0, 2.0, [0.0, 1.0, 2.0]),
    ]

    write_series_csv(path, DATES, "EPSG:32654", series)

    assert read_rows(path) == [
        [
            "date",
            "P1_mm (x 400440.0 y 3899640.0 EPSG:32654)",
            "area (6 pixels) mean_mm",
            "area (6 pixels) std_mm",
            "area (6 pixels) count",
            "fid 7_mm (x 1.0 y 2.0 EPSG:32654)",
        ],
        ["2020-01-03", "0.00", "0.00", "0.00", "6", "0.00"],
        ["2020-01-15", "-1.23", "2.50", "0.12", "5", "1.00"],
        ["2020-01-27", "", "3.00", "", "0", "2.00"],
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["shown.csv"]  # written whole: no .part left


def test_nothing_shown_writes_the_dates(tmp_path):
    path = tmp_path / "empty.csv"
    write_series_csv(path, DATES, "EPSG:4326", [])
    assert read_rows(path) == [["date"], *([date] for date in DATES)]
