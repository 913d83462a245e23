import CairnCore
import CompressNIO
import Hummingbird
import NIOCore

/// Reads the body of a Segment or Salesmachine request: `Content-Encoding: gzip` (or `deflate`)
/// is undone, and the limit applies to the JSON itself, so a small compressed body cannot
/// unpack into a large one. Any content type is taken: their SDKs do not all send one.
struct CompatBodyReader: Sendable {
    let maxBytes: Int
    let maxDepth: Int

    enum Failure: Error {
        case tooLarge
        case unsupportedEncoding(String)
        case corruptCompression
        case invalidJSON(EventRejection)
    }

    struct Body {
        var bytes: [UInt8]
        var json: JSONValue
    }

    /// Throws `Failure` for a body that breaks the rules.
    func read(_ request: Request) async throws -> Body {
        let bytes = try await readBytes(request)
        do throws(JSONParseError) {
            return Body(bytes: bytes, json: try JSONParser.parse(bytes, maxDepth: maxDepth))
        } catch {
            switch error {
            case .tooDeep(let limit):
                throw Failure.invalidJSON(
                    EventRejection(.jsonTooDeep, "The JSON is nested deeper than the limit of \(limit) levels.")
                )
            case .invalidSyntax(let offset, let reason):
                throw Failure.invalidJSON(
                    EventRejection(.invalidJSON, "The body is not valid JSON: \(reason) at byte \(offset).")
                )
            }
        }
    }

    private func readBytes(_ request: Request) async throws -> [UInt8] {
        let encoding = (request.headers[.contentEncoding] ?? "identity").lowercased()
        let algorithm: CompressionAlgorithm?
        switch encoding.filter({ $0 != " " && $0 != "\t" }) {
        case "", "identity": algorithm = nil
        case "gzip", "x-gzip": algorithm = .gzip()
        case "deflate": algorithm = .zlib()
        default: throw Failure.unsupportedEncoding(encoding)
        }
        if algorithm == nil, let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw Failure.tooLarge
        }
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw Failure.tooLarge
        }
        guard let algorithm else { return Array(buffer.readableBytesView) }
        do {
            // The limit given is where decompression stops growing its buffer; the last buffer may be
            // allocated larger, so the size is checked again.
            let inflated = try buffer.decompress(with: algorithm, maxSize: maxBytes)
            guard inflated.readableBytes <= maxBytes else { throw Failure.tooLarge }
            return Array(inflated.readableBytesView)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw Failure.tooLarge
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.corruptCompression
        }
    }
}
