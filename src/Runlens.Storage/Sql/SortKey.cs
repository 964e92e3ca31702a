namespace Runlens.Storage.Sql;

/// <summary>
/// One key a search orders by: an order_by clause, or the start time every order ends with (before the run id). Each
/// key ranks a run first (0 a value, 1 NaN, 2 none: runs without the key come last whichever the direction, NaN just
/// before them) and then orders runs of rank 0 by the value.
/// </summary>
/// <param name="Value">The SQL value, NULL where the rank is not 0.</param>
/// <param name="Present">True where the run has the key (null: every run has it).</param>
/// <param name="Kind">How the value is read, written to a page token and bound.</param>
internal sealed record SortKey(string Value, string? Present, bool IsMetric, bool Ascending, SortValueKind Kind, SearchSource? Source)
{
    /// <summary>Many runs share each value (a parameter, a tag, the status, the user), unlike a metric, a time, a name
    /// or an id.</summary>
    public bool OftenTies { get; init; }

    /// <summary>The ranks runs can have on this key, in order.</summary>
    public int[] Ranks => Present is null ? [0] : IsMetric ? [0, 1, 2] : [0, 2];

    /// <summary>The rank as SQL; null when it is always 0.</summary>
    public string? Rank => Present is null ? null : IsMetric
        ? $"CASE WHEN NOT ({Present}) THEN 2 WHEN {Value} IS NULL THEN 1 ELSE 0 END"
        : $"CASE WHEN {Present} THEN 0 ELSE 2 END";

    /// <summary>True for the runs of one rank.</summary>
    public string? Condition(int rank) => (Present, rank) switch
    {
        (null, _) => null,
        (_, 2) => $"NOT ({Present})",
        _ when IsMetric => $"{Present} AND {Value} IS {(rank == 0 ? "NOT NULL" : "NULL")}",
        _ => Present,
    };
}
