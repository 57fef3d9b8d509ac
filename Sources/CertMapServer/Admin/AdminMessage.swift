import CertMapCore
import CertMapJournal
import Foundation

/// One line of certmap's admin protocol (docs/admin-protocol.md): a JSON object per line over
/// the admin socket, every one carrying the protocol version, so a console attached to a server
/// of another version says so instead of misreading it.
///
/// Server → client: `hello` (instance, address, mode, configuration), `event` (every event as it
/// is published), `state` (mode or configuration changed), `result` (the answer to a command,
/// by `id`), `error`. Client → server: `mode`, `apply` (with the document the edit started from:
/// the lost-update check), `scenario` (run one against the server; answered when it ends).
public struct AdminMessage: Codable, Hashable, Sendable {
    /// The protocol version this certmap speaks.
    public static let version = 1

    public var certmapAdmin: Int
    public var type: Kind
    public var id: Int?
    /// The server process (`RequestRecord.run`): changes when the server restarts.
    public var instance: String?
    /// The HTTPS address the server listens on.
    public var listen: String?
    public var mode: String?
    public var generation: UInt64?
    public var config: ConfigDocument?
    /// `apply`: the document the edit started from.
    public var base: ConfigDocument?
    public var event: CertMapEvent?
    public var ok: Bool?
    public var message: String?
    /// `result` of an `apply` refused because the file changed: what it holds now and what changed.
    public var theirs: ConfigDocument?
    public var changes: [String]?
    /// `scenario`: the scenario to run.
    public var scenario: String?

    /// What a message is.
    public enum Kind: String, Codable, Hashable, Sendable {
        case hello, event, state, result, error, mode, apply, scenario
    }

    public init(_ type: Kind, id: Int? = nil) {
        self.certmapAdmin = Self.version
        self.type = type
        self.id = id
    }

    /// The message as one line (events' times as RFC 3339, as everywhere else).
    public func line() throws -> Data {
        var data = try EventJSON.encoder().encode(self)
        data.append(0x0A)
        return data
    }

    /// Reads one line; a line of another protocol version is an error naming both versions.
    public static func parse(_ line: Data) throws -> AdminMessage {
        struct Version: Decodable { let certmapAdmin: Int? }
        let version: Int?
        do {
            version = try JSONDecoder().decode(Version.self, from: line).certmapAdmin
        } catch {
            throw AdminProtocolError("not a certmap admin message (\(PeopleText.describe(decoding: error)))")
        }
        guard let version else { throw AdminProtocolError("not a certmap admin message (no \"certmapAdmin\" version)") }
        guard version == Self.version else {
            throw AdminProtocolError("the other side speaks admin protocol \(version) and this certmap speaks \(Self.version): use the same certmap version on both sides")
        }
        do {
            return try EventJSON.decoder().decode(AdminMessage.self, from: line)
        } catch {
            throw AdminProtocolError("malformed admin message (\(PeopleText.describe(decoding: error)))")
        }
    }
}

/// A line that is not a message of this protocol version.
public struct AdminProtocolError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
