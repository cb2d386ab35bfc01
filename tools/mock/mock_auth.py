"""OAuth side of the mock (spec section 2): /authorize, /api/token, token bookkeeping.

All methods are called with the server's state lock held.
"""

import base64
import hashlib
import secrets
import time
from urllib.parse import urlencode, urlsplit

CODE_LIFETIME = 600
LOOPBACK = ("127.0.0.1", "::1")


def _tok(prefix, n=40):
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(n))


def s256(verifier):
    d = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(d).decode().rstrip("=")


class TokenError(Exception):
    def __init__(self, error, description, status=400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


class Auth:
    def __init__(self, client_id, client_secret, redirect_uris):
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = list(redirect_uris)
        self.codes = {}
        self.access = {}
        self.refresh = {}
        self.issued = {"access": 0, "refresh": 0}
        self.refreshes = 0

    def reset_counters(self):
        self.issued = {"access": 0, "refresh": 0}
        self.refreshes = 0

    def clear_tokens(self):
        self.codes.clear()
        self.access.clear()
        self.refresh.clear()

    # ------------------------------------------------------------ redirect URIs (2.6)
    def redirect_ok(self, uri):
        try:
            u = urlsplit(uri)
            port = u.port
        except ValueError:
            return False
        if u.scheme not in ("http", "https") or not u.hostname or u.fragment:
            return False
        host = u.hostname.lower()
        if host == "localhost" or host.endswith(".localhost"):
            return False
        if u.scheme == "http" and host not in LOOPBACK:
            return False
        for reg in self.redirect_uris:
            r = urlsplit(reg)
            if (r.scheme, (r.hostname or "").lower(), r.path, r.query) != (u.scheme, host, u.path, u.query):
                continue
            if r.port is None and r.hostname in LOOPBACK:
                return True
            if r.port == port:
                return True
        return False

    # ------------------------------------------------------------ /authorize
    def authorize(self, q, cfg):
        """Returns (status, headers, text). q: dict of single query values."""
        if q.get("client_id") != self.client_id:
            return 400, {}, "INVALID_CLIENT: Invalid client"
        ru = q.get("redirect_uri")
        if not ru or not self.redirect_ok(ru):
            return 400, {}, "INVALID_CLIENT: Invalid redirect URI"
        a = cfg.get("authorize") or {}
        state = q.get("state")
        mode = a.get("state", "echo")
        if state is not None and mode == "alter":
            state += "-x"
        elif mode == "drop":
            state = None

        def back(params):
            if state is not None:
                params["state"] = state
            sep = "&" if "?" in ru else "?"
            return 302, {"Location": ru + sep + urlencode(params)}, ""

        if q.get("response_type") != "code":
            return back({"error": "unsupported_response_type"})
        method, challenge = q.get("code_challenge_method"), q.get("code_challenge")
        if (method or challenge) and (method != "S256" or not challenge):
            return back({"error": "invalid_request"})
        if a.get("deny"):
            return back({"error": "access_denied"})
        scope = cfg.get("grant_scope")
        if scope is None:
            scope = " ".join(q.get("scope", "").split())
        code = _tok("AQD", 60)
        self.codes[code] = {"redirect_uri": ru, "scope": scope, "challenge": challenge,
                            "expires": time.time() + CODE_LIFETIME, "used": False}
        return back({"code": code})

    # ------------------------------------------------------------ /api/token
    def _client(self, headers, form):
        """Returns (client_id, secret_given_ok). Raises TokenError."""
        cid, secret = None, None
        h = headers.get("Authorization")
        if h:
            parts = h.split(None, 1)
            if len(parts) != 2 or parts[0].lower() != "basic":
                raise TokenError("invalid_client", "Invalid client")
            try:
                cid, secret = base64.b64decode(parts[1], validate=True).decode().split(":", 1)
            except Exception:
                raise TokenError("invalid_client", "Invalid client")
        else:
            cid, secret = form.get("client_id"), form.get("client_secret")
        if cid != self.client_id:
            raise TokenError("invalid_client", "Invalid client")
        if secret is not None and secret != self.client_secret:
            raise TokenError("invalid_client", "Invalid client secret")
        return secret is not None

    def issue(self, cfg, scope, user=True, refresh=True, pkce=False, auth_time=None):
        now = time.time()
        at = _tok("BQ", 100)
        self.access[at] = {"scope": set(scope.split()), "user": user, "issued": now,
                           "expires": now + float(cfg["access_token_ttl"])}
        self.issued["access"] += 1
        out = {"access_token": at, "token_type": "Bearer", "expires_in": int(cfg["access_token_ttl"])}
        if user:
            out["scope"] = scope
        if refresh:
            rt = _tok("AQ", 120)
            self.refresh[rt] = {"scope": scope, "pkce": pkce, "auth_time": auth_time or now, "revoked": False}
            self.issued["refresh"] += 1
            out["refresh_token"] = rt
        return out

    def token(self, headers, form, cfg):
        """Returns the 200 JSON dict or raises TokenError."""
        gt = form.get("grant_type")
        if not gt:
            raise TokenError("unsupported_grant_type", "grant_type parameter is missing")
        if gt not in ("authorization_code", "refresh_token", "client_credentials"):
            raise TokenError("unsupported_grant_type", "Unsupported grant type")
        has_secret = self._client(headers, form)
        now = time.time()
        if gt == "authorization_code":
            c = self.codes.get(form.get("code") or "")
            if c is None or c["used"]:
                raise TokenError("invalid_grant", "Invalid authorization code")
            if now > c["expires"]:
                raise TokenError("invalid_grant", "Authorization code expired")
            if form.get("redirect_uri") != c["redirect_uri"]:
                raise TokenError("invalid_grant", "Invalid redirect URI")
            if c["challenge"]:
                v = form.get("code_verifier")
                if not v:
                    raise TokenError("invalid_request", "code_verifier required")
                if s256(v) != c["challenge"]:
                    raise TokenError("invalid_grant", "code_verifier was incorrect")
            elif not has_secret:
                raise TokenError("invalid_client", "Invalid client")
            c["used"] = True
            return self.issue(cfg, c["scope"], pkce=bool(c["challenge"]), auth_time=now)
        if gt == "refresh_token":
            rt = form.get("refresh_token")
            if not rt:
                raise TokenError("invalid_request", "refresh_token must be supplied")
            r = self.refresh.get(rt)
            if r is None:
                raise TokenError("invalid_grant", "Invalid refresh token")
            if r["revoked"]:
                raise TokenError("invalid_grant", "Refresh token revoked")
            if now > r["auth_time"] + float(cfg["refresh_token_ttl"]):
                raise TokenError("invalid_grant", "Refresh token expired")
            if not r["pkce"] and not has_secret:
                raise TokenError("invalid_client", "Invalid client")
            self.refreshes += 1
            rotate = bool(cfg.get("rotate_refresh"))
            out = self.issue(cfg, r["scope"], refresh=rotate, pkce=r["pkce"], auth_time=r["auth_time"])
            if rotate:
                del self.refresh[rt]
            return out
        if not has_secret:
            raise TokenError("invalid_client", "Invalid client")
        return self.issue(cfg, "", user=False, refresh=False)

    # ------------------------------------------------------------ API side (2.8)
    def check(self, header):
        """Returns (token_info, None) or (None, message) for a 401."""
        if not header:
            return None, "No token provided"
        parts = header.split(None, 1)
        if len(parts) != 2 or parts[0].lower() != "bearer":
            return None, "Only valid bearer authentication supported"
        t = self.access.get(parts[1].strip())
        if t is None:
            return None, "Invalid access token"
        if time.time() >= t["expires"]:
            return None, "The access token expired"
        return t, None

    def revoke(self, access=False):
        for r in self.refresh.values():
            r["revoked"] = True
        if access:
            self.access.clear()

    def expire(self):
        now = time.time()
        for t in self.access.values():
            t["expires"] = min(t["expires"], now - 1)
