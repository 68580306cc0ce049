"""sbas install-mintpy: the managed MintPy environment, from wheels only (no compiler), in a folder."""

import logging

from sbas_plugin.cli.common import fail, report_progress

LOG = logging.getLogger("sbas.install")


def register(commands) -> None:
    parser = commands.add_parser(
        "install-mintpy",
        help="make a Python environment in DIR with MintPy for the pipeline, from wheels only (no compiler; "
        "without solid-earth tides and ERA5, whose modules have no Windows wheels)",
    )
    parser.add_argument("dir", help="the environment's folder; an unfinished one is finished, a complete one kept")
    parser.add_argument(
        "--python",
        default="",
        help="the Python to build it on, which must have GDAL's bindings (default: this one; in QGIS's OSGeo4W "
        "Shell: QGIS's)",
    )
    parser.add_argument("--index-url", default="", help="a package index instead of pip's configured one (PyPI)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from sbas_plugin.core.cancel import Canceled
    from sbas_plugin.core.environment import quoted
    from sbas_plugin.core.mintpy_env import InstallError, install_mintpy_env

    try:
        with report_progress("install-mintpy") as progress:
            env = install_mintpy_env(
                args.dir,
                args.python or None,
                args.index_url or None,
                progress=progress,
                on_line=lambda line: LOG.info(line.rstrip()),
            )
    except (InstallError, OSError) as error:
        return fail(str(error))
    except Canceled:
        return fail("stopped")
    print(f"MintPy {env.mintpy_version} in {env.folder}")
    print(f"optional features: {', '.join(env.features) or 'none (solid-earth tides and ERA5 need conda-forge)'}")
    print(f"run the pipeline with it: sbas run --mintpy-python {quoted(str(env.python))} ...")
    return 0
