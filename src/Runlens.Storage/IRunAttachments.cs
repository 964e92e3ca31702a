namespace Runlens.Storage;

/// <summary>What a run keeps besides its points: the predictions uploaded for it and the digest of its last diagnosis.</summary>
public interface IRunAttachments
{
    /// <summary>The run's uploaded predictions of one role (<c>validation</c> or <c>training</c>), or null.</summary>
    Task<StoredUpload?> GetPredictionsAsync(string runId, string role, CancellationToken cancellationToken = default);

    /// <summary>Stores predictions for the run (replacing those of the same role and format);
    /// <see cref="RunNotFoundException"/> when there is no such run.</summary>
    /// <param name="format"><c>jsonl</c> or <c>csv</c>.</param>
    Task PutPredictionsAsync(string runId, string role, string format, byte[] bytes, CancellationToken cancellationToken = default);

    /// <summary>The digest of the run's last diagnosis as it was stored (JSON), or null.</summary>
    Task<byte[]?> GetDiagnosisSummaryAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Stores the digest of the run's diagnosis (JSON), replacing the one before.</summary>
    Task PutDiagnosisSummaryAsync(string runId, byte[] summary, CancellationToken cancellationToken = default);
}
