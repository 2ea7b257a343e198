-- wrk script: every request asks for a path drawn at random from a file of
-- paths (one a line), so caches are not flattered; reports p50/p99.
--   wrk -s bench/random-path.lua ... URL  with BENCH_PATHS=file in the environment
local paths = {}

function init(args)
  local file = os.getenv("BENCH_PATHS")
  for line in io.lines(file) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  -- a different sequence per thread
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  return wrk.format(nil, paths[math.random(#paths)])
end


function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout))
end
