import ArgumentParser

/// How a command prints its result.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
  case table, json, csv, markdown
}
