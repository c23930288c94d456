-- wrk script for bench/ingest.py: POST one rating per request with a random target code and a
-- unique UUID. Environment: BENCH_CODES (file, one code a line), BENCH_TOKEN, BENCH_PATH,
-- BENCH_PHASE (two hex digits, a fresh pair for every wrk run: keeps the runs' keys apart), BENCH_ACKED (output file of
-- the keys acknowledged as created).
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  codes = {}
  for line in io.lines(os.getenv("BENCH_CODES")) do
    if #line > 0 then codes[#codes + 1] = line end
  end
  -- Each thread gets its own seed, and its id is part of every key: no cross-thread collisions.
  math.randomseed(os.time() * 1000 + tid * 7919 + math.floor(os.clock() * 1e6))
  n, created, other = 0, 0, 0
  acked = {}
  phase = os.getenv("BENCH_PHASE") or "0"
  path = os.getenv("BENCH_PATH")
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")}
end

local function uuid()
  n = n + 1
  return string.format("%08x-%04x-4%s%x-%04x-%012x", math.random(0, 0x7fffffff), tid, phase,
    math.random(0, 15), 0x8000 + math.random(0, 0x3fff), n)
end

function request()
  local body = string.format('{"id":"%s","target":"%s","score":%d,"comment":"Bagus","client_time":"2026-11-24T10:00:00+08:00"}',
    uuid(), codes[math.random(#codes)], math.random(1, 5))
  return wrk.format("POST", path, headers, body)
end

function response(status, hdrs, body)
  if status == 200 and string.find(body, '"status": "created"', 1, true) then
    created = created + 1
    -- Remember which keys were acknowledged, so "lost" is checked key by key afterwards.
    acked[created] = string.match(body, '"id": "([%x%-]+)"')
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  local out = io.open(os.getenv("BENCH_ACKED"), "w")
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
    for _, key in ipairs(t:get("acked")) do out:write(key, "\n") end
  end
  out:close()
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_s": %.3f, "created": %d, "other": %d, "p50_ms": %.2f, ' ..
    '"p99_ms": %.2f, "mean_ms": %.2f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, c, o, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, e.connect + e.read + e.write + e.status + e.timeout))
end
