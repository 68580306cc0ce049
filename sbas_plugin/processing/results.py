"""sbas:extract, sbas:plot and sbas:coherence — displacement at points, graphs of it, and the
coherence report, as `sbas extract`, `sbas plot` and `sbas coherence` do it."""

from qgis.core import (
    NULL,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
)

from sbas_plugin.i18n import tr
from sbas_plugin.processing.base import SbasAlgorithm, crs_text
from sbas_plugin.settings import load_settings


class ExtractAlgorithm(SbasAlgorithm):
    GROUP = "results"
    FORMATS = ("wide", "long")

    def name(self) -> str:
        return "extract"

    def displayName(self) -> str:  # noqa: N802
        return tr("Displacement at points (Geotiff_value.csv)")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Samples the per-date displacement GeoTIFFs (a folder of <first>_<date>_*.tif, e.g. "
            "GeoTiffs/displacement_maps/unwrapped/Meters, also as exported by OpenSARLab) or MintPy's time "
            "series in a work folder (its mintpy/timeseries*.h5) at every point of the layer. Give one of the "
            "two folders. Points may be in any CRS; x and y come from each point's geometry, the id from the "
            "chosen field or else the feature id. Values are line-of-sight displacement in metres relative to "
            "the first date; points off the rasters or on no data get empty cells. Wide: Geotiff_value.csv, "
            "header Date,<id>_value,... and one row per date labelled <first>_<date>; more than 16,383 points, "
            "more columns than a spreadsheet opens, are written as <name>_part01.csv, <name>_part02.csv, ... "
            "beside the file chosen, each with the Date column and the next 16,383 points. Long: one row per point "
            "per date, columns fid,x,y,date,value_m (x, y in the layer's CRS, date YYYY-MM-DD). From a work "
            "folder the long table also has each point's quality from MintPy: temporal_coherence, "
            "avg_spatial_coherence, ifgs_used, velocity_mm_yr, velocity_std_mm_yr, low_quality (1 below the "
            "temporal coherence set in the plugin's options) and min_coherence."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_folder("GEOTIFFS", tr("Folder of per-date displacement GeoTIFFs"), optional=True)
        self.add_folder("WORK", tr("or: work folder with MintPy's time series (mintpy/)"), optional=True)
        self.addParameter(
            QgsProcessingParameterFeatureSource("POINTS", tr("Points"), [QgsProcessing.SourceType.TypeVectorPoint])
        )
        self.addParameter(
            QgsProcessingParameterField(
                "FID_FIELD",
                tr("Point id field (empty: the feature id)"),
                parentLayerParameterName="POINTS",
                optional=True,
            )
        )
        self.add_enum("FORMAT", tr("Table layout"), [tr("Wide (Geotiff_value.csv)"), tr("Long (fid,x,y,date,value_m)")])
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", tr("Values CSV"), tr("CSV files (*.csv)")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.results.extract import extract_values

        geotiffs = self.folder(parameters, "GEOTIFFS", context)
        work = self.folder(parameters, "WORK", context)
        if bool(geotiffs) == bool(work):
            raise QgsProcessingException(
                tr("Give either the folder of per-date GeoTIFFs or the work folder with MintPy's time series.")
            )
        field_name = self.parameterAsString(parameters, "FID_FIELD", context)
        points, points_crs = self.points_of(parameters, "POINTS", field_name, context)
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        done = extract_values(
            points,
            out,
            geotiffs=geotiffs,
            work=work,
            points_crs=points_crs,
            long=self.enum_value(parameters, "FORMAT", context, self.FORMATS) == "long",
            min_coherence=load_settings().low_coherence_threshold,
            **self.bridge(feedback),
        )
        if done.quality is not None:
            feedback.pushInfo(tr("quality columns: {}").format(done.quality.summary()))
        series = done.series
        feedback.pushInfo(
            tr("{} points x {} dates: {}").format(len(series.points), len(series.dates), series.summary())
        )
        self.notes(feedback, done.notes)  # the table split in parts: their names
        return {"OUTPUT": out}


class PlotAlgorithm(SbasAlgorithm):
    GROUP = "results"
    UNITS = ("mm", "cm", "m")

    def name(self) -> str:
        return "plot"

    def displayName(self) -> str:  # noqa: N802
        return tr("Displacement graphs of points (Plot.zip)")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Draws one displacement-over-time graph (PNG) per listed point and an overview of them all, zipped "
            "as Plot/<id>.png and Plot/overview.png. The values come from Geotiff_value.csv (wide) or a long "
            "table (metres). List the points in a columns CSV (header Column, one id per row) or type their ids "
            "(e.g. 12, 15, 40). Displacement is shown in mm, cm or m, line of sight (+ towards the satellite), "
            "relative to the reference date: auto (MintPy's REF_DATE in the work folder), first, or YYYYMMDD; "
            "empty: auto with a work folder, else first. With a work folder, titles carry the points' x, y "
            "from its points.csv, and each point's temporal coherence and MintPy velocity ± std from its points.gpkg, "
            "with a warning on the graph where the coherence is below the run's threshold."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("VALUES", tr("Values CSV (Geotiff_value.csv)"), extension="csv"))
        self.addParameter(
            QgsProcessingParameterFile(
                "COLUMNS", tr("Columns CSV listing the point ids (header Column)"), extension="csv", optional=True
            )
        )
        self.addParameter(QgsProcessingParameterString("IDS", tr("or: point ids, separated by commas"), optional=True))
        self.addParameter(
            QgsProcessingParameterString(
                "REF_DATE",
                tr("Reference date: auto, first or YYYYMMDD (empty: auto with a work folder)"),
                optional=True,
            )
        )
        self.add_enum("UNITS", tr("Displacement units"), ["mm", "cm", "m"])
        self.add_folder("WORK", tr("Work folder (MintPy's reference date, points.csv)"), optional=True)
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", tr("Graphs zip"), tr("Zip files (*.zip)")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.reports.plot import (
            read_displacements_csv,
            read_point_ids_csv,
            reference_index,
            write_plot_zip,
        )
        from sbas_plugin.core.results.points import read_points_csv
        from sbas_plugin.core.results.quality import work_quality
        from sbas_plugin.core.workfolder import WorkFolder

        columns = self.parameterAsFile(parameters, "COLUMNS", context)
        ids_text = self.parameterAsString(parameters, "IDS", context).strip()
        if bool(columns) == bool(ids_text):
            raise QgsProcessingException(tr("Give either a columns CSV or a list of point ids (not both)."))
        if ids_text:
            try:
                ids = [int(text.strip().removesuffix("_value")) for text in ids_text.split(",") if text.strip()]
            except ValueError:
                raise QgsProcessingException(
                    tr("Point ids: whole numbers separated by commas, got {!r}.").format(ids_text)
                ) from None
        else:
            ids = read_point_ids_csv(columns)
        work = self.folder(parameters, "WORK", context)
        choice = self.parameterAsString(parameters, "REF_DATE", context).strip() or ("auto" if work else "first")
        displacements = read_displacements_csv(self.parameterAsFile(parameters, "VALUES", context))
        selected = displacements.select(ids)
        ref_index = reference_index(selected.dates, choice, work or None)
        points_path = WorkFolder(work).points_csv if work else None
        points = read_points_csv(points_path) if points_path and points_path.is_file() else None
        quality = work_quality(work, points) if work else None
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        units = self.enum_value(parameters, "UNITS", context, self.UNITS)
        # processes=1: worker processes only from a plain Python, never inside QGIS (see write_plot_zip).
        write_plot_zip(out, selected, ref_index, units, points, processes=1, quality=quality, **self.bridge(feedback))
        feedback.pushInfo(
            tr("{} graphs and an overview, relative to {}").format(len(selected.fids), selected.dates[ref_index])
        )
        return {"OUTPUT": out}


