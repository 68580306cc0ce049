"""sbas report: one self-contained HTML page (and optionally a PDF) with a work folder's quality figures,
coherence tables and validation."""

from sbas_plugin.cli.common import fail, fail_os, report_progress


def register(commands) -> None:
    parser = commands.add_parser(
        "report",
        help="write an HTML report (optionally PDF) of a run: summary, point quality, velocity map, coherence, "
        "validation",
        description="Gather a work folder's run summary, per-point quality, velocity map and, when given, the "
        "outputs of sbas coherence and sbas validate into one HTML file with the images inside it.",
    )
    parser.add_argument("--work", required=True, metavar="DIR", help="work folder of sbas run")
    parser.add_argument("--validation", metavar="DIR", help="output folder of sbas validate")
    parser.add_argument("--coherence", metavar="DIR", help="output folder of sbas coherence")
    parser.add_argument("--out", required=True, metavar="HTML", help="HTML file to write, e.g. report.html")
    parser.add_argument("--pdf", metavar="PDF", help="also write the same content as a PDF")
    parser.set_defaults(func=run)


def run(args) -> int:
    from sbas_plugin.core.reports.report import build_report, write_html, write_pdf

    try:
        with report_progress("report") as progress:
            report = build_report(
                args.work, validation_dir=args.validation, coherence_dir=args.coherence, progress=progress
            )
            write_html(report, args.out)
            if args.pdf:
                write_pdf(report, args.pdf)
    except ValueError as error:  # ReportError
        return fail(str(error))
    except OSError as error:
        return fail_os(error)
    for note in report.warnings:
        print(f"note: {note}")
    print(f"report written to {args.out}" + (f" and {args.pdf}" if args.pdf else ""))
    return 0
