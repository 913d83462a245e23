import CairnCore
import CompressNIO
import Hummingbird
import NIOCore

/// A request body as the gateway read it: the bytes to store and the JSON parsed once from them.
struct IngestBody: Sendable {
    var bytes: [UInt8]
    var json: JSONValue
}

/// Why a body could not be read; each surface words it its own way (`IngestSurface.refusal(for:style:)`).
enum IngestBodyError: Error {
    case unsupportedMediaType
    case tooLarge(limit: Int)
    case unsupportedEncoding(String)
    case corruptCompression
    case invalidJSON(EventRejection)
    /// The HTTP framing of the body is broken (a bad chunk size, a body shorter than declared…).
    case malformed
}

/// Reads every ingest body the same way, under its surface's policy: the content type (where
/// the surface insists on JSON), the size (refused from `Content-Length` before any byte is
/// read where the client sent one, and measured after decompression, so a small compressed
/// body cannot unpack into a large one), and the nesting depth. The JSON is parsed once, here.
struct IngestBodyReader: Sendable {
    /// What a surface asks of a body.
    struct Policy: Sendable {
        var maxBytes: Int
        /// The Track API insists on `application/json`; the Segment and Salesmachine SDKs do not all send it.
        var requiresJSONContentType: Bool
        /// Whether `Content-Encoding: gzip` or `deflate` is undone.
        var decompresses: Bool
    }

    let maxDepth: Int
    /// The Track API's limit (the spec's 6 MB unless configured).
    let trackMaxBytes: Int

    /// Reads the body under `surface`'s policy; a body that breaks it is refused in the surface's words.
    func read(_ request: Request, surface: IngestSurface, style: APIError.Style) async throws -> IngestBody {
        do {
            return try await read(request, policy: surface.bodyPolicy(trackMaxBytes))
        } catch let failure as IngestBodyError {
            throw surface.refusal(for: failure, style: style)
        }
    }

    /// The first byte of the body that is not white space, reading no more than it must (and
    /// nothing of a compressed body): enough to tell a JSON array from an object.
    static func firstSignificantByte(_ request: Request) async throws -> UInt8? {
        guard (request.headers[.contentEncoding] ?? "identity").lowercased() == "identity" else { return nil }
        var scanned = 0
        for try await chunk in request.body {
            for byte in chunk.readableBytesView {
                if ![UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(byte) {
                    return byte
                }
            }
            scanned += chunk.readableBytes
            if scanned > 65_536 { return nil }
        }
        return nil
    }

    /// Throws `IngestBodyError` for a body that breaks the policy.
    func read(_ request: Request, policy: Policy) async throws -> IngestBody {
        if policy.requiresJSONContentType, !Self.isJSON(request.headers[.contentType]) {
            throw IngestBodyError.unsupportedMediaType
        }
        let bytes = try await readBytes(request, policy: policy)
        do throws(JSONParseError) {
            return IngestBody(bytes: bytes, json: try JSONParser.parse(bytes, maxDepth: maxDepth))
        } catch {
            switch error {
            case .tooDeep(let limit):
                throw IngestBodyError.invalidJSON(
                    EventRejection(.jsonTooDeep, "The JSON is nested deeper than the limit of \(limit) levels.")
                )
            case .invalidSyntax(let offset, let reason):
                throw IngestBodyError.invalidJSON(
                    EventRejection(.invalidJSON, "The body is not valid JSON: \(reason) at byte \(offset).")
                )
            }
        }
    }

    private func readBytes(_ request: Request, policy: Policy) async throws -> [UInt8] {
        let maxBytes = policy.maxBytes
        let algorithm = policy.decompresses ? try Self.algorithm(request) : nil
        if algorithm == nil, let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw IngestBodyError.tooLarge(limit: maxBytes)
        }
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw IngestBodyError.tooLarge(limit: maxBytes)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The HTTP parser's own errors: the client's fault, answered 400, not logged as ours.
            throw IngestBodyError.malformed
        }
        guard let algorithm else { return Array(buffer.readableBytesView) }
        do {
            // The limit given is where decompression stops growing its buffer; the last buffer may be
            // allocated larger, so the size is checked again.
            let inflated = try buffer.decompress(with: algorithm, maxSize: maxBytes)
            guard inflated.readableBytes <= maxBytes else { throw IngestBodyError.tooLarge(limit: maxBytes) }
            return Array(inflated.readableBytesView)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw IngestBodyError.tooLarge(limit: maxBytes)
        } catch let failure as IngestBodyError {
            throw failure
        } catch {
            throw IngestBodyError.corruptCompression
        }
    }

    private static func algorithm(_ request: Request) throws(IngestBodyError) -> CompressionAlgorithm? {
        let encoding = (request.headers[.contentEncoding] ?? "identity").lowercased()
        switch encoding.filter({ $0 != " " && $0 != "\t" }) {
        case "", "identity": return nil
        case "gzip", "x-gzip": return .gzip()
        case "deflate": return .zlib()
        default: throw .unsupportedEncoding(encoding)
        }
    }

    /// `application/json`, with or without parameters such as `; charset=utf-8`, in any case.
    static func isJSON(_ value: String?) -> Bool {
        guard let value else { return false }
        let mediaType = value.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.trimmingSpaces().lowercased() == "application/json"
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result = result.dropFirst() }
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return result
    }
}
