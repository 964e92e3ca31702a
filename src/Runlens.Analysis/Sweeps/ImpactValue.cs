namespace Runlens.Analysis.Sweeps;

/// <summary>Which value of the metric stands for a run.</summary>
public enum ImpactValue
{
    /// <summary>The best finite value, in the metric's direction (lowest loss, highest accuracy).</summary>
    Best,

    /// <summary>The last logged value (a run whose last value is NaN or infinite has none).</summary>
    Final,
}
