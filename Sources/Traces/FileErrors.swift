import Foundation

/// A file-system error as a few plain words ("permission denied", "no such file"), instead of
/// what Foundation prints on Linux ("The operation could not be completed. (NSCocoaErrorDomain
/// error 257.)"). Every message about a file AgentPerf could not read or write goes through here.
package enum FileErrors {
    package static func describe(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file"
            case .fileReadInapplicableStringEncoding, .fileReadUnknownStringEncoding: return "not UTF-8 text"
            case .fileReadTooLarge: return "too large to read"
            case .fileWriteOutOfSpace: return "no space left on the device"
            case .fileWriteFileExists: return "a file of that name exists"
            case .fileWriteVolumeReadOnly: return "the file system is read-only"
            case .fileReadCorruptFile: return "the file is damaged or not in the expected form"
            default: break
            }
        }
        let error = error as NSError
        let posix =
            error.domain == NSPOSIXErrorDomain
            ? error : (error.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? $0 : nil }
        if let posix, let text = strerror(Int32(truncatingIfNeeded: posix.code)) {
            return String(cString: text).lowercased()
        }
        let text = error.localizedDescription
        // Foundation's placeholder sentence says nothing: name the domain and code instead.
        if text.hasPrefix("The operation could not be completed") { return "error \(error.code) (\(error.domain))" }
        return text
    }
}
