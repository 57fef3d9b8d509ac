import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system rules for PKI material (docs/design.md §10: "private keys are created 0600").
///
/// A private key is never written and then chmod-ed: it is created with `O_CREAT|O_EXCL` and
/// mode 0600, either directly at its final path (refusing to replace anything) or in a fresh
/// temporary file that is renamed over the old key, so no reader ever sees it with wider
/// permissions or half written.
enum PKIFiles {
    /// Creates `directory` (and parents) with mode 0700, or tightens an existing one to 0700.
    static func createPrivateDirectory(_ directory: URL) throws {
        let path = directory.path
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw PKIError.fileSystem(path: path, reason: "cannot create directory: \(PeopleText.describe(fileSystem: error))")
        }
        guard chmod(path, 0o700) == 0 else {
            throw PKIError.fileSystem(path: path, reason: posixError("cannot set mode 0700").reason)
        }
    }

    /// Writes a private key with mode 0600. Without `replace`, fails if the file exists.
    static func writePrivateKey(_ text: String, to url: URL, replace: Bool) throws {
        try writeFile(Array(text.utf8), to: url, mode: 0o600, replace: replace)
    }

    /// Writes a public file (certificate, bundle, CRL, manifest) with mode 0644.
    static func writePublicFile(_ text: String, to url: URL, replace: Bool) throws {
        try writeFile(Array(text.utf8), to: url, mode: 0o644, replace: replace)
    }

    /// Reads a UTF-8 text file with an error naming the path.
    static func readText(_ url: URL) throws -> String {
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw PKIError.fileSystem(path: url.path, reason: "cannot read: \(PeopleText.describe(fileSystem: error))")
        }
    }

    private static func writeFile(_ bytes: [UInt8], to url: URL, mode: mode_t, replace: Bool) throws {
        guard replace else {
            try createExclusively(bytes, at: url.path, mode: mode)
            return
        }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UInt32.random(in: 0...UInt32.max)).tmp")
        try createExclusively(bytes, at: temporary.path, mode: mode)
        guard rename(temporary.path, url.path) == 0 else {
            let error = posixError("cannot replace")
            unlink(temporary.path)
            throw PKIError.fileSystem(path: url.path, reason: error.reason)
        }
    }

    /// open(O_CREAT|O_EXCL, mode), write everything, fsync, close; removes the file on failure.
    private static func createExclusively(_ bytes: [UInt8], at path: String, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            let exists = errno == EEXIST
            throw PKIError.fileSystem(path: path, reason: exists ? "already exists" : posixError("cannot create").reason)
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let error = posixError("cannot write")
                close(descriptor)
                unlink(path)
                throw PKIError.fileSystem(path: path, reason: error.reason)
            }
            offset += written
        }
        fsync(descriptor)
        close(descriptor)
    }

    private struct PosixFailure: Error {
        var reason: String
    }

    private static func posixError(_ what: String) -> PosixFailure {
        PosixFailure(reason: "\(what): \(String(cString: strerror(errno)))")
    }
}
