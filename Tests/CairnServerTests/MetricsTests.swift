import CairnCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CairnServer

/// `/metrics` through the router: the numbers match the traffic sent.
@Suite struct MetricsTests {
    @Test func requestsEventsAndCommitsAreCounted() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let token = try await app.token()
        let text = try await app.test { client in
            for index in 0..<3 {
                _ = try await client.post(
                    "\(TestApp.base)/track",
                    token: token,
                    body: #"{"userId":"u","event":"e\#(index)"}"#
                )
            }
            _ = try await client.post("\(TestApp.base)/track", token: token, body: #"{"event":"no user"}"#)
            _ = try await client.compatPost("/v1/track", body: #"{"userId":"u","event":"s"}"#, basicUser: token)
            return try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
        }
        let route = "/track/{clientId}/{accountId}/{brandId}/v1/{action}"
        #expect(text.contains(#"cairn_events_accepted_total{surface="track"} 3"#), "\(text)")
        #expect(text.contains(#"cairn_events_accepted_total{surface="segment"} 1"#))
        #expect(
            text.contains(#"cairn_http_requests_total{route="\#(route)",method="POST",status="200"} 3"#)
                || text.contains(#"cairn_http_requests_total{method="POST",route="\#(route)",status="200"} 3"#),
            "\(text)"
        )
        #expect(text.contains("status=\"400\""))
        #expect(text.contains("cairn_group_commit_events_count"))
        #expect(text.contains("cairn_http_request_duration_seconds_bucket"))
    }

    @Test func unknownPathsAreLabelledUnmatched() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let (unknown, wrongMethod, text) = try await app.test { client in
            let notFound = try await client.execute(uri: "/no/such/path", method: .get) { $0.status }
            let refused = try await client.execute(uri: "/metrics", method: .delete) { $0.status }
            // An answer is counted once it is made: the first read shows in the second.
            _ = try await client.execute(uri: "/metrics", method: .get) { $0.status }
            let body = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            return (notFound, refused, body)
        }
        #expect(unknown == .notFound)
        #expect(wrongMethod == .methodNotAllowed)
        let unmatched = text.split(separator: "\n").filter {
            $0.hasPrefix("cairn_http_requests_total{") && $0.contains(#"route="unmatched""#)
        }
        let unknownCounted = unmatched.contains { $0.contains(#"status="404""#) && $0.contains(#"method="GET""#) }
        let wrongMethodCounted = unmatched.contains {
            $0.contains(#"status="405""#) && $0.contains(#"method="DELETE""#)
        }
        #expect(unknownCounted, "\(text)")
        #expect(wrongMethodCounted, "\(text)")
        #expect(text.contains(#"route="/metrics""#), "a matched route keeps its template")
        #expect(!text.contains("NotFound"), "Hummingbird's own name for no match never reaches the labels")
    }

    @Test func theRouteLabelIsATemplateOrUnmatched() {
        #expect(httpMetricsRoute(endpointPath: "/track/{clientId}") == "/track/{clientId}")
        #expect(httpMetricsRoute(endpointPath: "/") == "/")
        #expect(httpMetricsRoute(endpointPath: nil) == "unmatched")
        #expect(httpMetricsRoute(endpointPath: "NotFound") == "unmatched")
    }

    @Test func aConfiguredTokenGuardsTheMetrics() async throws {
        let app = try await TestApp { $0.metricsToken = "s3cret" }
        let (none, wrong, right, lowercase) = try await app.test { client in
            (
                try await client.execute(uri: "/metrics", method: .get) { $0.status },
                try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer nope"]) {
                    $0.status
                },
                try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer s3cret"]) {
                    $0.status
                },
                try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "bearer s3cret"]) {
                    $0.status
                }
            )
        }
        #expect([none, wrong, right] == [.unauthorized, .unauthorized, .ok])
        #expect(lowercase == .ok, "the scheme in any case, as on the admin API")
    }
}
