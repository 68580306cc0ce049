"""Ingest: find HyP3 InSAR products (zips as HyP3 ships them, or unpacked folders) and the few layers
MintPy needs from each, without unpacking anything else and without ever changing the originals."""

import logging
import re
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Optional

from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.files import identity, read_verified

LOG = logging.getLogger(__name__)
# The product names MintPy's prep_hyp3 recognises (it matches the start of each file's basename).
PRODUCT_PATTERNS = {
    "INSAR_GAMMA": r"S1[ABCD]{2}(_\d{8}T\d{6}){2}_(VV|HH)[PRO]\d{3,4}_INT\d{2}_G_[uw][ec][123F]_[0-9A-F]{4}",
    "INSAR_ISCE_BURST": r"S1_\d{6}_IW[123](_\d{8}){2}_(VV|HH)_INT\d{2}_[0-9A-F]{4}",
    "INSAR_ISCE_MULTI_BURST": (
        r"S1_\d{3}_\d{6}s1n\d{2}-\d{6}s2n\d{2}-\d{6}s3n\d{2}_IW(_\d{8}){2}_(VV|HH)_INT\d{2}_[0-9A-F]{4}"
    ),
}
REQUIRED_LAYERS = ("unw_phase", "corr", "dem", "lv_theta", "lv_phi")
OPTIONAL_LAYERS = ("water_mask", "conncomp")
LAYERS = REQUIRED_LAYERS + OPTIONAL_LAYERS

# A HyP3 zip holds one folder of a few dozen files; anything far outside that is not a product.
MAX_MEMBERS = 200
VERIFIERS = 2  # zips checked at once: this machine's cores
MAX_MEMBER_BYTES = 8 * 1024**3
# Deflate's own limit (about 1032:1): an uncompressed raster of one value, such as a frame's water mask or a
# zeroed swath edge, comes near it, so only a member no deflate stream can make (another method) is refused.
MAX_COMPRESSION_RATIO = 1100
MAX_TEXT_BYTES = 1024**2
# The download's record of the zips it CRC-checked, beside them: filename -> identity (see `identity`).


class ProductError(ValueError):
    """A product cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class Product:
    name: str
    kind: str  # INSAR_GAMMA, INSAR_ISCE_BURST or INSAR_ISCE_MULTI_BURST
    source: Path  # the zip or folder it came from, never written to
    layers: dict = field(hash=False)  # layer -> path GDAL can open (a /vsizip/ path for zips)
    metadata: str = field(hash=False)  # the <name>.txt text MintPy's prep_hyp3 reads

    @property
    def dates(self) -> tuple:
        return pair_dates(self.name)


def pair_dates(name: str) -> tuple:
    """The pair's two acquisition dates, YYYYMMDD, as every product name holds them."""
    return re.search(r"_(\d{8})(?:T\d{6})?_(\d{8})(?:T\d{6})?_", name).groups()


def product_kind(name: str) -> Optional[str]:
    for kind, pattern in PRODUCT_PATTERNS.items():
        if re.fullmatch(pattern, name):
            return kind
    return None


def _layer_of(filename: str, name: str) -> Optional[str]:
    for layer in LAYERS:
        if filename == f"{name}_{layer}.tif":
            return layer
    return None


def _check_member(zip_path: Path, info: zipfile.ZipInfo) -> None:
    path = PurePosixPath(info.filename)
    unsafe = (
        info.filename.startswith(("/", "\\"))
        or ".." in path.parts
        or "\\" in info.filename
        or re.match(r"^[A-Za-z]:", info.filename)
        or (info.external_attr >> 16) & 0o170000 == 0o120000  # a symbolic link
    )
    if unsafe:
        raise ProductError(f"{zip_path.name}: unsafe member name {info.filename!r}; not a HyP3 product, left alone")
    if info.file_size > MAX_MEMBER_BYTES or info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
        raise ProductError(f"{zip_path.name}: member {info.filename!r} is implausibly large; left alone")


def _verify_crc(archive: zipfile.ZipFile, member: str, zip_path: Path) -> None:
    # zipfile checks the CRC-32 when a member has been read to its end.
    try:
        with archive.open(member) as stream:
            while stream.read(1 << 22):
                pass
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        raise ProductError(f"{zip_path.name}: {member} is corrupted ({error}); download it again") from error


