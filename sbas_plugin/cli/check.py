"""sbas check: which of the Python packages the pipeline needs are installed."""


def register(commands) -> None:
    parser = commands.add_parser("check", help="show which Python packages the pipeline needs are installed")
    parser.set_defaults(func=run)


def run(args) -> int:
    from sbas_plugin.core.environment import install_command, package_status

    statuses = package_status()
    for status in statuses:
        print(f"{status.name:<12} {status.version or 'MISSING':<12} {status.purpose}")
    missing = [s for s in statuses if not s.installed]
    if missing:
        print(f"\nInstall the missing packages with:\n  {install_command(missing)}")
    return 1 if missing else 0
