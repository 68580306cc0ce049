"""The managed MintPy environment: a venv made with the Python QGIS runs, holding MintPy and every module it
imports for the pipeline's steps, each installed from a wheel (no compiler on a user's Windows machine).
mintpy_requirements.txt beside this file is the one list: pinned and installed without dependency
resolution, so it is the whole environment. The compiled packages QGIS's own Python shares C libraries or
numpy's ABI with come from it through --system-site-packages when it has them (FROM_QGIS), and GDAL always
does."""

import hashlib
import json
import logging
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.child import run_streaming
from sbas_plugin.core.environment import MINTPY_VERSION_SCRIPT, child_environment, optional_features, run_python
from sbas_plugin.core.files import write_json

LOG = logging.getLogger(__name__)

REQUIREMENTS = Path(__file__).with_name("mintpy_requirements.txt")
# Installing a second copy of these next to QGIS's would load two HDF5s or two numpy ABIs beside GDAL.
FROM_QGIS = ("numpy", "h5py", "matplotlib")
# Written last, when MintPy imports from the environment: without it (or with another list's hash) the
# environment is unfinished and the next install goes on with it.
DONE_NAME = "sbas-mintpy-env.json"
PIP_LOG_NAME = "sbas-install.log"
# What the plugin imports itself; the environment's site-packages joins the plugin's path when they are missing.
PLUGIN_MODULES = ("hyp3_sdk", "asf_search")


class InstallError(RuntimeError):
    """The environment could not be made; the message says what to do next."""


@dataclass(frozen=True)
class ManagedEnv:
    folder: Path
    python: Path
    mintpy_version: str
    features: list  # optional MintPy features available (environment.OPTIONAL_FEATURES' names)
    from_qgis: list  # FROM_QGIS packages taken from the base Python, as "name version"


def env_python(folder) -> Path:
    folder = Path(folder)
    return folder / "Scripts" / "python.exe" if os.name == "nt" else folder / "bin" / "python"


def requirement_lines(path=REQUIREMENTS) -> list:
    """The pinned requirements, comments and blank lines dropped (markers kept: pip evaluates them)."""
    lines = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def requirement_name(line: str) -> str:
    """The normalized distribution name of a requirement line (PEP 503)."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", line).group(0)).lower()


def requirements_hash(path=REQUIREMENTS) -> str:
    return hashlib.sha256("\n".join(requirement_lines(path)).encode()).hexdigest()


def install_mintpy_env(
    folder,
    base_python: Optional[str] = None,
    index_url: Optional[str] = None,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
    on_line: Optional[Callable[[str], None]] = None,
) -> ManagedEnv:
    """Make (or finish, or find done) the managed MintPy environment in `folder` with `base_python` (this
    interpreter when None); pip's output goes to `on_line` and to FOLDER/sbas-install.log. `index_url`: a
    package index instead of pip's configured one (PyPI). Raises InstallError with what to do next."""
    folder = Path(folder).resolve()
    base_python = base_python or sys.executable
    python = env_python(folder)
    report = progress or (lambda _percent: None)
    say = on_line or (lambda _line: None)
    wanted = {"requirements": requirements_hash(), "base": str(base_python)}
    done = _read_done(folder)
    if done and {key: done.get(key) for key in wanted} == wanted and python.is_file():
        say(f"MintPy's environment in {folder} is complete\n")
        report(100.0)
        return _env_from(done, folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DONE_NAME).unlink(missing_ok=True)
    log_path = folder / PIP_LOG_NAME
    with open(log_path, "a", encoding="utf-8") as log:

        def tell(line):
            log.write(line)
            log.flush()
            say(line)

        env = child_environment()
        if not python.is_file():
            tell(f"creating a Python environment in {folder} with {base_python}\n")
            _run(
                [str(base_python), "-m", "venv", "--system-site-packages", str(folder)],
                tell,
                is_canceled,
                env,
                f"{base_python} could not make a Python environment (venv) in {folder}",
                log_path,
            )
        report(5.0)
        check_canceled(is_canceled)
        from_qgis = _present(python, FROM_QGIS)
        if "osgeo" not in _present(python, ("osgeo",), import_names=True):
            raise InstallError(
                f"{base_python} has no GDAL Python bindings (osgeo), which MintPy reads the products with and "
                "which has no wheels: choose the Python that comes with QGIS"
            )
        keep = {name.split()[0] for name in from_qgis}
        lines = [line for line in requirement_lines() if requirement_name(line) not in keep]
        listed = folder / "sbas-requirements.txt"
        listed.write_text("\n".join(lines) + "\n", encoding="utf-8")
        for package in from_qgis:
            tell(f"{package}: QGIS's own (shared with GDAL)\n")
        # --ignore-installed: into the environment, never "satisfied" by (or uninstalling) the base's copy
        command = [str(python), "-m", "pip", "install", "--no-deps", "--ignore-installed", "--only-binary=:all:"]
        command += ["--no-input", "--disable-pip-version-check", "--progress-bar", "off", "-r", str(listed)]
        if index_url:
            command += ["--index-url", index_url]
        count = len(lines)
        seen = 0

        def pip_line(line):
            nonlocal seen
            tell(line)
            if line.startswith("Collecting "):
                seen += 1
                report(5.0 + 75.0 * min(seen, count) / count)
            elif line.startswith("Installing collected packages"):
                report(85.0)

        _run(command, pip_line, is_canceled, env, "pip could not install MintPy's packages", log_path)
        report(95.0)
        version, features = _check(python, log_path)
        tell(f"MintPy {version} imports; optional features: {', '.join(features) or 'none'}\n")
    done = {**wanted, "mintpy": version, "features": features, "from_qgis": from_qgis}
    write_json(folder / DONE_NAME, done, indent=1)
    report(100.0)
    return _env_from(done, folder)


