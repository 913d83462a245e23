-- One "Product Added" track event per request: the spec's own example body.
-- The token comes from the CAIRN_TOKEN environment variable.
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["auth-token"] = os.getenv("CAIRN_TOKEN")
wrk.body = [[{"userId":"ABC/123","event":"Product Added","context":{"page":{"path":"/simplygosimplygo-pure-inulin/p-19868604-44086200","referrer":"","search":"","title":"Simplygo/simplygo-pure-inulin | Fruugo","url":"https://www.fruugo.co.uk/simplygosimplygo-pure-inulin/p-19868604-44086200"},"userAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36"},"properties":{"name":"Simplygo/simplygo-pure-inulin","product_id":"p-19868604-44086200","price":"£11.99","cart_id":"1234","image_url":"https://img.fruugo.com/product/3/55/98531553_max.jpg","quantity":"1","url":"https://www.fruugo.co.uk/simplygosimplygo-pure-inulin/p-19868604-44086200"},"timestamp":"2019-11-28T14:31:58.596Z"}]]

