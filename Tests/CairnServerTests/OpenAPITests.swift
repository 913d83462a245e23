import CairnCore
import CairnServer
import CairnStorage
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The OpenAPI document at `/openapi.json` and the router agree: every route is described, and
/// everything described is a route. (scripts/check-openapi.sh then checks the answers.)
@Suite struct OpenAPITests {
    static let methods = ["get", "put", "post", "delete", "patch", "head", "options"]

    @Test func theDocumentIsServedAsOpenAPI31() async throws {
        let app = try await TestApp()
        let answer = try await app.test { client in try await client.get("/openapi.json", token: nil) }
        #expect(answer.status == .ok)
        #expect(answer.headers[.contentType] == "application/json")
        #expect(answer.json["openapi"] == "3.1.0")
        #expect(answer.json["info"]?["title"]?.stringValue?.isEmpty == false)
    }

    @Test func everyRouteIsDescribedAndEveryDescribedOperationIsARoute() async throws {
        let app = try await TestApp { configuration in
            configuration.sending.secretKey = SecretKey.generate()
        }
        let dependencies = AppDependencies(stores: app.stores, clock: app.clock)
        _ = try await buildApplication(app.configuration, dependencies: dependencies)
        let routes = dependencies.routes.templates.map {
            (method: $0.method.lowercased(), path: Self.segments($0.path))
        }
        try #require(!routes.isEmpty)

        let document = try await app.test { client in try await client.get("/openapi.json", token: nil) }.json
        let paths = try #require(document["paths"]?.objectValue)
        var operations: [(method: String, path: [Substring])] = []
        for (path, item) in paths {
            for method in Self.methods where item[method] != nil {
                operations.append((method, Self.segments(path)))
            }
        }

        let undescribed = routes.filter { route in
            !operations.contains { $0.method == route.method && Self.matches(route: route.path, described: $0.path) }
        }
        #expect(undescribed.isEmpty, "routes missing from the document: \(undescribed)")
        // Browsers' CORS preflights are answered by middleware, not routes.
        let unrouted = operations.filter { operation in
            operation.method != "options"
                && !routes.contains {
                    $0.method == operation.method && Self.matches(route: $0.path, described: operation.path)
                }
        }
        #expect(unrouted.isEmpty, "operations no route answers: \(unrouted)")
    }

    /// `{name}` (OpenAPI's and the router's description of its `:name`), `:name` or `*`.
    static func isParameter(_ segment: Substring) -> Bool {
        (segment.hasPrefix("{") && segment.hasSuffix("}")) || segment.hasPrefix(":") || segment == "*"
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// Whether a described path is one the route answers: equal segments, a parameter for a
    /// parameter, or a literal where the route takes a parameter (the Track API's actions).
    static func matches(route: [Substring], described: [Substring]) -> Bool {
        guard route.count == described.count else { return false }
        return zip(route, described).allSatisfy { template, segment in
            if isParameter(template) { return true }
            return !isParameter(segment) && template == segment
        }
    }
}