def plugin_site_packages(folder) -> Optional[Path]:
    """The environment's site-packages, where the plugin finds PLUGIN_MODULES when QGIS lacks them; None
    until the environment is complete."""
    folder = Path(folder)
    if not (folder / DONE_NAME).is_file():
        return None
    if os.name == "nt":
        found = folder / "Lib" / "site-packages"
        return found if found.is_dir() else None
    return next(iter(sorted((folder / "lib").glob("python3*/site-packages"))), None)


def _env_from(done: dict, folder: Path) -> ManagedEnv:
    return ManagedEnv(folder, env_python(folder), done["mintpy"], list(done["features"]), list(done["from_qgis"]))


def _read_done(folder: Path) -> dict:
    try:
        return json.loads((folder / DONE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _run(command, on_line, is_canceled, env, failed: str, log_path: Path) -> None:
    tail = []

    def keep(line):
        tail.append(line.rstrip())
        del tail[:-15]
        on_line(line)

    try:
        status = run_streaming(command, keep, is_canceled, env=env)
    except OSError as error:
        raise InstallError(f"{failed}: {error}") from error
    if status != 0:
        raise InstallError(f"{failed} (exit status {status}). {_next_step(tail)}\nLog: {log_path}\n" + "\n".join(tail))


def _next_step(tail: list) -> str:
    text = "\n".join(tail).lower()
    if any(word in text for word in ("connection", "proxy", "temporary failure", "name resolution", "timed out")):
        return (
            "The package index could not be reached: check the internet connection, or set the proxy "
            "(HTTPS_PROXY) or a reachable index in pip's configuration, then install again; what is already "
            "installed is kept."
        )
    if "no matching distribution" in text or "could not find a version" in text:
        return (
            "pip found no wheel of a pinned package: when the package index answers (pip's configuration, a "
            "proxy), that package has no wheel for this Python or system; report it with the log, or install "
            "MintPy from conda-forge (README)."
        )
    return "Install again to go on where it stopped, or see the log; MintPy from conda-forge is the alternative."


def _present(python: Path, names, import_names: bool = False) -> list:
    """Which of `names` the environment's Python has: distributions as "name version", or importable modules."""
    if import_names:
        script = "import importlib.util, sys; print(*[n for n in sys.argv[1:] if importlib.util.find_spec(n)])"
    else:
        # Debian 12 registers its h5py under another distribution name: importable counts too.
        script = (
            "import importlib.metadata as m, importlib.util as u, sys\n"
            "for n in sys.argv[1:]:\n"
            "    try: print(n, m.version(n))\n"
            "    except m.PackageNotFoundError:\n"
            "        if u.find_spec(n): print(n, 'installed')"
        )
    answer = _ask(python, [script, *names])
    return answer.split() if import_names else answer.splitlines()


def _check(python: Path, log_path: Path) -> tuple:
    """MintPy's version and optional features in the environment, importing the modules the steps use."""
    script = "import mintpy.cli.smallbaselineApp, mintpy.ifgram_inversion, mintpy.objects.cluster\n"
    try:
        printed = _ask(python, [script + MINTPY_VERSION_SCRIPT])
    except InstallError as error:
        raise InstallError(f"MintPy was installed but does not start: {error}\nLog: {log_path}") from error
    return printed.strip().splitlines()[-1], optional_features(printed)


def _ask(python: Path, arguments: list) -> str:
    answer = run_python(python, *arguments)
    if answer.returncode != 0:
        raise InstallError((answer.stderr.strip().splitlines() or [f"exit status {answer.returncode}"])[-1])
    return answer.stdout
