"""Chat sessions issued by the server: a signed token carrying a random session id; the sender id Rasa sees is
derived from it on the server, so a client can never choose (or guess) whose conversation it joins."""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class ChatSessions:
    def __init__(self, secret: str, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="consult-chat-session")
        self.max_age = max_age_seconds

    def issue(self) -> str:
        return self._serializer.dumps({"sid": secrets.token_urlsafe(18)})

    def session_id(self, token: str) -> str | None:
        """The session id of a valid, unexpired token; None otherwise."""
        try:
            payload = self._serializer.loads(token, max_age=self.max_age)
        except (BadSignature, SignatureExpired):
            return None
        sid = payload.get("sid") if isinstance(payload, dict) else None
        return sid if isinstance(sid, str) else None
