"""The project's HyP3-compatible test server (hyp3_server.py beside this file) for the tests of both tiers,
and what a product zip says about its pair."""

import zipfile
from pathlib import Path

import hyp3_server  # noqa: F401  (the tests import it from here)


def granules_of(zip_path: Path) -> tuple:
    """(reference, secondary) granule of a HyP3 product zip, from its <name>.txt."""
    name = zip_path.stem
    with zipfile.ZipFile(zip_path) as archive:
        text = archive.read(f"{name}/{name}.txt").decode()
    fields = dict(line.split(": ", 1) for line in text.splitlines())
    return fields["Reference Granule"], fields["Secondary Granule"]
