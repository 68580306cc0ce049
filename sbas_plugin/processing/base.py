"""What every sbas Processing algorithm shares: groups, the feedback bridge into the core, the
translation of core errors, and the parameters several algorithms take (area, points, MintPy
options, the Earthdata token). The algorithms themselves stay thin calls into sbas_plugin.core."""

import logging
import threading
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsAuthMethodConfig,
    QgsCoordinateReferenceSystem,
    QgsGeometry,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from sbas_plugin.core.names import CLUSTERS, TROPOSPHERE_METHODS
from sbas_plugin.i18n import tr
from sbas_plugin.log import install_log_handler
from sbas_plugin.settings import load_settings


def group_name(group_id: str) -> str:
    names = {
        "pipeline": tr("Time series"),
        "results": tr("Results"),
        "hyp3": tr("Search and HyP3 jobs"),
    }
    return names[group_id]


def token_help() -> str:
    return tr(
        "The Earthdata token comes from an authentication configuration (Settings > Options > Authentication; "
        "method Basic, any user name, the token as password): the one chosen here, else the one chosen in "
        "Settings > Options > SBAS InSAR, else the EARTHDATA_TOKEN environment "
        "variable. It is never stored with the algorithm's history or models, and never logged."
    )


def core_errors() -> tuple:
    """The exceptions the core raises with a message meant for the user."""
    from sbas_plugin.core.online.hyp3 import Hyp3Failure

    return (ValueError, RuntimeError, OSError, Hyp3Failure)


def message_of(error: Exception) -> str:
    if isinstance(error, OSError) and error.strerror and error.filename:
        return f"{error.filename}: {error.strerror}"  # a missing or unreadable file
    return str(error)


class FeedbackLogHandler(logging.Handler):
    """The core's log messages (logging, logger `sbas_plugin`) into the algorithm's log: those of the
    thread running the algorithm and of the workers it started, not those of another algorithm
    running at the same time through the same logger."""

    def __init__(self, feedback):
        from sbas_plugin.core.online.download import worker_prefix

        super().__init__(logging.INFO)
        self.feedback = feedback
        self.thread = threading.get_ident()
        self.workers = worker_prefix(self.thread)

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread and not record.threadName.startswith(self.workers):
            return
        try:
            text = record.getMessage()
            if record.levelno >= logging.WARNING:
                self.feedback.pushWarning(text)
            else:
                self.feedback.pushInfo(text)
        except Exception:  # a failing log call must never take the run down
            self.handleError(record)


