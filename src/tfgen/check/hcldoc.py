"""Compatibility: the HCL document model moved to :mod:`tfgen.hcl`; import from there."""

from tfgen.hcl import (
    Attribute,
    Block,
    HclDocument,
    HclSyntaxError,
    HclTooDeep,
    HclValue,
    Unknown,
    check_syntax,
    heredoc_source,
    parse_file,
    parse_hcl,
    parse_module,
    referenced_address,
)

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
    "referenced_address",
]
