import Foundation
import HummingbirdTesting
import KanavaCore
import KanavaTestSupport
import NIOCore
import NIOSSL
import Testing

@Suite struct TLSTests {
    /// A throwaway self-signed certificate for 127.0.0.1, made with openssl.
    private func makeCertificate(in directory: URL) async throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = try await ChildProcess.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                                                      "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", certificate])
        guard openssl.status == 0 else { throw TestFailure("openssl could not make a certificate: \(openssl.standardError)") }
        return (certificate, key)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func servesOverTLSWithSecureCookiesAndHSTS() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (certificate, key) = try await makeCertificate(in: directory)

        try await withServer(configure: { $0.server.tls.certificate = certificate; $0.server.tls.privateKey = key }) { server in
            try await server.installation.person("a@example.fi")
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            let client = TestClient(host: "127.0.0.1", port: server.port, configuration: .init(tlsConfiguration: tls, serverName: "localhost"))  // SNI cannot carry an IP address
            client.connect()
            let health = try await client.get("/health")
            #expect(health.status == .ok)
            #expect(health.headers[.strictTransportSecurity] == "max-age=31536000")
            var body = ByteBuffer()
            body.writeString(#"{"email":"a@example.fi","password":"\#(TestInstallation.password)"}"#)
            let signIn = try await client.post("/api/auth/sign-in", headers: [.contentType: "application/json"], body: body)
            #expect(signIn.status == .ok)
            #expect(signIn.headers[.setCookie]?.contains("Secure") == true)
            try await client.shutdown()

            // Plain HTTP to the TLS port gets nowhere.
            await #expect(throws: (any Error).self) { _ = try await server.session().get("/health") }
        }
    }
}
