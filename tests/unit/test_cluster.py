"""MintPy's workers on a cluster: a cluster that cannot be used from here is refused at once, and a real
one-node SLURM (Debian's slurm-wlm and munge, which scripts/setup.sh installs, started in tmp_path) runs
MintPy's workers as batch jobs with the very results of the local run."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from sbas_plugin.core.cancel import Canceled
from sbas_plugin.core.manifest import Manifest
from sbas_plugin.core.results.mintpy_files import find_timeseries
from sbas_plugin.core.stack.mintpy import (
    MintpyError,
    MintpyOptions,
    dask_config_dir,
    result_settings,
    run_smallbaseline,
    write_template,
)
from sbas_plugin.core.workfolder import MINTPY_TEMPLATE, WorkFolder

SBAS = Path(sys.executable).parent / "sbas"
PARTITION = "sbas"
SLURM_COMMANDS = ("munged", "slurmd", "slurmctld", "sinfo", "sbatch", "squeue", "scancel")


@pytest.fixture
def path_without_sbatch(tmp_path, monkeypatch):
    """PATH with this Python's folder only: no SLURM or PBS command on it."""
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))


@pytest.fixture
def fake_sbatch(tmp_path, monkeypatch):
    """An sbatch on PATH that is never run: what the options check looks for."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "sbatch").write_text("#!/bin/sh\nexit 1\n")
    (bin_dir / "sbatch").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))


def write_config(path) -> Path:
    """A dask-jobqueue file for the one-node SLURM: one core, little memory and time per worker job, the
    scheduler on the loopback (a chroot may have no other interface)."""
    path.write_text(
        "jobqueue:\n"
        "  slurm:\n"
        "    cores: 1\n"
        "    processes: 1\n"
        "    memory: 1GB\n"
        "    walltime: '00:10:00'\n"
        f"    queue: {PARTITION}\n"
        "    interface: lo\n"
        "    death-timeout: 60\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="SLURM runs on Linux")
def test_a_cluster_that_cannot_be_used_from_here_is_refused_at_once(tmp_path, monkeypatch, fake_sbatch):
    with pytest.raises(ValueError, match="one of local, slurm, pbs"):
        MintpyOptions(cluster="lsf")
    with pytest.raises(MintpyError, match=r"submits its workers with qsub, which is not on PATH: .*local cluster"):
        MintpyOptions(cluster="pbs")
    with pytest.raises(MintpyError, match=r"cannot read the cluster configuration .*missing\.yaml .*choose a readable"):
        MintpyOptions(cluster="slurm", cluster_config=str(tmp_path / "missing.yaml"))
    other = tmp_path / "other.yaml"
    other.write_text("jobqueue:\n  pbs:\n    cores: 1\n")
    with pytest.raises(MintpyError, match="has no section jobqueue: slurm:"):
        MintpyOptions(cluster="slurm", cluster_config=str(other))
    MintpyOptions(cluster="slurm")  # dask-jobqueue's defaults
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    with pytest.raises(MintpyError, match="with sbatch, which is not on PATH"):
        MintpyOptions(cluster="slurm", cluster_config=str(write_config(tmp_path / "cluster.yaml")))


@pytest.mark.skipif(sys.platform == "win32", reason="SLURM runs on Linux")
def test_sbas_run_on_slurm_without_sbatch_says_what_to_do_before_any_work(tmp_path, path_without_sbatch):
    work = tmp_path / "work"
    config = write_config(tmp_path / "cluster.yaml")
    run = ["run", "--products", str(tmp_path), "--aoi", "POLYGON((0 0,1 0,1 1,0 0))", "--work", str(work)]
    result = subprocess.run(
        [str(SBAS), *run, "--cluster", "slurm", "--cluster-config", str(config)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "sbatch, which is not on PATH: run on a machine that can submit slurm jobs" in result.stderr
    assert not work.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="SLURM runs on Linux")
def test_the_template_names_the_cluster_and_its_file_reaches_mintpy_only(tmp_path, fake_sbatch):
    config = write_config(tmp_path / "cluster.yaml")
    local = write_template(tmp_path / "local.txt", tmp_path, (4, 7), MintpyOptions(workers=3))
    options = MintpyOptions(workers=3, cluster="slurm", cluster_config=str(config))
    on_slurm = write_template(tmp_path / "slurm.txt", tmp_path, (4, 7), options)
    lines = on_slurm.read_text().splitlines()
    for line in ("mintpy.compute.cluster = slurm", "mintpy.compute.numWorker = 3", "mintpy.compute.config = slurm"):
        assert line in lines
    assert "mintpy.compute.config = none" in local.read_text().splitlines()
    assert (dask_config_dir(on_slurm) / "jobqueue.yaml").read_text() == config.read_text()
    assert not dask_config_dir(local).exists()
    # what a run's signature holds: a cluster changes no result, and a change of cluster reruns nothing
    assert result_settings(on_slurm) == result_settings(local)
    write_template(on_slurm, tmp_path, (4, 7), MintpyOptions(workers=3))  # back to local: the copy goes
    assert not dask_config_dir(on_slurm).exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(path, lines=15) -> str:
    text = path.read_text(errors="replace") if path.is_file() else "(none)"
    return f"--- {path.name}:\n" + "\n".join(text.splitlines()[-lines:])


class Slurm:
    """The daemons of a one-node SLURM whose files are all in `root`."""

    def __init__(self, root: Path):
        self.root = root
        self.conf = root / "slurm.conf"
        self.controller_log = root / "slurmctld.log"
        self.node_log = root / "slurmd.log"
        self.daemons = {}

    def start(self, name, *args) -> None:
        with open(self.root / f"{name}.out", "w") as out:  # what a daemon says before its log is open
            self.daemons[name] = subprocess.Popen(
                [name, *args], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def logs(self) -> str:
        names = [self.controller_log, self.node_log, self.root / "munged.log"]
        return "\n".join(tail(path) for path in names + [self.root / f"{name}.out" for name in self.daemons])

    def check_running(self, what: str) -> None:
        ended = {name: daemon.returncode for name, daemon in self.daemons.items() if daemon.poll() is not None}
        if ended:
            pytest.fail(f"SLURM cannot run here: {ended} ended (exit status) {what}\n{self.logs()}")

    def stop(self) -> None:
        """Jobs first (slurmd leaves them running when it stops), then every daemon's process group."""
        if "slurmctld" in self.daemons and self.daemons["slurmctld"].poll() is None:
            subprocess.run(["scancel", "--partition", PARTITION], capture_output=True, timeout=30)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and self.squeue().strip():
                time.sleep(0.3)
        for daemon in reversed(self.daemons.values()):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(daemon.pid, signal.SIGTERM)
        for daemon in reversed(self.daemons.values()):
            try:
                daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(daemon.pid, signal.SIGKILL)
                daemon.wait()

    def squeue(self) -> str:
        return subprocess.run(["squeue", "-h", "-o", "%i"], capture_output=True, text=True, timeout=30).stdout


