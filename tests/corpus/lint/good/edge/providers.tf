# This folder is a root configuration (a deployable stack, like the examples/ of the
# terraform-aws-modules projects): CloudFront certificates and web ACLs must be created
# in us-east-1, whatever the Region of the load balancer.
provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = var.tags
  }
}
