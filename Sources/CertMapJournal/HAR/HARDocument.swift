import Foundation
import CertMapCore
/// A HAR 1.2 document (http://www.softwareishard.com/blog/har-12-spec/), limited to what certmap
/// writes, with certmap's own data under `_certmap` as the spec allows for custom fields.
public struct HARDocument: Codable, Hashable, Sendable {
    public var log: Log

    public struct Log: Codable, Hashable, Sendable {
        public var version: String
        public var creator: Creator
        public var entries: [Entry]
    }

    public struct Creator: Codable, Hashable, Sendable {
        public var name: String
        public var version: String
    }

    public struct Entry: Codable, Hashable, Sendable {
        public var startedDateTime: String
        public var time: Double
        public var request: Request
        public var response: Response
        public var cache: Cache
        public var timings: Timings
        public var connection: String?
        public var _certmap: CertMapFields
    }

    public struct Request: Codable, Hashable, Sendable {
        public var method: String
        public var url: String
        public var httpVersion: String
        public var cookies: [NameValue]
        public var headers: [NameValue]
        public var queryString: [NameValue]
        public var headersSize: Int
        public var bodySize: Int
    }

    public struct Response: Codable, Hashable, Sendable {
        public var status: Int
        public var statusText: String
        public var httpVersion: String
        public var cookies: [NameValue]
        public var headers: [NameValue]
        public var content: Content
        public var redirectURL: String
        public var headersSize: Int
        public var bodySize: Int
    }

    public struct NameValue: Codable, Hashable, Sendable {
        public var name: String
        public var value: String
    }

    public struct Content: Codable, Hashable, Sendable {
        public var size: Int
        public var mimeType: String
    }

    public struct Cache: Codable, Hashable, Sendable {}

    public struct Timings: Codable, Hashable, Sendable {
        public var send: Double
        public var wait: Double
        public var receive: Double
    }

    /// certmap's evidence for the entry: enough to replay it (the certificate itself) and to
    /// explain it (decision, substatus, reason, trace).
    public struct CertMapFields: Codable, Hashable, Sendable {
        public var record: RequestRecord
        /// Base64 DER of the certificate the request presented, when the journal had it.
        public var certificateDER: String?
        /// The entry is only context: an earlier request of a selected connection, replayed to
        /// rebuild its state and never counted as a change (absent: selected).
        public var context: Bool?
    }
}

extension HARDocument {
    /// Reads a HAR file certmap wrote, failing in one sentence: the file cannot be read, is not
    /// JSON, or is JSON but not a HAR log (and which field is missing).
    public static func read(from url: URL) throws -> HARDocument {
        let data = try PeopleText.read(url)
        do {
            return try JSONDecoder().decode(HARDocument.self, from: data)
        } catch {
            throw FileProblem(path: url.path, problem: "not a HAR file written by certmap export har (\(PeopleText.describe(decoding: error)))")
        }
    }
}
