// hummingbird 2 with HummingbirdTLS answering as the bare server does: client certificate
// required and verified, one fixed 146-byte body for every request.
//
//   hummingbird-server PORT SERVER.CRT SERVER.KEY CA-BUNDLE.PEM
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import PeerSupport

let peer = try PeerArguments.parse(peer: "hummingbird-server")
let body = ByteBuffer(string: PeerArguments.body)
let router = Router()
// ApacheBench speaks HTTP/1.0 and keeps a connection only when the answer says so; hummingbird
// (HTTP types, no version) does not say it by itself.
router.get("/") { request, _ in
    let keepAlive = request.headers[.connection]?.lowercased() == "keep-alive"
    let headers: HTTPFields = keepAlive ? [.contentType: "text/plain", .connection: "keep-alive"] : [.contentType: "text/plain", .connection: "close"]
    return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
}
var logger = Logger(label: "hummingbird-server")
logger.logLevel = .error
let app = Application(
    router: router,
    server: try .tls(.http1(), tlsConfiguration: peer.tls),
    configuration: .init(address: .hostname("127.0.0.1", port: peer.port)),
    logger: logger)
try await app.runService()
