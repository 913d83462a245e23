public import CairnCore
import Foundation

/// Leaves each letter in a spool directory for a print house's pick-up job: a folder named by the
/// message id holding `letter.html`, `letter.json` and, with a PDF renderer, `letter.pdf`. The
/// folder is written under a hidden name (`.{messageId}.{random}`) and renamed into place once
/// every file is on the disk, so a pick-up job never sees half a letter; a send tried again
/// after a crash finds a complete folder and replaces nothing (and clears the hidden leftovers
/// of the attempt the crash cut short).
public final class PrintSpoolSender: ChannelSender {
    private let directory: String
    private let renderer: PDFRenderer?

    public init(directory: String, renderer: PDFRenderer?) {
        self.directory = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.renderer = renderer
    }

    public func send(_ message: OutboxMessage) async -> SendOutcome {
        guard let letter = PrintLetter(message) else {
            return .permanent(PrintLetter.noAddress, withdrawsConsent: false)
        }
        let final = directory + "/" + message.messageId
        if LetterFiles.exists(final) { return .sent(providerMessageId: message.messageId) }
        do {
            try LetterFiles.makeDirectory(directory)
            clearLeftovers(of: message.messageId)
            let partial = directory + "/.\(message.messageId).\(UUID().uuidString)"
            try LetterFiles.makeDirectory(partial)
            defer { LetterFiles.remove(partial) }
            try LetterFiles.write(Array(letter.html.utf8), to: partial + "/letter.html")
            if let renderer {
                let scratch = directory + "/.\(message.messageId).profile-\(UUID().uuidString)"
                defer { LetterFiles.remove(scratch) }
                do {
                    try await renderer.render(
                        html: partial + "/letter.html",
                        to: partial + "/letter.pdf",
                        scratch: scratch
                    )
                } catch {
                    return .transient(.providerUnavailable("Print: \(error)"))
                }
                try LetterFiles.sync(file: partial + "/letter.pdf")
            }
            try LetterFiles.write(Array(letter.record().encoded()), to: partial + "/letter.json")
            try LetterFiles.sync(directory: partial)
            // Another node may have completed the same letter meanwhile: theirs stands.
            _ = try LetterFiles.rename(partial, to: final)
            try LetterFiles.sync(directory: directory)
        } catch {
            return .transient(.providerUnavailable("Print spool: \(error)"))
        }
        return .sent(providerMessageId: message.messageId)
    }

    /// Removes the hidden folders an earlier attempt at this letter left (a crash mid-write).
    private func clearLeftovers(of messageId: String) {
        let prefix = ".\(messageId)."
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix(prefix) { LetterFiles.remove(directory + "/" + name) }
    }

    public func shutdown() async {}
}
