"""Scale of `sbas run` on a large stack: wall time against MintPy alone, time and peak memory per step, disk
per folder and the tables' sizes against a spreadsheet's limits.

The stack: 61 dates and 177 pairs (each date with its next 3: none of the realistic simulator's 8 % missing
pairs, so the network is whole), SIZE x SIZE pixels of 80 m, from ``core/simulate/realistic.py`` (seed 0),
zipped as HyP3 ships them, with an area drawn in EPSG:3857 over the whole grid. Members that ingest would refuse
as zip bombs (the simulator's constant lv_phi and water mask deflate over 200:1 from ~150 px) are stored
uncompressed instead. It is kept in /var/tmp/sbas-scale/SIZE/ and reused by later calls (made again when
unfinished: stack.json is written last).

Then, one after the other on this machine, each a whole process with the same number of MintPy workers:
1. `sbas run --products ... --aoi ... --work WORK` (fresh WORK);
2. MintPy alone: smallbaselineApp with the template sbas wrote (WORK/mintpy/sbas_mintpy.txt) on the same
   clipped input, in a fresh folder; when MintPy 1.6.4 stops in quick_overview on a stack without unwrapping
   errors it is started again from the next step, as a user must, and both processes count.
While each runs, the RSS of every process in its tree is read every 0.2 s (psutil) and put to the step then
running: for `sbas run`, the step its progress lines on stderr name (the manifest records no times), and the
atmosphere filter from the MintPy process's end; for MintPy alone, the step of its last "step - " header.
MintPy draws its pictures after its last step, hdfeos5 (off in the template), without a header: that row is
them. Roles: the sbas process, smallbaselineApp, MintPy's workers (every process under smallbaselineApp,
summed: dask's, the pictures' pool; RSS counts pages shared after a fork in each process).
Disk: `du` of WORK's top-level entries, of WORK and of MintPy alone's folder. Tables: every CSV under WORK, its
size, rows (header included) and columns against Excel's and LibreOffice's 1,048,576 x 16,384; `--soffice`
converts the largest one with LibreOffice (`soffice --headless --convert-to xlsx`).

Each call appends one JSON line to /var/tmp/sbas-scale/results.jsonl.

Usage: .venv/bin/python bench/scale.py --size 600 [--soffice]   (prints its figure as the last line)
"""

import argparse
import csv
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import defaultdict
from pathlib import Path

import psutil

from sbas_plugin.core.environment import child_environment
from sbas_plugin.core.results.wide_table import SHEET_COLUMNS, SHEET_ROWS
from sbas_plugin.core.simulate import realistic
from sbas_plugin.core.simulate.demo import aoi_in_web_mercator
from sbas_plugin.core.stack.ingest import MAX_COMPRESSION_RATIO
from sbas_plugin.core.stack.mintpy import NO_AMBIGUITY_CRASH, STEP_HEADER, STEPS
from sbas_plugin.core.workfolder import MANIFEST, MINTPY_TEMPLATE

ROOT = Path("/var/tmp/sbas-scale")
BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent
DATES, PAIRS = 61, 177
POLL_SECONDS = 0.2
# `sbas run`'s progress line without a terminal: "run (mintpy: invert_network):  45 % 00:12 elapsed, ..."
PROGRESS_LINE = re.compile(r"^run \((?P<step>.+?)\):\s+\d+ %")
# The template leaves HDF-EOS5 off, so the last step's time is MintPy's pictures, drawn after it (no header).
LAST_STEP = "mintpy: hdfeos5 + pictures"
MB = 2**20


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])


