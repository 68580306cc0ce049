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
from sbas_plugin.core.online.update import name_date
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
        index = {name: truth.dates.index(name_date(name)) for name in names}
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


def searched_and_paired(tmp_path, names, end, session, max_days=24):
    from sbas_plugin.core.online.network import build_network
    from sbas_plugin.core.online.search import search_scenes

    work = tmp_path / "work"
    area = "POLYGON((-121.2 54.1,-120.8 54.1,-120.8 54.3,-121.2 54.3,-121.2 54.1))"
    first = min(name_date(name) for name in names).isoformat()
    search_scenes(work, area, first, end, aoi_crs="EPSG:4326", session=session)
    build_network(work, max_days=max_days, max_bperp=2000, session=session)
    return work


@pytest.fixture
def stack_names(tmp_path):
    products = tmp_path / "hyp3"
    truth = write_synthetic_stack(products, n_dates=8, shape=(10, 10), zipped=True, seed=2)
    return truth, sorted({name for zip_path in products.glob("*.zip") for name in granules_of(zip_path)})


def test_a_new_date_beyond_the_rules_is_left_out_and_a_second_plan_adds_nothing(tmp_path, stack_names):
    import asf_search

    from sbas_plugin.core.online.update import plan_update

    truth, names = stack_names
    # The archive has dates 1-6 and 8: the 7th was never acquired, so the 8th is 24 days after the 6th.
    kept = [name for name in names if name_date(name) != truth.dates[6]]
    session = asf_search.ASFSession()
    session.mount("https://", ArchiveCMR(cmr_items(kept)))
    work = searched_and_paired(tmp_path, kept, truth.dates[5].isoformat(), session, max_days=12)
    old = read_pairs(WorkFolder(work).pairs_csv)
    plan = plan_update(work, session=session)
    assert (plan.since, plan.new_dates, plan.new_pairs, plan.pairs) == (truth.dates[5], [], [], old)
    assert plan.left_out == [f"{kept[-1]} (no pair within the network rules)"]
    assert "0 new dates" in plan.summary() and "left out" in plan.summary()
    assert read_pairs(WorkFolder(work).pairs_csv) == old


def test_new_pairs_are_appended_once(tmp_path, stack_names):
    import asf_search

    from sbas_plugin.core.online.update import plan_update

    truth, names = stack_names
    session = asf_search.ASFSession()
    session.mount("https://", ArchiveCMR(cmr_items(names)))
    work = searched_and_paired(tmp_path, names, truth.dates[5].isoformat(), session)
    old = read_pairs(WorkFolder(work).pairs_csv)
    plan = plan_update(work, session=session)
    assert plan.new_dates == truth.dates[6:] and len(plan.new_pairs) == 4 and plan.credits == 40
    assert read_pairs(WorkFolder(work).pairs_csv) == old + plan.new_pairs
    again = plan_update(work, session=session)
    assert (again.since, again.new_pairs) == (truth.dates[7], [])
    assert read_pairs(WorkFolder(work).pairs_csv) == old + plan.new_pairs
    record = Manifest(work).step("pairs")
    assert (record["pairs"], record["added_pairs"], record["options"]["max_days"]) == (len(old) + 4, 0, 24)


def test_what_cannot_be_updated_says_why_and_posts_nothing(tmp_path, stack_names):
    import asf_search

    from sbas_plugin.core.online.hyp3 import connect
    from sbas_plugin.core.online.search import SearchError
    from sbas_plugin.core.online.update import plan_update, update_work

    truth, names = stack_names
    with pytest.raises(SearchError, match="no recorded search and pairs"):
        plan_update(tmp_path / "empty")
    session = asf_search.ASFSession()
    session.mount("https://", ArchiveCMR(cmr_items(names)))
    work = searched_and_paired(tmp_path, names, truth.dates[5].isoformat(), session)
    manifest = Manifest(work)
    manifest.data["inputs"] = {"products": str(tmp_path / "elsewhere"), "aoi": "x", "aoi_crs": None}
    manifest.save()
    pairs_before = WorkFolder(work).pairs_csv.read_bytes()
    with hyp3_server.Hyp3Server(token=TOKEN) as server:
        with pytest.raises(SearchError, match="downloads into"):
            update_work(work, connect(server.url, TOKEN), "monthly", session=session)
        assert server.posts == 0
    assert WorkFolder(work).pairs_csv.read_bytes() == pairs_before
