"""The workspace behind Debian's nginx with TLS, configured by the shipped site file.

nginx runs as an unprivileged-config instance of its own (``nginx -c`` a config in a tmp folder, its pid,
logs and temporary files there, no master process, listening on 127.0.0.1 and a free port), whose ``http``
block includes ``deploy/nginx/handle-docs-log-format.conf`` as shipped and ``deploy/nginx/handle-docs.conf``
with only its machine-specific lines changed: the listening addresses, the certificate's paths, the
access log's path and the ``proxy_pass`` port (each change is counted, so a shipped file that no longer has
the line fails here). Everything else - HSTS, ``client_max_body_size``, the timeouts, the proxy headers -
is the shipped file's. The certificate is made by the test (a CA and a server certificate for 127.0.0.1).

The workspace is started as make serve starts it (tests/browser.started: the serve command line, relative
folders), with ``--public-url https://127.0.0.1:<port>`` and ``--trusted-proxy 127.0.0.1``. Clients connect
from other loopback addresses (127.0.0.2, ...), so the client's address differs from the proxy's.

Skipped, naming the package, when nginx is not installed (make test installs nginx-light).
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from handle_docs.identity import audit
from handle_docs.identity.throttle import ADDRESS_FREE_FAILURES
from tests.browser import copy_sample, started
from tests.conftest import ROOT
from tests.deployment import add_accounts, client, csrf, few_rows, make_run, sign_in

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed: install the Debian package nginx-light (make test does)"
)

SITE = ROOT / "deploy" / "nginx" / "handle-docs.conf"
LOG_FORMAT = ROOT / "deploy" / "nginx" / "handle-docs-log-format.conf"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a server certificate for 127.0.0.1 it signed: (CA file, server certificate, server key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "handle-docs test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "server.pem").write_bytes(cert.public_bytes(pem))
    (folder / "server.key").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder / "ca.pem", folder / "server.pem", folder / "server.key"


def replace(text: str, pattern: str, new: str, count: int) -> str:
    """``text`` with the lines matching ``pattern`` replaced, insisting there are ``count`` of them."""
    changed, made = re.subn(pattern, new, text, flags=re.MULTILINE)
    assert made == count, f"{SITE.name}: expected {count} line(s) matching {pattern!r}, found {made}"
    return changed


def site_for_test(folder: Path, https_port: int, http_port: int, upstream: int, cert: Path, key: Path) -> str:
    """The shipped site file with only its machine-specific lines changed (each change counted)."""
    text = SITE.read_text(encoding="utf-8")
    text = replace(text, r"^(\s*)listen 80;$", rf"\1listen 127.0.0.1:{http_port};", 1)
    text = replace(text, r"^(\s*)listen 443 ssl http2;$", rf"\1listen 127.0.0.1:{https_port} ssl http2;", 1)
    text = replace(text, r"^\s*listen \[::\]:(80|443)\b.*;\n", "", 2)  # no IPv6 needed on the test's loopback
    text = replace(text, r"^(\s*)ssl_certificate\s+(\S+);$", rf"\1ssl_certificate {cert};", 1)
    text = replace(text, r"^(\s*)ssl_certificate_key\s+(\S+);$", rf"\1ssl_certificate_key {key};", 1)
    text = replace(
        text,
        r"^(\s*)access_log /var/log/nginx/handle-docs.access.log (\S+);$",
        rf"\1access_log {folder / 'access.log'} \2;",
        1,
    )
    text = replace(
        text, r"^(\s*)proxy_pass http://127\.0\.0\.1:8000;$", rf"\1proxy_pass http://127.0.0.1:{upstream};", 1
    )
    return text


def nginx_config(folder: Path, site: str) -> Path:
    """A whole nginx configuration running as the invoking user, everything in ``folder``."""
    (folder / "site.conf").write_text(site, encoding="utf-8")
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / temp).mkdir()
    config = folder / "nginx.conf"
    config.write_text(
        f"""
