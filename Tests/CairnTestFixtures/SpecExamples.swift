/// The example bodies of the spec documents in `shared/seeds`, verbatim where they are valid JSON.
public enum SpecExamples {
    public static let identify = #"""
        {
          "userId": "ABC/123",
          "event":"identify",
          "traits": {
            "marketingPreferences": { "channels": [ { "channel": "email", "subscribed": true },
              { "channel": "sms", "subscribed": true }, { "channel": "whatsapp", "subscribed": true },
              { "channel": "facebook", "subscribed": true }, { "channel": "push", "subscribed": true } ] },
            "clientReference": "ABC/123",
            "email": "email@example.com",
            "title": "Mr",
            "firstName": "Fred",
            "lastName": "Flintsonte",
            "phone": "+44123456789",
            "address": { "houseNumberOrName": "56", "addressLine1": "A Road", "addressLine2": "Chester",
                "addressLine3": "Cheshire", "postalCode": "CH1ABC" }
          },
          "context": { "ip": "24.5.68.47" },
          "timestamp": "2019-11-18T13:30:11.444Z"
        }
        """#

    public static let productAdded = #"""
        {
          "userId":"ABC/123",
          "event":"Product Added",
          "context":{
            "page":{
              "path":"/simplygosimplygo-pure-inulin/p-19868604-44086200",
              "referrer":"",
              "search":"",
              "title":"Simplygo/simplygo-pure-inulin | Fruugo",
              "url":"https://www.fruugo.co.uk/simplygosimplygo-pure-inulin/p-19868604-44086200"
            },
            "userAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36"
          },
          "properties":{
            "name":"Simplygo/simplygo-pure-inulin",
            "product_id":"p-19868604-44086200",
            "price":"£11.99",
            "cart_id":"1234",
            "image_url":"https://img.fruugo.com/product/3/55/98531553_max.jpg",
            "quantity":"1",
            "url":"https://www.fruugo.co.uk/simplygosimplygo-pure-inulin/p-19868604-44086200"
          },
          "timestamp":"2019-11-28T14:31:58.596Z"
        }
        """#

    /// The spec's page example misses one closing brace after `context`; this is it with the brace restored.
    public static let page = #"""
        {
        	"event":"page",
        	"userId":"ABC/123",
        	"anonymousId":"14834fb6-e82e-47f9-a7e0-892c45064d89",
        	"context":{
        		"page":{
        			"path":"/simplygosimplygo-pure-inulin/p-19868604-44086200",
        			"referrer":"",
        			"search":"",
        			"title":"Simplygo/simplygo-pure-inulin | Fruugo",
        			"url":"https://www.fruugo.co.uk/simplygosimplygo-pure-inulin/p-19868604-44086200"
        	},
        	"userAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36"
        	},
        	"properties":{
        		"path":"/simplygosimplygo-pure-inulin/p-19868604-44086200",
        		"referrer":"",
        		"search":"",
        		"title":"Simplygo/simplygo-pure-inulin | Fruugo",
        		"url":"https://www.fruugo.co.uk/simplygosimplygo-pure-inulin/p-19868604-44086200"
        	},
        	"timestamp":"2019-11-28T14:50:16.519Z"
        }
        """#

    /// The spec's page example exactly as printed: one closing brace short, so not JSON.
    public static let pageAsPrinted = String(page.dropLast())

    public static let sendSMS = #"""
        {
        	"userId": "ABC/123",
        	"event": "SEND_SMS",
        	"assetId": "202007-B-AbandonedBooking",
        	"timestamp": "2019-11-18T13:30:12.984Z",
        	"bookingId" : "1234"
        }
        """#

    public static let startJourney = #"""
        {
            "userId": "ABC/123",
            "event": "start_journey",
            "properties": {
              "journeyIdToTrigger": "6046429d73096e3b2dca973d",
        	  "stepIdToTrigger": "01c318b8-1f16-40b3-9808-709c5c1b44f6"
            }
        }
        """#

    /// Seed 004, "send an event": `POST /v1/track/event?api_token=…`.
    public static let salesmachineEvent = #"""
        {
          "contact_uid": "123456",
          "event_uid": "user_registration",
          "params": {"account_uid": "78910", "display_name": "Registration"}
        }
        """#

    /// Seed 004, "send a pageview": `POST /v1/track/event` with Basic auth.
    public static let salesmachinePageview = #"""
        {"contact_uid": "123456", "event_uid": "pageview", "params": {"account_uid": "78910", "visit_url": "http://myproduct.com/onboarding" }}
        """#
}
