-- wrk for scripts/chaos: POST /v1/redemptions with a unique Idempotency-Key per request on a random account of
-- CHAOS_ACCOUNTS (acc_chaos_1..N). Every 202's redemption id is appended to CHAOS_OUT-<thread>.txt, so the run
-- can check afterwards that no accepted order was lost; answers are counted by status.
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
  refused = 0
  unavailable = 0
  internal = 0
  key = os.getenv("CHAOS_KEY")
  accounts = tonumber(os.getenv("CHAOS_ACCOUNTS"))
  run = os.getenv("CHAOS_RUN")
  out = io.open(os.getenv("CHAOS_OUT") .. "-" .. id .. ".txt", "a")
  math.randomseed(os.time() * 100 + id)
end

function request()
  sent = sent + 1
  local body = string.format('{"account_id": "acc_chaos_%d", "sku": "AMZ", "face_value": {"amount": "10.00", "currency": "EUR"}}',
                             math.random(1, accounts))
  return wrk.format("POST", "/v1/redemptions", {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("chaos-%s-%d-%d", run, id, sent),
  }, body)
end

function response(status, headers, body)
  if status == 202 then
    accepted = accepted + 1
    out:write(string.match(body, '"id":%s*"([^"]+)"') .. "\n")
    out:flush()
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
  io.write(string.format("chaos answers: 202=%d 503=%d other5xx=%d other=%d socket_errors=%d\n", totals.accepted, totals.unavailable,
                         totals.internal, totals.refused,
                         summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
