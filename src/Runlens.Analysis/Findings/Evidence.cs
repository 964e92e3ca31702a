namespace Runlens.Analysis.Findings;

/// <summary>
/// The facts behind a finding, as data. Each rule declares its own sealed records deriving from this one (see
/// <see cref="Rules.RuleDescriptor.Evidence"/>): numbers are numbers (NaN allowed), steps integers, ids and series keys
/// strings, lists arrays of records. No value packs several facts into a string; renderers turn the fields into text.
/// Keys follow one vocabulary across rules (docs/evidence.md). JSON comes from <see cref="EvidenceJson"/>.
/// </summary>
public abstract record Evidence
{
    /// <summary>No evidence, for findings built by hand outside the rules (tests, benchmarks).</summary>
    public static Evidence Empty => NoEvidence.Instance;
}
