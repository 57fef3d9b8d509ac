import CertMapJournal

/// Parses the filter language into a `FilterExpression`.
///
/// Grammar (mitmproxy's, with `&` optional between terms as in mitmproxy):
///
///     expression := term ('|' term)*
///     term       := factor ('&'? factor)*
///     factor     := '!' factor | '(' expression ')' | '~' NAME VALUE | VALUE
///
/// Values are words or double-quoted strings (`~path "/my docs"`, with `\"` inside).
/// Operators: `~s` status, `~d` decision, `~acct`, `~cert`, `~route`, `~mode`, `~path`, `~conn`.
public struct FilterParser {
    /// The operators and what they take, for help text and error messages.
    public static let operators: [(name: String, help: String)] = [
        ("~s", "status or status.substatus: ~s 401, ~s 401.2"),
        ("~d", "decision code or reason: ~d 403.16, ~d legacy"),
        ("~acct", "account: ~acct alice"),
        ("~cert", "certificate subject or issuer: ~cert CN=bob"),
        ("~route", "route: ~route forward, ~route reverse, ~route direct"),
        ("~mode", "auth persistence mode: ~mode legacy"),
        ("~path", "request path: ~path /admin"),
        ("~conn", "connection number: ~conn 12"),
        ("~trace", "the request with this X-CertMap-Trace (or a prefix of it): ~trace t-3f9a12c0-1a"),
        ("~inst", "server, when attached to several: ~inst edge-2"),
        ("~mis", "answered with another user's identity (takes no value): ~mis"),
        ("~us", "gateway mode, what the application answered: ~us 502, ~us 5xx, ~us fail"),
    ]

    private enum TokenKind: Equatable {
        case word(String)
        case quoted(String)
        case op(String)
        case not, and, or, open, close, end
    }

    private struct Token {
        let kind: TokenKind
        let column: Int
    }

    private var tokens: [Token] = []
    private var index = 0
    private var depth = 0

    /// Bounds that keep parsing, matching and printing a filter (all recursive over its tree) far
    /// from the stack limit, whatever is pasted into the filter prompt.
    public static let maximumTokens = 512
    public static let maximumNesting = 64

    /// Parses `text`; an empty or blank filter is an error (callers treat blank as "no filter").
    public static func parse(_ text: String) throws(FilterError) -> FilterExpression {
        var parser = FilterParser()
        parser.tokens = try tokenize(text)
        if parser.tokens.count > maximumTokens {
            throw FilterError(column: parser.tokens[maximumTokens].column, message: "filter too long: more than \(maximumTokens) terms and operators")
        }
        let expression = try parser.parseExpression()
        let token = parser.tokens[parser.index]
        switch token.kind {
        case .end: return expression
        case .close: throw FilterError(column: token.column, message: "unmatched ')'")
        default: throw FilterError(column: token.column, message: "unexpected \(describe(token.kind))")
        }
    }

    // MARK: - Tokens

