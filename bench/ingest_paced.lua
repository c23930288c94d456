-- The same requests as ingest.lua, but each connection waits BENCH_DELAY_MS between requests:
-- latency at a steady offered load below saturation (supplementary figure).
dofile("bench/ingest.lua")
local pace = tonumber(os.getenv("BENCH_DELAY_MS") or "200")

function delay()
  return pace
end
