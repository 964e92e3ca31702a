namespace Runlens.Storage.Search;

/// <summary>What a clause reads from a run.</summary>
/// <param name="Name">The metric, param or tag name; for attributes the canonical MLflow name (<c>created</c> is
/// <c>start_time</c>, <c>Run name</c> is <c>run_name</c>).</param>
/// <param name="Written">The key as the clause spelled it, for error messages.</param>
internal sealed record SearchKey(SearchEntity Entity, string Name, string Written)
{
    public const string RunId = "run_id";
    public const string RunName = "run_name";
    public const string Status = "status";
    public const string UserId = "user_id";
    public const string StartTime = "start_time";
    public const string EndTime = "end_time";
    public const string ArtifactUri = "artifact_uri";

    /// <summary>Compared as numbers: metrics and the two time attributes (milliseconds since the Unix epoch).</summary>
    public bool IsNumeric => Entity == SearchEntity.Metric || (Entity == SearchEntity.Attribute && Name is StartTime or EndTime);
}
