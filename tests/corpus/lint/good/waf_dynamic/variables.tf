variable "name" {
  description = "Name of the web ACL."
  type        = string
}

variable "managed_rules" {
  description = "AWS managed rule groups, with the optional account-takeover (ATP) and bot-control settings."
  type = list(object({
    name     = string
    priority = number
    atp = optional(object({
      login_path = string
      request_inspection = optional(object({
        payload_type   = string
        password_field = string
        username_field = string
      }))
    }))
    bot_control = optional(object({
      inspection_level = string
    }))
  }))
  default = []
}

variable "blocked_addresses" {
  description = "IPv4 ranges to block, by name."
  type        = map(list(string))
  default     = {}
}
