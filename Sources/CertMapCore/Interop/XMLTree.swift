import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// One element of a parsed XML document: its name, attributes, child elements and the line it
/// starts on. Text, comments and processing instructions are dropped: configuration files such
/// as IIS's `applicationHost.config` carry everything in elements and attributes.
///
/// It exists because FoundationXML's `XMLDocument` crashes on some malformed input on Linux, so
/// certmap builds this small tree from `XMLParser` events instead, checking well-formedness itself.
public struct XMLTreeElement: Hashable, Sendable {
    public var name: String
    public var attributes: [String: String]
    public var children: [XMLTreeElement]
    /// 1-based line where the start tag ends (0 when unknown).
    public var line: Int

    public init(name: String, attributes: [String: String] = [:], children: [XMLTreeElement] = [], line: Int = 0) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.line = line
    }

    /// Child elements named `name`, in document order.
    public func children(named name: String) -> [XMLTreeElement] {
        children.filter { $0.name == name }
    }
}

/// Why an XML file could not be read, with the position the parser reported.
public struct XMLTreeError: Error, Hashable, CustomStringConvertible {
    public let source: String
    public let line: Int
    public let column: Int
    public let problem: String

    public var description: String {
        switch (line, column) {
        case (0, _): return "\(source): not well-formed XML: \(problem)"
        case (_, 0): return "\(source): not well-formed XML at line \(line): \(problem)"
        default: return "\(source): not well-formed XML at line \(line), column \(column): \(problem)"
        }
    }
}

/// Builds an `XMLTreeElement` from bytes with `XMLParser`, refusing what configuration files
/// never need and attackers like: document type declarations (entity expansion, external
/// entities), nesting deeper than `maximumDepth` and inputs larger than `maximumBytes`.
public enum XMLTreeParser {
    public static let maximumDepth = 128
    public static let maximumBytes = 32 << 20

    public static func parse(_ data: Data, source: String) throws -> XMLTreeElement {
        guard data.count <= maximumBytes else {
            throw XMLTreeError(source: source, line: 0, column: 0, problem: "the file is larger than \(maximumBytes >> 20) MiB")
        }
        // FoundationXML crashes (force-unwrapping names it cannot decode) when libxml2 falls back
        // to Latin-1 on bytes that are not UTF-8, so only valid UTF-8 ever reaches the parser.
        guard let text = String(validating: data, as: UTF8.self) else {
            throw XMLTreeError(source: source, line: 0, column: 0, problem: "not UTF-8 text; save the file as UTF-8")
        }
        if let declared = declaredEncoding(text), !["utf-8", "utf8"].contains(declared.lowercased()) {
            throw XMLTreeError(source: source, line: 1, column: 0, problem: "encoding \"\(declared.escapingControlCharacters)\" is not supported; save the file as UTF-8")
        }
        if data.range(of: Data("<!DOCTYPE".utf8)) != nil {
            throw XMLTreeError(source: source, line: 0, column: 0, problem: "document type declarations (<!DOCTYPE>) are not accepted")
        }
        // FoundationXML also crashes (strlen of a null pointer) on a processing instruction without
        // data, `<?name?>`; configuration files hold none besides the XML declaration.
        if let line = processingInstructionLine(text) {
            throw XMLTreeError(source: source, line: line, column: 0, problem: "processing instructions (<?…?>) other than the XML declaration are not accepted")
        }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let builder = TreeBuilder(maximumDepth: maximumDepth)
        parser.delegate = builder
        let finished = parser.parse()
        if let problem = builder.problem {
            throw XMLTreeError(source: source, line: builder.problemLine, column: builder.problemColumn, problem: problem)
        }
        if !finished || parser.parserError != nil {
            let code = (parser.parserError as NSError?)?.code ?? 0
            throw XMLTreeError(source: source, line: parser.lineNumber, column: parser.columnNumber, problem: LibXMLErrorText.describe(code))
        }
        guard let root = builder.root, builder.stack.isEmpty else {
            throw XMLTreeError(source: source, line: 0, column: 0, problem: builder.root == nil ? "no root element" : "unclosed elements at the end")
        }
        return root
    }

    /// The 1-based line of the first `<?` that does not open the leading XML declaration, if any.
    static func processingInstructionLine(_ text: String) -> Int? {
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        var rest = body
        if rest.hasPrefix("<?xml"), let next = rest.dropFirst(5).first, next == " " || next == "\t" || next == "\r" || next == "\n" || next == "\r\n",
            let end = rest.range(of: "?>") {
            rest = rest[end.upperBound...]
        }
        guard let found = rest.range(of: "<?") else { return nil }
        return body[..<found.lowerBound].utf8.filter { $0 == 0x0A }.count + 1
    }

    /// The `encoding` of a leading `<?xml …?>` declaration, if any.
    static func declaredEncoding(_ text: String) -> String? {
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        guard body.hasPrefix("<?xml"), let end = body.range(of: "?>") else { return nil }
        let declaration = body[..<end.lowerBound]
        guard let key = declaration.range(of: "encoding") else { return nil }
        let rest = declaration[key.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote })
    }
}

/// Collects `XMLParser` events into elements; a class because `XMLParserDelegate` requires one.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    let maximumDepth: Int
    var stack: [XMLTreeElement] = []
    var root: XMLTreeElement?
    var problem: String?
    var problemLine = 0
    var problemColumn = 0

    init(maximumDepth: Int) {
        self.maximumDepth = maximumDepth
    }

    private func fail(_ parser: XMLParser, _ message: String) {
        guard problem == nil else { return }
        problem = message
        problemLine = parser.lineNumber
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        guard problem == nil else { return }
        guard root == nil else { return fail(parser, "content after the root element <\(root?.name ?? "")>") }
        guard stack.count < maximumDepth else { return fail(parser, "elements nested deeper than \(maximumDepth) levels") }
        stack.append(XMLTreeElement(name: name, attributes: attributes, line: parser.lineNumber))
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard problem == nil else { return }
        guard let element = stack.popLast(), element.name == name else {
            return fail(parser, "closing tag </\(name)> does not match an open element")
        }
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        guard problem == nil else { return }
        problem = LibXMLErrorText.describe((parseError as NSError).code)
        problemLine = parser.lineNumber
        problemColumn = parser.columnNumber
    }
}

/// Words for the libxml2 error codes FoundationXML passes through as `NSError` codes on Linux
/// (`xmlParserErrors` in libxml/xmlerror.h); the `XMLParser.ErrorCode` names do not line up.
enum LibXMLErrorText {
    static func describe(_ code: Int) -> String {
        switch code {
        case 4: return "the document is empty"
        case 5: return "extra content at the end of the document"
        case 6, 7, 8: return "invalid character reference"
        case 9: return "invalid character"
        case 23: return "entity reference without a terminating ';'"
        case 26, 27: return "undeclared entity"
        case 31, 32, 79, 81: return "unsupported or invalid encoding"
        case 38: return "'<' inside an attribute value"
        case 39, 40, 41: return "malformed attribute"
        case 42: return "attribute given twice"
        case 45: return "unterminated comment"
        case 64: return "reserved name"
        case 65: return "missing space"
        case 68: return "element or attribute name expected"
        case 73: return "'>' expected"
        case 75: return "'=' expected after an attribute name"
        case 76: return "opening and closing tags do not match"
        case 77: return "unterminated tag"
        case 85, 86: return "unbalanced or extra content"
        case 89: return "entity loop"
        default: return code == 0 ? "malformed document" : "malformed document (libxml2 error \(code))"
        }
    }
}
