import Logging
import Synchronization

/// A logger whose messages (debug and up) are kept, to read an SMTP transcript back.
final class SMTPTestLog: Sendable {
    private let entries = Mutex<[String]>([])

    var messages: [String] { entries.withLock { $0 } }

    var logger: Logger {
        Logger(label: "cairn.test.smtp") { _ in Handler(log: self) }
    }

    fileprivate func append(_ message: String) {
        entries.withLock { $0.append(message) }
    }

    private struct Handler: LogHandler {
        let log: SMTPTestLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(
            level: Logger.Level,
            message: Logger.Message,
            metadata: Logger.Metadata?,
            source: String,
            file: String,
            function: String,
            line: UInt
        ) {
            log.append("\(message)")
        }
    }
}
