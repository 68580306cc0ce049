"""The seam between issue 4's steps and the pipeline: pairs submitted to a HyP3-compatible server,
products downloaded, and the downloaded zips fed straight to `sbas run`."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from local_hyp3 import granules_of, hyp3_server

from sbas_plugin.core.simulate.synthetic import write_synthetic_stack

SBAS = Path(sys.executable).parent / "sbas"
TOKEN = "e2e-secret-token"  # pragma: allowlist secret



def sbas(*args):
    env = dict(os.environ, EARTHDATA_TOKEN=TOKEN)
    return subprocess.run([str(SBAS), *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.mintpy
def test_submitted_pairs_come_back_as_products_sbas_run_accepts(tmp_path):
    hyp3_products = tmp_path / "hyp3"
    truth = write_synthetic_stack(hyp3_products, n_dates=5, shape=(40, 50), zipped=True, max_shift_px=2)
    work = tmp_path / "work"
    work.mkdir()
    with open(work / "pairs.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["reference", "secondary"])
        writer.writerows(granules_of(path) for path in sorted(hyp3_products.glob("*.zip")))

    with hyp3_server.Hyp3Server(hyp3_products, token=TOKEN) as server:
        submitted = sbas("submit", "--work", str(work), "--name", "e2e", "--api-url", server.url, "--yes")
        assert submitted.returncode == 0, submitted.stderr
        assert len(server.jobs) == len(truth.product_names) and server.posts == 1
        again = sbas("submit", "--work", str(work), "--name", "e2e", "--api-url", server.url, "--yes")
        assert again.returncode == 0 and server.posts == 1  # nothing submitted twice
        server.advance("SUCCEEDED")
        downloaded = sbas("download", "--work", str(work), "--name", "e2e", "--api-url", server.url)
        assert downloaded.returncode == 0, downloaded.stderr

    for product in sorted(hyp3_products.glob("*.zip")):
        assert (work / "products" / product.name).read_bytes() == product.read_bytes()
    x0, _, _, y0, _, _ = truth.transform
    xmin, xmax, ymin, ymax = x0 + 300, x0 + 3700, y0 - 2900, y0 - 300
    aoi = f"POLYGON(({xmin} {ymin},{xmax} {ymin},{xmax} {ymax},{xmin} {ymax},{xmin} {ymin}))"
    run = sbas(
        "run", "--products", str(work / "products"), "--aoi", aoi, "--aoi-crs", "EPSG:32654", "--work", str(work)
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert (work / "Geotiff_value.csv").is_file()
    for path in work.rglob("*"):
        if path.is_file() and path.stat().st_size < 50_000_000:
            assert TOKEN.encode() not in path.read_bytes(), path
