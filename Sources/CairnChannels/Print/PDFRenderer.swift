import Foundation
import Subprocess
import Synchronization
import SystemPackage

/// Turns a letter's HTML into a PDF with headless Chromium (`--print-to-pdf`), run as a child
/// process (swift-subprocess; never Foundation's `Process`). Each run has a profile folder of its
/// own, no scripts (the letter's policy allows none), no network (a letter's images are embedded, `data:` URLs), no environment of
/// the server's (its secrets stay out), and its own session, so that past `timeout` it is killed
/// with every helper process it started; at most `concurrency` run at once, since each is a whole
/// browser. What a letter may load is limited by its own policy (`PrintLetter`).
public final class PDFRenderer: Sendable {
    public let executable: String
    private let timeout: Duration
    private let slots: AsyncSlots

    public init(executable: String, timeout: Duration = .seconds(90), concurrency: Int = 2) {
        self.executable = executable
        self.timeout = timeout
        self.slots = AsyncSlots(count: max(1, concurrency))
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Renders `html` (a file) to `pdf` (a file in the same folder), using `scratch` for the
    /// browser's profile.
    public func render(html: String, to pdf: String, scratch: String) async throws(Failure) {
        await slots.acquire()
        defer { slots.release() }
        let arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
            "--user-data-dir=\(scratch)",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--no-pdf-header-footer", "--print-to-pdf=\(pdf)",
            URL(fileURLWithPath: html).absoluteString,
        ]
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .seconds(2))]
        let executable = self.executable
        let timeout = self.timeout
        let platformOptions = options
        typealias Run = Result<(Bool, String), any Error>
        let outcome: Run? = await withTaskGroup(of: Run?.self) { group in
            group.addTask {
                do {
                    let result = try await Subprocess.run(
                        .path(FilePath(executable)),
                        arguments: Arguments(arguments),
                        environment: .custom(["HOME": scratch, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]),
                        platformOptions: platformOptions,
                        output: .discarded,
                        error: .string(limit: 1 << 20)
                    )
                    return .success((result.terminationStatus.isSuccess, result.standardError))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch outcome {
        case nil:
            throw Failure(description: "the PDF renderer did not finish within \(timeout)")
        case .failure(let error)?:
            throw Failure(description: "the PDF renderer \(executable) could not run (\(error))")
        case .success((let succeeded, let errorText))?:
            guard succeeded, FileManager.default.fileExists(atPath: pdf) else {
                let last = errorText.split(separator: "\n").suffix(3).joined(separator: " | ")
                throw Failure(description: "the PDF renderer failed: \(last)")
            }
        }
    }
}

/// A fixed number of places, waited for without blocking a thread.
final class AsyncSlots: Sendable {
    private struct State {
        var free: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(free: count))
    }

    func acquire() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.free > 0 {
                    state.free -= 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
