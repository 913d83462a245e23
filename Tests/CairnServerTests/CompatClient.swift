import CairnCore
import CairnStorage
import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// Requests as the Segment and Salesmachine clients send them.
extension TestClientProtocol {
    func compatPost(
        _ path: String,
        body: String,
        basicUser: String? = nil,
        password: String = "",
        gzip: Bool = false,
        headers extra: HTTPFields = [:]
    ) async throws -> Answer {
        var headers = extra
        headers[.contentType] = headers[.contentType] ?? "application/json"
        if let basicUser {
            headers[.authorization] = "Basic " + Data("\(basicUser):\(password)".utf8).base64EncodedString()
        }
        var buffer = ByteBuffer(string: body)
        if gzip {
            buffer = try buffer.compress(with: .gzip())
            headers[.contentEncoding] = "gzip"
        }
        return try await execute(uri: path, method: .post, headers: headers, body: buffer) { Answer(response: $0) }
    }
}

/// Events of the test brand as the Events API lists them, newest first.
extension TestApp {
    func loggedEvents(size: Int = 100) async throws -> [StoredEvent] {
        var query = EventQuery(tenant: Self.tenant)
        query.size = size
        return try await stores.eventLog.events(matching: query)
    }
}

extension JSONValue {
    /// The item at `index` of an array, or nil.
    subscript(index: Int) -> JSONValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
