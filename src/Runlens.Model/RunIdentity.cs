namespace Runlens.Model;

/// <summary>Who a run is and where it came from.</summary>
/// <param name="Id">Stable id: the format's own id where it has one (MLflow run id, W&amp;B run id), else derived from the path.</param>
/// <param name="Name">Human-readable name.</param>
/// <param name="Experiment">Experiment or project name, when the format has one.</param>
/// <param name="Source">Format and path the run was read from.</param>
/// <param name="ParentId">Parent run id for nested runs (MLflow <c>mlflow.parentRunId</c>).</param>
public sealed record RunIdentity(string Id, string Name, string? Experiment, RunSource Source, string? ParentId = null)
{
    public StartEnd Time { get; init; } = StartEnd.Unknown;
}

/// <param name="Format">Format id, e.g. <c>hf-trainer-state</c>, <c>tensorboard</c>, <c>mlflow</c>.</param>
/// <param name="Path">The file or folder the run was read from.</param>
public sealed record RunSource(string Format, string Path);

/// <summary>Start and end wall-clock time, when known.</summary>
public sealed record StartEnd(DateTimeOffset? Start, DateTimeOffset? End)
{
    public static StartEnd Unknown { get; } = new(null, null);
}
