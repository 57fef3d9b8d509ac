import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file so that readers (and a crash) only ever see the old or the new content.
///
/// Write a temporary file in the same directory (created with the final permissions, never
/// chmod-ed afterwards), fsync it, rename it over the target (or link it into place when nothing
/// may be replaced), fsync the directory. The one writer every file certmap saves goes through:
/// configuration, keys and certificates, sessions, exports. Before the
/// rename the current file is hard-linked to `NAME.1` after shifting older backups up, keeping
/// `backups` numbered copies. Any failure removes the temporary file and leaves the target as it was.
public struct AtomicFileWriter: Sendable {
    public var permissions: mode_t
    public var backups: Int

    public init(permissions: mode_t = 0o644, backups: Int = 0) {
        self.permissions = permissions
        self.backups = backups
    }

    /// - Parameter replacingExisting: false creates the file only if none is there (the new file
    ///   is linked into place, which fails when the name exists) — for keys and certificates
    ///   that must never be overwritten by accident.
    public func write(_ data: Data, to url: URL, replacingExisting: Bool = true) throws {
        let draft = try begin(url, replacingExisting: replacingExisting)
        try draft.append(data)
        try draft.commit()
    }

    /// Starts writing `url` piece by piece (a session imported from a large log): the pieces go
    /// to the temporary file as they come, and `commit()` puts it in place as `write` does. A
    /// draft dropped without `commit()` is removed and leaves the target as it was.
    public func begin(_ url: URL, replacingExisting: Bool = true) throws -> Draft {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw Self.creationFailure(errno, directory: directory, url: url) }
        return Draft(writer: self, url: url, temporary: temporary, descriptor: descriptor, replacingExisting: replacingExisting)
    }

    /// A file being written atomically (see `begin`).
    public final class Draft {
        private let writer: AtomicFileWriter
        private let url: URL
        private let temporary: URL
        private var descriptor: Int32
        private let replacingExisting: Bool
        private var finished = false

        fileprivate init(writer: AtomicFileWriter, url: URL, temporary: URL, descriptor: Int32, replacingExisting: Bool) {
            self.writer = writer
            self.url = url
            self.temporary = temporary
            self.descriptor = descriptor
            self.replacingExisting = replacingExisting
        }

        deinit { discard() }

        public func append(_ data: Data) throws {
            precondition(!finished, "append after commit")
            try AtomicFileWriter.writeAll(data, to: descriptor, url: url)
        }

        /// fsync, then rename (or link) into place, then fsync the directory.
        public func commit() throws {
            precondition(!finished, "commit twice")
            defer { discard() }
            guard fsync(descriptor) == 0 else { throw AtomicFileWriter.failure("fsync failed", url) }
            close(descriptor)
            descriptor = -1
            if replacingExisting {
                if writer.backups > 0 { try writer.rotateBackups(of: url) }
                guard rename(temporary.path, url.path) == 0 else { throw AtomicFileWriter.failure("cannot rename into place", url) }
            } else {
                guard link(temporary.path, url.path) == 0 else {
                    throw errno == EEXIST ? ConfigError.io(file: url.path, detail: "already exists") : AtomicFileWriter.failure("cannot create", url)
                }
                unlink(temporary.path)
            }
            finished = true
            AtomicFileWriter.syncDirectory(url.deletingLastPathComponent())
        }

        /// Closes and removes the temporary file unless it was put in place.
        private func discard() {
            if descriptor >= 0 {
                close(descriptor)
                descriptor = -1
            }
            if !finished { unlink(temporary.path) }
            finished = true
        }
    }

    /// `NAME.1` is the newest backup; `NAME.<backups>` the oldest.
    public static func backupURL(of url: URL, number: Int) -> URL {
        url.deletingLastPathComponent().appendingPathComponent("\(url.lastPathComponent).\(number)")
    }

    /// Links the current file to a temporary name first, so a failure leaves every backup where
    /// it was; only then shifts `NAME.1…` up (each rename replaces its target atomically) and
    /// moves the link into place as `NAME.1`.
    fileprivate func rotateBackups(of url: URL) throws {
        guard access(url.path, F_OK) == 0 else { return }
        let pending = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).backup.\(getpid()).tmp")
        unlink(pending.path)
        guard link(url.path, pending.path) == 0 else {
            throw Self.failure("cannot keep a backup of \(url.lastPathComponent)", url)
        }
        for number in stride(from: backups - 1, through: 1, by: -1) {
            let from = Self.backupURL(of: url, number: number)
            if access(from.path, F_OK) == 0 {
                rename(from.path, Self.backupURL(of: url, number: number + 1).path)
            }
        }
        guard rename(pending.path, Self.backupURL(of: url, number: 1).path) == 0 else {
            let failure = Self.failure("cannot keep a backup as \(url.lastPathComponent).1", url)
            unlink(pending.path)
            throw failure
        }
    }

    fileprivate static func writeAll(_ data: Data, to descriptor: Int32, url: URL) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw failure("write failed", url) }
                offset += written
            }
        }
    }

    fileprivate static func syncDirectory(_ directory: URL) {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// Why nothing could be created next to `url`, about the directory a person chose — never
    /// the temporary file's name, which they never asked for.
    private static func creationFailure(_ code: Int32, directory: URL, url: URL) -> ConfigError {
        let detail: String
        switch code {
        case ENOENT: detail = "cannot write it: the directory \(directory.path) does not exist"
        case ENOTDIR: detail = "cannot write it: \(directory.path) is not a directory"
        case EACCES, EPERM: detail = "cannot write it: no permission to create files in \(directory.path)"
        case EROFS: detail = "cannot write it: \(directory.path) is on a read-only file system"
        case ENOSPC, EDQUOT: detail = "cannot write it: no space left in \(directory.path)"
        default: detail = "cannot write it in \(directory.path): \(String(cString: strerror(code)))"
        }
        return .io(file: url.path, detail: detail)
    }

    fileprivate static func failure(_ what: String, _ url: URL) -> ConfigError {
        .io(file: url.path, detail: "\(what): \(String(cString: strerror(errno)))")
    }
}
