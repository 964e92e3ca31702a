namespace Runlens.Storage;

/// <summary>A write to a deleted run (restore it first).</summary>
public sealed class RunNotActiveException(string runId, string lifecycle)
    : StoreException($"The run {runId} must be in the 'active' state. Current state is {lifecycle}.");
