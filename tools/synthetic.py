"""Synthetic platforms for the benchmark: the bookstore's platform with N generated services.

Usage: python -m tools.synthetic DIR N   (writes DIR/specs and DIR/environments)
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_SPECS = ("platform.yaml", "network.yaml", "ingress.yaml", "secrets.yaml")
ROUTED = 90  # an ALB listener holds at most 100 rules


def _service(i: int) -> list[str]:
    lines = [
        f"  svc-{i:04d}:",
        "    runtime: java",
        f"    port: {10000 + i}",
        "    size: {cpu: 512, memory: 1024}",
        "    scale: {desired: 2, min: 1, max: 4}",
        '    image: {tag: "1.0.0"}',
        "    environment: {LOG_LEVEL: INFO}",
        "    secrets: {JWT: {secret: jwt-signing-key}}",
    ]
    if i < ROUTED:
        lines.append(f'    routes: {{paths: ["/api/v1/s{i:04d}*"], priority: {i + 1}}}')
    return lines


def synthetic_project(root: Path, services: int) -> Path:
    """The bookstore's platform, network and ingress with ``services`` generated services."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "environments", root / "environments", dirs_exist_ok=True)
    (root / "specs").mkdir(exist_ok=True)
    for name in SHARED_SPECS:
        shutil.copy(REPO / "specs" / name, root / "specs" / name)
    platform = root / "specs" / "platform.yaml"  # a new platform: no state to migrate
    platform.write_text(
        platform.read_text().replace("legacy_addresses: true", "legacy_addresses: false")
    )
    for env in (root / "environments").glob("*.yaml"):  # environment overrides name services
        text = env.read_text()
        env.write_text(text.split("\nservices:", 1)[0] + "\n")
    lines = ["services:"]
    for i in range(services):
        lines += _service(i)
    (root / "specs" / "services.yaml").write_text("\n".join(lines) + "\n")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or not args[1].isdigit():
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    synthetic_project(Path(args[0]), int(args[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
