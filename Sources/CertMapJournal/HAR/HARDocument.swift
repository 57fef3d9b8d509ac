import Foundation
import CertMapCore
/// A HAR 1.2 document (http://www.softwareishard.com/blog/har-12-spec/), limited to what certmap
/// writes, with certmap's own data under `_certmap` as the spec allows for custom fields.
public struct HARDocument: Codable, Hashable, Sendable {
    public var log: Log

    /// The `log` object of HAR 1.2: the format version, the tool that wrote it and the entries.
    public struct Log: Codable, Hashable, Sendable {
        public var version: String
        public var creator: Creator
        public var entries: [Entry]
    }

    /// The `log.creator` object of HAR 1.2: the name and version of the tool that wrote the file.
    public struct Creator: Codable, Hashable, Sendable {
        public var name: String
        public var version: String
    }

    /// The `log.entries[]` object of HAR 1.2: one request and its response, with certmap's evidence
    /// under `_certmap`.
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

    /// The `entries[].request` object of HAR 1.2: the method, URL, version and headers the
    /// client sent.
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

    /// The `entries[].response` object of HAR 1.2: the status, headers and content the server
    /// answered with.
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

    /// A name/value pair of HAR 1.2, as used for headers, cookies and query string parameters.
    public struct NameValue: Codable, Hashable, Sendable {
        public var name: String
        public var value: String
    }

    /// The `response.content` object of HAR 1.2: the size and MIME type of the response body.
    public struct Content: Codable, Hashable, Sendable {
        public var size: Int
        public var mimeType: String
    }

    /// The `entries[].cache` object of HAR 1.2, required by the spec; certmap has no cache to
    /// describe, so it is always empty.
    public struct Cache: Codable, Hashable, Sendable {}

    /// The `entries[].timings` object of HAR 1.2: the milliseconds spent sending, waiting and
    /// receiving (the phases the spec requires).
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
