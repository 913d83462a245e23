public import CairnCore
import Foundation
import NIOPosix

/// Leaves each letter in a spool directory for a print house's pick-up job: a folder named by the
/// message id holding `letter.html`, `letter.json` and, with a PDF renderer, `letter.pdf`. The
/// folder is written in the spool's hidden `.partial/` folder (as `{messageId}.{random}`) and
/// renamed into place once every file is on the disk, so a pick-up job never sees half a letter;
/// a send tried again after a crash finds a complete folder and replaces nothing, and first moves
/// aside what the attempt the crash cut short left (renamed before it is removed, so a letter
/// another node is still writing can never be published half-deleted: its rename fails, and it
/// is tried again). File work runs on NIO's thread pool, not the cooperative threads.
public final class PrintSpoolSender: ChannelSender {
    private let directory: String
    private let renderer: PDFRenderer?

    public init(directory: String, renderer: PDFRenderer?) {
        self.directory = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.renderer = renderer
    }

    /// Where letters are written before they are whole.
    var partials: String { directory + "/.partial" }

    public func send(_ message: OutboxMessage) async -> SendOutcome {
        guard let letter = PrintLetter(message) else {
            return .permanent(PrintLetter.noAddress, withdrawsConsent: false)
        }
        let final = directory + "/" + message.messageId
        let partial = partials + "/\(message.messageId).\(UUID().uuidString)"
        do {
            let partials = self.partials
            let complete = try await Self.onPool {
                if LetterFiles.exists(final) { return true }
                try LetterFiles.makeDirectory(partials)
                Self.clearLeftovers(of: message.messageId, in: partials)
                try LetterFiles.makeDirectory(partial)
                try LetterFiles.write(Array(letter.html.utf8), to: partial + "/letter.html")
                return false
            }
            if complete { return .sent(providerMessageId: message.messageId) }
            if let renderer {
                let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "cairn-chromium-\(UUID().uuidString)"
                ).path
                defer { LetterFiles.remove(scratch) }
                do {
                    try await renderer.render(
                        html: partial + "/letter.html",
                        to: partial + "/letter.pdf",
                        scratch: scratch
                    )
                } catch {
                    LetterFiles.remove(partial)
                    return .transient(.providerUnavailable("Print: \(error)"))
                }
            }
            let hasPDF = renderer != nil
            let directory = self.directory
            try await Self.onPool {
                if hasPDF { try LetterFiles.sync(file: partial + "/letter.pdf") }
                try LetterFiles.write(Array(letter.record().encoded()), to: partial + "/letter.json")
                try LetterFiles.sync(directory: partial)
                // Another node may have completed the same letter meanwhile: theirs stands.
                if try !LetterFiles.rename(partial, to: final) { LetterFiles.remove(partial) }
                try LetterFiles.sync(directory: directory)
            }
        } catch {
            LetterFiles.remove(partial)
            return .transient(.providerUnavailable("Print spool: \(error)"))
        }
        return .sent(providerMessageId: message.messageId)
    }

    /// Moves aside, then removes, what earlier attempts at this letter left in `.partial/`.
    private static func clearLeftovers(of messageId: String, in partials: String) {
        let prefix = messageId + "."
        let names = (try? FileManager.default.contentsOfDirectory(atPath: partials)) ?? []
        for name in names where name.hasPrefix(prefix) {
            let trash = partials + "/trash-\(UUID().uuidString)"
            if (try? LetterFiles.rename(partials + "/" + name, to: trash)) == true { LetterFiles.remove(trash) }
        }
    }

    private static func onPool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    public func shutdown() async {}
}
