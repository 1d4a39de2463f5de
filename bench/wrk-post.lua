-- wrk sends the same recommend request as the other generators and prints its figures as one JSON line.
wrk.method = "POST"
wrk.body = '{"surface":"home","k":20,"user":{"user_id":"u_1"}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Org-Id"] = "demo"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
