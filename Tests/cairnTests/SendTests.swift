import CairnCore
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// send_email and send_sms through the real binary to real peers: aiosmtpd (STARTTLS, AUTH) and
/// a stand-in speaking Twilio's Messages API, with its signed delivery receipt.
@Suite(.serialized) struct SendTests {
    static let twilioSid = "AC" + String(repeating: "1", count: 32)
    static let twilioToken = "twilio-test-token-0123"

    @Test func commandsBecomeMessagesThatArriveWithTheirMergeTagsFilled() async throws {
        let certificates = try await TestPeer.certificates.value
        let smtpArguments = [
            "--port", "0", "--spool", "{dir}/spool", "--auth", "mailer:s3cret", "--exit-on-stdin-eof",
            "--tls-cert", certificates.appendingPathComponent("server.pem").path,
            "--tls-key", certificates.appendingPathComponent("server.key").path,
        ]
        let twilioArguments = [
            "--port", "0", "--spool", "{dir}/spool", "--account", "\(Self.twilioSid):\(Self.twilioToken)",
        ]
        try await TestPeer.with("smtp_sink.py", smtpArguments) { smtp in
            try await TestPeer.with("twilio_fake.py", twilioArguments) { twilio in
                try await Self.sendThrough(
                    smtp: smtp,
                    twilio: twilio,
                    ca: certificates.appendingPathComponent("ca.pem").path
                )
            }
        }
    }

