"""The terminal's sync engine: the outbox services write to, the uploader and puller that
talk to HQ, the background runner, credentials and the HTTP transport."""