class CoherenceAlgorithm(SbasAlgorithm):
    GROUP = "results"

    def name(self) -> str:
        return "coherence"

    def displayName(self) -> str:  # noqa: N802
        return tr("Coherence report")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "How coherent the interferograms of a work folder are (mintpy/inputs/ifgramStack.h5; no-data and "
            "water left out): per interferogram the share of pixels with coherence 0-0.33, 0.33-0.66 and 0.66-1, "
            "mean and std (coherence_by_ifgram.csv), the same by temporal baseline (coherence_by_baseline.csv) and "
            "by season of the pair's centre date (coherence_by_season.csv), histograms as PNG and summary.json. "
            "With a land-cover polygon layer and its class field: pixel count and mean ± std of average spatial "
            "coherence and temporal coherence per class (coherence_by_class.csv)."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_folder("WORK", tr("Work folder (after sbas run's MintPy step)"))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "CLASSES",
                tr("Land-cover polygons (optional)"),
                [QgsProcessing.SourceType.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                "CLASS_FIELD", tr("Class field of the polygons"), parentLayerParameterName="CLASSES", optional=True
            )
        )
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", tr("Report folder")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.reports.coherence import ClassPolygons, coherence_report

        field_name = self.parameterAsString(parameters, "CLASS_FIELD", context)
        source = self.parameterAsSource(parameters, "CLASSES", context)
        classes = None
        if source is not None:
            if not field_name:
                raise QgsProcessingException(tr("Choose the class field of the land-cover polygons."))
            polygons = [
                (feature.geometry().asWkt(), str(feature[field_name]))
                for feature in source.getFeatures()
                if not feature.geometry().isEmpty() and feature[field_name] not in (None, NULL)
            ]
            classes = ClassPolygons(polygons, crs_text(source.sourceCrs()), source.sourceName(), field_name)
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        report = coherence_report(self.folder(parameters, "WORK", context), out, classes, **self.bridge(feedback))
        feedback.pushInfo(
            tr("{count} interferograms over {pixels} pixels: mean coherence {mean:.2f} ± {std:.2f}").format(
                count=len(report.ifgrams), pixels=report.pixels, mean=report.overall.mean, std=report.overall.std
            )
        )
        return {"OUTPUT": out}


