"""sbas:validate and sbas:report through processing.run: the same numbers and files as the core."""

import base64
import json
import re

import processing
import pytest
from qgis.core import QgsProcessingException

from sbas_plugin.core.pipeline import run_pipeline
from sbas_plugin.core.reports.validate import validate
from sbas_plugin.core.simulate.synthetic import write_synthetic_benchmarks, write_synthetic_stack


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    base = tmp_path_factory.mktemp("quality")
    truth = write_synthetic_stack(base / "products", n_dates=5, shape=(30, 40))
    x0, dx, _, y0, _, dy = truth.transform
    aoi = f"POLYGON(({x0} {y0},{x0 + 40 * dx} {y0},{x0 + 40 * dx} {y0 + 30 * dy},{x0} {y0 + 30 * dy},{x0} {y0}))"
    run_pipeline(base / "products", aoi, base / "work", aoi_crs=f"EPSG:{truth.epsg}")
    benchmarks = write_synthetic_benchmarks(base / "benchmarks.csv", truth, [(10, 20), (15, 25), (20, 30), (8, 12)])
    return base / "work", benchmarks


def test_validate_algorithm_reports_what_the_core_reports(provider, work, tmp_path):
    folder, benchmarks = work
    out = tmp_path / "validation"
    result = processing.run(
        "sbas:validate", {"WORK": str(folder), "BENCHMARKS": str(benchmarks), "KIND": 0, "OUTPUT": str(out)}
    )
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    core = validate(folder, benchmarks, "levelling").summary
    assert summary["n_points"] == core["n_points"] == 4
    assert summary["rms_mm"] == pytest.approx(core["rms_mm"], abs=1e-9)
    assert result["CSV"] == str(out / "validation.csv")
    assert (out / "validation.csv").read_text(encoding="utf-8").splitlines()[0] == "id,n,mean_mm,std_mm,rms_mm"
    assert (out / "scatter.png").is_file() and (out / "series_BM01.png").is_file()


def test_validate_algorithm_gives_the_cores_message_for_an_unknown_reference(provider, work, tmp_path):
    folder, benchmarks = work
    with pytest.raises(QgsProcessingException, match="NOPE is not a benchmark id"):
        processing.run(
            "sbas:validate",
            {
                "WORK": str(folder),
                "BENCHMARKS": str(benchmarks),
                "KIND": 0,
                "REFERENCE": "NOPE",
                "OUTPUT": str(tmp_path),
            },
        )


def test_report_algorithm_writes_html_with_the_validation_and_a_pdf(provider, work, tmp_path):
    folder, benchmarks = work
    validation = tmp_path / "validation"
    processing.run(
        "sbas:validate", {"WORK": str(folder), "BENCHMARKS": str(benchmarks), "KIND": 0, "OUTPUT": str(validation)}
    )
    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    processing.run(
        "sbas:report", {"WORK": str(folder), "VALIDATION": str(validation), "OUTPUT": str(html), "PDF": str(pdf)}
    )
    text = html.read_text(encoding="utf-8")
    rms = json.loads((validation / "summary.json").read_text(encoding="utf-8"))["rms_mm"]
    assert f"RMS {rms:.4g} mm" in text
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert images and all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert pdf.read_bytes().startswith(b"%PDF")
