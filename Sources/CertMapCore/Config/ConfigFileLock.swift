import Foundation

/// An exclusive advisory lock (`flock`) on the data directory, held by every writer of the
/// configuration — the console, `mappings add/remove`, `import`, `pki init --force` — from the
/// moment it reads the file to the moment the new one is renamed into place, so two writers can
/// never both read version A and each write their own B (the later silently undoing the
/// earlier). Works across processes; readers never need it (writes are atomic renames). Locking
/// the directory itself leaves no lock file behind.
enum ConfigFileLock {
    static func withLock<T>(_ home: DataHome, _ body: () throws -> T) throws -> T {
        try home.create()
        let path = home.url.path
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ConfigError.io(file: path, detail: "cannot open the data directory to lock it: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw ConfigError.io(file: path, detail: "cannot lock the data directory: \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
