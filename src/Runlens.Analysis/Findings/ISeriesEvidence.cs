namespace Runlens.Analysis.Findings;

/// <summary>Evidence about one series (its <c>series</c> key): comparisons read it when a finding names no series of its own.</summary>
public interface ISeriesEvidence
{
    /// <summary>The key of the series the finding is about.</summary>
    string Series { get; }
}