class SbasAlgorithm(QgsProcessingAlgorithm):
    """Subclasses set GROUP and implement run_step(); processAlgorithm turns a cancel into no outputs and
    a core error into a QgsProcessingException carrying the core's message."""

    GROUP = "pipeline"

    def group(self) -> str:
        return group_name(self.GROUP)

    def groupId(self) -> str:  # noqa: N802
        return self.GROUP

    def createInstance(self):  # noqa: N802
        return type(self)()

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from sbas_plugin.core.cancel import Canceled

        remove_log_handler = install_log_handler(FeedbackLogHandler(feedback))
        try:
            return self.run_step(parameters, context, feedback)
        except Canceled:
            feedback.pushInfo(tr("Canceled: the step stopped; a rerun continues from what is complete."))
            return {}
        except core_errors() as error:
            raise QgsProcessingException(message_of(error)) from error
        finally:
            remove_log_handler()

    def run_step(self, parameters, context, feedback) -> dict:
        raise NotImplementedError

    # -- the feedback bridge

    @staticmethod
    def bridge(feedback) -> dict:
        """progress= and is_canceled= for a core function."""
        return {"progress": feedback.setProgress, "is_canceled": feedback.isCanceled}

    @staticmethod
    def notes(feedback, notes) -> None:
        for note in notes:
            feedback.pushInfo(tr("note: {}").format(note))

    def confirm_cost(self, parameters, context, feedback, refused: str):
        """confirm= for a core call that spends credits: logs the cost summary and agrees only when 'I accept
        the credit cost' (ACCEPT_COST) is ticked, else warns with `refused`."""
        accepted = self.parameterAsBoolean(parameters, "ACCEPT_COST", context)

        def confirm(summary: str) -> bool:
            feedback.pushInfo(summary)
            if not accepted:
                feedback.pushWarning(refused)
            return accepted

        return confirm

    # -- parameters

    def add_folder(self, name: str, description: str, optional: bool = False) -> None:
        self.addParameter(
            QgsProcessingParameterFile(
                name, description, behavior=QgsProcessingParameterFile.Behavior.Folder, optional=optional
            )
        )

    def add_enum(self, name: str, description: str, labels: list, default: int = 0) -> None:
        self.addParameter(QgsProcessingParameterEnum(name, description, options=labels, defaultValue=default))

    def enum_value(self, parameters, name: str, context, values: tuple) -> str:
        return values[self.parameterAsEnum(parameters, name, context)]

    def add_advanced(self, parameter) -> None:
        parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        self.addParameter(parameter)

    def folder(self, parameters, name: str, context) -> str:
        """A folder parameter's path, '' when not given."""
        return self.parameterAsString(parameters, name, context) or ""

    # -- the area of interest and points, from layers in any CRS

    def aoi_of(self, parameters, name: str, context) -> tuple:
        """(WKT of the layer's polygons, its CRS as GDAL reads it): what the core's read_aoi takes."""
        source = self.parameterAsSource(parameters, name, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, name))
        geometries = [QgsGeometry(f.geometry()) for f in source.getFeatures() if not f.geometry().isEmpty()]
        if not geometries:
            raise QgsProcessingException(tr("The area-of-interest layer has no polygon to use."))
        return QgsGeometry.collectGeometry(geometries).asWkt(), crs_text(source.sourceCrs())

    def points_of(self, parameters, name: str, field_name: str, context):
        """(PointTable of the layer's points, their CRS): x/y from the geometry, fid from the chosen
        field or else the feature id."""
        import numpy as np

        from sbas_plugin.core.results.points import PointTable

        source = self.parameterAsSource(parameters, name, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, name))
        fids, xs, ys = [], [], []
        for feature in source.getFeatures():
            if feature.geometry().isEmpty():
                continue
            point = feature.geometry().centroid().asPoint()  # a point's centroid is the point
            value = feature[field_name] if field_name else feature.id()
            try:
                fids.append(int(value))
            except (TypeError, ValueError):
                raise QgsProcessingException(
                    tr("Point {} has no whole-number id in field {} ({!r}).").format(feature.id(), field_name, value)
                ) from None
            xs.append(point.x())
            ys.append(point.y())
        if not fids:
            raise QgsProcessingException(tr("The points layer has no points."))
        if len(set(fids)) != len(fids):
            raise QgsProcessingException(tr("The point ids repeat; choose a field with one id per point."))
        table = PointTable(np.array(fids, dtype=np.int64), np.array(xs), np.array(ys))
        return table, crs_text(source.sourceCrs())

    # -- MintPy options, as `sbas run` takes them

    TROPOSPHERE = TROPOSPHERE_METHODS
    DERAMP = ("no", "linear", "quadratic")
    UNITS = ("Meters", "Centimeters")

    def add_mintpy_parameters(self) -> None:
        workers = QgsProcessingParameterNumber(
            "WORKERS", tr("Parallel workers for MintPy (0: every core)"), QgsProcessingParameterNumber.Type.Integer, 0
        )
        workers.setMinimum(0)
        self.add_advanced(workers)
        self.addParameter(
            QgsProcessingParameterString(
                "REFERENCE_DATE", tr("Reference date: first, auto (MintPy's choice) or YYYYMMDD"), "first"
            )
        )
        labels = {
            "no": tr("None"),
            "pyaps": tr("ERA5 (PyAPS; needs a CDS key)"),
            "height_correlation": tr("Phase-elevation ratio (from the stack itself, offline)"),
        }
        self.add_enum("TROPOSPHERE", tr("Tropospheric correction"), [labels[method] for method in self.TROPOSPHERE])
        self.add_enum("DERAMP", tr("Remove a ramp"), [tr("No"), tr("Linear"), tr("Quadratic")])
        self.addParameter(
            QgsProcessingParameterBoolean(
                "ATMOSPHERE_FILTER",
                tr("Filter the remaining atmosphere (high-pass in time, low-pass in space)"),
                defaultValue=True,
            )
        )
        self.add_advanced(
            QgsProcessingParameterBoolean(
                "PICTURES", tr("MintPy's pictures in mintpy/pic (minutes on a large area)"), defaultValue=True
            )
        )
        labels = {"local": tr("This computer"), "slurm": tr("SLURM batch jobs"), "pbs": tr("PBS batch jobs")}
        cluster = QgsProcessingParameterEnum(
            "CLUSTER", tr("Where MintPy's workers run"), options=[labels[name] for name in CLUSTERS], defaultValue=0
        )
        self.add_advanced(cluster)
        self.add_advanced(
            QgsProcessingParameterFile(
                "CLUSTER_CONFIG",
                tr("dask-jobqueue configuration of the cluster (YAML; empty: dask-jobqueue's defaults)"),
                optional=True,
                fileFilter="YAML (*.yaml *.yml)",
            )
        )

    def mintpy_options(self, parameters, context):
        from sbas_plugin.core.stack.mintpy import MintpyOptions

        return MintpyOptions(
            workers=self.parameterAsInt(parameters, "WORKERS", context),
            reference_date=(self.parameterAsString(parameters, "REFERENCE_DATE", context) or "first").strip(),
            troposphere=self.enum_value(parameters, "TROPOSPHERE", context, self.TROPOSPHERE),
            deramp=self.enum_value(parameters, "DERAMP", context, self.DERAMP),
            atmosphere_filter=self.parameterAsBoolean(parameters, "ATMOSPHERE_FILTER", context),
            pictures=self.parameterAsBoolean(parameters, "PICTURES", context),
            cluster=self.enum_value(parameters, "CLUSTER", context, CLUSTERS),
            cluster_config=self.parameterAsFile(parameters, "CLUSTER_CONFIG", context) or "",
        )

    # -- HyP3: where, and the Earthdata token

    def add_hyp3_parameters(self) -> None:
        self.add_folder("WORK", tr("Work folder (keeps hyp3_jobs.json, the local job record)"))
        self.addParameter(
            QgsProcessingParameterString(
                "NAME", tr("Project name of the jobs (up to 20 letters, digits, _ or -; publicly visible)")
            )
        )
        self.addParameter(
            QgsProcessingParameterAuthConfig(
                "AUTH",
                tr("Earthdata token (authentication configuration; empty: the plugin's options, or $EARTHDATA_TOKEN)"),
                optional=True,
            )
        )
        self.add_advanced(
            QgsProcessingParameterString(
                "API_URL", tr("HyP3 API URL (empty: the plugin's options, by default ASF's HyP3 Basic)"), optional=True
            )
        )

    def earthdata_token(self, parameters, context) -> str:
        """The token from the authentication configuration (the parameter's, else the one chosen in the plugin's
        options; method Basic: the token is the password; or a configuration with a `token` value, or an API
        header `Authorization: Bearer <token>`), else from $EARTHDATA_TOKEN. Held in memory only: never logged,
        never a plain parameter."""
        authcfg = self.parameterAsString(parameters, "AUTH", context) or load_settings().auth_config_id
        if not authcfg:
            from sbas_plugin.core.online.hyp3 import read_token

            return read_token()
        config = QgsAuthMethodConfig()
        loaded = QgsApplication.authManager().loadAuthenticationConfig(authcfg, config, True)
        if isinstance(loaded, tuple):  # some bindings return (ok, config)
            loaded = loaded[0]
        if not loaded or not config.isValid():
            raise QgsProcessingException(
                tr(
                    "Cannot read the authentication configuration {}: check it in Settings > Options > Authentication."
                ).format(authcfg)
            )
        for key in ("password", "token", "Authorization", "authorization"):
            value = (config.config(key) or "").strip()
            if value.lower().startswith("bearer "):
                value = value[len("bearer ") :].strip()
            if value:
                return value
        raise QgsProcessingException(
            tr(
                "The authentication configuration {} holds no token: use the Basic method with the token as password."
            ).format(authcfg)
        )

    def hyp3_client(self, parameters, context):
        from sbas_plugin.core.online.hyp3 import DEFAULT_API_URL, check_name, connect

        name = check_name(self.parameterAsString(parameters, "NAME", context).strip())
        work = self.folder(parameters, "WORK", context)
        if not Path(work).is_dir():
            raise QgsProcessingException(tr("Work folder {}: the folder does not exist.").format(work))
        api_url = (
            (self.parameterAsString(parameters, "API_URL", context) or "").strip()
            or load_settings().hyp3_api_url.strip()
            or DEFAULT_API_URL
        )
        return work, name, connect(api_url, self.earthdata_token(parameters, context))


def crs_text(crs: QgsCoordinateReferenceSystem) -> str:
    """A CRS as GDAL reads it: its EPSG-style code when GDAL knows that, else WKT."""
    if not crs.isValid():
        raise QgsProcessingException(tr("The layer has no coordinate reference system: set one first."))
    authid = crs.authid()
    if authid.upper().startswith(("EPSG:", "ESRI:", "IGNF:")):
        return authid
    return crs.toWkt(QgsCoordinateReferenceSystem.WktVariant.WKT_PREFERRED_GDAL)
