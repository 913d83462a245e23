import Foundation
import Synchronization

/// The one thread that starts every child process of the tests, and never ends.
///
/// Children are started through `setpriv --pdeathsig KILL`, which asks the kernel to kill the
/// child when its parent goes. The kernel means the parent *thread*: a child started from a
/// thread of the cooperative pool would be killed whenever that thread is let go. So every
/// `posix_spawn` happens here, on a thread that lives as long as the test process.
final class ChildSpawner: Sendable {
    static let shared = ChildSpawner()

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let waiting = DispatchSemaphore(value: 0)

    private init() {
        let thread = Thread { [self] in
            while true {
                waiting.wait()
                let job = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                job?()
            }
        }
        thread.name = "cairn-test-spawner"
        thread.start()
    }

    /// Runs `work` on the spawning thread and gives its result, without blocking the caller's thread.
    func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            jobs.withLock { $0.append { continuation.resume(with: Result { try work() }) } }
            waiting.signal()
        }
    }

    /// `setpriv` from util-linux, when the machine has it: the parent-death signal. Without it
    /// children are started as they are (scripts/test.sh still ends them with the run).
    static let deathSignalPrefix: [String] = {
        let setpriv = "/usr/bin/setpriv"
        guard FileManager.default.isExecutableFile(atPath: setpriv) else { return [] }
        return [setpriv, "--pdeathsig", "KILL", "--"]
    }()

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), looked up at run time
    /// because Swift's Glibc module leaves out the GNU extensions.
    static let addCloseFrom: CloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), likewise.
    static let addChangeDirectory: ChangeDirectory? = symbol("posix_spawn_file_actions_addchdir_np")

    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias ChangeDirectory =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    private static func symbol<Function>(_ name: String) -> Function? {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: Function.self)
    }
}
