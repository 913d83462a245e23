import CairnCore
import CairnServer
import CairnTestFixtures
import HTTPTypes
import Testing

/// Issue 23, devices through HTTP: registered by a `register push` track call and by a page
/// call's `context.device`, shown on the profile's `meta` view with their tokens masked.
@Suite struct DevicesAPITests {
    let base = TestApp.base

    @Test func registeredDevicesAreShownOnTheProfileWithTheirTokensMasked() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let token = try await app.token()
        let (registered, refused, meta) = try await app.test { client in
            let registered = try await client.post(
                "\(base)/track",
                token: token,
                body: #"""
                    {"userId":"u1","event":"Register Push","properties":{"deviceId":"phone-1","deviceType":"iOS",
                     "fcmToken":"fcm-secret-token-abc123"}}
                    """#
            )
            _ = try await client.post(
                "\(base)/page",
                token: token,
                body:
                    #"{"userId":"u1","name":"Home","context":{"device":{"id":"tab-2","type":"android","token":"tab-token-xyz789"}}}"#
            )
            let refused = try await client.post(
                "\(base)/track",
                token: token,
                body: #"{"userId":"u1","event":"register push","properties":{"deviceId":"x","deviceType":"Fax"}}"#
            )
            try await app.processAll()
            return (
                registered,
                try await client.get("\(base)/events/\(refused.eventId ?? "")", token: token),
                try await client.get("\(base)/profiles/userId:u1/meta", token: token)
            )
        }
        #expect(registered.status == .ok)
        #expect(refused.json["status"] == "failed")
        #expect(refused.json["errors"]?[0]?["code"] == "invalid_push_device")
        let devices = try #require(meta.json["devices"]?.arrayValue)
        #expect(devices.compactMap { $0["deviceId"]?.stringValue } == ["phone-1", "tab-2"])
        #expect(devices.compactMap { $0["type"]?.stringValue } == ["iOS", "Android"])
        #expect(devices.compactMap { $0["token"]?.stringValue } == ["…abc123", "…xyz789"])
        #expect(!String(decoding: meta.json.encoded(), as: UTF8.self).contains("fcm-secret-token"))
    }
}
