"""The managed MintPy environment: its one requirements list has wheels on Windows and macOS (checked against
PyPI, in CI only), and an environment made from exactly that list, with the real pip over HTTP from a package
index on 127.0.0.1, runs the demo's MintPy step with the same results as the full environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from wheel_index import wheel_index

from sbas_plugin.core.cancel import Canceled
from sbas_plugin.core.mintpy_env import (
    DONE_NAME,
    FROM_QGIS,
    REQUIREMENTS,
    InstallError,
    install_mintpy_env,
    plugin_site_packages,
    requirement_lines,
    requirement_name,
)
from sbas_plugin.core.results.wide_table import read_wide_table
from sbas_plugin.core.simulate.demo import run_demo
from sbas_plugin.core.stack.mintpy import MintpyError, check_mintpy_version

ROOT = Path(__file__).resolve().parents[2]
WHEELHOUSE = ROOT / ".venv" / "wheelhouse"  # scripts/setup.sh downloads the list's wheels for this machine
# The Python the environment is built on: the system's (Debian's GDAL, numpy, h5py, matplotlib; no MintPy),
# as QGIS's own Python on Windows.
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)
# The wheel check asks PyPI, so it runs only where .ci/run asks for it.
PYPI = pytest.mark.skipif(os.environ.get("SBAS_PYPI_TESTS") != "1", reason="asks PyPI: CI only (SBAS_PYPI_TESTS=1)")
# The users' platforms the list must install on without a compiler (QGIS 3.40 and 3.44 run Python 3.12).
TARGETS = {
    "win_amd64": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
    "macosx_14_0_arm64": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
}
TARGET_PYTHON = "3.12"


def test_the_list_is_pinned_once_per_platform_and_starts_with_mintpy():
    lines = requirement_lines()
    assert requirement_name(lines[0]) == "mintpy"
    seen = {}
    for line in lines:
        requirement = Requirement(line)
        (pin,) = requirement.specifier  # exactly one: ==version
        assert pin.operator == "==", line
        for environment in [*TARGETS.values(), {"sys_platform": "linux", "platform_system": "Linux"}]:
            if requirement.marker is None or requirement.marker.evaluate(environment):
                key = (requirement_name(line), environment["sys_platform"])
                assert key not in seen, f"{line} and {seen.get(key)} both apply"
                seen[key] = line
    names = {requirement_name(line) for line in lines}
    assert {"pysolid", "pyaps3", "pygrib"}.isdisjoint(names)  # no Windows wheels
    assert {"hyp3-sdk", "asf-search", "dask", "dask-jobqueue", "scipy", "cvxopt", *FROM_QGIS} <= names


def wheels_missing(lines, platform: str, tmp_path) -> list:
    """The requirement lines that apply to `platform` and have no wheel for it on PyPI for Python 3.12:
    pip's own wheel selection (pip download's flags), run as a dry run so that nothing is fetched but metadata."""
    environment = {**TARGETS[platform], "python_version": TARGET_PYTHON, "python_full_version": TARGET_PYTHON + ".0"}
    wanted = []
    for line in lines:
        requirement = Requirement(line)
        if requirement.marker is None or Marker(str(requirement.marker)).evaluate(environment):
            wanted.append(f"{requirement.name}{requirement.specifier}")

    def resolve(requirements) -> bool:
        report = tmp_path / "report.json"
        report.unlink(missing_ok=True)
        pip = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps", "--quiet"]
        where = ["--platform", platform, "--python-version", TARGET_PYTHON, "--implementation", "cp"]
        out = ["--target", str(tmp_path / "target"), "--report", str(report)]
        answer = subprocess.run(
            [*pip, "--only-binary=:all:", *where, *out, "--index-url", "https://pypi.org/simple", *requirements],
            env={**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": ""},  # PyPI only
            capture_output=True,
            text=True,
        )
        if answer.returncode != 0:
            return False
        chosen = json.loads(report.read_text())["install"]
        assert len(chosen) == len(requirements)
        assert all(item["download_info"]["url"].endswith(".whl") for item in chosen)
        return True

    if resolve(wanted):  # all at once; one by one only to name what is missing (pip stops at the first)
        return []
    missing = [requirement for requirement in wanted if not resolve([requirement])]
    assert missing, "pip failed on the whole list but on none of its lines"
    return missing


@PYPI
@pytest.mark.parametrize("platform", TARGETS)
def test_every_pin_has_a_wheel_for_windows_and_macos(platform, tmp_path):
    assert wheels_missing(requirement_lines(), platform, tmp_path) == []


@PYPI
def test_the_wheel_check_finds_a_missing_wheel(tmp_path):
    # pysolid (Fortran) has wheels for Linux only: MintPy's declared list fails on Windows for it.
    assert wheels_missing(["pysolid==0.3.4", "utm==0.9.0"], "win_amd64", tmp_path) == ["pysolid==0.3.4"]


@pytest.fixture(scope="module")
def index():
    assert any(WHEELHOUSE.glob("mintpy-*.whl")), f"no wheels in {WHEELHOUSE}: run scripts/setup.sh"
    with wheel_index(WHEELHOUSE) as url:
        yield url


@pytest.fixture(scope="module", autouse=True)
def pip_reads_no_configuration():
    """pip here would also read this machine's own wheel folders and index: only the test's index counts."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PIP_CONFIG_FILE", os.devnull)
        patch.setenv("PIP_FIND_LINKS", "")
        yield


