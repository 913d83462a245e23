import Foundation

/// What `posix_spawn` needs to start one child; `spawn()` runs on the spawning thread.
struct SpawnRequest: Sendable {
    var arguments: [String]
    var environment: [String]
    var directory: String?
    var input: ChildProcess.Input
    var output: ChildProcess.Output
    var error: ChildProcess.Output

    /// Starts the child: its pid, and the writing end of its standard input when that is a pipe.
    /// The child gets standard input, output and error as asked, default signal handling and
    /// mask, and none of this process's other descriptors.
    func spawn() throws -> (pid: pid_t, input: Int32?) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        var pipe: (read: Int32, write: Int32)?
        switch input {
        case .null: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0)
        case .pipe:
            var ends: [Int32] = [-1, -1]
            guard Glibc.pipe(&ends) == 0 else { throw failure("pipe") }
            // Close-on-exec, so that no other child holds the writing end open (all children
            // start on this one thread, so none can start between these calls).
            _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
            pipe = (ends[0], ends[1])
            posix_spawn_file_actions_adddup2(&actions, ends[0], 0)
        }
        defer { if let pipe { close(pipe.read) } }
        Self.add(output, as: 1, to: &actions)
        if error == output, case .file = error {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            Self.add(error, as: 2, to: &actions)
        }
        if let closeFrom = ChildSpawner.addCloseFrom { _ = closeFrom(&actions, 3) }
        if let directory {
            guard let changeDirectory = ChildSpawner.addChangeDirectory else {
                throw ChildProcess.Failure(description: "this C library cannot set a child's directory")
            }
            _ = changeDirectory(&actions, directory)
        }

        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        // Signals this process ignores (SIGPIPE) would stay ignored in the child otherwise.
        sigfillset(&signals)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else {
            if let pipe { close(pipe.write) }
            throw ChildProcess.Failure(
                description: "could not start \(arguments.joined(separator: " ")): \(String(cString: strerror(result)))"
            )
        }
        return (pid, pipe?.write)
    }

    private static func add(
        _ output: ChildProcess.Output,
        as descriptor: Int32,
        to actions: inout posix_spawn_file_actions_t
    ) {
        switch output {
        case .null: posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
    }

    private func failure(_ call: String) -> ChildProcess.Failure {
        ChildProcess.Failure(description: "\(call) failed: \(String(cString: strerror(errno)))")
    }
}
