"""The open service and ingress model: external images, any runtime, ECS Exec, ingress
without Route 53, and the rules that guard them (each with the YAML location it reports)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import Edit, drop_cdn, line_of
from tfgen.errors import UserError
from tfgen.pipeline import load_project

ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"


def _messages(project: Path) -> list[str]:
    with pytest.raises(UserError) as info:
        load_project(project)
    return [p.render() for p in info.value.problems]


def _add_service(project: Path, name: str, image: str, extra: str = "") -> Path:
    """Append a service with ``image`` (the YAML flow mapping) to specs/services.yaml."""
    path = project / "specs/services.yaml"
    path.write_text(
        path.read_text()
        + f"\n  {name}:\n    runtime: python\n    port: 8080\n"
        + "    size: {cpu: 256, memory: 512}\n    scale: {desired: 1, min: 1, max: 1}\n"
        + f"    image: {image}\n"
        + extra
    )
    return path


def _column(path: Path, needle: str) -> int:
    line = path.read_text().splitlines()[line_of(path, needle) - 1]
    return line.index(needle) + 1


# --- images -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    [
        "public.ecr.aws/nginx/nginx:1.27",
        "docker.io/library/redis:7",
        "registry.example.com:5000/team/app:2024.1",
        "ghcr.io/acme/app@sha256:" + "a" * 64,
        "redis:7.2-alpine",
    ],
)
def test_external_images_pinned_by_tag_or_digest_pass(project: Path, uri: str) -> None:
    _add_service(project, "sidecar", f'{{uri: "{uri}"}}')
    image = load_project(project).platform.services["sidecar"].image
    assert image.external and image.reference == uri


@pytest.mark.parametrize("uri", ["docker.io/library/redis", "public.ecr.aws/nginx/nginx:latest"])
def test_unpinned_external_image_is_refused(project: Path, uri: str) -> None:
    path = _add_service(project, "sidecar", f'{{uri: "{uri}"}}')
    [msg] = _messages(project)
    line, col = line_of(path, uri), _column(path, f'"{uri}"')
    assert msg.startswith(f"specs/services.yaml:{line}:{col}: TFG211 image {uri!r} is not pinned")
    assert "hint: add a version tag" in msg


def test_image_reference_with_uppercase_path_is_refused(project: Path) -> None:
    path = _add_service(project, "sidecar", '{uri: "docker.io/Library/Redis:7"}')
    [msg] = _messages(project)
    assert msg.startswith(f"specs/services.yaml:{line_of(path, 'Redis')}:")
    assert "TFG103 services.sidecar.image.uri: String should match pattern" in msg


def test_image_with_both_tag_and_uri(project: Path) -> None:
    path = _add_service(project, "sidecar", '{tag: "1.0.0", uri: "docker.io/library/redis:7"}')
    [msg] = _messages(project)
    line, col = line_of(path, "library/redis"), _column(path, '"docker.io')
    assert msg == (
        f"specs/services.yaml:{line}:{col}: TFG228 sidecar's image has both tag and uri; "
        "hint: give a tag in the service's own ECR repository, or the uri of an external image"
    )


def test_image_with_neither_tag_nor_uri(project: Path) -> None:
    path = _add_service(project, "sidecar", "{}")
    [msg] = _messages(project)
    line = line_of(path, "image: {}")
    assert msg.startswith(
        f"specs/services.yaml:{line}:12: TFG228 sidecar's image has neither tag nor uri;"
    )


def test_credentials_need_an_external_image(project: Path) -> None:
    path = _add_service(project, "sidecar", '{tag: "1.0.0", credentials: order-db}')
    [msg] = _messages(project)
    line, col = line_of(path, "credentials: order-db"), _column(path, "order-db}")
    assert msg.startswith(f"specs/services.yaml:{line}:{col}: TFG228 registry credentials apply")


def test_credentials_must_be_a_defined_secret(project: Path) -> None:
    path = _add_service(project, "sidecar", '{uri: "ghcr.io/acme/app:1.0", credentials: nowhere}')
    [msg] = _messages(project)
    line, col = line_of(path, "credentials: nowhere"), _column(path, "nowhere}")
    assert msg.startswith(
        f"specs/services.yaml:{line}:{col}: TFG210 secret 'nowhere' is not defined in secrets"
    )


def test_an_environment_cannot_switch_the_kind_of_image(project: Path) -> None:
    env = project / "environments/staging.yaml"
    env.write_text(
        env.read_text().replace(
            "search-service:\n    scale: {desired: 2, min: 2, max: 6}",
            "search-service:\n    scale: {desired: 2, min: 2, max: 6}\n"
            '    image: {uri: "docker.io/library/search:1.0"}',
        )
    )
    messages = _messages(project)
    line = line_of(env, "library/search")
    # Maps merge: the tag of specs/ stays, so the image has both (and switches kind).
    assert [m.split("; hint:")[0] for m in messages] == [
        f"environments/staging.yaml:{line}:18: TFG228 search-service's image has both tag and uri",
        f"environments/staging.yaml:{line}:18: TFG228 staging gives search-service an external "
        "image where specs/ give an ECR tag",
    ]


# --- runtime, platform name ---------------------------------------------------------------


def test_any_lowercase_runtime_is_accepted(project: Path, edit: Edit) -> None:
    _add_service(project, "ledger", '{tag: "1.0.0"}')
    edit("specs/services.yaml", "  ledger:\n    runtime: python", "  ledger:\n    runtime: elixir")
    assert load_project(project).platform.services["ledger"].runtime == "elixir"


def test_runtime_must_be_a_lowercase_identifier(project: Path, edit: Edit) -> None:
    path = _add_service(project, "ledger", '{tag: "1.0.0"}')
    edit("specs/services.yaml", "ledger:\n    runtime: python", 'ledger:\n    runtime: "Java 17"')
    [msg] = _messages(project)
    assert msg.startswith(f"specs/services.yaml:{line_of(path, 'Java 17')}:14: TFG103")
    assert "hint: use a lowercase identifier, e.g. python, go or elixir" in msg


def test_invalid_platform_name_shows_the_pattern(project: Path, edit: Edit) -> None:
    edit("specs/platform.yaml", "name: bookstore", "name: Book-Store")
    [msg] = _messages(project)
    line = line_of(project / "specs/platform.yaml", "name: Book-Store")
    assert msg == (
        f"specs/platform.yaml:{line}:9: TFG103 platform.name: String should match pattern "
        "'^[a-z][a-z0-9]{1,11}$'; hint: use 2 to 12 characters: a lowercase letter, then "
        "lowercase letters or digits (no hyphens), e.g. acme or shop2 (run `tfgen docs spec`)"
    )


# --- ECS Exec -----------------------------------------------------------------------------


def test_exec_without_nat_needs_the_ssmmessages_endpoint(project: Path, edit: Edit) -> None:
    _add_service(project, "shell", '{tag: "1.0.0"}', "    exec: true\n")
    edit("environments/dev.yaml", "nat_gateways: single", "nat_gateways: none")
    [msg] = _messages(project)
    line = line_of(project / "environments/dev.yaml", "nat_gateways: none")
    assert msg.startswith(f"environments/dev.yaml:{line}:")
    assert "TFG220" in msg and "network.endpoints lacks ssmmessages" in msg


# --- ingress without Route 53 -------------------------------------------------------------


def _without_hostnames(project: Path) -> None:
    for env in ("dev", "staging"):
        path = project / f"environments/{env}.yaml"
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(line for line in lines if "hostname:" not in line))
        if "ingress:\n\n" in path.read_text() or path.read_text().endswith("ingress:\n"):
            path.write_text(path.read_text().replace("ingress:\n", ""))


def _ingress(project: Path, old: str, new: str) -> Path:
    drop_cdn(project)  # its certificate is validated in the zone these tests change
    path = project / "specs/ingress.yaml"
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))
    return path


ZONE = "  hosted_zone: bookstore.example.com\n  hostname: api.bookstore.example.com\n"


def test_certificate_arn_instead_of_a_zone(project: Path) -> None:
    _without_hostnames(project)
    _ingress(project, ZONE, f"  certificate_arn: {ARN}\n")
    ingress = load_project(project).platform.ingress
    assert ingress is not None and ingress.mode == "certificate"


def test_zone_and_certificate_arn_together_are_refused(project: Path) -> None:
    path = _ingress(project, ZONE, ZONE + f"  certificate_arn: {ARN}\n")
    [msg] = _messages(project)
    assert msg.startswith(
        f"specs/ingress.yaml:{line_of(path, 'certificate_arn')}:20: TFG224 ingress needs exactly "
        "one of hosted_zone (with hostname), certificate_arn, or https: false; "
        "found hosted_zone and certificate_arn"
    )


def test_ingress_without_any_tls_source(project: Path) -> None:
    _without_hostnames(project)
    path = _ingress(project, ZONE, "")
    [msg] = _messages(project)
    assert msg.startswith(f"specs/ingress.yaml:{line_of(path, 'tls_policy')}:3: TFG224 ingress")


def test_hosted_zone_needs_a_hostname(project: Path) -> None:
    _without_hostnames(project)
    path = _ingress(project, "  hostname: api.bookstore.example.com\n", "")
    [msg] = _messages(project)
    assert msg.startswith(
        f"specs/ingress.yaml:{line_of(path, 'hosted_zone')}:16: TFG224 ingress with a "
        "hosted_zone needs a hostname"
    )


def test_hostname_without_a_zone_is_refused(project: Path) -> None:
    zone = "  hosted_zone: bookstore.example.com\n"
    path = _ingress(project, zone, f"  certificate_arn: {ARN}\n")
    messages = _messages(project)
    dev = project / "environments/dev.yaml"
    assert [m.split(" (tfgen")[0] for m in messages] == [
        f"environments/dev.yaml:{line_of(dev, 'hostname')}:13: TFG224 hostname is used only "
        "with hosted_zone",
        "environments/staging.yaml:9:13: TFG224 hostname is used only with hosted_zone",
        f"specs/ingress.yaml:{line_of(path, 'hostname')}:13: TFG224 hostname is used only with "
        "hosted_zone",
    ]


def test_certificate_in_another_region(project: Path) -> None:
    _without_hostnames(project)
    other = ARN.replace("eu-west-1", "us-east-1")
    path = _ingress(project, ZONE, f"  certificate_arn: {other}\n")
    [msg] = _messages(project)
    assert msg == (
        f"specs/ingress.yaml:{line_of(path, 'certificate_arn')}:20: TFG225 the certificate is in "
        "us-east-1; a load balancer in eu-west-1 can only use an ACM certificate of eu-west-1; "
        "hint: import or request the certificate in eu-west-1"
    )


def test_http_only_needs_the_tier_to_allow_it(project: Path) -> None:
    _without_hostnames(project)
    path = _ingress(project, ZONE, "  https: false\n")
    messages = _messages(project)
    line = line_of(path, "https: false")
    assert messages == [
        f"specs/ingress.yaml:{line}:10: TFG226 https: false is not allowed in {env} (its "
        "tier.allow_http_only is false); hint: set tier.allow_http_only: true in the "
        "environments that may serve HTTP only, or give a hosted_zone or certificate_arn"
        for env in ("dev", "prod", "staging")
    ]


def test_http_only_where_allowed_is_a_located_warning(project: Path, edit: Edit) -> None:
    _without_hostnames(project)
    path = _ingress(project, ZONE, "  https: false\n")
    platform = project / "specs/platform.yaml"
    platform.write_text(platform.read_text().replace("tier:\n", "tier:\n  allow_http_only: true\n"))
    loaded = load_project(project)
    line = line_of(path, "https: false")
    assert [w.render() for w in loaded.warnings] == [
        f"specs/ingress.yaml:{line}:10: TFG227 the load balancer serves plain HTTP (no TLS): "
        "for development tiers only; hint: give a hosted_zone or certificate_arn before real "
        "traffic reaches it"
    ]
    assert loaded.platform.ingress is not None and loaded.platform.ingress.mode == "http"


def test_the_bookstore_has_no_warnings(repo: Path) -> None:
    assert load_project(repo).warnings == []


def test_external_images_need_nat(project: Path, edit: Edit) -> None:
    _add_service(project, "sidecar", '{uri: "docker.io/library/redis:7"}')
    edit("environments/dev.yaml", "nat_gateways: single", "nat_gateways: none")
    [msg] = _messages(project)
    line = line_of(project / "environments/dev.yaml", "nat_gateways: none")
    assert msg.startswith(
        f"environments/dev.yaml:{line}:17: TFG220 without NAT gateways tasks cannot pull "
        "external images (no VPC endpoint reaches other registries): sidecar; hint:"
    )


def test_spec_reference_shows_the_patterns() -> None:
    from tfgen.spec.reference import render  # noqa: PLC0415

    lines = render().splitlines()
    [name] = [line for line in lines if line.startswith("| `name` | str | **required**")]
    assert name.endswith("Pattern: `^[a-z][a-z0-9]{1,11}$`. |")
    [services] = [line for line in lines if line.startswith("| `services` |")]
    assert services.endswith("Keys: `^[a-z][a-z0-9]*(-[a-z0-9]+)*$`. |")
    [runtime] = [line for line in lines if line.startswith("| `runtime` |")]
    assert "known: dotnet, go, java, node" in runtime and "Pattern: `^[a-z]" in runtime
