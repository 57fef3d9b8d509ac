import X509

extension DistinguishedName {
    /// The name as traces show it: "CN=alice" when there is a common name, otherwise the full
    /// RFC 4514 string, so a chain line stays readable ("CN=alice → CN=CertMap Demo Issuing CA").
    public var traceName: String {
        for rdn in self.reversed() {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                return attribute.description
            }
        }
        let full = description
        return full.isEmpty ? "(empty name)" : full
    }
}
