// The ExpansionSearch module: see its issue and ../shared/design.md. Files are added per concept.
