"""Renders the gateway's nginx configuration from deploy/nginx/nginx.conf.template."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from deploy.local.paths import DEPLOY

TEMPLATE = DEPLOY / "nginx" / "nginx.conf.template"
COMPOSE_CONF = DEPLOY / "nginx" / "compose.conf"
COMPOSE_PORTS = {"profile": 8101, "diagnosis": 8102, "advice": 8103, "pledges": 8104, "followup": 8105}


def render(
    *, listen: str, upstreams: Mapping[str, str], state_dir: Path, rate_per_second: int, run_as_root: bool
) -> str:
    return TEMPLATE.read_text().format(
        user_directive="user root;" if run_as_root else "",
        state_dir=state_dir,
        listen=listen,
        rate_per_second=rate_per_second,
        rate_burst=rate_per_second * 2,
        **{f"{name}_upstream": address for name, address in upstreams.items()},
    )


def render_for_compose() -> str:
    """The same gateway for docker-compose, where each service is a host named <service>-api."""
    return render(
        listen="0.0.0.0:8000",
        upstreams={name: f"{name}-api:{port}" for name, port in COMPOSE_PORTS.items()},
        state_dir=Path("/tmp/gateway"),
        rate_per_second=200,
        run_as_root=False,
    )


if __name__ == "__main__":
    COMPOSE_CONF.write_text(render_for_compose())
