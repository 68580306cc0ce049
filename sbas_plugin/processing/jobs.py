"""sbas:search, sbas:pairs, sbas:submit, sbas:status, sbas:download — from the scene search to the
downloaded products, as the `sbas` subcommands of the same names do it."""

import datetime as dt
from pathlib import Path

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputFolder,
    QgsProcessingOutputNumber,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from sbas_plugin.core.names import CREDITS_PER_PAIR, HYP3_OPTIONS, LOOKS, PIXEL_M
from sbas_plugin.core.workfolder import WorkFolder
from sbas_plugin.i18n import tr
from sbas_plugin.processing.base import SbasAlgorithm, token_help
from sbas_plugin.settings import load_settings


def _number(name: str, description: str, kind, default, minimum=None):
    parameter = QgsProcessingParameterNumber(name, description, kind, default)
    if minimum is not None:
        parameter.setMinimum(minimum)
    return parameter


def _add_looks(algorithm) -> None:
    algorithm.add_enum(
        "LOOKS",
        tr("HyP3 looks"),
        [
            tr("{looks}: {pixel} m pixels, {credits} credits a pair").format(
                looks=looks, pixel=PIXEL_M[looks], credits=CREDITS_PER_PAIR[looks]
            )
            for looks in LOOKS
        ],
    )


def _add_wait(algorithm) -> None:
    algorithm.addParameter(QgsProcessingParameterBoolean("WAIT", tr("Wait until no job is pending or running"), False))
    algorithm.add_advanced(
        _number(
            "INTERVAL",
            tr("First poll interval (s; grows to 10 min)"),
            QgsProcessingParameterNumber.Type.Double,
            60.0,
            1.0,
        )
    )


class SearchAlgorithm(SbasAlgorithm):
    GROUP = "hyp3"
    DIRECTIONS = (None, "ascending", "descending")

    def name(self) -> str:
        return "search"

    def displayName(self) -> str:  # noqa: N802
        return tr("Search Sentinel-1 scenes")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Searches ASF for Sentinel-1 IW SLC scenes over the area between two dates (YYYY-MM-DD, the whole "
            "end day counts), as ASF Vertex lists them, optionally only one orbit direction, path or frame. "
            "Writes scenes.gpkg and scenes.geojson (footprints with scene name, date, path, frame, direction, "
            "polarization, absolute orbit), scenes.json and aoi.geojson into the work folder, for 'SBAS pairs'. "
            "Incomplete answers from ASF are an error, never a short list. asf_search's error reports to ASF "
            "stay off unless you allow them."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "AOI", tr("Area of interest (polygons, any CRS)"), [QgsProcessing.SourceType.TypeVectorPolygon]
            )
        )
        self.addParameter(QgsProcessingParameterString("START", tr("First acquisition date (YYYY-MM-DD)")))
        self.addParameter(QgsProcessingParameterString("END", tr("Last acquisition date (YYYY-MM-DD)")))
        self.add_enum("DIRECTION", tr("Orbit direction"), [tr("Any"), tr("Ascending"), tr("Descending")])
        integer = QgsProcessingParameterNumber.Type.Integer
        self.addParameter(QgsProcessingParameterNumber("PATH", tr("Path (relative orbit)"), integer, optional=True))
        self.addParameter(
            QgsProcessingParameterNumber("FRAME", tr("Frame, as Vertex shows it"), integer, optional=True)
        )
        self.addParameter(QgsProcessingParameterFolderDestination("WORK", tr("Work folder")))
        self.add_advanced(
            QgsProcessingParameterBoolean(
                "REPORT_ERRORS", tr("Let asf_search send failed searches (with the area) to ASF"), False
            )
        )
        self.addOutput(QgsProcessingOutputVectorLayer("SCENES", tr("Scene footprints")))
        self.addOutput(QgsProcessingOutputNumber("COUNT", tr("Number of scenes")))

    def optional_int(self, parameters, name, context):
        return None if parameters.get(name) in (None, "") else self.parameterAsInt(parameters, name, context)

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.online.search import search_scenes

        aoi, aoi_crs = self.aoi_of(parameters, "AOI", context)
        work = self.folder(parameters, "WORK", context)
        products = search_scenes(
            work,
            aoi,
            self.parameterAsString(parameters, "START", context).strip(),
            self.parameterAsString(parameters, "END", context).strip(),
            aoi_crs=aoi_crs,
            direction=self.enum_value(parameters, "DIRECTION", context, self.DIRECTIONS),
            path=self.optional_int(parameters, "PATH", context),
            frame=self.optional_int(parameters, "FRAME", context),
            report_errors=self.parameterAsBoolean(parameters, "REPORT_ERRORS", context),
            **self.bridge(feedback),
        )
        feedback.pushInfo(tr("{} scenes written to {}").format(len(products), work))
        return {"WORK": work, "SCENES": str(WorkFolder(work).scenes_gpkg), "COUNT": len(products)}


