-- wrk prints the 95th percentile and the failures, which its --latency table leaves out.
done = function(summary, latency, requests)
  io.write(string.format("p95 %.1f ms  requests %d  non-2xx %d  errors %d\n",
    latency:percentile(95) / 1000, summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