@pytest.fixture
def slurm(tmp_path, monkeypatch):
    """A one-node SLURM on this host (its short name), run as root from tmp_path: munged, slurmctld -D,
    slurmd -D, no cgroups, free ports; SLURM_CONF points every SLURM command, MintPy's too, at it. Fails,
    never skips, where SLURM cannot run: then nothing shows that MintPy's cluster option works."""
    missing = [name for name in SLURM_COMMANDS if shutil.which(name) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not on PATH: install slurm-wlm and munge (scripts/setup.sh does)")
    if os.geteuid() != 0:
        pytest.fail("the one-node SLURM runs its daemons as root (SlurmUser=root): run this test as root")
    root = tmp_path / "slurm"
    (root / "state").mkdir(parents=True)
    (root / "spool").mkdir()
    root.chmod(0o755)  # munged wants its socket's folder open to every user
    key = root / "munge.key"
    key.write_bytes(os.urandom(1024))
    key.chmod(0o600)
    socket_path = root / "munge.socket"
    # this host as slurmd sees it: its short name, CPUs and memory
    described = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, timeout=60)
    node = (described.stdout.splitlines() or [""])[0]
    if not node.startswith("NodeName="):
        pytest.fail(f"slurmd -C does not describe this host: {described.stdout}{described.stderr}")
    host = node.split()[0].removeprefix("NodeName=")
    cluster = Slurm(root)
    cluster.conf.write_text(
        f"""ClusterName=sbastest
SlurmctldHost={host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={socket_path}
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={cluster.controller_log}
SlurmdLogFile={cluster.node_log}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
{node} NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName={PARTITION} Nodes={host} Default=YES MaxTime=INFINITE State=UP
"""
    )
    monkeypatch.setenv("SLURM_CONF", str(cluster.conf))
    try:
        cluster.start(
            "munged",
            "--foreground",
            "--force",
            f"--socket={socket_path}",
            f"--key-file={key}",
            f"--pid-file={root}/munged.pid",
            f"--log-file={root}/munged.log",
            f"--seed-file={root}/munged.seed",
        )
        deadline = time.monotonic() + 20
        while not socket_path.exists():
            cluster.check_running("before its socket was there")
            if time.monotonic() > deadline:
                pytest.fail(f"munged made no socket in 20 s\n{cluster.logs()}")
            time.sleep(0.1)
        cluster.start("slurmctld", "-D")
        cluster.start("slurmd", "-D", "-N", host)
        deadline = time.monotonic() + 60
        while True:
            cluster.check_running("before the node was idle")
            state = subprocess.run(["sinfo", "-h", "-N", "-o", "%t"], capture_output=True, text=True, timeout=30)
            if state.stdout.strip() == "idle":
                break
            if time.monotonic() > deadline:
                pytest.fail(f"the SLURM node is not idle after 60 s ({state.stdout}{state.stderr})\n{cluster.logs()}")
            time.sleep(0.3)
        yield cluster
    finally:
        cluster.stop()