def stack(size: int) -> dict:
    """The cached stack of `size` x `size` pixels, made first when missing or unfinished."""
    folder = ROOT / str(size)
    about_path = folder / "stack.json"
    if about_path.is_file():
        return json.loads(about_path.read_text(encoding="utf-8"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"making the {size}x{size} stack in {folder} ...", flush=True)
    started = time.perf_counter()
    # The simulator drops 8 % of the 3-neighbour pairs; the whole network (177 pairs on 61 dates) is wanted here.
    dropped = realistic.MISSING_PAIR_FRACTION
    realistic.MISSING_PAIR_FRACTION = 0.0
    try:
        truth = realistic.write_realistic_stack(folder / "products", seed=0, rows=size, cols=size, n_dates=DATES)
    finally:
        realistic.MISSING_PAIR_FRACTION = dropped
    if len(truth.pairs) != PAIRS:  # the simulator's network changed: the figures would not compare
        sys.exit(f"the simulator made {len(truth.pairs)} pairs on {DATES} dates, not {PAIRS}")
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    stored = sum(store_what_ingest_refuses(path) for path in sorted((folder / "products").glob("*.zip")))
    repack_seconds = time.perf_counter() - started
    aoi = aoi_in_web_mercator(folder / "aoi_epsg3857.geojson", truth.transform, truth.epsg, (0, size), (0, size))
    about = {
        "size": size,
        "dates": len(truth.dates),
        "pairs": len(truth.pairs),
        "seconds": round(seconds, 1),
        "members_stored": stored,
        "repack_seconds": round(repack_seconds, 1),
        "products": str(folder / "products"),
        "aoi": str(aoi),
        "zip_bytes": sum(path.stat().st_size for path in (folder / "products").glob("*.zip")),
        # the simulator as it was (others change it): which version made this stack
        "simulator_sha256": hashlib.sha256(Path(realistic.__file__).read_bytes()).hexdigest()[:16],
    }
    about_path.write_text(json.dumps(about), encoding="utf-8")  # last: the stack is complete
    return about


def store_what_ingest_refuses(zip_path: Path) -> int:
    """Rewrites the zip with its members that deflate shrinks more than ingest's MAX_COMPRESSION_RATIO stored
    uncompressed (the rest deflated as before); returns how many. The simulator's lv_phi is one value over the
    whole scene and its water mask nearly so: from ~150 px deflated they look like zip bombs to ingest, which
    then refuses every product. Stored, they are the same bytes and ingest checks them as any other."""
    with zipfile.ZipFile(zip_path) as source:
        members = source.infolist()
        refused = {m.filename for m in members if m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1)}
        if not refused:
            return 0
        partial = zip_path.with_suffix(".zip.part")
        with zipfile.ZipFile(partial, "w") as target:
            for member in members:
                copy = zipfile.ZipInfo(member.filename, member.date_time)
                copy.compress_type = zipfile.ZIP_STORED if member.filename in refused else zipfile.ZIP_DEFLATED
                with source.open(member) as data, target.open(copy, "w") as out:
                    shutil.copyfileobj(data, out, MB)
    partial.replace(zip_path)
    return len(refused)


class StepClock:
    """The step a process is in, and when each began (a step entered twice adds up)."""

    def __init__(self, first: str):
        self.current = first
        self.entered = [(time.monotonic(), first)]
        self.lock = threading.Lock()  # moved by the output reader and by the sampler

    def enter(self, step: str) -> None:
        with self.lock:
            if step != self.current:
                self.current = step
                self.entered.append((time.monotonic(), step))

    def seconds(self, end: float) -> dict:
        times = defaultdict(float)
        for (start, step), (stop, _) in zip(self.entered, [*self.entered[1:], (end, None)]):
            times[step] += stop - start
        return dict(times)


