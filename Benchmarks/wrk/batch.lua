-- A batch of 100 "Product Added" track events per request, 100 customers, one outer context.
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["auth-token"] = os.getenv("CAIRN_TOKEN")

local items = {}
for i = 1, 100 do
    items[i] = string.format([[{"type":"track","userId":"user-%d","event":"Product Added","properties":{"name":"Simplygo/simplygo-pure-inulin","product_id":"p-19868604-44086200","price":"£11.99","cart_id":"1234","quantity":"1"},"timestamp":"2019-11-28T14:31:58.596Z"}]], i)
end
wrk.body = '{"context":{"ip":"24.5.68.47","userAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_4)"},"batch":[' .. table.concat(items, ",") .. ']}'