    private static func tokenize(_ text: String) throws(FilterError) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(text)
        var i = 0
        while i < characters.count {
            let c = characters[i]
            let column = i + 1
            if c.isWhitespace {
                i += 1
                continue
            }
            switch c {
            case "!": tokens.append(Token(kind: .not, column: column)); i += 1
            case "&": tokens.append(Token(kind: .and, column: column)); i += 1
            case "|": tokens.append(Token(kind: .or, column: column)); i += 1
            case "(": tokens.append(Token(kind: .open, column: column)); i += 1
            case ")": tokens.append(Token(kind: .close, column: column)); i += 1
            case "\"":
                var value = ""
                i += 1
                var closed = false
                while i < characters.count {
                    if characters[i] == "\\", i + 1 < characters.count {
                        value.append(characters[i + 1])
                        i += 2
                    } else if characters[i] == "\"" {
                        closed = true
                        i += 1
                        break
                    } else {
                        value.append(characters[i])
                        i += 1
                    }
                }
                guard closed else { throw FilterError(column: column, message: "unterminated quoted string") }
                tokens.append(Token(kind: .quoted(value), column: column))
            default:
                var word = ""
                while i < characters.count, !characters[i].isWhitespace, !"()&|\"".contains(characters[i]) {
                    word.append(characters[i])
                    i += 1
                }
                tokens.append(Token(kind: word.hasPrefix("~") ? .op(word) : .word(word), column: column))
            }
        }
        tokens.append(Token(kind: .end, column: characters.count + 1))
        return tokens
    }

    private static func describe(_ kind: TokenKind) -> String {
        switch kind {
        case .word(let w): return "'\(w)'"
        case .quoted(let q): return "\"\(q)\""
        case .op(let o): return "'\(o)'"
        case .not: return "'!'"
        case .and: return "'&'"
        case .or: return "'|'"
        case .open: return "'('"
        case .close: return "')'"
        case .end: return "end of filter"
        }
    }

    // MARK: - Grammar

    private var current: Token { tokens[index] }

    private mutating func parseExpression() throws(FilterError) -> FilterExpression {
        var left = try parseTerm()
        while current.kind == .or {
            index += 1
            left = .or(left, try parseTerm())
        }
        return left
    }

    private mutating func parseTerm() throws(FilterError) -> FilterExpression {
        var left = try parseFactor()
        while true {
            switch current.kind {
            case .and:
                index += 1
                left = .and(left, try parseFactor())
            case .not, .open, .op, .word, .quoted:
                left = .and(left, try parseFactor())
            default:
                return left
            }
        }
    }

    private mutating func parseFactor() throws(FilterError) -> FilterExpression {
        let token = current
        if token.kind == .not || token.kind == .open {
            depth += 1
            guard depth <= Self.maximumNesting else {
                throw FilterError(column: token.column, message: "nested more than \(Self.maximumNesting) levels deep")
            }
        }
        defer { if token.kind == .not || token.kind == .open { depth -= 1 } }
        switch token.kind {
        case .not:
            index += 1
            return .not(try parseFactor())
        case .open:
            index += 1
            let inner = try parseExpression()
            guard current.kind == .close else {
                throw FilterError(column: current.column, message: "expected ')' to close '(' at column \(token.column)")
            }
            index += 1
            return inner
        case .op(let name) where name.lowercased() == "~mis":
            index += 1
            return .misattributed
        case .op(let name):
            index += 1
            let value = try parseValue(after: name, at: token.column)
            return try Self.makeOperator(name, value: value, at: token.column)
        case .word(let word), .quoted(let word):
            index += 1
            return .text(word)
        case .end:
            throw FilterError(column: token.column, message: index == 0 ? "empty filter" : "expected a filter term at end of filter")
        default:
            throw FilterError(column: token.column, message: "expected a filter term, found \(Self.describe(token.kind))")
        }
    }

    private mutating func parseValue(after name: String, at column: Int) throws(FilterError) -> (String, Int) {
        let token = current
        switch token.kind {
        case .word(let value), .quoted(let value):
            index += 1
            return (value, token.column)
        default:
            throw FilterError(column: token.column, message: "\(name) needs a value, found \(Self.describe(token.kind))")
        }
    }

    private static func makeOperator(_ name: String, value: (String, Int), at column: Int) throws(FilterError) -> FilterExpression {
        let (text, valueColumn) = value
        switch name.lowercased() {
        case "~s":
            guard isDecisionCode(text) else {
                throw FilterError(column: valueColumn, message: "~s needs a status like 401 or 401.2, found '\(text)'")
            }
            return .status(text)
        case "~d": return .decision(text)
        case "~acct", "~a": return .account(text)
        case "~cert", "~c": return .certificate(text)
        case "~route", "~r": return .route(text)
        case "~mode", "~m": return .mode(text)
        case "~path", "~p": return .path(text)
        case "~trace", "~t": return .trace(text)
        case "~inst", "~i": return .instance(text)
        case "~us":
            guard let answer = UpstreamAnswer(text) else {
                throw FilterError(column: valueColumn, message: "~us needs a status (502), a class (5xx) or fail, found '\(text)'")
            }
            return .upstream(answer)
        case "~conn":
            guard let id = ConnectionID(text.hasPrefix("#") ? String(text.dropFirst()) : text) else {
                throw FilterError(column: valueColumn, message: "~conn needs a connection number, found '\(text)'")
            }
            return .connection(id)
        default:
            let known = operators.map(\.name).joined(separator: " ")
            throw FilterError(column: column, message: "unknown operator '\(name)' (known: \(known))")
        }
    }

    private static func isDecisionCode(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }
}