def h5_array(path, dataset):
    with h5py.File(path, "r") as file:
        return file[dataset][()]


@pytest.mark.mintpy
@pytest.mark.skipif(sys.platform == "win32", reason="SLURM runs on Linux")
def test_mintpy_on_slurm_gives_the_local_results(scene, slurm, tmp_path):
    """The session's scene ran MintPy on this machine (workers: every core); the same template on SLURM
    runs as many workers, each a batch job, and must give the same bytes."""
    local = WorkFolder(scene[1])
    clipped = tmp_path / "clipped"  # MintPy's loader writes beside its inputs: not in the shared scene
    shutil.copytree(local.clipped, clipped)
    row, col = Manifest(local.root).step("reference")["pixel"]
    config = write_config(tmp_path / "cluster.yaml")
    work = tmp_path / "mintpy"
    work.mkdir()
    options = MintpyOptions(cluster="slurm", cluster_config=str(config))
    template = write_template(work / MINTPY_TEMPLATE, clipped, (row, col), options)

    def settings(template) -> list:  # but where the inputs are, and MintPy's pictures, which this test skips
        return [line for line in result_settings(template) if not line.startswith(("mintpy.load.", "mintpy.plot"))]

    assert settings(template) == settings(local.mintpy / MINTPY_TEMPLATE)
    # the pictures take a third of MintPy's time here and are not what this test compares
    template.write_text(template.read_text().replace("mintpy.plot = yes", "mintpy.plot = no"))

    deadline = time.monotonic() + 300  # a job that never starts would keep MintPy waiting for ever
    try:
        run_smallbaseline(template, work, is_canceled=lambda: time.monotonic() > deadline)
    except Canceled:
        pytest.fail(f"MintPy on SLURM did not finish in 300 s\n{slurm.logs()}\n{tail(work / 'sbas_mintpy.log', 40)}")

    log = (work / "sbas_mintpy.log").read_text()
    assert "input Dask cluster type: slurm" in log and f"#SBATCH -p {PARTITION}" in log  # the file reached MintPy
    # A SLURM cluster's only workers are its jobs: every part MintPy got back was computed in one.
    assert "FUTURE #1 complete" in log and "sched: Allocate JobId=" in slurm.controller_log.read_text()
    assert "Launching batch job" in slurm.node_log.read_text()
    worker_logs = [path.read_text() for path in work.glob("slurm-*.out")]  # the jobs' output, where they ran
    assert any("Starting Worker" in text for text in worker_logs)  # (a job MintPy no longer needed may not have)
    deadline = time.monotonic() + 30
    while slurm.squeue().strip():  # MintPy cancels its jobs when done; they may be completing a moment
        assert time.monotonic() < deadline, f"MintPy left jobs on SLURM: {slurm.squeue()}"
        time.sleep(0.3)
    for name, dataset in (("timeseries_demErr.h5", "timeseries"), ("velocity.h5", "velocity")):
        assert np.array_equal(h5_array(local.mintpy / name, dataset), h5_array(work / name, dataset), equal_nan=True)
    series = find_timeseries(work)
    assert series.name == find_timeseries(local.mintpy).name
    assert np.array_equal(
        h5_array(find_timeseries(local.mintpy), "timeseries"), h5_array(series, "timeseries"), equal_nan=True
    )
