"""Renders the gateway's nginx configuration from deploy/nginx/nginx.conf.template."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from deploy.local.paths import DEPLOY, REPO

TEMPLATE = DEPLOY / "nginx" / "nginx.conf.template"
COMPOSE_CONF = DEPLOY / "nginx" / "compose.conf"
COMPOSE_PORTS = {
    "profile": 8101, "diagnosis": 8102, "advice": 8103, "pledges": 8104, "followup": 8105, "partners": 8106,
}
WEB_ROOT = REPO / "web"
COMPOSE_WEB_ROOT = Path("/srv/bob-web")  # where docker-compose.yml mounts web/
EVENTS_ROOT = REPO / "shared" / "messaging" / "published"
COMPOSE_EVENTS_ROOT = Path("/srv/bob-events")  # where docker-compose.yml mounts the published catalogue
# Sign-in requests (/api/v1/auth/) per minute and per client address. Each one may send an email, so the
# limit is far below the general one; tests, which sign many people in from 127.0.0.1, raise it.
SIGNIN_RATE_PER_MINUTE = 5


def render(
    *, listen: str, upstreams: Mapping[str, str], state_dir: Path, rate_per_second: int, run_as_root: bool,
    status_listen: str, signin_rate_per_minute: int = SIGNIN_RATE_PER_MINUTE, web_root: Path = WEB_ROOT,
    events_root: Path = EVENTS_ROOT,
) -> str:
    """`upstreams`: each service's API and `prometheus`; `status_listen`: nginx's stub_status, for its exporter."""
    return TEMPLATE.read_text().format(
        user_directive="user root;" if run_as_root else "",
        state_dir=state_dir,
        listen=listen,
        status_listen=status_listen,
        rate_per_second=rate_per_second,
        rate_burst=rate_per_second * 2,
        signin_rate_per_minute=signin_rate_per_minute,
        signin_burst=signin_rate_per_minute,  # a minute's worth at once: a typo'd address, a second tab
        web_root=web_root,
        events_root=events_root,
        **{f"{name}_upstream": address for name, address in upstreams.items()},
    )


def render_for_compose() -> str:
    """The same gateway for docker-compose, where each service is a host named <service>-api."""
    return render(
        listen="0.0.0.0:8000",
        upstreams={name: f"{name}-api:{port}" for name, port in COMPOSE_PORTS.items()}
        | {"prometheus": "prometheus:9090"},
        status_listen="8081",  # on the compose network only: the port is not published
        state_dir=Path("/tmp/gateway"),
        rate_per_second=200,
        run_as_root=False,
        web_root=COMPOSE_WEB_ROOT,
        events_root=COMPOSE_EVENTS_ROOT,
    )


if __name__ == "__main__":
    COMPOSE_CONF.write_text(render_for_compose())
