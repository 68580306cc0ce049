"""sbas update: a monitored work folder of 20 dates gets 3 new acquisitions. ASF answers through
asf_search's real HTTP layer from recorded CMR records (tests/data/asf, given the simulated scenes' names
and times), HyP3 is the project's server on 127.0.0.1, and MintPy runs for real."""

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest
from asf_archive import ArchiveCMR, asf_answers_from, cmr_items
from local_hyp3 import granules_of, hyp3_server
from osgeo import gdal

from sbas_plugin import cli
from sbas_plugin.core.manifest import Manifest
from sbas_plugin.core.online.hyp3 import read_pairs
from sbas_plugin.core.online.update import scene_date
from sbas_plugin.core.results.extract import dated_geotiffs
from sbas_plugin.core.simulate.synthetic import write_synthetic_stack
from sbas_plugin.core.workfolder import WorkFolder

TOKEN = "update-secret-token"  # pragma: allowlist secret
OLD_DATES, NEW_DATES = 20, 3


@pytest.fixture
def archive(tmp_path):
    """A 23-date simulated stack as HyP3 would make it, and ASF's archive of its 23 scenes on the
    default asf_search session (what the command line uses)."""
    products = tmp_path / "hyp3"
    truth = write_synthetic_stack(products, n_dates=OLD_DATES + NEW_DATES, shape=(30, 40), zipped=True, seed=4)
    names = sorted({name for zip_path in products.glob("*.zip") for name in granules_of(zip_path)})
    with asf_answers_from(ArchiveCMR(cmr_items(names))) as adapter:
        yield truth, products, names, adapter


def sbas(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([str(arg) for arg in args])
    return status, out.getvalue(), err.getvalue()


def series(work: Path) -> dict:
    """date -> the exported per-date displacement map of a work folder."""
    _, dates, paths = dated_geotiffs(WorkFolder(work).displacement_maps())
    return {date: gdal.Open(str(path)).ReadAsArray() for date, path in zip(dates, paths)}


@pytest.mark.mintpy
def test_twenty_dates_get_three_new_ones_and_only_their_pairs_are_ordered(tmp_path, archive, monkeypatch):
    truth, hyp3_products, names, asf = archive
    monkeypatch.setenv("EARTHDATA_TOKEN", TOKEN)
    work = tmp_path / "work"
    last_old = truth.dates[OLD_DATES - 1]
    x0, dx, _, y0, _, dy = truth.transform
    corners = [(4, 4), (36, 4), (36, 26), (4, 26), (4, 4)]
    aoi = "POLYGON((" + ",".join(f"{x0 + c * dx} {y0 + r * dy}" for c, r in corners) + "))"
    search_area = "POLYGON((-121.2 54.1,-120.8 54.1,-120.8 54.3,-121.2 54.3,-121.2 54.1))"

    with hyp3_server.Hyp3Server(hyp3_products, token=TOKEN) as server:
        # The work folder as users make it: 20 dates searched, paired, ordered, downloaded and run.
        status, out, err = sbas(
            "search",
            "--aoi",
            search_area,
            "--aoi-crs",
            "EPSG:4326",
            "--start",
            truth.dates[0],
            "--end",
            last_old,
            "--work",
            work,
        )
        assert status == 0 and out.startswith(f"{OLD_DATES} scenes"), err
        status, out, err = sbas("pairs", "--work", work, "--max-days", 24, "--max-bperp", 2000)
        assert status == 0 and f"{OLD_DATES} scenes, 37 pairs" in out, out + err
        old_pairs = read_pairs(WorkFolder(work).pairs_csv)
        status, _, err = sbas("submit", "--work", work, "--name", "monthly", "--api-url", server.url, "--yes")
        assert status == 0 and len(server.jobs) == 37 and server.posts == 1, err
        server.advance("SUCCEEDED")
        status, _, err = sbas("download", "--work", work, "--name", "monthly", "--api-url", server.url)
        assert status == 0, err
        status, _, err = sbas(
            "run",
            "--products",
            WorkFolder(work).products,
            "--aoi",
            aoi,
            "--aoi-crs",
            f"EPSG:{truth.epsg}",
            "--work",
            work,
        )
        assert status == 0, err[-3000:]
        assert len(series(work)) == OLD_DATES

        # The dock's daily check: one search, nothing written.
        before = {p: p.stat().st_mtime_ns for p in work.iterdir() if p.is_file()}
        searches = len(asf.sent)
        status, out, err = sbas("update", "--work", work, "--check")
        new_dates = ", ".join(d.isoformat() for d in truth.dates[OLD_DATES:])
        assert (status, out.strip()) == (0, f"3 new acquisitions since {last_old.isoformat()}: {new_dates}"), err
        assert {p: p.stat().st_mtime_ns for p in work.iterdir() if p.is_file()} == before
        assert len(asf.sent) == searches + 1

        # The cost comes first: without --yes and without a terminal nothing is posted.
        status, out, err = sbas("update", "--work", work, "--no-wait")
        summary = f"3 new dates since {last_old.isoformat()} ({new_dates}); 6 new pairs, 60 credits (20x4 looks)"
        assert status == 2 and summary in out and server.posts == 1, out + err

        # Ordered: exactly the six pairs that reach a new date (12 and 24 days), appended to pairs.csv.
        status, out, err = sbas("update", "--work", work, "--yes", "--no-wait", "--interval", "0.1")
        assert status == 0, err
        assert "6 jobs still pending or running" in out
        pairs = read_pairs(WorkFolder(work).pairs_csv)
        assert pairs[: len(old_pairs)] == old_pairs
        new_pairs = pairs[len(old_pairs) :]
        posted = [tuple(job["job_parameters"]["granules"]) for job in list(server.jobs.values())[37:]]
        assert server.posts == 2 and sorted(posted) == sorted(new_pairs)
        index = {name: truth.dates.index(scene_date(name)) for name in names}
        assert sorted((index[a], index[b]) for a, b in new_pairs) == [
            (18, 20),
            (19, 20),
            (19, 21),
            (20, 21),
            (20, 22),
            (21, 22),
        ]

        # The jobs end; the same command resumes: nothing ordered again, the new products in, the series rerun.
        server.advance("SUCCEEDED")
        status, out, err = sbas("update", "--work", work, "--yes", "--interval", "0.1")
        assert status == 0, err[-3000:]
        assert server.posts == 2 and "0 new dates" in out and "downloaded 6 products" in out
        updated = series(work)
        assert len(updated) == OLD_DATES + NEW_DATES
        assert Manifest(work).step("pairs")["pairs"] == 43

    # A fresh run on the same 43 products gives the same series, date by date.
    fresh = tmp_path / "fresh"
    status, _, err = sbas(
        "run", "--products", WorkFolder(work).products, "--aoi", aoi, "--aoi-crs", f"EPSG:{truth.epsg}", "--work", fresh
    )
    assert status == 0, err[-3000:]
    fresh_maps = series(fresh)
    assert list(fresh_maps) == list(updated)
    for date, grid in fresh_maps.items():
        np.testing.assert_allclose(updated[date], grid, atol=1e-6, equal_nan=True, err_msg=date)
    assert np.nanmax(np.abs(fresh_maps[list(fresh_maps)[-1]])) > 1e-3  # the maps hold motion, not zeros
