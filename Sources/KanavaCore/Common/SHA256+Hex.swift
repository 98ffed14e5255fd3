import Crypto

extension SHA256.Digest {
    /// Lower-case hexadecimal, the form Kanava stores (session tokens, roster files, document content).
    var hex: String {
        map { String(format: "%02x", $0) }.joined()
    }
}
