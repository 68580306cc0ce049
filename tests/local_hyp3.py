"""The project's HyP3-compatible server (scripts/hyp3_server.py), importable by the tests of both tiers, and
what a product zip says about its pair."""

import importlib.util
import zipfile
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "hyp3_server", Path(__file__).resolve().parents[1] / "scripts" / "hyp3_server.py"
)
hyp3_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hyp3_server)


def granules_of(zip_path: Path) -> tuple:
    """(reference, secondary) granule of a HyP3 product zip, from its <name>.txt."""
    name = zip_path.stem
    with zipfile.ZipFile(zip_path) as archive:
        text = archive.read(f"{name}/{name}.txt").decode()
    fields = dict(line.split(": ", 1) for line in text.splitlines())
    return fields["Reference Granule"], fields["Secondary Granule"]
