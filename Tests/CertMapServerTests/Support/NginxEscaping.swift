import Foundation

/// Escapes a PEM the way nginx builds `$ssl_client_escaped_cert` (`NGX_ESCAPE_URI_COMPONENT`:
/// everything but letters, digits and `-._~` becomes `%XX`).
enum NginxEscaping {
    static func escapedPEM(of file: String) throws -> String {
        let pem = try String(contentsOfFile: file, encoding: .utf8)
        return pem.utf8.map { byte -> String in
            let scalar = Unicode.Scalar(byte)
            let unreserved = (scalar.properties.isASCIIHexDigit || ("a"..."z").contains(Character(scalar)) || ("A"..."Z").contains(Character(scalar)))
                || "-._~".unicodeScalars.contains(scalar)
            return unreserved ? String(Character(scalar)) : String(format: "%%%02X", byte)
        }.joined()
    }
}
