/// What an account name may not be, said once for every way a name arrives (config.json, the
/// IIS importer): certmap sends it in the `X-CertMap-Account` response header and the gateway's
/// identity headers, so a control character would split the response.
public enum AccountName {
    /// Why `name` cannot be an account name (control characters), or nil.
    public static func problem(_ name: String) -> String? {
        guard name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        return "must not contain control characters (it is sent in the X-CertMap-Account header)"
    }
}
