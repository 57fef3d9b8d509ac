import Foundation

/// Reads the client-certificate parts of an IIS `applicationHost.config` (or a fragment of it)
/// into an `IISImportResult`: the `iisClientCertificateMappingAuthentication` section and the
/// `access` `sslFlags` / `anonymousAuthentication` settings, at top level and in `<location>`s.
///
/// Schema: IIS Settings Schema, `system.webServer/security/authentication/
/// iisClientCertificateMappingAuthentication` (IIS 7+) and the `AccessSection` class. Everything
/// else in the file is counted and reported in one note; anything unexpected inside the sections
/// certmap reads gets its own note with its location. Pure: no I/O besides the bytes given.
public enum IISConfigurationReader {
    /// Parses `data` (named `source` in errors) and translates it.
    /// - Throws: `XMLTreeError` when the file is not well-formed XML, `IISImportError` when it
    ///   holds no client-certificate configuration at all.
    public static func read(_ data: Data, source: String) throws -> IISImportResult {
        let root = try XMLTreeParser.parse(data, source: source)
        let result = read(root)
        guard result.sectionsRead > 0 else { throw IISImportError.nothingToImport(source: source) }
        return result
    }

    /// Translates an already parsed document; never fails, everything odd becomes a note.
    public static func read(_ root: XMLTreeElement) -> IISImportResult {
        var walker = IISDocumentWalker()
        walker.visit(root, at: XMLPath(root: root), location: nil)
        return walker.finish()
    }
}

/// An IIS file that could be parsed but cannot be imported.
public enum IISImportError: Error, Hashable, CustomStringConvertible {
    case nothingToImport(source: String)

    public var description: String {
        switch self {
        case .nothingToImport(let source):
            return "\(source): no client-certificate settings found; expected system.webServer/security/authentication/iisClientCertificateMappingAuthentication or system.webServer/security/access"
        }
    }
}

/// Where a `<location path>` points: the IIS site and the certmap resource path below it.
struct IISLocation: Hashable {
    let site: String?
    let resourcePath: String

    static let topLevel = IISLocation(site: nil, resourcePath: "/")

    /// `Default Web Site/app/x` → site `Default Web Site`, path `/app/x`; `""` and `"."` mean all sites.
    init(locationPath: String) {
        let segments = locationPath.split(separator: "/").map(String.init).filter { !$0.isEmpty && $0 != "." }
        site = segments.first
        resourcePath = "/" + segments.dropFirst().joined(separator: "/")
    }

    private init(site: String?, resourcePath: String) {
        self.site = site
        self.resourcePath = resourcePath
    }
}

/// The traversal state of one import: what has been read so far and the notes.
struct IISDocumentWalker {
    var result = IISImportResult()
    /// Sections the walk skipped because they are not about client certificates, by name.
    var unrelated: [String: Int] = [:]
    var sites: [String] = []
    /// One entry per resource path, in document order.
    var settings: [(path: String, policy: ClientCertificatePolicy?, anonymous: Bool?, where: XMLPath)] = []
    var oneToOneNames: Set<String> = []
    var oneToOneSources: [Fingerprint: XMLPath] = [:]
    var manyToOneSources: [String: XMLPath] = [:]

    /// Elements that only contain other elements, and which children certmap follows in them.
    private static let containers: [String: Set<String>] = [
        "configuration": ["location", "system.webServer"],
        "location": ["system.webServer"],
        "system.webServer": ["security"],
        "security": ["authentication", "access"],
        "authentication": ["iisClientCertificateMappingAuthentication", "anonymousAuthentication"],
    ]

    mutating func note(_ kind: IISImportNote.Kind, _ location: String, _ message: String) {
        result.notes.append(IISImportNote(kind, at: location, message))
    }

    mutating func visit(_ element: XMLTreeElement, at path: XMLPath, location: IISLocation?) {
        switch element.name {
        case "iisClientCertificateMappingAuthentication", "access", "anonymousAuthentication":
            result.sectionsRead += 1
            readSection(element, at: path, location: location ?? .topLevel)
        case "location" where location == nil:
            let locationPath = element.attributes["path"] ?? ""
            for name in element.attributes.keys.sorted() where !["path", "overrideMode", "allowOverride", "inheritInChildApplications"].contains(name) {
                note(.unknown, path.attribute(name), "unknown attribute of <location>; ignored")
            }
            let target = IISLocation(locationPath: locationPath)
            if let site = target.site, !sites.contains(site) { sites.append(site) }
            visitChildren(of: element, at: path, location: target)
        default:
            guard Self.containers[element.name] != nil else {
                return note(.unknown, path.description, "<\(element.name)> is not part of an IIS configuration certmap reads; ignored")
            }
            for name in element.attributes.keys.sorted() where !(element.name == "configuration" && name.hasPrefix("xmlns")) {
                note(.unknown, path.attribute(name), "unknown attribute of <\(element.name)>; ignored")
            }
            visitChildren(of: element, at: path, location: location)
        }
    }

    private mutating func readSection(_ element: XMLTreeElement, at path: XMLPath, location: IISLocation) {
        switch element.name {
        case "access": readAccess(element, at: path, location: location)
        case "anonymousAuthentication": readAnonymous(element, at: path, location: location)
        default: readMappingSection(element, at: path, location: location)
        }
    }

    private mutating func visitChildren(of element: XMLTreeElement, at path: XMLPath, location: IISLocation?) {
        let followed = Self.containers[element.name] ?? []
        for (child, childPath) in element.childrenWithPaths(at: path) {
            if followed.contains(child.name) {
                visit(child, at: childPath, location: location)
            } else {
                unrelated["\(element.name)/\(child.name)", default: 0] += 1
            }
        }
    }