master_process off;
daemon off;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {folder / "body"};
    proxy_temp_path {folder / "proxy"};
    fastcgi_temp_path {folder / "fastcgi"};
    uwsgi_temp_path {folder / "uwsgi"};
    scgi_temp_path {folder / "scgi"};
    include {LOG_FORMAT};
    include {folder / "site.conf"};
}}
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory):
    root = tmp_path_factory.mktemp("behind-nginx")
    copy_sample(root)
    add_accounts(root, olu="officer", ada="admin")
    tls = tmp_path_factory.mktemp("tls")
    ca, cert, key = certificates(tls)
    https_port, http_port = free_port(), free_port()
    public = f"https://127.0.0.1:{https_port}"
    with started(root, "--public-url", public, "--trusted-proxy", "127.0.0.1") as plain:
        upstream = int(plain.rsplit(":", 1)[1])
        folder = tmp_path_factory.mktemp("nginx")
        config = nginx_config(folder, site_for_test(folder, https_port, http_port, upstream, cert, key))
        check = subprocess.run(
            [NGINX, "-t", "-c", str(config), "-e", str(folder / "error.log")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert check.returncode == 0, check.stderr
        nginx = subprocess.Popen(
            [NGINX, "-c", str(config), "-e", str(folder / "error.log")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                    break
                except OSError:
                    assert nginx.poll() is None, nginx.stderr.read().decode()
                    assert time.monotonic() < deadline, "nginx did not start listening"
                    time.sleep(0.1)
            yield {
                "url": public,
                "http": f"http://127.0.0.1:{http_port}",
                "ca": ca,
                "root": root,
                "instance": root / "instance",
                "folder": folder,
            }
        finally:
            nginx.terminate()
            nginx.wait(timeout=20)


def test_plain_http_is_sent_to_https_and_every_response_has_hsts(behind_nginx):
    session = client("127.0.0.2", behind_nginx["ca"])
    plain = session.get(f"{behind_nginx['http']}/sign-in", allow_redirects=False, timeout=60)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://"), plain.headers
    page = session.get(f"{behind_nginx['url']}/sign-in", timeout=60)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    deadline = time.monotonic() + 120  # the worker beats once it has started (a few seconds after serve)
    while True:
        health = session.get(f"{behind_nginx['url']}/healthz", timeout=60)
        assert health.status_code in (200, 503) and health.headers["Content-Type"] == "application/json"
        if health.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert health.status_code == 200, health.text
    assert health.json()["status"] == "ok" and health.json()["checks"]["worker"]["last_heartbeat"]


def test_sign_in_upload_make_and_download_over_https_with_secure_cookies_and_the_real_client_address(
    behind_nginx,
):
    base, instance = behind_nginx["url"], behind_nginx["instance"]
    session = client("127.0.0.2", behind_nginx["ca"])
    signed = sign_in(
        session,
        base,
        "olu",
        **{"X-Forwarded-For": "10.9.9.9", "X-Real-IP": "10.9.9.9", "Forwarded": "for=10.9.9.9"},
    )
    assert signed.status_code == 303, signed.text
    cookies = signed.headers.get("Set-Cookie", "")
    session_cookie = [c for c in signed.raw.headers.getlist("Set-Cookie") if "handle_docs_session=" in c]
    assert len(session_cookie) == 1, cookies
    assert session_cookie[0].startswith("__Host-handle_docs_session="), session_cookie
    assert "; Secure" in session_cookie[0] and "HttpOnly" in session_cookie[0], session_cookie
    # the forged X-Forwarded-For is replaced by nginx ($remote_addr) and only nginx is believed by serve
    last = [e for e in audit.entries(instance) if e.event == audit.SIGNED_IN][-1]
    assert (last.account, last.address) == ("olu", "127.0.0.2")

    # an upload larger than nginx's default 1 MB passes nginx (client_max_body_size 250m) and reaches the workspace
    rows = few_rows(3)
    padded = rows + b"\n" * (3 * 1024 * 1024)
    token = csrf(session, f"{base}/runs/")
    response = session.post(
        f"{base}/runs/",
        data={"csrf_token": token},
        files={"records": ("records.csv", padded, "text/csv")},
        allow_redirects=False,
        timeout=120,
    )
    assert response.status_code != 413 and "nginx" not in response.text, (
        response.status_code,
        response.text[:300],
    )

    pdf = make_run(session, base, rows)
    assert pdf.content.startswith(b"%PDF-"), pdf.headers
    assert pdf.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_forged_x_forwarded_for_does_not_escape_the_throttle(behind_nginx):
    """Failed sign-ins from one client, each with a different forged X-Forwarded-For and a different account id,
    are counted against that client's own address: after the address's free failures it must wait; another
    client (another address behind the same proxy) can still sign in."""
    base = behind_nginx["url"]
    guesser = client("127.0.0.3", behind_nginx["ca"])
    codes = [
        sign_in(
            guesser, base, f"nobody-{n}", "a wrong password here", **{"X-Forwarded-For": f"10.0.{n}.1"}
        ).status_code
        for n in range(ADDRESS_FREE_FAILURES)
    ]
    assert set(codes) == {401}, codes
    refused = sign_in(
        guesser, base, "nobody-else", "a wrong password here", **{"X-Forwarded-For": "10.1.1.1"}
    )
    assert refused.status_code == 429, refused.text[:300]
    entries = [e for e in audit.entries(behind_nginx["instance"]) if e.address == "127.0.0.3"]
    assert len(entries) == ADDRESS_FREE_FAILURES + 1
    assert not [e for e in audit.entries(behind_nginx["instance"]) if (e.address or "").startswith("10.")]
    other = client("127.0.0.4", behind_nginx["ca"])
    assert sign_in(other, base, "ada").status_code == 303


def test_nginx_logs_no_query_string(behind_nginx):
    session = client("127.0.0.2", behind_nginx["ca"])
    session.get(f"{behind_nginx['url']}/sign-in?postcode=ZZ1+7HD", timeout=60)
    time.sleep(0.5)
    log = (behind_nginx["folder"] / "access.log").read_text(encoding="utf-8")
    assert "GET /sign-in HTTP" in log
    assert "ZZ1" not in log and "postcode" not in log
    served = (behind_nginx["root"] / "serve.log").read_text(encoding="utf-8")
    assert "GET /sign-in 200" in served, served[-2000:]
    assert "ZZ1" not in served and "postcode" not in served
