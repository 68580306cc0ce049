"""sbas report on a real run: one HTML file holding the run summary, point quality, velocity map, the
coherence tables of sbas coherence and the validation of sbas validate, images inside it; and a PDF."""

import base64
import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from sbas_plugin.core.reports.coherence import coherence_report
from sbas_plugin.core.reports.report import build_report, render_html, write_html, write_pdf
from sbas_plugin.core.reports.validate import validate, write_validation
from sbas_plugin.core.simulate.synthetic import write_synthetic_benchmarks

pytestmark = [
    pytest.mark.mintpy,
    # The Japanese benchmark id must draw as text, not boxes: the set-up installs a Japanese font and
    # sbas_plugin.core.fonts puts it behind DejaVu Sans.
    pytest.mark.filterwarnings("error:Glyph .* missing from current font"),
]
SBAS = Path(sys.executable).parent / "sbas"
PIXELS = [(33, 44), (33, 38), (27, 44), (42, 20), (10, 60), (14, 30), (20, 70), (8, 40)]
JAPANESE_ID = "水準点01"  # benchmark names in Japanese offices are often Japanese


@pytest.fixture(scope="module")
def outputs(scene, tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    truth, work = scene
    benchmarks = write_synthetic_benchmarks(root / "levelling.csv", truth, PIXELS, noise_m=0.0005)
    benchmarks.write_text(benchmarks.read_text(encoding="utf-8").replace("BM01", JAPANESE_ID), encoding="utf-8")
    write_validation(validate(work, benchmarks, "levelling"), root / "validation")
    coherence_report(work, root / "coherence")
    return work, root / "validation", root / "coherence"


def embedded_images(page: str) -> list:
    return [
        Image.open(io.BytesIO(base64.b64decode(data)))
        for data in re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    ]


def csv_header(path) -> list:
    with open(path, newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def test_html_holds_every_part_with_images_inside(outputs, tmp_path):
    work, validation, coherence = outputs
    path = write_html(build_report(work, validation_dir=validation, coherence_dir=coherence), tmp_path / "r.html")
    page = path.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page and 'src="http' not in page and "<link" not in page
    summary = json.loads((validation / "summary.json").read_text(encoding="utf-8"))
    assert f"RMS {summary['rms_mm']:.4g} mm" in page and summary["referencing"] in page
    assert JAPANESE_ID in page  # UTF-8 throughout, not escaped away
    for table in ["validation.csv", *(p.name for p in coherence.glob("*.csv"))]:
        folder = validation if table == "validation.csv" else coherence
        header = "".join(f"<th>{name}</th>" for name in csv_header(folder / table))
        assert header in page, table
    manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    assert f"{manifest['steps']['points']['count']} points;" in page
    assert "2020-01-03 – 2020-03-27" in page  # the SAR dates of the run
    images = embedded_images(page)
    expected = 1 + len(list(coherence.glob("*.png"))) + len(list(validation.glob("*.png")))  # + velocity map
    assert len(images) == expected
    for image in images:
        image.verify()  # decodes as a whole PNG
        assert image.format == "PNG"


def test_point_quality_is_computed_when_points_gpkg_lacks_it(outputs, tmp_path):
    work, _, _ = outputs
    bare = tmp_path / "work"
    shutil.copytree(work, bare, ignore=shutil.ignore_patterns("points.gpkg"))
    with_gpkg = build_report(work).sections[1].paragraphs
    without = build_report(bare).sections[1].paragraphs
    assert without == with_gpkg and "below temporal coherence 0.7" in without[0]


def test_pdf_has_a_page_per_part(outputs, tmp_path):
    work, validation, coherence = outputs
    report = build_report(work, validation_dir=validation, coherence_dir=coherence)
    pdf = write_pdf(report, tmp_path / "r.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type /Page\b", pdf))
    images = sum(len(section.images) for section in report.sections)
    tables = sum(len(section.tables) for section in report.sections)
    assert pages >= 1 + len(report.sections) + tables + images
    assert not list(tmp_path.glob("*.part"))


def test_sbas_report_cli(outputs, tmp_path):
    work, validation, coherence = outputs
    out, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    run = subprocess.run(
        [str(SBAS), "report", "--work", str(work), "--validation", str(validation), "--coherence", str(coherence),
         "--out", str(out), "--pdf", str(pdf)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert out.is_file() and pdf.read_bytes().startswith(b"%PDF")
    assert "Validation against the ground" in out.read_text(encoding="utf-8")
    missing = subprocess.run(
        [str(SBAS), "report", "--work", str(work), "--validation", str(tmp_path / "nope"), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "--validation takes the output folder" in missing.stderr


def test_report_without_optional_folders(outputs):
    work, _, _ = outputs
    page = render_html(build_report(work))
    assert "Run summary" in page and "Velocity map" in page
    assert "Coherence" not in page and "Validation" not in page
