"""Extractors that write tfgen's compact provider-schema data.

The format and the API that reads it: :mod:`tfgen.check.provider_schema`.
"""
