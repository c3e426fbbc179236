import Foundation
import X3DModel

/// Reads and writes NumPy `.npy` files (format versions 1.0, 2.0 and 3.0) holding float32 arrays. Only what a clip
/// or a score table needs: little-endian `<f4`, C order. Anything else is refused with a message saying what the
/// file holds.
public enum NumPyArray {
  /// Longer headers are refused before they are parsed (a float32 array's header is under 200 bytes; NumPy's own
  /// reader stops at 10,000 by default).
  public static let maximumHeaderBytes = 1_000_000

  /// The shape and elements of a float32 `.npy` file.
  public static func read(_ url: URL) throws(ExecutorError) -> (shape: [Int], scalars: [Float]) {
    let bytes: Data
    do { bytes = try Data(contentsOf: url) } catch {
      throw .file(path: url.path, reason: "cannot read (\(error.localizedDescription))")
    }
    func fail(_ reason: String) -> ExecutorError { .npy(path: url.path, reason: reason) }
    let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    guard bytes.count >= 10, Array(bytes.prefix(6)) == magic else {
      throw fail("not a .npy file (no \\x93NUMPY magic)")
    }
    let major = bytes[bytes.startIndex + 6]
    let lengthBytes = major == 1 ? 2 : 4
    guard major >= 1 && major <= 3, bytes.count >= 8 + lengthBytes else {
      throw fail("unsupported .npy version \(major)")
    }
    var headerLength = 0
    for offset in 0..<lengthBytes {
      headerLength |= Int(bytes[bytes.startIndex + 8 + offset]) << (8 * offset)
    }
    guard headerLength <= maximumHeaderBytes else {
      throw fail("the header claims \(headerLength) bytes, more than the \(maximumHeaderBytes)-byte limit")
    }
    let dataStart = 8 + lengthBytes + headerLength
    guard bytes.count >= dataStart,
      let header = String(
        data: bytes.subdata(in: (8 + lengthBytes)..<dataStart),
        encoding: major == 3 ? .utf8 : .isoLatin1)
    else { throw fail("truncated header") }

    let parsed = try NumPyHeader.parse(header, fail: fail)
    switch parsed.descr {
    case .string("<f4"): break
    case .string(">f4"):
      throw fail("dtype >f4 is big-endian float32; save it little-endian (`a.astype('<f4')`)")
    case .string(let dtype):
      throw fail("dtype \(dtype) is not float32 (<f4); convert it (`a.astype(np.float32)`)")
    default: throw fail("a structured dtype is not float32 (<f4); save a plain float32 array")
    }
    if parsed.fortranOrder {
      throw fail(
        "the array is in Fortran order; save a C-ordered array (`np.ascontiguousarray(a)`)")
    }
    let (shape, count) = (parsed.shape, parsed.elementCount)
    let available = bytes.count - dataStart
    guard count <= available / 4 else {
      throw fail(
        "truncated: shape \(shape) needs \(count) float32 elements, the file has \(available) data bytes")
    }
    let scalars = bytes.withUnsafeBytes { raw in
      (0..<count).map {
        Float(
          bitPattern: UInt32(
            littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + 4 * $0, as: UInt32.self)))
      }
    }
    return (shape, scalars)
  }

  /// Reads a clip and checks it has exactly `expected` as its shape.
  public static func readTensor(_ url: URL, expected: TensorShape) throws(ExecutorError) -> Tensor {
    let (shape, scalars) = try read(url)
    guard shape == expected.dimensions else {
      throw .inputShape(
        expected: "(" + expected.dimensions.map(String.init).joined(separator: ", ") + ")",
        observed: "(" + shape.map(String.init).joined(separator: ", ") + ") in \(url.path)")
    }
    return try Tensor(shape: expected, scalars: scalars)
  }

  /// Writes a float32, little-endian, C-ordered `.npy` file (version 1.0).
  public static func write(shape: [Int], scalars: [Float], to url: URL) throws(ExecutorError) {
    let shapeText =
      shape.count == 1
      ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var out = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
    out.append(UInt8(header.utf8.count & 0xFF))
    out.append(UInt8(header.utf8.count >> 8))
    out.append(Data(header.utf8))
    scalars.withUnsafeBufferPointer { out.append($0) }
    do { try out.write(to: url) } catch {
      throw .file(path: url.path, reason: "cannot write (\(error.localizedDescription))")
    }
  }
}
