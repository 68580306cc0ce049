"""sbas:validate and sbas:report — InSAR against levelling or GNSS, and the HTML/PDF report of a run, as
`sbas validate` and `sbas report` do it."""

from qgis.core import (
    QgsProcessingOutputFile,
    QgsProcessingParameterCrs,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from sbas_plugin.i18n import tr
from sbas_plugin.processing.base import SbasAlgorithm, crs_text


class ValidateAlgorithm(SbasAlgorithm):
    GROUP = "results"
    KINDS = ("levelling", "gnss")

    def name(self) -> str:
        return "validate"

    def displayName(self) -> str:  # noqa: N802
        return tr("Validate against levelling or GNSS")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Compares the work folder's MintPy time series with ground measurements. The benchmarks CSV has one "
            "row per benchmark per survey: id,x,y,date,height (levelling, metres) or id,x,y,date,east,north,up "
            "(GNSS displacements, metres); date YYYY-MM-DD. Each benchmark's series is fitted with a polynomial "
            "whose order an F-test chooses, evaluated at the SAR dates inside its survey span (never beyond), "
            "and projected to the line of sight with the incidence (and for GNSS the azimuth) of its pixel. "
            "With a reference benchmark both sides are made relative to it; without one the mean difference of "
            "all benchmarks is removed date by date. Writes validation.csv (id,n,mean_mm,std_mm,rms_mm), "
            "summary.json, scatter.png and one series_<id>.png per benchmark; benchmarks that cannot be "
            "compared are listed with the reason. A decomposition folder (Vertical and east-west from ascending + "
            "descending) is compared in the vertical directly: levelling heights as they are, GNSS by its up."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_folder("WORK", tr("Work folder of a run (with mintpy/), or a decomposition folder"))
        self.addParameter(QgsProcessingParameterFile("BENCHMARKS", tr("Benchmarks CSV"), extension="csv"))
        self.addParameter(
            QgsProcessingParameterCrs(
                "BENCHMARKS_CRS", tr("CRS of the benchmarks' x, y (empty: the time series' CRS)"), optional=True
            )
        )
        self.add_enum("KIND", tr("Measurements"), [tr("Levelling (heights)"), tr("GNSS (east, north, up)")])
        self.addParameter(
            QgsProcessingParameterString(
                "REFERENCE", tr("Reference benchmark id (empty: remove the mean difference per date)"), optional=True
            )
        )
        radius = QgsProcessingParameterNumber(
            "RADIUS",
            tr("Average InSAR pixels within this radius (m; 0: the benchmark's pixel)"),
            QgsProcessingParameterNumber.Type.Double,
            0.0,
        )
        radius.setMinimum(0.0)
        self.addParameter(radius)
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", tr("Validation folder")))
        self.addOutput(QgsProcessingOutputFile("CSV", tr("validation.csv")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.reports.validate import VALIDATION_CSV, validate, write_validation

        crs = self.parameterAsCrs(parameters, "BENCHMARKS_CRS", context)
        out = self.parameterAsString(parameters, "OUTPUT", context)
        validation = validate(
            self.folder(parameters, "WORK", context),
            self.parameterAsFile(parameters, "BENCHMARKS", context),
            self.enum_value(parameters, "KIND", context, self.KINDS),
            benchmarks_crs=crs_text(crs) if crs.isValid() else None,
            reference=(self.parameterAsString(parameters, "REFERENCE", context) or "").strip() or None,
            radius_m=self.parameterAsDouble(parameters, "RADIUS", context),
            **self.bridge(feedback),
        )
        write_validation(validation, out, is_canceled=feedback.isCanceled)
        for skipped in validation.skipped:
            feedback.pushWarning(tr("skipped {id}: {reason}").format(**skipped))
        summary = validation.summary
        feedback.pushInfo(validation.referencing)
        feedback.pushInfo(
            tr("{n} benchmarks: RMS {rms:.2f} mm, mean {mean:.2f} mm, std {std:.2f} mm (InSAR - ground, LOS)").format(
                n=summary["n_points"], rms=summary["rms_mm"], mean=summary["mean_mm"], std=summary["std_mm"]
            )
        )
        return {"OUTPUT": out, "CSV": f"{out}/{VALIDATION_CSV}"}


class ReportAlgorithm(SbasAlgorithm):
    GROUP = "results"

    def name(self) -> str:
        return "report"

    def displayName(self) -> str:  # noqa: N802
        return tr("Quality report (HTML, PDF)")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "One self-contained HTML page (images inside it) for the office: the run's summary, the quality of "
            "the points (temporal coherence, flagged points), the velocity map, and when given the outputs of "
            "the coherence report and of the validation. Optionally the same content as a PDF."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_folder("WORK", tr("Work folder of a run (with mintpy/)"))
        self.add_folder("VALIDATION", tr("Validation folder (optional)"), optional=True)
        self.add_folder("COHERENCE", tr("Coherence report folder (optional)"), optional=True)
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", tr("Report"), tr("HTML files (*.html)")))
        self.addParameter(
            QgsProcessingParameterFileDestination("PDF", tr("PDF (optional)"), tr("PDF files (*.pdf)"), optional=True)
        )

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.reports.report import build_report, write_html, write_pdf

        report = build_report(
            self.folder(parameters, "WORK", context),
            validation_dir=self.folder(parameters, "VALIDATION", context) or None,
            coherence_dir=self.folder(parameters, "COHERENCE", context) or None,
            **self.bridge(feedback),
        )
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        write_html(report, out)
        results = {"OUTPUT": out}
        if parameters.get("PDF"):
            results["PDF"] = self.parameterAsFileOutput(parameters, "PDF", context)
            write_pdf(report, results["PDF"])
        self.notes(feedback, report.warnings)
        return results
