"""The work folder: every file and folder in it, named once (WorkFolder), and one sbas process at a time
in it. The steps that write a work folder (search, pairs, submit, download, run) hold WORK/.sbas.lock
while they work, so that two runs (the dock and the Processing toolbox, two QGIS windows, QGIS and the
CLI) never delete or overwrite each other's files. The lock is the operating system's, released when its
process ends however it ends; the file says who holds it."""

import contextlib
import datetime
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

# The names in a work folder, in pipeline order; the users' own names (the seed notebooks') kept as they are.
AREA_FILE = "aoi.gpkg"  # the area as drawn in the dock, EPSG:3857
SEARCHED_AREA = "aoi.geojson"  # the area as searched, EPSG:4326
SCENES_JSON = "scenes.json"  # the CMR records as searched: what the pair step rebuilds the stack from
SCENES_GPKG = "scenes.gpkg"
SCENES_GEOJSON = "scenes.geojson"
PAIRS_CSV = "pairs.csv"
NETWORK_PNG = "network.png"
RECORD = "hyp3_jobs.json"  # the HyP3 job record
PRODUCTS = "products"  # where `sbas download` puts the product zips
CLIPPED = "clipped"  # the products on one grid, MintPy's input
MINTPY = "mintpy"  # MintPy's own folder
MINTPY_TEMPLATE = "sbas_mintpy.txt"  # in it: the template this project writes
GEOTIFFS = "GeoTiffs"
DISPLACEMENT_MAPS = Path("displacement_maps") / "unwrapped"  # in GeoTiffs/, then one folder per unit
POINTS_CSV = "points.csv"
POINTS_GPKG = "points.gpkg"
VALUES_CSV = "Geotiff_value.csv"
COVERAGE = "coverage.tif"  # how many clipped products have data at each pixel
MANIFEST = "manifest.json"
LOCK_FILE = ".sbas.lock"


@dataclass(frozen=True)
class WorkFolder:
    """The paths of one work folder."""

    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root))

    area = property(lambda self: self.root / AREA_FILE)
    searched_area = property(lambda self: self.root / SEARCHED_AREA)
    scenes_json = property(lambda self: self.root / SCENES_JSON)
    scenes_gpkg = property(lambda self: self.root / SCENES_GPKG)
    scenes_geojson = property(lambda self: self.root / SCENES_GEOJSON)
    pairs_csv = property(lambda self: self.root / PAIRS_CSV)
    network_png = property(lambda self: self.root / NETWORK_PNG)
    record = property(lambda self: self.root / RECORD)
    products = property(lambda self: self.root / PRODUCTS)
    clipped = property(lambda self: self.root / CLIPPED)
    mintpy = property(lambda self: self.root / MINTPY)
    geotiffs = property(lambda self: self.root / GEOTIFFS)
    points_csv = property(lambda self: self.root / POINTS_CSV)
    points_gpkg = property(lambda self: self.root / POINTS_GPKG)
    values_csv = property(lambda self: self.root / VALUES_CSV)
    coverage = property(lambda self: self.root / COVERAGE)
    manifest = property(lambda self: self.root / MANIFEST)
    lock = property(lambda self: self.root / LOCK_FILE)

    def displacement_maps(self, unit: str = "Meters") -> Path:
        """The per-date GeoTIFFs, as the OpenSARLab notebook lays them out."""
        return self.root / GEOTIFFS / DISPLACEMENT_MAPS / unit
# Windows locks byte ranges and refuses to read locked bytes: the lock is one byte far beyond the holder's text.
WINDOWS_LOCK_OFFSET = 2**30


class WorkFolderBusy(ValueError):
    """Another process holds the work folder; the message says which and what to do."""


if os.name == "nt":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _release(fd: int, path: Path) -> None:
        os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        os.close(fd)
        with contextlib.suppress(PermissionError):  # refused while another process has it open: it locks next
            path.unlink(missing_ok=True)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release(fd: int, path: Path) -> None:
        # Removed while still held, so that whoever opened it meanwhile finds it gone and locks a new one.
        path.unlink(missing_ok=True)
        os.close(fd)  # which releases the lock


def _holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 1000).decode("utf-8", errors="replace").strip()


def _busy(work: Path, holder: str) -> WorkFolderBusy:
    return WorkFolderBusy(
        f"the work folder {work} is in use by another sbas process: {holder or 'one that is just starting'}. "
        "Wait for it to finish or cancel it, then try again. If no sbas run is going, that process is stuck: "
        "close it (the QGIS window or terminal, or end it by its pid) and try again; the folder is freed when it ends"
    )


@contextlib.contextmanager
def work_folder_lock(work, step: str):
    """Hold WORK's lock (creating WORK) for the block; raise WorkFolderBusy at once when another process
    holds it. `step` (e.g. "run") goes into the lock file for the message others get."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    path = work / LOCK_FILE
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
        try:
            locked = _try_lock(fd)
        except BaseException:  # a folder whose file system cannot lock, say
            os.close(fd)
            raise
        if not locked:
            holder = _holder(fd)
            os.close(fd)
            raise _busy(work, holder)
        try:  # the holder before may have removed the file between our open and our lock: lock the new one
            if os.path.samestat(os.fstat(fd), os.stat(path)):
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        started = datetime.datetime.now().astimezone().isoformat(sep=" ", timespec="seconds")
        program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
        text = f"the {step} step of {program}, pid {os.getpid()} on {socket.gethostname()}, started {started}"
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, text.encode("utf-8"))
        yield
    finally:
        _release(fd, path)
