"""sbas download: the product zips of a HyP3 project into WORK/products, verified and resumable."""

from sbas_plugin.cli.common import fail, report_progress


def register(commands) -> None:
    parser = commands.add_parser(
        "download",
        help="download the products of a HyP3 project into WORK/products (resumable; a rerun skips what is there)",
    )
    parser.add_argument("--work", required=True, help="work folder; products go to WORK/products")
    parser.add_argument("--name", required=True, help="HyP3 project name the jobs were submitted with")
    parser.add_argument("--api-url", help="HyP3 API URL (default: ASF's HyP3 Basic, hyp3-api.asf.alaska.edu)")
    parser.add_argument("--token-file", help="file whose first line is the Earthdata token (default: $EARTHDATA_TOKEN)")
    parser.add_argument(
        "--wait", action="store_true", help="wait for pending and running jobs, downloading as they end"
    )
    parser.add_argument(
        "--interval", type=float, default=60.0, help="seconds to the first poll with --wait, growing to 10 min"
    )
    parser.add_argument("--workers", type=int, default=4, help="parallel downloads (default 4)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from sbas_plugin.core.environment import quoted
    from sbas_plugin.core.online import hyp3
    from sbas_plugin.core.online.download import download_project

    if args.workers < 1:
        return fail("--workers must be at least 1")
    try:
        client = hyp3.connect(args.api_url or hyp3.DEFAULT_API_URL, hyp3.read_token(args.token_file))
        with report_progress("download") as progress:
            report = download_project(
                args.work,
                client,
                args.name,
                workers=args.workers,
                progress=progress,
                wait=args.wait,
                interval=args.interval,
            )
    except (hyp3.Hyp3Failure, ValueError, RuntimeError, OSError) as error:
        return fail(str(error))
    products = report.folder
    print(f"downloaded: {len(report.downloaded)}, already there: {len(report.skipped)}, into {products}")
    for filename in report.expired:
        print(f"expired before it was downloaded: {filename}")
    for filename, why in report.failed.items():
        print(f"FAILED {filename}: {why}")
    problems = []
    if report.failed:
        problems.append(f"{len(report.failed)} products not downloaded: run again to resume them")
    if report.expired:
        submit = f"sbas submit --work {quoted(args.work)} --name {quoted(args.name)}"
        submit += f" --api-url {quoted(args.api_url)}" if args.api_url else ""
        submit += f" --token-file {quoted(args.token_file)}" if args.token_file else ""
        problems.append(
            f"{len(report.expired)} expired products: their pairs will be ordered again by `{submit}` "
            "with the --looks and job options of the first submission (it shows the cost first); "
            "then download again"
        )
    if problems:
        return fail("; ".join(problems))
    print(f"next: sbas run --products {products} --aoi AREA --work {args.work}")
    return 0
