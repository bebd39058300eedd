"""Parsing large inputs in worker processes, where the machine has cores to spare.

The texts are cut into the pieces :func:`tfgen.hcl.parser.parse_hcl` would parse one after
the other with python-hcl2; workers parse and build them (with the fast parser, or
python-hcl2's where it does not decide), and the parent joins each file's pieces into its
document.  A file with a piece that does not parse on its own (a split inside a heredoc or
a comment, or a syntax error) is left to :func:`~tfgen.hcl.parser.parse_hcl`, which finds
the same answer the same way as without workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from lark.exceptions import UnexpectedInput

from tfgen.hcl import fast
from tfgen.hcl.errors import HclSyntaxError
from tfgen.hcl.model import Attribute, Block, HclDocument
from tfgen.hcl.parser import (
    Builder,
    candidate_pieces,
    normalise,
    parsed_ahead,
)
from tfgen.hcl.tree import first_tree, parse_tree
from tfgen.memory import collector_paused

PARALLEL_BYTES = 1_000_000  # smaller inputs parse faster than workers start
MAX_WORKERS = 4
WORKERS_ENV = "TFGEN_PARSE_WORKERS"  # 0 or 1: parse in this process only

Job = tuple[str, int, str]  # file name, line offset, piece
Built = tuple[dict[str, Attribute], list[Block]] | None  # None: the piece does not parse


def workers() -> int:
    """Worker processes worth starting: the cores this process may use (at most 4), or
    none where processes cannot be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    wanted = os.environ.get(WORKERS_ENV, "").strip()
    if wanted.isdigit():
        return min(int(wanted), MAX_WORKERS)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(cores or 1, MAX_WORKERS)


def parse_ahead(files: Mapping[str, str], on_piece: Callable[[int], None] | None = None) -> bool:
    """Parse ``files`` (name -> text) in worker processes when they are large enough; the
    next :func:`~tfgen.hcl.parser.parse_hcl` of each then returns at once.  Whether the
    workers ran."""
    sources = {name: normalise(text) for name, text in files.items()}
    count = workers()
    if count < 2 or sum(len(s) for s in sources.values()) < PARALLEL_BYTES:
        return False
    jobs = [(name, line, piece) for name, text in sorted(sources.items())
            for line, piece in candidate_pieces(text)]  # fmt: skip
    parts: dict[str, list[Built]] = {}
    try:
        with collector_paused():  # the results are many small objects, as in a parse
            for (name, _, piece), built in zip(jobs, _run(jobs, count), strict=True):
                parts.setdefault(name, []).append(built)
                if on_piece is not None:
                    on_piece(len(piece))
    except (BrokenProcessPool, OSError):  # no workers after all: parse_hcl does the work
        return False
    documents = [_joined(name, sources[name], built) for name, built in parts.items()]
    parsed_ahead([d for d in documents if d is not None])
    return True


def _run(jobs: list[Job], count: int) -> Iterator[Built]:
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(count, mp_context=context) as pool:
        yield from pool.map(_build, jobs, chunksize=max(1, len(jobs) // (count * 8)))


def _build(job: Job) -> Built:
    """In a worker: one piece's attributes and blocks, or None if it does not parse alone."""
    name, line_offset, piece = job
    with collector_paused():
        try:
            return fast.parse_body(piece, name, line_offset)
        except fast.Unsupported:
            pass  # python-hcl2 decides
        try:
            body = first_tree(parse_tree(piece), "body")
            return Builder(piece, name, line_offset).body(body) if body is not None else ({}, [])
        except (UnexpectedInput, RecursionError, HclSyntaxError):
            return None


def _joined(name: str, source: str, parts: list[Built]) -> HclDocument | None:
    """The document of one file from its pieces; None when a piece did not parse alone or
    two pieces set the same top-level attribute (parse_hcl reports those)."""
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for built in parts:
        if built is None or attributes.keys() & built[0].keys():
            return None
        attributes.update(built[0])
        blocks += built[1]
    return HclDocument(name, blocks, attributes, source)