def _from_zip(zip_path: Path) -> Product:
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ProductError(f"{zip_path.name}: not a readable zip ({error}); download it again") from error
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ProductError(f"{zip_path.name}: {len(infos)} members; a HyP3 product has a few dozen")
        for info in infos:
            _check_member(zip_path, info)
        name = zip_path.stem
        members = {PurePosixPath(i.filename): i for i in infos if not i.is_dir()}
        layers, metadata = {}, None
        for member in members:
            if len(member.parts) != 2 or member.parts[0] != name:
                continue
            layer = _layer_of(member.name, name)
            if layer:
                layers[layer] = f"/vsizip/{zip_path.resolve().as_posix()}/{member.as_posix()}"
            elif member.name == f"{name}.txt":
                if members[member].file_size > MAX_TEXT_BYTES:
                    raise ProductError(f"{zip_path.name}: {member.name} is implausibly large")
                metadata = archive.read(member.as_posix()).decode("utf-8", errors="replace")
    return _checked(name, zip_path, layers, metadata)


def _from_folder(folder: Path) -> Product:
    name = folder.name
    if (folder / name).is_dir() and not any(folder.glob(f"{name}_*.tif")):
        folder = folder / name  # NAME/NAME/: Windows' "Extract All" adds a folder named after the zip
    layers = {}
    for path in folder.iterdir():
        layer = _layer_of(path.name, name)
        if layer:
            layers[layer] = str(path)
    text = folder / f"{name}.txt"
    metadata = text.read_text(encoding="utf-8", errors="replace") if text.is_file() else None
    return _checked(name, folder, layers, metadata)


def _checked(name: str, source: Path, layers: dict, metadata: Optional[str]) -> Product:
    missing = [layer for layer in REQUIRED_LAYERS if layer not in layers]
    if missing:
        hint = (
            " (order HyP3 jobs with DEM and look vectors: Vertex's 'Set MintPy Options')"
            if any(m in ("dem", "lv_theta", "lv_phi") for m in missing)
            else ""
        )
        raise ProductError(f"{name}: missing {', '.join(missing)}{hint}")
    if metadata is None:
        raise ProductError(f"{name}: missing {name}.txt, which MintPy needs beside the GeoTIFFs")
    return Product(name, product_kind(name), source, layers, metadata)


def verify_product(product: Product) -> None:
    """Read every layer MintPy needs from a zipped product once, so a corrupted download is caught
    here (GDAL's /vsizip/ reader does not check CRCs). Unpacked folders have nothing to verify."""
    if product.source.is_dir():
        return
    with zipfile.ZipFile(product.source) as archive:
        for path in product.layers.values():
            _verify_crc(archive, f"{product.name}/{PurePosixPath(path).name}", product.source)


def verify_products(products: list, verified: dict) -> None:
    """verify_product each product, except those vouched for unchanged by `verified` (product name ->
    identity: the caller's record of earlier checks, brought up to date here) or by the download's
    record beside them, which has already read every member of the zips it fetched."""
    downloaded = {folder: read_verified(folder) for folder in {p.source.parent for p in products}}
    identities = {product.name: identity(product.source) for product in products}
    unvouched = [
        product
        for product in products
        if identities[product.name]
        not in (verified.get(product.name), downloaded[product.source.parent].get(product.source.name))
    ]
    # zlib inflates and checks without the GIL: two products at once take half the time of one after another.
    with ThreadPoolExecutor(max_workers=VERIFIERS) as pool:
        for _ in pool.map(verify_product, unvouched):  # the first corrupted one raises, in order
            pass
    verified.update(identities)


def find_products(
    folder,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> list:
    """Every HyP3 InSAR product in `folder` (zips and unpacked folders), sorted by name; an unpacked
    folder wins over a zip of the same product. Raises ProductError naming every unusable product."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ProductError(f"{folder}: no such folder")
    candidates = {}
    for path in sorted(folder.iterdir()):
        name = path.stem if path.suffix.lower() == ".zip" else path.name
        if not (path.is_dir() or path.suffix.lower() == ".zip"):
            continue
        if not product_kind(name):
            LOG.warning("skipped %s: not named like a HyP3 InSAR product (S1AA_..._INT80_G_ueF_1A2B)", path.name)
        elif path.is_dir() or name not in candidates:
            candidates[name] = path
    if not candidates:
        raise ProductError(f"{folder}: no HyP3 InSAR products (zips or folders named like S1AA_..._INT80_G_ueF_1A2B)")
    products, problems = [], []
    for done, path in enumerate(candidates[name] for name in sorted(candidates)):
        check_canceled(is_canceled)
        try:
            products.append(_from_folder(path) if path.is_dir() else _from_zip(path))
        except ProductError as error:
            problems.append(str(error))
        if progress:
            progress(100.0 * (done + 1) / len(candidates))
    if problems:
        raise ProductError("cannot use these products:\n  " + "\n  ".join(problems))
    return products