class DecomposeAlgorithm(SbasAlgorithm):
    GROUP = "results"

    def name(self) -> str:
        return "decompose"

    def displayName(self) -> str:  # noqa: N802
        return tr("Vertical and east-west from ascending + descending")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Solves each pixel's ascending and descending line of sight for vertical and east-west motion "
            "(north-south neglected), with each track's incidence and azimuth from MintPy's geometryGeo.h5. Give "
            "two exported work folders over the same ground, one ascending and one descending, in either order. "
            "Both are put on one lattice in the UTM zone of their overlap (the coarser pixel, origin on its "
            "multiples; a track already on it is not resampled, another is resampled bilinearly). Dates: every "
            "date of either track inside the span both cover, each track interpolated linearly in time where it "
            "lacks one. Both tracks are referred to one pixel: the point given, else the pixel with values on "
            "every date in both tracks whose lower temporal coherence is the highest. Writes vertical.tif and "
            "east.tif (velocity, mm/yr; up and east positive), per-date GeoTIFFs in vertical/ and east/ named "
            "<first>_<date>_vertical_Meters.tif, vertical_points.gpkg and Geotiff_value_vertical.csv / "
            "Geotiff_value_east.csv."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        from qgis.core import (
            QgsProcessingOutputFile,
            QgsProcessingOutputRasterLayer,
            QgsProcessingOutputVectorLayer,
            QgsProcessingParameterPoint,
        )

        self.add_folder("WORK_A", tr("Work folder of one track (ascending or descending)"))
        self.add_folder("WORK_B", tr("Work folder of the other track"))
        self.addParameter(
            QgsProcessingParameterPoint(
                "REFERENCE", tr("Reference point (empty: the most coherent pixel)"), optional=True
            )
        )
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", tr("Decomposition folder")))
        self.addOutput(QgsProcessingOutputRasterLayer("VERTICAL", tr("Vertical velocity (mm/yr)")))
        self.addOutput(QgsProcessingOutputRasterLayer("EAST", tr("East-west velocity (mm/yr)")))
        self.addOutput(QgsProcessingOutputVectorLayer("POINTS", tr("Vertical points")))
        self.addOutput(QgsProcessingOutputFile("VALUES", tr("Vertical values CSV")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.crs import crs_name
        from sbas_plugin.core.results.decompose import DATES_RULE
        from sbas_plugin.core.results.decomposition import decompose_work_folders

        works = [self.folder(parameters, name, context) for name in ("WORK_A", "WORK_B")]
        reference, reference_crs = None, None
        if parameters.get("REFERENCE") not in (None, "", NULL):
            point = self.parameterAsPoint(parameters, "REFERENCE", context)
            reference = (point.x(), point.y())
            reference_crs = crs_text(self.parameterAsPointCrs(parameters, "REFERENCE", context))
        out = self.parameterAsString(parameters, "OUTPUT", context)
        done = decompose_work_folders(works, out, reference, reference_crs, **self.bridge(feedback))
        grid = done.grid
        feedback.pushInfo(
            tr("lattice: {} ({}), {} m pixels, {} x {}").format(
                done.crs, crs_name(done.crs), f"{grid.dx:g}", grid.width, grid.height
            )
        )
        feedback.pushInfo(tr("{} dates {}–{}; {}").format(len(done.dates), done.dates[0], done.dates[-1], DATES_RULE))
        feedback.pushInfo(tr("reference: the pixel centred at {:.1f}, {:.1f}").format(*done.reference))
        folder = done.folder
        return {
            "OUTPUT": str(folder.root),
            "VERTICAL": str(folder.velocity("vertical")),
            "EAST": str(folder.velocity("east")),
            "POINTS": str(folder.points_gpkg),
            "VALUES": str(folder.values_csv("vertical")),
        }
