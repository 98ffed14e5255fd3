import Foundation

/// The kinds of file a document may be, and how an upload proves it is one.
///
/// The rule: the file name's extension picks the type; a declared `Content-Type` (when the client sends one
/// other than `application/octet-stream`) must be one of that type's names; and the bytes must carry that
/// type's signature:
///
/// | extension            | bytes                                                                       |
/// |----------------------|-----------------------------------------------------------------------------|
/// | pdf                  | `%PDF-`                                                                     |
/// | png, jpg/jpeg, gif   | the PNG, JPEG (`FF D8 FF`) or GIF (`GIF87a`/`GIF89a`) signature             |
/// | webp                 | `RIFF….WEBP`                                                                |
/// | docx, xlsx, pptx     | a ZIP (`PK 03 04`) whose central directory lists `[Content_Types].xml` and  |
/// |                      | the format's main folder (`word/`, `xl/`, `ppt/`); no unpacking needed      |
/// | doc, xls             | an OLE2 compound file (`D0 CF 11 E0 A1 B1 1A E1`); the two are not told apart |
/// | txt, csv             | valid UTF-8 (a BOM is allowed) without NUL bytes                            |
///
/// The stored content type is the canonical one of the detected type, never the client's string.
public enum FileType: String, Sendable, CaseIterable, Codable {
    case pdf, png, jpeg, gif, webp, docx, xlsx, pptx, doc, xls, txt, csv

    /// What a person calls it, for error messages.
    public var label: String {
        switch self {
        case .pdf: "a PDF document"
        case .png: "a PNG image"
        case .jpeg: "a JPEG image"
        case .gif: "a GIF image"
        case .webp: "a WebP image"
        case .docx: "a Word document (DOCX)"
        case .xlsx: "an Excel workbook (XLSX)"
        case .pptx: "a PowerPoint presentation (PPTX)"
        case .doc: "a Word document (DOC)"
        case .xls: "an Excel workbook (XLS)"
        case .txt: "a text file"
        case .csv: "a CSV file"
        }
    }

    public var extensions: [String] {
        switch self {
        case .jpeg: ["jpg", "jpeg"]
        default: [rawValue]
        }
    }

    /// The type served on download.
    public var contentType: String {
        switch self {
        case .pdf: "application/pdf"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case .doc: "application/msword"
        case .xls: "application/vnd.ms-excel"
        case .txt: "text/plain; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        }
    }

    /// Declared types accepted for this file type (browsers differ: Windows with Excel calls a .csv
    /// `application/vnd.ms-excel`, some send `image/jpg`).
    var acceptedDeclarations: Set<String> {
        switch self {
        case .pdf: ["application/pdf", "application/x-pdf"]
        case .png: ["image/png"]
        case .jpeg: ["image/jpeg", "image/jpg", "image/pjpeg"]
        case .gif: ["image/gif"]
        case .webp: ["image/webp"]
        case .docx, .xlsx, .pptx: [FileType.canonical(contentType)]
        case .doc: ["application/msword"]
        case .xls: ["application/vnd.ms-excel", "application/msexcel", "application/x-msexcel"]
        case .txt: ["text/plain"]
        case .csv: ["text/csv", "text/plain", "application/csv", "text/comma-separated-values", "application/vnd.ms-excel"]
        }
    }

    /// The type named by a file name's extension (case-insensitive), or nil.
    public static func forName(_ name: String) -> FileType? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...].lowercased()
        return allCases.first { $0.extensions.contains(ext) }
    }

    static var allowedExtensions: String {
        allCases.flatMap(\.extensions).map { "." + $0 }.joined(separator: ", ")
    }

    /// `type/subtype` in lower case, without parameters; nil when nothing useful was declared.
    static func canonical(_ declared: String) -> String {
        String(declared.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Checks a file's name and declared type before any byte is read: the type the bytes must then prove.
    public static func expected(name: String, declared: String?) throws -> FileType {
        guard let type = forName(name) else {
            throw KanavaError.invalid("file", "'\(name.prefix(80))' is not an allowed type; allowed: \(allowedExtensions)")
        }
        if let declared {
            let mime = canonical(declared)
            if !mime.isEmpty, mime != "application/octet-stream", !type.acceptedDeclarations.contains(mime) {
                throw KanavaError.invalid("file", "the name says \(type.label) (.\(type.extensions[0])) but the declared Content-Type is '\(mime.prefix(80))'")
            }
        }
        return type
    }

    /// Checks that the stored bytes are what the name promised; the error names both.
    public static func verify(_ file: FileHandle, size: Int64, as expected: FileType) throws {
        let head = try readAt(file, offset: 0, count: 16)
        let found = try detect(head: head, file: file, size: size)
        guard found.contains(expected) else {
            let what = found.first.map(\.label) ?? "not \(expected.label)"
            let content = found.first == nil ? what : "the content is \(what)"
            throw KanavaError.invalid("file", "the name says \(expected.label) (.\(expected.extensions[0])) but \(content)")
        }
    }

    /// The types the bytes could be (empty: none of the allowed ones).
    static func detect(head: [UInt8], file: FileHandle, size: Int64) throws -> [FileType] {
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && Array(head[offset..<(offset + magic.count)]) == magic
        }
        if starts(Array("%PDF-".utf8)) { return [.pdf] }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return [.png] }
        if starts([0xFF, 0xD8, 0xFF]) { return [.jpeg] }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return [.gif] }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return [.webp] }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return [.doc, .xls] }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            let names = try ZipDirectory.names(file, size: size)
            guard names.contains("[Content_Types].xml") else { return [] }
            if names.contains(where: { $0.hasPrefix("word/") }) { return [.docx] }
            if names.contains(where: { $0.hasPrefix("xl/") }) { return [.xlsx] }
            if names.contains(where: { $0.hasPrefix("ppt/") }) { return [.pptx] }
            return []
        }
        if try isText(file, size: size) { return [.txt, .csv] }
        return []
    }

    /// Valid UTF-8 without NUL bytes, read in chunks (a character split between chunks is carried over).
    static func isText(_ file: FileHandle, size: Int64) throws -> Bool {
        try file.seek(toOffset: 0)
        var carry: [UInt8] = []
        var offset: Int64 = 0
        while offset < size {
            guard let chunk = try file.read(upToCount: 1 << 16), !chunk.isEmpty else { break }
            offset += Int64(chunk.count)
            if chunk.contains(0) { return false }
            var bytes = carry + chunk
            // A character cut by the chunk's end waits for the next chunk.
            var cut = bytes.count
            var index = bytes.count - 1
            while index >= 0, bytes.count - index <= 4 {
                let byte = bytes[index]
                if byte & 0xC0 != 0x80 {
                    let needed = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                    if bytes.count - index < needed { cut = index }
                    break
                }
                index -= 1
            }
            carry = Array(bytes[cut...])
            bytes.removeSubrange(cut...)
            guard String(validating: bytes, as: UTF8.self) != nil else { return false }
        }
        return carry.isEmpty
    }

    static func readAt(_ file: FileHandle, offset: UInt64, count: Int) throws -> [UInt8] {
        try file.seek(toOffset: offset)
        return [UInt8](try file.read(upToCount: count) ?? Data())
    }
}

