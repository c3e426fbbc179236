import CostModel
import Foundation

/// A column a user can name in `pareto`, `plot` and `export`: a stored column of `configs`, or a measured metric
/// (`top1`, or `top1@paper-table3` for one dataset's values).
public struct ResultColumn: Hashable, Sendable {
  public enum Source: Hashable, Sendable {
    /// A column of `configs`.
    case config(String)
    /// A metric of `measurements`, from one dataset or (nil) whichever has it.
    case measurement(metric: String, dataset: String?)
  }

  /// As the user typed it.
  public var name: String
  public var source: Source
  /// Axis label, e.g. "multiply-adds (conv + linear)".
  public var label: String
  /// Unit of the stored value, e.g. "MACs", "parameters", "bytes", "%"; empty for plain numbers.
  public var unit: String
  /// Whether the column holds text (preset, implementation) rather than numbers.
  public var isText: Bool
  /// Whether larger values are better (for a default Pareto direction).
  public var higherIsBetter: Bool

  /// The stored columns of `configs` that can be named, with labels and units, in table order.
  public static let configColumns: [ResultColumn] =
    [
      text("preset", "preset"), text("implementation", "implementation"),
      number("gamma_tau", "γτ (sampling rate)", ""), number("gamma_t", "γt", ""),
      number("gamma_s", "γs", ""),
      number("gamma_w", "γw", ""), number("gamma_b", "γb", ""), number("gamma_d", "γd", ""),
      number("frames", "frames T", "frames"), number("crop", "train crop S", "pixels"),
      number("test_crop", "evaluated crop", "pixels"), number("width_factor", "width factor", ""),
      number("depth_factor", "depth factor", ""),
      number("bottleneck_factor", "bottleneck factor", ""),
      number("classes", "classes", ""), number("batch", "batch", ""),
    ] + CostField.networkTotals.map { field in number(field.name, field.label, field.unit.rawValue) }

  private static func text(_ name: String, _ label: String) -> ResultColumn {
    ResultColumn(
      name: name, source: .config(name), label: label, unit: "", isText: true, higherIsBetter: false
    )
  }

  private static func number(_ name: String, _ label: String, _ unit: String) -> ResultColumn {
    ResultColumn(
      name: name, source: .config(name), label: label, unit: unit, isText: false,
      higherIsBetter: false)
  }
}

extension ResultsStore {
  /// The column or metric called `name` (`macs`, `top1`, `top1@paper-table3`).
  public func column(named name: String) throws(StoreError) -> ResultColumn {
    let name = name.trimmingCharacters(in: .whitespaces)
    if let column = ResultColumn.configColumns.first(where: { $0.name == name }) { return column }
    let parts = name.split(separator: "@", maxSplits: 1).map(String.init)
    let metrics = try self.metrics()
    guard let metric = metrics.first(where: { $0.name == parts.first }) else {
      throw .unknownColumn(
        name: name, known: ResultColumn.configColumns.map(\.name) + metrics.map(\.name))
    }
    var dataset: String?
    if parts.count == 2 {
      let known = try datasetNames()
      guard known.contains(parts[1]) else { throw .unknownDataset(name: parts[1], known: known) }
      dataset = parts[1]
    }
    return ResultColumn(
      name: name, source: .measurement(metric: metric.name, dataset: dataset),
      label: metric.name + (dataset.map { " (\($0))" } ?? ""), unit: metric.unit, isText: false,
      higherIsBetter: metric.better == .higher)
  }
}
