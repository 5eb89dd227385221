-- wrk: POST /v1/redemptions with a unique Idempotency-Key per request and a random account of BENCH_ACCOUNTS
-- (acc_bench_1..N); counts answers other than 202. Environment: BENCH_KEY (a cabinet key), BENCH_ACCOUNTS.
local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("id", count)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  refused = 0
  key = os.getenv("BENCH_KEY")
  accounts = tonumber(os.getenv("BENCH_ACCOUNTS"))
  run = tostring(os.time())
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
  if status ~= 202 then refused = refused + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("refused") end
  io.write(string.format("answers other than 202: %d\n", total))
end
