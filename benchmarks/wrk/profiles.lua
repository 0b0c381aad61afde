-- wrk script of benchmarks/load_driver.py: POSTs prepared profiles (each with its own job seeker's token) once
-- each, at a fixed rate, then ends the run. Arguments after "--": <requests file> <rate per second>; the results
-- go to the file named by $BENCH_RESULTS. The requests file has one line per request, written before the clock
-- starts: "<profile id>\t<token>\t<JSON body>", so a request costs a table lookup here. One wrk thread (-t1).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
int getpid(void);
int kill(int pid, int sig);
]]
local CLOCK_MONOTONIC, SIGINT = 1, 2
local ts = ffi.new("bench_timespec")

-- The clock of Python's time.perf_counter on Linux, so send times compare with the advice watcher's arrivals.
local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local requests, ids, rate = {}, {}, nil
local start, next_slot, claimed, next_request, answered = nil, 0, 0, 0, 0
-- wrk sends each connection's first request without asking delay(): that one is this probe, which the profile
-- API and the bare intake both answer with 200 (a profile gets 201 or a refusal), so that every profile is paced.
local PROBE = "/api/v1/profile/healthz"
-- Globals, read back by done() through thread:get: send time per id, accepted ids with their answer time,
-- answers per status.
sent, accepted, statuses = {}, {}, {}

function init(args)
  rate = tonumber(args[2])
  for line in io.lines(args[1]) do
    local id, token, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    -- The profile API takes the id from the token; the bare intake, which checks no token, from X-Profile-Id.
    local headers = {
      ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token, ["X-Profile-Id"] = id,
    }
    table.insert(requests, wrk.format("POST", "/api/v1/profiles", headers, body))
    table.insert(ids, id)
  end
end

-- Paced like wrk2: slot k is due at start + k / rate whichever connection takes it, so the offered rate holds
-- across connections, and a late answer makes the next slots due at once rather than shifting the schedule.
function delay()
  if next_slot >= #requests then
    return 3600 * 1000 -- every request is out: this connection idles until the last answer ends the run
  end
  start = start or now()
  local due = start + next_slot / rate
  next_slot = next_slot + 1
  claimed = claimed + 1
  return math.max(0, math.floor((due - now()) * 1000))
end

function request()
  if claimed == 0 then
    return wrk.format("GET", PROBE)
  end
  claimed = claimed - 1
  next_request = next_request + 1
  sent[ids[next_request]] = now()
  return requests[next_request]
end

function response(status, headers, body)
  if status == 200 then
    return
  end
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then
    local id = body:match('"profile_id"%s*:%s*"(%x+)"')
    if id then accepted[id] = now() end
  end
  if answered == #requests then
    -- wrk's main thread sleeps for the whole -d duration; SIGINT is its own way to end a run early.
    wrk.thread:stop()
    ffi.C.kill(ffi.C.getpid(), SIGINT)
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary)
  local out = assert(io.open(os.getenv("BENCH_RESULTS"), "w"))
  for _, thread in ipairs(threads) do
    for id, t in pairs(thread:get("sent")) do out:write(string.format("sent\t%s\t%.6f\n", id, t)) end
    for id, t in pairs(thread:get("accepted")) do out:write(string.format("accepted\t%s\t%.6f\n", id, t)) end
    for status, count in pairs(thread:get("statuses")) do out:write(string.format("status\t%d\t%d\n", status, count)) end
  end
  for kind, count in pairs(summary.errors) do out:write(string.format("error\t%s\t%d\n", kind, count)) end
  out:close()
end
