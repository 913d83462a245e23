import Hummingbird
import Synchronization

/// The routes the server answers, by path template and method, so that a request that found
/// no route can be told apart: a path Cairn serves with another method (405, with `Allow`), or
/// no such path at all (404).
package final class RouteTable: Sendable {
    private let routes = Mutex<[(segments: [Substring], method: HTTPRequest.Method)]>([])

    /// Takes the router's routes, once they are all added.
    func record(_ descriptions: [Router<CairnRequestContext>.RouteDescription]) {
        let entries = descriptions.map { description in
            (segments: Self.segments(description.path.description), method: description.method)
        }
        routes.withLock { $0 = entries }
    }

    /// Every route as method and path template (`GET /track/:clientId/…`).
    package var templates: [(method: String, path: String)] {
        routes.withLock { routes in routes.map { ($0.method.rawValue, "/" + $0.segments.joined(separator: "/")) } }
    }

    /// The methods Cairn answers on `path`; empty when it serves no such path. As in the
    /// router, a segment that matches a route's literal never reaches another's parameter there
    /// (`POST …/v1/events` is not the Track API's `:action`).
    func methods(for path: String) -> [HTTPRequest.Method] {
        let wanted = Self.segments(path)
        return routes.withLock { routes in
            var matching = routes.filter { route in
                route.segments.count == wanted.count
                    && zip(route.segments, wanted).allSatisfy { template, segment in
                        Self.isParameter(template) || template == segment
                    }
            }
            for index in wanted.indices where matching.contains(where: { $0.segments[index] == wanted[index] }) {
                matching.removeAll { Self.isParameter($0.segments[index]) }
            }
            var methods: [HTTPRequest.Method] = []
            for route in matching where !methods.contains(route.method) {
                methods.append(route.method)
                // The router answers HEAD wherever it answers GET.
                if route.method == .get, !methods.contains(.head) { methods.append(.head) }
            }
            return methods
        }
    }

    private static func isParameter(_ template: Substring) -> Bool {
        template.hasPrefix(":") || (template.hasPrefix("{") && template.hasSuffix("}")) || template == "*"
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }
}
