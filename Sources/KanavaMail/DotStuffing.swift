import NIOCore

/// The bytes sent after `DATA` (RFC 5321 §4.5.2): the message with a `.` added before every line that starts
/// with `.`, and the terminating `.` line.
enum DotStuffing {
    /// `message` must use CRLF line ends; a missing final CRLF is added.
    static func dataBlock(_ message: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(message.utf8.count + 64)
        var atLineStart = true
        var previous: UInt8 = 0
        for byte in message.utf8 {
            if atLineStart && byte == UInt8(ascii: ".") { buffer.writeInteger(UInt8(ascii: ".")) }
            buffer.writeInteger(byte)
            atLineStart = previous == UInt8(ascii: "\r") && byte == UInt8(ascii: "\n")
            previous = byte
        }
        if !atLineStart { buffer.writeString("\r\n") }
        buffer.writeString(".\r\n")
        return buffer
    }
}
