"""The render stage: spec model -> in-memory tree of Terraform files."""
