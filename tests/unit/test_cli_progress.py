"""The command line's progress: a bar with ETA on a terminal, log lines kept whole above it, a few plain
lines when stderr is a pipe or a file, and the bar ended however the command ends. Run in child processes,
as users run them: whether stderr is a terminal is the point."""

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from sbas_plugin.cli.run import pipeline_step
from sbas_plugin.core.pipeline import WEIGHTS
from sbas_plugin.core.stack.mintpy import FILTER_START, STEPS

SBAS = Path(sys.executable).with_name("sbas")
# A command in 201 small steps with a log line half way; its argument, a percent, stops it there with
# Ctrl-C's exception (-1: never).
FAKE_COMMAND = """
import logging, sys
from sbas_plugin.cli.common import report_progress

stop_at = float(sys.argv[1])
try:
    with report_progress("fake", lambda percent: "first" if percent < 50 else "second") as progress:
        for step in range(201):
            progress(step / 2)
            if step == 100:
                logging.getLogger("sbas_plugin").info("a log line")
            if step / 2 == stop_at:
                raise KeyboardInterrupt
except KeyboardInterrupt:
    print("stopped", file=sys.stderr)
"""


def start_on_terminal(command: list, columns: int = 100):
    """`command` started with stderr on a terminal `columns` wide (stdout a pipe); the terminal's other end."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=child,
        # Ctrl-C as in a user's terminal: a job started in the background (CI, nohup) inherits SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.close(child)
    return process, main


def read_terminal(main, until: bytes = b"") -> bytes:
    """What the terminal shows, up to a match of the pattern `until`, or to the end when the process closes it
    (a minute at most)."""
    output = b""
    while not until or not re.search(until, output):
        if not select.select([main], [], [], 60)[0]:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:  # EIO: the child has closed the terminal
            break
        if not chunk:
            break
        output += chunk
    return output


def on_terminal(command: list) -> str:
    """What `command` writes to stderr when stderr is a terminal."""
    process, main = start_on_terminal(command)
    output = read_terminal(main)
    os.close(main)
    process.communicate(timeout=60)
    assert process.returncode == 0
    return output.decode()


def screen_lines(output: str) -> list:
    """The lines a terminal shows: each carriage return goes back to the line's start and overwrites."""
    lines = []
    for line in output.replace("\r\n", "\n").split("\n"):
        shown = ""
        for part in line.split("\r"):
            shown = part + shown[len(part) :]
        lines.append(shown.rstrip())
    return lines


def test_a_terminal_gets_one_bar_with_eta_and_log_lines_above_it():
    output = on_terminal([sys.executable, "-c", FAKE_COMMAND, "-1"])
    assert "\r" in output  # redrawn in place
    assert output.endswith("\n")  # the bar's line ended
    lines = screen_lines(output)
    assert "a log line" in lines  # a line of its own, not appended to a bar
    bars = [line for line in lines if line.startswith("fake (")]
    assert len(bars) == 1, lines  # the bar is drawn once, over and over on the same line
    assert bars[0].startswith("fake (second): 100 %|")
    assert "elapsed, ETA 00:00" in bars[0]
    assert lines.index("a log line") < lines.index(bars[0])  # the bar stays below the log


def test_ctrl_c_ends_the_bar_line_where_it_stopped():
    lines = screen_lines(on_terminal([sys.executable, "-c", FAKE_COMMAND, "30"]))
    stopped = lines.index("stopped")
    assert lines[stopped - 1].startswith("fake (first):  30 %|")  # the bar's line ended before the message


def test_without_a_terminal_a_few_whole_lines_with_eta():
    done = subprocess.run(
        [sys.executable, "-c", FAKE_COMMAND, "-1"], capture_output=True, text=True, timeout=60, check=True
    )
    assert "\r" not in done.stderr
    lines = done.stderr.splitlines()
    assert "a log line" in lines
    progress = [line for line in lines if line.startswith("fake (")]
    # 201 updates: the first, one per 10 %, one when the step changes
    assert 10 <= len(progress) <= 13, lines
    assert all("elapsed, ETA " in line for line in progress)
    assert progress[-1].startswith("fake (second): 100 % ")


def test_without_a_terminal_ctrl_c_leaves_the_last_percent():
    done = subprocess.run(
        [sys.executable, "-c", FAKE_COMMAND, "35"], capture_output=True, text=True, timeout=60, check=True
    )
    lines = done.stderr.splitlines()
    assert lines[-2].startswith("fake (first):  35 % ")
    assert lines[-1] == "stopped"


def test_ctrl_c_in_a_real_command_ends_the_bar_and_the_command(tmp_path):
    process, main = start_on_terminal([str(SBAS), "simulate", "--out", str(tmp_path)])  # about 30 s whole
    output = read_terminal(main, until=rb"elapsed, ETA \d")  # the first progress with an ETA (any: under load too)
    process.send_signal(signal.SIGINT)
    output += read_terminal(main)
    os.close(main)
    process.communicate(timeout=60)
    assert process.returncode == 130
    lines = screen_lines(output.decode())
    assert lines[-2:] == ["sbas: stopped", ""]  # no traceback
    assert lines[-3].startswith("simulate: ") and "elapsed, ETA " in lines[-3]  # the bar's line, ended


@pytest.fixture(scope="module")
def stack_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("simulate")


def test_sbas_simulate_in_a_log_file(stack_folder):
    """A real command: as many progress updates as pairs (77 here), a dozen lines."""
    command = [str(SBAS), "simulate", "--rows", "30", "--cols", "30", "--dates", "30", "--out", str(stack_folder / "a")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    lines = done.stderr.splitlines()
    assert 5 <= len(lines) <= 12, lines
    assert all(line.startswith("simulate: ") and "elapsed, ETA " in line for line in lines)
    assert lines[-1].startswith("simulate: 100 % ")
    assert "77 products over 30 dates" in done.stdout


def test_sbas_simulate_on_a_terminal(stack_folder):
    command = [str(SBAS), "simulate", "--rows", "30", "--cols", "30", "--dates", "30", "--out", str(stack_folder / "b")]
    lines = [line for line in screen_lines(on_terminal(command)) if line]
    assert len(lines) == 1 and lines[0].startswith("simulate: 100 %|"), lines


def test_an_error_before_any_progress_prints_only_the_error(stack_folder):
    command = [str(SBAS), "simulate", "--dates", "1", "--out", str(stack_folder / "c")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == "sbas: a realistic stack needs at least 5 dates\n"


def test_pipeline_step_names_the_step_and_mintpys_step():
    names = list(WEIGHTS)
    mintpy = names.index("mintpy")
    start, share = sum(WEIGHTS[name] for name in names[:mintpy]), WEIGHTS["mintpy"]
    assert pipeline_step(0.0) == names[0]
    assert pipeline_step(start - 0.01) == names[mintpy - 1]
    # the percents the pipeline reports as MintPy starts each of its steps, computed as the pipeline does
    for index, step in enumerate(STEPS):
        assert pipeline_step(start + share * (FILTER_START * index / len(STEPS)) / 100.0) == f"mintpy: {step}"
    assert pipeline_step(start + share * FILTER_START / 100.0) == "mintpy: atmosphere filter"
    assert pipeline_step(start + share) == names[mintpy + 1]
    assert pipeline_step(100.0) == names[-1]
