"""A child process whose output is read line by line while the caller can stop it: the whole process tree is
killed on cancel (MintPy's dask workers, pip's build steps), and no console window opens on Windows."""

import contextlib
import os
import queue
import signal
import subprocess
import threading
from typing import Callable, Optional

from sbas_plugin.core.cancel import CHECK_SECONDS, Canceled


def run_streaming(
    command: list,
    on_line: Callable[[str], None],
    is_canceled: Optional[Callable[[], bool]] = None,
    cwd=None,
    env: Optional[dict] = None,
) -> int:
    """Run `command`, calling `on_line` with each line of its merged stdout and stderr; returns its exit status.
    Raises Canceled, after killing the process tree, as soon as `is_canceled` says so."""
    spawn = {"creationflags": subprocess.CREATE_NO_WINDOW} if os.name == "nt" else {"start_new_session": True}
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        errors="replace",
        **spawn,
    )
    lines = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout] + [lines.put(None)])
    reader.daemon = True
    reader.start()
    try:
        while True:
            if is_canceled and is_canceled():
                kill_tree(process)
                raise Canceled()
            try:
                line = lines.get(timeout=CHECK_SECONDS)
            except queue.Empty:
                continue
            if line is None:
                break
            on_line(line)
        return process.wait()
    finally:
        kill_tree(process)  # only does anything when leaving early


def kill_tree(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    if os.name == "nt":
        subprocess.run(["taskkill", "/T", "/F", "/PID", str(process.pid)], capture_output=True)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the session holds the grandchildren too
    process.wait()
