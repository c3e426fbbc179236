/// How a column is shown to a reader, the same in tables and on figure axes: the axis title and the table header
/// in words with the unit, and the scale (multiply-adds and FLOPs in G = 10⁹, counts in M = 10⁶, bytes in
/// MiB = 2²⁰; percentages, frames and factors as stored).
public struct ColumnDisplay: Sendable, Equatable {
  /// Axis title, e.g. `multiply-adds (G)`, `inference memory (MiB)`.
  public var axisTitle: String
  /// Table header, e.g. `GFLOPs`, `Params (M)`, `Memory (MiB)`.
  public var header: String
  /// Shown value = stored value / divisor.
  public var divisor: Double
  /// Decimals in tables.
  public var decimals: Int
}

extension ResultColumn {
  /// How this column is shown (see ``ColumnDisplay``).
  public var display: ColumnDisplay {
    let g = 1e9
    let m = 1e6
    let mib = 1_048_576.0
    switch source {
    case .config(let name):
      switch name {
      case "macs": return ColumnDisplay(axisTitle: "multiply-adds (G)", header: "GFLOPs", divisor: g, decimals: 2)
      case "conv_macs":
        return ColumnDisplay(axisTitle: "conv multiply-adds (G)", header: "Conv GFLOPs", divisor: g, decimals: 2)
      case "linear_macs":
        return ColumnDisplay(
          axisTitle: "linear multiply-adds (G)", header: "Linear GFLOPs", divisor: g, decimals: 3)
      case "fvcore_flops":
        return ColumnDisplay(axisTitle: "fvcore FLOPs (G)", header: "fvcore GFLOPs", divisor: g, decimals: 2)
      case "flops":
        return ColumnDisplay(axisTitle: "FLOPs, 2 per MAC (G)", header: "Full GFLOPs", divisor: g, decimals: 2)
      case "params_no_bn":
        return ColumnDisplay(axisTitle: "parameters (M)", header: "Params (M)", divisor: m, decimals: 2)
      case "params":
        return ColumnDisplay(
          axisTitle: "parameters with BN (M)", header: "Params with BN (M)", divisor: m, decimals: 2)
      case "bn_elements":
        return ColumnDisplay(axisTitle: "BN elements (M)", header: "BN elements (M)", divisor: m, decimals: 2)
      case "activations":
        return ColumnDisplay(axisTitle: "activations (M)", header: "Activations (M)", divisor: m, decimals: 2)
      case "inference_peak_bytes":
        return ColumnDisplay(
          axisTitle: "inference memory (MiB)", header: "Memory (MiB)", divisor: mib, decimals: 1)
      case "training_activation_bytes":
        return ColumnDisplay(
          axisTitle: "training memory (MiB)", header: "Train memory (MiB)", divisor: mib, decimals: 1)
      case "frames": return ColumnDisplay(axisTitle: "frames", header: "Frames", divisor: 1, decimals: 0)
      case "crop": return ColumnDisplay(axisTitle: "crop (px)", header: "Crop", divisor: 1, decimals: 0)
      case "test_crop":
        return ColumnDisplay(axisTitle: "test crop (px)", header: "Test crop", divisor: 1, decimals: 0)
      case "preset": return ColumnDisplay(axisTitle: "model", header: "Model", divisor: 1, decimals: 0)
      case "gamma_tau", "gamma_t", "gamma_s", "gamma_w", "gamma_b", "gamma_d":
        // Spelled out: PDF figures use the standard fonts, which have no Greek.
        let word = name.dropFirst("gamma_".count)
        return ColumnDisplay(axisTitle: "gamma \(word)", header: "gamma \(word)", divisor: 1, decimals: 2)
      default:
        return ColumnDisplay(axisTitle: label, header: label, divisor: 1, decimals: isText ? 0 : 2)
      }
    case .measurement(let metric, _):
      let words: [String: String] = [
        "top1": "top-1 accuracy", "top5": "top-5 accuracy", "latency_ms": "latency",
        "memory_bytes": "measured memory", "energy_j": "energy",
      ]
      let headers: [String: String] = ["top1": "Top-1", "top5": "Top-5", "latency_ms": "Latency"]
      let word = words[metric] ?? metric
      let header = headers[metric] ?? word
      switch unit {
      case "bytes":
        return ColumnDisplay(axisTitle: "\(word) (MiB)", header: "\(header) (MiB)", divisor: mib, decimals: 1)
      case "":
        return ColumnDisplay(axisTitle: word, header: header, divisor: 1, decimals: 2)
      default:
        return ColumnDisplay(
          axisTitle: "\(word) (\(unit))", header: "\(header) (\(unit))", divisor: 1,
          decimals: unit == "%" ? 1 : 2)
      }
    }
  }
}
