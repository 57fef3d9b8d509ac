import NIOCore

/// Why a listening socket could not be opened, in one sentence with the remedy — never
/// `bind(descriptor:ptr:bytes:) ... (errno: 98)`. The server and both proxies use it.
public enum BindProblem {
    /// - Parameters:
    ///   - address: `HOST:PORT` as given; `option` the flag that sets it (`--listen`).
    public static func describe(_ error: Error, address: String, option: String) -> String {
        let code = (error as? IOError)?.errnoCode
        switch code {
        case 98?: return "\(address) is already in use; stop the other server or pass \(option) with another port"
        case 99?: return "\(address) is not an address of this machine; pass \(option) with one it has (e.g. 127.0.0.1:PORT)"
        case 13?: return "\(address) needs privileges (ports below 1024 do); pass \(option) with a port above 1023"
        default:
            if let code { return "\(address) cannot be opened (system error \(code)); pass \(option) with another address" }
            return "\(address) cannot be opened: \(error)"
        }
    }
}
