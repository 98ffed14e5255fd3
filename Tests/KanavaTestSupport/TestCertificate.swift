import Foundation
import NIOSSL

/// A throwaway self-signed certificate for `localhost` and `127.0.0.1`, made with openssl in a temporary
/// directory, and a client TLS configuration that trusts exactly it (verification stays on).
public struct TestCertificate: Sendable {
    public let directory: URL
    public var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
    public var keyPath: String { directory.appendingPathComponent("key.pem").path }

    /// Makes a certificate, runs `body` with it and removes the files afterwards.
    public static func with<T>(_ body: (TestCertificate) async throws -> T) async throws -> T {
        let certificate = try await make()
        defer { try? FileManager.default.removeItem(at: certificate.directory) }
        return try await body(certificate)
    }

    private static func make() async throws -> TestCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-mail-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = TestCertificate(directory: directory)
        let openssl = try await ChildProcess.run(
            "/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                                 "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                                 "-keyout", certificate.keyPath, "-out", certificate.certificatePath])
        guard openssl.status == 0 else {
            try? FileManager.default.removeItem(at: directory)
            throw SMTPSinkError("openssl could not make a test certificate (exit \(openssl.status)): \(openssl.standardError)")
        }
        return certificate
    }

    /// The sink's certificate and key, for ``SMTPSink/Options``.
    public var files: (certificate: String, key: String) { (certificatePath, keyPath) }

    /// A client configuration whose only trusted root is this certificate.
    public func clientConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificatePath))
        return configuration
    }
}
