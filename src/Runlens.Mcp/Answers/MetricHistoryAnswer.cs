using Runlens.Reports.Contracts;

namespace Runlens.Mcp.Answers;

/// <summary><c>get_metric_history</c>: the series and step range asked for (null when not given), how many points the
/// range holds and how many are returned, whether they were downsampled, the lowest, highest and last point returned,
/// and the points as parallel arrays (<c>epochs</c> null when the series logs none).</summary>
internal sealed record MetricHistoryAnswer(
    string Run,
    string Key,
    string LoggedAs,
    long? FromStep,
    long? ToStep,
    long PointsInRange,
    int Returned,
    bool Downsampled,
    PointJson? Min,
    PointJson? Max,
    PointJson? Last,
    IReadOnlyList<long> Steps,
    IReadOnlyList<double> Values,
    IReadOnlyList<double?>? Epochs);
