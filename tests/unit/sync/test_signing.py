"""Signed tokens: what any store can check offline, and every way a forgery is refused."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.protocol.signing import (MAX_TOKEN, SignatureError, SigningKey, key_id, public_key, verify)

NOW = 1_800_000_000


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate("S001-T01-1")


def keys_of(*signers: SigningKey):
    return {k.kid: public_key(k.public) for k in signers}


def test_round_trip_with_a_published_key(key):
    token = key.sign({"store": "S001", "exp": NOW + 60, "note": "会员"})
    assert verify(token, keys_of(key), now=NOW) == {"store": "S001", "exp": NOW + 60, "note": "会员"}
    assert key_id(token) == "S001-T01-1"


def test_a_key_survives_being_stored_and_loaded(key):
    again = SigningKey.from_raw(key.kid, key.raw())
    assert again.public == key.public
    assert verify(again.sign({"a": 1}), keys_of(key), now=NOW) == {"a": 1}


def _swap_claims(token: str, claims: dict) -> str:
    v, kid, _body, sig = token.split(".")
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return ".".join([v, kid, body, sig])


def test_altered_claims_are_refused(key):
    token = key.sign({"amount": 100})
    with pytest.raises(SignatureError) as refused:
        verify(_swap_claims(token, {"amount": 10000}), keys_of(key), now=NOW)
    assert refused.value.code == "sig.bad_signature"


def test_a_token_signed_by_another_key_under_this_kid_is_refused(key):
    impostor = SigningKey.generate(key.kid)
    with pytest.raises(SignatureError) as refused:
        verify(impostor.sign({"a": 1}), keys_of(key), now=NOW)
    assert refused.value.code == "sig.bad_signature"


def test_a_swapped_key_id_is_refused(key):
    other = SigningKey.generate("S002-T01-1")
    v, _kid, body, sig = key.sign({"a": 1}).split(".")
    with pytest.raises(SignatureError) as refused:
        verify(".".join([v, other.kid, body, sig]), keys_of(key, other), now=NOW)
    assert refused.value.code == "sig.bad_signature"


def test_unknown_keys_are_refused(key):
    with pytest.raises(SignatureError) as refused:
        verify(key.sign({}), {}, now=NOW)
    assert refused.value.code == "sig.unknown_key"


@pytest.mark.parametrize("now,ok", [(NOW + 60 + 30, True), (NOW + 60 + 31, False)])
def test_expiry_has_a_small_leeway_and_no_more(key, now, ok):
    token = key.sign({"exp": NOW + 60})
    if ok:
        verify(token, keys_of(key), now=now)
    else:
        with pytest.raises(SignatureError) as refused:
            verify(token, keys_of(key), now=now)
        assert refused.value.code == "sig.expired"


def test_not_yet_valid_and_malformed_times_are_refused(key):
    with pytest.raises(SignatureError) as early:
        verify(key.sign({"nbf": NOW + 100}), keys_of(key), now=NOW)
    assert early.value.code == "sig.not_yet_valid"
    for bad in ("soon", 1.5, True):
        with pytest.raises(SignatureError) as refused:
            verify(key.sign({"exp": bad}), keys_of(key), now=NOW)
        assert refused.value.code == "sig.malformed"


@pytest.mark.parametrize("token", ["", "v1", "v1.a.b", "v2.k.e30.AAAA", "v1.k.e30.AAAA.x", "v1..e30.AAAA",
                                   "v1.k!.e30.AAAA", "v1.k.%%%.AAAA", "v1.k.e30.A", "x" * (MAX_TOKEN + 1)])
def test_garbage_is_malformed_not_a_crash(key, token):
    with pytest.raises(SignatureError) as refused:
        verify(token, keys_of(key), now=NOW)
    assert refused.value.code in {"sig.malformed", "sig.bad_kid", "sig.unknown_key"}


def test_tokens_too_large_for_a_qr_are_refused_when_signing(key):
    with pytest.raises(SignatureError) as refused:
        key.sign({"blob": "x" * MAX_TOKEN})
    assert refused.value.code == "sig.too_large"


@pytest.mark.parametrize("kid", ["", "a.b", "x" * 65, "空"])
def test_key_ids_are_plain(kid):
    with pytest.raises(SignatureError):
        SigningKey.generate(kid)


@given(st.dictionaries(st.text(max_size=8), st.one_of(st.integers(-10**6, 10**6), st.text(max_size=20)), max_size=6))
def test_any_claims_round_trip(claims):
    signer = SigningKey.from_raw("k1", "A" * 43)
    claims.pop("exp", None)
    claims.pop("nbf", None)
    assert verify(signer.sign(claims), {"k1": public_key(signer.public)}, now=NOW) == claims
