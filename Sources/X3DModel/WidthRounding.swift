/// The rounding rules of SlowFast and pytorchvideo (x3d-reference.md §3), in one place.
public enum WidthRounding {
  /// `round_width(x, m, min, div)`: if `m` is 0 return `x`; `y = x·m`;
  /// `out = max(min, floor(y + div/2) div div · div)` (round half up to a multiple of `div`);
  /// if `out < 0.9·y` add `div`.
  ///
  /// The arithmetic is IEEE double, exactly as Python evaluates it. The caller bounds `x·m` (see
  /// ``ModelConfiguration/maximumWidthFactor``), so the conversion to `Int` cannot trap.
  public static func roundWidth(_ width: Int, multiplier: Double, minimum: Int, divisor: Int) -> Int {
    if multiplier == 0 { return width }
    let y = Double(width) * multiplier
    let divisorValue = Double(divisor)
    let rounded = Int((y + divisorValue / 2).rounded(.down)) / divisor * divisor
    var result = max(minimum, rounded)
    if Double(result) < 0.9 * y { result += divisor }
    return result
  }

  /// `round_repeats(r, d) = ceil(d·r)`: blocks in a stage of `r` base blocks at depth factor `d`.
  @inlinable
  public static func roundRepeats(_ repeats: Int, depthFactor: Double) -> Int {
    Int((depthFactor * Double(repeats)).rounded(.up))
  }

  /// Inner (bottleneck) width `Cb = int(b·Co)`: truncation, as in both code bases.
  public static func innerWidth(_ width: Int, bottleneckFactor: Double) -> Int {
    Int((bottleneckFactor * Double(width)).rounded(.towardZero))
  }

  /// Squeeze-excitation width `Cse = round_width(Cb, 1/16, min 8, divisor 8)`.
  public static func squeezeWidth(_ innerWidth: Int) -> Int {
    roundWidth(innerWidth, multiplier: 1.0 / 16.0, minimum: 8, divisor: 8)
  }
}
