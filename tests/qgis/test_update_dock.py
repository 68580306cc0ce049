"""Monitoring updates in real QGIS: the workflow dock says how many acquisitions ASF has since the work
folder's last date (one search a day, in a background task), and its Update button orders only the new
dates' pairs after the user has seen their cost, then downloads them and reruns the time series. ASF is
answered from recorded CMR records (tests/support/asf_archive.py), HyP3 by the project's local server."""

import contextlib
import dataclasses
import io
import os
from pathlib import Path

import pytest
from asf_archive import ArchiveCMR, asf_answers_from, cmr_items
from conftest import answer_next_question, wait_until
from local_hyp3 import granules_of, hyp3_server
from qgis import processing
from qgis.core import QgsProject
from qgis.PyQt.QtWidgets import QMessageBox

from sbas_plugin import cli
from sbas_plugin.core.online.update import name_date
from sbas_plugin.core.results.extract import dated_geotiffs
from sbas_plugin.core.simulate.synthetic import write_synthetic_stack
from sbas_plugin.core.workfolder import WorkFolder
from sbas_plugin.gui.workflow_dock import WorkflowDock
from sbas_plugin.settings import load_settings, save_settings
from sbas_plugin.tasks.registry import TaskRegistry

TOKEN = "update-dock-secret-token"  # pragma: allowlist secret
SCREENSHOTS = os.environ.get("SBAS_SCREENSHOT_DIR", "")
OLD_DATES, NEW_DATES = 6, 2


def sbas(*args) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([str(arg) for arg in args])
    assert status == 0, f"sbas {args[0]}: {out.getvalue()}{err.getvalue()[-2000:]}"


def picture(qgis_app, dock, path: Path) -> None:
    """The dock on its HyP3 page, scrolled to the Update button, with the count and the plan in the log."""
    dock.resize(480, 900)
    dock.show()
    dock.toolbox.setCurrentIndex(2)
    qgis_app.processEvents()
    dock.toolbox.widget(2).ensureWidgetVisible(dock.hyp3_page.update_button)
    qgis_app.processEvents()
    assert dock.grab().toImage().save(str(path)) and path.stat().st_size > 10_000


@pytest.mark.mintpy
def test_the_dock_says_what_is_new_and_its_update_orders_only_that(
    qgis_app, qgis_iface, qgis_canvas, provider, tmp_path, monkeypatch
):
    products = tmp_path / "hyp3"
    truth = write_synthetic_stack(products, n_dates=OLD_DATES + NEW_DATES, shape=(30, 40), zipped=True, seed=7)
    names = sorted({name for path in products.glob("*.zip") for name in granules_of(path)})
    work = tmp_path / "work"
    x0, dx, _, y0, _, dy = truth.transform
    corners = [(4, 4), (36, 4), (36, 26), (4, 26), (4, 4)]
    aoi = "POLYGON((" + ",".join(f"{x0 + c * dx} {y0 + r * dy}" for c, r in corners) + "))"
    monkeypatch.setenv("EARTHDATA_TOKEN", TOKEN)
    saved = load_settings()
    dock = WorkflowDock(qgis_iface, TaskRegistry())
    with asf_answers_from(ArchiveCMR(cmr_items(names))) as asf, hyp3_server.Hyp3Server(products, token=TOKEN) as server:
        server.finish_at_once = True
        try:
            save_settings(
                dataclasses.replace(
                    saved,
                    hyp3_api_url=server.url,
                    auth_config_id="",
                    check_new_acquisitions=True,
                    new_acquisitions_seen="",
                )
            )
            # A work folder of 6 dates, made and run from the command line.
            area = "POLYGON((-121.2 54.1,-120.8 54.1,-120.8 54.3,-121.2 54.3,-121.2 54.1))"
            last_old = truth.dates[OLD_DATES - 1].isoformat()
            sbas(
                "search",
                "--aoi",
                area,
                "--aoi-crs",
                "EPSG:4326",
                "--start",
                truth.dates[0],
                "--end",
                last_old,
                "--work",
                work,
            )
            sbas("pairs", "--work", work, "--max-days", 24, "--max-bperp", 2000)
            sbas("submit", "--work", work, "--name", "monthly", "--api-url", server.url, "--yes")
            sbas("download", "--work", work, "--name", "monthly", "--api-url", server.url)
            sbas(
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
            assert len(server.jobs) == 9

            # Processing: the count alone, nothing written.
            before = sorted((p, p.stat().st_mtime_ns) for p in work.iterdir() if p.is_file())
            counted = processing.run("sbas:update", {"WORK": str(work), "NAME": "monthly", "CHECK_ONLY": True})
            assert counted["NEW_DATES"] == NEW_DATES
            assert sorted((p, p.stat().st_mtime_ns) for p in work.iterdir() if p.is_file()) == before

            # Opening the work folder: one background search, then the count.
            searches = len(asf.sent)
            dock.work_widget.setFilePath(str(work))
            wait_until(qgis_app, lambda: not dock.new_label.isHidden(), 60, "the check for new acquisitions")
            assert dock.new_label.text() == f"2 new acquisitions since {last_old}: Update on page 3 adds them."
            assert len(asf.sent) == searches + 1
            # Opened again the same day: today's answer, ASF not asked again.
            dock.work_widget.setFilePath(str(tmp_path))
            assert dock.new_label.isHidden()
            dock.work_widget.setFilePath(str(work))
            assert not dock.new_label.isHidden() and len(asf.sent) == searches + 1

            # Update: the cost is asked first; "No" posts nothing.
            dock.hyp3_page.name_edit.setText("monthly")
            answer_next_question(QMessageBox.StandardButton.No)
            dock.hyp3_page.update_button.click()
            wait_until(qgis_app, lambda: not dock.runner.running(), 120, "the update's plan")
            assert server.posts == 1 and "2 new dates since" in dock.log_view.toPlainText()
            picture(qgis_app, dock, Path(SCREENSHOTS or tmp_path) / "update.png")  # what the user has seen

            answer_next_question(QMessageBox.StandardButton.Yes)
            dock.hyp3_page.update_button.click()
            final = f"No new acquisitions since {truth.dates[-1].isoformat()}."
            wait_until(qgis_app, lambda: dock.new_label.text() == final, 300, "the update and the next check")
            assert not dock.runner.running()
            posted = {tuple(job["job_parameters"]["granules"]) for job in list(server.jobs.values())[9:]}
            index = {name: truth.dates.index(name_date(name)) for name in names}
            assert server.posts == 2 and sorted((index[a], index[b]) for a, b in posted) == [
                (4, 6),
                (5, 6),
                (5, 7),
                (6, 7),
            ]
            _, dates, _ = dated_geotiffs(WorkFolder(work).displacement_maps())
            assert len(dates) == OLD_DATES + NEW_DATES

        finally:
            dock.hide()
            dock.unload()
            save_settings(saved)
            QgsProject.instance().removeAllMapLayers()