class TreeSampler:
    """Every POLL_SECONDS, the RSS of each process under `pid`; keeps the peak per (step, role), of the whole
    tree per step, and per process. Calls `app_ended()` when smallbaselineApp was seen and is gone."""

    def __init__(self, pid: int, root_role: str, clock: StepClock, peaks: dict, app_ended=None):
        self.root, self.root_role, self.clock, self.peaks = psutil.Process(pid), root_role, clock, peaks
        self.app_ended = app_ended
        self.is_app = {}  # pid -> whether its command line is smallbaselineApp's (read once)
        self.app_seen = False
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()

    def loop(self) -> None:
        while not self.stopped.wait(POLL_SECONDS):
            try:
                self.sample()
            except psutil.NoSuchProcess:
                return  # the root ended

    def role(self, pid: int, parent: dict) -> str:
        if self.is_app.get(pid) and not self.is_app.get(parent.get(pid)):
            return "smallbaselineApp"  # its forks (the pictures' pool) carry its command line: workers
        if pid == self.root.pid:
            return self.root_role
        up = parent.get(pid)
        while up is not None and not self.is_app.get(up):
            up = parent.get(up)
        return "MintPy workers" if up is not None else "other"

    def sample(self) -> None:
        step = self.clock.current
        rss, parent, commands = {}, {}, {}
        for process in [self.root, *self.root.children(recursive=True)]:
            try:
                if process.pid not in self.is_app:
                    command = process.cmdline()
                    self.is_app[process.pid] = "mintpy.cli.smallbaselineApp" in command
                    commands[process.pid] = " ".join(command)[:80]
                rss[process.pid], parent[process.pid] = process.memory_info().rss, process.ppid()
            except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
                continue
        by_role = defaultdict(int)
        for pid, size in rss.items():
            role = self.role(pid, parent)
            by_role[role] += size
            own = self.peaks["process"].setdefault(pid, {"rss": 0, "command": commands.get(pid, "")})
            if size > own["rss"]:
                own.update(rss=size, step=step, role=role)
        for role, size in [*by_role.items(), ("tree", sum(rss.values()))]:
            key = (step, role)
            self.peaks["step"][key] = max(self.peaks["step"].get(key, 0), size)
        if "smallbaselineApp" in by_role:
            self.app_seen = True
        elif self.app_seen and self.app_ended:
            self.app_seen = False
            self.app_ended()


