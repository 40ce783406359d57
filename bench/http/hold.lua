-- wrk script: POST /api/bookings/hold like bench/http/load.py. Connection slot w of 16 re-holds a pair of seats
-- in its own half row with its own session token (a hold replaces the session's previous one), so every request
-- does the whole hold and none conflict.   wrk -t2 -c16 -s bench/http/hold.lua URL -- SHOWTIME_ID
local threads = 0
function setup(thread)
  thread:set("base", threads)
  threads = threads + 1
end

function init(args)
  showtime = args[1]
  counter = 0
  rows = "abcdefghijklmno"
end

function request()
  local w = base * 8 + counter % 8
  local i = math.floor(counter / 8)
  counter = counter + 1
  local r = (w % 15) + 1
  local row = string.sub(rows, r, r)
  local first = 2 * (i % 5) + 1 + 10 * (math.floor(w / 15) % 2)
  local body = string.format('{"showtimeId":"%s","seatIds":["seat-%s%d","seat-%s%d"],"sessionToken":"bench-%d"}',
                             showtime, row, first, row, first + 1, w)
  return wrk.format("POST", "/api/bookings/hold", {["Content-Type"] = "application/json"}, body)
end
