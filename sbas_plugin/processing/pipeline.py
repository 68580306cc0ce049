"""sbas:run, sbas:clip, sbas:mintpy, sbas:export — HyP3 products to a MintPy time series and GeoTIFFs,
as `sbas run` does it, through the same core functions."""

from pathlib import Path

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputFile,
    QgsProcessingOutputFolder,
    QgsProcessingOutputRasterLayer,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterPoint,
)

from sbas_plugin.i18n import tr
from sbas_plugin.processing.base import SbasAlgorithm, crs_text
from sbas_plugin.settings import load_settings, mintpy_python


class _Steps(SbasAlgorithm):
    def add_aoi(self) -> None:
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "AOI", tr("Area of interest (polygons, any CRS)"), [QgsProcessing.SourceType.TypeVectorPolygon]
            )
        )

    def add_export_parameters(self) -> None:
        self.add_enum("UNIT", tr("Unit of the per-date GeoTIFFs"), [tr("Meters"), tr("Centimeters")])
        self.addParameter(
            QgsProcessingParameterBoolean(
                "MASK_LOW_COHERENCE",
                tr("Blank pixels under MintPy's temporal-coherence threshold (as OpenSARLab did)"),
                False,
            )
        )


class RunAlgorithm(_Steps):
    def name(self) -> str:
        return "run"

    def displayName(self) -> str:  # noqa: N802
        return tr("Run the whole time series (products to Geotiff_value.csv)")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "HyP3 INSAR_GAMMA products (zips as downloaded, or unpacked folders; never changed) are clipped to the "
            "area on the products' pixel lattice, MintPy computes the SBAS time series, and the results are "
            "exported to the work folder: GeoTiffs/displacement_maps/unwrapped/<unit>/ with one GeoTIFF per date "
            "(line-of-sight displacement since the first date, metres or centimetres), GeoTiffs/velocity.tif "
            "(m/yr) and coherence GeoTIFFs; points.csv and points.gpkg, the centre of every pixel inside the "
            "area (fid, x, y in the products' UTM CRS); and Geotiff_value.csv, the displacement of each point "
            "per date in metres (header Date,<fid>_value,...). The area may be in any CRS. A rerun skips every "
            "step already done; a canceled run is finished by the next one. The reference pixel is the most "
            "coherent land pixel unless you give a reference point. MintPy takes most of the time."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_folder("PRODUCTS", tr("Folder of HyP3 products"))
        self.add_aoi()
        self.addParameter(QgsProcessingParameterFolderDestination("WORK", tr("Work folder")))
        self.add_mintpy_parameters()
        self.add_advanced(
            QgsProcessingParameterPoint(
                "REFERENCE_POINT", tr("Reference point (empty: the most coherent land pixel)"), optional=True
            )
        )
        self.add_export_parameters()
        threshold = QgsProcessingParameterNumber(
            "MIN_COHERENCE",
            tr("Flag points below this temporal coherence (low_quality = 1; kept, never dropped)"),
            QgsProcessingParameterNumber.Type.Double,
            load_settings().low_coherence_threshold,
        )
        threshold.setMinimum(0.0)
        threshold.setMaximum(1.0)
        self.add_advanced(threshold)
        self.addOutput(QgsProcessingOutputFile("VALUES", tr("Geotiff_value.csv")))
        self.addOutput(QgsProcessingOutputVectorLayer("POINTS", tr("Pixel-centre points")))
        self.addOutput(QgsProcessingOutputRasterLayer("VELOCITY", tr("Velocity (m/yr)")))
        self.addOutput(QgsProcessingOutputFolder("GEOTIFFS", tr("GeoTIFF folder")))
        self.addOutput(QgsProcessingOutputFolder("MINTPY", tr("MintPy folder")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.pipeline import RunOptions, run_pipeline

        aoi, aoi_crs = self.aoi_of(parameters, "AOI", context)
        reference_point = None
        if parameters.get("REFERENCE_POINT"):
            point = self.parameterAsPoint(parameters, "REFERENCE_POINT", context)
            point_crs = self.parameterAsPointCrs(parameters, "REFERENCE_POINT", context)
            reference_point = (point.x(), point.y(), crs_text(point_crs))
        options = RunOptions(
            mintpy=self.mintpy_options(parameters, context),
            reference_point=reference_point,
            unit=self.enum_value(parameters, "UNIT", context, self.UNITS),
            mask_low_coherence=self.parameterAsBoolean(parameters, "MASK_LOW_COHERENCE", context),
            min_coherence=self.parameterAsDouble(parameters, "MIN_COHERENCE", context),
            python=mintpy_python(),
        )
        result = run_pipeline(
            self.folder(parameters, "PRODUCTS", context),
            aoi,
            self.folder(parameters, "WORK", context),
            aoi_crs=aoi_crs,
            options=options,
            **self.bridge(feedback),
        )
        self.notes(feedback, result.notes)
        if result.skipped:
            feedback.pushInfo(tr("already done, skipped: {}").format(", ".join(result.skipped)))
        return {
            "WORK": str(result.work),
            "VALUES": str(result.values_csv),
            "POINTS": str(result.points_gpkg),
            "VELOCITY": str(result.geotiffs / "velocity.tif"),
            "GEOTIFFS": str(result.geotiffs),
            "MINTPY": str(result.mintpy_dir),
        }


class ClipAlgorithm(_Steps):
    def name(self) -> str:
        return "clip"

    def displayName(self) -> str:  # noqa: N802
        return tr("Clip HyP3 products to an area")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Clips every HyP3 product (zips or unpacked folders; never changed) to the area, all onto one grid: "
            "the area's bounds snapped outward to the products' pixel lattice and limited to what every product "
            "covers. Products in a minority UTM zone are resampled (nearest) onto the majority's lattice; "
            "products with no data inside the area are left out. Writes <output>/<product>/<product>_<layer>.tif "
            "and <product>.txt, the input MintPy's HyP3 loader reads. The area may be in any CRS."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_folder("PRODUCTS", tr("Folder of HyP3 products"))
        self.add_aoi()
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", tr("Clipped products folder")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.stack.clip import clip_products, plan_clip
        from sbas_plugin.core.stack.ingest import find_products, verify_products

        aoi, aoi_crs = self.aoi_of(parameters, "AOI", context)
        products = find_products(self.folder(parameters, "PRODUCTS", context), is_canceled=feedback.isCanceled)
        verify_products(products, {})  # no record of its own: the zips the download verified are trusted
        plan = plan_clip(products, aoi, aoi_crs)
        out = self.folder(parameters, "OUTPUT", context)
        kept = clip_products(plan, out, **self.bridge(feedback))
        for name, reason in plan.dropped.items():
            feedback.pushInfo(tr("dropped {}: {}").format(name, reason))
        self.notes(feedback, plan.notes)
        feedback.pushInfo(
            tr("{} products clipped to {} x {} pixels").format(len(kept), plan.grid.width, plan.grid.height)
        )
        return {"OUTPUT": out}


class MintpyAlgorithm(_Steps):
    def name(self) -> str:
        return "mintpy"

    def displayName(self) -> str:  # noqa: N802
        return tr("MintPy time series of clipped products")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Runs MintPy's smallbaselineApp on the output of 'Clip HyP3 products to an area', with the options "
            "of the OpenSARLab notebooks. The reference pixel is the land pixel with the highest average "
            "coherence among those with phase in every interferogram. The work folder receives MintPy's files "
            "(timeseries*.h5 in metres, velocity.h5 in m/yr), its template sbas_mintpy.txt and log "
            "sbas_mintpy.log. A rerun with the same inputs resumes after the last finished MintPy step."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_folder("CLIPPED", tr("Clipped products folder"))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", tr("MintPy work folder")))
        self.add_mintpy_parameters()
        self.addOutput(QgsProcessingOutputFile("TIMESERIES", tr("MintPy time series (HDF5)")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.results.mintpy_files import find_timeseries
        from sbas_plugin.core.stack.mintpy import choose_reference_pixel, run_smallbaseline, write_template
        from sbas_plugin.core.workfolder import MINTPY_TEMPLATE

        clipped = self.folder(parameters, "CLIPPED", context)
        out = Path(self.folder(parameters, "OUTPUT", context))
        out.mkdir(parents=True, exist_ok=True)
        reference = choose_reference_pixel(clipped)
        feedback.pushInfo(reference.note)
        template = write_template(
            out / MINTPY_TEMPLATE, clipped, (reference.row, reference.col), self.mintpy_options(parameters, context)
        )
        notes = run_smallbaseline(template, out, python=mintpy_python(), **self.bridge(feedback))
        self.notes(feedback, notes)
        return {"OUTPUT": str(out), "TIMESERIES": str(find_timeseries(out))}


class ExportAlgorithm(_Steps):
    def name(self) -> str:
        return "export"

    def displayName(self) -> str:  # noqa: N802
        return tr("Export MintPy results to GeoTIFFs")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Writes MintPy's time series as one GeoTIFF per date into displacement_maps/unwrapped/<unit>/ "
            "(<first>_<date>_timeseries_demErr_<unit>_unwrapped.tif: line-of-sight displacement since the first "
            "date, metres or centimetres), plus velocity.tif (m/yr), velocity_std.tif, TemporalCoherence.tif, "
            "avgSpatialCoh.tif and maskTempCoh.tif: float32, NaN no-data, on MintPy's grid in UTM. Pixels MintPy "
            "found no solution for are NaN; low-coherence pixels keep their values unless you blank them."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_folder("MINTPY", tr("MintPy work folder"))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", tr("GeoTIFF folder")))
        self.add_export_parameters()
        self.addOutput(QgsProcessingOutputFolder("DISPLACEMENT", tr("Per-date displacement GeoTIFFs")))
        self.addOutput(QgsProcessingOutputRasterLayer("VELOCITY", tr("Velocity (m/yr)")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.stack.export import export_geotiffs

        out = self.folder(parameters, "OUTPUT", context)
        exported = export_geotiffs(
            self.folder(parameters, "MINTPY", context),
            out,
            unit=self.enum_value(parameters, "UNIT", context, self.UNITS),
            mask_low_coherence=self.parameterAsBoolean(parameters, "MASK_LOW_COHERENCE", context),
            **self.bridge(feedback),
        )
        feedback.pushInfo(tr("{} per-date GeoTIFFs written").format(len(exported.files)))
        return {
            "OUTPUT": out,
            "DISPLACEMENT": str(exported.displacement_dir),
            "VELOCITY": str(exported.extras.get("velocity", Path(out) / "velocity.tif")),
        }
