"""GET /metrics is Prometheus' own exposition format (prometheus_client), parsed here with its own parser."""

import httpx
from prometheus_client.parser import text_string_to_metric_families

from .conftest import make_showtime


def scrape(client: httpx.Client) -> dict:
    r = client.get("/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return {f.name: f for f in text_string_to_metric_families(r.text)}


def value(families: dict, name: str, sample: str, **labels) -> float:
    return sum(s.value for s in families[name].samples
               if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items()))


def test_metrics_count_requests_by_route_template_and_status(client, grand):
    showtime = make_showtime(client, grand)
    before = scrape(client)
    assert client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-h1"],
                                                   "sessionToken": "m1"}).status_code == 201
    assert client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-h1"],
                                                   "sessionToken": "m2"}).status_code == 409
    assert client.get(f"/api/showtimes/{showtime}/seats").status_code == 200
    after = scrape(client)
    route = "/api/showtimes/{showtime_id}/seats"
    assert value(after, "marquee_http_requests", "marquee_http_requests_total", method="GET", route=route,
                 status="200") >= 1
    assert value(after, "marquee_http_request_duration_seconds", "marquee_http_request_duration_seconds_count",
                 route=route, status="200") >= 1
    assert after["marquee_http_request_duration_seconds"].type == "histogram"
    for outcome, n in (("ok", 1), ("409", 1)):
        assert (value(after, "marquee_holds", "marquee_holds_total", outcome=outcome)
                - value(before, "marquee_holds", "marquee_holds_total", outcome=outcome)) == n
    assert "marquee_bookings" in after and "marquee_payments" in after
    assert value(after, "marquee_db_pool", "marquee_db_pool", stat="pool_max") >= 1
    assert {"marquee_realtime_connected", "marquee_realtime_subscribers", "marquee_realtime_reconnects",
            "marquee_realtime_events", "marquee_seatmap_cache", "marquee_outbox_lag_seconds"} <= set(after)
    assert value(after, "marquee_realtime_connected", "marquee_realtime_connected") == 1
    assert value(after, "marquee_outbox_lag_seconds", "marquee_outbox_lag_seconds") >= 0
    # an unknown path is one label value, not one per path
    client.get("/no/such/thing/1"), client.get("/no/such/thing/2")
    unmatched = [s for s in scrape(client)["marquee_http_requests"].samples if s.labels["route"] == "unmatched"]
    assert unmatched and all("/no/such" not in s.labels["route"] for s in unmatched)


def test_metrics_of_several_workers_are_summed(start_api, demo_data, tmp_path):
    api = start_api({"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}, workers=2)
    with httpx.Client(base_url=api.url, timeout=30) as c:
        for _ in range(40):  # new connections: the kernel spreads them over both workers
            assert httpx.get(f"{api.url}/health/live", timeout=10).status_code == 200
        families = scrape(c)
        total = value(families, "marquee_http_requests", "marquee_http_requests_total", route="/health/live")
        assert total >= 40, total
        pids = {s.labels.get("pid") for s in families["marquee_db_pool"].samples}
        assert len(pids) >= 1 and None not in pids  # per-process gauges carry the worker's pid
    assert any(tmp_path.glob("*.db")), "the workers keep their samples in PROMETHEUS_MULTIPROC_DIR"
    api.stop()  # its connections back to the shared server now, not at the end of the session
