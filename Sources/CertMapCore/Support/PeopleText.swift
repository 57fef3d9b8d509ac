import Foundation

/// Errors from Foundation and decoding, in words for people: what is wrong and with what, never
/// an error domain, a code, a `CodingKeys` dump or a source path. Used at the edges where a file
/// is read or decoded, so every command says the same thing about the same problem.
public enum PeopleText {
    /// Reads a whole file, failing with one sentence: no such file, a directory, no permission.
    public static func read(_ url: URL) throws(FileProblem) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw FileProblem(path: url.path, problem: "no such file")
        }
        guard !isDirectory.boolValue else { throw FileProblem(path: url.path, problem: "is a directory, not a file") }
        guard FileManager.default.isReadableFile(atPath: url.path) else { throw FileProblem(path: url.path, problem: "permission denied (cannot read it)") }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw FileProblem(path: url.path, problem: "cannot be read (\((error as NSError).localizedFailureReason ?? "I/O error"))")
        }
    }

    /// A file-system failure from Foundation (creating a directory, reading a file) as a few
    /// words — "no such file or directory", "permission denied" — never "The operation could not
    /// be completed" or an error domain.
    public static func describe(fileSystem error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code))).lowercased()
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))).lowercased() }
        switch CocoaError.Code(rawValue: nsError.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory (or a parent is missing)"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteOutOfSpace: return "no space left on the device"
        case .fileWriteVolumeReadOnly: return "read-only file system"
        case .fileWriteFileExists: return "a file is in the way"
        case .fileReadCorruptFile, .fileReadInapplicableStringEncoding: return "not readable as text"
        default: return nsError.localizedFailureReason ?? "input/output error"
        }
    }

    /// A JSON decoding failure as "missing field \"log\"" or "entries[2].time: expected a number".
    public static func describe(decoding error: Error) -> String {
        guard let error = error as? DecodingError else {
            return (error as NSError).localizedFailureReason ?? "\(error)"
        }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            let trimmed = keys.hasPrefix(".") ? String(keys.dropFirst()) : keys
            return trimmed.isEmpty ? "" : "\(trimmed): "
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context))missing field \"\(key.stringValue)\""
        case .typeMismatch(let type, let context):
            return "\(path(context))expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context))expected \(typeName(type)), found null"
        case .dataCorrupted(let context):
            // At the top level the decoder's only complaint is that the bytes are not JSON.
            if context.codingPath.isEmpty { return "not valid JSON" }
            return "\(path(context))\(context.debugDescription)"
        @unknown default:
            return "not in the expected format"
        }
    }

    /// An ASN.1, PEM or X.509 parsing failure in words (what the bytes are, not where in
    /// swift-asn1 it was noticed).
    public static func describe(asn1 error: Error) -> String {
        let text = String(describing: error)
        if text.contains("truncated") { return "the data ends before the certificate does (truncated or cut-off DER)" }
        if text.contains("invalidPEMDocument") || text.contains("PEM") { return "the PEM block is malformed (check the BEGIN/END lines and the base64 between them)" }
        if text.contains("unexpectedFieldType") || text.contains("invalidASN1Object") || text.contains("invalidObjectIdentifier") {
            return "the bytes are ASN.1 but not an X.509 certificate"
        }
        return "the bytes are not a DER-encoded X.509 certificate"
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Double.Type, is UInt64.Type, is Int64.Type: return "a number"
        case is Bool.Type: return "true or false"
        default: return String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }
}

/// A file that could not be read, in one sentence (`/x.har: no such file`).
public struct FileProblem: Error, Hashable, Sendable, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }
}
