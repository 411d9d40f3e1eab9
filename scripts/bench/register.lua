-- A new account per request: unique username and address from the thread and a counter.
local counter = 0
local thread_id = 0
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end

function request()
  counter = counter + 1
  local id = "t" .. thread_id .. "n" .. counter
  local body = '{"username":"' .. id .. '","email":"' .. id ..
    '@example.com","password":"correct horse battery staple"}'
  return wrk.format("POST", "/api/auth/register", { ["Content-Type"] = "application/json" }, body)
end
