"""MintPy's time series header, and the YYYYMMDD dates everything writes."""

import datetime as dt
import re

import h5py
import numpy as np
import pytest
from test_extract import EPSG, HEIGHT, PIXEL, WIDTH, X0, Y0, dates, encoded, write_mintpy_timeseries

from sbas_plugin.core.dates import dates64, parse_date
from sbas_plugin.core.grid import Grid
from sbas_plugin.core.results.mintpy_files import read_header


def test_parse_date_takes_text_and_bytes():
    assert parse_date("20200229") == parse_date(b"20200229") == parse_date(np.bytes_(b"20200229"))
    assert parse_date("20200229") == dt.date(2020, 2, 29)


@pytest.mark.parametrize("text", ["2020113", "20201301", "20190229", "2020-01-13", " 20200113", "", "abcdefgh"])
def test_parse_date_names_what_is_not_a_date(text):
    with pytest.raises(ValueError, match=re.escape(f"{text!r} is not a date (YYYYMMDD)")):
        parse_date(text)


def test_dates64():
    parsed = dates64(["20200103", b"20200115"])
    assert parsed.dtype == np.dtype("datetime64[D]")
    assert parsed.tolist() == [dt.date(2020, 1, 3), dt.date(2020, 1, 15)]


def test_header_of_a_geocoded_time_series(tmp_path):
    path = write_mintpy_timeseries(tmp_path / "timeseries.h5", encoded(3), chunks=True)
    with h5py.File(path, "a") as f:
        f.attrs["REF_DATE"] = dates(3)[1]
    header = read_header(path)
    assert header.grid == Grid(X0, Y0, PIXEL, -PIXEL, WIDTH, HEIGHT)
    assert header.crs == f"EPSG:{EPSG}"
    assert header.dates == dates(3)
    assert header.reference_date == dates(3)[1]


def test_header_without_a_crs_or_a_reference_among_the_dates(tmp_path):
    path = write_mintpy_timeseries(tmp_path / "timeseries.h5", encoded(3), chunks=True)
    with h5py.File(path, "a") as f:
        del f.attrs["EPSG"]
        f.attrs["REF_DATE"] = "19990101"
    header = read_header(path)
    assert header.crs is None and header.reference_date == dates(3)[0]
    with h5py.File(path, "a") as f:
        f.attrs["UTM_ZONE"] = "54S"
    assert read_header(path).crs == "EPSG:32754"


def test_header_of_a_file_not_geocoded_or_not_north_up_says_so(tmp_path):
    path = write_mintpy_timeseries(tmp_path / "timeseries.h5", encoded(2), chunks=True)
    with h5py.File(path, "a") as f:
        f.attrs["Y_STEP"] = str(PIXEL)
    with pytest.raises(ValueError, match=re.escape("timeseries.h5: not a north-up grid")):
        read_header(path)
    with h5py.File(path, "a") as f:
        del f.attrs["Y_FIRST"]
    with pytest.raises(ValueError, match=re.escape("timeseries.h5: not geocoded (no 'Y_FIRST' attribute); run MintPy")):
        read_header(path)
