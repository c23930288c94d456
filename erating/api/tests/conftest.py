import os, pytest
@pytest.fixture(autouse=True)
def _mutate(monkeypatch):
    from erating.api import fast_ratings_async as f
    m = os.environ.get("MUT")
    if m == "replay":
        monkeypatch.setattr(f, "replay", lambda body, complete, receive: receive)
    elif m == "readall":
        async def read_body(receive):
            chunks = []
            while True:
                msg = await receive()
                chunks.append(msg.get("body", b""))
                if not msg.get("more_body"):
                    return b"".join(chunks), len(b"".join(chunks)) <= 1_000_000
        monkeypatch.setattr(f, "read_body", read_body)
    elif m == "nolifespan":
        async def lifespan(receive, send):
            await receive()
        monkeypatch.setattr(f, "lifespan", lifespan)
