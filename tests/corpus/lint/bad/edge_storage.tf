provider "aws" {
  region = "eu-west-1"
}

resource "aws_kms_key" "data" {
  description             = "bookstore data"
  deletion_window_in_days = 3 # expect: AWS620  # echo: TF-expected-deletion-window-in-days
  enable_key_rotation     = true
  rotation_period_in_days = 3650 # expect: AWS621  # echo: TF-expected-rotation-period-in-days
}

resource "aws_kms_key" "signing" {
  description              = "JWT signing"
  key_usage                = "SIGN_VERIFY"
  customer_master_key_spec = "ECC_NIST_P256"
  enable_key_rotation      = true # expect: AWS622
}

resource "aws_secretsmanager_secret" "db" {
  name                    = "bookstore/db"
  kms_key_id              = aws_kms_key.data.arn
  recovery_window_in_days = 60 # expect: AWS623
}

resource "aws_s3_bucket" "assets" { # echo: TF-argument-is-deprecated (versioning, lifecycle_rule)
  bucket = "Bookstore_Assets" # expect: AWS601
  acl    = "private" # expect: SCH005  # echo: AWS909, TF-argument-is-deprecated

  versioning { # expect: SCH005  # echo: AWS909
    enabled = true
  }

  lifecycle_rule { # expect: SCH005  # echo: AWS909
    enabled = true
    transition {
      days          = 10 # expect: AWS602
      storage_class = "STANDARD_IA"
    }
  }
}

resource "aws_s3_bukcet" "backups" { # expect: SCH001
  bucket = "bookstore-backups"
}

resource "aws_kms_alias" "data" { # expect: SCH008
  name = "alias/bookstore-data"
}

resource "aws_s3_bucket" "logs" {
  bucket = "bookstore-logs-s3alias" # expect: AWS601
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire"
    status = "Enabled"
    filter {
      prefix = format("alb/%s/") # expect: TF-error-in-function-call
    }
    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }
    transition {
      days          = 90
      storage_class = "GLACIER"
    }
    expiration {
      days = 90 # expect: AWS603
    }
  }
}

resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.assets.id
  policy = jsonencode({ # expect: AWS412
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PublicRead"
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.assets.arn}/*"
      }
    ]
  })
}

# certificate for CloudFront (must be in us-east-1)
resource "aws_acm_certificate" "cdn" {
  domain_name       = "www.bookstore.example.com"
  validation_method = "DNS"
  region            = "us-east-1" # expect: SCH002
}

resource "aws_cloudfront_distribution" "cdn" {
  enabled             = true
  is_ipv6_enable      = true # expect: SCH002
  domain_name         = "www.bookstore.example.com" # expect: SCH003
  default_root_object = "index.html"
  aliases             = ["www.bookstore.example.com"]

  origin {
    domain_name = aws_s3_bucket.assets.bucket_regional_domain_name
    origin_id   = "assets"
  }

  default_cache_behavior {
    target_origin_id       = "assets"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    viewer_protocol_policy = "allow-all" # expect: AWS612

    forwarded_value { # expect: SCH004
      query_string = false
      cookies {
        forward = "none"
      }
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = "arn:aws:acm:eu-west-1:123456789012:certificate/0f2b5c1e-1111-2222-3333-444455556666" # expect: AWS610
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.1_2016" # expect: AWS611
  }
}

resource "aws_iam_policy" "deployer" {
  name = "deployer"
  policy = jsonencode({ # expect: AWS410, AWS411
    Version = "2012-10-18"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      }
    ]
  })
}

data "aws_iam_policy_document" "reader" {
  statement { # expect: AWS413
    effect    = "allow"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.assets.arn}/*"]
  }
}

resource "aws_appmesh_mesh" "bookstore" { # expect: AWS902
  name = "bookstore"
}

resource "aws_launch_configuration" "bastion" { # expect: AWS908
  name_prefix   = "bastion-"
  image_id      = data.aws_ami.al2023.id # expect: CON005
  instance_type = "t3.micro"
}

resource "aws_elasticsearch_domain" "search" { # expect: AWS906
  domain_name           = "bookstore"
  elasticsearch_version = "7.10"
}
