import Foundation

/// The base URL of a provider's HTTP API, as settings take it.
enum HTTPBaseURL {
    /// `url` without its trailing slashes, when it is an absolute http(s) URL with a host and no
    /// query, fragment or credentials; nil otherwise.
    static func normalized(_ url: String) -> String? {
        var text = Substring(url)
        while text.hasSuffix("/") { text = text.dropLast() }
        guard let components = URLComponents(string: String(text)),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil,
            components.user == nil, components.password == nil
        else { return nil }
        return String(text)
    }
}
