"""The series the time-series dock shows, as a CSV table: one row per date, the columns of each series in
the order shown."""

import csv
import math
from typing import NamedTuple, Sequence

from sbas_plugin.core.files import written_whole


class PixelColumn(NamedTuple):
    """A pixel's series: one column, its header saying where the pixel is."""

    label: str
    x: float
    y: float
    mm: Sequence[float]  # per date; NaN: no value


class AreaColumns(NamedTuple):
    """An area's series: three columns."""

    label: str
    mean_mm: Sequence[float]
    std_mm: Sequence[float]
    count: Sequence[int]  # per date: how many of its pixels have a value


def write_series_csv(path, dates: Sequence[str], crs: str, series: Sequence) -> None:
    """`dates` as they are to be written, `series` PixelColumn and AreaColumns in order; the pixels' x
    and y are in `crs`. Millimetres with two decimals, empty where there is no value."""
    header, columns = ["date"], []
    for one in series:
        if isinstance(one, PixelColumn):
            header.append(f"{one.label}_mm (x {one.x:.1f} y {one.y:.1f} {crs})")
            columns.append([millimetres(v) for v in one.mm])
        else:
            header += [f"{one.label} mean_mm", f"{one.label} std_mm", f"{one.label} count"]
            columns.append([millimetres(v) for v in one.mean_mm])
            columns.append([millimetres(v) for v in one.std_mm])
            columns.append([str(int(n)) for n in one.count])
    with written_whole(path) as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for d, date in enumerate(dates):
            writer.writerow([date, *(column[d] for column in columns)])


def millimetres(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.2f}"
