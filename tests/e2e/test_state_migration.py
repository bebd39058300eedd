"""The moved blocks migrate state from the explicit addresses of earlier tfgen versions.

tfgen used to write one block per entity (``aws_secretsmanager_secret.db_credentials``);
it now writes one block per kind, ``for_each`` over the entities
(``aws_secretsmanager_secret.this["db-credentials"]``).  Applied state at the old
addresses must move, not be destroyed and created again.  Real terraform, real AWS
provider, moto's server standing in for AWS (a test double: no AWS account here).
"""

from __future__ import annotations

import re
from pathlib import Path

from e2e.moto_double import MARKS, aws_env, run_tfgen
from tfgen.render.hcl import ident
from tfgen.terraform.run import run_terraform, terraform_context

SECRETS = ("db-credentials", "jwt-signing-key", "redis-auth", "stripe-api-key")

pytestmark = MARKS


def test_state_at_the_explicit_addresses_moves_without_replacement(
    project: Path, moto_aws: str
) -> None:
    applied = run_tfgen(project, moto_aws, "apply", "dev", "--target", "module.security", "--yes")
    assert applied.returncode == 0, applied.stderr
    # the state an earlier tfgen left: every secret at its explicit address
    generated = project / "generated"
    ctx = terraform_context(aws_env(moto_aws))
    for name in SECRETS:
        new = f'module.security.aws_secretsmanager_secret.this["{name}"]'
        old = f"module.security.aws_secretsmanager_secret.{ident(name)}"
        moved = run_terraform(["state", "mv", new, old], generated, ctx)
        assert moved.returncode == 0, moved.stderr
    listed = run_terraform(["state", "list"], generated, ctx).stdout
    assert "module.security.aws_secretsmanager_secret.db_credentials" in listed

    planned = run_tfgen(project, moto_aws, "plan", "dev", "--target", "module.security")
    assert planned.returncode == 0, planned.stderr
    text = re.sub(r"\x1b\[[0-9;]*m", "", planned.stdout)
    for name in SECRETS:
        assert (
            f"module.security.aws_secretsmanager_secret.{ident(name)} has moved to "
            f'module.security.aws_secretsmanager_secret.this["{name}"]'
        ) in text
    assert "0 to add, 0 to change, 0 to destroy" in text
    assert "must be replaced" not in text and "will be destroyed" not in text
