"""`make bench`: run every benchmark and write bench/report.md.

`python -m bench pages feeds` runs only the sections named, in the order given, and writes
them to bench/report-pages-feeds.md (git-ignored), leaving the full report as it is."""

from __future__ import annotations

import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import deliveries, feeds, outbox_relay, pages

REPORT = Path(__file__).resolve().parent / "report.md"
SECTIONS = {"outbox": outbox_relay.run, "feeds": feeds.run, "deliveries": deliveries.run, "pages": pages.run}


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        print(f"unknown section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    lines = [
        "# ICAT Workspace benchmarks",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({platform.processor() or platform.machine()}, Python {platform.python_version()}).",
        "Each figure stands next to a ceiling measured in the same run on the same machine.",
        "",
    ]
    for name in names or SECTIONS:
        lines += SECTIONS[name]()
    report = REPORT.with_name(f"report-{'-'.join(names)}.md") if names else REPORT
    report.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nreport written to {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
