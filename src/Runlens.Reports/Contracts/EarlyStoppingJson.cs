using Runlens.Model;

namespace Runlens.Reports.Contracts;

/// <summary>An early-stopping callback as the trainer saved it.</summary>
public sealed record EarlyStoppingJson(int? Patience, double? Threshold, int? PatienceCounter, bool Fired)
{
    public static EarlyStoppingJson? From(EarlyStoppingState? s) => s is null ? null : new(s.Patience, s.Threshold, s.PatienceCounter, s.Fired);
}
