"""One process at a time per work folder: a second one is refused at once, with who holds the folder,
and touches nothing; the lock goes with its process, however that ends."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import asf_search
import pytest

from sbas_plugin.core.cancel import Canceled
from sbas_plugin.core.online.download import download_project
from sbas_plugin.core.online.hyp3 import submit_pairs
from sbas_plugin.core.online.network import build_network
from sbas_plugin.core.online.search import search_scenes
from sbas_plugin.core.pipeline import run_pipeline
from sbas_plugin.core.stack.ingest import ProductError
from sbas_plugin.core.workfolder import LOCK_FILE, WorkFolderBusy, work_folder_lock

SBAS = Path(sys.executable).parent / "sbas"
AOI = "POLYGON((139.7 35.6,139.8 35.6,139.8 35.7,139.7 35.7,139.7 35.6))"
PRODUCT = "S1AA_20200101T000000_20200113T000000_VVP012_INT80_G_ueF_1A2B"
# Takes the lock as the run step does, says so, and keeps it until its stdin closes.
HOLDER = (
    "import sys\n"
    "from sbas_plugin.core.workfolder import work_folder_lock\n"
    "with work_folder_lock(sys.argv[1], 'run'):\n"
    "    print('held', flush=True)\n"
    "    sys.stdin.read()\n"
)


def hold(work: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(work)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline() == "held\n"
    return holder


@pytest.fixture
def work(tmp_path):
    """A work folder mid-run: its manifest, a partial clip and MintPy's folder."""
    work = tmp_path / "work"
    (work / "clipped.part").mkdir(parents=True)
    (work / "clipped.part" / "layer.tif").write_bytes(b"half a clip")
    (work / "mintpy").mkdir()
    (work / "mintpy" / "smallbaselineApp.cfg").write_text("mintpy.load.processor = hyp3\n")
    (work / "manifest.json").write_text('{\n "steps": {"clip": {"signature": "abc"}}\n}', encoding="utf-8")
    return work


@pytest.fixture
def held(work):
    holder = hold(work)
    yield holder
    holder.kill()
    holder.wait()


def contents(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def offline_session():
    """An ASF session whose every request goes to a proxy that is not there: nothing leaves the machine."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    session = asf_search.ASFSession()
    session.trust_env = False
    session.proxies = {"https": f"http://127.0.0.1:{port}"}
    return session


def every_step(work: Path, products: Path) -> dict:
    """Each entry point that writes a work folder, called on `work`."""
    pair = (PRODUCT[5:20], PRODUCT[21:36])
    return {
        "run": lambda: run_pipeline(products, AOI, work, aoi_crs="EPSG:4326"),
        "download": lambda: download_project(work, None, "project"),
        "submit": lambda: submit_pairs(work, [pair], "project", None),
        "search": lambda: search_scenes(
            work, AOI, "2020-01-01", "2020-02-01", aoi_crs="EPSG:4326", session=offline_session()
        ),
        "pairs": lambda: build_network(work, session=offline_session()),
    }


def test_a_second_process_is_refused_at_once_naming_the_holder_and_touches_nothing(work, held, tmp_path):
    before = contents(work)
    for step, call in every_step(work, tmp_path / "products").items():
        with pytest.raises(WorkFolderBusy) as busy:
            call()
        message = str(busy.value)
        assert message.startswith(f"the work folder {work} is in use by another sbas process: the run step of ")
        assert f"pid {held.pid} on {socket.gethostname()}, started " in message, step
        assert "Wait for it to finish or cancel it, then try again. If no sbas run is going" in message
        assert contents(work) == before, step
    assert held.poll() is None  # the holder is untouched too


def test_the_cli_says_the_folder_is_busy_and_exits_2(work, held, tmp_path):
    before = contents(work)
    for args in (
        ["run", "--products", str(tmp_path / "products"), "--aoi", AOI, "--aoi-crs", "EPSG:4326"],
        ["search", "--aoi", AOI, "--aoi-crs", "EPSG:4326", "--start", "2020-01-01", "--end", "2020-02-01"],
        ["pairs"],
    ):
        result = subprocess.run([str(SBAS), *args, "--work", str(work)], capture_output=True, text=True)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"sbas: the work folder {work} is in use by another sbas process")
        assert f"pid {held.pid}" in result.stderr and "Traceback" not in result.stderr
    assert contents(work) == before


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_a_killed_holder_frees_the_folder(work, tmp_path):
    holder = hold(work)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (work / LOCK_FILE).exists()  # left behind, but no longer locked
    with pytest.raises(ProductError, match="no such folder"):  # past the lock, on to the products
        run_pipeline(tmp_path / "products", AOI, work, aoi_crs="EPSG:4326")
    assert not (work / LOCK_FILE).exists()


def test_runs_one_after_another_in_one_process(work, tmp_path):
    products = tmp_path / "products"
    (products / PRODUCT).mkdir(parents=True)
    for _ in range(2):  # the lock is released on an error and on Canceled alike
        with pytest.raises(ProductError):
            run_pipeline(tmp_path / "missing", AOI, work, aoi_crs="EPSG:4326")
        with pytest.raises(Canceled):
            run_pipeline(products, AOI, work, aoi_crs="EPSG:4326", is_canceled=lambda: True)
        assert not (work / LOCK_FILE).exists()
    hold(work).communicate("")  # another process takes it and gives it back


def test_two_holders_in_one_process_exclude_each_other(work):
    # The dock and the Processing toolbox run in one QGIS process.
    busy = pytest.raises(WorkFolderBusy, match=f"the run step of .+, pid {os.getpid()} on ")
    with work_folder_lock(work, "run"), busy, work_folder_lock(work, "download"):
        pass
    with work_folder_lock(work, "download"):
        assert "the download step of" in (work / LOCK_FILE).read_text(encoding="utf-8")
