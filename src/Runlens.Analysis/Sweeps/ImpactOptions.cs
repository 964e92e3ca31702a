namespace Runlens.Analysis.Sweeps;

/// <summary>Settings of a hyperparameter impact analysis. The defaults are what <c>runlens impact</c> uses.</summary>
public sealed record ImpactOptions
{
    /// <summary>The metric (key such as <c>val/loss</c> or the name as logged, such as <c>eval_loss</c>); null = the primary
    /// metric the diagnoser picks, the one most runs share.</summary>
    public string? Metric { get; init; }

    /// <summary>Best or final value of the metric per run.</summary>
    public ImpactValue Value { get; init; } = ImpactValue.Best;

    /// <summary>How many times the random forest is fitted (each with its own seed and hold-out split): the spread of
    /// the importances over the fits is their uncertainty.</summary>
    public int Repeats { get; init; } = 5;

    /// <summary>Trees per forest.</summary>
    public int Trees { get; init; } = 50;

    /// <summary>Share of the runs held out of each fit; the permutation importance is measured on them.</summary>
    public double HoldOut { get; init; } = 0.25;

    /// <summary>Seed of the first fit; fit k uses <c>Seed + k</c>. Same runs and seed, same result.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Below this many runs with a value of the metric, the result says that it cannot conclude anything.</summary>
    public int MinRuns { get; init; } = 10;

    /// <summary>A level of a categorical parameter needs this many runs before its finding rates are compared.</summary>
    public int MinRunsPerLevel { get; init; } = 3;

    /// <summary>A finding whose rate differs by at least this much (0–1) between two levels is called out.</summary>
    public double NotableDifference { get; init; } = 0.30;

    /// <summary>Numeric parameters with at most this many distinct values also get finding rates per value.</summary>
    public int MaxNumericLevels { get; init; } = 5;

    /// <summary>Categorical parameters with more distinct values than this are left out (an id, a path, a free text).</summary>
    public int MaxLevels { get; init; } = 20;

    public static ImpactOptions Default { get; } = new();
}
