-- wrk: POST /v1/redemptions with a unique Idempotency-Key per request and a random account of BENCH_ACCOUNTS
-- (acc_bench_1..N). Environment: BENCH_KEY (a cabinet key), BENCH_ACCOUNTS; BENCH_OUT (scripts/chaos): when set,
-- every 202's redemption id is appended to BENCH_OUT-<thread>.txt, so a run can check that none was lost.
-- BENCH_RUN names the run in the keys (default: the time). Prints the answers other than 202, and by kind.
local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("id", count)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  accepted = 0
  unavailable = 0
  internal = 0
  refused = 0
  key = os.getenv("BENCH_KEY")
  accounts = tonumber(os.getenv("BENCH_ACCOUNTS"))
  run = os.getenv("BENCH_RUN") or tostring(os.time())  -- two wrk at once need their own BENCH_RUN
  local out_prefix = os.getenv("BENCH_OUT")
  out = out_prefix and io.open(out_prefix .. "-" .. id .. ".txt", "a")
  math.randomseed(os.time() * 100 + id)
end

function request()
  sent = sent + 1
  local body = string.format('{"account_id": "acc_bench_%d", "sku": "AMZ", "face_value": {"amount": "10.00", "currency": "EUR"}}',
                             math.random(1, accounts))
  return wrk.format("POST", "/v1/redemptions", {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("wrk-%s-%d-%d", run, id, sent),
  }, body)
end

function response(status, headers, body)
  if status == 202 then
    accepted = accepted + 1
    if out then
      out:write(string.match(body, '"id":%s*"([^"]+)"') .. "\n")
      out:flush()
    end
  elseif status == 503 then
    unavailable = unavailable + 1
  elseif status >= 500 then
    internal = internal + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local totals = {accepted = 0, unavailable = 0, internal = 0, refused = 0}
  for _, t in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + t:get(name) end
  end
  io.write(string.format("answers other than 202: %d\n", totals.unavailable + totals.internal + totals.refused))
  io.write(string.format("answers: 202=%d 503=%d other5xx=%d other=%d socket_errors=%d\n", totals.accepted, totals.unavailable, totals.internal,
                         totals.refused, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
