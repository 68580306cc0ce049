"""Files written whole or not at all: each goes to `<name>.part` beside its final name and is renamed
into place only once complete, so a run killed at any point leaves the old file or none, never half
of one. And a step that writes much checks first that the disk can take it."""

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def _partial(path, keep_suffix: bool = False):
    """The partial file's path, renamed to `path` when the block ends without an error and removed
    when it raises. The parent folder is created; a partial file a killed run left behind is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.stem + ".part" + path.suffix if keep_suffix else path.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def replace_with(path, write, keep_suffix: bool = False) -> Path:
    """write(partial path), then rename the partial file to `path`. The partial file is `<name>.part`,
    or with `keep_suffix` `<stem>.part<suffix>` for writers that go by the extension (OGR drivers)."""
    with _partial(path, keep_suffix) as partial:
        write(partial)
    return Path(path)


@contextmanager
def written_whole(path):
    """A UTF-8 text file (newline="": rows end as written) to write into, put in place when complete."""
    with _partial(path) as partial, open(partial, "w", newline="", encoding="utf-8") as file:
        yield file


def write_json(path, data, **dumps_options) -> Path:
    """`data` as JSON (json.dumps with `dumps_options`), UTF-8."""
    text = json.dumps(data, **dumps_options)
    return replace_with(path, lambda partial: partial.write_text(text, encoding="utf-8"))


def save_figure(figure, path, **savefig_options) -> Path:
    """A matplotlib Figure as PNG (`savefig_options` go to savefig)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    return replace_with(path, lambda partial: figure.savefig(partial, format="png", **savefig_options))


DISK_MARGIN_BYTES = 512 * 1024**2  # left free beyond what a step writes, for manifests, logs and the OS
GB = 1024**3


class DiskSpaceError(OSError):
    """Not enough free disk for a step; the message says how much it needs, how much is free and where."""


def free_bytes(folder) -> int:
    return shutil.disk_usage(folder).free


def check_free_space(folder, needed: int, what: str, instead: str, free_bytes=free_bytes) -> None:
    """Raise DiskSpaceError when `folder` (existing) has less than `needed` bytes + DISK_MARGIN_BYTES free,
    before `what` (e.g. "clipping") writes anything. `instead`: what else the user can do, e.g. "choose
    another work folder". `free_bytes(folder)` is injectable for tests."""
    free = free_bytes(folder)
    if needed + DISK_MARGIN_BYTES > free:
        raise DiskSpaceError(
            f"{what} needs about {(needed + DISK_MARGIN_BYTES) / GB:.1f} GB in {folder} "
            f"(a {DISK_MARGIN_BYTES / GB:.1f} GB margin included), {free / GB:.1f} GB free: free space or {instead}"
        )


# Zips whose every member passed its CRC check, by name -> identity: written by the download into the
# products folder, read by ingest, so a 300 MB zip is read once.
VERIFIED = ".sbas_verified.json"


def identity(path: Path) -> list:
    """[size, mtime_ns]: a zip checked before with the same identity is trusted unchanged, which saves
    reading every 300 MB zip again (bytes changed under the same size and time go unnoticed)."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def read_verified(folder) -> dict:
    """The download's record in `folder` (core/download.py writes it)."""
    try:
        record = json.loads((Path(folder) / VERIFIED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or unreadable: every zip is checked again
    return record if isinstance(record, dict) else {}
