-- wrk script for bench.sh. By default: POST /v1/events, one event per request, every id a
-- unique UUID. Two of three events are `shown`, one a `response` with a score and a comment.
-- With BENCH_MODE=get: wrk's own GET of the URL (the hosted config). Either way it prints one
-- `RESULT requests seconds p50_us p99_us non_2xx socket_errors` line when done (a 304 counts
-- as a success: wrk's status errors are codes above 399).

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local counter = 0
local template = '{"id":"00000000-0000-4000-8%03d-%012d","event":"%s","survey_id":"bench","kind":"nps",%s' ..
  '"visitor_id":"v-%d","locale":"en","page_url":"https://example.com/bench",' ..
  '"at":"2026-11-23T10:00:00Z","widget_version":"0.1.0","survey_version":"h"}'

local function post_event()
  counter = counter + 1
  local answer = ""
  local event = "shown"
  if counter % 3 == 0 then
    event = "response"
    answer = string.format('"score":%d,"comment":"comment %d",', counter % 11, counter)
  end
  local body = string.format(template, tid, counter, event, answer, counter % 1000)
  return wrk.format("POST", nil, {["Content-Type"] = "text/plain;charset=UTF-8"}, body)
end

if os.getenv("BENCH_MODE") ~= "get" then
  request = post_event
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.3f %d %d %d %d\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