    /// `<access sslFlags="Ssl, SslNegotiateCert"/>`.
    private mutating func readAccess(_ element: XMLTreeElement, at path: XMLPath, location: IISLocation) {
        reportUnknown(element, at: path, known: ["sslFlags"])
        guard let raw = element.attributes["sslFlags"] else {
            return note(.info, path.description, "no sslFlags; IIS inherits them, so \(location.resourcePath) is not changed")
        }
        switch IISSSLFlags.parse(raw) {
        case .failure(let error):
            note(.skipped, path.attribute("sslFlags"), "unknown flag \"\(error.word)\"; expected None, Ssl, SslNegotiateCert, SslRequireCert, Ssl128 (comma-separated)")
        case .success(let flags):
            if !flags.contains(.ssl) {
                note(.info, path.attribute("sslFlags"), "SSL is not required here; certmap serves only HTTPS")
            }
            if flags.contains(.ssl128) {
                note(.notImported, path.attribute("sslFlags"), "Ssl128 has no certmap equivalent (IIS 7.5 and later ignore it too)")
            }
            record(location.resourcePath, policy: flags.clientCertificatePolicy, anonymous: nil, at: path)
        }
    }

    /// `<anonymousAuthentication enabled="true"/>`: whether requests without a certificate get in.
    private mutating func readAnonymous(_ element: XMLTreeElement, at path: XMLPath, location: IISLocation) {
        reportUnknown(element, at: path, known: ["enabled", "userName", "password", "logonMethod"])
        reportPassword(element, at: path, owner: "the anonymous user")
        for name in ["userName", "logonMethod"] where element.attributes[name] != nil {
            note(.notImported, path.attribute(name), "the anonymous user's Windows logon has no certmap equivalent")
        }
        guard let raw = element.attributes["enabled"] else { return }
        guard let enabled = IISBoolean.parse(raw) else {
            return note(.skipped, path.attribute("enabled"), "\"\(raw)\" is not true or false")
        }
        record(location.resourcePath, policy: nil, anonymous: enabled, at: path)
    }

    private mutating func record(_ resourcePath: String, policy: ClientCertificatePolicy?, anonymous: Bool?, at path: XMLPath) {
        if let index = settings.firstIndex(where: { $0.path == resourcePath }) {
            if let policy {
                if let earlier = settings[index].policy, earlier != policy {
                    note(.info, path.description, "overrides sslFlags for \(resourcePath) set at \(settings[index].where)")
                }
                settings[index].policy = policy
            }
            if let anonymous { settings[index].anonymous = anonymous }
        } else {
            settings.append((resourcePath, policy, anonymous, path))
        }
    }

    /// Notes every attribute of `element` not in `known`, and every child element when it should have none.
    mutating func reportUnknown(_ element: XMLTreeElement, at path: XMLPath, known: Set<String>, children: Set<String> = []) {
        for name in element.attributes.keys.sorted() where !known.contains(name) {
            note(.unknown, path.attribute(name), "unknown attribute of <\(element.name)>; ignored")
        }
        for (child, childPath) in element.childrenWithPaths(at: path) where !children.contains(child.name) {
            note(.unknown, childPath.description, "unknown element <\(child.name)> in <\(element.name)>; ignored")
        }
    }

    /// A non-empty `password` attribute is reported by whom it belongs to, never by its value.
    mutating func reportPassword(_ element: XMLTreeElement, at path: XMLPath, owner: String) {
        guard let password = element.attributes["password"], !password.isEmpty else { return }
        note(.notImported, path.attribute("password"), "password for \(owner) not imported: certmap never stores passwords")
    }

    mutating func finish() -> IISImportResult {
        if sites.count > 1 {
            note(.info, "/configuration", "locations of \(sites.count) sites (\(sites.joined(separator: ", "))) are merged: certmap serves one site")
        }
        for setting in settings {
            let anonymous = setting.anonymous ?? inheritedAnonymous(for: setting.path)
            if setting.policy == .require, anonymous == true {
                note(.info, setting.where.description, "anonymous authentication is on but a certificate is required at \(setting.path); certmap requires a mapped certificate there")
            } else if setting.policy != nil, setting.policy != .require, anonymous == nil {
                note(.info, setting.where.description, "anonymous authentication is not set for \(setting.path); certmap refuses requests without a mapped certificate there unless allowAnonymous is set")
            }
            if setting.policy == nil {
                note(.info, setting.where.description, "no sslFlags for \(setting.path); its anonymous setting applies only to a certmap resource of that path")
            }
            result.resources.append(IISResourceSetting(path: setting.path, clientCertificate: setting.policy, allowAnonymous: setting.policy == .require ? false : anonymous))
        }
        if !unrelated.isEmpty {
            let names = unrelated.keys.sorted()
            let listed = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? " and \(names.count - 8) more" : "")
            note(.info, "/", "skipped \(unrelated.values.reduce(0, +)) elements unrelated to client certificates: \(listed)")
        }
        return result
    }

    /// The anonymous setting of the nearest enclosing path that has one.
    private func inheritedAnonymous(for path: String) -> Bool? {
        settings.filter { $0.anonymous != nil && $0.path != path && Resource(pathPrefix: $0.path).covers(path) }
            .max { $0.path.count < $1.path.count }?.anonymous
    }
}

/// IIS configuration booleans: `true`/`false`, case-insensitive (IIS accepts `True`).
enum IISBoolean {
    static func parse(_ text: String) -> Bool? {
        switch text.trimmingSpaces.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }
}
