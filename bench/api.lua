-- api.lua: wrk script of bench/api.sh.  Each request is an rrset lookup of
-- a name drawn at random from the file $API_NAMES (one name a line), with
-- the key $API_KEY in the X-API-Key header, over keep-alive connections.
-- With API_CHECK=1 it counts the answers by HTTP status, and the 200
-- answers whose stream ended in {"cond":"failed"} (an error after the
-- first row is sent cannot change the status any more); done() prints one
-- line of figures for api.sh.

local threads = {}
local next_id = 0

function setup(thread)
	thread:set("id", next_id)
	next_id = next_id + 1
	table.insert(threads, thread)
end

local names = {}
local prefix = "/dnsdb/v2/lookup/rrset/name/"

function init(args)
	for line in io.lines(os.getenv("API_NAMES")) do
		if line ~= "" then
			names[#names + 1] = line
		end
	end
	math.randomseed(1000 + id)
	wrk.headers["X-API-Key"] = os.getenv("API_KEY")
	s200, s429, s503, sother, failed, nocond = 0, 0, 0, 0, 0, 0
end

function request()
	return wrk.format("GET", prefix .. names[math.random(#names)])
end

-- (only in the checking round: a response() in Lua costs the client CPU
-- that the timed rounds would take from the server on a small machine)
if os.getenv("API_CHECK") == "1" then
function response(status, headers, body)
	if status == 200 then
		s200 = s200 + 1
		if body:find('"cond":"failed"', 1, true) then
			failed = failed + 1
		elseif not (body:find('"cond":"succeeded"', 1, true) or body:find('"cond":"limited"', 1, true)) then
			nocond = nocond + 1
		end
	elseif status == 429 then
		s429 = s429 + 1
	elseif status == 503 then
		s503 = s503 + 1
	else
		sother = sother + 1
	end
end
end

function done(summary, latency, requests)
	local c = {s200 = 0, s429 = 0, s503 = 0, sother = 0, failed = 0, nocond = 0}
	for _, t in ipairs(threads) do
		for k, _ in pairs(c) do
			c[k] = c[k] + (t:get(k) or 0)
		end
	end
	local e = summary.errors
	io.write(string.format(
		"WRK requests=%d seconds=%.3f rps=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d " ..
		"s200=%d s429=%d s503=%d sother=%d failed=%d nocond=%d " ..
		"connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
		summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
		latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
		latency.max, c.s200, c.s429, c.s503, c.sother, c.failed, c.nocond,
		e.connect, e.read, e.write, e.timeout))
end
