import Foundation
import TestSupport
import Testing

@testable import SweepStore

/// `cost --format csv` read back by the project's RFC 4180 reader: every number parses as a number and equals the
/// JSON's value under the same name.
struct CSVRoundTripTests {
  func table(_ arguments: [String]) throws -> (columns: [String], rows: [[String]]) {
    let result = try CommandRunner.run(arguments + ["--format", "csv"])
    #expect(result.status == 0, "\(result.standardError)")
    let records = try CSVReader.records(result.standardOutput)
    let columns = records.first?.fields ?? []
    let rows = records.dropFirst().map(\.fields)
    for row in rows { #expect(row.count == columns.count) }
    return (columns, rows)
  }

  func json(_ arguments: [String]) throws -> [String: Any] {
    let result = try CommandRunner.run(arguments + ["--format", "json"])
    return try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] ?? [:]
  }

  @Test func totalsRowHasEveryConfigAndTotalsKeyAsNumbers() throws {
    let arguments = ["--preset", "m"]
    let (columns, rows) = try table(arguments)
    let object = try json(arguments)
    var totals = object["totals"] as! [String: Any]
    let config = object["config"] as! [String: Any]
    // `totals.training` groups flat keys; without training options it adds no column.
    #expect(totals.removeValue(forKey: "training") is [String: Any])
    #expect(rows.count == 1)
    #expect(Set(columns) == Set(totals.keys).union(config.keys))
    for (key, value) in totals {
      let cell = rows[0][columns.firstIndex(of: key)!]
      #expect(Int(cell) != nil, "\(key) = \(cell) is not an integer")
      #expect(Int(cell) == (value as! NSNumber).intValue, "\(key)")
    }
    #expect(Double(rows[0][columns.firstIndex(of: "width_factor")!]) == 2.0)
    #expect(rows[0][columns.firstIndex(of: "macs")!] == "4732468736")
  }

  @Test func perLayerRowsEqualTheJSONLayers() throws {
    let arguments = ["--preset", "xs", "--per-layer"]
    let (columns, rows) = try table(arguments)
    let layers = try json(arguments)["layers"] as! [[String: Any]]
    #expect(rows.count == layers.count)
    #expect(Set(columns) == Set(layers.flatMap(\.keys)))
    for (row, layer) in zip(rows, layers) {
      for key in ["macs", "params", "bn_elements", "activations", "output_elements", "flops"] {
        let cell = row[columns.firstIndex(of: key)!]
        #expect(Int(cell) == (layer[key] as! NSNumber).intValue, "\(layer["name"]!) \(key) = \(cell)")
      }
      let shape = (layer["output_shape"] as! [NSNumber]).map { String($0.intValue) }.joined(separator: "x")
      #expect(row[columns.firstIndex(of: "output_shape")!] == shape)
    }
    // The column sums are the totals the one-row table carries.
    let totals = try json(["--preset", "xs"])["totals"] as! [String: Any]
    for key in ["macs", "params", "activations", "bn_elements"] {
      let sum = rows.reduce(0) { $0 + Int($1[columns.firstIndex(of: key)!])! }
      #expect(sum == (totals[key] as! NSNumber).intValue, "\(key)")
    }
  }
}
