/// An XPath-like address of an element in a parsed file, for notes and errors:
/// `/configuration/location[@path='Default Web Site']/system.webServer/…/add[2] (line 14)`.
///
/// Operators search their `applicationHost.config` for these, so steps carry the distinguishing
/// attribute (`location[@path=…]`) or the 1-based position among same-named siblings.
public struct XMLPath: Hashable, Sendable, CustomStringConvertible {
    public private(set) var steps: [String]
    public private(set) var line: Int

    public init(root: XMLTreeElement) {
        steps = [Self.step(for: root, index: nil)]
        line = root.line
    }

    /// The path of `child`, the `index`-th (1-based) of its same-named siblings out of `count`.
    public func appending(_ child: XMLTreeElement, index: Int, of count: Int) -> XMLPath {
        var path = self
        path.steps.append(Self.step(for: child, index: count > 1 || child.name == "add" ? index : nil))
        path.line = child.line
        return path
    }

    /// The path of an attribute of this element: `…/add[2]/@password`.
    public func attribute(_ name: String) -> String {
        "/\(steps.joined(separator: "/"))/@\(name)\(lineSuffix)"
    }

    public var description: String { "/\(steps.joined(separator: "/"))\(lineSuffix)" }

    private var lineSuffix: String { line > 0 ? " (line \(line))" : "" }

    private static func step(for element: XMLTreeElement, index: Int?) -> String {
        if element.name == "location", let path = element.attributes["path"] {
            return "location[@path='\(path)']"
        }
        return index.map { "\(element.name)[\($0)]" } ?? element.name
    }
}

extension XMLTreeElement {
    /// Children with their paths, numbering same-named siblings from 1.
    func childrenWithPaths(at path: XMLPath) -> [(element: XMLTreeElement, path: XMLPath)] {
        var seen: [String: Int] = [:]
        var totals: [String: Int] = [:]
        for child in children { totals[child.name, default: 0] += 1 }
        return children.map { child in
            seen[child.name, default: 0] += 1
            return (child, path.appending(child, index: seen[child.name]!, of: totals[child.name]!))
        }
    }
}
