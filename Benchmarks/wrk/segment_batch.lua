-- A Segment batch of 100 track messages per request, as the Segment and RudderStack SDKs send
-- it (Basic auth with the write key, a sentAt, a messageId on every message), each messageId
-- new so that every message is stored.
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Basic " .. os.getenv("CAIRN_BASIC")

local counter = 0
local thread_tag = tostring(math.random(1, 1000000000))

request = function()
    counter = counter + 1
    local items = {}
    for i = 1, 100 do
        items[i] = string.format([[{"type":"track","userId":"user-%d","event":"Product Added","messageId":"%s-%d-%d","properties":{"name":"Simplygo/simplygo-pure-inulin","product_id":"p-19868604-44086200","price":11.99,"quantity":1},"timestamp":"2019-11-28T14:31:58.596Z","context":{"library":{"name":"analytics-python","version":"2.4.0"}}}]],
            i, thread_tag, counter, i)
    end
    local body = '{"sentAt":"2019-11-28T14:31:59.000Z","batch":[' .. table.concat(items, ",") .. ']}'
    return wrk.format(nil, nil, nil, body)
end