@pytest.fixture(scope="module")
def managed(tmp_path_factory, index):
    folder = tmp_path_factory.mktemp("managed") / "mintpy-env"
    lines, percents = [], []
    env = install_mintpy_env(folder, BASE_PYTHON, index, progress=percents.append, on_line=lines.append)
    return env, lines, percents


def test_the_environment_has_mintpy_without_set_and_era5(managed):
    env, lines, percents = managed
    assert env.python.is_file() and env.folder.name == "mintpy-env"
    assert env.mintpy_version == "1.6.4"
    assert env.features == []  # pysolid and pyaps3 are not in the list
    assert sorted(name.split()[0] for name in env.from_qgis) == sorted(FROM_QGIS)  # Debian's, not pip's
    assert check_mintpy_version(str(env.python)) == []
    assert percents == sorted(percents) and percents[-1] == 100.0 and len(percents) > 10
    assert any(line.startswith("Successfully installed") for line in lines)
    # Exactly the list, less QGIS's own packages: pip freeze of the environment's own site-packages.
    frozen = subprocess.run(
        [str(env.python), "-m", "pip", "freeze", "--local", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    expected = [
        line
        for line in requirement_lines()
        if requirement_name(line) not in FROM_QGIS and (";" not in line or Requirement(line).marker.evaluate())
    ]
    assert sorted(requirement_name(line) for line in frozen) == sorted(requirement_name(line) for line in expected)
    assert {requirement_name(line) + "==" + line.split("==")[1] for line in frozen} == {
        requirement_name(line) + "==" + str(Requirement(line).specifier)[2:] for line in expected
    }


def test_a_complete_environment_is_kept(managed, index):
    env, _, _ = managed
    stamp = (env.folder / DONE_NAME).stat().st_mtime_ns
    lines = []
    again = install_mintpy_env(env.folder, BASE_PYTHON, index, on_line=lines.append)
    assert again == env
    assert (env.folder / DONE_NAME).stat().st_mtime_ns == stamp
    assert lines == [f"MintPy's environment in {env.folder} is complete\n"]


def test_the_plugin_finds_hyp3_sdk_and_asf_search_there(managed):
    env, _, _ = managed
    site = plugin_site_packages(env.folder)
    assert (site / "hyp3_sdk").is_dir() and (site / "asf_search").is_dir()
    assert plugin_site_packages(env.folder.parent / "elsewhere") is None


def timeseries(work):
    with h5py.File(work / "mintpy" / "timeseries.h5", "r") as series:
        return series["timeseries"][()], series["date"][()]


# Debian 12: bit-identical. Debian 13: up to 5.6e-9 m apart (float32 rounding of mm-scale values; the
# cause, some package the full environment takes from Debian and this one from its wheel, is not found).
SAME_SERIES_M = 1e-8


def test_the_demo_through_the_managed_environment_is_identical(managed, tmp_path_factory):
    env, _, _ = managed
    full = run_demo(tmp_path_factory.mktemp("demo_full"))
    through = run_demo(tmp_path_factory.mktemp("demo_managed"), python=str(env.python))
    log = (through.run.mintpy_dir / "sbas_mintpy.log").read_text()
    assert f"#### {env.python} -m mintpy.cli.smallbaselineApp" in log  # the managed Python ran MintPy
    full_series, full_dates = timeseries(full.run.work)
    series, dates = timeseries(through.run.work)
    assert np.isfinite(series).mean() > 0.9
    np.testing.assert_array_equal(dates, full_dates)
    np.testing.assert_array_equal(np.isnan(series), np.isnan(full_series))
    np.testing.assert_allclose(series, full_series, rtol=0, atol=SAME_SERIES_M)
    if (Path("/etc/debian_version").read_text().split(".")[0]) == "12":
        np.testing.assert_array_equal(series, full_series)
        assert through.run.values_csv.read_bytes() == full.run.values_csv.read_bytes()
    table, full_table = read_wide_table(through.run.values_csv), read_wide_table(full.run.values_csv)
    assert table.labels == full_table.labels
    np.testing.assert_allclose(table.values, full_table.values, rtol=0, atol=SAME_SERIES_M)
    assert through.rms_mm == pytest.approx(full.rms_mm, abs=1e-5)


def test_era5_is_refused_before_mintpy_starts_without_pyaps3(managed, tmp_path, monkeypatch):
    from sbas_plugin.core.stack.mintpy import LOG_NAME, MintpyOptions, run_smallbaseline, write_template

    env, _, _ = managed
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".cdsapirc").write_text("url: https://cds.example\nkey: 0\n")
    template = write_template(tmp_path / "t.txt", tmp_path, (1, 1), MintpyOptions(troposphere="pyaps"))
    with pytest.raises(MintpyError, match=r"ERA5 .* needs the module pyaps3.*conda-forge"):
        run_smallbaseline(template, tmp_path / "work", python=str(env.python))
    assert not (tmp_path / "work" / LOG_NAME).exists()


def test_an_unreachable_index_says_what_to_do_and_keeps_nothing_half_done(tmp_path, monkeypatch):
    monkeypatch.setenv("PIP_RETRIES", "1")  # pip says why it retries: the connection was refused
    monkeypatch.setenv("PIP_TIMEOUT", "2")
    folder = tmp_path / "env"
    with pytest.raises(InstallError) as failed:
        install_mintpy_env(folder, BASE_PYTHON, "http://127.0.0.1:9/simple/")  # port 9: nothing listens
    message = str(failed.value)
    assert "could not be reached" in message and "install again" in message
    assert str(folder / "sbas-install.log") in message
    assert not (folder / DONE_NAME).exists()


def test_cancel_stops_pip_and_leaves_it_unfinished(tmp_path, index):
    folder = tmp_path / "env"
    started = []

    def is_canceled():
        return len(started) > 0

    def on_line(line):
        if line.startswith("Collecting "):
            started.append(line)

    with pytest.raises(Canceled):
        install_mintpy_env(folder, BASE_PYTHON, index, on_line=on_line, is_canceled=is_canceled)
    assert started and not (folder / DONE_NAME).exists()


def test_requirements_file_is_shipped_in_the_plugin():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import package
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert REQUIREMENTS.relative_to(ROOT).as_posix() in {name for _, name in package.plugin_files()}


def test_the_command_line_keeps_a_complete_environment_and_says_how_to_use_it(managed, index, capsys):
    from sbas_plugin.cli import main

    env, _, _ = managed
    assert main(["install-mintpy", str(env.folder), "--python", BASE_PYTHON, "--index-url", index]) == 0
    printed = capsys.readouterr().out
    assert f"MintPy 1.6.4 in {env.folder}" in printed
    assert f"sbas run --mintpy-python {env.python} ..." in printed
    assert "optional features: none (solid-earth tides and ERA5 need conda-forge)" in printed
