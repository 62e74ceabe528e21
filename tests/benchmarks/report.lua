-- Prints one JSON line with the run's figures (latencies in microseconds).
-- BENCH_VARY=1 appends a counter to each request's query string, so a page cache never answers.
-- BENCH_PATHS=file cycles through the paths listed in it (one a line), each thread from its
-- own offset: every request a page not rendered before (the "truly cold" mode).
local vary = os.getenv("BENCH_VARY") == "1"
local counter = 0
local threads = 0
local paths = {}
local list = os.getenv("BENCH_PATHS")
if list and list ~= "" then
  for line in io.lines(list) do paths[#paths + 1] = line end
end

setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

request = function()
  if #paths > 0 then
    counter = counter + 1
    local index = ((tid - 1) * math.floor(#paths / 2) + counter) % #paths + 1
    return wrk.format(nil, paths[index])
  end
  if not vary then
    return wrk.format(nil)
  end
  counter = counter + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "_bench=" .. tid .. "-" .. counter)
end

done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"errors_status": %d, "errors_connect": %d, "errors_read": %d, "errors_timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.timeout))
end
