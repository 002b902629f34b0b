-- The pair apk-tools makes for every file when credentials come from HTTP_AUTH: an anonymous
-- GET answered 401, then the same GET with Basic credentials (apk-protocol.md §5.2.1).
local auth = os.getenv("BENCH_AUTHORIZATION")
local anonymous = true
request = function()
  anonymous = not anonymous
  if anonymous then
    return wrk.format("GET", wrk.path, {})
  end
  return wrk.format("GET", wrk.path, { ["Authorization"] = auth })
end
