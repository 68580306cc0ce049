"""MintPy's time series header, and the YYYYMMDD dates everything writes."""

import datetime as dt
import re

import h5py
import numpy as np
import pytest
from test_extract import EPSG, HEIGHT, PIXEL, WIDTH, X0, Y0, dates, encoded, write_mintpy_timeseries

from sbas_plugin.core.dates import dates64, parse_date
from sbas_plugin.core.grid import Grid
from sbas_plugin.core.results.mintpy_files import find_timeseries, read_configuration, read_header, timeseries_name


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


def write_configuration(folder, text: str) -> None:
    (folder / "smallbaselineApp.cfg").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "settings, name",
    [
        ("mintpy.troposphericDelay.method = no\nmintpy.deramp = no", "timeseries_demErr.h5"),
        (
            "mintpy.troposphericDelay.method = auto  # auto for pyaps\nmintpy.deramp = linear",
            "timeseries_ERA5_ramp_demErr.h5",
        ),
        (
            "mintpy.troposphericDelay.method = height_correlation\nmintpy.topographicResidual = no",
            "timeseries_tropHgt.h5",
        ),
        (
            "mintpy.troposphericDelay.method = no\nmintpy.deramp = quadratic\nmintpy.solidEarthTides = yes",
            "timeseries_SET_ramp_demErr.h5",
        ),
        ("mintpy.troposphericDelay.method = no\nmintpy.topographicResidual = false", "timeseries.h5"),
    ],
)
def test_the_final_time_series_is_the_one_the_configuration_names(tmp_path, settings, name):
    """Whatever other time series lie in the folder from runs with other settings."""
    for other in (
        "timeseries.h5",
        "timeseries_demErr.h5",
        "timeseries_ramp_demErr.h5",
        "timeseries_ERA5_ramp_demErr.h5",
    ):
        write_mintpy_timeseries(tmp_path / other, encoded(3), chunks=True)
    write_mintpy_timeseries(tmp_path / name, encoded(3), chunks=True)
    write_configuration(tmp_path, settings)
    assert find_timeseries(tmp_path) == tmp_path / name
    assert timeseries_name(read_configuration(tmp_path / "smallbaselineApp.cfg")) == name


def test_a_time_series_the_configuration_does_not_name_is_never_read(tmp_path):
    write_mintpy_timeseries(tmp_path / "timeseries.h5", encoded(3), chunks=True)
    write_mintpy_timeseries(tmp_path / "timeseries_ramp_demErr.h5", encoded(3), chunks=True)
    write_configuration(tmp_path, "mintpy.troposphericDelay.method = no\n")
    with pytest.raises(FileNotFoundError, match=r"no timeseries_demErr\.h5, the final time series of its config"):
        find_timeseries(tmp_path)


def test_without_a_configuration_only_a_single_time_series_is_read(tmp_path):
    write_mintpy_timeseries(tmp_path / "timeseries.h5", encoded(3), chunks=True)
    (tmp_path / "timeseriesResidual.h5").write_bytes(b"")  # MintPy's residuals, never a time series to read
    assert find_timeseries(tmp_path) == tmp_path / "timeseries.h5"
    write_mintpy_timeseries(tmp_path / "timeseries_demErr.h5", encoded(3), chunks=True)
    with pytest.raises(FileNotFoundError, match=r"2 time series .* no smallbaselineApp\.cfg saying which one is final"):
        find_timeseries(tmp_path)
    # This project's template, before MintPy has written its own copy: the rest is MintPy's defaults.
    (tmp_path / "sbas_mintpy.txt").write_text("mintpy.troposphericDelay.method = no\n", encoding="utf-8")
    assert find_timeseries(tmp_path) == tmp_path / "timeseries_demErr.h5"
