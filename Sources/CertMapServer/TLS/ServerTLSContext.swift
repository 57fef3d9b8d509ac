import CertMapCore
import Foundation
import NIOSSL

/// Builds the server's TLS context: its certificate and key from the data directory, TLS 1.2
/// and 1.3, and a certificate request that does not require (or judge) the client certificate.
enum ServerTLSContext {
    static func make(certificate: URL, privateKey: URL, caBundle: URL?) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate.path)
        } catch {
            throw ServerError.tls(file: certificate.path, detail: "cannot load the server certificate (\(error))")
        }
        do {
            key = try NIOSSLPrivateKey(file: privateKey.path, format: .pem)
        } catch {
            throw ServerError.tls(file: privateKey.path, detail: "cannot load the server private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .optionalVerification
        if let caBundle, let roots = try? NIOSSLCertificate.fromPEMFile(caBundle.path) {
            configuration.trustRoots = .certificates(roots)
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw ServerError.tls(file: certificate.path, detail: "cannot build the TLS context (\(error))")
        }
    }
}
