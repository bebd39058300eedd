"""Checks on rendered or hand-written Terraform: parse-back, consistency, schema, rules,
terraform validate and checkov. Every check returns :class:`Finding` objects."""
