import Foundation
import X509

/// The demo PKI that `certmap` creates on first start (docs/design.md §2, §6): a root and an issuing CA,
/// a server and a proxy certificate, and one user per story the console demonstrates —
/// valid, denied, unmapped, expired, not yet valid, revoked, and an impostor with alice's exact
/// subject from an untrusted CA.
///
/// Everything is generated in memory first and written only when complete, so a failure
/// leaves nothing half-made; without `force` an existing PKI is never touched.
public enum DemoPKI {
    /// The files written besides the credentials.
    static let sharedFiles = ["ca-bundle.pem", "crl.pem", "manifest.json"]

    /// Creates the demo PKI in `directory` (created with mode 0700).
    ///
    /// - Parameters:
    ///   - directory: Usually `<home>/pki`.
    ///   - now: The reference time for all validity periods and the CRL.
    ///   - force: Replace an existing PKI instead of refusing.
    /// - Throws: ``PKIError/alreadyInitialized(directory:)`` when a PKI exists and `force` is false.
    @discardableResult
    public static func initialize(in directory: URL, now: Date, force: Bool = false) throws -> DemoPKIManifest {
        let material = try DemoPKIMaterial.generate(now: now)
        let targets = material.credentials.flatMap { [$0.certificateURL(in: directory), $0.keyURL(in: directory)] }
            + sharedFiles.map { directory.appendingPathComponent($0) }
        if !force, targets.contains(where: exists) {
            throw PKIError.alreadyInitialized(directory: directory.path)
        }
        try PKIFiles.createPrivateDirectory(directory)
        var entries: [DemoPKIManifest.Credential] = []
        for credential in material.credentials {
            entries.append(try credential.write(to: directory, replace: force))
        }
        let manifest = DemoPKIManifest(
            directory: directory,
            caBundlePath: directory.appendingPathComponent("ca-bundle.pem"),
            crlPath: directory.appendingPathComponent("crl.pem"),
            credentials: entries
        )
        try PKIFiles.writePublicFile(material.caBundlePEM, to: manifest.caBundlePath, replace: force)
        try PKIFiles.writePublicFile(material.crl.pemString + "\n", to: manifest.crlPath, replace: force)
        try PKIFiles.writePublicFile(
            try manifestJSON(manifest), to: directory.appendingPathComponent("manifest.json"), replace: force
        )
        return manifest
    }

    /// Reads the manifest written by ``initialize(in:now:force:)``.
    public static func loadManifest(in directory: URL) throws -> DemoPKIManifest {
        let url = directory.appendingPathComponent("manifest.json")
        do {
            return try JSONDecoder().decode(DemoPKIManifest.self, from: Data(PKIFiles.readText(url).utf8))
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError.unreadableFile(path: url.path, reason: "not a certmap PKI manifest: \(error)")
        }
    }

    private static func exists(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.path)
    }

    private static func manifestJSON(_ manifest: DemoPKIManifest) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(manifest), as: UTF8.self) + "\n"
    }
}
