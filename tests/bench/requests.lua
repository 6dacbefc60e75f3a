-- wrk script for tests/bench/module_cost.sh: one request, or with
-- WRK_MIXED=1 a cycle of them.
-- Env: METHOD, BODY, IF_MATCH, TOKEN (all optional); MIXED_PATHS, lines
-- "<METHOD> <path> [<body>]".
local token = os.getenv("TOKEN")
local method = os.getenv("METHOD") or "GET"
local body = os.getenv("BODY")
local if_match = os.getenv("IF_MATCH")
local mixed = tonumber(os.getenv("WRK_MIXED") or "0")

wrk.method = method
wrk.body = body
if token then wrk.headers["Authorization"] = "Bearer " .. token end
if body then wrk.headers["Content-Type"] = "application/json" end
if if_match then wrk.headers["If-Match"] = '"' .. if_match .. '"' end

-- built in init, when wrk.headers has its Host
local reqs = {}
function init()
    if mixed == 0 then return end
    for line in string.gmatch(os.getenv("MIXED_PATHS"), "[^\n]+") do
        local m, p, b = string.match(line, "^(%S+) (%S+) ?(.*)$")
        local h = { Authorization = wrk.headers["Authorization"] }
        if b == "" then b = nil else h["Content-Type"] = "application/json" end
        if m == "PATCH" then h["If-Match"] = '"' .. if_match .. '"' end
        reqs[#reqs + 1] = wrk.format(m, p, h, b)
    end
end

local n = 0
function request()
    if mixed == 0 then return wrk.format() end
    n = n + 1
    return reqs[(n - 1) % #reqs + 1]
end
