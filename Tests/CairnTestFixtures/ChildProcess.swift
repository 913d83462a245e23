public import Foundation
import Synchronization

/// A child process of the tests (a `cairn serve` node, a Python peer, a tool run to its end),
/// started with `posix_spawn` (Foundation's `Process` crashes now and then on Linux with this
/// toolchain). It ends with the test process: it gets SIGKILL when its parent goes, and when
/// the last reference to it goes while it still runs. Waiting for it never blocks a thread.
public final class ChildProcess: Sendable {
    /// Where the child's standard input comes from.
    public enum Input: Sendable, Equatable {
        case null
        case file(String)
        /// A pipe whose writing end the test holds (`closeInput()` gives the child end of file).
        case pipe
    }

    /// Where the child's standard output or error goes.
    public enum Output: Sendable, Equatable {
        case null
        /// Appended to the file, which is created when missing.
        case file(String)
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let pid: pid_t
    /// The writing end of the child's standard input (`.pipe`), until closed.
    private let input: Mutex<Int32?>
    /// The wait status, once the child has ended and been reaped.
    private let ended = Mutex<Int32?>(nil)

    init(pid: pid_t, input: Int32?) {
        self.pid = pid
        self.input = Mutex(input)
    }

    deinit {
        closeInput()
        if reap() == nil {
            // Still running and no one can stop it any more: it must not outlive its test.
            kill(pid, SIGKILL)
            _ = reap()
        }
    }

    /// Starts `executable` (a path) with `arguments`; `environment` is this process's when nil.
    public static func spawn(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        directory: String? = nil,
        input: Input = .null,
        output: Output = .null,
        error: Output = .null
    ) async throws -> ChildProcess {
        // Checked here: setpriv would start and then fail to run it, which looks like an exit.
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Failure(description: "\(executable) is not an executable file")
        }
        let request = SpawnRequest(
            arguments: ChildSpawner.deathSignalPrefix + [executable] + arguments,
            environment: (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" },
            directory: directory,
            input: input,
            output: output,
            error: error
        )
        let (pid, writer) = try await ChildSpawner.shared.run { try request.spawn() }
        return ChildProcess(pid: pid, input: writer)
    }

    /// Runs a program to its end and gives its exit status (see `wait()`).
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        input: Input = .null,
        output: Output = .null,
        error: Output = .null
    ) async throws -> Int32 {
        let child = try await spawn(
            executable,
            arguments,
            environment: environment,
            input: input,
            output: output,
            error: error
        )
        return await child.wait()
    }

    /// Whether the child still runs (it is reaped as soon as it is seen to have ended).
    public var isRunning: Bool { reap() == nil }

    /// Its exit status once it has ended: the exit code, or the signal's number if a signal
    /// ended it (as Foundation's `terminationStatus`); nil while it runs.
    public var status: Int32? { reap().map(Self.decode) }

    /// Sends `signal`, unless the child has already ended (its pid may then be someone else's).
    public func signal(_ signal: Int32) {
        ended.withLock { status in
            if status == nil { kill(pid, signal) }
        }
    }

    public func terminate() { signal(SIGTERM) }

    /// Closes the writing end of its standard input, if it has one.
    public func closeInput() {
        input.withLock { descriptor in
            if let open = descriptor { close(open) }
            descriptor = nil
        }
    }

    /// Waits for the child to end (looking every few milliseconds, on no thread meanwhile) and
    /// gives its status (see `status`).
    public func wait() async -> Int32 {
        var pause = 1
        while true {
            if let raw = reap() { return Self.decode(raw) }
            try? await Task.sleep(for: .milliseconds(pause))
            pause = min(pause * 2, 20)
        }
    }

    /// Waits for the child to end; sends SIGKILL if it still runs after `limit` (a bound on a
    /// hang, not a measure of speed).
    public func wait(killingAfter limit: Duration) async -> Int32 {
        let deadline = ContinuousClock.now + limit
        while isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        signal(SIGKILL)
        return await wait()
    }

    /// The raw wait status if the child has ended, reaping it the first time it is seen ended.
    private func reap() -> Int32? {
        ended.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &raw, WNOHANG) } while result == -1 && errno == EINTR
            if result == pid {
                status = raw
            } else if result == -1 {
                // Not our child any more (reaped elsewhere): count it as ended, status unknown.
                status = 0x7f00
            }
            return status
        }
    }

    private static func decode(_ raw: Int32) -> Int32 {
        (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : raw & 0x7f
    }
}
