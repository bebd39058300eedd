"""Terraform text (HCL) as a positioned document model, parsed with python-hcl2's grammar.

:mod:`tfgen.hcl.model` holds the model (documents, blocks, attributes, values),
:mod:`tfgen.hcl.parser` builds it from text, :mod:`tfgen.hcl.expressions` evaluates
literals and collects references, and :mod:`tfgen.hcl.tree` wraps the lark parser.
"""

from tfgen.hcl.errors import HclSyntaxError, HclTooDeep
from tfgen.hcl.expressions import heredoc_source
from tfgen.hcl.model import (
    Attribute,
    Block,
    HclDocument,
    HclValue,
    Unknown,
    referenced_address,
)
from tfgen.hcl.parser import check_syntax, parse_file, parse_hcl, parse_module, piece_progress

__all__ = [
    "Attribute",
    "Block",
    "HclDocument",
    "HclSyntaxError",
    "HclTooDeep",
    "HclValue",
    "Unknown",
    "check_syntax",
    "heredoc_source",
    "parse_file",
    "parse_hcl",
    "parse_module",
    "piece_progress",
    "referenced_address",
]