class PairsAlgorithm(SbasAlgorithm):
    GROUP = "hyp3"

    def name(self) -> str:
        return "pairs"

    def displayName(self) -> str:  # noqa: N802
        return tr("SBAS pairs")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Builds the SBAS pair network of the searched scenes by Vertex's rule: pairs at most the given days "
            "and perpendicular baseline (m) apart, optionally only in a season (MM-DD,MM-DD, may cross new year) "
            "and with bridges about 1..N years apart. Keeps the largest connected network and reports "
            "disconnected dates and scenes without state vectors. Writes pairs.csv (reference,secondary) and "
            "network.png into the work folder, and reports the HyP3 cost in credits."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        defaults = load_settings()  # the options page's values
        self.add_folder("WORK", tr("Work folder of 'Search Sentinel-1 scenes'"))
        self.addParameter(
            QgsProcessingParameterString(
                "REFERENCE", tr("Reference scene (empty: the most recent searched scene)"), optional=True
            )
        )
        integer, double = QgsProcessingParameterNumber.Type.Integer, QgsProcessingParameterNumber.Type.Double
        days = defaults.max_temporal_baseline_days
        self.addParameter(_number("MAX_DAYS", tr("Longest temporal baseline (days)"), integer, days, 1))
        metres = defaults.max_perpendicular_baseline_m
        self.addParameter(_number("MAX_BPERP", tr("Largest perpendicular baseline (m)"), double, metres, 0.0))
        self.addParameter(
            QgsProcessingParameterString("SEASON", tr("Season, MM-DD,MM-DD (empty: all year)"), optional=True)
        )
        self.addParameter(_number("BRIDGE_YEARS", tr("Bridge pairs up to this many years apart"), integer, 0, 0))
        _add_looks(self)
        self.add_advanced(
            QgsProcessingParameterBoolean("REPORT_ERRORS", tr("Let asf_search send failed searches to ASF"), False)
        )
        self.addOutput(QgsProcessingOutputFile("PAIRS", tr("pairs.csv")))
        self.addOutput(QgsProcessingOutputFile("NETWORK", tr("Network graph (PNG)")))
        self.addOutput(QgsProcessingOutputNumber("CREDITS", tr("HyP3 credits")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.online.network import build_network, credits

        work = self.folder(parameters, "WORK", context)
        looks = self.enum_value(parameters, "LOOKS", context, LOOKS)
        network = build_network(
            work,
            reference=self.parameterAsString(parameters, "REFERENCE", context).strip() or None,
            max_days=self.parameterAsInt(parameters, "MAX_DAYS", context),
            max_bperp=self.parameterAsDouble(parameters, "MAX_BPERP", context),
            season=self.parameterAsString(parameters, "SEASON", context).strip() or None,
            bridge_years=self.parameterAsInt(parameters, "BRIDGE_YEARS", context),
            looks=looks,
            report_errors=self.parameterAsBoolean(parameters, "REPORT_ERRORS", context),
            **self.bridge(feedback),
        )
        for scene in network.no_state_vectors:
            feedback.pushInfo(tr("left out, no state vectors: {}").format(scene.name))
        if network.disconnected:
            dates = ", ".join(s.date.isoformat() for s in network.disconnected)
            feedback.pushInfo(tr("disconnected from the network, left out: {}").format(dates))
        cost = credits(len(network.pairs), looks)
        feedback.pushInfo(
            tr("{} scenes, {} pairs, {} credits; reference {}").format(
                len(network.scenes), len(network.pairs), cost, network.reference
            )
        )
        folder = WorkFolder(work)
        return {"PAIRS": str(folder.pairs_csv), "NETWORK": str(folder.network_png), "CREDITS": cost}


class SubmitAlgorithm(SbasAlgorithm):
    GROUP = "hyp3"

    def name(self) -> str:
        return "submit"

    def displayName(self) -> str:  # noqa: N802
        return tr("Submit HyP3 InSAR jobs")

    def shortHelpString(self) -> str:  # noqa: N802
        return (
            tr(
                "Submits the pairs of pairs.csv as HyP3 INSAR_GAMMA jobs under the project name, each pair once: "
                "pairs HyP3 already holds under that name are never submitted (and paid) again, except those "
                "whose product expired before it was downloaded into the work folder's products/. DEM and look "
                "vectors are always ordered (MintPy needs them). The cost in credits and the credits remaining are "
                "reported first; jobs are submitted only when 'I accept the credit cost' is ticked, and never when "
                "the credits do not cover the cost. HyP3 cannot cancel jobs. The job record is hyp3_jobs.json in "
                "the work folder. "
            )
            + token_help()
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_hyp3_parameters()
        self.addParameter(
            QgsProcessingParameterFile(
                "PAIRS",
                tr("Pairs CSV (reference,secondary; empty: pairs.csv of the work folder)"),
                extension="csv",
                optional=True,
            )
        )
        _add_looks(self)
        for name, label in (
            ("WATER_MASK", tr("Mask water before phase unwrapping")),
            ("DISPLACEMENT_MAPS", tr("Include line-of-sight and vertical displacement maps")),
            ("WRAPPED_PHASE", tr("Include the wrapped phase")),
            ("INC_MAP", tr("Include the incidence angle maps")),
        ):
            self.add_advanced(QgsProcessingParameterBoolean(name, label, False))
        self.addParameter(QgsProcessingParameterBoolean("ACCEPT_COST", tr("I accept the credit cost"), False))
        self.addOutput(QgsProcessingOutputNumber("COST", tr("Cost (credits)")))
        self.addOutput(QgsProcessingOutputNumber("SUBMITTED", tr("Jobs submitted")))
        self.addOutput(QgsProcessingOutputFile("RECORD", tr("Job record (hyp3_jobs.json)")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.online.hyp3 import read_pairs, submit_pairs

        work, name, client = self.hyp3_client(parameters, context)
        options = [
            option
            for flag, option in HYP3_OPTIONS.items()
            if self.parameterAsBoolean(parameters, flag.upper(), context)
        ]
        confirm = self.confirm_cost(
            parameters,
            context,
            feedback,
            tr("Nothing submitted: tick 'I accept the credit cost' to submit these jobs."),
        )
        pairs_file = self.parameterAsFile(parameters, "PAIRS", context) or str(WorkFolder(work).pairs_csv)
        result = submit_pairs(
            work,
            read_pairs(pairs_file),
            name,
            client,
            looks=self.enum_value(parameters, "LOOKS", context, LOOKS),
            options=options,
            confirm=confirm,
            **self.bridge(feedback),
        )
        if result.to_submit == 0:
            feedback.pushInfo(
                tr("nothing to submit: all {} pairs are already on HyP3 under {}").format(result.pairs, name)
            )
        elif result.confirmed:
            feedback.pushInfo(tr("submitted {} jobs under {}").format(result.submitted, name))
        return {"COST": result.cost, "SUBMITTED": result.submitted, "RECORD": str(WorkFolder(work).record)}


class StatusAlgorithm(SbasAlgorithm):
    GROUP = "hyp3"

    def name(self) -> str:
        return "status"

    def displayName(self) -> str:  # noqa: N802
        return tr("HyP3 job status")

    def shortHelpString(self) -> str:  # noqa: N802
        return (
            tr(
                "Reports the project's HyP3 jobs: how many are pending, running, succeeded and failed, each failed "
                "pair with its log, and when each product expires (days left). Optionally waits until no job is "
                "pending or running, and resubmits each failed pair once with the same options (only with 'I "
                "accept the credit cost' ticked). "
            )
            + token_help()
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_hyp3_parameters()
        _add_wait(self)
        self.addParameter(QgsProcessingParameterBoolean("RESUBMIT_FAILED", tr("Resubmit each failed pair once"), False))
        self.addParameter(
            QgsProcessingParameterBoolean("ACCEPT_COST", tr("I accept the credit cost (of resubmitting)"), False)
        )
        for status, label in (
            ("PENDING", tr("Pending jobs")),
            ("RUNNING", tr("Running jobs")),
            ("SUCCEEDED", tr("Succeeded jobs")),
            ("FAILED", tr("Failed jobs")),
        ):
            self.addOutput(QgsProcessingOutputNumber(status, label))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.online.hyp3 import (
            by_expiry,
            count_statuses,
            days_left,
            project_jobs,
            resubmit_failed,
            sync_record,
            wait_for_jobs,
        )

        work, name, client = self.hyp3_client(parameters, context)
        if self.parameterAsBoolean(parameters, "WAIT", context):
            interval = self.parameterAsDouble(parameters, "INTERVAL", context)
            jobs = wait_for_jobs(client, name, interval=interval, **self.bridge(feedback))
        else:
            jobs = project_jobs(client, name)
        sync_record(Path(work), name, client.url, jobs)  # each pair's status and expiry, for the dock's table
        counts = count_statuses(jobs)
        feedback.pushInfo(
            tr("{} jobs: {}").format(
                len(jobs), ", ".join(f"{count} {status.lower()}" for status, count in counts.items())
            )
        )
        for job in jobs:
            if job.failed():
                reference, secondary = job.job_parameters["granules"]
                logs = ", ".join(job.logs or ["-"])
                feedback.pushWarning(tr("FAILED {} {} log: {}").format(reference, secondary, logs))
        now = dt.datetime.now(dt.timezone.utc)
        for job in by_expiry([job for job in jobs if job.succeeded()]):
            left = days_left(job, now)
            when = tr("expired") if left <= 0 else tr("{:.1f} days left").format(left)
            feedback.pushInfo(
                tr("expires {} UTC ({}) {}").format(f"{job.expiration_time:%Y-%m-%d %H:%M}", when, job.job_id)
            )
        if self.parameterAsBoolean(parameters, "RESUBMIT_FAILED", context):
            confirm = self.confirm_cost(
                parameters,
                context,
                feedback,
                tr("Nothing resubmitted: tick 'I accept the credit cost' to resubmit."),
            )
            resubmitted, given_up = resubmit_failed(work, client, name, confirm=confirm, progress=feedback.setProgress)
            feedback.pushInfo(tr("resubmitted {} failed pairs").format(len(resubmitted)))
            for reference, secondary in given_up:
                feedback.pushInfo(tr("failed twice, left out of the network: {} {}").format(reference, secondary))
        return {status: counts.get(status, 0) for status in ("PENDING", "RUNNING", "SUCCEEDED", "FAILED")}


class DownloadAlgorithm(SbasAlgorithm):
    GROUP = "hyp3"

    def name(self) -> str:
        return "download"

    def displayName(self) -> str:  # noqa: N802
        return tr("Download HyP3 products")

    def shortHelpString(self) -> str:  # noqa: N802
        return (
            tr(
                "Downloads the product zips of every succeeded job of the project into the work folder's products/ "
                "folder, several at a time: interrupted files resume, every file's size and every zip member's "
                "checksum are verified before it takes its name, and files already there are skipped. Pairs whose "
                "product expired before it was downloaded are reported: 'Submit HyP3 InSAR jobs' orders them again. "
                "Optionally waits for pending and running jobs, downloading as they finish. The products folder is "
                "the input of 'Run the whole time series'. "
            )
            + token_help()
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        defaults = load_settings()  # the options page's values
        self.add_hyp3_parameters()
        _add_wait(self)
        integer = QgsProcessingParameterNumber.Type.Integer
        self.add_advanced(_number("WORKERS", tr("Parallel downloads"), integer, defaults.download_workers, 1))
        self.addOutput(QgsProcessingOutputFolder("PRODUCTS", tr("Products folder")))
        self.addOutput(QgsProcessingOutputNumber("DOWNLOADED", tr("Products downloaded")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.online.download import download_project

        work, name, client = self.hyp3_client(parameters, context)
        report = download_project(
            work,
            client,
            name,
            workers=self.parameterAsInt(parameters, "WORKERS", context),
            wait=self.parameterAsBoolean(parameters, "WAIT", context),
            interval=self.parameterAsDouble(parameters, "INTERVAL", context),
            **self.bridge(feedback),
        )
        feedback.pushInfo(
            tr("downloaded: {}, already there: {}, into {}").format(
                len(report.downloaded), len(report.skipped), report.folder
            )
        )
        for filename in report.expired:
            feedback.pushWarning(tr("expired before it was downloaded: {}").format(filename))
        for filename, why in report.failed.items():
            feedback.pushWarning(tr("FAILED {}: {}").format(filename, why))
        problems = []
        if report.failed:
            problems.append(tr("{} products not downloaded: run again to resume them.").format(len(report.failed)))
        if report.expired:
            problems.append(
                tr(
                    "{} expired products: their pairs will be ordered again by 'Submit HyP3 InSAR jobs' "
                    "(it reports the cost first); then download again."
                ).format(len(report.expired))
            )
        if problems:
            raise QgsProcessingException(" ".join(problems))
        return {"PRODUCTS": str(report.folder), "DOWNLOADED": len(report.downloaded)}


class UpdateAlgorithm(SbasAlgorithm):
    GROUP = "hyp3"

    def name(self) -> str:
        return "update"

    def displayName(self) -> str:  # noqa: N802
        return tr("Update with new acquisitions")

    def shortHelpString(self) -> str:  # noqa: N802
        return (
            tr(
                "Extends a monitored work folder with the acquisitions since its last date, instead of starting a "
                "new one: searches ASF again with the recorded search up to today, adds to pairs.csv only the pairs "
                "the recorded network rules give for the new dates, reports the new dates, pairs and credits, and "
                "submits only those (only with 'I accept the credit cost' ticked; pairs already on HyP3 are never "
                "ordered again). Then it waits for the jobs, downloads the new products into products/ and reruns "
                "the time series with the options it was run with. Each step resumes: run it again after a stop. "
                "'Only count new acquisitions' searches once and changes nothing. "
            )
            + token_help()
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_hyp3_parameters()
        self.addParameter(QgsProcessingParameterBoolean("CHECK_ONLY", tr("Only count new acquisitions"), False))
        self.addParameter(QgsProcessingParameterBoolean("ACCEPT_COST", tr("I accept the credit cost"), False))
        self.addParameter(QgsProcessingParameterBoolean("WAIT", tr("Wait for the new jobs"), True))
        self.addParameter(QgsProcessingParameterBoolean("RUN", tr("Rerun the time series"), True))
        integer = QgsProcessingParameterNumber.Type.Integer
        double = QgsProcessingParameterNumber.Type.Double
        self.add_advanced(_number("INTERVAL", tr("First poll interval (s; grows to 10 min)"), double, 60.0, 0.1))
        self.add_advanced(_number("WORKERS", tr("Parallel downloads"), integer, load_settings().download_workers, 1))
        for name, label in (
            ("NEW_DATES", tr("New dates")),
            ("NEW_PAIRS", tr("New pairs")),
            ("TO_SUBMIT", tr("Pairs not on HyP3")),
            ("COST", tr("Cost (credits)")),
            ("SUBMITTED", tr("Jobs submitted")),
            ("DOWNLOADED", tr("Products downloaded")),
            ("UNFINISHED", tr("Jobs still pending or running")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, label))
        self.addOutput(QgsProcessingOutputFile("PAIRS", tr("Pairs CSV")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.online.update import new_acquisitions, update_work
        from sbas_plugin.settings import mintpy_python

        work = self.folder(parameters, "WORK", context)
        pairs = str(WorkFolder(work).pairs_csv)
        if self.parameterAsBoolean(parameters, "CHECK_ONLY", context):
            since, dates = new_acquisitions(work, is_canceled=feedback.isCanceled)
            feedback.pushInfo(
                tr("{count} new acquisitions since {since}").format(count=len(dates), since=since.isoformat())
            )
            return {"NEW_DATES": len(dates), "PAIRS": pairs}
        work, name, client = self.hyp3_client(parameters, context)
        result = update_work(
            work,
            client,
            name,
            confirm=self.confirm_cost(
                parameters,
                context,
                feedback,
                tr("Not submitted yet: the cost above must be accepted first ('I accept the credit cost')."),
            ),
            wait=self.parameterAsBoolean(parameters, "WAIT", context),
            interval=self.parameterAsDouble(parameters, "INTERVAL", context),
            workers=self.parameterAsInt(parameters, "WORKERS", context),
            run=self.parameterAsBoolean(parameters, "RUN", context),
            python=mintpy_python(),
            **self.bridge(feedback),
        )
        plan = result.plan
        if not result.to_submit:  # else the confirmation has logged it
            feedback.pushInfo(plan.summary())
        if result.failed:
            raise QgsProcessingException(tr("{}: run the update again to resume.").format("; ".join(result.failed)))
        if result.unfinished:
            feedback.pushInfo(
                tr("{} jobs still pending or running: run the update again when they are done.").format(
                    result.unfinished
                )
            )
        if result.run is not None:
            self.notes(feedback, result.run.notes)
        return {
            "NEW_DATES": len(plan.new_dates),
            "NEW_PAIRS": len(plan.new_pairs),
            "TO_SUBMIT": result.to_submit,
            "COST": result.cost,
            "SUBMITTED": result.submitted,
            "DOWNLOADED": result.downloaded,
            "UNFINISHED": result.unfinished,
            "PAIRS": pairs,
        }
