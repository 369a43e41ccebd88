"""Checks against HQ: reachable, TLS, protocol, token accepted, clock skew.

Each exchange is bounded by ``Context.hq_timeout``; with ``Context.offline`` they are
reported as not checked rather than waited for.
"""

from __future__ import annotations

import socket
import ssl
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from store_client.doctor.result import CheckResult, Context, fail, ok, warn

SKEW_WARN = timedelta(minutes=2)
SKEW_FAIL = timedelta(minutes=15)
CERT_WARN = timedelta(days=14)
NETWORK_FIX = ("check the network cable/Wi-Fi, that HQ's address is right, and that a firewall "
               "lets this PC reach it; the till keeps selling offline meanwhile")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def check_hq(ctx: Context) -> list[CheckResult]:
    """hq.reachable, hq.tls, hq.protocol, hq.token and clock, from two small exchanges."""
    from sync.terminal.credentials import CredentialsMissing, token_store
    from sync.terminal.transport import HQClient, ProtocolMismatch, TransientError

    config = ctx.config
    url = config["hq.url"]
    names = ("hq.reachable", "hq.tls", "hq.protocol", "hq.token", "clock")
    if not url:
        return [ok(name, "no HQ configured (offline by configuration)") for name in names]
    if ctx.offline:
        return [warn(name, "not checked (--offline)", "run 'store-client doctor' without --offline")
                for name in names]
    results: list[CheckResult] = []
    try:
        token = token_store(config).load()
    except CredentialsMissing:
        token = None
    client = HQClient(url, token or "-", timeout=ctx.hq_timeout)
    try:
        try:
            client.get_time()
        except ProtocolMismatch as exc:
            results += [ok("hq.reachable", f"{url} answers"), _tls(url, ctx.hq_timeout),
                        fail("hq.protocol", str(exc), "upgrade whichever side the message names",
                             code=exc.code)]
            return results + _not_checked(("hq.token", "clock"), "HQ refuses this till's protocol")
        except TransientError as exc:
            text = str(exc)
            if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
                return [ok("hq.reachable", f"{url} answers"),
                        fail("hq.tls", f"the TLS certificate of {url} is not valid ({text})",
                             "have HQ's certificate renewed or fixed; check the PC's date"),
                        *_not_checked(("hq.protocol", "hq.token", "clock"), "TLS failed")]
            return [fail("hq.reachable", f"cannot reach HQ at {url}: {text}", NETWORK_FIX),
                    *_not_checked(names[1:], "HQ is not reachable")]
        results += [ok("hq.reachable", f"{url} answers"), _tls(url, ctx.hq_timeout),
                    ok("hq.protocol", "HQ accepts this till's sync protocol")]
        results.append(_clock(client.skew))
        results.insert(3, _token(client, token, config))
    finally:
        client.close()
    return results


def _not_checked(names: tuple[str, ...], why: str) -> list[CheckResult]:
    return [warn(name, f"not checked: {why}", "fix the check above first") for name in names]


def _token(client, token: str | None, config) -> CheckResult:  # type: ignore[no-untyped-def]
    from sync.terminal.transport import TransientError

    reprovision = ("ask HQ's admin for a new enrollment code and run 'store-client provision "
                   "--hq URL --code CODE' again")
    if token is None:
        return fail("hq.token", "no HQ token on this PC (see the keyring check)", reprovision)
    try:
        who = client.get_whoami()
    except TransientError as exc:
        if "401" in str(exc) or "403" in str(exc):
            return fail("hq.token", "HQ does not accept this terminal's token (revoked or "
                        "replaced)", reprovision)
        return warn("hq.token", f"not checked: {exc}", NETWORK_FIX)
    mine = (config.store_id, config.terminal_id)
    theirs = (who.get("store_id"), who.get("terminal_id")) if isinstance(who, dict) else None
    if theirs != mine:
        return fail("hq.token", f"HQ takes this token for terminal {theirs}, the configuration "
                    f"says {mine[0]}/{mine[1]}", reprovision)
    return ok("hq.token", f"HQ accepts the token of terminal {mine[0]}/{mine[1]}")


def _clock(skew: timedelta | None) -> CheckResult:
    if skew is None:
        return warn("clock", "HQ did not say its time", "upgrade HQ")
    seconds = skew.total_seconds()
    what = f"this PC's clock is {abs(seconds):.1f} s {'behind' if seconds > 0 else 'ahead of'} HQ"
    fix = ("turn on automatic time (Windows: Settings > Time > Set time automatically; Linux: "
           "timedatectl set-ntp true); receipts and shift times use this clock")
    if abs(skew) >= SKEW_FAIL:
        return fail("clock", what, fix, skew_s=seconds)
    if abs(skew) >= SKEW_WARN:
        return warn("clock", what, fix, skew_s=seconds)
    return ok("clock", what, skew_s=seconds)


def _tls(url: str, timeout: float) -> CheckResult:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "https":
        if host in LOOPBACK:
            return ok("hq.tls", "HQ on this PC (loopback): no TLS needed")
        return warn("hq.tls", f"{url} is plain HTTP: the token and sales cross the network "
                    "unencrypted", "use HQ's https:// address")
    from sync.terminal.transport import shared_ssl_context

    try:
        with socket.create_connection((host, parts.port or 443), timeout=timeout) as raw, \
                shared_ssl_context().wrap_socket(raw, server_hostname=host) as tls:
            cert = tls.getpeercert() or {}
    except (ssl.SSLError, ssl.CertificateError) as exc:
        return fail("hq.tls", f"the TLS certificate of {host} is not valid ({exc})",
                    "have HQ's certificate renewed or fixed; check the PC's date")
    except OSError as exc:
        return warn("hq.tls", f"TLS not checked: {exc}", NETWORK_FIX)
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(cert["notAfter"]), UTC) \
        if "notAfter" in cert else None
    if expires is not None and expires - datetime.now(UTC) < CERT_WARN:
        return warn("hq.tls", f"HQ's certificate expires {expires:%Y-%m-%d}",
                    "have HQ renew its certificate before then", expires=expires.isoformat())
    return ok("hq.tls", "HQ's certificate is valid" +
              (f" until {expires:%Y-%m-%d}" if expires else ""))
