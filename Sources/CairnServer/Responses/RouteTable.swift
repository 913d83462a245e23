import Hummingbird
import Synchronization

/// The routes the server answers, by path template and method, so that a request that found
/// no route can be told apart: a path Cairn serves with another method (405, with `Allow`), or
/// no such path at all (404).
final class RouteTable: Sendable {
    private let routes = Mutex<[(segments: [Substring], method: HTTPRequest.Method)]>([])

    /// Takes the router's routes, once they are all added.
    func record(_ descriptions: [Router<CairnRequestContext>.RouteDescription]) {
        let entries = descriptions.map { description in
            (segments: Self.segments(description.path.description), method: description.method)
        }
        routes.withLock { $0 = entries }
    }

    /// The methods Cairn answers on `path`; empty when it serves no such path.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let wanted = Self.segments(path)
        return routes.withLock { routes in
            var methods: [HTTPRequest.Method] = []
            for route in routes where route.segments.count == wanted.count && !methods.contains(route.method) {
                let matches = zip(route.segments, wanted).allSatisfy { template, segment in
                    template.hasPrefix(":") || (template.hasPrefix("{") && template.hasSuffix("}")) || template == "*"
                        || template == segment
                }
                if matches {
                    methods.append(route.method)
                    // The router answers HEAD wherever it answers GET.
                    if route.method == .get, !methods.contains(.head) { methods.append(.head) }
                }
            }
            return methods
        }
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }
}
