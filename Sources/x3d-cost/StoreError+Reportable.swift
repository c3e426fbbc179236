import SweepStore

extension StoreError: ReportableError {}
