"""Issue 13 (low): absurd API parameters are the client's mistake, answered
400/422 with a message that says what is wrong, never a 500."""

from __future__ import annotations


from tests.web.conftest import client

ABSURD = [
    ("GET", "/api/hits?offset=1e20", None),
    ("GET", f"/api/hits?offset={2**70}", None),
    ("GET", f"/api/hits?limit={2**70}", None),
    ("GET", "/api/hits?since=99999999d", None),
    ("GET", "/api/hits?since=99999999999999999999999s", None),
    ("GET", "/api/stories?since=99999999d", None),
    ("GET", f"/api/hits/{2**64}", None),
    ("GET", f"/api/hits/-{2**70}", None),
    ("POST", f"/api/deliveries/{2**64}/replay", {}),
    ("POST", "/api/test-rule", {"query": "(" * 1000 + "envoy" + ")" * 1000, "text": "envoy"}),
    ("POST", "/api/test-rule", {"query": "envoy", "text": "envoy", "title": ["x"]}),
]


async def test_absurd_parameters_are_refused_clearly(polled) -> None:  # type: ignore[no-untyped-def]
    problems = []
    async with client(polled.api) as http:
        for method, path, body in ABSURD:
            response = await http.request(method, path, json=body)
            if response.status_code not in (400, 404, 422) or not response.text:
                problems.append((method, path[:60], response.status_code, response.text[:120]))
    assert not problems, problems
