import CertMapCore
import Foundation
import FuzzSupport

/// IIS `applicationHost.config` files and fragments (`certmap import iis FILE`), through
/// `IISConfigurationReader.read(_:source:)` (XML tree builder, then the section readers), then
/// the merge into a configuration, as the import command does.
///
/// Properties, as in IISImportFuzzTests: a failure is an `XMLTreeError` or `IISImportError` on
/// one line naming the file; an import merged into an empty configuration validates; the
/// merged configuration exported again as IIS XML is well-formed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let result: IISImportResult
    do {
        result = try IISConfigurationReader.read(Data(Fuzz.bytes(data, size)), source: "applicationHost.config")
    } catch let error as XMLTreeError {
        Fuzz.check(!"\(error)".contains("\n") && "\(error)".hasPrefix("applicationHost.config: not well-formed XML"), "a bad XML error: \(error)")
        return 0
    } catch let error as IISImportError {
        Fuzz.check(error == .nothingToImport(source: "applicationHost.config"), "\(error)")
        return 0
    } catch {
        Fuzz.check(false, "not an IIS import error: \(type(of: error)) \(error)")
        return 0
    }
    _ = result.notes.map(\.description)
    for mode in [IISImportMerge.Mode.merge, .replace] {
        let (merged, changes) = IISImportMerge.apply(result, to: ConfigDocument(), mode: mode)
        _ = changes
        let issues = ConfigValidator.validate(merged)
        Fuzz.check(issues.isEmpty, "an import merged into an empty configuration does not validate: \(issues)")
        guard issues.isEmpty else { continue }
        let xml = IISConfigurationWriter.render(merged).xml
        do {
            _ = try IISConfigurationReader.read(Data(xml.utf8), source: "export.config")
        } catch is IISImportError {
            // an export with nothing in it
        } catch {
            Fuzz.check(false, "the IIS export of an import is not well-formed: \(error)\n\(xml)")
        }
    }
    return 0
}
