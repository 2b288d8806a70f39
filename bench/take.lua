-- wrk: one "Took 1" tap per request, the form body a page would send, each with its own key.
-- Arguments after "--": path, csrf token (form-encoded), session cookie, item id, run label.

threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  path, token, cookie, item, run = args[1], args[2], args[3], args[4], args[5]
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = cookie
end

function request()
  counter = counter + 1
  local key = run .. "t" .. thread_number .. "n" .. counter
  local body = "csrf_token=" .. token .. "&key=" .. key .. "&item=" .. item .. "&kind=take&quantity=1"
  return wrk.format("POST", path, nil, body)
end
