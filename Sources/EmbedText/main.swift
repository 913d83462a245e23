// Writes a text file as a Swift source declaring it as a string constant, for the
// EmbedOpenAPIDocument build plugin: `EmbedText INPUT OUTPUT NAME` writes
// `let NAME = #"""…"""#` with INPUT's exact text. A raw string literal compiles in a fraction
// of a second where SwiftPM's `embedInCode` byte array of the same text takes tens of seconds.
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: EmbedText INPUT OUTPUT NAME\n".utf8))
    exit(2)
}
let text = try String(contentsOfFile: arguments[1], encoding: .utf8)
// A multi-line literal reads every line break as "\n": a carriage return would not survive.
guard !text.contains("\r") else {
    FileHandle.standardError.write(Data("\(arguments[1]): carriage returns cannot be embedded\n".utf8))
    exit(1)
}
// Enough `#` that nothing in the text closes the literal or starts an escape.
var hashes = "#"
while text.contains("\"\"\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
let source = """
    // Generated from \(URL(fileURLWithPath: arguments[1]).lastPathComponent) by EmbedText: edit that file, not this one.
    let \(arguments[3]) = \(hashes)\"\"\"
    \(text)
    \"\"\"\(hashes)

    """
try source.write(toFile: arguments[2], atomically: true, encoding: .utf8)
