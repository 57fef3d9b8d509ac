import Foundation
import XCTest

/// A tiny certificate authority run entirely by the real `openssl ca`, used as an independent
/// producer of CRLs: `openssl req -x509` for the CA, `openssl x509 -req` for users with fixed
/// serials, `openssl ca -revoke` and `openssl ca -gencrl`.
struct OpenSSLTestCA {
    enum KeyType {
        case ecP256, rsa2048

        var newKeyArguments: [String] {
            switch self {
            case .ecP256: return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
            case .rsa2048: return ["-newkey", "rsa:2048"]
            }
        }
    }

    let directory: URL

    private static let config = """
        [ ca ]
        default_ca = test_ca

        [ test_ca ]
        dir = .
        database = ./index.txt
        new_certs_dir = ./certs
        certificate = ./ca.crt
        private_key = ./ca.key
        serial = ./serial
        crlnumber = ./crlnumber
        default_md = sha256
        default_crl_days = 7
        unique_subject = no
        policy = policy_any

        [ policy_any ]
        commonName = supplied

        """

    /// Creates the CA ("/O=CertMap Test/CN=OpenSSL Test CA") in `directory`.
    init(in directory: URL, keyType: KeyType) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("certs"), withIntermediateDirectories: true)
        try Self.config.write(to: directory.appendingPathComponent("openssl.cnf"), atomically: true, encoding: .utf8)
        try "".write(to: directory.appendingPathComponent("index.txt"), atomically: true, encoding: .utf8)
        try "1000\n".write(to: directory.appendingPathComponent("crlnumber"), atomically: true, encoding: .utf8)
        try "01\n".write(to: directory.appendingPathComponent("serial"), atomically: true, encoding: .utf8)
        try OpenSSLRunner.runChecked(
            ["req", "-x509"] + keyType.newKeyArguments + [
                "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "30",
                "-subj", "/O=CertMap Test/CN=OpenSSL Test CA",
            ], in: directory
        )
    }

    /// Issues a user certificate with a fixed hex serial; returns its file name.
    @discardableResult
    func issueUser(_ name: String, serialHex: String) throws -> String {
        try OpenSSLRunner.runChecked(
            ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"], in: directory
        )
        try OpenSSLRunner.runChecked(
            ["x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key",
             "-set_serial", "0x\(serialHex)", "-days", "10", "-out", "\(name).crt"], in: directory
        )
        return "\(name).crt"
    }

    /// Records a revocation in the CA database; `reason` is an openssl -crl_reason name.
    func revoke(_ certificateFile: String, reason: String?) throws {
        let reasonArguments = reason.map { ["-crl_reason", $0] } ?? []
        try OpenSSLRunner.runChecked(
            ["ca", "-config", "openssl.cnf", "-batch", "-revoke", certificateFile] + reasonArguments, in: directory
        )
    }

    /// Runs `openssl ca -gencrl` and returns the PEM text.
    func generateCRL() throws -> String {
        try OpenSSLRunner.runChecked(["ca", "-config", "openssl.cnf", "-batch", "-gencrl", "-out", "crl.pem"], in: directory)
        return try String(contentsOf: directory.appendingPathComponent("crl.pem"), encoding: .utf8)
    }

    func read(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }
}
