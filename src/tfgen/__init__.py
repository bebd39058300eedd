"""tfgen: a Terraform generator and validator for a whole AWS platform described in YAML."""

__version__ = "0.1.0"
