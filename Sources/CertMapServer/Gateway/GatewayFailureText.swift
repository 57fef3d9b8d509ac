import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Why the application could not be reached or stopped answering, in words for the record and
/// the 502 page: never a NIO error dump.
enum GatewayFailureText {
    static func describe(_ error: Error) -> String {
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first { return describe(first.error) }
            if connection.dnsAError != nil || connection.dnsAAAAError != nil { return "the host name could not be resolved" }
        }
        if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout(let amount): return "no connection within \(amount.nanoseconds / 1_000_000) ms (server.gateway.connectTimeoutSeconds)"
            case .ioOnClosedChannel, .alreadyClosed, .eof: return "the application closed the connection"
            default: return "connection failed (\(channel))"
            }
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused: nothing listens there"
            case ECONNRESET: return "the application reset the connection"
            case EHOSTUNREACH, ENETUNREACH: return "the host is unreachable"
            case EPIPE: return "the application closed the connection"
            default: return "connection failed: \(String(cString: strerror(io.errnoCode)))"
            }
        }
        if error is NIOSSLError || error is BoringSSLError {
            return "TLS to the application failed: \(TLSFailureText.describe(error))"
        }
        return "connection failed: \(error)"
    }
}
