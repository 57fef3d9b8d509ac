import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One run of a command in a child process, measured from outside: wall time and the child's
/// peak resident memory (`wait4`'s rusage), its output discarded. What a user running the
/// command would see, start-up included.
struct ChildMeasurement {
    let seconds: Double
    /// Peak resident set of the child, in MiB.
    let peakMiB: Double
    let status: Int32

    /// Runs `arguments` (the first is the program, looked up in PATH) with standard output and
    /// error sent to /dev/null.
    static func run(_ arguments: [String]) throws -> ChildMeasurement {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let start = ContinuousClock.now
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw CommandFailure("cannot start \(arguments[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return ChildMeasurement(seconds: seconds, peakMiB: Double(usage.ru_maxrss) / 1024, status: exit)
    }
}
