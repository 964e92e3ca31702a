namespace Runlens.Storage.Search;

/// <summary>The value of a <see cref="SearchKey"/> on a run, or null where the run lacks it.</summary>
internal static class RunFields
{
    /// <summary>A metric's latest value, or a time attribute in milliseconds since the Unix epoch.</summary>
    public static double? Number(RunRecord run, SearchKey key) => key switch
    {
        { Entity: SearchEntity.Metric } => MetricVocabulary.Find(run, key.Name)?.Value,
        { Entity: SearchEntity.Attribute, Name: SearchKey.StartTime } => Milliseconds(run.StartTime),
        { Entity: SearchEntity.Attribute, Name: SearchKey.EndTime } => Milliseconds(run.EndTime),
        _ => null,
    };

    public static string? Text(RunRecord run, SearchKey key) => key switch
    {
        { Entity: SearchEntity.Param } => run.Params.TryGetValue(key.Name, out var value) ? value : null,
        { Entity: SearchEntity.Tag } => run.Tags.TryGetValue(key.Name, out var value) ? value : null,
        { Entity: SearchEntity.Attribute, Name: SearchKey.RunId } => run.Id,
        { Entity: SearchEntity.Attribute, Name: SearchKey.RunName } => run.Name,
        { Entity: SearchEntity.Attribute, Name: SearchKey.Status } => MlflowStatus.Name(run.Status),
        { Entity: SearchEntity.Attribute, Name: SearchKey.UserId } => run.User,
        _ => null,
    };

    public static long? Milliseconds(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();
}