def watched(command: list, log_path: Path, clock: StepClock, root_role: str, peaks: dict, step_of, app_ended=None):
    """Run `command` to its end with its output in `log_path`, the clock moved by `step_of(line)`, the tree
    sampled. Returns (exit status, the last 60 lines)."""
    tail = []
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(f"\n#### {' '.join(command)}\n")
        process = subprocess.Popen(
            command,
            env=child_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        with TreeSampler(process.pid, root_role, clock, peaks, app_ended):
            for line in process.stdout:
                log.write(line)
                tail = [*tail[-59:], line.rstrip()]
                step = step_of(line)
                if step:
                    clock.enter(step)
            process.wait()
    return process.returncode, "\n".join(tail)


def progress_step(line: str):
    match = PROGRESS_LINE.match(line)
    if not match:
        return None
    return LAST_STEP if match["step"] == "mintpy: hdfeos5" else match["step"]


def mintpy_step(line: str):
    step = line[len(STEP_HEADER) :].split()[0] if line.startswith(STEP_HEADER) else None
    return LAST_STEP.removeprefix("mintpy: ") if step == "hdfeos5" else step


def new_peaks() -> dict:
    return {"step": {}, "process": {}}


def run_sbas(about: dict, work: Path, logs: Path) -> dict:
    command = [str(BIN / "sbas"), "run", "--products", about["products"], "--aoi", about["aoi"], "--work", str(work)]
    clock, peaks = StepClock("start-up"), new_peaks()

    def filter_begins() -> None:
        # sbas says nothing when MintPy ends and its atmosphere filter begins: the MintPy process's end tells.
        if clock.current.startswith("mintpy:"):
            clock.enter("mintpy: atmosphere filter")

    started = time.monotonic()
    status, tail = watched(command, logs / "sbas_run.log", clock, "sbas", peaks, progress_step, filter_begins)
    ended = time.monotonic()
    return {"status": status, "tail": tail, "seconds": ended - started, "steps": clock.seconds(ended), **peaks}


def run_alone(template: Path, alone: Path, logs: Path) -> dict:
    """smallbaselineApp to the end as a user runs it: again from the next step after the quick_overview stop."""
    app = [sys.executable, "-m", "mintpy.cli.smallbaselineApp", str(template), "--work-dir", str(alone)]
    clock, peaks = StepClock("start-up"), new_peaks()
    started = time.monotonic()
    status, tail = watched(app, logs / "mintpy_alone.log", clock, "smallbaselineApp", peaks, mintpy_step)
    processes = 1
    if status != 0 and clock.current == "quick_overview" and NO_AMBIGUITY_CRASH in tail:
        clock.enter("start-up again")
        restart = [*app, "--start", STEPS[STEPS.index("quick_overview") + 1]]
        status, tail = watched(restart, logs / "mintpy_alone.log", clock, "smallbaselineApp", peaks, mintpy_step)
        processes = 2
    ended = time.monotonic()
    return {
        "status": status,
        "tail": tail,
        "seconds": ended - started,
        "processes": processes,
        "steps": clock.seconds(ended),
        **peaks,
    }


def du(path: Path) -> int:
    """Bytes on disk, as `du` counts them (blocks, hard links once)."""
    done = subprocess.run(["du", "-s", "-B1", str(path)], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[0])


def work_disk(work: Path) -> dict:
    """du of each top-level entry of WORK; the Geotiff_value parts together."""
    sizes = defaultdict(int)
    for entry in sorted(work.iterdir()):
        name = "Geotiff_value*.csv" if entry.name.startswith("Geotiff_value") else entry.name
        sizes[name + ("/" if entry.is_dir() else "")] += du(entry)
    return dict(sizes)


def table_shape(path: Path) -> tuple:
    """(rows with the header, columns of the header), the file read in 4 MB windows."""
    with open(path, "rb") as f:
        header = f.readline()
        rows, last = (1 if header else 0), b"\n"
        while chunk := f.read(4 * MB):
            rows += chunk.count(b"\n")
            last = chunk[-1:]
        rows += last != b"\n"  # a last line without its line end
    columns = len(next(csv.reader([header.decode("utf-8-sig")]), []))
    return rows, columns


def tables(work: Path) -> list:
    found = []
    for path in sorted(work.rglob("*.csv")):
        rows, columns = table_shape(path)
        fits = rows <= SHEET_ROWS and columns <= SHEET_COLUMNS
        found.append(
            {
                "file": str(path.relative_to(work)),
                "bytes": path.stat().st_size,
                "rows": rows,
                "columns": columns,
                "fits_sheet": fits,
            }
        )
    return found


def xlsx_range(path: Path) -> str:
    """The sheet's used range as the xlsx records it (A1:XFD62: all 16,384 columns and 62 rows kept)."""
    with zipfile.ZipFile(path) as book, book.open("xl/worksheets/sheet1.xml") as sheet:
        head = sheet.read(4096)  # the dimension element comes first
    found = re.search(rb'<dimension ref="([^"]+)"', head)
    return found[1].decode() if found else "?"


def soffice_convert(path: Path, to: str) -> dict:
    """LibreOffice's headless conversion of `path`, with a profile of its own (a user's may be locked)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return {"file": path.name, "ok": False, "why": "no soffice (apt-get install libreoffice-calc-nogui)"}
    with tempfile.TemporaryDirectory(prefix="sbas-scale-soffice-") as out:
        command = [
            soffice,
            f"-env:UserInstallation=file://{out}/profile",
            "--headless",
            "--infilter=CSV:44,34,76,1",  # comma, double quotes, UTF-8, from line 1
            "--convert-to",
            to,
            "--outdir",
            out,
            str(path),
        ]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=3600)
        seconds = time.perf_counter() - started
        converted = Path(out) / f"{path.stem}.{to}"
        ok = done.returncode == 0 and converted.is_file()
        size = converted.stat().st_size if ok else 0
        used_range = xlsx_range(converted) if ok and to == "xlsx" else ""
        why = "" if ok else (done.stderr.strip() or done.stdout.strip())[-300:]
    return {
        "file": path.name,
        "to": to,
        "ok": ok,
        "seconds": round(seconds, 1),
        "bytes": size,
        "range": used_range,
        "why": why,
    }


def step_rows(run: dict, roles: list) -> list:
    lines = []
    for step, seconds in run["steps"].items():
        sampled = [run["step"].get((step, role)) for role in [*roles, "tree"]]
        cells = [f"{size / MB:8.0f}" if size else f"{'-':>8}" for size in sampled]  # -: too short to sample
        lines.append(f"  {step:34} {seconds:8.1f} " + " ".join(cells))
    return lines


def peak_of(run: dict, role: str) -> tuple:
    """(MB, step) of a role's highest sample."""
    found = [(size, step) for (step, kind), size in run["step"].items() if kind == role] or [(0, "-")]
    size, step = max(found)
    return size / MB, step


def git_state() -> dict:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    changed = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True)
    return {"commit": head.stdout.strip(), "uncommitted": changed.stdout.split("\n")[:-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300, help="the grid's rows and columns (default 300)")
    parser.add_argument("--soffice", action="store_true", help="convert the largest CSV with LibreOffice too")
    parser.add_argument("--to", default="xlsx", choices=("xlsx", "ods"), help="what --soffice converts to")
    args = parser.parse_args()
    load_at_start = load()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {platform.platform()}, {os.cpu_count()} cores")
    print(f"load at start (1, 5, 15 min): {load_at_start}", flush=True)

    about = stack(args.size)
    print(
        f"stack {args.size}x{args.size} px, {about['dates']} dates, {about['pairs']} pairs, zips "
        f"{about['zip_bytes'] / MB:.0f} MB, made in {about['seconds']:.0f} s (+ {about['repack_seconds']:.0f} s "
        f"storing {about['members_stored']} members uncompressed that ingest would refuse)",
        flush=True,
    )
    folder = ROOT / str(args.size)
    work, alone, logs = folder / "work", folder / "alone", folder / "logs"
    for fresh in (work, alone, logs):
        shutil.rmtree(fresh, ignore_errors=True)
    alone.mkdir(parents=True)
    logs.mkdir()

    ours = run_sbas(about, work, logs)
    print(f"sbas run: {ours['seconds']:.1f} s, exit {ours['status']}", flush=True)
    if ours["status"] != 0:
        sys.exit(f"sbas run failed; see {logs / 'sbas_run.log'}:\n{ours['tail']}")
    template = work / "mintpy" / MINTPY_TEMPLATE
    compute = [line for line in template.read_text(encoding="utf-8").splitlines() if "compute." in line]
    mintpy = run_alone(template, alone, logs)
    print(f"MintPy alone: {mintpy['seconds']:.1f} s in {mintpy['processes']} process(es), exit {mintpy['status']}")

    manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    grid = manifest["steps"]["clip"]["grid"]
    points = manifest["steps"]["points"]["count"]
    print(
        f"clipped grid {grid[5]} x {grid[4]} px; {len(manifest['steps']['clip']['kept'])} products kept; "
        f"{points:,} points; template: {'; '.join(compute)}"
    )
    print(f"manifest steps (signatures and counts, no times): {', '.join(manifest['steps'])}")

    print("\nsbas run per step (log lines)   seconds  peak RSS MB: sbas  smallbaselineApp  workers  tree")
    print("\n".join(step_rows(ours, ["sbas", "smallbaselineApp", "MintPy workers"])))
    print("MintPy alone per step           seconds  peak RSS MB: smallbaselineApp  workers  tree")
    print("\n".join(step_rows(mintpy, ["smallbaselineApp", "MintPy workers"])))
    for name, run in (("sbas run", ours), ("MintPy alone", mintpy)):
        biggest = sorted(run["process"].items(), key=lambda item: -item[1]["rss"])[:8]
        print(f"{name}, processes by peak RSS:")
        for pid, seen in biggest:
            print(f"  {pid:>7} {seen['role']:17} {seen['rss'] / MB:7.0f} MB in {seen['step']:28} {seen['command']}")

    disk = work_disk(work)
    work_bytes, alone_bytes = du(work), du(alone)
    geotiffs = disk.get("GeoTiffs/", 0)
    ratio = work_bytes / (alone_bytes + geotiffs)
    with_input = work_bytes / (alone_bytes + geotiffs + disk.get("clipped/", 0))
    print("\ndisk (du)")
    for name, size in sorted(disk.items(), key=lambda item: -item[1]):
        print(f"  WORK/{name:32} {size / MB:9.1f} MB")
    print(f"  WORK total {work_bytes / MB:.1f} MB; MintPy alone's folder {alone_bytes / MB:.1f} MB")
    print(
        f"  WORK / (MintPy alone + GeoTiffs) = {ratio:.2f} (issue: <= 1.3); "
        f"WORK / (MintPy alone + GeoTiffs + clipped input) = {with_input:.2f}"
    )

    found = tables(work)
    print(f"\ntables (a sheet holds {SHEET_ROWS:,} rows x {SHEET_COLUMNS:,} columns)")
    for table in found:
        print(
            f"  {table['file']:32} {table['bytes'] / MB:8.1f} MB {table['rows']:>10,} rows "
            f"{table['columns']:>7,} cols  {'fits' if table['fits_sheet'] else 'TOO BIG'}"
        )
    converted = None
    if args.soffice and found:
        largest = max(found, key=lambda table: table["bytes"])
        converted = soffice_convert(work / largest["file"], args.to)
        shown = "FAILED"
        if converted["ok"]:
            shown = f"ok in {converted['seconds']} s, {converted['bytes'] / MB:.1f} MB {converted['range']}"
        print(f"soffice {largest['file']} -> {args.to}: {shown} {converted.get('why', '')}")

    overhead = 100 * (ours["seconds"] - mintpy["seconds"]) / mintpy["seconds"]
    sbas_peak, sbas_step = peak_of(ours, "sbas")
    tree_peak, tree_step = peak_of(ours, "tree")
    alone_peak, alone_step = peak_of(mintpy, "tree")
    load_at_end = load()
    record = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.platform()}, {os.cpu_count()} cores",
        **git_state(),
        "load_start": load_at_start,
        "load_end": load_at_end,
        "stack": about,
        "grid": grid,
        "points": points,
        "template_compute": compute,
        "sbas_run_s": round(ours["seconds"], 1),
        "mintpy_alone_s": round(mintpy["seconds"], 1),
        "mintpy_alone_processes": mintpy["processes"],
        "mintpy_alone_status": mintpy["status"],
        "overhead_pct": round(overhead, 1),
        "sbas_steps_s": {step: round(s, 1) for step, s in ours["steps"].items()},
        "alone_steps_s": {step: round(s, 1) for step, s in mintpy["steps"].items()},
        "sbas_peak_rss_mb": {f"{s} | {r}": round(v / MB) for (s, r), v in ours["step"].items()},
        "alone_peak_rss_mb": {f"{s} | {r}": round(v / MB) for (s, r), v in mintpy["step"].items()},
        "disk_work_bytes": disk,
        "work_bytes": work_bytes,
        "alone_bytes": alone_bytes,
        "disk_ratio": round(ratio, 3),
        "disk_ratio_with_input": round(with_input, 3),
        "tables": found,
        "soffice": converted,
    }
    with open(ROOT / "results.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    too_big = [table["file"] for table in found if not table["fits_sheet"]]
    print(f"\nload at end: {load_at_end}")
    print(
        f"scale {args.size}x{args.size} px, {about['dates']} dates, {about['pairs']} pairs: sbas run "
        f"{ours['seconds']:.0f} s, MintPy alone {mintpy['seconds']:.0f} s, overhead {overhead:.0f} %; peak RSS sbas "
        f"{sbas_peak:.0f} MB ({sbas_step}), tree {tree_peak:.0f} MB ({tree_step}), MintPy alone {alone_peak:.0f} MB "
        f"({alone_step}); disk WORK {work_bytes / 2**30:.2f} GB = {ratio:.2f} x (MintPy alone + GeoTiffs); "
        f"{len(found)} CSV, {'all fit a sheet' if not too_big else 'too big for a sheet: ' + ', '.join(too_big)}"
    )


if __name__ == "__main__":
    main()
