"""Schemathesis against our OpenAPI document: generated requests (valid and not) never get a 5xx.

(schemathesis.pytest.from_fixture does not work with this pytest version, so operations are driven by hand.)
"""

import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES_PER_OPERATION = 20


def test_no_server_errors(api_server, demo_data):
    schema = schemathesis.openapi.from_url(f"{api_server}/schema/openapi.json")
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        def check(case):
            response = case.call(headers={"Authorization": "Bearer test-admin-token"}, timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}")
            elif response.status_code >= 400:
                assert set(response.json()["error"]) == {"code", "message", "details"}, response.text

        check()
    assert operations >= 20
    assert not failures, "\n".join(failures[:20])
