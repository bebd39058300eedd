"""Terraform text (HCL) as a positioned document model, as python-hcl2 reads it.

:mod:`tfgen.hcl.model` holds the model (documents, blocks, attributes, values),
:mod:`tfgen.hcl.parser` builds it from text: with :mod:`tfgen.hcl.fast` (a hand-written
tokenizer and parser that builds the same model) and, for what that one does not decide,
with python-hcl2's lark parser (:mod:`tfgen.hcl.tree`), whose trees
:mod:`tfgen.hcl.expressions` evaluates for literals and references.
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
