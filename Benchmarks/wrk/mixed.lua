-- Batches of 100 mixed events for the processor backlog: per batch 10 identify, 60 track and
-- 30 page events over 10,000 users, a third of the pages anonymous.
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["auth-token"] = os.getenv("CAIRN_TOKEN")

local counter = 0
request = function()
    local items = {}
    for i = 1, 100 do
        counter = counter + 1
        local user = "user-" .. (counter * 7919 % 10000)
        if i <= 10 then
            items[i] = string.format([[{"type":"identify","userId":"%s","anonymousId":"anon-%s","traits":{"email":"%s@example.com","visits":%d,"address":{"city":"Chester"},"marketingPreferences":{"channels":[{"channel":"email","subscribed":true}]}}}]], user, user, user, counter)
        elseif i <= 70 then
            items[i] = string.format([[{"type":"track","userId":"%s","event":"Product Added","properties":{"price":"£11.99","n":%d}}]], user, counter)
        elseif i <= 80 then
            items[i] = string.format([[{"type":"page","anonymousId":"anon-%s","name":"Home"}]], user)
        else
            items[i] = string.format([[{"type":"page","userId":"%s","name":"Product"}]], user)
        end
    end
    return wrk.format(nil, nil, nil, '{"batch":[' .. table.concat(items, ",") .. ']}')
end
