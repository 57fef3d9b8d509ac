import Foundation
import XCTest

/// The README's command examples (`$ certmap ...` in its text blocks) run against the real
/// binary and print what the README shows, so the documentation cannot drift from the CLI. In an
/// example `...` stands for what differs between runs (times, ports, serials); a line that is
/// only `...` skips any number of lines.
final class ReadmeExamplesTests: XCTestCase {
    struct Example {
        let command: String
        let expected: [String]
    }

    /// Exit codes the examples document: a scenario with misattributions and a replay that
    /// changed decisions exit 1 by design.
    private static func expectedStatus(_ arguments: [String]) -> Int32 {
        if arguments.starts(with: ["scenario", "run"]) || arguments.first == "replay" { return 1 }
        return 0
    }

    static func examples(in readme: String) -> [Example] {
        var examples: [Example] = []
        var block: [String]?
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "```text" {
                block = []
            } else if line == "```", let lines = block {
                block = nil
                // A console capture (`$ certmap --mode ...` with a comment) is checked by the
                // snapshot and tmux tests, not here: the console needs a terminal.
                if let first = lines.first, first.hasPrefix("$ "), !first.hasPrefix("$ certmap -"), !first.contains("#") {
                    examples.append(Example(command: String(first.dropFirst(2)), expected: Array(lines.dropFirst())))
                }
            } else if block != nil {
                block?.append(line)
            }
        }
        return examples
    }

    /// `printf 'a\nb\n' | certmap replay --filter "~mode legacy"` → input and arguments.
    static func parse(_ command: String) -> (input: String?, arguments: [String]) {
        var input: String?
        var rest = command
        if rest.hasPrefix("printf '"), let end = rest.range(of: "' | ") {
            input = String(rest[rest.index(rest.startIndex, offsetBy: 8)..<end.lowerBound]).replacingOccurrences(of: "\\n", with: "\n")
            rest = String(rest[end.upperBound...])
        }
        var words: [String] = []
        var word = ""
        var quote: Character?
        var inWord = false
        for character in rest {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else {
                word.append(character)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return (input, Array(words.dropFirst()))  // "certmap"
    }

    static func normalised(_ line: String) -> String {
        line.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Whether `line` reads as `pattern`, where each `...` in the pattern stands for any text.
    static func matches(_ line: String, _ pattern: String) -> Bool {
        let pieces = normalised(pattern).components(separatedBy: "...")
        var rest = Substring(normalised(line))
        guard rest.hasPrefix(pieces[0]) else { return false }
        rest = rest.dropFirst(pieces[0].count)
        for (index, piece) in pieces.enumerated().dropFirst() where !piece.isEmpty {
            if index == pieces.count - 1 { return rest.hasSuffix(piece) }
            guard let found = rest.range(of: piece) else { return false }
            rest = rest[found.upperBound...]
        }
        return pieces.count > 1 || rest.isEmpty
    }

    /// The expected lines appear in order among the actual ones; a `...` line skips any.
    static func missingLines(expected: [String], actual: [String]) -> [String] {
        var index = 0
        var missing: [String] = []
        var skipping = false
        for pattern in expected.map(normalised) where !pattern.isEmpty {
            if pattern == "..." {
                skipping = true
                continue
            }
            let lines = actual.map(normalised)
            if skipping {
                guard let found = lines[index...].firstIndex(where: { matches($0, pattern) }) else {
                    missing.append(pattern)
                    continue
                }
                index = found + 1
            } else {
                // Without a `...` line before it, the next non-empty line must be this one.
                while index < lines.count && lines[index].isEmpty { index += 1 }
                guard index < lines.count, matches(lines[index], pattern) else {
                    missing.append(pattern)
                    continue
                }
                index += 1
            }
            skipping = false
        }
        return missing
    }

    func testTheMatcherTreatsDotsAsAnyTextAndSkipLines() {
        XCTAssertTrue(Self.matches("misattributed: 96 — responses", "misattributed: ... — responses"))
        XCTAssertFalse(Self.matches("misattributed: 96 — answers", "misattributed: ... — responses"))
        XCTAssertTrue(Self.matches("a  b   c", "a b c"))
        XCTAssertFalse(Self.matches("a b c d", "a b c"))
        XCTAssertEqual(Self.missingLines(expected: ["one", "...", "four"], actual: ["one", "two", "three", "four"]), [])
        XCTAssertEqual(Self.missingLines(expected: ["one", "three"], actual: ["one", "two", "three"]), ["three"])
        XCTAssertEqual(Self.parse(#"printf 's\nq\n' | certmap replay --filter "~mode legacy" --step"#).arguments, ["replay", "--filter", "~mode legacy", "--step"])
    }

    func testEveryCommandExampleInTheReadmeRunsAndPrintsWhatItShows() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let examples = Self.examples(in: readme)
        XCTAssertGreaterThanOrEqual(examples.count, 5, "the README's examples were not found")
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        // The recorded traffic the diagnose and replay examples read (the README says so).
        XCTAssertEqual(try certmap.run(["scenario", "run", "q190009", "--mode", "legacy-iis4"]).status, 0)
        for example in examples {
            let (input, words) = Self.parse(example.command.replacingOccurrences(of: "~/.local/share/certmap", with: certmap.home.path))
            let result = try certmap.run(words, input: input)
            XCTAssertEqual(result.status, Self.expectedStatus(words), "\(example.command)\n\(result.stderr)")
            // Lines of certmap's own voice (`certmap:`, `replay:`, `Error:`) come on stderr; the
            // two streams are matched apart, each in its own order.
            let isStderr = { (line: String) in ["certmap:", "replay:", "Error:"].contains { line.hasPrefix($0) } }
            let lines = { (text: String) in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
            let missing = Self.missingLines(expected: example.expected.filter { !isStderr($0) }, actual: lines(result.stdout))
                + Self.missingLines(expected: example.expected.filter(isStderr), actual: lines(result.stderr))
            XCTAssertEqual(missing, [], "README example `\(example.command)` printed:\n\(result.stdout)\n\(result.stderr)")
        }
    }
}