/// The entry names of a ZIP file, from its central directory (no decompression).
enum ZipDirectory {
    static let maxEntries = 20_000

    static func names(_ file: FileHandle, size: Int64) throws -> [String] {
        // The end-of-central-directory record is in the last 22 + 65,535 bytes.
        let tailLength = Int(min(size, 22 + 65_535))
        let tail = try FileType.readAt(file, offset: UInt64(size) - UInt64(tailLength), count: tailLength)
        guard tail.count >= 22 else { return [] }
        var index = tail.count - 22
        while index >= 0 {
            if tail[index] == 0x50, tail[index + 1] == 0x4B, tail[index + 2] == 0x05, tail[index + 3] == 0x06 { break }
            index -= 1
        }
        guard index >= 0 else { return [] }
        let entries = Int(le16(tail, index + 10))
        let directorySize = Int(le32(tail, index + 12))
        let directoryOffset = UInt64(le32(tail, index + 16))
        guard entries <= maxEntries, directoryOffset + UInt64(directorySize) <= UInt64(size) else { return [] }
        let directory = try FileType.readAt(file, offset: directoryOffset, count: directorySize)
        var names: [String] = []
        var at = 0
        while names.count < entries, at + 46 <= directory.count {
            guard le32(directory, at) == 0x0201_4B50 else { break }
            let nameLength = Int(le16(directory, at + 28))
            let extraLength = Int(le16(directory, at + 30))
            let commentLength = Int(le16(directory, at + 32))
            guard at + 46 + nameLength <= directory.count else { break }
            names.append(String(decoding: directory[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self))
            at += 46 + nameLength + extraLength + commentLength
        }
        return names
    }

    private static func le16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func le32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}

/// Original file names as shown and offered on download (never used as a path: files are stored by hash).
public enum FileName {
    /// Keeps only the last path component (`/` and `\` both separate), drops control and bidirectional
    /// formatting characters, normalises to NFC (macOS sends decomposed ä), trims spaces and dots at the ends.
    public static func sanitize(_ raw: String, maxChars: Int) throws -> String {
        let nfc = raw.precomposedStringWithCanonicalMapping
        let last = nfc.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let kept = String(String.UnicodeScalarView(last.unicodeScalars.filter { scalar in
            let category = scalar.properties.generalCategory
            return category != .control && category != .format && category != .lineSeparator && category != .paragraphSeparator
        }))
        let trimmed = kept.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: ".")))
        guard !trimmed.isEmpty else { throw KanavaError.invalid("fileName", "must not be empty") }
        guard trimmed.count <= maxChars else { throw KanavaError.invalid("fileName", "must be at most \(maxChars) characters") }
        return trimmed
    }

    /// `Content-Disposition: attachment` with an ASCII fallback and the exact name in RFC 5987 form, so
    /// Finnish names survive and nothing in a name can end the header.
    public static func contentDisposition(_ name: String) -> String {
        "attachment; filename=\"\(asciiFallback(name))\"; filename*=UTF-8''\(percentEncoded(name))"
    }

    static func asciiFallback(_ name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        var result = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, scalar.value >= 0x20, scalar.value < 0x7F, scalar != "\"", scalar != "\\", scalar != "%" {
                result.unicodeScalars.append(scalar)
            } else {
                result.append("_")
            }
        }
        return result.isEmpty ? "file" : result
    }

    static func percentEncoded(_ name: String) -> String {
        let attrChars = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~".utf8)
        var result = ""
        for byte in name.utf8 {
            if attrChars.contains(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }
}
