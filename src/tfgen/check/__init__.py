"""Checks on rendered or hand-written Terraform: parse-back, consistency, schema, rules,
terraform validate and checkov. Every check returns :class:`Finding` objects."""

LAYERS = ("spec", "consistency", "schema", "rules", "terraform", "checkov")
TREE_LAYERS = LAYERS[1:]  # the layers that run on a tree of Terraform files
OFFLINE_LAYERS = ("consistency", "schema", "rules")  # pure functions of the files
