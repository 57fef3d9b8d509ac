import Foundation
import NIOSSL

/// What both peers are started with (`PEER PORT SERVER.CRT SERVER.KEY CA-BUNDLE.PEM`) and the TLS
/// they serve with: certmap's demo server certificate, the client certificate required and
/// verified against the demo CA bundle, as certmap and nginx are set up in scripts/bench.sh.
public struct PeerArguments {
    public let port: Int
    public let tls: TLSConfiguration

    /// The arguments of this process; prints the usage and exits when they do not fit.
    public static func parse(peer: String) throws -> PeerArguments {
        let arguments = CommandLine.arguments
        guard arguments.count == 5, let port = Int(arguments[1]) else {
            print("usage: \(peer) PORT SERVER.CRT SERVER.KEY CA-BUNDLE.PEM")
            exit(2)
        }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(arguments[2]).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: arguments[3], format: .pem)))
        tls.certificateVerification = .noHostnameVerification
        tls.trustRoots = .file(arguments[4])
        return PeerArguments(port: port, tls: tls)
    }

    /// The answer both peers give: 146 bytes, as long as certmap's allowed body.
    public static let body = String(repeating: "x", count: 145) + "\n"
}
