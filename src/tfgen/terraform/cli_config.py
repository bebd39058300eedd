"""The Terraform CLI configuration tfgen writes for itself, and the subprocess environment.

tfgen never relies on the user's ``~/.terraformrc`` or ``$TF_CLI_CONFIG_FILE``: it
writes its own config into its cache folder, pointing provider installation at
an offline filesystem mirror when there is one (see
:func:`tfgen.terraform.locate.find_provider_mirror`) and at the registry for
everything else, with a shared plugin cache so repeated ``terraform init`` runs
link the provider instead of downloading/copying it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from tfgen.cache import CACHE_ENV, cache_dir
from tfgen.errors import ToolError
from tfgen.fsutil import atomic_write
from tfgen.terraform.locate import find_provider_mirror, mirror_providers

__all__ = ["cache_dir", "clean_environ", "cli_config_text", "terraform_env", "write_cli_config"]

CONFIG_NAME = "terraformrc"
PLUGIN_CACHE_NAME = "plugin-cache"

# Variables that would make terraform read another config, another data dir or
# extra flags, or pick a workspace behind tfgen's back.
_DROPPED_VARS = frozenset(
    {"TF_CLI_CONFIG_FILE", "TERRAFORM_CONFIG", "TF_PLUGIN_CACHE_DIR", "TF_DATA_DIR", "TF_WORKSPACE"}
)
_DROPPED_PREFIXES = ("TF_CLI_ARGS",)


def hcl_string(value: str) -> str:
    """``value`` as an HCL quoted string (JSON escapes, with template sequences escaped)."""
    return json.dumps(value).replace("${", "$${").replace("%{", "%%{")


def _hcl_list(items: list[str]) -> str:
    return "[" + ", ".join(hcl_string(i) for i in items) + "]"


def cli_config_text(mirror: Path | None, plugin_cache: Path) -> str:
    """The CLI config: mirror for the providers it holds, the registry for the rest.

    Only the providers actually present in the mirror are routed to it, so a
    configuration that also needs, say, hashicorp/random still installs that one
    from the registry when a network is available.
    """
    lines = [
        "# Written by tfgen; regenerated on every run. Do not edit.",
        f"plugin_cache_dir = {hcl_string(str(plugin_cache))}",
        # Terraform >= 1.4 skips the cache for providers not yet in a lock file;
        # tfgen's working copies have none, so allow the cache to be used anyway.
        "plugin_cache_may_break_dependency_lock_file = true",
        "",
        "provider_installation {",
    ]
    providers = mirror_providers(mirror) if mirror is not None else []
    if mirror is not None and providers:
        lines += [
            "  filesystem_mirror {",
            f"    path    = {hcl_string(str(mirror))}",
            f"    include = {_hcl_list(providers)}",
            "  }",
            "  direct {",
            f"    exclude = {_hcl_list(providers)}",
            "  }",
        ]
    else:
        lines += ["  direct {}"]
    lines += ["}", ""]
    return "\n".join(lines)


def write_cli_config(cache: Path, mirror: Path | None) -> Path:
    """Write the CLI config into ``cache`` (atomically, only when it changed); return its path."""
    plugin_cache = cache / PLUGIN_CACHE_NAME
    target = cache / CONFIG_NAME
    text = cli_config_text(mirror, plugin_cache)
    try:
        plugin_cache.mkdir(parents=True, exist_ok=True)
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            return target
        atomic_write(target, text)
    except OSError as exc:
        raise ToolError(
            "TFG511",
            f"cannot write the terraform CLI config {target}: {exc}",
            f"set {CACHE_ENV} to a writable directory",
        ) from exc
    return target


def clean_environ(base: Mapping[str, str]) -> dict[str, str]:
    """``base`` without the variables that redirect terraform's config, data dir or flags."""
    return {
        key: value
        for key, value in base.items()
        if key not in _DROPPED_VARS and not key.startswith(_DROPPED_PREFIXES)
    }


def terraform_env(
    cache: Path | None = None,
    base: Mapping[str, str] | None = None,
    mirror: Path | None = None,
) -> dict[str, str]:
    """The environment for terraform subprocesses, with tfgen's CLI config written.

    ``base`` defaults to ``os.environ`` (PATH, HOME, AWS_* pass through); the
    user's ``TF_CLI_CONFIG_FILE``, ``TF_DATA_DIR``, ``TF_WORKSPACE``, ``TF_CLI_ARGS*``
    and ``TF_PLUGIN_CACHE_DIR`` are dropped. ``mirror`` defaults to
    :func:`find_provider_mirror` on ``base``.
    """
    environ = os.environ if base is None else base
    folder = cache if cache is not None else cache_dir(environ)
    found = mirror if mirror is not None else find_provider_mirror(environ)
    config = write_cli_config(folder, found)
    env = clean_environ(environ)
    env.update(
        {
            "TF_CLI_CONFIG_FILE": str(config),
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
            "TF_INPUT": "0",
        }
    )
    return env
