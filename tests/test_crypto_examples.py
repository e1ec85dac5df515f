"""README's three worked examples (section "Worked examples: webhooks and JWTs"), run as
they are written there: a webhook HMAC, a Google service-account JWT (RS256), an Apple
ES256 token. Keys come from Node (the pinned Node 24 and the same jose package), and what
the examples make is checked in Node; tampered inputs must fail."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from pathlib import Path
from typing import Any

import pytest

from compat.conftest import run_in_node
from conftest import CodeBlockClient

ROOT = Path(__file__).resolve().parents[1]


def _examples() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Worked examples: webhooks and JWTs", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"```js\n(.*?)```", section, re.S)


WEBHOOK, GOOGLE, APPLE = _examples()

# An RSA service-account key and an Apple-like ES256 key set with a token, made in Node.
NODE_KEYS = """
const jose = require('jose');
const sa = await jose.generateKeyPair('RS256', { extractable: true });
const apple = await jose.generateKeyPair('ES256', { extractable: true });
const other = await jose.generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await jose.exportJWK(apple.publicKey)), kid: 'apple-kid-1', alg: 'ES256', use: 'sig' };
const otherJwk = { ...(await jose.exportJWK(other.publicKey)), kid: 'apple-kid-2', alg: 'ES256', use: 'sig' };
const now = Math.floor(Date.now() / 1000);
const token = (aud, key, kid) => new jose.SignJWT({ email: 'user@example.com', email_verified: true })
  .setProtectedHeader({ alg: 'ES256', kid }).setIssuer('https://appleid.apple.com').setAudience(aud)
  .setSubject('001234.abcdef').setIssuedAt(now).setExpirationTime(now + 600).sign(key);
return {
  serviceAccount: { client_email: 'robot@project.iam.gserviceaccount.com', private_key_id: 'k1',
    private_key: await jose.exportPKCS8(sa.privateKey) },
  spki: await jose.exportSPKI(sa.publicKey),
  appleKeys: { keys: [otherJwk, jwk] },
  idToken: await token('com.example.app', apple.privateKey, 'apple-kid-1'),
  wrongAudience: await token('com.example.other', apple.privateKey, 'apple-kid-1'),
  wrongKey: await token('com.example.app', other.privateKey, 'apple-kid-1'),
};
"""


@pytest.fixture(scope="module")
def keys() -> dict[str, Any]:
    [outcome] = run_in_node([{"code": NODE_KEYS, "input": {}}])
    assert outcome["ok"], outcome
    made: dict[str, Any] = json.loads(outcome["result"])
    return made


def test_three_examples_found() -> None:
    assert "crypto.subtle.verify('HMAC'" in WEBHOOK
    assert "SignJWT" in GOOGLE and "RS256" in GOOGLE
    assert "createLocalJWKSet" in APPLE and "ES256" in APPLE


def test_webhook_hmac(cb1: CodeBlockClient) -> None:
    body = json.dumps({"action": "opened", "number": 7})
    secret = "webhook secret"
    signature = "sha256=" + hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    assert cb1.ok(WEBHOOK, {"body": body, "signature": signature, "secret": secret}) == {
        "valid": True, "event": {"action": "opened", "number": 7}}
    tampered = body.replace("7", "8")
    refused = {"valid": False, "event": None}
    assert cb1.ok(WEBHOOK, {"body": tampered, "signature": signature, "secret": secret}) == refused
    assert cb1.ok(WEBHOOK, {"body": body, "signature": signature, "secret": "other"})["valid"] is False
    assert cb1.ok(WEBHOOK, {"body": body, "signature": "sha256=zz", "secret": secret})["valid"] is False


def test_google_service_account_jwt(cb1: CodeBlockClient, keys: dict[str, Any]) -> None:
    made = cb1.ok(GOOGLE, {"serviceAccount": keys["serviceAccount"]})
    assert made["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    check = (
        "const jose = require('jose'); const key = await jose.importSPKI(input.spki, 'RS256');\n"
        "const { payload, protectedHeader } = await jose.jwtVerify(input.assertion, key, {\n"
        "  issuer: 'robot@project.iam.gserviceaccount.com', audience: 'https://oauth2.googleapis.com/token' });\n"
        "return [protectedHeader, payload.scope, payload.exp - payload.iat]"
    )
    [outcome] = run_in_node([{"code": check, "input": {"spki": keys["spki"], "assertion": made["assertion"]}}])
    assert outcome["ok"], outcome
    assert json.loads(outcome["result"]) == [{"alg": "RS256", "typ": "JWT", "kid": "k1"},
                                             "https://www.googleapis.com/auth/spreadsheets.readonly", 3600]
    # A bad key file fails with jose's error, not a wrong token.
    status, body = cb1.run(GOOGLE, {"serviceAccount": {**keys["serviceAccount"], "private_key": "not a key"}})
    assert status == 400 and body["error"]["name"] == "TypeError", body


def test_apple_es256_token(cb1: CodeBlockClient, keys: dict[str, Any]) -> None:
    given = {"appleKeys": keys["appleKeys"], "clientId": "com.example.app"}
    assert cb1.ok(APPLE, {**given, "idToken": keys["idToken"]}) == {
        "user": "001234.abcdef", "email": "user@example.com", "kid": "apple-kid-1"}
    status, body = cb1.run(APPLE, {**given, "idToken": keys["wrongAudience"]})
    assert status == 400 and body["error"]["message"] == 'unexpected "aud" claim value', body
    status, body = cb1.run(APPLE, {**given, "idToken": keys["wrongKey"]})
    assert status == 400 and body["error"]["message"] == "signature verification failed", body
