import CertMapCore
import X509
import XCTest

final class SubjectParserTests: XCTestCase {
    func testRDNsKeepTheWrittenOrder() throws {
        let name = try SubjectParser.parse("/C=US/O=Contoso/OU=Engineering/CN=alice/emailAddress=alice@contoso.example")
        XCTAssertEqual(name.description, "E=alice@contoso.example,CN=alice,OU=Engineering,O=Contoso,C=US")
        XCTAssertEqual(SubjectParser.emailAddress(in: name), "alice@contoso.example")
    }

    func testAliasesSAndEMapToStateAndEmail() throws {
        let name = try SubjectParser.parse("/S=Wash/L=Redmond/E=x@y.example/CN=a")
        XCTAssertEqual(name.description, "CN=a,E=x@y.example,L=Redmond,ST=Wash")
    }

    func testEscapedSlashStaysInsideTheValue() throws {
        let name = try SubjectParser.parse("/O=Acme\\/Labs/CN=zoe")
        XCTAssertEqual(name.count, 2)
        XCTAssertEqual(name.description, "CN=zoe,O=Acme/Labs")
    }

    func testPlusJoinsAttributesIntoOneMultiValuedRDN() throws {
        let name = try SubjectParser.parse("/O=Acme/OU=Ops+CN=zoe")
        XCTAssertEqual(name.count, 2)
        XCTAssertEqual(name[1].count, 2)
    }

    func testMissingLeadingSlashIsRejected() {
        XCTAssertThrowsError(try SubjectParser.parse("CN=zoe")) { error in
            XCTAssertEqual(error as? SubjectParseError, .missingLeadingSlash("CN=zoe"))
        }
    }

    func testComponentWithoutEqualsIsRejectedByName() {
        XCTAssertThrowsError(try SubjectParser.parse("/O=Acme/zoe")) { error in
            XCTAssertEqual(error as? SubjectParseError, .missingEquals(component: "zoe"))
            XCTAssertTrue("\(error)".contains("\"zoe\""))
        }
    }

    func testUnknownAttributeIsRejectedNamingTheComponent() {
        XCTAssertThrowsError(try SubjectParser.parse("/O=Acme/XX=1")) { error in
            XCTAssertEqual(error as? SubjectParseError, .unknownAttribute(name: "XX", component: "XX=1"))
        }
    }

    func testDoubledSlashIsAnEmptyComponent() {
        XCTAssertThrowsError(try SubjectParser.parse("/O=Acme//CN=x")) { error in
            XCTAssertEqual(error as? SubjectParseError, .emptyComponent(position: 2))
        }
    }

    func testCountryMustBeTwoLetters() {
        XCTAssertThrowsError(try SubjectParser.parse("/C=USA/CN=x")) { error in
            guard case .invalidValue(component: "C=USA", _) = error as? SubjectParseError else {
                return XCTFail("unexpected \(error)")
            }
        }
    }

    func testEmptyValueIsRejected() {
        XCTAssertThrowsError(try SubjectParser.parse("/CN=")) { error in
            XCTAssertEqual(error as? SubjectParseError, .emptyValue(component: "CN="))
        }
    }
}
