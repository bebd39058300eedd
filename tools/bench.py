"""make bench: rendering and validation cost, as ratios against baselines measured in the same run.

Measures whole processes (what a user waits for), each the best of a few runs:

* baseline: the Python interpreter starting and exiting (``python -c pass``);
* the bookstore platform: ``tfgen render --all --out`` cold (empty cache) and warm, and
  ``tfgen validate --all --skip terraform,checkov``;
* synthetic platforms of N services (N = 10, 100, 1000 by default) rendered cold, to show
  how the cost grows with size (linear: time(10N)/time(N) close to 10 once fixed costs fade);
* ``tfgen lint --skip terraform,checkov`` cold on one synthetic file of K kilobytes (50, 500
  and 5000 by default: the golden tree and the lint corpus concatenated with renamed
  resources), reported in ms per KB.

Usage: python -m tools.bench [--sizes 10,100,1000] [--lint-kb 50,500,5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _timed(argv: Sequence[str], env: dict[str, str], cwd: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def _tfgen(*args: str) -> list[str]:
    return [sys.executable, "-m", "tfgen", *args]


def synthetic_project(root: Path, services: int) -> Path:
    """The bookstore's platform, network and ingress with ``services`` generated services."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "environments", root / "environments", dirs_exist_ok=True)
    (root / "specs").mkdir(exist_ok=True)
    for name in ("platform.yaml", "network.yaml", "ingress.yaml", "secrets.yaml"):
        shutil.copy(REPO / "specs" / name, root / "specs" / name)
    for env in (root / "environments").glob("*.yaml"):  # environment overrides name services
        text = env.read_text()
        env.write_text(text.split("\nservices:", 1)[0] + "\n")
    lines = ["services:"]
    for i in range(services):
        routed = i < 90  # an ALB listener holds at most 100 rules
        lines += [
            f"  svc-{i:04d}:",
            "    runtime: java",
            f"    port: {10000 + i}",
            "    size: {cpu: 512, memory: 1024}",
            "    scale: {desired: 2, min: 1, max: 4}",
            '    image: {tag: "1.0.0"}',
            "    environment: {LOG_LEVEL: INFO}",
            "    secrets: {JWT: {secret: jwt-signing-key}}",
        ]
        if routed:
            lines.append(f'    routes: {{paths: ["/api/v1/s{i:04d}*"], priority: {i + 1}}}')
    (root / "specs" / "services.yaml").write_text("\n".join(lines) + "\n")
    return root


_DECLARATION = re.compile(
    r'^(resource|data|variable|output|module) ((?:"[\w-]+" )?)"([\w-]+)"', re.MULTILINE
)


def lint_input(path: Path, kilobytes: int) -> Path:
    """One .tf file of about ``kilobytes`` KB: copies of the golden tree and the good lint
    corpus, with every declaration renamed per copy, cut after a top-level block."""
    sources = sorted((REPO / "generated").rglob("*.tf"))
    sources += sorted((REPO / "tests" / "corpus" / "lint" / "good").rglob("*.tf"))
    base = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    copies: list[str] = []
    size = 0
    while size < kilobytes * 1024:
        suffix = f"_{len(copies)}"
        copies.append(_DECLARATION.sub(lambda m, s=suffix: f'{m[1]} {m[2]}"{m[3]}{s}"', base))
        size += len(copies[-1]) + 1
    text = "\n".join(copies)[: kilobytes * 1024]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text[: text.rfind("\n}\n") + 3], encoding="utf-8")
    return path


def _lint_seconds(tf: Path, work: Path, repeat: int) -> float:
    """Best wall time of ``tfgen lint`` on ``tf``, each run with an empty cache (lint exits 1
    on findings, which the synthetic input has)."""
    best = float("inf")
    for run in range(repeat):
        env = {**os.environ, "TFGEN_CACHE_DIR": str(work / f"cold-lint-{tf.stat().st_size}-{run}")}
        argv = _tfgen("lint", "--skip", "terraform,checkov", "--format", "json", str(tf))
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=REPO, env=env, check=False, capture_output=True)
        best = min(best, time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"tfgen lint failed: {done.stderr.decode()[-500:]}")
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--lint-kb", default="50,500,5000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tfgen-bench-") as tmp:
        work = Path(tmp)
        warm_env = {**os.environ, "TFGEN_CACHE_DIR": str(work / "cache")}
        base = _timed([sys.executable, "-c", "pass"], warm_env, REPO, args.repeat)
        rows: list[tuple[str, float]] = []

        def cold(name: str, cmd: list[str], cwd: Path) -> None:
            best = float("inf")
            for run in range(args.repeat):
                env = {**os.environ, "TFGEN_CACHE_DIR": str(work / f"cold-{name}-{run}")}
                best = min(best, _timed(cmd, env, cwd, 1))
            rows.append((name, best))

        out = str(work / "out")
        cold("bookstore render --all (cold cache)", _tfgen("render", "--all", "--out", out), REPO)
        _timed(_tfgen("render", "--all", "--out", out), warm_env, REPO, 1)  # fill the cache
        rows.append(
            (
                "bookstore render --all (warm cache)",
                _timed(_tfgen("render", "--all", "--out", out), warm_env, REPO, args.repeat),
            )
        )
        rows.append(
            (
                "bookstore validate --skip terraform,checkov (warm)",
                _timed(
                    _tfgen("validate", "--all", "--skip", "terraform,checkov"),
                    warm_env,
                    REPO,
                    args.repeat,
                ),
            )
        )
        sizes = [int(s) for s in args.sizes.split(",") if s]
        for size in sizes:
            project = synthetic_project(work / f"synthetic-{size}", size)
            cold(
                f"synthetic {size} services render --all (cold)",
                _tfgen("render", "--all", "--out", str(project / "generated")),
                project,
            )
        lint_rows: list[tuple[str, float, int]] = []
        for kilobytes in [int(k) for k in args.lint_kb.split(",") if k]:
            tf = lint_input(work / f"lint-{kilobytes}" / "main.tf", kilobytes)
            name = f"lint {kilobytes} KB --skip terraform,checkov (cold)"
            lint_rows.append((name, _lint_seconds(tf, work, args.repeat), tf.stat().st_size))
        print(f"baseline: python -c pass = {base * 1000:.0f} ms")
        print(f"{'measurement':58} {'seconds':>8} {'x baseline':>11}")
        for name, seconds in rows:
            print(f"{name:58} {seconds:8.2f} {seconds / base:11.1f}")
        for name, seconds, size in lint_rows:
            per_kb = seconds * 1000 / (size / 1024)
            print(f"{name:58} {seconds:8.2f} {seconds / base:11.1f}   {per_kb:.1f} ms/KB")
        synthetic = [(n, s) for n, s in rows if n.startswith("synthetic")]
        for (n1, s1), (n2, s2) in itertools.pairwise(synthetic):
            print(f"growth {n2.split(' render')[0]} / {n1.split(' render')[0]}: {s2 / s1:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