    /// The binary, sending to these peers: providers from the settings, assets over the admin API.
    static func sendThrough(smtp: TestPeer, twilio: TestPeer, ca: String) async throws {
        let directory = try TemporaryDirectory.make()
        let database = "sqlite:" + directory.appendingPathComponent("sends.sqlite").path
        let token = try await CairnBinary.createToken(database: database)
        let admin = try await CairnBinary.run(["admin-tokens", "create", "--database", database]).lastLine
        let port = try TestPeer.freePort()
        let server = try await RunningServer.start(
            database: database,
            extraArguments: ["--port", "\(port)", "--public-url", "http://127.0.0.1:\(port)"],
            environment: [
                "CAIRN_SMTP_URL": "smtp://mailer:s3cret@127.0.0.1:\(smtp.port)?starttls=required&ca=\(ca)",
                "CAIRN_TWILIO_ACCOUNT_SID": Self.twilioSid,
                "CAIRN_TWILIO_AUTH_TOKEN": Self.twilioToken,
                "CAIRN_TWILIO_FROM": "+15005550006",
                "CAIRN_TWILIO_BASE_URL": "http://127.0.0.1:\(twilio.port)",
            ]
        )
        let brand = "/admin/v1/brands/hea/hea/HEA"
        try await server.withClient { client in
            let email = try await client.admin(
                .put,
                brand + "/assets/welcome-email",
                token: admin,
                body: """
                    {"channel":"email","purpose":"marketing","content":{"from":"Shop <shop@example.com>",
                    "subject":"Hello {{customer.firstName}}, booking {{bookingId}}",
                    "html":"<p>Hi {{customer.firstName}} <a href=\\"{{unsubscribeUrl}}\\">unsubscribe</a></p>",
                    "text":"Hi {{customer.firstName}}"}}
                    """
            )
            #expect(email.0 == .ok, "\(email.1)")
            #expect(try await client.admin(.post, brand + "/assets/welcome-email/publish", token: admin).0 == .ok)
            let sms = try await client.admin(
                .put,
                brand + "/assets/202007-B-AbandonedBooking",
                token: admin,
                body:
                    #"{"channel":"sms","purpose":"transactional","content":{"body":"Hi {{customer.firstName}}, {{bookingId}} is waiting"}}"#
            )
            #expect(sms.0 == .ok, "\(sms.1)")
            #expect(
                try await client.admin(.post, brand + "/assets/202007-B-AbandonedBooking/publish", token: admin).0
                    == .ok
            )
        }
        let identify = """
            {"userId":"ada","traits":{"firstName":"Zoë","email":"ada@example.org","phone":"+1 500 555 0006",
            "marketingPreferences":{"channels":[{"channel":"email","subscribed":true}]}}}
            """
        #expect(try await MultiNodeTests.post(to: server, token: token, body: identify) != nil)
        let emailId = try #require(
            try await Self.track(
                server,
                token,
                #"{"userId":"ada","event":"send_email","assetId":"welcome-email","bookingId":"BK-1"}"#
            )
        )
        let smsId = try #require(
            try await Self.track(
                server,
                token,
                #"{"userId":"ada","event":"SEND_SMS","assetId":"202007-B-AbandonedBooking","properties":{"bookingId":"BK-2"}}"#
            )
        )
        let unknownId = try #require(
            try await Self.track(server, token, #"{"userId":"ada","event":"send_email","assetId":"nope"}"#)
        )

        let emailStatus = try await Self.waitForMessage(server, token, emailId) { $0 == "sent" }
        #expect(emailStatus["status"] == "processed")
        let message = try #require(emailStatus["messages"]?.arrayValue?.first)
        #expect(message["channel"] == "email")
        #expect(message["to"] == "ada@example.org")
        #expect(message["attempts"] == 1)
        let received = try #require(smtp.files(containing: "ada@example.org").first { $0.contains("Message-ID") })
        #expect(received.contains("Subject: =?UTF-8?"), "a non-ASCII subject is an encoded word")
        #expect(received.contains("List-Unsubscribe: <http://127.0.0.1:\(port)/u/"))
        #expect(received.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
        #expect(received.contains("multipart/alternative"))
        let messageId = try #require(message["messageId"]?.stringValue)
        #expect(received.contains("Message-ID: <\(messageId)@example.com>"))

        let smsStatus = try await Self.waitForMessage(server, token, smsId) { $0 == "delivered" }
        let sms = try #require(smsStatus["messages"]?.arrayValue?.first)
        #expect(sms["to"] == "+15005550006")
        #expect(sms["providerMessageId"]?.stringValue?.hasPrefix("SM") == true)
        let request = try #require(twilio.files(containing: "+15005550006").first)
        #expect(request.contains("Hi Zo\\u00eb, BK-2 is waiting") || request.contains("Hi Zoë, BK-2 is waiting"))

        let unknown = try await Self.waitForStatus(server, token, unknownId)
        #expect(unknown["status"] == "failed")
        #expect(unknown["errors"]?.arrayValue?.first?["code"] == "asset_not_found")
        #expect(!server.log.contains("s3cret"), "the SMTP password never reaches the log")
        #expect(!server.log.contains(Self.twilioToken))
        #expect(!server.log.contains("no secret key"), "on SQLite the key file is the key")
        #expect(!server.log.contains("one-click unsubscribe"), "an http public URL on loopback is for trying Cairn out")

        // The unsubscribe link in the email withdraws consent: the next marketing email fails.
        let link = try #require(Self.unsubscribeLink(in: received, port: port))
        let unsubscribed = try await server.withClient { client in
            try await client.execute(
                TestClient.Request(link, method: .post, headers: [:], body: .init(string: "List-Unsubscribe=One-Click"))
            )
        }
        #expect(unsubscribed.status == .ok)
        let second = try #require(
            try await Self.track(server, token, #"{"userId":"ada","event":"send_email","assetId":"welcome-email"}"#)
        )
        let refused = try await Self.waitForStatus(server, token, second)
        #expect(refused["errors"]?.arrayValue?.first?["code"] == "channel_not_subscribed")
        #expect(await server.stop() == 0)
    }

    static func track(_ server: RunningServer, _ token: String, _ body: String) async throws -> String? {
        let (status, answer) = try await server.withClient { client in
            try await client.send("/track/hea/hea/HEA/v1/track", token: token, body: body)
        }
        guard status == .ok else { return nil }
        return answer["eventId"]?.stringValue
    }

    static func status(_ server: RunningServer, _ token: String, _ id: String) async throws -> JSONValue {
        try await server.withClient { client in
            try await client.fetch("/track/hea/hea/HEA/v1/events/\(id)", token: token)
        }.1
    }

    /// The event's status once it is no longer `accepted`.
    static func waitForStatus(_ server: RunningServer, _ token: String, _ id: String) async throws -> JSONValue {
        for _ in 0..<500 {
            let answer = try await status(server, token, id)
            if answer["status"] != "accepted" { return answer }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestPeer.Failure(description: "event \(id) was never processed")
    }

    /// The event's status once its first message's status satisfies `done`.
    static func waitForMessage(
        _ server: RunningServer,
        _ token: String,
        _ id: String,
        _ done: (String) -> Bool
    ) async throws -> JSONValue {
        var last: JSONValue = .null
        for _ in 0..<750 {
            last = try await status(server, token, id)
            if let status = last["messages"]?.arrayValue?.first?["status"]?.stringValue, done(status) { return last }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestPeer.Failure(description: "event \(id)'s message did not get there: \(last)\n\(server.log)")
    }

    /// The path of the https unsubscribe link in a received email's List-Unsubscribe header.
    static func unsubscribeLink(in email: String, port: Int) -> String? {
        guard let start = email.range(of: "List-Unsubscribe: <http://127.0.0.1:\(port)") else { return nil }
        let rest = email[start.upperBound...]
        return rest.prefix { $0 != ">" }.filter { !$0.isWhitespace }.description
    }
}
