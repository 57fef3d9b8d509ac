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
/// A private key is never written and then chmod-ed: `AtomicFileWriter` creates it with
/// `O_CREAT|O_EXCL` and mode 0600 in a fresh temporary file, then links it into place (refusing
/// to replace anything) or renames it over the old key, so no reader ever sees it with wider
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

    /// Through the one atomic writer: written beside the target with its final mode, fsynced,
    /// then renamed over it (`replace`) or linked into place only if nothing is there.
    private static func writeFile(_ bytes: [UInt8], to url: URL, mode: mode_t, replace: Bool) throws {
        do {
            try AtomicFileWriter(permissions: mode).write(Data(bytes), to: url, replacingExisting: replace)
        } catch ConfigError.io(let file, let detail) {
            throw PKIError.fileSystem(path: file, reason: detail)
        }
    }

    private struct PosixFailure: Error {
        var reason: String
    }

    private static func posixError(_ what: String) -> PosixFailure {
        PosixFailure(reason: "\(what): \(String(cString: strerror(errno)))")
    }
}
