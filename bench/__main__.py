"""`make bench`: run every benchmark and write bench/report.md."""

from __future__ import annotations

import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import deliveries, feeds, outbox_relay

REPORT = Path(__file__).resolve().parent / "report.md"


def main() -> int:
    lines = [
        "# ICAT Workspace benchmarks",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({platform.processor() or platform.machine()}, Python {platform.python_version()}).",
        "Each figure stands next to a ceiling measured in the same run on the same machine.",
        "",
    ]
    lines += outbox_relay.run()
    lines += feeds.run()
    lines += deliveries.run()
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nreport written to {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
