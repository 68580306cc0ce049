import subprocess
import sys
from pathlib import Path

from sbas_plugin.__about__ import __version__

SBAS = Path(sys.executable).parent / "sbas"


def test_sbas_command_and_module_agree():
    for command in ([str(SBAS), "--version"], [sys.executable, "-m", "sbas_plugin", "--version"]):
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        assert result.stdout.strip() == f"sbas {__version__}"


def test_help_lists_the_commands():
    result = subprocess.run([str(SBAS), "--help"], capture_output=True, text=True, check=True)
    assert "usage: sbas" in result.stdout
    assert "points" in result.stdout and "check" in result.stdout
