import Foundation

extension HardwareProfile {
  /// The names `--hardware` accepts besides a file: the built-ins and `host`.
  public static var names: [String] { builtIn.keys.sorted() + ["host"] }

  /// A built-in profile by name (case-insensitive), `host` (this machine, measured now by ``HostProbe``, about half a
  /// second), or a JSON profile file.
  public static func load(_ nameOrPath: String) throws(LatencyError) -> HardwareProfile {
    let name = nameOrPath.lowercased()
    if let profile = builtIn[name] { return profile }
    if name == "host" { return HostProbe.profile(description: HostProbe.machineDescription()) }
    guard let data = FileManager.default.contents(atPath: nameOrPath) else {
      throw .unknownHardware(name: nameOrPath, builtIn: names)
    }
    return try HardwareProfile(json: data, source: nameOrPath)
  }
}

extension HostProbe {
  /// `CPU model · N cores · OS` from `/proc/cpuinfo` where there is one, else the processor count and OS.
  public static func machineDescription() -> String {
    var model = "unknown CPU"
    if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
      let colon = line.firstIndex(of: ":")
    {
      model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    let info = ProcessInfo.processInfo
    return "\(model) · \(info.activeProcessorCount) cores · \(info.operatingSystemVersionString)"
  }
}
