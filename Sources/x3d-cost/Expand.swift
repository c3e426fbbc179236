import ArgumentParser
import ExpansionSearch
import Foundation
import ReferenceExecutor
import SweepStore

extension X3DCost {
  /// `x3d-cost expand`: the X3D paper's progressive expansion search.
  struct Expand: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Progressive expansion search: forward expansion and backward contraction (X3D §3.2).",
      subcommands: [Run.self, Ask.self, Tell.self],
      defaultSubcommand: Run.self)
  }
}

extension X3DCost.Expand {
  /// Runs a search to the end with a criterion that scores on the spot.
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a search with a command, stored measurements or a training-free proxy as criterion.",
      discussion: """
        Criteria (one):
          --criterion-cmd 'python train.py --frames {frames} --crop {crop} ...'  last output line = score
          --criterion-metric top1 [--dataset NAME]   measurements already in the database
          --proxy naswot                              NASWOT on the reference executor (a proxy, not accuracy)
        Template fields: {frames} {crop} {sampling_rate} {width_factor} {depth_factor} {bottleneck_factor} \
        {classes} {gamma_tau} {gamma_t} {gamma_s} {gamma_w} {gamma_b} {gamma_d} {key} {impl}, and every \
        whole-network cost field by its JSON name ({macs} {params} {flops} {inference_peak_bytes} ...).
        Each field is one shell word, also inside quotes; write {{ and }} for literal braces (awk '{{print $2}}').
        Every score is stored as it arrives: after Ctrl-C, running the same search again re-uses them.
        Exit status: 0 finished, 2 bad input, 3 waiting for measurements, 130 interrupted.
        """)

    @OptionGroup var search: SearchOptions
    @OptionGroup var store: StoreOptions

    @Option(help: "Command template whose last line of output is the score (higher is better).")
    var criterionCmd: String?
    @Option(help: "Candidates scored in parallel by --criterion-cmd.")
    var jobs: Int = 1
    @Option(help: "Seconds before a criterion command's process group is ended and its candidate marked failed.")
    var timeout: Double?
    @Option(help: "Score = this stored metric of the configuration (e.g. top1).")
    var criterionMetric: String?
    @Option(help: "With --criterion-metric: only this dataset's measurements.")
    var dataset: String?
    @Option(help: "Training-free proxy criterion: naswot.")
    var proxy: String?
    @Option(help: "Clips per NASWOT batch (2–16).")
    var proxyBatch: Int = 8
    @Option(help: "Seed of the proxy's weights and clips.")
    var seed: UInt64 = 0
    @Option(help: "Output: table or json.")
    var format: OutputFormat = .table

    func run() throws {
      let settings = try search.settings()
      let chosen = [criterionCmd != nil, criterionMetric != nil, proxy != nil].filter { $0 }.count
      guard chosen == 1 else {
        throw UsageError(
          "give exactly one criterion: --criterion-cmd, --criterion-metric or --proxy (or use expand ask/tell)")
      }
      if let proxy, proxy.lowercased() != "naswot" {
        throw UsageError("invalid value for --proxy: \(proxy) (the available proxy is naswot)")
      }
      let commandCriterion = try criterionCmd.map { (template) throws in
        try CommandCriterion(template: template, jobs: jobs, timeout: timeout)
      }
      let results = try store.open(.readWrite)
      let ledger = StoreLedger(store: results, now: { StoreOptions.timestamp() })
      let expansion = try ExpansionSearch(name: search.name, settings: settings)
      // Ctrl-C and SIGTERM end the running criterion commands (their process groups); every score that arrived is
      // stored, so the same command resumes without running a finished command again.
      Interruption.install()
      let stop: @Sendable () -> Bool = { Interruption.requested }
      let outcome: SearchRun
      let result: Result<SearchRun, SearchError>
      if let commandCriterion {
        result = Result { () throws(SearchError) in
          try expansion.run(criterion: commandCriterion, ledger: ledger, shouldStop: stop)
        }
      } else if let criterionMetric {
        let criterion = try MeasurementCriterion(store: results, metric: criterionMetric, dataset: dataset)
        result = Result { () throws(SearchError) in
          try expansion.run(criterion: criterion, ledger: ledger, shouldStop: stop)
        }
      } else {
        let criterion = try NASWOTCriterion(batch: proxyBatch, seed: seed)
        result = Result { () throws(SearchError) in
          try expansion.run(criterion: criterion, ledger: ledger, shouldStop: stop)
        }
      }
      switch result {
      case .success(let run): outcome = run
      case .failure(.interrupted(let evaluations)):
        FileHandle.standardError.write(
          Data((SearchError.interrupted(evaluations: evaluations).description + "\n").utf8))
        // 128 + SIGINT, as shells report an interrupted command (as `sweep` does).
        Foundation.exit(130)
      case .failure(let error): throw error
      }
      print(try SearchView(run: outcome, settings: settings).render(format), terminator: "")
      if case .pending(let candidates) = outcome.status {
        FileHandle.standardError.write(
          Data(
            ("x3d-cost: \(candidates.count) candidate(s) have no score yet (no measurement); import them with "
              + "`x3d-cost import --search \(search.name) FILE.csv` and run again\n").utf8))
        throw ExitCode(3)
      }
    }
  }

  /// Prints the candidates that need a score (one per job of a job array), advancing the search as far as the
  /// scores already told allow.
  struct Ask: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the pending candidates of a search whose scores come from outside (ask/tell).")

    @OptionGroup var search: SearchOptions
    @OptionGroup var store: StoreOptions
    @Option(help: "json or csv.") var format: OutputFormat = .json

    func run() throws {
      let settings = try search.settings()
      let results = try store.open(.readWrite)
      let ledger = StoreLedger(store: results, now: { StoreOptions.timestamp() })
      let criterion = PendingCriterion(cacheKey: StoreLedger.tellCriterion(search: search.name))
      let outcome = try ExpansionSearch(name: search.name, settings: settings).run(criterion: criterion, ledger: ledger)
      switch outcome.status {
      case .pending(let candidates):
        print(try SearchView.pending(candidates, format: format), terminator: "")
      case .finished:
        print(try SearchView(run: outcome, settings: settings).render(format == .csv ? .table : format), terminator: "")
      }
    }
  }

  /// Records scores for pending candidates.
  struct Tell: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record scores of a search's candidates: CSV lines key,score (score may be 'failed').")

    @Option(help: "Name of the search.") var name: String
    @OptionGroup var store: StoreOptions
    @Option(help: "CSV file of key,score lines (header optional); - reads standard input.") var scores: String?
    @Option(help: "One candidate's key (with --score).") var key: String?
    @Option(help: "That candidate's score.") var score: String?
    @Flag(help: "When one key has several rows, keep the last one (otherwise such input is refused).")
    var replaceDuplicates = false

    func run() throws {
      let results = try store.open(.readWrite)
      let ledger = StoreLedger(store: results, now: { StoreOptions.timestamp() })
      var pairs: [TellParser.Row] = []
      if let key, let score { pairs.append(TellParser.Row(key: key, score: score, origin: "--key")) }
      if let scores {
        let text: String
        if scores == "-" {
          text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
          guard let contents = try? String(contentsOfFile: scores, encoding: .utf8) else {
            throw UsageError("cannot read --scores file \(scores)")
          }
          text = contents
        }
        pairs += try TellParser.parse(text)
      }
      guard !pairs.isEmpty else { throw UsageError("nothing to tell: give --scores FILE or --key and --score") }
      let (rows, replaced) = try TellParser.deduplicated(pairs, replacing: replaceDuplicates)
      guard try results.search(named: name) != nil else {
        throw UsageError("no search named \(name) in \(store.db); start it with x3d-cost expand ask")
      }
      let pending = try results.pendingKeys(search: name)
      let unknown = rows.map(\.key).filter { !pending.contains($0) }
      guard unknown.isEmpty else {
        throw UsageError(
          "\(unknown.count) key(s) are not pending in search \(name) (nothing recorded): "
            + unknown.prefix(5).joined(separator: ", "))
      }
      let criterion = StoreLedger.tellCriterion(search: name)
      let outcomes = try rows.map { row throws in (row.key, try TellParser.outcome(row.score, key: row.key)) }
      for (key, outcome) in outcomes {
        try ledger.record(criterion: criterion, configurationKey: key, outcome: outcome)
      }
      let replacedNote = replaced > 0 ? " (\(replaced) earlier row(s) for the same key replaced)" : ""
      print(
        "recorded \(rows.count) score(s) for search \(name)\(replacedNote); run `x3d-cost expand ask` again to continue"
      )
    }
  }
}
