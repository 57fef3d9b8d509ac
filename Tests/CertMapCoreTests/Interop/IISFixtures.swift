import Foundation

@testable import CertMapCore

/// A realistic `applicationHost.config` excerpt with real certificates: the site-level mapping
/// section inside `<location path="Default Web Site">`, as IIS Manager and appcmd write it, plus
/// the server-wide sections an exported file carries around it.
struct IISFixtures {
    let alice: CertificateIdentity
    let bob: CertificateIdentity

    init() throws {
        alice = try TestCertificates.person("alice", units: ["Engineering"])
        bob = try TestCertificates.person("bob", units: ["Sales"])
    }

    static let salesPassword = "P@ssw0rd-sales!"
    static let encryptedPassword = "[enc:IISCngProvider:jAAAAAECAAADZgAAAKQAAC6ZsecretBlob=:enc]"

    /// Bob's certificate broken over lines, as some tools paste it.
    var bobBase64Wrapped: String {
        let text = Data(bob.der).base64EncodedString()
        return stride(from: 0, to: text.count, by: 64).map { offset in
            let start = text.index(text.startIndex, offsetBy: offset)
            return String(text[start..<(text.index(start, offsetBy: 64, limitedBy: text.endIndex) ?? text.endIndex)])
        }.joined(separator: "\n                 ")
    }

    var applicationHostConfig: String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- applicationHost.config excerpt -->
        <configuration>
            <configSections>
                <sectionGroup name="system.webServer">
                    <section name="access" overrideModeDefault="Deny" />
                </sectionGroup>
            </configSections>
            <system.applicationHost>
                <sites>
                    <site name="Default Web Site" id="1" />
                </sites>
            </system.applicationHost>
            <system.webServer>
                <modules>
                    <add name="CertificateMappingAuthenticationModule" />
                </modules>
                <security>
                    <access sslFlags="None" />
                    <authentication>
                        <anonymousAuthentication enabled="true" userName="IUSR" />
                        <windowsAuthentication enabled="false" />
                    </authentication>
                </security>
            </system.webServer>
            <location path="Default Web Site" overrideMode="Allow">
                <system.webServer>
                    <security>
                        <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert" />
                        <authentication>
                            <anonymousAuthentication enabled="false" />
                            <iisClientCertificateMappingAuthentication enabled="true" oneToOneCertificateMappingsEnabled="true" manyToOneCertificateMappingsEnabled="true" logonMethod="ClearText">
                                <oneToOneMappings>
                                    <add userName="CONTOSO\\alice" password="\(Self.encryptedPassword)" certificate="\(Data(alice.der).base64EncodedString())" />
                                    <add enabled="false" userName="bob" password="" certificate="\(bobBase64Wrapped)" />
                                </oneToOneMappings>
                                <manyToOneMappings>
                                    <add name="Contoso sales" description="Sales &amp; marketing" permissionMode="Allow" userName="sales" password="\(Self.salesPassword)">
                                        <rules>
                                            <add certificateField="Subject" certificateSubField="O" matchCriteria="Contoso" compareCaseSensitive="true" />
                                            <add certificateField="Subject" certificateSubField="OU" matchCriteria="Sales" compareCaseSensitive="false" />
                                            <add certificateField="Issuer" certificateSubField="CN" matchCriteria="Contoso*" />
                                        </rules>
                                    </add>
                                    <add name="No contractors" enabled="true" permissionMode="Deny">
                                        <rules>
                                            <add certificateField="Subject" certificateSubField="OU" matchCriteria="Contractors" compareCaseSensitive="false" />
                                        </rules>
                                    </add>
                                </manyToOneMappings>
                            </iisClientCertificateMappingAuthentication>
                        </authentication>
                    </security>
                </system.webServer>
            </location>
            <location path="Default Web Site/public">
                <system.webServer>
                    <security>
                        <access sslFlags="Ssl" />
                        <authentication>
                            <anonymousAuthentication enabled="true" />
                        </authentication>
                    </security>
                </system.webServer>
            </location>
            <location path="Default Web Site/partners">
                <system.webServer>
                    <security>
                        <access sslFlags="Ssl,SslNegotiateCert" />
                    </security>
                </system.webServer>
            </location>
        </configuration>
        """
    }

    /// A bare mapping section, the smallest fragment an administrator might hand over.
    static func section(oneToOne: String = "", manyToOne: String = "", attributes: String = #"enabled="true""#) -> String {
        """
        <iisClientCertificateMappingAuthentication \(attributes)>
            <oneToOneMappings>
                \(oneToOne)
            </oneToOneMappings>
            <manyToOneMappings>
                \(manyToOne)
            </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>
        """
    }

    static func read(_ xml: String) throws -> IISImportResult {
        try IISConfigurationReader.read(Data(xml.utf8), source: "applicationHost.config")
    }
}
